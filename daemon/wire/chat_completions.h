#pragma once
// The OpenAI chat completions dialect (POST /v1/chat/completions, also /chat/completions):
// `choices[].message.tool_calls` and legacy `function_call` in whole bodies, and their deltas in
// SSE streams, where each call is held until complete, judged, then released, rewritten or replaced.
#include "wire/dialect.h"

namespace toolwall::wire {

class ChatCompletionsDialect final : public Dialect {
 public:
  std::string_view name() const override { return "chat_completions"; }
  bool handles(std::string_view method, std::string_view path) const override;
  Expected<std::optional<std::string>, WireError> filter_body(std::string_view body,
                                                               const JudgeContext& ctx) const override;
  bool body_may_judge(std::string_view body) const override;
  std::unique_ptr<StreamFilter> filter_stream(JudgeContext ctx) const override;
  std::string error_body(const WireError& error) const override;
  std::vector<ToolCall> earlier_calls(const nlohmann::ordered_json& request, const JudgeContext& ctx) const override;
};

// The stream filter of the dialect (wire/chat_completions_stream.cpp).
std::unique_ptr<StreamFilter> make_chat_stream_filter(JudgeContext ctx);

// An SSE event carrying an OpenAI-style error object: how a stream that cannot go on ends.
std::string chat_error_event(const WireError& error);

}  // namespace toolwall::wire
