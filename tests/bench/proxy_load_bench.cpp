// Load tool for the proxy benchmark (tests/bench/proxy_bench.sh): a scripted chat-completions
// upstream and a keep-alive load client in one binary, so direct, nginx and toolwall runs share
// exactly the same upstream and client.
//
//   proxy_load_bench upstream --port P [--threads N] [--deltas D] [--gap-us U]
//   proxy_load_bench load --port P --requests N --concurrency C [--stream]
//                         [--shape text|tool|distinct|chain|quoted|unquoted|parsed]
//
// Shapes: text (no tool call), tool (the same call, `npm test`, in every response: what a verdict
// cache remembers), distinct (a call no response repeats, `npm test -- --shard=N`: judged in full, a
// command of plain words), chain (never repeated, a list and a pipeline of literal words that the
// engine reads without the bash parser: `git commit -m 'fix shard N' && npm test 2>&1 | tail -20`),
// quoted (never repeated, a variable in double quotes in a pipeline of three stages, also read
// without the parser: `npm test -- --shard=N 2>&1 | tee "$TMPDIR/shard-N.log" | tail -20`), unquoted
// (the same pipeline with the variable unquoted, `… | tee $TMPDIR/shard-N.log | …`, also read without
// the parser) and parsed (never repeated, and only the bash parser can read it: the same pipeline with
// a default value, `… | tee ${TMPDIR:-/tmp}/shard-N.log | …`).
//
// Stream deltas carry the upstream's send time (CLOCK_MONOTONIC ns, "<t=…>"), so the client can
// tell how long each delta took to arrive; comparing direct and proxied runs gives the time a
// proxy adds to a delta. The client prints one JSON line of results.
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
constexpr auto nothrow = net::as_tuple(net::use_awaitable);

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_ns() { return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count(); }

std::map<std::string, std::string> parse_args(int argc, char** argv, int first) {
  std::map<std::string, std::string> args;
  for (int i = first; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) continue;
    key = key.substr(2);
    if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) args[key] = argv[++i];
    else args[key] = "1";
  }
  return args;
}

std::string arg(const std::map<std::string, std::string>& args, const std::string& key, const std::string& fallback) {
  auto it = args.find(key);
  return it == args.end() ? fallback : it->second;
}

// ---- upstream ---------------------------------------------------------------------------------

const char* kEnvelope = R"("id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"bench-model")";

std::atomic<uint64_t> distinct_calls{0};

// `text` as it is spelled inside a JSON string that is itself inside a JSON string (the arguments).
std::string escaped_twice(const std::string& text) {
  auto escape = [](const std::string& in) {
    std::string out;
    for (char c : in) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out;
  };
  return escape(escape(text));
}

// The command of a response's tool call, spelled for the body: empty for text, else the same or a
// never-repeated one.
std::string command_for(const std::string& shape) {
  if (shape == "tool") return "npm test";
  if (shape == "distinct") return "npm test -- --shard=" + std::to_string(distinct_calls++);
  if (shape == "chain")
    return "git commit -m 'fix shard " + std::to_string(distinct_calls++) + "' && npm test 2>&1 | tail -20";
  if (shape == "quoted" || shape == "unquoted" || shape == "parsed") {
    std::string shard = std::to_string(distinct_calls++);
    std::string quote = shape == "quoted" ? "\"" : "";
    std::string directory = shape == "parsed" ? "${TMPDIR:-/tmp}" : "$TMPDIR";
    return escaped_twice("npm test -- --shard=" + shard + " 2>&1 | tee " + quote + directory + "/shard-" + shard + ".log" +
                         quote + " | tail -20");
  }
  return {};
}

std::string completion(const std::string& command) {
  bool tool = !command.empty();
  std::string message =
      tool ? R"({"role":"assistant","content":"Running the tests.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\")" + command + R"(\",\"description\":\"Run the tests\"}"}}]})"
           : R"({"role":"assistant","content":"The tests pass: 42 passed, 0 failed. Nothing else to do here."})";
  return std::string(R"({"id":"chatcmpl-bench","object":"chat.completion","created":1764000000,"model":"bench-model","choices":[{"index":0,"message":)") +
         message + R"(,"finish_reason":")" + (tool ? "tool_calls" : "stop") +
         R"("}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}})";
}

std::string delta_event(const std::string& delta, const char* finish = nullptr) {
  return std::string("data: {") + kEnvelope + R"(,"choices":[{"index":0,"delta":)" + delta + R"(,"finish_reason":)" +
         (finish ? std::string("\"") + finish + "\"" : std::string("null")) + "}]}\n\n";
}

struct UpstreamOptions {
  int deltas = 20;
  int gap_us = 0;
};

awaitable<void> upstream_session(tcp::socket socket, UpstreamOptions options) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  net::steady_timer timer(stream.get_executor());
  for (;;) {
    http::request<http::string_body> request;
    auto [ec, n] = co_await http::async_read(stream, buffer, request, nothrow);
    if (ec) break;
    std::string command = command_for(std::string(request["X-Bench-Shape"]));
    bool tool = !command.empty();
    bool streamed = request.body().find("\"stream\":true") != std::string::npos;
    if (!streamed) {
      http::response<http::string_body> response{http::status::ok, request.version()};
      response.set(http::field::content_type, "application/json");
      response.body() = request.target() == "/healthz" ? "{}" : completion(command);
      response.keep_alive(request.keep_alive());
      response.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, response, nothrow);
      if (wec || !request.keep_alive()) break;
      continue;
    }
    http::response<http::empty_body> head{http::status::ok, request.version()};
    head.set(http::field::content_type, "text/event-stream");
    head.chunked(true);
    head.keep_alive(request.keep_alive());
    http::response_serializer<http::empty_body> serializer(head);
    auto [hec, hn] = co_await http::async_write_header(stream, serializer, nothrow);
    if (hec) break;
    bool failed = false;
    auto write = [&](const std::string& event) -> awaitable<void> {
      auto [wec, wn] = co_await net::async_write(stream, http::make_chunk(net::buffer(event)), nothrow);
      if (wec) failed = true;
    };
    co_await write(delta_event(R"({"role":"assistant","content":""})"));
    for (int i = 0; i < options.deltas && !failed; ++i) {
      if (options.gap_us) {
        timer.expires_after(std::chrono::microseconds(options.gap_us));
        co_await timer.async_wait(nothrow);
      }
      co_await write(delta_event(R"({"content":"token <t=)" + std::to_string(now_ns()) + R"(> "})"));
    }
    if (tool && !failed) {
      co_await write(delta_event(
          R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Bash","arguments":""}}]})"));
      std::string rest = command.substr(3) + R"(\"})";
      for (std::string piece : {std::string(R"({\"comm)"), std::string(R"(and\":\")") + command.substr(0, 3), rest})
        co_await write(delta_event(std::string(R"({"tool_calls":[{"index":0,"function":{"arguments":")") + piece + "\"}}]}"));
    }
    if (!failed) co_await write(delta_event("{}", tool ? "tool_calls" : "stop") + "data: [DONE]\n\n");
    if (failed) break;
    auto [lec, ln] = co_await net::async_write(stream, http::make_chunk_last(), nothrow);
    if (lec || !request.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

int run_upstream(const std::map<std::string, std::string>& args) {
  UpstreamOptions options;
  options.deltas = std::stoi(arg(args, "deltas", "20"));
  options.gap_us = std::stoi(arg(args, "gap-us", "0"));
  int threads = std::stoi(arg(args, "threads", "1"));
  net::io_context ioc(threads);
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"),
                                            static_cast<uint16_t>(std::stoi(arg(args, "port", "0")))));
  std::printf("listening on %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  net::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        for (;;) {
          auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(ioc), nothrow);
          if (ec) co_return;
          auto executor = socket.get_executor();
          net::co_spawn(executor, upstream_session(std::move(socket), options), net::detached);
        }
      },
      net::detached);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}

// ---- load client ------------------------------------------------------------------------------

struct LoadState {
  int total = 0;
  int next = 0;
  int errors = 0;
  std::vector<double> latency_ms;
  std::vector<double> delta_us;
};

const std::string kChatRequest =
    R"({"model":"bench-model","messages":[{"role":"system","content":"You are a coding agent."},{"role":"user","content":"Run the tests and tell me if they pass."}],"tools":[{"type":"function","function":{"name":"Bash","parameters":{"type":"object","properties":{"command":{"type":"string"}}}}}])";

awaitable<void> load_worker(tcp::endpoint endpoint, bool streamed, std::string shape, LoadState& state) {
  auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  auto [cec] = co_await stream.async_connect(endpoint, nothrow);
  if (cec) {
    ++state.errors;
    co_return;
  }
  beast::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  beast::flat_buffer buffer;
  http::request<http::string_body> request{http::verb::post, "/v1/chat/completions", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer sk-bench");
  request.set("X-Bench-Shape", shape);
  request.body() = kChatRequest + (streamed ? R"(,"stream":true})" : "}");
  request.prepare_payload();
  std::vector<char> data(64 * 1024);
  while (state.next < state.total) {
    ++state.next;
    auto start = Clock::now();
    auto [wec, wn] = co_await http::async_write(stream, request, nothrow);
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    auto [rec, rn] = co_await http::async_read_header(stream, buffer, parser, nothrow);
    if (wec || rec || parser.get().result_int() != 200) {
      ++state.errors;
      co_return;
    }
    std::string body;
    size_t scan = 0;
    while (!parser.is_done()) {
      parser.get().body().data = data.data();
      parser.get().body().size = data.size();
      auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, nothrow);
      if (ec && ec != http::error::need_buffer) {
        ++state.errors;
        co_return;
      }
      int64_t arrived = now_ns();
      body.append(data.data(), data.size() - parser.get().body().size);
      for (;;) {
        size_t open = body.find("<t=", scan);
        if (open == std::string::npos) break;
        size_t close = body.find('>', open);
        if (close == std::string::npos) break;
        int64_t sent = std::stoll(body.substr(open + 3, close - open - 3));
        state.delta_us.push_back(static_cast<double>(arrived - sent) / 1000.0);
        scan = close;
      }
    }
    state.latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!parser.keep_alive()) co_return;
  }
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

int run_load(const std::map<std::string, std::string>& args) {
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<uint16_t>(std::stoi(arg(args, "port", "0"))));
  int concurrency = std::stoi(arg(args, "concurrency", "1"));
  bool streamed = args.count("stream") > 0;
  std::string shape = arg(args, "shape", "text");
  LoadState state;
  state.total = std::stoi(arg(args, "requests", "1000"));
  int warmup = std::min(state.total / 10, 200);
  net::io_context ioc(1);
  {  // warm up connections and caches, then measure
    LoadState warm;
    warm.total = warmup;
    for (int i = 0; i < concurrency; ++i) net::co_spawn(ioc, load_worker(endpoint, streamed, shape, warm), net::detached);
    ioc.run();
    ioc.restart();
  }
  auto start = Clock::now();
  for (int i = 0; i < concurrency; ++i) net::co_spawn(ioc, load_worker(endpoint, streamed, shape, state), net::detached);
  ioc.run_for(std::chrono::seconds(std::stoi(arg(args, "max-seconds", "60"))));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "{\"requests\":%zu,\"errors\":%d,\"seconds\":%.3f,\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
      "\"delta_p50_us\":%.1f,\"delta_p99_us\":%.1f,\"deltas\":%zu}\n",
      state.latency_ms.size(), state.errors, seconds, static_cast<double>(state.latency_ms.size()) / seconds,
      percentile(state.latency_ms, 50), percentile(state.latency_ms, 99), percentile(state.delta_us, 50),
      percentile(state.delta_us, 99), state.delta_us.size());
  return state.errors ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: proxy_load_bench upstream|load [--options]\n";
    return 2;
  }
  std::string mode = argv[1];
  auto args = parse_args(argc, argv, 2);
  if (mode == "upstream") return run_upstream(args);
  if (mode == "load") return run_load(args);
  std::cerr << "proxy_load_bench: unknown mode " << mode << "\n";
  return 2;
}
