#pragma once
// The arguments of a tool call read into a JSON tree without nlohmann's character-at-a-time lexer:
// the strict reader (json_reader.h, which accepts exactly what nlohmann accepts) hands out tokens and
// the tree is built from them. Where only nlohmann can say what the value is (a fraction or exponent,
// an integer beyond 64 bits) or the text is not valid, nlohmann reads it, so a call comes out the same.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/tool_call.h"

namespace toolwall::wire {

// The value nlohmann::json::parse would return for `text`, or nullopt when the text is invalid or
// holds a number only nlohmann converts (fraction, exponent, beyond 64 bits).
std::optional<nlohmann::json> read_json_tree(std::string_view text);

// ToolCall::from_wire, with the arguments read by read_json_tree when it can.
ToolCall tool_call_from_wire(std::string id, std::string agent, std::string tool, std::string_view raw_arguments);

}  // namespace toolwall::wire
