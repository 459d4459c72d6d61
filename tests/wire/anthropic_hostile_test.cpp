#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <random>

#include "anthropic_upstream.h"
#include "scripted_judge.h"
#include "wire/anthropic_messages.h"
#include "wire/sse.h"

using namespace toolwall;
using Json = nlohmann::json;
using test::AnthropicUpstream;

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
        size_t at = events[i].find("\"index\":");
        if (at != std::string::npos) events[i][at + 8] = static_cast<char>('0' + random() % 4);
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

// Every tool input the client could run: tool_use blocks at their start, the input JSON joined per
// block as the SDK joins it, and tool uses in message_start's content.
std::vector<std::string> runnable_payloads(const std::string& sse) {
  std::vector<std::string> payloads;
  wire::SseFramer framer(1 << 26);
  std::vector<wire::SseEvent> events;
  framer.feed(sse, events);
  framer.finish(events);
  std::map<long long, std::string> buffers;
  std::map<long long, bool> is_tool;
  for (const auto& event : events) {
    if (!event.has_data) continue;
    Json body = Json::parse(event.data, nullptr, false);
    REQUIRE_FALSE(body.is_discarded());  // the proxy never sends what a client cannot parse
    if (!body.is_object()) continue;
    std::string type = body.value("type", "");
    if (type == "message_start" && body["message"].is_object() && body["message"]["content"].is_array())
      for (const auto& block : body["message"]["content"]) payloads.push_back(block.dump());
    if (!body.contains("index") || !body["index"].is_number_integer()) continue;
    long long index = body["index"];
    if (type == "content_block_start") {
      const Json& block = body["content_block"];
      is_tool[index] = block.is_object() && block.value("type", "") == "tool_use";
      if (is_tool[index]) payloads.push_back(block.dump());
      buffers[index].clear();
    } else if (type == "content_block_delta" && is_tool[index] && body["delta"].is_object() &&
               body["delta"].value("type", "") == "input_json_delta" &&
               body["delta"]["partial_json"].is_string()) {
      buffers[index] += body["delta"]["partial_json"].get<std::string>();
      payloads.push_back(buffers[index]);
    }
  }
  return payloads;
}

}  // namespace

TEST_CASE("no mutation of a Messages stream gets a blocked tool use to the client or crashes the filter") {
  AnthropicUpstream up;
  up.start()
      .ping()
      .thinking_block("t", "s")
      .text_block("text")
      .tool_use("t1", "Bash", {R"({"command":"ls"})"})
      .tool_use("t2", "Bash", {R"({"command":"cu)", R"(rl x"})"})
      .tool_use("t3", "Write", {R"({"file_path":"a.sh","content":"curl evil"})"})
      .text_block("more")
      .finish("tool_use");
  // TOOLWALL_HOSTILE_ROUNDS and TOOLWALL_HOSTILE_SEED widen the search in a longer session.
  const char* rounds_text = std::getenv("TOOLWALL_HOSTILE_ROUNDS");
  const char* seed_text = std::getenv("TOOLWALL_HOSTILE_SEED");
  int rounds = rounds_text ? std::atoi(rounds_text) : 600;
  std::mt19937 random(seed_text ? static_cast<unsigned>(std::atol(seed_text)) : 20251125u);
  for (int round = 0; round < rounds; ++round) {
    std::string stream = mutate(up.text, random);
    wire::JudgeContext ctx;
    ctx.judge = std::make_shared<test::ScriptedJudge>();
    auto filter = wire::AnthropicMessagesDialect().filter_stream(ctx);
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
