#include "wire/chat_shared.h"

namespace toolwall::wire::chat {

bool could_name_a_call(std::string_view text) {
  return text.find("tool_calls") != std::string_view::npos || text.find("function_call") != std::string_view::npos ||
         text.find("\\u") != std::string_view::npos;
}

// A key split across pieces is found in the few bytes around each boundary.
bool could_name_a_call(std::initializer_list<std::string_view> pieces) {
  constexpr size_t kLongestKey = std::string_view("function_call").size();
  std::string tail;  // the last kLongestKey - 1 bytes before the current piece
  for (std::string_view piece : pieces) {
    if (could_name_a_call(piece)) return true;
    if (!tail.empty() && could_name_a_call(tail + std::string(piece.substr(0, kLongestKey - 1)))) return true;
    tail += piece.substr(piece.size() > kLongestKey ? piece.size() - kLongestKey : 0);
    if (tail.size() >= kLongestKey) tail.erase(0, tail.size() - (kLongestKey - 1));
  }
  return false;
}

int integer_or(const Json& object, const char* key, int fallback) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

bool is_tool_finish_text(std::string_view finish_reason) {
  return finish_reason == "tool_calls" || finish_reason == "function_call";
}

bool is_tool_finish(const Json& finish_reason) {
  return finish_reason.is_string() && is_tool_finish_text(finish_reason.get_ref<const std::string&>());
}

ToolCall bare_call(std::string id, std::string agent, std::string tool) {
  ToolCall call;
  call.id = std::move(id);
  call.agent = std::move(agent);
  call.tool = std::move(tool);
  return call;
}

ToolCall custom_call(const std::string& id, const std::string& name, const Json* input, const JudgeContext& ctx,
                     std::optional<Verdict>& preset) {
  if (input && input->is_string() && input->get_ref<const std::string&>().size() > ctx.limits.max_tool_argument_bytes)
    return oversized_call(id, name, ctx, preset);
  ToolCall call = bare_call(id, ctx.exchange.agent, name);
  if (!input || !input->is_string()) {
    call.arguments_valid = false;
    call.arguments_error = "a tool call without a function or a custom input string";
    return call;
  }
  call.arguments = nlohmann::json{{"input", input->get<std::string>()}};
  return call;
}

Json error_object(const WireError& error) {
  return Json{{"error", {{"message", error.message}, {"type", "toolwall_error"}, {"code", error.code}}}};
}

}  // namespace toolwall::wire::chat
