#pragma once
// Small queries over Facts for the shell analyser's tests.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "analysis/shell/shell_analyzer.h"

namespace shell_test {

inline const toolwall::Command* command_named(const toolwall::Facts& facts, std::string_view name) {
  for (const auto& command : facts.commands)
    if (command.name == name) return &command;
  return nullptr;
}

inline bool has_command(const toolwall::Facts& facts, std::string_view name) { return command_named(facts, name) != nullptr; }

inline bool has_context(const toolwall::Command& command, std::string_view context) {
  return std::find(command.context.begin(), command.context.end(), context) != command.context.end();
}

inline bool has_wrapper(const toolwall::Command& command, std::string_view wrapper) {
  return std::find(command.wrappers.begin(), command.wrappers.end(), wrapper) != command.wrappers.end();
}

inline const toolwall::Flow* flow_of(const toolwall::Facts& facts, std::string_view from, std::string_view to) {
  for (const auto& flow : facts.flows)
    if (flow.from == from && flow.to == to) return &flow;
  return nullptr;
}

inline bool has_flow(const toolwall::Facts& facts, std::string_view from, std::string_view to) {
  return flow_of(facts, from, to) != nullptr;
}

inline bool has_flow_to(const toolwall::Facts& facts, std::string_view to) {
  return std::any_of(facts.flows.begin(), facts.flows.end(), [&](const toolwall::Flow& f) { return f.to == to; });
}

inline bool has_via(const toolwall::Flow& flow, std::string_view step) {
  return std::find(flow.via.begin(), flow.via.end(), step) != flow.via.end();
}

inline const toolwall::Marker* marker_of(const toolwall::Facts& facts, std::string_view name) {
  for (const auto& marker : facts.markers)
    if (marker.name == name) return &marker;
  return nullptr;
}

inline bool has_marker(const toolwall::Facts& facts, std::string_view name) { return marker_of(facts, name) != nullptr; }

inline bool has_host(const toolwall::Facts& facts, std::string_view host) {
  return std::find(facts.hosts.begin(), facts.hosts.end(), host) != facts.hosts.end();
}

// A secret class reached the network or DNS: the shape every exfiltration rule looks for.
inline bool secret_leaves(const toolwall::Facts& facts) {
  return std::any_of(facts.flows.begin(), facts.flows.end(), [](const toolwall::Flow& f) {
    bool secret = f.from == "env_dump" || f.from == "secret_var" || f.from == "credential_file" ||
                  f.from == "credential_helper";
    return secret && (f.to == "network" || f.to == "dns");
  });
}

inline toolwall::Facts analyze(std::string_view script) { return toolwall::shell::analyze(script); }

// The script sends a credential file's content (a key, ~/.aws/credentials …) to the network.
inline bool sends_credential_file(std::string_view script) {
  return has_flow(analyze(script), "credential_file", "network");
}

// An earlier call of the conversation that ran a script, or whose editor tool wrote a file whole.
inline toolwall::shell::EarlierStep ran(std::string script) {
  toolwall::shell::EarlierStep step;
  step.script = std::move(script);
  return step;
}

inline toolwall::shell::EarlierStep wrote(std::string path, std::string content) {
  toolwall::shell::EarlierStep step;
  step.path = std::move(path);
  step.content = std::move(content);
  return step;
}

}  // namespace shell_test
