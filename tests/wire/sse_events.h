#pragma once
// SSE text for dialect tests: events as an upstream writes them, and as a strict client reads them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wire/sse.h"

namespace toolwall::test {

// One named SSE event carrying a JSON body, named by the body's type, as OpenAI and Anthropic send them.
inline std::string sse_event_text(const nlohmann::json& body) {
  return "event: " + body["type"].get<std::string>() + "\ndata: " + body.dump() + "\n\n";
}

// Every event of a whole SSE text.
inline std::vector<wire::SseEvent> frame_all(const std::string& sse, size_t max_event_bytes = 1 << 26) {
  wire::SseFramer framer(max_event_bytes);
  std::vector<wire::SseEvent> events;
  framer.feed(sse, events);
  framer.finish(events);
  return events;
}

// What the strict client views share: every data event must be a JSON object.
struct SseClientView {
  using Json = nlohmann::json;
  std::vector<std::string> problems;  // anything a strict client would reject
  std::vector<Json> events;           // the JSON bodies, in order

  // Calls on_event(event, type, body) for each JSON object event; anything else is a problem.
  template <class OnEvent>
  void read(const std::string& sse, OnEvent on_event) {
    for (const auto& event : frame_all(sse)) {
      if (!event.has_data) continue;
      Json body = Json::parse(event.data, nullptr, false);
      if (!body.is_object()) {
        problems.push_back("not a JSON object: " + event.data);
        continue;
      }
      events.push_back(body);
      on_event(event, body.value("type", ""), body);
    }
  }
};

}  // namespace toolwall::test
