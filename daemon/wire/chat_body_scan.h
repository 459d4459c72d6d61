#pragma once
// The tool calls of an ordinary (non-streamed) chat completion, read without building a JSON tree:
// most responses with calls leave the proxy unchanged, and the tree cost more than judging a short
// command. Anything out of the ordinary (custom or unknown call shapes, arguments that are not a
// string, a key written twice where it matters, invalid JSON, nesting past the limit) is not read
// here: the caller takes the full path. One strict pass (wire/json_reader), no tree.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::wire {

struct ScannedCall {
  int choice = 0;  // the choice's `index` (its position when it has none)
  std::string id;  // "function_call" for the legacy form, as the full path names it
  std::string name;
  std::string arguments;  // the JSON string's value: the arguments as the model wrote them
};

struct ScannedBody {
  std::string model;
  std::vector<ScannedCall> calls;  // in body order
};

// nullopt: not ordinary (or not valid JSON, or nesting deeper than max_depth); read the body in full.
std::optional<ScannedBody> scan_chat_body(std::string_view body, size_t max_depth);

}  // namespace toolwall::wire
