#pragma once
// Reads a Responses SSE stream the way the clients do, strictly: the openai SDK's ResponseStream
// (a snapshot from response.created, items pushed on output_item.added and addressed by
// output_index, deltas appended), Codex (runs the items of output_item.done) and the final response
// of response.completed. Tests assert the three agree and the numbering is consistent.
#include <string>
#include <vector>

#include "sse_events.h"

namespace toolwall::test {

struct ResponsesClientView : SseClientView {
  Json snapshot;                 // the SDK's accumulated response
  std::vector<Json> done_items;  // what Codex runs, in order
  Json final_response;           // of response.completed / incomplete / failed
  std::string terminal_type;
  std::string error_code, error_message;  // of an `error` event
  bool sequence_numbers_seen = false;

  static ResponsesClientView of(const std::string& sse) {
    ResponsesClientView view;
    long long last_sequence = -1;
    view.read(sse, [&](const wire::SseEvent& event, const std::string& type, const Json& body) {
      if (!event.event.empty() && event.event != type)
        view.problems.push_back("event name " + event.event + " != " + type);
      if (body.contains("sequence_number")) {
        view.sequence_numbers_seen = true;
        long long sequence = body["sequence_number"];
        if (last_sequence >= 0 && sequence != last_sequence + 1)
          view.problems.push_back("sequence " + std::to_string(sequence) + " after " +
                                  std::to_string(last_sequence));
        last_sequence = sequence;
      }
      if (!view.terminal_type.empty()) view.problems.push_back("event after the terminal event: " + type);
      view.take(type, body);
    });
    return view;
  }

  void take(const std::string& type, const Json& body) {
    if (type == "error") {
      error_code = body.value("code", "");
      error_message = body.value("message", "");
      return;
    }
    if (type == "response.created") {
      snapshot = body["response"];
      return;
    }
    if (snapshot.is_null()) {
      problems.push_back("expected response.created before " + type);
      return;
    }
    if (type == "response.completed" || type == "response.incomplete" || type == "response.failed") {
      final_response = body["response"];
      terminal_type = type;
      return;
    }
    if (!body.contains("output_index")) return;
    size_t index = body["output_index"];
    Json& output = snapshot["output"];
    if (type == "response.output_item.added") {
      if (index != output.size())
        problems.push_back("item added at " + std::to_string(index) + " as item " +
                           std::to_string(output.size()));
      output.push_back(body["item"]);
      return;
    }
    if (index >= output.size()) {
      problems.push_back("missing output at index " + std::to_string(index) + " for " + type);
      return;
    }
    Json& item = output[index];
    if (type == "response.output_item.done") {
      if (body["item"]["type"] != item["type"]) problems.push_back("item.done changes the item type");
      done_items.push_back(body["item"]);
    } else if (type == "response.content_part.added") {
      item["content"].push_back(body["part"]);
    } else if (type == "response.output_text.delta") {
      size_t part = body["content_index"];
      if (part >= item["content"].size())
        problems.push_back("missing content part");
      else
        item["content"][part]["text"] =
            item["content"][part]["text"].get<std::string>() + body["delta"].get<std::string>();
    } else if (type == "response.function_call_arguments.delta") {
      if (item["type"] != "function_call")
        problems.push_back("arguments delta for a " + item["type"].get<std::string>());
      else
        item["arguments"] = item["arguments"].get<std::string>() + body["delta"].get<std::string>();
    } else if (type == "response.custom_tool_call_input.delta") {
      if (item["type"] != "custom_tool_call")
        problems.push_back("input delta for a " + item["type"].get<std::string>());
      else
        item["input"] = item["input"].get<std::string>() + body["delta"].get<std::string>();
    }
  }

  // One line per item, comparable across the three views: "function_call shell {…}", "message: text".
  static std::vector<std::string> summary(const Json& items) {
    std::vector<std::string> lines;
    if (!items.is_array()) return lines;
    for (const auto& item : items) lines.push_back(describe(item));
    return lines;
  }
  static std::string describe(const Json& item) {
    std::string type = item.value("type", "");
    if (type == "message") {
      std::string text;
      for (const auto& part : item.value("content", Json::array())) text += part.value("text", "");
      return "message: " + text;
    }
    if (type == "function_call")
      return "function_call " + item.value("name", "") + " " + item.value("arguments", "");
    if (type == "custom_tool_call")
      return "custom_tool_call " + item.value("name", "") + " " + item.value("input", "");
    if (type == "local_shell_call") return "local_shell_call " + item["action"]["command"].dump();
    return type;
  }
  std::vector<std::string> streamed() const { return summary(snapshot.value("output", Json::array())); }
  std::vector<std::string> run_by_codex() const { return summary(Json(done_items)); }
  std::vector<std::string> final_output() const {
    return summary(final_response.value("output", Json::array()));
  }
};

}  // namespace toolwall::test
