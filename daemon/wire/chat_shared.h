#pragma once
// What the chat completions body filter and stream filter share: how they read a chunk or a body's
// values, and how they name the calls and verdicts they build. Internal to the chat dialect.
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "wire/call_outcome.h"

namespace toolwall::wire::chat {

using Json = OrderedJson;

// Choices followed per response or stream; more is an upstream out of bounds.
constexpr size_t kMaxChoices = 128;

// Whether text could spell a key that carries a call (literally, or through \u escapes).
bool could_name_a_call(std::string_view text);
// The same over text that arrives as consecutive pieces, without joining them.
bool could_name_a_call(std::initializer_list<std::string_view> pieces);

// The integer member `key` (as an int), or fallback when absent or not an integer.
int integer_or(const Json& object, const char* key, int fallback);

// Whether a finish reason says the model wants its calls run ("tool_calls", legacy "function_call").
bool is_tool_finish(const Json& finish_reason);
bool is_tool_finish_text(std::string_view finish_reason);

// A call with no arguments read yet.
ToolCall bare_call(std::string id, std::string agent, std::string tool);

// A custom tool call's input as a ToolCall {"input": …}, like the Responses API's custom_tool_call;
// invalid when the input is missing or not a string, blocked unread (preset) over the size cap.
ToolCall custom_call(const std::string& id, const std::string& name, const Json* input, const JudgeContext& ctx,
                     std::optional<Verdict>& preset);

// The OpenAI-style error object a failed response or stream carries.
Json error_object(const WireError& error);

}  // namespace toolwall::wire::chat
