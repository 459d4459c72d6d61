#pragma once
// The engine's answer for one tool call.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall {

// A lattice: the strictest action that any matching rule asks for wins.
enum class Action { allow = 0, flag = 1, rewrite = 2, block = 3 };

std::string_view to_string(Action action);
std::optional<Action> parse_action(std::string_view text);
inline Action strictest(Action a, Action b) { return a > b ? a : b; }

// Which tool family a call belongs to once its agent profile has been applied.
enum class ToolKind { shell, file_write, file_edit, patch, other };
std::string_view to_string(ToolKind kind);
std::optional<ToolKind> parse_tool_kind(std::string_view text);

struct Finding {
  std::string rule;      // rule id
  std::string message;   // the rule's message, placeholders filled
  Action action = Action::flag;
  std::string severity;  // low | medium | high | critical
  Span span;             // in the analysed text of the argument named by `field`
  std::string field;     // argument holding the analysed text ("command", "content", …)
  Location location;     // file, line, column for written code
};

struct Verdict {
  Action action = Action::allow;
  std::vector<std::string> rules;     // ids of the rules that matched, in policy order, unique
  std::vector<Finding> findings;
  std::optional<nlohmann::json> arguments;  // the rewritten argument object when action == rewrite
  std::string profile;                // agent profile applied
  ToolKind kind = ToolKind::other;
  std::string error;                  // set when the fail mode decided (unparseable, limits)
  // False when incomplete analysis (a time budget, a size limit), an internal error or the conversation's
  // earlier calls decided: the same call may be judged otherwise another time, so such a verdict is never
  // remembered.
  bool repeatable = true;
  // Ids of the conversation's earlier calls replayed to reach a verdict other than allow (what they left
  // is part of the finding), oldest first.
  std::vector<std::string> earlier_calls;

  // One short paragraph for a person and the model: what was blocked, by which rule, why.
  std::string explanation(std::string_view tool) const;
  // The `toolwall check` output object: {id, action, rules, findings, arguments?, error?}.
  nlohmann::json to_json(std::string_view id) const;
};

}  // namespace toolwall
