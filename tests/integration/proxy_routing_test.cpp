// Several upstreams behind one proxy: model and path-prefix routes over real loopback HTTP, each
// upstream a scripted one, every tool call still judged by the real engine.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "chat_payloads.h"
#include "http_client.h"
#include "proxy_fixture.h"
#include "wire/dialect.h"

using namespace toolwall;
using namespace toolwall::test;
using Json = nlohmann::json;

namespace {

std::string with_model(const std::string& model) {
  auto body = Json::parse(chat_request(false));
  body["model"] = model;
  return body.dump(2) + "\n  ";  // odd whitespace: it must arrive as sent
}

ScriptedUpstream::Handler answer_with(std::string body) {
  return [body](const RecordedRequest&) { return json_response(200, body); };
}

proxy::NamedUpstream named(std::string name, uint16_t port, std::string base = "") {
  proxy::NamedUpstream upstream;
  upstream.name = std::move(name);
  upstream.url = {false, "127.0.0.1", port, std::move(base)};
  return upstream;
}

// openai ← gpt-*, local ← qwen*, router ← /openrouter (stripped, under its /api base), keep ← /keep
// (prefix kept); the fixture's own upstream is the named default "fallback".
struct RoutedProxy {
  ScriptedUpstream openai, local, router, keep;
  ProxyFixture proxy;
  RoutedProxy(ScriptedUpstream::Handler a, ScriptedUpstream::Handler b, ScriptedUpstream::Handler c,
              ScriptedUpstream::Handler d, ScriptedUpstream::Handler fallback)
      : openai(std::move(a)),
        local(std::move(b)),
        router(std::move(c)),
        keep(std::move(d)),
        proxy(std::move(fallback), [this](proxy::ProxyConfig& config) {
          auto& routing = config.routing;
          routing.upstreams = {named("openai", openai.port()), named("local", local.port()),
                               named("router", router.port(), "/api"), named("keep", keep.port()),
                               named("fallback", config.upstream.port)};
          routing.routes = {{"/openrouter", "", "router", true},
                            {"/keep", "", "keep", false},
                            {"", "gpt-*", "openai", false},
                            {"", "qwen*", "local", false}};
          routing.default_upstream = "fallback";
        }) {}
};

// The call was blocked: explained in the text, and no tool call carries the command on.
bool blocked(const HttpResponse& res) {
  UNSCOPED_INFO("status " << res.status << " body " << res.body);
  return res.status == 200 && res.body.find("[toolwall] Blocked") != std::string::npos &&
         res.body.find("\"arguments\"") == std::string::npos;
}

}  // namespace

TEST_CASE("requests reach the upstream their model or path route names, bodies byte for byte") {
  std::string plain = completion_body("hello", {});
  RoutedProxy routed(answer_with(plain), answer_with(plain), answer_with(plain), answer_with(plain),
                     answer_with(plain));
  uint16_t port = routed.proxy.port();
  std::string gpt = with_model("gpt-4o"), qwen = with_model("qwen2.5-coder:7b"),
              other = with_model("claude-3-haiku");
  HttpConnection connection(port);  // one client connection, requests to several upstreams
  CHECK(connection.request("POST", "/v1/chat/completions", gpt).status == 200);
  CHECK(connection.request("POST", "/v1/chat/completions", qwen).status == 200);
  CHECK(connection.request("POST", "/v1/chat/completions", other).status == 200);
  CHECK(connection.request("POST", "/v1/chat/completions", "{\"messages\":[]}").status == 200);  // no model
  CHECK(connection.request("POST", "/v1/chat/completions", gpt).status == 200);
  CHECK(connection.request("POST", "/openrouter/v1/chat/completions?trace=1", gpt).status == 200);
  CHECK(connection.request("POST", "/keep/v1/chat/completions", qwen).status == 200);
  CHECK(connection.request("GET", "/openrouterx/v1/models").status == 200);  // not under the prefix

  auto openai = routed.openai.requests();
  REQUIRE(openai.size() == 2);
  CHECK(openai[0].body == gpt);
  CHECK(openai[0].target == "/v1/chat/completions");
  CHECK(openai[1].connection == openai[0].connection);  // its own pool kept the connection
  CHECK(openai[0].headers["host"] == "127.0.0.1:" + std::to_string(routed.openai.port()));

  auto local = routed.local.requests();
  REQUIRE(local.size() == 1);
  CHECK(local[0].body == qwen);
  CHECK(local[0].headers["host"] == "127.0.0.1:" + std::to_string(routed.local.port()));

  auto router = routed.router.requests();
  REQUIRE(router.size() == 1);  // the path route wins over the model route that also matches
  CHECK(router[0].target == "/api/v1/chat/completions?trace=1");
  CHECK(router[0].body == gpt);

  auto keep = routed.keep.requests();
  REQUIRE(keep.size() == 1);
  CHECK(keep[0].target == "/keep/v1/chat/completions");

  auto fallback = routed.proxy.upstream.requests();
  REQUIRE(fallback.size() == 3);
  CHECK(fallback[0].body == other);
  CHECK(fallback[1].body == "{\"messages\":[]}");
  CHECK(fallback[2].target == "/openrouterx/v1/models");
}

TEST_CASE("a dangerous tool call from any routed upstream is still judged and kept from the client") {
  std::string dangerous = completion_body("sure", {{"call_x", "Bash", bash_arguments(kBlockCommand)}});
  std::string streamed = sse_role() + sse_call(0, "call_s", "Bash", bash_arguments(kBlockCommand)) +
                         sse_finish("tool_calls") + sse_done();
  auto stream_answer = [streamed](const RecordedRequest&) { return sse_response(streamed, 7); };
  RoutedProxy routed(
      answer_with(dangerous), stream_answer, answer_with(dangerous), answer_with(dangerous),
      answer_with(completion_body("fine", {{"call_ok", "Bash", bash_arguments(kAllowCommand)}})));
  uint16_t port = routed.proxy.port();
  std::vector<Header> agent{{"X-Toolwall-Agent", "claude-code"}};

  auto by_model = http_request(port, "POST", "/v1/chat/completions", with_model("gpt-4o-mini"), agent);
  CHECK(blocked(by_model));
  auto body = Json::parse(with_model("qwen3"));
  body["stream"] = true;
  auto by_stream = http_request(port, "POST", "/v1/chat/completions", body.dump(), agent);
  CHECK(blocked(by_stream));
  // Under a stripped prefix the API is the rest of the path: still a chat completion, still judged.
  auto by_prefix =
      http_request(port, "POST", "/openrouter/v1/chat/completions", with_model("anything"), agent);
  CHECK(blocked(by_prefix));
  // A prefix kept upstream hides nothing either.
  auto by_kept_prefix =
      http_request(port, "POST", "/keep/v1/chat/completions", with_model("anything"), agent);
  CHECK(blocked(by_kept_prefix));
  // The default upstream's harmless call passes.
  auto harmless = http_request(port, "POST", "/v1/chat/completions", with_model("mistral"), agent);
  CHECK(harmless.body.find("npm test") != std::string::npos);

  auto lines = routed.proxy.audit_lines();  // blocked calls are logged, each with its upstream
  REQUIRE(lines.size() == 4);
  std::multiset<std::string> upstreams;
  for (const auto& line : lines) {
    CHECK(line["action"] == "block");
    upstreams.insert(line.value("upstream", ""));
  }
  CHECK(upstreams == std::multiset<std::string>{"openai", "local", "router", "keep"});
  CHECK(routed.proxy.server().counters().calls_allowed == 1);
}

TEST_CASE("an API this build cannot inspect is refused under a route prefix too") {
  RoutedProxy routed(answer_with("{}"), answer_with("{}"), answer_with("{}"), answer_with("{}"),
                     answer_with("{}"));
  for (const char* path : {"/api/chat", "/v1/messages"}) {
    if (wire::dialect_for("POST", path) != nullptr) continue;  // inspected by now
    auto res =
        http_request(routed.proxy.port(), "POST", std::string("/openrouter") + path, R"({"model":"gpt-4o"})");
    CHECK(res.status == 501);
    // A kept prefix: neither the full path nor the rest may pass uninspected.
    CHECK(http_request(routed.proxy.port(), "POST", std::string("/keep") + path, R"({"model":"m"})").status ==
          501);
  }
  CHECK(routed.router.requests().empty());
  CHECK(routed.keep.requests().empty());
}

TEST_CASE("a path under a route prefix with dot segments is refused, not forwarded uninspected") {
  RoutedProxy routed(answer_with("{}"), answer_with("{}"), answer_with("{}"), answer_with("{}"),
                     answer_with("{}"));
  for (const char* path : {"/openrouter/x/../v1/chat/completions", "/openrouter/%2e%2e/v1/chat/completions",
                           "/keep/./v1/chat/completions"}) {
    auto res = raw_exchange(routed.proxy.port(),
                            std::string("POST ") + path +
                                " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    CHECK(res.rfind("HTTP/1.1 400", 0) == 0);
  }
  CHECK(routed.router.requests().empty());
  CHECK(routed.keep.requests().empty());
}

TEST_CASE("an unreachable routed upstream fails alone; the others keep serving") {
  std::string plain = completion_body("hello", {});
  ScriptedUpstream live(answer_with(plain));
  uint16_t dead_port = 0;
  {
    ScriptedUpstream gone([](const RecordedRequest&) { return Script{}; });
    dead_port = gone.port();
  }
  ProxyFixture proxy(answer_with(plain), [&](proxy::ProxyConfig& config) {
    config.routing.upstreams = {named("dead", dead_port), named("live", live.port())};
    config.routing.routes = {{"", "dead-*", "dead", false}};
    config.routing.default_upstream = "live";
  });
  CHECK(http_request(proxy.port(), "POST", "/v1/chat/completions", with_model("dead-1")).status == 502);
  CHECK(http_request(proxy.port(), "POST", "/v1/chat/completions", with_model("alive")).status == 200);
  CHECK(live.requests().size() == 1);
  CHECK(proxy.upstream.requests().empty());
}
