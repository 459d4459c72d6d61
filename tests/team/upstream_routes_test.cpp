// Per-upstream key injection and per-upstream metrics, through the team gate and the real server.
#include <catch2/catch.hpp>
#include <cstdlib>

#include "integration/chat_payloads.h"
#include "integration/http_client.h"
#include "team_fixture.h"

using namespace toolwall;
using namespace toolwall::test;
using Json = nlohmann::json;

namespace {

const char* kPolicy =
    "version: 1\nfail_mode: block\nrules:\n  - id: team.npm\n    description: npm runs\n"
    "    match: { command: { name: [npm] } }\n    action: block\n    severity: low\n    message: \"npm\"\n";

ScriptedUpstream::Handler npm_call() {
  std::string body = completion_body("running", {{"call_npm", "Bash", bash_arguments("npm test")}});
  return [body](const RecordedRequest&) { return json_response(200, body); };
}

std::string with_model(const std::string& model) {
  auto body = Json::parse(chat_request(false));
  body["model"] = model;
  return body.dump();
}

std::string url(const ScriptedUpstream& upstream, const std::string& base = "") {
  return "http://127.0.0.1:" + std::to_string(upstream.port()) + base;
}

// openai (key from a file) ← gpt-*, router (key from the environment) ← /openrouter stripped,
// local (no key of its own) is the default; `extra` adds top-level settings.
struct KeyedUpstreams {
  ScriptedUpstream openai{npm_call()}, router{npm_call()}, local{npm_call()};
  std::string config(const std::string& extra = "") const {
    return "policy: @DIR@/policy.yaml\nprofiles: @SRC@/config/agents.yaml\n"
           "upstreams:\n"
           "  openai: { url: \"" +
           url(openai) +
           "\", api_key_file: \"@DIR@/openai.key\" }\n"
           "  router: { url: \"" +
           url(router, "/api") +
           "\", api_key_env: TOOLWALL_TEST_ROUTER_KEY }\n"
           "  local: \"" +
           url(local) +
           "\"\n"
           "routes:\n"
           "  - { path_prefix: /openrouter, upstream: router, strip_prefix: true }\n"
           "  - { model: \"gpt-*\", upstream: openai }\n"
           "default_upstream: local\n" +
           extra;
  }
};

const std::string kClientKey = "sk-client-own-key-0000";

HttpResponse chat(uint16_t port, const std::string& target, const std::string& body) {
  return http_request(port, "POST", target, body,
                      {{"Authorization", "Bearer " + kClientKey},
                       {"x-api-key", kClientKey},
                       {"X-Toolwall-Agent", "claude-code"}});
}

}  // namespace

TEST_CASE("each upstream gets its own key, and never the client's token, where toolwall holds one") {
  ::setenv("TOOLWALL_TEST_ROUTER_KEY", "sk-router-from-env-7", 1);
  KeyedUpstreams upstreams;
  TeamFixture proxy(npm_call(), {{"policy.yaml", kPolicy},
                                 {"openai.key", "sk-openai-from-file-9\n"},
                                 {"toolwall.yaml", upstreams.config()}});
  CHECK(chat(proxy.port, "/v1/chat/completions", with_model("gpt-4o")).status == 200);
  CHECK(chat(proxy.port, "/openrouter/v1/chat/completions", with_model("gpt-4o")).status == 200);
  CHECK(chat(proxy.port, "/v1/chat/completions", with_model("qwen2.5")).status == 200);

  auto openai = upstreams.openai.requests();
  REQUIRE(openai.size() == 1);
  CHECK(openai[0].headers["authorization"] == "Bearer sk-openai-from-file-9");
  CHECK(openai[0].headers.count("x-api-key") == 0);
  auto router = upstreams.router.requests();
  REQUIRE(router.size() == 1);
  CHECK(router[0].target == "/api/v1/chat/completions");
  CHECK(router[0].headers["authorization"] == "Bearer sk-router-from-env-7");
  for (const auto& request : {openai[0], router[0]})
    CHECK(request.head.find(kClientKey) == std::string::npos);
  // No key held for local (and no global key): the client's own credentials go on, as without routes.
  auto local = upstreams.local.requests();
  REQUIRE(local.size() == 1);
  CHECK(local[0].headers["authorization"] == "Bearer " + kClientKey);
  CHECK(proxy.upstream.requests().empty());

  // Tool calls of every upstream are judged by the policy.
  CHECK(proxy.metrics->render(nullptr).find("toolwall_verdicts_total{action=\"block\"} 3\n") !=
        std::string::npos);
  auto scrape = http_request(proxy.port, "GET", "/metrics").body;
  CHECK(scrape.find("toolwall_upstream_requests_total{upstream=\"openai\"} 1\n") != std::string::npos);
  CHECK(scrape.find("toolwall_upstream_requests_total{upstream=\"router\"} 1\n") != std::string::npos);
  CHECK(scrape.find("toolwall_upstream_requests_total{upstream=\"local\"} 1\n") != std::string::npos);
  // Under a route prefix, /metrics is the upstream's path, not toolwall's endpoint.
  http_request(proxy.port, "GET", "/openrouter/metrics");
  REQUIRE(upstreams.router.requests().size() == 2);
  CHECK(upstreams.router.requests()[1].target == "/api/metrics");
}

TEST_CASE("a global upstream key covers named upstreams without their own; their own key wins") {
  ::setenv("TOOLWALL_TEST_ROUTER_KEY", "sk-router-from-env-7", 1);
  KeyedUpstreams upstreams;
  TeamFixture proxy(npm_call(),
                    {{"policy.yaml", kPolicy},
                     {"openai.key", "sk-openai-from-file-9\n"},
                     {"global.key", "sk-global-3\n"},
                     {"toolwall.yaml", upstreams.config("upstream_api_key_file: @DIR@/global.key\n")}});
  CHECK(chat(proxy.port, "/v1/chat/completions", with_model("llama3")).status == 200);
  CHECK(chat(proxy.port, "/v1/chat/completions", with_model("gpt-4.1")).status == 200);
  auto local = upstreams.local.requests();
  REQUIRE(local.size() == 1);
  CHECK(local[0].headers["authorization"] == "Bearer sk-global-3");
  CHECK(local[0].head.find(kClientKey) == std::string::npos);
  auto openai = upstreams.openai.requests();
  REQUIRE(openai.size() == 1);
  CHECK(openai[0].headers["authorization"] == "Bearer sk-openai-from-file-9");
}

TEST_CASE("a named upstream key that cannot be loaded stops the state from building") {
  ::unsetenv("TOOLWALL_TEST_ROUTER_KEY");
  KeyedUpstreams upstreams;
  std::string text = upstreams.config();
  for (auto [from, to] : {std::pair<std::string, std::string>{"@DIR@", "/nonexistent-toolwall-dir"},
                          {"@SRC@", TOOLWALL_SOURCE_DIR}})
    for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
  auto config = proxy::parse_config(text, "t.yaml");
  if (!config) FAIL(to_string(config.error()));
  REQUIRE(config.has_value());
  config->policy_path = std::string(TOOLWALL_SOURCE_DIR) + "/rules/default.yaml";
  auto state = proxy::build_team_state(*config);
  REQUIRE_FALSE(state.has_value());
  CHECK(state.error().find("upstreams.openai.api_key_file: cannot read") != std::string::npos);
  // A held named key on a public address without clients is refused like the global key.
  config->listen = {"0.0.0.0", 8788};
  state = proxy::build_team_state(*config);
  REQUIRE_FALSE(state.has_value());
  CHECK(state.error().find("without clients") != std::string::npos);
}
