#pragma once
// The Anthropic Messages dialect (POST /v1/messages, also /messages; Claude Code adds ?beta=true,
// which the proxy strips before routing): `tool_use` content blocks are judged in whole bodies and in
// SSE streams, where each tool_use block is held from content_block_start to content_block_stop, then
// released, rewritten (one input_json_delta) or replaced by a text block, with block indexes
// renumbered and stop_reason "tool_use" turned into "end_turn" when no tool use is left.
#include "wire/dialect.h"

namespace toolwall::wire {

class AnthropicMessagesDialect final : public Dialect {
 public:
  std::string_view name() const override { return "anthropic_messages"; }
  bool handles(std::string_view method, std::string_view path) const override;
  Expected<std::optional<std::string>, WireError> filter_body(std::string_view body,
                                                              const JudgeContext& ctx) const override;
  std::unique_ptr<StreamFilter> filter_stream(JudgeContext ctx) const override;
  std::string error_body(const WireError& error) const override;
  std::vector<ToolCall> earlier_calls(const nlohmann::ordered_json& request, const JudgeContext& ctx) const override;
};

// A stream filter for Messages SSE events (exposed for tests; filter_stream returns one).
std::unique_ptr<StreamFilter> make_anthropic_stream_filter(JudgeContext ctx);

// The Anthropic error object {"type":"error","error":{"type":…,"message":…}} for a WireError.
std::string anthropic_error_json(const WireError& error);

}  // namespace toolwall::wire
