#pragma once
// Reads a Messages SSE stream the way @anthropic-ai/sdk's MessageStream does, strictly: a snapshot
// from message_start, blocks pushed on content_block_start and addressed by index, input_json_delta
// joined and parsed at the block's end, stop_reason from message_delta.
#include <string>
#include <vector>

#include "sse_events.h"

namespace toolwall::test {

struct AnthropicClientView : SseClientView {
  Json message;  // the assembled message
  std::string error_type, error_message;
  bool stopped = false;  // message_stop seen
  int pings = 0;

  static AnthropicClientView of(const std::string& sse) {
    AnthropicClientView view;
    std::vector<std::string> json_buffers;
    view.read(sse, [&](const wire::SseEvent& event, const std::string& type, const Json& body) {
      if (event.event != type) view.problems.push_back("event name '" + event.event + "' != " + type);
      if (view.stopped) view.problems.push_back("event after message_stop: " + type);
      view.take(type, body, json_buffers);
    });
    return view;
  }

  void take(const std::string& type, const Json& body, std::vector<std::string>& buffers) {
    if (type == "ping") {
      ++pings;
      return;
    }
    if (type == "error") {
      error_type = body["error"].value("type", "");
      error_message = body["error"].value("message", "");
      return;
    }
    if (type == "message_start") {
      message = body["message"];
      return;
    }
    if (message.is_null()) {
      problems.push_back("expected message_start before " + type);
      return;
    }
    Json& content = message["content"];
    if (type == "content_block_start") {
      if (body["index"] != content.size())
        problems.push_back("block started at index " + body["index"].dump());
      content.push_back(body["content_block"]);
      buffers.resize(content.size());
      return;
    }
    if (type == "message_delta") {
      for (auto it = body["delta"].begin(); it != body["delta"].end(); ++it) message[it.key()] = it.value();
      if (body.contains("usage")) message["usage"]["output_tokens"] = body["usage"]["output_tokens"];
      return;
    }
    if (type == "message_stop") {
      stopped = true;
      return;
    }
    if (!body.contains("index")) return;
    size_t index = body["index"];
    if (index >= content.size()) {
      problems.push_back("no block at index " + std::to_string(index) + " for " + type);
      return;
    }
    Json& block = content[index];
    if (type == "content_block_delta") {
      const Json& delta = body["delta"];
      std::string kind = delta.value("type", "");
      if (kind == "text_delta" && block["type"] == "text")
        block["text"] = block["text"].get<std::string>() + delta["text"].get<std::string>();
      else if (kind == "input_json_delta" && block["type"] == "tool_use")
        buffers[index] += delta["partial_json"].get<std::string>();
      else if (kind == "thinking_delta" && block["type"] == "thinking")
        block["thinking"] = block["thinking"].get<std::string>() + delta["thinking"].get<std::string>();
      else if (kind == "signature_delta" && block["type"] == "thinking")
        block["signature"] = delta["signature"];
      else
        problems.push_back("a " + kind + " for a " + block["type"].get<std::string>() + " block");
    } else if (type == "content_block_stop" && block["type"] == "tool_use" && !buffers[index].empty()) {
      Json input = Json::parse(buffers[index], nullptr, false);
      if (input.is_discarded())
        problems.push_back("tool input is not JSON: " + buffers[index]);
      else
        block["input"] = input;
    }
  }

  // One line per block: "text: …", "tool_use Bash {…}", "thinking: …".
  std::vector<std::string> blocks() const {
    std::vector<std::string> lines;
    for (const auto& block : message.value("content", Json::array())) lines.push_back(describe(block));
    return lines;
  }
  static std::string describe(const Json& block) {
    std::string type = block.value("type", "");
    if (type == "text") return "text: " + block.value("text", "");
    if (type == "tool_use") return "tool_use " + block.value("name", "") + " " + block["input"].dump();
    if (type == "thinking")
      return "thinking: " + block.value("thinking", "") + " / " + block.value("signature", "");
    return type;
  }
  std::string stop_reason() const {
    return message.value("stop_reason", Json()).is_string() ? message["stop_reason"].get<std::string>() : "";
  }
};

}  // namespace toolwall::test
