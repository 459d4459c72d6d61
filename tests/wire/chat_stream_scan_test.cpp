#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "wire/chat_stream_scan.h"

using namespace toolwall;
using Json = nlohmann::json;

namespace {

constexpr size_t kMaxDepth = 128;  // the wire's default max_json_depth

std::optional<wire::ScannedStreamEvent> scan(std::string_view data) {
  return wire::scan_chat_stream_event(data, kMaxDepth);
}

const std::string kEnvelope = R"("id":"chatcmpl-9","object":"chat.completion.chunk","created":1700000000,"model":"m1")";

std::string event_with(const std::string& choice) { return "{" + kEnvelope + R"(,"choices":[)" + choice + "]}"; }

// What the stream filter's full path reads of an event the scanner accepted: the reference the
// scanner is checked against.
struct Reading {
  int choice = 0;
  std::string model;
  bool fragment = false, legacy = false, content = false;
  std::optional<std::string> finish_reason;
  std::optional<int> index;
  std::string id, type, name;
  std::optional<std::string> arguments, input;
  bool operator==(const Reading&) const = default;
};

Reading reading_of(const wire::ScannedStreamEvent& event) {
  return {event.choice,    event.model,   event.fragment,  event.legacy,    event.content,
          event.finish_reason, event.call.index, event.call.id, event.call.type, event.call.name,
          event.call.arguments, event.call.input};
}

std::optional<std::string> string_at(const Json& object, const char* key) {
  if (!object.contains(key) || !object[key].is_string()) return std::nullopt;
  return object[key].get<std::string>();
}

Reading reference_reading(const Json& chunk) {
  Reading r;
  r.model = string_at(chunk, "model").value_or("");
  const Json& choice = chunk["choices"][0];
  r.choice = choice.value("index", 0);
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) r.finish_reason = choice["finish_reason"];
  Json delta = choice.value("delta", Json::object());
  const Json* body = nullptr;
  if (delta.contains("tool_calls")) {
    r.fragment = true;
    const Json& entry = delta["tool_calls"][0];
    if (entry.contains("index")) r.index = entry["index"].get<int>();
    r.id = string_at(entry, "id").value_or("");
    r.type = string_at(entry, "type").value_or("");
    if (entry.contains("function")) body = &entry["function"];
  } else if (delta.contains("function_call")) {
    r.fragment = r.legacy = true;
    body = &delta["function_call"];
  } else {
    r.content = string_at(delta, "content").value_or("") != "";
  }
  if (body) {
    r.name = string_at(*body, "name").value_or("");
    r.arguments = string_at(*body, "arguments");
    r.input = string_at(*body, "input");
  }
  return r;
}

}  // namespace

TEST_CASE("a one-fragment event is read with its choice, index, id, type, name and arguments") {
  auto event = scan(event_with(
      R"({"index":2,"delta":{"tool_calls":[{"index":1,"id":"call_7","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]},"logprobs":null,"finish_reason":null})"));
  REQUIRE(event);
  CHECK(event->fragment);
  CHECK_FALSE(event->legacy);
  CHECK(event->choice == 2);
  CHECK(event->model == "m1");
  CHECK(event->call.index == 1);
  CHECK(event->call.id == "call_7");
  CHECK(event->call.type == "function");
  CHECK(event->call.body == wire::CallFragment::Body::function);
  CHECK(event->call.name == "Bash");
  CHECK(event->call.arguments == R"({"command":"ls"})");
  CHECK_FALSE(event->call.input);
}

TEST_CASE("a fragment without index, id or name is read with those absent") {
  auto event = scan(event_with(R"({"delta":{"tool_calls":[{"function":{"arguments":"npm"}}]}})"));
  REQUIRE(event);
  CHECK(event->fragment);
  CHECK(event->choice == 0);
  CHECK_FALSE(event->call.index);
  CHECK(event->call.id.empty());
  CHECK(event->call.name.empty());
  CHECK(event->call.arguments == "npm");
}

TEST_CASE("a legacy function_call fragment is read as one") {
  auto event = scan(event_with(R"({"index":0,"delta":{"function_call":{"name":"Bash","arguments":"{}"}}})"));
  REQUIRE(event);
  CHECK(event->fragment);
  CHECK(event->legacy);
  CHECK(event->call.name == "Bash");
  CHECK(event->call.arguments == "{}");
}

TEST_CASE("text, role and finish events are read as no fragment, with their content and finish reason") {
  auto text = scan(event_with(R"({"index":0,"delta":{"content":"hi"},"finish_reason":null})"));
  REQUIRE(text);
  CHECK_FALSE(text->fragment);
  CHECK(text->content);
  CHECK_FALSE(text->finish_reason);

  auto role = scan(event_with(R"({"index":0,"delta":{"role":"assistant","content":""}})"));
  REQUIRE(role);
  CHECK_FALSE(role->content);

  auto finish = scan(event_with(R"({"index":1,"delta":{},"finish_reason":"tool_calls","logprobs":{"content":[]}})"));
  REQUIRE(finish);
  CHECK_FALSE(finish->fragment);
  CHECK(finish->choice == 1);
  CHECK(finish->finish_reason == "tool_calls");

  auto with_usage = scan("{" + kEnvelope + R"(,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"total_tokens":3}})");
  REQUIRE(with_usage);
  CHECK(with_usage->finish_reason == "stop");
}

TEST_CASE("events out of the usual shapes are left to the full path") {
  const std::string fragment = R"({"index":0,"function":{"arguments":"x"}})";
  const std::vector<std::string> unusual = {
      // several choices, or none, or a choice without a delta
      event_with(R"({"index":0,"finish_reason":"stop"})"),
      "{" + kEnvelope + R"(,"choices":[{"index":0,"delta":{}},{"index":1,"delta":{}}]})",
      "{" + kEnvelope + R"(,"choices":[]})",
      "{" + kEnvelope + "}",
      // a fragment next to something else, or not alone
      event_with(R"({"index":0,"delta":{"content":"a","tool_calls":[)" + fragment + "]}}"),
      event_with(R"({"index":0,"delta":{"tool_calls":[)" + fragment + R"(]},"finish_reason":"tool_calls"})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[)" + fragment + R"(]},"logprobs":{"content":[]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[)" + fragment + R"(]},"extra":1})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[)" + fragment + "," + fragment + "]}}"),
      event_with(R"({"index":0,"delta":{"tool_calls":[]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[)" + fragment + R"(],"function_call":{"arguments":"x"}}})"),
      // custom calls and values of unexpected types
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"type":"custom","custom":{"name":"x","input":"y"}}]}})"),
      event_with(R"({"index":"0","delta":{}})"),
      event_with(R"({"index":1.0,"delta":{}})"),
      event_with(R"({"index":4294967296,"delta":{}})"),
      event_with(R"({"index":0,"delta":null})"),
      event_with(R"({"index":0,"delta":{},"finish_reason":7})"),
      event_with(R"({"index":0,"delta":{"tool_calls":{"index":0}}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":7,"function":{"arguments":"x"}}]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":{"command":"ls"}}}]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":"Bash"}]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":["x"]}})"),
      // a key written twice where it matters
      event_with(R"({"index":0,"index":1,"delta":{}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","id":"b","function":{"arguments":"x"}}]}})"),
      event_with(R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"x","arguments":"y"}}]}})"),
      "{" + kEnvelope + R"(,"choices":[{"index":0,"delta":{}}],"choices":[{"index":1,"delta":{}}]})",
      // not a chunk at all
      "[1,2]",
      "{\"choices\":",
      event_with(R"({"index":0,"delta":{"content":"\xff"}})"),
  };
  for (const auto& data : unusual) {
    INFO(data);
    CHECK_FALSE(scan(data));
  }
}

TEST_CASE("keys and strings written with escapes are read as the text they decode to") {
  auto event = scan("{" + kEnvelope +
                    R"(,"choices":[{"index":0,"delta":{"tool_\u0063alls":[{"index":0,"function":{"n\u0061me":"B\u0061sh","arguments":"{\"command\":\"curl \\u0078\"}\n"}}]}}]})");
  REQUIRE(event);
  CHECK(event->fragment);
  CHECK(event->call.name == "Bash");
  CHECK(event->call.arguments == "{\"command\":\"curl \\u0078\"}\n");
}

TEST_CASE("an event nesting deeper than the limit is left to the full path") {
  std::string deep = "{" + kEnvelope + R"(,"x":)" + std::string(200, '[') + std::string(200, ']') +
                     R"(,"choices":[{"index":0,"delta":{"content":"a"}}]})";
  CHECK_FALSE(scan(deep));
  CHECK(wire::scan_chat_stream_event(deep, 300));
}

TEST_CASE("whenever the scanner reads an event, it reads what a full JSON reading reads") {
  // Random events from pieces of usual and odd shapes; every event the scanner accepts must read as
  // the full path reads it, so the fast path never misses or misreads a fragment.
  const std::vector<std::string> entries = {
      R"({"index":0,"id":"call_1","type":"function","function":{"name":"Bash","arguments":""}})",
      R"({"index":1,"function":{"arguments":"{\"command\":\"cu"}})",
      R"({"function":{"arguments":"rl x\"}","name":"Ba"},"index":0,"extra":[1,{"a":null}]})",
      R"({"index":0,"type":"custom","function":{"name":"apply","input":"*** Begin"}})",
      R"({"index":0,"type":"custom","custom":{"name":"x","input":"y"}})",
      R"({"index":0,"id":"a","id":"b"})",
      R"({"index":-1,"function":{"name":"\u0042ash"}})",
      R"("not an entry")",
  };
  const std::vector<std::string> deltas = {
      R"({"content":"hello"})",
      R"({"content":""})",
      R"({"role":"assistant","content":null})",
      R"({})",
      R"({"reasoning_content":"think","content":"x"})",
      R"({"function_call":{"name":"Bash","arguments":"{}"}})",
      R"({"function_call":{"arguments":"{}","x":{"y":[]}}})",
  };
  const std::vector<std::string> finishes = {"", R"(,"finish_reason":null)", R"(,"finish_reason":"tool_calls")",
                                             R"(,"finish_reason":"stop")", R"(,"logprobs":null)",
                                             R"(,"logprobs":{"content":[]})"};
  const std::vector<std::string> tops = {"", R"(,"usage":{"total_tokens":3})", R"(,"model":"m2")", R"(,"model":null)",
                                         R"(,"system_fingerprint":"fp")"};
  std::mt19937 random(2026);
  int read = 0, fragments = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string delta;
    if (random() % 2) {
      int n = static_cast<int>(random() % 3);
      std::string list;
      for (int i = 0; i < n; ++i) list += (i ? "," : "") + entries[random() % entries.size()];
      delta = R"({"tool_calls":[)" + list + "]}";
    } else {
      delta = deltas[random() % deltas.size()];
    }
    std::string index = random() % 4 ? R"("index":)" + std::to_string(random() % 3) + "," : "";
    std::string choice = "{" + index + R"("delta":)" + delta + finishes[random() % finishes.size()] + "}";
    std::string choices = random() % 8 ? choice : choice + "," + choice;
    std::string top = tops[random() % tops.size()];
    std::string data = random() % 2 ? "{" + kEnvelope + top + R"(,"choices":[)" + choices + "]}"
                                    : R"({"choices":[)" + choices + "]" + top + "," + kEnvelope + "}";
    auto scanned = scan(data);
    if (!scanned) continue;
    ++read;
    if (scanned->fragment) ++fragments;
    INFO(data);
    REQUIRE(Json::accept(data));
    CHECK(reading_of(*scanned) == reference_reading(Json::parse(data)));
  }
  // the comparison covered many accepted events of both kinds, not only refusals
  CHECK(read > 4000);
  CHECK(fragments > 1000);
}
