#pragma once
// The OpenAI Responses dialect (POST /v1/responses, also /responses; GET /v1/responses/{id}):
// `function_call`, `custom_tool_call` and `local_shell_call` output items are judged, in whole bodies
// and in SSE streams, where each call item is held from output_item.added to output_item.done, then
// released, rewritten or replaced by an assistant message item, with output_index and
// sequence_number renumbered so the client sees a consistent stream.
#include "wire/dialect.h"

namespace toolwall::wire {

class ResponsesDialect final : public Dialect {
 public:
  std::string_view name() const override { return "responses"; }
  bool handles(std::string_view method, std::string_view path) const override;
  Expected<std::optional<std::string>, WireError> filter_body(std::string_view body,
                                                              const JudgeContext& ctx) const override;
  std::unique_ptr<StreamFilter> filter_stream(JudgeContext ctx) const override;
  std::string error_body(const WireError& error) const override;
  std::vector<ToolCall> earlier_calls(const nlohmann::ordered_json& request, const JudgeContext& ctx) const override;
};

// A stream filter for Responses SSE events (exposed for tests; filter_stream returns one).
std::unique_ptr<StreamFilter> make_responses_stream_filter(JudgeContext ctx);

}  // namespace toolwall::wire
