#include <atomic>
#include <catch2/catch.hpp>
#include <sstream>
#include <thread>

#include "integration/chat_payloads.h"
#include "integration/http_client.h"
#include "proxy/client_auth.h"
#include "proxy/config.h"
#include "proxy/model_policy.h"
#include "team_fixture.h"

using namespace toolwall;
using namespace toolwall::test;
using Json = nlohmann::json;

namespace {

// npm is flagged (the call reaches the client) or blocked (replaced by an explanation).
std::string npm_policy(const std::string& action) {
  return "version: 1\nfail_mode: block\nrules:\n  - id: team.npm\n    description: npm runs\n"
         "    match: { command: { name: [npm] } }\n    action: " + action + "\n    severity: low\n"
         "    message: \"npm\"\n";
}

const char* kStrictLayer =
    "version: 1\nrules:\n  - id: team.no-npm-for-interns\n    description: interns do not run npm\n"
    "    match: { command: { name: [npm] } }\n    action: block\n    severity: high\n    message: \"no npm\"\n";

const std::string kAliceToken = "tw-alice-0123456789abcdef";
const std::string kBobToken = "tw-bob-fedcba9876543210";

std::string base_config(const std::string& extra = "") {
  return "policy: @DIR@/policy.yaml\nprofiles: @SRC@/config/agents.yaml\n" + extra;
}

std::string clients_config(const std::string& extra = "") {
  return base_config("clients:\n  - name: alice\n    token: " + kAliceToken +
                     "\n  - name: bob\n    token_sha256: " + proxy::sha256_hex(kBobToken) +
                     "\n    layers: [@DIR@/strict.yaml]\n" + extra);
}

ScriptedUpstream::Handler npm_call() {
  std::string body = completion_body("running", {{"call_npm", "Bash", bash_arguments("npm test")}});
  return [body](const RecordedRequest&) { return json_response(200, body); };
}

bool blocked(const HttpResponse& res) { return res.body.find("[toolwall] Blocked") != std::string::npos; }
bool call_passed(const HttpResponse& res) { return res.body.find("call_npm") != std::string::npos; }

HttpResponse chat(uint16_t port, const std::string& token = "", const std::string& body = chat_request(false)) {
  std::vector<Header> headers{{"X-Toolwall-Agent", "claude-code"}};
  if (!token.empty()) headers.push_back({"Authorization", "Bearer " + token});
  return http_request(port, "POST", "/v1/chat/completions", body, headers);
}

template <class Predicate>
bool eventually(Predicate predicate, int ms = 5000) {
  for (int waited = 0; waited < ms; waited += 50) {
    if (predicate()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return predicate();
}

std::string model_request(const std::string& model) {
  auto body = Json::parse(chat_request(false));
  body["model"] = model;
  return body.dump();
}

}  // namespace

TEST_CASE("a policy file changed while requests flow is reloaded and its new verdict shows; a broken one is rejected") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")}, {"toolwall.yaml", base_config()}});
  REQUIRE(call_passed(chat(proxy.port)));

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0}, sent{0};
  std::thread traffic([&] {
    HttpConnection connection(proxy.port);
    while (!stop) {
      auto res = connection.request("POST", "/v1/chat/completions", chat_request(false),
                                    {{"X-Toolwall-Agent", "claude-code"}});
      ++sent;
      if (res.status != 200 || !res.error.empty() || !(blocked(res) || call_passed(res))) ++failures;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  proxy.rewrite("policy.yaml", npm_policy("block"));
  CHECK(eventually([&] { return blocked(chat(proxy.port)); }));
  CHECK(proxy.metrics->reloads_ok() >= 1);

  proxy.rewrite("policy.yaml", "version: 1\nrules:\n  - id: broken\n    match: { command: [unclosed\n");
  CHECK(eventually([&] { return proxy.metrics->reloads_failed() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(blocked(chat(proxy.port)));  // the running policy was kept
  stop = true;
  traffic.join();
  CHECK(sent > 5);
  CHECK(failures == 0);  // no request failed or was dropped across the reloads
}

TEST_CASE("a reload asked for (SIGHUP) with no file change still rebuilds the policy") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")}, {"toolwall.yaml", base_config()}});
  CHECK(proxy.reloader->reload_now());
  CHECK(proxy.metrics->reloads_ok() == 1);
}

TEST_CASE("with clients configured a missing or unknown token gets 401 and each client gets its own layers") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")},
                                 {"strict.yaml", kStrictLayer},
                                 {"toolwall.yaml", clients_config()}});
  auto missing = chat(proxy.port);
  CHECK(missing.status == 401);
  CHECK(Json::parse(missing.body)["error"]["code"] == "unauthorized");
  auto unknown = chat(proxy.port, "tw-mallory-0000000000000000");
  CHECK(unknown.status == 401);
  CHECK(proxy.upstream.requests().empty());

  auto alice = chat(proxy.port, kAliceToken);
  CHECK(alice.status == 200);
  CHECK(call_passed(alice));
  auto bob = chat(proxy.port, kBobToken);
  CHECK(bob.status == 200);
  CHECK(blocked(bob));

  // x-api-key works for Anthropic-style clients.
  auto by_key = http_request(proxy.port, "POST", "/v1/chat/completions", chat_request(false),
                             {{"X-Toolwall-Agent", "claude-code"}, {"x-api-key", kAliceToken}});
  CHECK(by_key.status == 200);

  // The toolwall token never leaves, and the audit log names the client, never the token.
  for (const auto& request : proxy.upstream.requests()) {
    CHECK(request.head.find(kAliceToken) == std::string::npos);
    CHECK(request.head.find(kBobToken) == std::string::npos);
  }
  std::string audit = proxy.audit_text();
  CHECK(audit.find(R"("client":"127.0.0.1","client_name":"alice")") != std::string::npos);
  CHECK(audit.find(R"("client":"127.0.0.1","client_name":"bob")") != std::string::npos);
  CHECK(audit.find(kAliceToken) == std::string::npos);

  // Each exchange is counted once it ends, refused ones with the status the gate answered.
  auto counted = [&proxy](const std::string& line) {
    return eventually([&] { return http_request(proxy.port, "GET", "/metrics").body.find(line) != std::string::npos; });
  };
  CHECK(counted("toolwall_requests_total{route=\"/v1/chat/completions\",status=\"401\"} 2\n"));
  CHECK(counted("toolwall_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 3\n"));
}

TEST_CASE("the proxy injects the upstream key it holds and the client's token never reaches the upstream") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")},
                                 {"strict.yaml", kStrictLayer},
                                 {"upstream.key", "sk-upstream-secret-42\n"},
                                 {"toolwall.yaml", clients_config("upstream_api_key_file: @DIR@/upstream.key\n")}});
  CHECK(chat(proxy.port, kAliceToken).status == 200);
  http_request(proxy.port, "POST", "/v1/messages", R"({"model":"claude","max_tokens":10,"messages":[]})",
               {{"x-api-key", kAliceToken}, {"anthropic-version", "2023-06-01"}});
  auto seen = proxy.upstream.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].headers["authorization"] == "Bearer sk-upstream-secret-42");
  CHECK(seen[1].headers["x-api-key"] == "sk-upstream-secret-42");
  CHECK(seen[1].headers.count("authorization") == 0);
  for (const auto& request : seen) CHECK(request.head.find(kAliceToken) == std::string::npos);
}

TEST_CASE("only trusted models are forwarded; others get a 403 in the dialect's error shape") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")},
                                 {"toolwall.yaml", base_config("models:\n  allow: [\"test-*\", \"gpt-4o*\"]\n"
                                                               "  deny: [\"test-bad*\"]\n")}});
  CHECK(chat(proxy.port, "", model_request("test-model")).status == 200);
  auto denied = chat(proxy.port, "", model_request("test-bad-1"));
  CHECK(denied.status == 403);
  CHECK(Json::parse(denied.body)["error"]["code"] == "model_not_allowed");
  CHECK(denied.body.find("models.deny") != std::string::npos);
  auto unlisted = chat(proxy.port, "", model_request("llama3"));
  CHECK(unlisted.status == 403);
  CHECK(unlisted.body.find("models.allow") != std::string::npos);
  CHECK(proxy.upstream.requests().size() == 1);
}

TEST_CASE("metrics, readiness and liveness answer, and the counters follow the traffic") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("block")}, {"toolwall.yaml", base_config()}});
  for (int i = 0; i < 3; ++i) CHECK(chat(proxy.port).status == 200);
  CHECK(http_request(proxy.port, "GET", "/readyz").status == 200);
  CHECK(http_request(proxy.port, "GET", "/livez").status == 200);
  proxy.reloader->reload_now();
  auto scrape = http_request(proxy.port, "GET", "/metrics");
  REQUIRE(scrape.status == 200);
  CHECK(scrape.headers["content-type"].find("text/plain") == 0);
  const std::string& text = scrape.body;
  CHECK(text.find("toolwall_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 3\n") != std::string::npos);
  CHECK(text.find("toolwall_verdicts_total{action=\"block\"} 3\n") != std::string::npos);
  CHECK(text.find("toolwall_rule_matches_total{rule=\"team.npm\"} 3\n") != std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_count 3\n") != std::string::npos);
  CHECK(text.find("toolwall_wire_calls_total{outcome=\"blocked\"} 3\n") != std::string::npos);
  CHECK(text.find("toolwall_policy_reloads_total{result=\"ok\"} 1\n") != std::string::npos);
  CHECK(text.find("toolwall_active_streams 0\n") != std::string::npos);
  CHECK(text.find("toolwall_requests_total{route=\"/readyz\",status=\"200\"} 1\n") != std::string::npos);
}

TEST_CASE("a repeated call is kept per policy from its second sighting, a reload starts afresh, and /metrics counts both") {
  TeamFixture proxy(npm_call(), {{"policy.yaml", npm_policy("flag")}, {"toolwall.yaml", base_config()}});
  for (int i = 0; i < 4; ++i) REQUIRE(call_passed(chat(proxy.port)));
  CHECK(proxy.metrics->verdict_cache()->misses == 2);
  CHECK(proxy.metrics->verdict_cache()->hits == 2);
  proxy.rewrite("policy.yaml", npm_policy("block"));
  REQUIRE(proxy.reloader->reload_now());
  CHECK(blocked(chat(proxy.port)));  // the new policy's verdict, not the remembered one
  CHECK(proxy.metrics->verdict_cache()->misses == 3);
  const std::string text = http_request(proxy.port, "GET", "/metrics").body;
  CHECK(text.find("toolwall_verdict_cache_total{result=\"miss\"} 3\n") != std::string::npos);
}

TEST_CASE("client settings with problems are reported at their file, line and column") {
  auto parsed = proxy::parse_config("clients:\n  - name: alice\n    token: short\n  - token: tw-0123456789abcdef\n",
                                    "team.yaml");
  REQUIRE_FALSE(parsed.has_value());
  std::string errors = to_string(parsed.error());
  CHECK(errors.find("team.yaml:3:12") != std::string::npos);  // the short token
  CHECK(errors.find("a client needs a name") != std::string::npos);
  CHECK(errors.find("tw-0123456789abcdef") == std::string::npos);  // tokens never echoed
  auto good = proxy::parse_config("clients:\n  - name: a\n    token: tw-0123456789abcdef\n    layers: [x.yaml]\n"
                                  "models: {allow: [\"gpt-*\"]}\nupstream_api_key_env: OPENAI_API_KEY\n",
                                  "team.yaml");
  REQUIRE(good.has_value());
  CHECK(good->team.clients[0].token_sha256 == proxy::sha256_hex("tw-0123456789abcdef"));
  CHECK(good->team.clients[0].layers == std::vector<std::string>{"x.yaml"});
}

TEST_CASE("the request model is read from the top level only, and globs decide") {
  CHECK(proxy::request_model(R"({"messages":[{"model":"inner"}],"model":"gpt-4o"})") == "gpt-4o");
  CHECK_FALSE(proxy::request_model(R"({"messages":[]})").has_value());
  CHECK_FALSE(proxy::request_model("not json").has_value());
  CHECK_FALSE(proxy::request_model(std::string(100000, '[')).has_value());
  proxy::ModelRules rules{{"gpt-4o*"}, {"gpt-4o-mini"}};
  CHECK_FALSE(proxy::model_refusal(rules, std::string("gpt-4o-2024")).has_value());
  CHECK(proxy::model_refusal(rules, std::string("gpt-4o-mini")).has_value());
  CHECK(proxy::model_refusal(rules, std::nullopt).has_value());
}

TEST_CASE("a stream in flight during a reload finishes on the policy it started with, and counts as active") {
  std::string events = sse_role() + sse_call(0, "call_npm", "Bash", bash_arguments("npm test")) +
                       sse_finish("tool_calls") + sse_done();
  auto handler = [events](const RecordedRequest&) {
    Script script{send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")};
    script.push_back(pause(1500));  // the policy changes while the model "thinks"
    script.push_back(send(chunk_frame(events)));
    script.push_back(send("0\r\n\r\n"));
    return script;
  };
  TeamFixture proxy(handler, {{"policy.yaml", npm_policy("flag")}, {"toolwall.yaml", base_config()}});
  HttpResponse streamed;
  std::thread client([&] { streamed = chat(proxy.port, "", chat_request(true)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(http_request(proxy.port, "GET", "/metrics").body.find("toolwall_active_streams 1\n") != std::string::npos);
  proxy.rewrite("policy.yaml", npm_policy("block"));
  CHECK(eventually([&] { return proxy.metrics->reloads_ok() >= 1; }, 1000));
  client.join();
  CHECK(streamed.status == 200);
  CHECK(call_passed(streamed));  // judged by the policy in force when the request arrived
  CHECK_FALSE(blocked(streamed));
  CHECK(http_request(proxy.port, "GET", "/metrics").body.find("toolwall_active_streams 0\n") != std::string::npos);
}

TEST_CASE("a held upstream key is refused on a public address unless clients must authenticate") {
  ::setenv("TOOLWALL_TEAM_TEST_KEY", "sk-test", 1);
  proxy::ProxyConfig config;
  config.policy_path = std::string(TOOLWALL_SOURCE_DIR) + "/rules/default.yaml";
  config.profiles_path = std::string(TOOLWALL_SOURCE_DIR) + "/config/agents.yaml";
  config.listen = {"0.0.0.0", 0};
  config.team.upstream_api_key_env = "TOOLWALL_TEAM_TEST_KEY";
  auto open = proxy::build_team_state(config);
  REQUIRE_FALSE(open.has_value());
  CHECK(open.error().find("configure clients") != std::string::npos);
  config.team.clients.push_back({"ci", proxy::sha256_hex("tw-ci-0123456789abcdef"), {}});
  auto guarded = proxy::build_team_state(config);
  REQUIRE(guarded.has_value());
  CHECK((*guarded)->upstream_key == "sk-test");
  config.team.clients.clear();
  config.listen = {"127.0.0.1", 0};
  CHECK(proxy::build_team_state(config).has_value());
}
