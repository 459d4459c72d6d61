#pragma once
// Builds Messages SSE streams as the Anthropic API sends them, for the dialect's unit tests.
#include <string>
#include <vector>

#include "sse_events.h"

namespace toolwall::test {

class AnthropicUpstream {
 public:
  using Json = nlohmann::json;
  std::string text;
  int next_index = 0;

  AnthropicUpstream& event(const Json& body) {
    text += sse_event_text(body);
    return *this;
  }
  AnthropicUpstream& start() {
    return event({{"type", "message_start"},
                  {"message",
                   {{"id", "msg_1"},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", "claude-test"},
                    {"content", Json::array()},
                    {"stop_reason", nullptr},
                    {"stop_sequence", nullptr},
                    {"usage", {{"input_tokens", 10}, {"output_tokens", 1}}}}}});
  }
  AnthropicUpstream& ping() { return event({{"type", "ping"}}); }
  AnthropicUpstream& text_block(const std::string& words) {
    int index = next_index++;
    event({{"type", "content_block_start"},
           {"index", index},
           {"content_block", {{"type", "text"}, {"text", ""}}}});
    event({{"type", "content_block_delta"},
           {"index", index},
           {"delta", {{"type", "text_delta"}, {"text", words}}}});
    return event({{"type", "content_block_stop"}, {"index", index}});
  }
  AnthropicUpstream& thinking_block(const std::string& thought, const std::string& signature) {
    int index = next_index++;
    event({{"type", "content_block_start"},
           {"index", index},
           {"content_block", {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}}});
    event({{"type", "content_block_delta"},
           {"index", index},
           {"delta", {{"type", "thinking_delta"}, {"thinking", thought}}}});
    event({{"type", "content_block_delta"},
           {"index", index},
           {"delta", {{"type", "signature_delta"}, {"signature", signature}}}});
    return event({{"type", "content_block_stop"}, {"index", index}});
  }
  // A tool_use block whose input streams in the given pieces.
  AnthropicUpstream& tool_use(const std::string& id, const std::string& name,
                              const std::vector<std::string>& pieces, bool with_stop = true) {
    int index = next_index++;
    event({{"type", "content_block_start"},
           {"index", index},
           {"content_block", {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", Json::object()}}}});
    input_delta(index, "");
    for (const auto& piece : pieces) input_delta(index, piece);
    if (with_stop) event({{"type", "content_block_stop"}, {"index", index}});
    return *this;
  }
  // One fragment of tool input addressed to the block at `index`.
  AnthropicUpstream& input_delta(int index, const std::string& partial_json) {
    return event({{"type", "content_block_delta"},
                  {"index", index},
                  {"delta", {{"type", "input_json_delta"}, {"partial_json", partial_json}}}});
  }
  AnthropicUpstream& finish(const std::string& stop_reason) {
    event({{"type", "message_delta"},
           {"delta", {{"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
           {"usage", {{"output_tokens", 42}}}});
    return event({{"type", "message_stop"}});
  }
};

}  // namespace toolwall::test
