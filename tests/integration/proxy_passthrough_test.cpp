#include <catch2/catch.hpp>

#include "chat_payloads.h"
#include "http_client.h"
#include "proxy/headers.h"
#include "proxy_fixture.h"
#include "support/refusing_port.h"
#include "wire/dialect.h"

using namespace toolwall;
using namespace toolwall::test;

TEST_CASE("healthz answers without touching the upstream") {
  ProxyFixture proxy([](const RecordedRequest&) { return Script{}; });
  auto res = http_request(proxy.port(), "GET", "/healthz");
  CHECK(res.status == 200);
  CHECK(res.body.find("\"status\":\"ok\"") != std::string::npos);
  CHECK(proxy.upstream.requests().empty());
}

TEST_CASE("other paths pass through with their status, headers, body and query") {
  ProxyFixture proxy([](const RecordedRequest& r) {
    if (r.target.rfind("/v1/models", 0) == 0)
      return json_response(200, R"({"object":"list","data":[{"id":"m1"}]})", "X-Upstream: yes\r\n");
    return json_response(404, R"({"error":{"message":"no such thing"}})");
  });
  auto models = http_request(proxy.port(), "GET", "/v1/models?x=1", {}, {{"Authorization", "Bearer sk-test-123"}});
  CHECK(models.status == 200);
  CHECK(models.body == R"({"object":"list","data":[{"id":"m1"}]})");
  CHECK(models.headers["x-upstream"] == "yes");
  CHECK(models.headers["content-type"] == "application/json");
  auto missing = http_request(proxy.port(), "POST", "/v1/embeddings", R"({"input":"x"})");
  CHECK(missing.status == 404);
  CHECK(missing.body == R"({"error":{"message":"no such thing"}})");
  auto seen = proxy.upstream.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].target == "/v1/models?x=1");
  CHECK(seen[0].headers["authorization"] == "Bearer sk-test-123");
  CHECK(seen[1].body == R"({"input":"x"})");
}

TEST_CASE("request bodies are forwarded byte for byte and hop-by-hop headers are dropped") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, completion_body("hi", {})); });
  std::string body = chat_request(false) + "   \n";
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions?beta=true", body,
                          {{"Connection", "keep-alive, X-Hop"},
                           {"X-Hop", "secret-to-this-hop"},
                           {"Keep-Alive", "timeout=5"},
                           {"TE", "trailers"},
                           {"Proxy-Authorization", "Basic abc"},
                           {"X-Toolwall-Agent", "claude-code"},
                           {"Authorization", "Bearer sk-abc"},
                           {"X-End-To-End", "kept"}});
  CHECK(res.status == 200);
  auto seen = proxy.upstream.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].body == body);
  CHECK(seen[0].target == "/v1/chat/completions?beta=true");
  CHECK(seen[0].headers.count("x-hop") == 0);
  CHECK(seen[0].headers.count("keep-alive") == 0);
  CHECK(seen[0].headers.count("te") == 0);
  CHECK(seen[0].headers.count("proxy-authorization") == 0);
  CHECK(seen[0].headers.count("x-toolwall-agent") == 0);
  CHECK(seen[0].headers["authorization"] == "Bearer sk-abc");
  CHECK(seen[0].headers["x-end-to-end"] == "kept");
  CHECK(seen[0].headers["host"] == "127.0.0.1:" + std::to_string(proxy.upstream.port()));
}

TEST_CASE("keep-alive holds on both sides: one client connection, one pooled upstream connection") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, R"({"ok":true})"); });
  HttpConnection client(proxy.port());
  for (int i = 0; i < 5; ++i) {
    auto res = client.request("GET", "/v1/models");
    REQUIRE(res.status == 200);
    CHECK(client.open());
  }
  CHECK(proxy.upstream.connections() == 1);
}

TEST_CASE("a pooled upstream connection the upstream closed is replaced transparently") {
  ProxyFixture proxy([](const RecordedRequest&) {
    auto script = json_response(200, R"({"ok":true})");
    script.push_back(hang_up());  // the upstream closes after each response, without saying so
    return script;
  });
  HttpConnection client(proxy.port());
  for (int i = 0; i < 3; ++i) {
    auto res = client.request("GET", "/v1/models");
    CHECK(res.status == 200);
  }
  CHECK(proxy.upstream.connections() == 3);
}

TEST_CASE("an unreachable upstream is a 502 with a JSON error") {
  testing::RefusingPort dead;
  ProxyFixture proxy([](const RecordedRequest&) { return Script{}; },
                     [port = dead.port()](proxy::ProxyConfig& c) { c.upstream.port = port; });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(res.status == 502);
  CHECK(nlohmann::json::parse(res.body)["error"]["code"] == "upstream_unreachable");
}

TEST_CASE("an upstream that never answers is a 504 after the response timeout") {
  ProxyFixture proxy([](const RecordedRequest&) { return Script{pause(2000)}; },
                     [](proxy::ProxyConfig& c) { c.timeouts.upstream_response = std::chrono::milliseconds(200); });
  auto start = std::chrono::steady_clock::now();
  auto res = http_request(proxy.port(), "GET", "/v1/models");
  CHECK(res.status == 504);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
}

TEST_CASE("a request body over the limit is refused with 413") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, "{}"); },
                     [](proxy::ProxyConfig& c) { c.limits.max_request_body = 1024; });
  auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", std::string(4096, 'x'));
  CHECK(res.status == 413);
  CHECK(proxy.upstream.requests().empty());
}

TEST_CASE("a malformed request is a 400") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, "{}"); });
  std::string reply = raw_exchange(proxy.port(), "GARBAGE\r\n\r\n", 1000);
  CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
}

TEST_CASE("a chunked upstream body without a length passes through chunked") {
  ProxyFixture proxy([](const RecordedRequest&) {
    return Script{send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"),
                  send(chunk_frame("hello ")), pause(20), send(chunk_frame("world")), send("0\r\n\r\n")};
  });
  auto res = http_request(proxy.port(), "GET", "/v1/files/x/content");
  CHECK(res.status == 200);
  CHECK(res.body == "hello world");
  CHECK(res.headers["transfer-encoding"] == "chunked");
}

TEST_CASE("a graceful shutdown lets an in-flight stream finish and then stops accepting") {
  ProxyFixture proxy([](const RecordedRequest&) {
    return sse_response(sse_content("one") + sse_content("two") + sse_content("three") + sse_done(), 60, 150);
  });
  HttpResponse streamed;
  std::thread client([&] { streamed = http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(true)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  proxy.shutdown();
  client.join();
  CHECK(streamed.complete);
  CHECK(streamed.body.find("[DONE]") != std::string::npos);
  auto after = http_request(proxy.port(), "GET", "/healthz");
  CHECK(after.status == 0);
}

TEST_CASE("APIs whose tool calls this build cannot inspect are refused, not passed unchecked") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, "{}"); });
  for (const char* path : {"/v1/responses", "/v1/messages?beta=true", "/api/chat"}) {
    if (wire::dialect_for("POST", proxy::path_of(path)) != nullptr) continue;  // inspected by now
    auto res = http_request(proxy.port(), "POST", path, R"({"model":"m"})");
    CHECK(res.status == 501);
    CHECK(nlohmann::json::parse(res.body)["error"]["code"] == "dialect_not_inspected");
  }
  CHECK(proxy.upstream.requests().empty());
  ProxyFixture open_proxy([](const RecordedRequest&) { return json_response(200, "{}"); },
                          [](proxy::ProxyConfig& c) { c.pass_uninspected = true; });
  CHECK(http_request(open_proxy.port(), "POST", "/api/chat", "{}").status == 200);
}

TEST_CASE("a WebSocket handshake is refused with 426 rather than forwarded without its upgrade") {
  // Codex opens its Responses WebSocket transport first; toolwall cannot inspect WebSocket frames, and
  // a handshake stripped of Upgrade reaches the upstream as a plain GET whose 404 makes Codex retry
  // five times. 426 Upgrade Required makes it fall back to HTTP at once.
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, R"({"id":"resp_1"})"); });
  auto refused = http_request(proxy.port(), "GET", "/v1/responses", {},
                              {{"Connection", "Upgrade"},
                               {"Upgrade", "websocket"},
                               {"Sec-WebSocket-Version", "13"},
                               {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  CHECK(refused.status == 426);
  CHECK(nlohmann::json::parse(refused.body)["error"]["code"] == "websocket_not_inspected");
  CHECK(proxy.upstream.requests().empty());
  auto plain = http_request(proxy.port(), "GET", "/v1/responses/resp_1");
  CHECK(plain.status == 200);
  REQUIRE(proxy.upstream.requests().size() == 1);
}

TEST_CASE("a path an upstream could normalise into an inspected API is refused, not forwarded uninspected") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, "{}"); });
  for (const char* path : {"/v1/./chat/completions", "/v1/x/../chat/completions", "/v1//chat/completions",
                           "/v1/chat/%63ompletions", "/v1%2Fchat/completions", "/v1/chat/completions/%2e"}) {
    INFO(path);
    auto res = http_request(proxy.port(), "POST", path, R"({"model":"m"})");
    CHECK(res.status == 400);
    CHECK(res.body.find("plain form") != std::string::npos);
  }
  CHECK(proxy.upstream.requests().empty());
  // Encoded characters that are not letters, digits or slashes (a space in a file name) still pass.
  CHECK(http_request(proxy.port(), "GET", "/v1/files/a%20b").status == 200);
  CHECK(http_request(proxy.port(), "GET", "/v1/models/qwen2.5").status == 200);
  CHECK(proxy.upstream.requests().size() == 2);
}

TEST_CASE("a tool API path spelled with other letter case or a trailing slash is refused, not forwarded uninspected") {
  ProxyFixture proxy([](const RecordedRequest&) { return json_response(200, completion_body("hi", {})); });
  for (const char* path : {"/v1/chat/completions/", "/V1/Chat/Completions", "/v1/CHAT/completions/",
                           "/Chat/Completions", "/v1/chat/completions/?stream=1", "/V1/RESPONSES", "/api/Chat/"}) {
    INFO(path);
    auto res = http_request(proxy.port(), "POST", path, chat_request(false));
    CHECK(res.status == 400);
    CHECK(res.body.find("letter case or trailing slash") != std::string::npos);
  }
  CHECK(proxy.upstream.requests().empty());
  // The exact spellings, other methods and other APIs are served as before.
  CHECK(http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(false)).status == 200);
  CHECK(http_request(proxy.port(), "GET", "/V1/Models/").status == 200);
  CHECK(http_request(proxy.port(), "POST", "/v1/Embeddings/", R"({"input":"x"})").status == 200);
  CHECK(proxy.upstream.requests().size() == 3);
}
