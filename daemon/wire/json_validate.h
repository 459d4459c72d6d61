#pragma once
// Validating JSON text without building a tree: what nlohmann::json::accept answers, several times
// cheaper, with the wire's nesting limit checked in the same pass.
#include <cstddef>
#include <string_view>

namespace toolwall::wire {

// Whether text is one valid JSON value (exactly as nlohmann::json::accept) nesting at most max_depth.
bool valid_json(std::string_view text, size_t max_depth);

// Whether text is one valid JSON object nesting at most max_depth: a text-only chat completion.
bool valid_json_object(std::string_view text, size_t max_depth);

}  // namespace toolwall::wire
