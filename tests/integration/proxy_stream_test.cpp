#include <catch2/catch.hpp>

#include "chat_payloads.h"
#include "http_client.h"
#include "proxy_fixture.h"
#include "wire/client_view.h"

using namespace toolwall;
using namespace toolwall::test;
using Json = nlohmann::json;

namespace {

ScriptedUpstream::Handler stream_with(std::string events, size_t piece = 0, int delay_ms = 0, bool finish = true) {
  return [=](const RecordedRequest&) { return sse_response(events, piece, delay_ms, finish); };
}

HttpResponse post_stream(const ProxyFixture& proxy, std::vector<Header> headers = {}) {
  return http_request(proxy.port(), "POST", "/v1/chat/completions", chat_request(true), headers);
}

}  // namespace

TEST_CASE("seed scenario, streaming: at every chunk split the curl never reaches the client, the text does") {
  std::string events = sse_role() + sse_content("I'll run the tests") + sse_content(" and report back.") +
                       sse_call(0, "call_seed", "Bash", bash_arguments(kSeedCommand), 9) + sse_finish("tool_calls") +
                       sse_usage() + sse_done();
  for (size_t piece : {size_t(0), size_t(1), size_t(13), size_t(97)}) {
    ProxyFixture proxy(stream_with(events, piece));
    auto res = post_stream(proxy, {{"X-Toolwall-Agent", "claude-code"}});
    REQUIRE(res.status == 200);
    REQUIRE(res.complete);
    CHECK(res.headers["content-type"] == "text/event-stream");
    CHECK(res.body.find("telemetry") == std::string::npos);
    auto view = ClientView::of(res.body);
    CHECK(view.choices[0].content.find("I'll run the tests and report back.") == 0);
    if (view.choices[0].calls.empty()) {
      CHECK(view.choices[0].finish_reason == "stop");
      CHECK(view.choices[0].content.find("[toolwall] Blocked") != std::string::npos);
    } else {
      auto args = Json::parse(view.choices[0].calls[0].arguments);
      CHECK(args["command"].get<std::string>().find("curl") == std::string::npos);
      CHECK(args["command"].get<std::string>().find("npm test") != std::string::npos);
      CHECK(view.choices[0].finish_reason == "tool_calls");
    }
    CHECK(view.usage_seen);
    CHECK(view.done_events == 1);
    CHECK_FALSE(view.events_after_done);
    for (const auto& chunk : view.chunks) {
      if (!chunk.contains("id")) continue;
      CHECK(chunk["id"] == "chatcmpl-st");
      CHECK(chunk["created"] == 1764000000);
      CHECK(chunk["model"] == "test-model");
    }
    auto audit = proxy.audit_text();
    CHECK(audit.find("\"call_id\":\"call_seed\"") != std::string::npos);
    CHECK(audit.find("\"findings\":[{") != std::string::npos);
  }
}

TEST_CASE("a stream without tool calls reaches the client byte for byte") {
  std::string events = ": ping\n\n" + sse_role() + sse_content("Hello") + sse_content(" there") + sse_finish("stop") +
                       sse_usage() + sse_done();
  ProxyFixture proxy(stream_with(events, 5));
  auto res = post_stream(proxy);
  CHECK(res.body == events);
}

TEST_CASE("allowed, flagged and blocked parallel streamed calls each get their verdict") {
  std::string events = sse_role() + sse_call(0, "c_allow", "Bash", bash_arguments(kAllowCommand)) +
                       sse_call(1, "c_block", "Bash", bash_arguments(kBlockCommand)) +
                       sse_call(2, "c_flag", "Bash", bash_arguments(kFlagCommand)) + sse_finish("tool_calls") +
                       sse_done();
  ProxyFixture proxy(stream_with(events, 31));
  auto res = post_stream(proxy);
  auto view = ClientView::of(res.body);
  REQUIRE(view.choices[0].calls.size() == 2);
  CHECK(view.choices[0].calls[0].id == "c_allow");
  CHECK(Json::parse(view.choices[0].calls[0].arguments)["command"] == kAllowCommand);
  CHECK(view.choices[0].calls[1].id == "c_flag");
  CHECK(view.choices[0].finish_reason == "tool_calls");
  INFO(res.body);
    CHECK(res.body.find("-F key=@") == std::string::npos);
  auto audit = proxy.audit_text();
  CHECK(audit.find("\"call_id\":\"c_block\"") != std::string::npos);
  CHECK(audit.find("\"call_id\":\"c_flag\"") != std::string::npos);
  CHECK(audit.find("\"call_id\":\"c_allow\"") == std::string::npos);
}

TEST_CASE("real-server quirks: index 0 reused with new ids, ids on every fragment, whole arguments, crlf, pings") {
  std::string crlf = "\r\n";
  std::string events = ": ping" + crlf + crlf + sse_role(crlf) +
                       sse_call_start(0, "q1", "Bash", bash_arguments(kAllowCommand), crlf) +
                       sse_call_start(0, "q2", "Bash", "", crlf) +
                       sse_call_args(0, bash_arguments(kBlockCommand).substr(0, 20), "q2", crlf) + ": keep-alive" +
                       crlf + crlf + sse_call_args(0, bash_arguments(kBlockCommand).substr(20), "q2", crlf) +
                       sse_finish("tool_calls", crlf) + sse_done(crlf);
  for (size_t piece : {size_t(1), size_t(7), size_t(64)}) {
    ProxyFixture proxy(stream_with(events, piece));
    auto res = post_stream(proxy);
    auto view = ClientView::of(res.body);
    REQUIRE(view.choices[0].calls.size() == 1);
    CHECK(view.choices[0].calls[0].id == "q1");
    INFO(res.body);
    CHECK(res.body.find("-F key=@") == std::string::npos);
    CHECK(view.choices[0].content.find("[toolwall] Blocked") != std::string::npos);
    CHECK(view.done_events == 1);
  }
}

TEST_CASE("multi-line data fields are joined before the chunk is read") {
  std::string chunk = sse_call_start(0, "m1", "Bash", bash_arguments(kBlockCommand));
  std::string json = chunk.substr(6, chunk.size() - 8);
  size_t cut = json.find("\"tool_calls\"");
  std::string multiline = "data: " + json.substr(0, cut) + "\ndata: " + json.substr(cut) + "\n\n";
  ProxyFixture proxy(stream_with(multiline + sse_finish("tool_calls") + sse_done(), 11));
  auto res = post_stream(proxy);
  auto view = ClientView::of(res.body);
  CHECK(view.choices[0].calls.empty());
  INFO(res.body);
    CHECK(res.body.find("-F key=@") == std::string::npos);
  CHECK(view.choices[0].finish_reason == "stop");
}

TEST_CASE("content deltas are flushed as they arrive, not held with the stream") {
  std::string events = sse_content("first") + sse_content("second") + sse_done();
  ProxyFixture proxy([events](const RecordedRequest&) {
    Script script = sse_response("", 0, 0, false);
    script.push_back(send(chunk_frame(sse_content("first"))));
    script.push_back(pause(300));
    script.push_back(send(chunk_frame(sse_content("second") + sse_done())));
    script.push_back(send("0\r\n\r\n"));
    return script;
  });
  auto res = post_stream(proxy);
  REQUIRE(res.pieces.size() >= 2);
  CHECK(res.pieces[0].bytes.find("first") != std::string::npos);
  CHECK(res.pieces[0].bytes.find("second") == std::string::npos);
  CHECK(res.pieces.back().at - res.pieces[0].at >= std::chrono::milliseconds(250));
}

TEST_CASE("an upstream that dies mid-call ends the client stream cleanly with an error event") {
  std::string events = sse_role() + sse_content("Let me") + sse_call_start(0, "d1", "Bash", "") +
                       sse_call_args(0, R"({"command":"npm te)");
  ProxyFixture proxy([events](const RecordedRequest&) {
    Script script = sse_response(events, 0, 0, false);
    script.push_back(hang_up());
    return script;
  });
  auto res = post_stream(proxy);
  CHECK(res.complete);  // the chunked framing ends properly
  auto view = ClientView::of(res.body);
  CHECK(view.error_code == "upstream_stream_failed");
  CHECK(view.choices[0].calls.empty());
  CHECK(view.choices[0].content.find("Let me") == 0);
  CHECK(res.body.find("npm te") == std::string::npos);
  CHECK(proxy.audit_text().find("\"call_id\":\"d1\"") != std::string::npos);
}

TEST_CASE("a stream that goes silent without DONE ends with an error event after the idle timeout") {
  ProxyFixture proxy(
      [](const RecordedRequest&) {
        Script script = sse_response(sse_content("partial"), 0, 0, false);
        script.push_back(pause(3000));
        return script;
      },
      [](proxy::ProxyConfig& c) { c.timeouts.stream_idle = std::chrono::milliseconds(300); });
  auto start = std::chrono::steady_clock::now();
  auto res = post_stream(proxy);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(2000));
  CHECK(res.complete);
  auto view = ClientView::of(res.body);
  CHECK(view.choices[0].content == "partial");
  CHECK(view.error_code == "upstream_stream_failed");
}

TEST_CASE("an oversized SSE event ends the stream with a limit error") {
  ProxyFixture proxy(stream_with(sse_content(std::string(100000, 'x')) + sse_done(), 4096),
                     [](proxy::ProxyConfig& c) { c.wire.max_sse_event_bytes = 16 * 1024; });
  auto res = post_stream(proxy);
  CHECK(res.complete);
  CHECK(ClientView::of(res.body).error_code == "sse_event_too_large");
}

TEST_CASE("a malformed stream event ends the stream with an error event") {
  ProxyFixture proxy(stream_with(sse_content("ok") + "data: {\"choices\":[{\"delta\":{\"tool_calls\":[\n\n" + sse_done()));
  auto res = post_stream(proxy);
  auto view = ClientView::of(res.body);
  CHECK(view.error_code == "upstream_malformed_json");
  CHECK(view.done_events == 0);
}

TEST_CASE("a client that disconnects mid-stream cancels the upstream request") {
  ProxyFixture proxy([](const RecordedRequest&) {
    std::string events;
    for (int i = 0; i < 40; ++i) events += sse_content("tick " + std::to_string(i) + " ");
    return sse_response(events, 200, 50);
  });
  HttpConnection client(proxy.port());
  auto res = client.request("POST", "/v1/chat/completions", chat_request(true), {}, 100);
  CHECK_FALSE(res.complete);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (proxy.upstream.closed_by_peer() + proxy.upstream.failed_sends() == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(proxy.upstream.closed_by_peer() + proxy.upstream.failed_sends() == 1);
}

TEST_CASE("streamed requests with n greater than one keep choices apart") {
  auto choice_call = [](int choice, const std::string& id, const std::string& command) {
    return sse_event({{{"index", choice},
                       {"delta",
                        {{"tool_calls",
                          {{{"index", 0},
                            {"id", id},
                            {"type", "function"},
                            {"function", {{"name", "Bash"}, {"arguments", bash_arguments(command)}}}}}}}},
                       {"finish_reason", nullptr}}});
  };
  auto choice_finish = [](int choice) {
    return sse_event({{{"index", choice}, {"delta", nlohmann::ordered_json::object()}, {"finish_reason", "tool_calls"}}});
  };
  std::string events = choice_call(0, "a", kAllowCommand) + choice_call(1, "b", kBlockCommand) + choice_finish(0) +
                       choice_finish(1) + sse_done();
  ProxyFixture proxy(stream_with(events, 17));
  auto view = ClientView::of(post_stream(proxy).body);
  CHECK(view.choices[0].calls.size() == 1);
  CHECK(view.choices[0].finish_reason == "tool_calls");
  CHECK(view.choices[1].calls.empty());
  CHECK(view.choices[1].finish_reason == "stop");
}

namespace {
// A judge that takes its time over calls mentioning SLOW, as a heavy file analysis might.
class SlowJudge final : public Judge {
 public:
  Verdict judge(const ToolCall& call) const override {
    if (call.raw_arguments.find("SLOW") != std::string::npos)
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
    return Verdict{};
  }
};
}  // namespace

TEST_CASE("a slow judgement of a large call does not stall other connections on the same I/O thread") {
  // Calls larger than limits.inline_judge go to the judge pool; short ones are judged in place.
  ProxyFixture proxy(
      [](const RecordedRequest& r) {
        if (r.body.find("slow") != std::string::npos)
          return sse_response(sse_call(0, "s1", "Bash", bash_arguments("echo SLOW " + std::string(1500, 'x'))) +
                              sse_finish("tool_calls") + sse_done());
        return sse_response(sse_content("quick") + sse_done());
      },
      [](proxy::ProxyConfig& c) { c.threads = 1; }, std::make_shared<SlowJudge>());
  std::thread slow([&] {
    auto res = http_request(proxy.port(), "POST", "/v1/chat/completions", "{\"stream\":true,\"slow\":1}");
    CHECK(ClientView::of(res.body).choices[0].calls.size() == 1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto start = std::chrono::steady_clock::now();
  auto quick = http_request(proxy.port(), "POST", "/v1/chat/completions", "{\"stream\":true}");
  auto took = std::chrono::steady_clock::now() - start;
  slow.join();
  CHECK(ClientView::of(quick.body).choices[0].content == "quick");
  CHECK(took < std::chrono::milliseconds(300));
}
