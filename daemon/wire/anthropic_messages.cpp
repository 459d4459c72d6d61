#include "wire/anthropic_messages.h"

#include <exception>

#include "wire/anthropic_blocks.h"
#include "wire/call_outcome.h"

namespace toolwall::wire {

bool AnthropicMessagesDialect::handles(std::string_view method, std::string_view path) const {
  return method == "POST" && (path == "/v1/messages" || path == "/messages");
}

Expected<std::optional<std::string>, WireError> AnthropicMessagesDialect::filter_body(
    std::string_view body, const JudgeContext& ctx) const {
  auto parsed = parse_bounded(body, ctx.limits);
  if (!parsed || !parsed->is_object()) {
    if (ctx.counters) ++ctx.counters->upstream_malformed;
    return unexpected(
        WireError{502, "upstream_malformed_json",
                  "the upstream's message is not valid JSON (or nests too deeply), so its tool uses "
                  "cannot be checked"});
  }
  OrderedJson& message = *parsed;
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = string_member(message, "model");
  auto content = message.find("content");
  if (content == message.end()) return std::optional<std::string>();
  anthropic::ContentOutcome outcome;
  try {
    outcome = anthropic::filter_content(*content, local);
  } catch (const std::exception& e) {
    return unexpected(WireError{502, "toolwall_internal_error",
                                std::string("could not apply verdicts to the message: ") + e.what()});
  }
  if (!outcome.changed) return std::optional<std::string>();
  if (outcome.tool_uses_kept == 0 && string_member(message, "stop_reason") == "tool_use")
    message["stop_reason"] = "end_turn";
  return std::optional<std::string>(dump_compact(message));
}

std::unique_ptr<StreamFilter> AnthropicMessagesDialect::filter_stream(JudgeContext ctx) const {
  return make_anthropic_stream_filter(std::move(ctx));
}

std::string anthropic_error_json(const WireError& error) {
  // Anthropic names its error types by cause; everything the proxy reports is a server-side failure.
  const char* type = error.http_status == 413   ? "request_too_large"
                     : error.http_status == 529 ? "overloaded_error"
                     : error.http_status >= 500 ? "api_error"
                                                : "invalid_request_error";
  return dump_compact(
      OrderedJson{{"type", "error"}, {"error", {{"type", type}, {"message", error.message}}}});
}

std::vector<ToolCall> AnthropicMessagesDialect::earlier_calls(const nlohmann::ordered_json& request,
                                                              const JudgeContext& ctx) const {
  std::vector<ToolCall> calls;
  auto messages = request.find("messages");
  if (messages == request.end() || !messages->is_array()) return calls;
  for (const auto& message : *messages) {
    if (!message.is_object() || string_member(message, "role") != "assistant") continue;
    auto content = message.find("content");
    if (content == message.end() || !content->is_array()) continue;
    for (const auto& block : *content)
      if (anthropic::is_tool_use(block)) calls.push_back(anthropic::read_tool_use(block, ctx));
  }
  return calls;
}

std::string AnthropicMessagesDialect::error_body(const WireError& error) const {
  return anthropic_error_json(error);
}

}  // namespace toolwall::wire
