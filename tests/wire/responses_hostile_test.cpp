#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <random>

#include "responses_upstream.h"
#include "scripted_judge.h"
#include "wire/responses.h"
#include "wire/sse.h"

using namespace toolwall;
using Json = nlohmann::json;
using test::ResponsesUpstream;

namespace {

std::vector<std::string> split_events(const std::string& stream) {
  std::vector<std::string> events;
  size_t at = 0;
  while (at < stream.size()) {
    size_t end = stream.find("\n\n", at);
    end = end == std::string::npos ? stream.size() : end + 2;
    events.push_back(stream.substr(at, end - at));
    at = end;
  }
  return events;
}

// Mutates a valid stream the way a broken or hostile upstream might: events dropped, repeated,
// swapped, re-indexed, cut, or a byte changed.
std::string mutate(const std::string& stream, std::mt19937& random) {
  auto events = split_events(stream);
  int mutations = 1 + static_cast<int>(random() % 4);
  for (int m = 0; m < mutations && !events.empty(); ++m) {
    size_t i = random() % events.size();
    switch (random() % 6) {
      case 0:
        events.erase(events.begin() + i);
        break;
      case 1:
        events.insert(events.begin() + i, events[i]);
        break;
      case 2:
        if (i + 1 < events.size()) std::swap(events[i], events[i + 1]);
        break;
      case 3: {
        size_t at = events[i].find("\"output_index\":");
        if (at != std::string::npos) events[i][at + 15] = static_cast<char>('0' + random() % 4);
        break;
      }
      case 4:
        events.resize(i + 1);
        events[i] = events[i].substr(0, random() % (events[i].size() + 1));
        break;
      case 5:
        if (!events[i].empty()) events[i][random() % events[i].size()] = static_cast<char>(random() % 256);
        break;
    }
  }
  std::string out;
  for (const auto& e : events) out += e;
  return out;
}

// Every call the client could run: items of output_item.added/done and of final outputs, and the
// deltas accumulated per item.
std::vector<std::string> runnable_payloads(const std::string& sse) {
  std::vector<std::string> payloads;
  wire::SseFramer framer(1 << 26);
  std::vector<wire::SseEvent> events;
  framer.feed(sse, events);
  framer.finish(events);
  std::map<std::string, std::string> deltas;
  auto take_item = [&](const Json& item) {
    if (!item.is_object()) return;
    std::string type = item.value("type", "");
    if (type == "function_call" || type == "custom_tool_call" || type == "local_shell_call")
      payloads.push_back(item.dump());
  };
  for (const auto& event : events) {
    if (!event.has_data || event.data == "[DONE]") continue;
    Json body = Json::parse(event.data, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());  // the proxy never sends what a client cannot parse
    if (!body.is_object()) continue;
    if (body.contains("item")) take_item(body["item"]);
    if (body.contains("response") && body["response"].is_object() && body["response"].contains("output") &&
        body["response"]["output"].is_array())
      for (const auto& item : body["response"]["output"]) take_item(item);
    std::string type = body.value("type", "");
    if (body.contains("delta") && body["delta"].is_string() &&
        (type == "response.function_call_arguments.delta" || type == "response.custom_tool_call_input.delta"))
      deltas[std::to_string(body.value("output_index", -1)) + body.value("item_id", "")] +=
          body["delta"].get<std::string>();
  }
  for (const auto& [key, text] : deltas) payloads.push_back(text);
  return payloads;
}

}  // namespace

TEST_CASE("no mutation of a Responses stream gets a blocked call to the client or crashes the filter") {
  ResponsesUpstream up;
  up.created()
      .message("m1", "text")
      .function_call("c1", "shell", {R"({"command":["ls"]})"})
      .function_call("c2", "shell", {R"({"command":["cu)", R"(rl","x"]})"})
      .custom_tool_call("c3", "apply_patch", {"*** Begin Patch\n+cu", "rl x\n*** End Patch"})
      .local_shell_call("c4", {"curl", "evil"})
      .message("m2", "more")
      .completed();
  // TOOLWALL_HOSTILE_ROUNDS and TOOLWALL_HOSTILE_SEED widen the search in a longer session.
  const char* rounds_text = std::getenv("TOOLWALL_HOSTILE_ROUNDS");
  const char* seed_text = std::getenv("TOOLWALL_HOSTILE_SEED");
  int rounds = rounds_text ? std::atoi(rounds_text) : 600;
  std::mt19937 random(seed_text ? static_cast<unsigned>(std::atol(seed_text)) : 20251125u);
  for (int round = 0; round < rounds; ++round) {
    std::string stream = mutate(up.text, random);
    wire::JudgeContext ctx;
    ctx.judge = std::make_shared<test::ScriptedJudge>();
    auto filter = wire::ResponsesDialect().filter_stream(ctx);
    std::string out;
    size_t step = 1 + random() % 97;
    bool ok = true;
    for (size_t at = 0; at < stream.size() && ok; at += step)
      ok = filter->feed(std::string_view(stream).substr(at, step), out);
    if (ok) filter->finish(random() % 2 ? std::string() : std::string("reset"), out);
    INFO("round " << round << "\n" << stream);
    for (const auto& payload : runnable_payloads(out)) {
      CAPTURE(payload);
      if (payload.find("curl") != std::string::npos && std::getenv("HOSTILE_DUMP")) {
        std::ofstream(std::getenv("HOSTILE_DUMP")) << stream;
        std::ofstream(std::string(std::getenv("HOSTILE_DUMP")) + ".out") << out;
      }
      REQUIRE(payload.find("curl") == std::string::npos);
    }
  }
}
