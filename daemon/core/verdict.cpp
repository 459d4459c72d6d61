#include "core/verdict.h"

#include <array>

namespace toolwall {

namespace {
constexpr std::array<std::string_view, 4> kActionNames{"allow", "flag", "rewrite", "block"};
constexpr std::array<std::string_view, 5> kKindNames{"shell", "file_write", "file_edit", "patch", "other"};
}  // namespace

std::string_view to_string(Action action) { return kActionNames[static_cast<size_t>(action)]; }

std::optional<Action> parse_action(std::string_view text) {
  for (size_t i = 0; i < kActionNames.size(); ++i)
    if (kActionNames[i] == text) return static_cast<Action>(i);
  return std::nullopt;
}

std::string_view to_string(ToolKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::optional<ToolKind> parse_tool_kind(std::string_view text) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == text) return static_cast<ToolKind>(i);
  return std::nullopt;
}

std::string Verdict::explanation(std::string_view tool) const {
  std::string out = "[toolwall] ";
  out += action == Action::block ? "Blocked" : action == Action::rewrite ? "Rewrote" : "Flagged";
  out += " a `" + std::string(tool) + "` tool call";
  if (!error.empty()) out += " (" + error + ")";
  bool first = true;
  for (const auto& f : findings) {
    if (f.action < Action::rewrite && action >= Action::rewrite) continue;
    out += first ? ": " : "; ";
    first = false;
    out += f.rule + " — " + f.message;
    if (!f.location.path.empty()) {
      out += " (" + f.location.path;
      if (f.location.line) {  // piece by piece: ":" + std::to_string(…) trips GCC 12's -Wrestrict at -O3
        out += ':';
        out += std::to_string(f.location.line);
        out += ':';
        out += std::to_string(f.location.column);
      }
      out += ")";
    }
  }
  out += ".";
  return out;
}

nlohmann::json Verdict::to_json(std::string_view id) const {
  nlohmann::json out{{"id", id}, {"action", to_string(action)}, {"rules", rules}};
  auto& list = out["findings"] = nlohmann::json::array();
  for (const auto& f : findings) {
    nlohmann::json item{{"rule", f.rule},
                        {"message", f.message},
                        {"action", to_string(f.action)},
                        {"severity", f.severity},
                        {"span", {f.span.begin, f.span.end}}};
    if (!f.field.empty()) item["field"] = f.field;
    if (!f.location.path.empty()) {
      item["path"] = f.location.path;
      item["line"] = f.location.line;
      item["column"] = f.location.column;
    }
    list.push_back(std::move(item));
  }
  if (arguments) out["arguments"] = *arguments;
  if (!error.empty()) out["error"] = error;
  if (!earlier_calls.empty()) out["earlier_calls"] = earlier_calls;
  return out;
}

}  // namespace toolwall
