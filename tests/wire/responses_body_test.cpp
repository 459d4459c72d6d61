#include <catch2/catch.hpp>

#include "dialect_fixtures.h"
#include "wire/responses.h"

using namespace toolwall;
using Json = nlohmann::json;

namespace {

struct Harness : test::BodyHarness<wire::ResponsesDialect> {
  Harness() : BodyHarness("codex") {}
};

Json function_call(const std::string& call_id, const std::string& name, const std::string& arguments) {
  return {{"id", "fc_" + call_id},  {"type", "function_call"}, {"status", "completed"},
          {"arguments", arguments}, {"call_id", call_id},      {"name", name}};
}
Json message(const std::string& text) {
  return {{"id", "msg_1"},
          {"type", "message"},
          {"status", "completed"},
          {"role", "assistant"},
          {"content", {{{"type", "output_text"}, {"annotations", Json::array()}, {"text", text}}}}};
}
std::string response(const std::vector<Json>& output) {
  return Json{{"id", "resp_1"},
              {"object", "response"},
              {"created_at", 1},
              {"status", "completed"},
              {"model", "gpt-test"},
              {"output", output},
              {"usage", {{"total_tokens", 3}}}}
      .dump();
}

}  // namespace

TEST_CASE("the Responses dialect owns POST /v1/responses and stored-response retrieval only") {
  wire::ResponsesDialect dialect;
  CHECK(dialect.handles("POST", "/v1/responses"));
  CHECK(dialect.handles("POST", "/responses"));
  CHECK(dialect.handles("GET", "/v1/responses/resp_123"));
  CHECK_FALSE(dialect.handles("GET", "/v1/responses/resp_123/input_items"));
  CHECK_FALSE(dialect.handles("POST", "/v1/responses/resp_123/cancel"));
  CHECK_FALSE(dialect.handles("POST", "/v1/chat/completions"));
  CHECK(wire::dialect_for("POST", "/v1/responses") != nullptr);
  CHECK(wire::dialect_for("POST", "/v1/responses")->name() == "responses");
}

TEST_CASE("an allowed Responses body is left byte for byte and its call judged once") {
  Harness h;
  std::string body =
      response({message("Running."), function_call("call_1", "shell", R"({"command":["ls"]})")});
  auto result = h.run(body);
  REQUIRE(result.has_value());
  CHECK_FALSE(result->has_value());
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].call.id == "call_1");
  CHECK(h.judged[0].call.agent == "codex");
  CHECK(h.judged[0].call.tool == "shell");
  CHECK(h.judged[0].call.arguments == Json{{"command", {"ls"}}});
  CHECK(h.judged[0].model == "gpt-test");
  CHECK(h.counters.calls_allowed == 1);
}

TEST_CASE("a blocked function_call item is replaced in place by an assistant message") {
  Harness h;
  Json out = h.run_changed(
      response({message("Checking."), function_call("c1", "shell", R"({"command":["curl","x"]})"),
                function_call("c2", "shell", R"({"command":["ls"]})")}));
  auto& output = out["output"];
  REQUIRE(output.size() == 3);
  CHECK(output[0]["content"][0]["text"] == "Checking.");
  CHECK(output[1]["type"] == "message");
  CHECK(output[1]["role"] == "assistant");
  CHECK(output[1]["id"] == "msg_toolwall_fc_c1");
  CHECK(output[1]["content"][0]["type"] == "output_text");
  CHECK(output[1]["content"][0]["text"].get<std::string>().find(
            "[toolwall] Blocked a `shell` tool call: test.no-curl") == 0);
  CHECK(output[2]["call_id"] == "c2");
  CHECK(out["usage"]["total_tokens"] == 3);
  CHECK(out.dump().find(R"([\"curl\",\"x\"])") == std::string::npos);
  CHECK(h.counters.calls_blocked == 1);
  CHECK(h.counters.calls_allowed == 1);
}

TEST_CASE("a rewritten function_call keeps its ids and carries the new arguments") {
  Harness h;
  Json out = h.run_changed(response({function_call("c1", "exec_command", R"({"cmd":"REWRITE this"})")}));
  CHECK(out["output"][0]["call_id"] == "c1");
  CHECK(out["output"][0]["id"] == "fc_c1");
  CHECK(out["output"][0]["arguments"] == R"({"command":"echo safe"})");
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].sent_instead == R"({"command":"echo safe"})");
}

TEST_CASE("custom and local shell call items are judged in Codex's argument shapes") {
  Harness h;
  Json patch{{"id", "ctc_1"},         {"type", "custom_tool_call"},
             {"status", "completed"}, {"call_id", "p1"},
             {"name", "apply_patch"}, {"input", "*** Begin Patch\n*** Add File: a\n+curl x\n*** End Patch"}};
  Json shell{{"id", "lsh_1"},
             {"type", "local_shell_call"},
             {"status", "completed"},
             {"call_id", "l1"},
             {"action", {{"type", "exec"}, {"command", {"ls", "-la"}}, {"working_directory", "/w"}}}};
  Json out = h.run_changed(response({patch, shell}));
  REQUIRE(h.judged.size() == 2);
  CHECK(h.judged[0].call.tool == "apply_patch");
  CHECK(h.judged[0].call.arguments == Json{{"input", patch["input"]}});
  CHECK(h.judged[1].call.tool == "local_shell");
  CHECK(h.judged[1].call.arguments == Json{{"command", {"ls", "-la"}}, {"workdir", "/w"}});
  CHECK(out["output"][0]["type"] == "message");
  CHECK(out["output"][1] == shell);
}

TEST_CASE("a rewrite that does not fit the item's shape blocks it, and the audit says so") {
  Harness h;  // ScriptedJudge rewrites to {"command": …}, which a freeform patch input cannot take
  Json patch{{"id", "ctc_1"},
             {"type", "custom_tool_call"},
             {"call_id", "p1"},
             {"name", "apply_patch"},
             {"input", "*** Begin Patch\nREWRITE\n*** End Patch"}};
  Json out = h.run_changed(response({patch}));
  CHECK(out["output"][0]["type"] == "message");
  REQUIRE(h.judged.size() == 1);
  CHECK(h.judged[0].verdict.action == Action::block);
  CHECK(h.counters.calls_blocked == 1);
  CHECK(h.counters.calls_rewritten == 0);
}

TEST_CASE("a local shell call rewritten to a command string runs it through bash -lc") {
  Harness h;
  Json shell{{"id", "lsh_1"},
             {"type", "local_shell_call"},
             {"call_id", "l1"},
             {"action", {{"type", "exec"}, {"command", {"REWRITE"}}}}};
  Json out = h.run_changed(response({shell}));
  CHECK(out["output"][0]["action"]["command"] == Json::array({"bash", "-lc", "echo safe"}));
  CHECK(out["output"][0]["action"]["type"] == "exec");
}

TEST_CASE("call items with missing or wrong fields get the fail mode, not a pass") {
  Harness h;
  Json no_arguments{{"type", "function_call"}, {"call_id", "a"}, {"name", "shell"}};
  Json no_input{{"type", "custom_tool_call"}, {"call_id", "b"}, {"name", "apply_patch"}};
  Json no_action{{"type", "local_shell_call"}, {"call_id", "c"}};
  Json bad_argv{{"type", "local_shell_call"}, {"call_id", "d"}, {"action", {{"command", {"ls", 3}}}}};
  Json object_arguments{
      {"type", "function_call"}, {"call_id", "e"}, {"name", "shell"}, {"arguments", {{"command", "ls"}}}};
  Json out = h.run_changed(response({no_arguments, no_input, no_action, bad_argv, object_arguments}));
  REQUIRE(h.judged.size() == 5);
  for (int i = 0; i < 4; ++i) {
    CHECK_FALSE(h.judged[i].call.arguments_valid);
    CHECK(out["output"][i]["type"] == "message");
  }
  CHECK(h.judged[4].call.arguments == Json{{"command", "ls"}});  // lenient servers send an object
  CHECK(out["output"][4]["type"] == "function_call");
}

TEST_CASE("oversized Responses arguments are blocked without being judged") {
  Harness h;
  h.limits.max_tool_argument_bytes = 32;
  auto judge = std::make_shared<test::ScriptedJudge>();
  h.judge = judge;
  Json out = h.run_changed(
      response({function_call("c", "shell", R"({"command":["echo","a long harmless line"]})")}));
  CHECK(out["output"][0]["content"][0]["text"].get<std::string>().find("exceed 32 bytes") !=
        std::string::npos);
  CHECK(judge->seen().empty());
  CHECK(h.counters.limit_exceeded == 1);
}

TEST_CASE("malformed, too deep or non-UTF-8 Responses bodies are errors in the OpenAI shape") {
  Harness h;
  std::string deep = R"({"output":)" + std::string(200, '[') + std::string(200, ']') + "}";
  for (const std::string& body :
       {std::string(R"({"output":[)"), deep, std::string("{\"output\":[\"\xff\"]}"), std::string("[1]")}) {
    auto result = h.run(body);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == "upstream_malformed_json");
    CHECK(result.error().http_status == 502);
  }
  Json error = Json::parse(wire::ResponsesDialect().error_body({502, "upstream_malformed_json", "bad"}));
  CHECK(error["error"]["code"] == "upstream_malformed_json");
  CHECK(error["error"]["message"] == "bad");
  CHECK(error["error"].contains("type"));
}

TEST_CASE("a Responses body without output, or with only server-side tool items, is left alone") {
  Harness h;
  Json search{{"id", "ws_1"}, {"type", "web_search_call"}, {"status", "completed"}};
  for (const std::string& body : {std::string(R"({"id":"resp_1","object":"response","status":"queued"})"),
                                  response({search, message("curl is a tool")})}) {
    auto result = h.run(body);
    REQUIRE(result.has_value());
    CHECK_FALSE(result->has_value());
  }
  CHECK(h.judged.empty());
}

TEST_CASE("the seed exfiltration as a Codex call in a Responses body never reaches the client") {
  Harness h;
  const std::string& seed = test::kSeedExfiltration;
  Json out =
      h.run_changed(response({function_call("s1", "shell", Json{{"command", {"bash", "-lc", seed}}}.dump()),
                              function_call("s2", "exec_command", Json{{"cmd", seed}}.dump())}));
  CHECK(out.dump().find("telemetry.example") == std::string::npos);
}
