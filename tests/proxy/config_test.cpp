#include <catch2/catch.hpp>

#include "proxy/config.h"
#include "proxy/headers.h"

using namespace toolwall::proxy;

TEST_CASE("an empty config gives the documented defaults") {
  auto config = parse_config("", "t.yaml");
  REQUIRE(config.has_value());
  CHECK(config->listen.host == "127.0.0.1");
  CHECK(config->listen.port == 8788);
  CHECK(config->upstream.host == "127.0.0.1");
  CHECK(config->upstream.port == 11434);
  CHECK_FALSE(config->upstream.tls);
  CHECK(config->tls_verify);
}

TEST_CASE("every section of the config is read") {
  auto config = parse_config(R"(
listen: "0.0.0.0:9000"
upstream: https://api.example.com/openai/
threads: 3
pool: { max_idle: 5 }
timeouts: { client_idle: 5s, stream_idle: 250ms, upstream_response: 2m, shutdown_grace: 3 }
limits: { max_request_body: 2MiB, max_sse_event: 64KiB, max_tool_arguments: 1000, max_json_depth: 32 }
audit: { path: /tmp/audit.jsonl, log_all: true }
)", "t.yaml");
  if (!config) FAIL(toolwall::to_string(config.error()));
  CHECK(config->listen.port == 9000);
  CHECK(config->upstream.tls);
  CHECK(config->upstream.port == 443);
  CHECK(config->upstream.base_path == "/openai");
  CHECK(config->upstream.host_header() == "api.example.com");
  CHECK(config->threads == 3);
  CHECK(config->max_idle_upstream == 5);
  CHECK(config->timeouts.client_idle.count() == 5000);
  CHECK(config->timeouts.stream_idle.count() == 250);
  CHECK(config->timeouts.upstream_response.count() == 120000);
  CHECK(config->timeouts.shutdown_grace.count() == 3000);
  CHECK(config->limits.max_request_body == 2u << 20);
  CHECK(config->wire.max_sse_event_bytes == 64u << 10);
  CHECK(config->wire.max_tool_argument_bytes == 1000);
  CHECK(config->wire.max_json_depth == 32);
  CHECK(config->audit_path == "/tmp/audit.jsonl");
  CHECK(config->audit_log_all);
  CHECK(validate(*config).empty());
}

TEST_CASE("config errors name the file, line and column and all are reported") {
  auto config = parse_config("listen: nowhere\ntimeouts:\n  stream_idle: soon\nbogus: 1\n", "conf.yaml");
  REQUIRE_FALSE(config.has_value());
  auto text = toolwall::to_string(config.error());
  CHECK(text.find("conf.yaml:1:9: listen address 'nowhere'") != std::string::npos);
  CHECK(text.find("conf.yaml:3:16: 'timeouts.stream_idle' must be a positive duration") != std::string::npos);
  CHECK(text.find("conf.yaml:4:1: unknown setting 'bogus'") != std::string::npos);
}

TEST_CASE("a YAML syntax error is located") {
  auto config = parse_config("listen: [1,\n", "bad.yaml");
  REQUIRE_FALSE(config.has_value());
  CHECK(config.error().at(0).file == "bad.yaml");
  CHECK(config.error().at(0).line >= 1);
}

TEST_CASE("TLS verification is on for https unless the file turns it off explicitly") {
  auto on = parse_config("upstream: https://api.example.com\n", "t.yaml");
  REQUIRE(on.has_value());
  CHECK(on->tls_verify);
  auto off = parse_config("upstream: https://api.example.com\ntls_verify: false\n", "t.yaml");
  REQUIRE(off.has_value());
  CHECK_FALSE(off->tls_verify);
  CHECK(validate(*off).empty());
  ProxyConfig sneaky = *on;
  sneaky.tls_verify = false;  // turned off by anything but the file's explicit setting
  CHECK_FALSE(validate(sneaky).empty());
}

TEST_CASE("upstream URLs are parsed with ports, IPv6 and base paths, and bad ones refused") {
  auto url = parse_upstream("http://[::1]:8080/v0/");
  REQUIRE(url.has_value());
  CHECK(url->host == "::1");
  CHECK(url->port == 8080);
  CHECK(url->base_path == "/v0");
  CHECK(url->host_header() == "[::1]:8080");
  CHECK_FALSE(parse_upstream("ftp://x").has_value());
  CHECK_FALSE(parse_upstream("http://user:pw@x").has_value());
  CHECK_FALSE(parse_upstream("http://x:99999").has_value());
  CHECK_FALSE(parse_upstream("http://").has_value());
  CHECK(parse_endpoint("127.0.0.1:0").has_value());
  CHECK(parse_endpoint("[::1]:80")->host == "::1");
  CHECK_FALSE(parse_endpoint("127.0.0.1").has_value());
}

TEST_CASE("hop-by-hop headers and those named by Connection are not forwarded") {
  auto named = connection_options("close, X-Trace ,keep-alive");
  REQUIRE(named.size() == 3);
  CHECK(named[1] == "x-trace");
  for (const char* header : {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                             "Proxy-Authorization", "Proxy-Connection", "X-Trace"})
    CHECK(is_hop_by_hop(header, named));
  for (const char* header : {"Authorization", "Content-Type", "X-Request-Id", "Accept"})
    CHECK_FALSE(is_hop_by_hop(header, named));
}

TEST_CASE("an Upgrade header asking for a WebSocket is recognised in any case and list position") {
  for (const char* upgrade : {"websocket", "WebSocket", "h2c, websocket", " WEBSOCKET/13 "})
    CHECK(asks_websocket(upgrade));
  for (const char* upgrade : {"", "h2c", "websockets", "TLS/1.2, HTTP/1.1", "not-websocket"})
    CHECK_FALSE(asks_websocket(upgrade));
}

TEST_CASE("routing uses the path without its query string") {
  CHECK(path_of("/v1/chat/completions?beta=true") == "/v1/chat/completions");
  CHECK(path_of("/v1/models#x") == "/v1/models");
  CHECK(path_of("/healthz") == "/healthz");
}

TEST_CASE("the shipped config file loads") {
  auto config = load_config(std::string(TOOLWALL_SOURCE_DIR) + "/config/toolwall.yaml");
  REQUIRE(config.has_value());
  CHECK(config->listen.port == 8788);
  CHECK(config->upstream.port == 11434);
}

TEST_CASE("limits.max_connections is read, defaults to 4096 and must be at least 1") {
  auto defaults = parse_config("", "t.yaml");
  REQUIRE(defaults.has_value());
  CHECK(defaults->limits.max_connections == 4096);
  auto set = parse_config("limits: { max_connections: 8 }\n", "t.yaml");
  REQUIRE(set.has_value());
  CHECK(set->limits.max_connections == 8);
  auto zero = parse_config("limits: { max_connections: 0 }\n", "t.yaml");
  REQUIRE_FALSE(zero.has_value());
  CHECK(toolwall::to_string(zero.error()).find("'limits.max_connections' must be at least 1") != std::string::npos);
  CHECK_FALSE(parse_config("limits: { max_connections: lots }\n", "t.yaml").has_value());
}

TEST_CASE("limits.inline_judge and limits.verdict_cache are read, with their defaults and 0 to turn them off") {
  auto defaults = parse_config("", "t.yaml");
  REQUIRE(defaults.has_value());
  CHECK(defaults->limits.inline_judge_bytes == 1024);
  CHECK(defaults->limits.verdict_cache_entries == 4096);
  auto set = parse_config("limits: { inline_judge: 4KiB, verdict_cache: 100 }\n", "t.yaml");
  REQUIRE(set.has_value());
  CHECK(set->limits.inline_judge_bytes == 4096);
  CHECK(set->limits.verdict_cache_entries == 100);
  auto off = parse_config("limits: { inline_judge: 0, verdict_cache: 0 }\n", "t.yaml");
  REQUIRE(off.has_value());
  CHECK(off->limits.inline_judge_bytes == 0);
  CHECK(off->limits.verdict_cache_entries == 0);
  auto bad = parse_config("limits:\n  verdict_cache: many\n", "t.yaml");
  REQUIRE_FALSE(bad.has_value());
  CHECK(toolwall::to_string(bad.error()).find("t.yaml:2:") != std::string::npos);
}
