#include <catch2/catch.hpp>
#include <map>

#include "anthropic_upstream.h"
#include "hostile_streams.h"
#include "sse_events.h"
#include "wire/anthropic_messages.h"

using namespace toolwall;
using Json = nlohmann::json;
using test::AnthropicUpstream;

namespace {

// Every tool input the client could run: tool_use blocks at their start, the input JSON joined per
// block as the SDK joins it, and tool uses in message_start's content.
std::vector<std::string> runnable_payloads(const std::string& sse) {
  std::vector<std::string> payloads;
  std::map<long long, std::string> buffers;
  std::map<long long, bool> is_tool;
  for (const auto& event : test::frame_all(sse)) {
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
  test::check_mutations_never_leak(wire::AnthropicMessagesDialect(), up.text, "\"index\":", runnable_payloads);
}
