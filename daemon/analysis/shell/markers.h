#pragma once
// Risk markers read from one command's normalised words (no data flow needed).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace toolwall::shell {

struct MarkerHit {
  std::string name;
  std::string detail;
};

// Package sources pointed elsewhere for every later install: npm/pnpm/yarn config set registry (or
// @scope:registry, npmRegistryServer), pip config set …index-url, go env -w GOPROXY=URL, git config
// url.BASE.insteadOf. The new source, or nullopt.
std::optional<std::string> registry_redirect(const std::string& name, const std::vector<std::string>& args);
// The host an npm-style client is given credentials for on its command line: `npm config set
// //HOST/:_authToken VALUE` (or KEY=VALUE, _auth, _password) and `npm publish --//HOST/:_authToken=VALUE`;
// nullopt when none.
std::optional<std::string> registry_credentials_host(const std::string& name, const std::vector<std::string>& args);

// Markers for a command: destructive_target, security_off, privilege, world_writable, force_push,
// history_delete, new_remote. working_directory: where a literal `cd` left the shell ("" = the project
// directory), for commands that act on "." when told no directory.
std::vector<MarkerHit> command_markers(const std::string& name, const std::vector<std::string>& args,
                                       const std::string& working_directory = {});
// "GIT_SSL_NO_VERIFY=1", "NODE_TLS_REJECT_UNAUTHORIZED=0", "HISTFILE=/dev/null" … : the detail, or nullopt.
std::optional<std::string> assignment_security_off(const std::string& name, const std::string& value);
// True when a word names production as one of its parts: prod-eu-1, acme-prod-backups, $PROD_DATABASE_URL,
// infra/envs/production.
bool names_production(std::string_view text);
// Index of git's subcommand after its global options (-c k=v, -C dir …); args.size() if none.
size_t git_subcommand_index(const std::vector<std::string>& args);

}  // namespace toolwall::shell
