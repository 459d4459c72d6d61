#include <catch2/catch.hpp>
#include <map>

#include "hostile_streams.h"
#include "sse_events.h"
#include "responses_upstream.h"
#include "wire/responses.h"

using namespace toolwall;
using Json = nlohmann::json;
using test::ResponsesUpstream;

namespace {

// Every call the client could run: items of output_item.added/done and of final outputs, and the
// deltas accumulated per item.
std::vector<std::string> runnable_payloads(const std::string& sse) {
  std::vector<std::string> payloads;
  std::map<std::string, std::string> deltas;
  auto take_item = [&](const Json& item) {
    if (!item.is_object()) return;
    std::string type = item.value("type", "");
    if (type == "function_call" || type == "custom_tool_call" || type == "local_shell_call")
      payloads.push_back(item.dump());
  };
  for (const auto& event : test::frame_all(sse)) {
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
  test::check_mutations_never_leak(wire::ResponsesDialect(), up.text, "\"output_index\":", runnable_payloads);
}
