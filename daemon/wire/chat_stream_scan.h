#pragma once
// One event of a chat completions stream, read without building a JSON tree when it has the shape
// nearly every server sends: one choice with a delta object that carries either one tool-call
// fragment and nothing else, or no call at all (text, a role, a finish reason). Anything else (several
// choices, a choice without a delta, a fragment next to text, a custom call, a value of an unexpected
// type, a key written twice where it matters, invalid JSON, nesting past the limit) is not read here:
// the caller parses the event in full. One strict pass (wire/json_reader), no tree.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace toolwall::wire {

// What the stream filter reads of one tool-call fragment, however the event was parsed.
struct CallFragment {
  std::optional<int> index;  // the tool_calls entry's "index", when an integer
  std::string id;            // the entry's "id", "" when absent
  std::string type;          // the entry's "type", "" when absent
  enum class Body { none, function, custom } body = Body::none;  // which object holds name and text
  std::string name;                                              // that object's "name"
  std::optional<std::string> arguments;                          // its "arguments" string
  std::optional<std::string> input;                              // its "input" string (custom calls)
};

struct ScannedStreamEvent {
  int choice = 0;     // the choice's "index" (0 when absent, as the full path reads it)
  std::string model;  // the chunk's "model", "" when absent
  // A fragment event: the choice's delta holds exactly one tool_calls entry (or a legacy
  // function_call) and nothing else, and the choice has no finish reason.
  bool fragment = false;
  bool legacy = false;  // the fragment is a legacy function_call
  CallFragment call;
  // Otherwise: whether the delta's "content" is a non-empty string, and the finish reason.
  bool content = false;
  std::optional<std::string> finish_reason;  // nullopt when null or absent
};

// nullopt: not of the usual shapes (or not valid JSON, or deeper than max_depth); parse it in full.
std::optional<ScannedStreamEvent> scan_chat_stream_event(std::string_view data, size_t max_depth);

}  // namespace toolwall::wire
