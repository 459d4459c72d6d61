#pragma once
// Assembles an SSE chat-completions stream the way OpenAI's SDKs do (tool calls merged by index),
// so tests can assert what a client ends up with.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "wire/dialect.h"
#include "wire/sse.h"

namespace toolwall::test {

struct ClientCall {
  std::string id, name, arguments;
};

struct ClientChoice {
  std::string content;
  std::map<int, ClientCall> calls;
  std::string finish_reason;
  std::string function_call_arguments;
};

struct ClientView {
  std::map<int, ClientChoice> choices;
  int done_events = 0;
  int unparseable = 0;  // data events that are not JSON objects
  int events = 0;
  bool usage_seen = false;
  bool events_after_done = false;
  std::string error_code;
  std::vector<nlohmann::json> chunks;

  static ClientView of(const std::string& sse) {
    ClientView view;
    wire::SseFramer framer(1 << 24);
    std::vector<wire::SseEvent> events;
    framer.feed(sse, events);
    framer.finish(events);
    for (const auto& event : events) {
      if (!event.has_data) continue;
      ++view.events;
      if (view.done_events) view.events_after_done = true;
      if (event.data == "[DONE]") {
        ++view.done_events;
        continue;
      }
      auto chunk = nlohmann::json::parse(event.data, nullptr, false);
      if (chunk.is_discarded() || !chunk.is_object()) {
        ++view.unparseable;
        continue;
      }
      view.chunks.push_back(chunk);
      if (chunk.contains("error")) {
        const auto& error = chunk["error"];
        bool named = error.is_object() && error.contains("code") && error["code"].is_string();
        view.error_code = named ? error["code"].get<std::string>() : "?";
      }
      if (chunk.contains("usage") && !chunk["usage"].is_null()) view.usage_seen = true;
      if (!chunk.contains("choices") || !chunk["choices"].is_array()) continue;
      for (const auto& choice : chunk["choices"]) {
        if (!choice.is_object() || !choice.contains("delta") || !choice["delta"].is_object()) continue;
        auto index = choice.contains("index") && choice["index"].is_number_integer() ? choice["index"].get<int>() : 0;
        auto& mine = view.choices[index];
        const auto& delta = choice["delta"];
        if (delta.contains("content") && delta["content"].is_string()) mine.content += delta["content"].get<std::string>();
        if (delta.contains("tool_calls") && delta["tool_calls"].is_array()) {
          for (const auto& fragment : delta["tool_calls"]) {
            if (!fragment.is_object()) continue;
            int call_index = fragment.contains("index") && fragment["index"].is_number_integer() ? fragment["index"].get<int>() : 0;
            auto& call = mine.calls[call_index];
            if (fragment.contains("id") && fragment["id"].is_string()) call.id = fragment["id"];
            if (fragment.contains("function") && fragment["function"].is_object()) {
              const auto& fn = fragment["function"];
              if (fn.contains("name") && fn["name"].is_string()) call.name += fn["name"].get<std::string>();
              if (fn.contains("arguments") && fn["arguments"].is_string()) call.arguments += fn["arguments"].get<std::string>();
            }
          }
        }
        if (delta.contains("function_call") && delta["function_call"].is_object() &&
            delta["function_call"].contains("arguments") && delta["function_call"]["arguments"].is_string())
          mine.function_call_arguments += delta["function_call"]["arguments"].get<std::string>();
        if (choice.contains("finish_reason") && choice["finish_reason"].is_string())
          mine.finish_reason = choice["finish_reason"];
      }
    }
    return view;
  }
};

// What a client assembles from a chat stream and what the audit received, as text two runs can be
// compared by (the stream filter with and without its tree-free reading, in tests and in fuzz_wire).
inline std::string chat_stream_summary(const std::string& out, const std::vector<wire::JudgedCall>& judged) {
  ClientView view = ClientView::of(out);
  nlohmann::json s;
  for (const auto& [index, choice] : view.choices) {
    nlohmann::json c{{"content", choice.content}, {"finish", choice.finish_reason}, {"legacy", choice.function_call_arguments}};
    for (const auto& [call_index, call] : choice.calls) c["calls"].push_back({call_index, call.id, call.name, call.arguments});
    s["choices"][std::to_string(index)] = c;
  }
  s["done"] = view.done_events;
  s["after_done"] = view.events_after_done;
  s["unparseable"] = view.unparseable;
  s["error"] = view.error_code;
  for (const auto& j : judged)
    s["judged"].push_back({j.call.id, j.call.tool, j.call.raw_arguments, j.call.arguments_valid,
                           static_cast<int>(j.verdict.action), j.choice, j.model, j.sent_instead});
  return s.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace toolwall::test
