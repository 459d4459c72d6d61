#pragma once
// Stage 3 of loading: the collected definitions compiled once into matchers, messages into
// templates; every unknown key, list, macro or placeholder becomes a diagnostic at its position.
#include <string>
#include <vector>

#include "policy/collector.h"
#include "policy/condition.h"
#include "policy/policy.h"

namespace toolwall::policy {

enum class Placeholder {
  none,
  source,
  sink,
  host,
  via,
  command,
  marker,
  detail,
  path,
  line,
  column,
  detector,
  code_message,
  severity,
  language,
  node,
  rule,
  origin,
  reason
};

// A rule message with its {placeholders} resolved to slots at load time.
class MessageTemplate {
 public:
  struct Segment {
    std::string literal;
    Placeholder placeholder = Placeholder::none;
  };
  std::vector<Segment> segments;
  std::string render(const Bound& bound, const EvalContext& context, const std::string& rule,
                     const std::string& severity) const;
};

struct CompiledRule {
  RuleInfo info;
  std::vector<ToolKind> kinds;  // empty: all
  StringMatcher tools, agents;  // empty: all
  ConditionPtr match, unless;
  MessageTemplate message;
  bool allowlistable = false;
  std::vector<const Condition*> exceptions;  // conditions of the exceptions naming this rule
};

// Quick allowlists: they only ever suppress rules marked allowlistable.
struct Allowlist {
  std::optional<HostMatcher> hosts;
  std::vector<CommandPrefix> commands;
  std::vector<std::string> paths;
  bool suppresses(const Bound& bound, const EvalContext& context) const;
};

struct CompiledPolicy {
  std::string name;
  std::vector<CompiledRule> rules;
  std::vector<ConditionPtr> exception_conditions;
  Allowlist allow;
  Action fail_mode = Action::block;
  Limits limits;
  std::vector<std::string> code_detector_paths;
  std::vector<RuleExample> examples;
  std::vector<RuleInfo> infos;
};

// Compiles everything collected; problems are appended to `diagnostics`.
CompiledPolicy compile(const Collection& collection, const std::string& name, Diagnostics& diagnostics);

}  // namespace toolwall::policy
