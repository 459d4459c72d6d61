#pragma once
// Settings in configuration files that turn a security control off: TLS verification for npm,
// git, pip, curl, wget, conda, and the environment variables that disable it for Node, Python
// and git (in .env files, Dockerfile ENV, CI env blocks). Reported as `security_off` markers, the
// name the shell analyser uses for `git config http.sslVerify false` and the like.
#include <string>
#include <string_view>
#include <vector>

#include "core/facts.h"

namespace toolwall::code {

// Markers for every such setting in a non-code file, located by line and column.
std::vector<Marker> security_off_settings(const std::string& path, std::string_view content);

// Package sources a configuration or dependency file points elsewhere (.npmrc/.yarnrc.yml registries,
// pip.conf and requirements indexes, cargo registries, dependencies and requirements given as URLs):
// `registry_redirect` markers carrying the source's host, for the policy's host lists.
std::vector<Marker> registry_settings(const std::string& path, std::string_view content);

// Lines of system files that hand out root (sudoers NOPASSWD for ALL, a second uid-0 or password-less
// account, PAM's pam_permit for auth, /etc/ld.so.preload): `privilege_grant` markers. Lines that make
// something run at every start (LD_PRELOAD in environment.d or /etc/environment, .npmrc script-shell or
// node-options --require): `persistence_write`.
std::vector<Marker> privilege_and_startup_settings(const std::string& path, std::string_view content);

// Where a coding agent or an SDK is told to send its API key and every prompt: ANTHROPIC_BASE_URL,
// OPENAI_BASE_URL and their kin in any file (.env, settings.json env, shell rc files, compose files),
// and base_url/baseURL/apiBase in agents' own configuration (~/.codex/config.toml, opencode.json):
// `model_endpoint` markers carrying the endpoint's host, for the policy's host lists.
std::vector<Marker> model_endpoint_settings(const std::string& path, std::string_view content);

// Registry credentials a configuration file gives a server (.npmrc //host/:_authToken, .yarnrc.yml
// npmAuthToken beside npmRegistryServer, .pypirc password beside repository): `registry_credentials`
// markers carrying the server's host.
std::vector<Marker> registry_credential_settings(const std::string& path, std::string_view content);

// A credential in a known issuer's format written into a file no grammar reads (.npmrc, an IDE's XML, a
// shell script, an rc file): `hardcoded_secret`, at the first such line (code files are read by the
// detectors, with their syntax).
std::vector<Marker> hardcoded_secret_lines(const std::string& path, std::string_view content);

// GitHub workflows that hand repository secrets to code the repository does not control: a
// pull_request_target job checking out the pull request's head (`untrusted_code_with_secrets`), a
// third-party action at a moving ref given a secret (`security_off`).
std::vector<Marker> workflow_trust_settings(const std::string& path, std::string_view content);

}  // namespace toolwall::code
