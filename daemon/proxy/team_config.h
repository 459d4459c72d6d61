#pragma once
// Team-service settings in config/toolwall.yaml: client identities, upstream credentials, trusted
// models and hot reload. Parsed by config.cpp through read_team_setting.
#include <chrono>
#include <string>
#include <vector>

#include "core/diagnostic.h"

namespace YAML {
class Node;
}

namespace toolwall::proxy {

struct ClientSpec {
  std::string name;
  std::string token_sha256;         // lower-case hex; a plain `token:` is hashed when read, never kept
  std::vector<std::string> layers;  // policy layers on top of the base policy, lowest first
};

struct ModelRules {
  std::vector<std::string> allow;  // globs; empty = every model not denied
  std::vector<std::string> deny;   // globs; win over allow
  bool configured() const { return !allow.empty() || !deny.empty(); }
};

struct TeamConfig {
  std::vector<ClientSpec> clients;
  std::string client_tokens_file;     // lines "SHA256HEX NAME [LAYER…]"
  std::string upstream_api_key_env;   // the proxy injects this provider key upstream
  std::string upstream_api_key_file;
  ModelRules models;
  bool reload_watch = true;           // poll watched files for changes
  std::chrono::milliseconds reload_interval{1000};
  bool clients_required() const { return !clients.empty() || !client_tokens_file.empty(); }
};

// The top-level keys handled here.
const std::vector<std::string>& team_setting_keys();
// Reads one top-level team key; problems are appended with file:line:col.
void read_team_setting(const YAML::Node& node, const std::string& key, const std::string& file, TeamConfig& team,
                       Diagnostics& errors);

}  // namespace toolwall::proxy
