#pragma once
// Policy definitions as read from YAML, before lists and macros are resolved: what the reader
// produces and the collector merges. Every definition keeps the position it was written at.
// Conditions stay YAML nodes here; the compiler turns them into matchers once everything is known.
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/verdict.h"

namespace toolwall::policy {

// Where a definition was written (1-based), plus the layer it came from: 0 is the base policy;
// org/team/user layers stacked on top get higher numbers and may only tighten.
struct Position {
  std::string file;
  int line = 0;
  int column = 0;
  int layer = 0;

  Diagnostic error(std::string message) const { return Diagnostic{file, line, column, std::move(message)}; }
};

Position position_of(const YAML::Node& node, const std::string& file, int layer);

struct Located {
  std::string text;
  Position at;
};

struct ListDefinition {
  std::string name;
  std::vector<Located> items;  // items naming another list are expanded by the collector
  Position at;
};

struct MacroDefinition {
  std::string name;
  YAML::Node body;  // a condition mapping, spliced where `$macro: name` appears
  Position at;
};

// A rule example: a plain shell command or a tool call {agent?, tool, arguments}.
struct ExampleDefinition {
  bool must_match = true;
  nlohmann::json call;  // a string (shell command) or an object {agent, tool, arguments}
  Position at;
};

struct RuleDefinition {
  std::string id;
  std::string description;
  std::vector<ToolKind> kinds;         // empty: every kind
  std::vector<Located> tools, agents;  // globs; empty: every tool / agent
  YAML::Node match;
  YAML::Node unless;  // may be undefined
  Action action = Action::flag;
  std::string severity = "medium";
  std::string message;
  Position message_at;
  std::vector<ExampleDefinition> examples;
  bool allowlistable = false;
  bool enabled = true;
  bool locked = false;            // a higher layer may not add exceptions to it
  bool is_override = false;       // `override: true`: tightens the rule of the same id in a lower layer
  std::vector<std::string> keys;  // the keys written, so an override knows what it changes
  std::vector<std::string> tags;
  Position at;
};

struct ExceptionDefinition {
  std::vector<Located> rules;  // rule ids or globs ("shell.net.*")
  std::string description;
  YAML::Node match;
  Position at;
};

struct AllowDefinition {
  std::vector<Located> hosts, commands, paths;
};

struct LimitsDefinition {
  std::optional<size_t> max_argument_bytes;
  std::optional<size_t> max_nesting;
  std::optional<size_t> max_findings;
};

// One YAML file.
struct Document {
  std::string file;
  int layer = 0;
  std::vector<Located> includes;  // as written, relative to `file`
  std::vector<ListDefinition> lists;
  std::vector<MacroDefinition> macros;
  std::vector<RuleDefinition> rules;
  std::vector<ExceptionDefinition> exceptions;
  AllowDefinition allow;
  std::optional<Action> fail_mode;
  Position fail_mode_at;
  LimitsDefinition limits;
  std::vector<Located> code_detectors;  // as written, relative to `file`
};

}  // namespace toolwall::policy
