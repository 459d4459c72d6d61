#include "proxy/routes.h"

#include <catch2/catch.hpp>

#include "proxy/config.h"

using namespace toolwall::proxy;

namespace {

const char* kRoutedConfig = R"(
upstreams:
  openai:  { url: https://api.openai.com, api_key_env: OPENAI_API_KEY }
  local:   { url: "http://127.0.0.1:11434" }
  router:  { url: https://openrouter.ai/api, api_key_file: /run/secrets/or-key }
  plain: http://10.0.0.5:8000/v1/
routes:
  - { path_prefix: /openrouter/, upstream: router, strip_prefix: true }
  - { path_prefix: /keep, upstream: plain }
  - { model: "gpt-*", upstream: openai }
  - { model: "qwen*", upstream: local }
default_upstream: local
)";

// The error text for a config that must not load.
std::string errors_of(const std::string& text) {
  auto config = parse_config(text, "routes.yaml");
  if (config) FAIL("the config loaded but must not:\n" << text);
  return toolwall::to_string(config.error());
}

bool says(const std::string& errors, const std::string& located) {
  if (errors.find(located) != std::string::npos) return true;
  UNSCOPED_INFO("expected '" << located << "' in:\n" << errors);
  return false;
}

ProxyConfig routed() {
  auto config = parse_config(kRoutedConfig, "routes.yaml");
  if (!config) FAIL(toolwall::to_string(config.error()));
  return *config;
}

}  // namespace

TEST_CASE("named upstreams, routes and the default upstream are read in order") {
  ProxyConfig config = routed();
  const RoutingConfig& routing = config.routing;
  REQUIRE(routing.configured());
  REQUIRE(routing.upstreams.size() == 4);
  CHECK(routing.upstreams[0].name == "openai");
  CHECK(routing.upstreams[0].url.tls);
  CHECK(routing.upstreams[0].url.host == "api.openai.com");
  CHECK(routing.upstreams[0].api_key_env == "OPENAI_API_KEY");
  CHECK(routing.upstreams[1].url.port == 11434);
  CHECK_FALSE(routing.upstreams[1].holds_key());
  CHECK(routing.upstreams[2].url.base_path == "/api");
  CHECK(routing.upstreams[2].api_key_file == "/run/secrets/or-key");
  CHECK(routing.upstreams[3].url.base_path == "/v1");  // the URL shorthand
  REQUIRE(routing.routes.size() == 4);
  CHECK(routing.routes[0].path_prefix == "/openrouter");  // the trailing slash is dropped
  CHECK(routing.routes[0].strip_prefix);
  CHECK_FALSE(routing.routes[1].strip_prefix);
  CHECK(routing.routes[2].model == "gpt-*");
  CHECK(routing.routes[2].upstream == "openai");
  CHECK(routing.default_upstream == "local");
  CHECK(validate(config).empty());
}

TEST_CASE("without upstreams the single upstream setting works as before") {
  auto config = parse_config("upstream: http://127.0.0.1:9999/base\n", "t.yaml");
  REQUIRE(config.has_value());
  CHECK_FALSE(config->routing.configured());
  Router router(*config);
  REQUIRE(router.targets().size() == 1);
  CHECK(router.targets()[0].name == "upstream");
  CHECK(router.targets()[0].url.port == 9999);
  auto choice = router.choose("/v1/chat/completions", R"({"model":"gpt-4o"})");
  CHECK(choice.target == 0);
  CHECK(choice.api_path == "/v1/chat/completions");
  CHECK(choice.strip == 0);
  CHECK_FALSE(choice.by_prefix);
}

TEST_CASE("the router picks the first matching route by path prefix or model glob, else the default") {
  Router router(routed());
  auto name = [&](std::string_view path, std::string_view body) {
    return router.targets()[router.choose(path, body).target].name;
  };
  CHECK(name("/v1/chat/completions", R"({"model":"gpt-4o","messages":[]})") == "openai");
  CHECK(name("/v1/chat/completions", R"({"messages":[{"model":"gpt-4o"}],"model":"qwen2.5-coder"})") ==
        "local");
  CHECK(name("/v1/chat/completions", R"({"model":"claude-sonnet"})") == "local");  // no route: the default
  CHECK(name("/v1/chat/completions", R"({"messages":[{"model":"gpt-4o"}]})") ==
        "local");  // only the top level counts
  CHECK(name("/v1/chat/completions", "not json {\"model\":\"gpt-4o\"}") == "local");
  CHECK(name("/v1/chat/completions", "") == "local");
  CHECK(name("/v1/chat/completions", R"({"model":7})") == "local");
  // A path route wins over a later model route.
  CHECK(name("/openrouter/v1/chat/completions", R"({"model":"gpt-4o"})") == "router");
  // Prefixes match whole segments only.
  CHECK(name("/openrouterx/v1/chat/completions", R"({"model":"x"})") == "local");
  CHECK(name("/keep", "") == "plain");

  auto stripped = router.choose("/openrouter/v1/chat/completions", "{}");
  CHECK(stripped.by_prefix);
  CHECK(stripped.api_path == "/v1/chat/completions");
  CHECK(stripped.strip == std::string("/openrouter").size());
  auto kept = router.choose("/keep/v1/chat/completions", "{}");
  CHECK(kept.by_prefix);
  CHECK(kept.api_path == "/v1/chat/completions");
  CHECK(kept.strip == 0);
}

TEST_CASE("a stripped target keeps its query and never loses its leading slash") {
  CHECK(stripped_target("/openrouter/v1/models?x=1", 11) == "/v1/models?x=1");
  CHECK(stripped_target("/openrouter", 11) == "/");
  CHECK(stripped_target("/openrouter?x=1", 11) == "/?x=1");
  CHECK(under_prefix("/openrouter", "/openrouter"));
  CHECK(under_prefix("/openrouter/v1", "/openrouter"));
  CHECK_FALSE(under_prefix("/openrouterx", "/openrouter"));
  CHECK_FALSE(under_prefix("/open", "/openrouter"));
}

TEST_CASE("dot segments are found plain and percent-encoded, and only whole segments count") {
  CHECK(has_dot_segment("/openrouter/../v1/chat/completions"));
  CHECK(has_dot_segment("/openrouter/./v1"));
  CHECK(has_dot_segment("/openrouter/%2e%2E/v1"));
  CHECK(has_dot_segment("/openrouter/.%2e"));
  CHECK(has_dot_segment("/openrouter/v1/.."));
  CHECK_FALSE(has_dot_segment("/openrouter/v1/chat/completions"));
  CHECK_FALSE(has_dot_segment("/openrouter/v1/models/qwen2.5"));
  CHECK_FALSE(has_dot_segment("/openrouter/.well-known/x"));
  CHECK_FALSE(has_dot_segment("/openrouter/.../x"));
  CHECK_FALSE(has_dot_segment("/openrouter/%2ex/x"));
}

TEST_CASE("without a named default, unmatched requests go to the top-level upstream") {
  auto config =
      parse_config("upstream: http://127.0.0.1:7000\nupstreams:\n  a: http://127.0.0.1:7001\n", "t.yaml");
  REQUIRE(config.has_value());
  Router router(*config);
  REQUIRE(router.targets().size() == 2);
  auto choice = router.choose("/v1/chat/completions", R"({"model":"a"})");
  CHECK(router.targets()[choice.target].name == "upstream");
  CHECK(router.targets()[choice.target].url.port == 7000);
}

TEST_CASE("routing errors name the file, line and column") {
  SECTION("a route naming an unknown upstream") {
    auto errors =
        errors_of("upstreams:\n  a: http://x\nroutes:\n  - { model: m, upstream: b }\ndefault_upstream: a\n");
    CHECK(says(errors,
               "routes.yaml:4:27: the route names the upstream 'b', which 'upstreams' does not define"));
  }
  SECTION("a route with both path_prefix and model, and one with neither") {
    auto errors = errors_of(
        "upstreams:\n  a: http://x\nroutes:\n  - { model: m, path_prefix: /p, upstream: a }\n  - { upstream: "
        "a }\n"
        "default_upstream: a\n");
    CHECK(says(errors, "routes.yaml:4:5: a route needs exactly one of path_prefix and model"));
    CHECK(says(errors, "routes.yaml:5:5: a route needs exactly one of path_prefix and model"));
  }
  SECTION("a route without an upstream, strip_prefix on a model route, a bad prefix") {
    auto errors = errors_of(
        "upstreams:\n  a: http://x\nroutes:\n  - { model: m }\n  - { model: m, upstream: a, strip_prefix: "
        "true }\n"
        "  - { path_prefix: v1, upstream: a }\n  - { path_prefix: /, upstream: a }\ndefault_upstream: a\n");
    CHECK(says(errors, "routes.yaml:4:5: a route needs an upstream"));
    CHECK(says(errors, "routes.yaml:5:30: 'strip_prefix' belongs to path_prefix routes"));
    CHECK(says(errors, "routes.yaml:6:20: 'routes.path_prefix' must be a path"));
    CHECK(says(errors, "routes.yaml:7:20: 'routes.path_prefix' must be a path"));
  }
  SECTION("a name defined twice") {
    auto errors = errors_of("upstreams:\n  a: http://x\n  a: http://y\n");
    CHECK(says(errors, "routes.yaml:3:3: the upstream 'a' is defined twice"));
  }
  SECTION("a bad URL, a missing url, both key sources, an unknown setting, a bad name") {
    auto errors = errors_of(
        "upstreams:\n  a: ftp://x\n  b: { api_key_env: K }\n  c: { url: http://c, api_key_env: K, "
        "api_key_file: f }\n"
        "  d: { url: http://d, key: k }\n  \"e f\": http://e\n");
    CHECK(says(errors, "routes.yaml:2:6: upstream 'ftp://x' must start with http:// or https://"));
    CHECK(says(errors, "routes.yaml:3:6: upstream 'b' needs a url"));
    CHECK(says(errors, "routes.yaml:4:6: upstream 'c': set api_key_env or api_key_file, not both"));
    CHECK(says(errors, "routes.yaml:5:23: unknown setting 'upstreams.d.key'"));
    CHECK(says(errors, "routes.yaml:6:3: an upstream name must be"));
  }
  SECTION("routes without a default_upstream, and an unknown default") {
    auto errors = errors_of("upstreams:\n  a: http://x\nroutes:\n  - { model: m, upstream: a }\n");
    CHECK(says(errors, "routes.yaml:4:3: routes need a 'default_upstream'"));
    errors = errors_of("upstreams:\n  a: http://x\ndefault_upstream: nowhere\n");
    CHECK(says(errors,
               "routes.yaml:3:19: 'default_upstream' names 'nowhere', which 'upstreams' does not define"));
  }
  SECTION("routes or a default without upstreams") {
    auto errors = errors_of("routes:\n  - { model: m, upstream: a }\ndefault_upstream: a\n");
    CHECK(says(errors, "routes.yaml:2:3: 'routes' need named upstreams"));
    CHECK(says(errors, "routes.yaml:3:19: 'default_upstream' needs named upstreams"));
  }
}

TEST_CASE("an https named upstream needs verification like the single upstream") {
  auto config = parse_config("upstreams:\n  a: https://x\ndefault_upstream: a\n", "t.yaml");
  REQUIRE(config.has_value());
  config->tls_verify = false;
  CHECK_FALSE(validate(*config).empty());
  config->tls_verify_explicitly_off = true;
  CHECK(validate(*config).empty());
}

TEST_CASE("the routing description changes with any upstream or route, for the reload check") {
  ProxyConfig config = routed();
  std::string before = describe_routing(config);
  CHECK(before.find("model gpt-* -> openai") != std::string::npos);
  ProxyConfig changed = config;
  changed.routing.routes[2].model = "gpt-4*";
  CHECK(describe_routing(changed) != before);
  changed = config;
  changed.routing.upstreams[1].url.port = 11435;
  CHECK(describe_routing(changed) != before);
  changed = config;
  changed.routing.upstreams[0].api_key_env = "OTHER";
  CHECK(describe_routing(changed) != before);
  CHECK(describe_routing(config) == before);
}

TEST_CASE("ambiguous paths are dot or empty segments and percent-encoded letters, digits and slashes") {
  CHECK(ambiguous_path("/v1/./chat/completions"));
  CHECK(ambiguous_path("/v1//chat/completions"));
  CHECK(ambiguous_path("/v1/chat/%63ompletions"));
  CHECK(ambiguous_path("/v1/chat/completion%73"));
  CHECK(ambiguous_path("/v1%2fchat/completions"));
  CHECK(ambiguous_path("/v1%5Cchat/completions"));
  CHECK_FALSE(ambiguous_path("/v1/chat/completions"));
  CHECK_FALSE(ambiguous_path("/v1/files/a%20b"));
  CHECK_FALSE(ambiguous_path("/v1/models/qwen2.5"));
  CHECK_FALSE(ambiguous_path("/"));
  CHECK_FALSE(ambiguous_path("/v1/x%2"));
}
