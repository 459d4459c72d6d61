#pragma once
// A request's history as the judge's memory of the conversation: every call judged in the response
// carries the tool calls the model made earlier in the same conversation (ToolCall::earlier), so a
// flow split over two calls is judged as one. The history is read once per exchange, and only when a
// call is judged.
#include <memory>
#include <string_view>

#include "core/judge.h"
#include "wire/dialect.h"

namespace toolwall::wire {

// `judge`, giving each call the earlier calls that `request_body` (which must outlive the result) holds
// in `dialect`'s shape. `ctx` names the agent and limits with which those calls are read.
std::shared_ptr<const Judge> with_earlier_calls(std::shared_ptr<const Judge> judge, std::string_view request_body,
                                                const Dialect& dialect, const JudgeContext& ctx);

// Whether a request body may hold earlier calls: one of the keys that carry them appears in it.
bool may_hold_earlier_calls(std::string_view request_body);

// The earlier calls `request_body` holds (none when it is not JSON, too deep, or holds no history).
std::vector<ToolCall> earlier_calls_of(std::string_view request_body, const Dialect& dialect, const JudgeContext& ctx);

}  // namespace toolwall::wire
