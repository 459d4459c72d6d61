#pragma once
// Builds Responses SSE streams as the OpenAI API sends them (event names, sequence numbers, the
// final output in response.completed), for the dialect's unit tests.
#include <string>
#include <vector>

#include "sse_events.h"

namespace toolwall::test {

class ResponsesUpstream {
 public:
  using Json = nlohmann::json;
  bool numbered = true;
  std::string text;
  Json output = Json::array();

  ResponsesUpstream& event(Json body) {
    if (numbered) body["sequence_number"] = sequence_++;
    text += sse_event_text(body);
    return *this;
  }
  ResponsesUpstream& created() {
    return event({{"type", "response.created"}, {"response", envelope("in_progress")}})
        .event({{"type", "response.in_progress"}, {"response", envelope("in_progress")}});
  }
  ResponsesUpstream& message(const std::string& id, const std::string& words) {
    int index = static_cast<int>(output.size());
    Json part{{"type", "output_text"}, {"annotations", Json::array()}, {"text", ""}};
    event({{"type", "response.output_item.added"},
           {"output_index", index},
           {"item",
            {{"id", id},
             {"type", "message"},
             {"status", "in_progress"},
             {"role", "assistant"},
             {"content", Json::array()}}}});
    // The events inside the message's one content part.
    auto in_part = [&](const std::string& type, const char* key, const Json& value) {
      event({{"type", type}, {"item_id", id}, {"output_index", index}, {"content_index", 0}, {key, value}});
    };
    in_part("response.content_part.added", "part", part);
    in_part("response.output_text.delta", "delta", words);
    part["text"] = words;
    in_part("response.output_text.done", "text", words);
    in_part("response.content_part.done", "part", part);
    Json item{{"id", id},
              {"type", "message"},
              {"status", "completed"},
              {"role", "assistant"},
              {"content", Json::array({part})}};
    event({{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
    output.push_back(item);
    return *this;
  }
  // A function call whose arguments stream in the given pieces.
  ResponsesUpstream& function_call(const std::string& call_id, const std::string& name,
                                   const std::vector<std::string>& pieces, bool with_done = true) {
    int index = static_cast<int>(output.size());
    std::string id = "fc_" + call_id;
    Json item{{"id", id},        {"type", "function_call"}, {"status", "in_progress"},
              {"arguments", ""}, {"call_id", call_id},      {"name", name}};
    event({{"type", "response.output_item.added"}, {"output_index", index}, {"item", item}});
    std::string arguments;
    for (const auto& piece : pieces) {
      arguments += piece;
      event({{"type", "response.function_call_arguments.delta"},
             {"item_id", id},
             {"output_index", index},
             {"delta", piece}});
    }
    item["arguments"] = arguments;
    item["status"] = "completed";
    if (with_done) {
      event({{"type", "response.function_call_arguments.done"},
             {"item_id", id},
             {"output_index", index},
             {"arguments", arguments}});
      event({{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
    }
    output.push_back(item);
    return *this;
  }
  ResponsesUpstream& custom_tool_call(const std::string& call_id, const std::string& name,
                                      const std::vector<std::string>& pieces) {
    int index = static_cast<int>(output.size());
    std::string id = "ctc_" + call_id;
    Json item{{"id", id},
              {"type", "custom_tool_call"},
              {"status", "in_progress"},
              {"call_id", call_id},
              {"input", ""},
              {"name", name}};
    event({{"type", "response.output_item.added"}, {"output_index", index}, {"item", item}});
    std::string input;
    for (const auto& piece : pieces) {
      input += piece;
      event({{"type", "response.custom_tool_call_input.delta"},
             {"item_id", id},
             {"output_index", index},
             {"delta", piece}});
    }
    event({{"type", "response.custom_tool_call_input.done"},
           {"item_id", id},
           {"output_index", index},
           {"input", input}});
    item["input"] = input;
    item["status"] = "completed";
    event({{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
    output.push_back(item);
    return *this;
  }
  ResponsesUpstream& local_shell_call(const std::string& call_id, const std::vector<std::string>& argv) {
    int index = static_cast<int>(output.size());
    Json item{
        {"id", "lsh_" + call_id},
        {"type", "local_shell_call"},
        {"status", "in_progress"},
        {"call_id", call_id},
        {"action",
         {{"type", "exec"}, {"command", argv}, {"env", Json::object()}, {"working_directory", "/work"}}}};
    event({{"type", "response.output_item.added"}, {"output_index", index}, {"item", item}});
    item["status"] = "completed";
    event({{"type", "response.output_item.done"}, {"output_index", index}, {"item", item}});
    output.push_back(item);
    return *this;
  }
  ResponsesUpstream& completed() {
    Json response = envelope("completed");
    response["output"] = output;
    response["usage"] = {{"input_tokens", 10}, {"output_tokens", 20}, {"total_tokens", 30}};
    return event({{"type", "response.completed"}, {"response", response}});
  }
  static Json envelope(const std::string& status) {
    return Json{
        {"id", "resp_1"},      {"object", "response"},    {"created_at", 1700000000},   {"status", status},
        {"model", "gpt-test"}, {"output", Json::array()}, {"parallel_tool_calls", true}};
  }

 private:
  int sequence_ = 0;
};

}  // namespace toolwall::test
