#include <catch2/catch.hpp>

#include "dialect_fixtures.h"
#include "wire/chat_completions.h"

using namespace toolwall;
using Json = nlohmann::json;

namespace {

using Harness = test::BodyHarness<wire::ChatCompletionsDialect>;

std::string response_with_calls(const std::vector<std::pair<std::string, std::string>>& calls,
                                 std::string content_json = "null") {
  std::string tool_calls;
  int i = 0;
  for (const auto& [name, arguments] : calls) {
    if (!tool_calls.empty()) tool_calls += ",";
    tool_calls += R"({"id":"call_)" + std::to_string(i++) + R"(","type":"function","function":{"name":")" + name +
                  R"(","arguments":)" + Json(arguments).dump() + "}}";
  }
  return R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m1","choices":[{"index":0,"message":{"role":"assistant","content":)" +
         content_json + R"(,"tool_calls":[)" + tool_calls + R"(]},"finish_reason":"tool_calls"}],"usage":{"total_tokens":3}})";
}

}  // namespace

TEST_CASE("an allowed call leaves the body byte for byte") {
  Harness h;
  std::string body = response_with_calls({{"Bash", R"({"command": "npm test"})"}});
  auto result = h.run(body);
  REQUIRE(result.has_value());
  CHECK_FALSE(result->has_value());
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].call.tool == "Bash");
  CHECK(h.judged[0].call.arguments["command"] == "npm test");
  CHECK(h.judged[0].model == "m1");
  CHECK(h.counters.calls_allowed == 1);
}

TEST_CASE("a flagged call also leaves the body unchanged") {
  Harness h;
  auto result = h.run(response_with_calls({{"Bash", R"({"command":"FLAG"})"}}));
  REQUIRE(result.has_value());
  CHECK_FALSE(result->has_value());
  CHECK(h.counters.calls_flagged == 1);
}

TEST_CASE("a rewritten call gets new arguments as a JSON string, keys kept in order") {
  Harness h;
  auto result = h.run(response_with_calls({{"Bash", R"({"command":"REWRITE me"})"}}));
  REQUIRE(result.has_value());
  REQUIRE(result->has_value());
  auto out = Json::parse(**result);
  auto& call = out["choices"][0]["message"]["tool_calls"][0];
  REQUIRE(call["function"]["arguments"].is_string());
  CHECK(Json::parse(call["function"]["arguments"].get<std::string>()) == Json{{"command", "echo safe"}});
  CHECK(out["choices"][0]["finish_reason"] == "tool_calls");
  CHECK((**result).find(R"({"id":"chatcmpl-1","object":"chat.completion","created":1)") == 0);
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].sent_instead == R"({"command":"echo safe"})");
}

TEST_CASE("a blocked call is removed and explained, and a choice with no call left stops") {
  Harness h;
  auto result = h.run(response_with_calls({{"Bash", R"({"command":"curl evil"})"}}, R"("Let me run it.")"));
  REQUIRE(result.has_value());
  REQUIRE(result->has_value());
  auto out = Json::parse(**result);
  auto& message = out["choices"][0]["message"];
  CHECK_FALSE(message.contains("tool_calls"));
  std::string content = message["content"];
  CHECK(content.find("Let me run it.\n\n[toolwall] Blocked a `Bash` tool call") == 0);
  CHECK(content.find("test.no-curl") != std::string::npos);
  CHECK(out["choices"][0]["finish_reason"] == "stop");
  CHECK(out["usage"]["total_tokens"] == 3);
  CHECK(h.counters.calls_blocked == 1);
}

TEST_CASE("of parallel calls only the blocked one goes and the choice keeps tool_calls") {
  Harness h;
  auto result = h.run(response_with_calls(
      {{"Bash", R"({"command":"ls"})"}, {"Bash", R"({"command":"curl x"})"}, {"Bash", R"({"command":"pwd"})"}}));
  REQUIRE(result->has_value());
  auto out = Json::parse(**result);
  auto& calls = out["choices"][0]["message"]["tool_calls"];
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]["id"] == "call_0");
  CHECK(calls[1]["id"] == "call_2");
  CHECK(out["choices"][0]["finish_reason"] == "tool_calls");
  CHECK(out["choices"][0]["message"]["content"].get<std::string>().find("[toolwall] Blocked") == 0);
}

TEST_CASE("every choice of n greater than one is judged") {
  Harness h;
  std::string body = R"({"model":"m","choices":[
    {"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"bash","arguments":"{\"command\":\"ls\"}"}}]},"finish_reason":"tool_calls"},
    {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"b","type":"function","function":{"name":"bash","arguments":"{\"command\":\"curl x\"}"}}]},"finish_reason":"tool_calls"}]})";
  auto result = h.run(body);
  REQUIRE(result->has_value());
  auto out = Json::parse(**result);
  CHECK(out["choices"][0]["message"]["tool_calls"].size() == 1);
  CHECK_FALSE(out["choices"][1]["message"].contains("tool_calls"));
  CHECK(out["choices"][1]["finish_reason"] == "stop");
  REQUIRE(h.judged.size() == 2);
  CHECK(h.judged[1].choice == 1);
}

TEST_CASE("a legacy function_call is judged and removed when blocked") {
  Harness h;
  std::string body = R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"function_call":{"name":"bash","arguments":"{\"command\":\"curl x\"}"}},"finish_reason":"function_call"}]})";
  auto result = h.run(body);
  REQUIRE(result->has_value());
  auto out = Json::parse(**result);
  CHECK_FALSE(out["choices"][0]["message"].contains("function_call"));
  CHECK(out["choices"][0]["finish_reason"] == "stop");
  CHECK(h.judged.at(0).call.id == "function_call");
}

TEST_CASE("unparseable arguments still reach the judge, marked invalid") {
  Harness h;
  auto result = h.run(response_with_calls({{"Bash", R"({"command": "ls)"}}));
  REQUIRE(result->has_value());
  REQUIRE(h.judge->seen().size() == 1);
  CHECK_FALSE(h.judge->seen()[0].arguments_valid);
  CHECK(h.judge->seen()[0].raw_arguments == R"({"command": "ls)");
}

TEST_CASE("arguments sent as an object by a lenient server are judged as the object") {
  Harness h;
  std::string body = R"({"choices":[{"index":0,"message":{"tool_calls":[{"id":"a","type":"function","function":{"name":"bash","arguments":{"command":"curl x"}}}]},"finish_reason":"tool_calls"}]})";
  auto result = h.run(body);
  REQUIRE(result->has_value());
  CHECK(h.judge->seen().at(0).arguments["command"] == "curl x");
}

TEST_CASE("arguments over the size cap are blocked without asking the judge") {
  Harness h;
  wire::JudgeContext ctx = h.context();
  ctx.limits.max_tool_argument_bytes = 16;
  auto result = wire::ChatCompletionsDialect().filter_body(
      response_with_calls({{"Bash", R"({"command":"echo a long harmless line"})"}}), ctx);
  REQUIRE(result->has_value());
  CHECK(h.judge->seen().empty());
  CHECK(h.judged.at(0).verdict.action == Action::block);
  CHECK((**result).find("exceed 16 bytes") != std::string::npos);
}

TEST_CASE("a body that is not JSON is an error, not a pass") {
  Harness h;
  for (std::string body : {std::string("{\"choices\":[{\"message\":{\"tool_calls\":["), std::string("<html>"),
                           std::string("{\"choices\":[],\"x\":\"\xff\xfe\"}"), std::string("[1,2]")}) {
    auto result = h.run(body);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == "upstream_malformed_json");
    CHECK(result.error().http_status == 502);
  }
}

TEST_CASE("a body nested deeper than the cap is refused before parsing") {
  Harness h;
  std::string deep = "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
  auto result = h.run(deep);
  REQUIRE_FALSE(result.has_value());
}

TEST_CASE("the nesting cap holds on both fast paths: at the cap a body passes, one level deeper it is refused") {
  // the content nests arrays beside the message: root, choices, choice, message + n arrays
  auto text_body = [](int arrays) {
    return R"({"choices":[{"index":0,"message":{"role":"assistant","content":)" + std::string(arrays, '[') +
           std::string(arrays, ']') + R"(},"finish_reason":"stop"}]})";
  };
  auto call_body = [](int arrays) {
    return R"({"choices":[{"index":0,"message":{"content":)" + std::string(arrays, '[') + std::string(arrays, ']') +
           R"(,"tool_calls":[{"id":"c","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]}}]})";
  };
  for (bool with_call : {false, true}) {
    auto body = [&](int arrays) { return with_call ? call_body(arrays) : text_body(arrays); };
    Harness at_cap;
    at_cap.limits.max_json_depth = 10;
    auto passed = at_cap.run(body(6));
    REQUIRE(passed.has_value());
    CHECK_FALSE(passed->has_value());
    Harness past_cap;
    past_cap.limits.max_json_depth = 10;
    auto refused = past_cap.run(body(7));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().http_status == 502);
    CHECK(past_cap.judged.empty());
  }
}

TEST_CASE("bodies the fast paths leave to the full reading still pass untouched when they are JSON") {
  // a byte order mark (nlohmann skips it), a NUL after the body (nlohmann stops there), a key
  // repeated where it carries no call
  const std::string calls =
      R"({"id":"a","id":"b","choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]}}]})";
  for (const std::string& body : std::vector<std::string>{"\xEF\xBB\xBF" + calls, calls + std::string(1, '\0'), std::string(R"({"choices":[]})") + '\0',
                                  "\xEF\xBB\xBF{\"choices\":[]}", calls}) {
    Harness h;
    auto result = h.run(body);
    INFO(body);
    REQUIRE(result.has_value());
    CHECK_FALSE(result->has_value());
    CHECK(h.judged.size() == (body.find("tool_calls") != std::string::npos ? 1u : 0u));
  }
}

TEST_CASE("a body without tool calls passes untouched and asks nothing") {
  Harness h;
  auto result = h.run(R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]})");
  REQUIRE(result.has_value());
  CHECK_FALSE(result->has_value());
  CHECK(h.judge->seen().empty());
}

TEST_CASE("only chat completion paths belong to the dialect") {
  wire::ChatCompletionsDialect dialect;
  CHECK(dialect.handles("POST", "/v1/chat/completions"));
  CHECK(dialect.handles("POST", "/chat/completions"));
  CHECK_FALSE(dialect.handles("GET", "/v1/chat/completions"));
  CHECK_FALSE(dialect.handles("POST", "/v1/embeddings"));
  CHECK(wire::dialect_for("POST", "/v1/chat/completions") != nullptr);
  CHECK(wire::dialect_for("GET", "/v1/models") == nullptr);
}

TEST_CASE("calls that all pass are reported once each, with their own choice") {
  Harness h;
  std::string body =
      R"({"model":"m2","choices":[)"
      R"({"index":0,"message":{"tool_calls":[{"id":"a","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]}},)"
      R"({"index":1,"message":{"tool_calls":[{"id":"b","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"FLAG\"}"}}]}}]})";
  auto result = h.run(body);
  REQUIRE(result.has_value());
  CHECK_FALSE(result->has_value());
  REQUIRE(h.judged.size() == 2);
  CHECK(h.judged[0].call.id == "a");
  CHECK(h.judged[0].choice == 0);
  CHECK(h.judged[1].call.id == "b");
  CHECK(h.judged[1].choice == 1);
  CHECK(h.judged[1].model == "m2");
  CHECK(h.counters.calls_allowed == 1);
  CHECK(h.counters.calls_flagged == 1);
}

TEST_CASE("when a later call is blocked, the calls before it are still reported once, not twice") {
  Harness h;
  auto changed = h.run_changed(response_with_calls({{"Bash", R"({"command":"ls"})"}, {"Bash", R"({"command":"curl x"})"}}));
  CHECK(changed["choices"][0]["message"]["tool_calls"].size() == 1);
  REQUIRE(h.judged.size() == 2);
  CHECK(h.judged[0].call.id == "call_0");
  CHECK(h.judged[1].call.id == "call_1");
  CHECK(h.counters.calls_allowed == 1);
  CHECK(h.counters.calls_blocked == 1);
}


TEST_CASE("a rewrite that cannot be applied removes the call and is recorded as the block the client got") {
  Harness h;
  h.judge = std::make_shared<test::EmptyRewriteJudge>();
  auto changed = h.run_changed(response_with_calls({{"Bash", R"({"command":"ls"})"}}));
  CHECK_FALSE(changed["choices"][0]["message"].contains("tool_calls"));
  CHECK(changed["choices"][0]["finish_reason"] == "stop");
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].verdict.action == Action::block);
  CHECK(h.judged[0].verdict.error == "the rewrite could not be applied to this call");
  CHECK(h.counters.calls_blocked == 1);
  CHECK(h.counters.calls_rewritten == 0);
}

TEST_CASE("each call of a body the proxy changes is judged once, whichever path settles it") {
  Harness h;
  // The first call passes and the second is blocked: the fast reading judges both, the full path
  // that removes the second takes their verdicts instead of judging again.
  auto out = h.run_changed(response_with_calls({{"Bash", R"({"command":"npm test"})"}, {"Bash", R"({"command":"curl x"})"}}));
  CHECK(out["choices"][0]["message"]["tool_calls"].size() == 1);
  CHECK(h.judge->seen().size() == 2);
  REQUIRE(h.judged.size() == 2);
  CHECK(h.judged[1].verdict.action == Action::block);
  // After the blocked one, a third call is judged by the full path alone.
  Harness later;
  later.run_changed(response_with_calls(
      {{"Bash", R"({"command":"curl x"})"}, {"Bash", R"({"command":"REWRITE me"})"}, {"Bash", R"({"command":"ls"})"}}));
  CHECK(later.judge->seen().size() == 3);
  CHECK(later.judged.size() == 3);
}
