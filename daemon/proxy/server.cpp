#include "proxy/server.h"

#include <openssl/ssl.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <list>
#include <random>
#include <thread>
#include <vector>

#include "proxy/headers.h"
#include "proxy/relay_deadlines.h"
#include "proxy/routes.h"
#include "wire/earlier_calls.h"

namespace toolwall::proxy {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using net::awaitable;
constexpr auto nothrow = net::as_tuple(net::use_awaitable);
constexpr size_t kRelayBufferBytes = 16 * 1024;
constexpr size_t kReadBufferBytes = 16 * 1024;  // what one read from a socket may take at most

// ---- upstream connections -------------------------------------------------------------------

// Body bytes relayed as they come pass through a buffer owned by the upstream connection, made once
// when first needed and kept while the connection is pooled (not one per exchange).
struct RelayBuffer {
  std::unique_ptr<char[]> bytes;
  char* get() {
    if (!bytes) bytes = std::make_unique_for_overwrite<char[]>(kRelayBufferBytes);
    return bytes.get();
  }
};

struct PlainUpstream {
  explicit PlainUpstream(net::any_io_executor ex) : stream(std::move(ex)) { buffer.reserve(kReadBufferBytes); }
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  RelayBuffer relay;
  char* relay_buffer() { return relay.get(); }
};

struct TlsUpstream {
  TlsUpstream(net::any_io_executor ex, ssl::context& ctx) : stream(std::move(ex), ctx) { buffer.reserve(kReadBufferBytes); }
  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  RelayBuffer relay;
  char* relay_buffer() { return relay.get(); }
};

beast::tcp_stream& lowest(PlainUpstream& up) { return up.stream; }
beast::tcp_stream& lowest(TlsUpstream& up) { return beast::get_lowest_layer(up.stream); }

// Idle keep-alive connections of one worker thread; never shared across threads, so no lock.
template <class Conn>
struct Pool {
  std::vector<std::unique_ptr<Conn>> idle;
  size_t max_idle = 64;
  std::unique_ptr<Conn> take() {
    while (!idle.empty()) {
      auto conn = std::move(idle.back());
      idle.pop_back();
      if (lowest(*conn).socket().is_open()) return conn;
    }
    return nullptr;
  }
  void give(std::unique_ptr<Conn> conn) {
    if (idle.size() < max_idle) idle.push_back(std::move(conn));
  }
};

// The idle connections of one upstream on one thread (only the pool of its scheme is used).
struct UpstreamPools {
  Pool<PlainUpstream> plain;
  Pool<TlsUpstream> tls;
};

// ---- sessions and workers -------------------------------------------------------------------

// One exchange as the server runs it: what the wire layer and the audit are told, the judge the gate
// pinned for it (null: the server's current one), and the gate's record, told what the upstream answered.
struct Exchange {
  wire::ExchangeContext wire;
  std::shared_ptr<const Judge> judge;
  GateExchange* gate = nullptr;
  // The request as sent: its history gives each judged call the conversation's earlier calls.
  std::string_view request_body;
  const wire::Dialect* dialect = nullptr;
};

struct SessionState {
  beast::tcp_stream* client = nullptr;
  bool idle = true;  // waiting for the next request: safe to close on shutdown
};

// One io_context per thread: a connection and its upstream stay on one thread, so no strands.
struct Worker {
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  std::vector<UpstreamPools> pools;  // one per route target (Router::targets), same order
  std::list<SessionState*> sessions;
};

struct UpstreamError {
  http::status status;
  std::string code;
  std::string message;
};

std::string error_json(std::string_view code, std::string_view message) {
  wire::WireError error{0, std::string(code), std::string(message)};
  const wire::Dialect* chat = wire::dialect_for("POST", "/v1/chat/completions");
  return chat->error_body(error);
}

std::string describe(const beast::error_code& ec) { return ec.message(); }

bool is_timeout(const beast::error_code& ec) { return ec == beast::error::timeout; }

template <class Fields>
std::vector<std::string> connection_named(const Fields& fields) {
  auto it = fields.find(http::field::connection);
  return it == fields.end() ? std::vector<std::string>{} : connection_options(it->value());
}

// Each client connection may hold an upstream one too: raise the soft descriptor limit toward what
// max_connections needs (up to the hard limit), and say so when even that is short.
void allow_enough_descriptors(size_t max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(max_connections) * 2 + 256;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted)
    log_event("warn", "descriptor_limit_low",
              {{"max_connections", max_connections},
               {"open_files_limit", static_cast<uint64_t>(limit.rlim_cur)},
               {"why", "connections may fail with EMFILE before max_connections is reached"}});
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::unique_ptr<Router> router;  // which upstream each request goes to
  net::io_context accept_ioc{1};
  tcp::acceptor acceptor{accept_ioc};
  net::signal_set signals{accept_ioc};
  std::vector<std::unique_ptr<Worker>> workers;
  ssl::context tls{ssl::context::tls_client};
  std::atomic<std::shared_ptr<const Judge>> judge;
  wire::WireCounters counters;
  std::atomic<bool> stopping{false};
  ConnectionCounters connections;   // open = sessions being served (the limit counts these)
  std::atomic<size_t> rejecting{0};  // over-limit connections being answered 503 right now
  std::atomic<uint64_t> next_request{0};
  std::string request_prefix;
  std::string over_limit_response;  // the whole 503 a connection over the limit gets
  size_t next_worker = 0;
  // Judging runs here, not on the I/O threads, so one slow analysis never stalls other streams.
  std::unique_ptr<net::thread_pool> judge_pool;

  // Whether judging this much tool-call text is worth a hop to the judge pool.
  bool judged_off_io_thread(size_t load) const { return load > options.config.limits.inline_judge_bytes; }

  // Runs `work` (returning bool) on the judge pool and resumes on the caller's I/O thread.
  template <class Work>
  awaitable<bool> off_io_thread(Work& work) {
    co_return co_await net::co_spawn(
        judge_pool->get_executor(), [&work]() -> awaitable<bool> { co_return work(); }, net::use_awaitable);
  }

  // ---- accepting ----

  awaitable<void> accept_loop() {
    net::steady_timer backoff(accept_ioc);
    for (;;) {
      Worker& worker = *workers[next_worker++ % workers.size()];
      auto [ec, socket] = co_await acceptor.async_accept(worker.ioc, nothrow);
      if (ec) {
        if (stopping || ec == net::error::operation_aborted) co_return;
        // EMFILE and the like leave the connection queued, so accepting again at once would spin:
        // pause a little and keep serving the connections we have.
        backoff.expires_after(std::chrono::milliseconds(10));
        co_await backoff.async_wait(nothrow);
        continue;
      }
      if (connections.open >= options.config.limits.max_connections) {
        refuse_connection(worker, std::move(socket));
        continue;
      }
      ++connections.open;
      net::co_spawn(worker.ioc, session(worker, std::move(socket)), net::detached);
    }
  }

  // Over the connection limit: a complete 503 and a close, never a silent drop. While a flood keeps
  // many refusals in flight at once, the rest are closed without an answer to bound the work.
  void refuse_connection(Worker& worker, tcp::socket socket) {
    ++connections.rejected;
    size_t most_at_once = std::max<size_t>(64, options.config.limits.max_connections / 4);
    if (rejecting >= most_at_once) {
      beast::error_code ignored;
      socket.close(ignored);
      return;
    }
    ++rejecting;
    net::co_spawn(worker.ioc, answer_over_limit(std::move(socket)), net::detached);
  }

  awaitable<void> answer_over_limit(tcp::socket socket) {
    beast::tcp_stream client(std::move(socket));
    beast::error_code ignored;
    client.socket().set_option(tcp::no_delay(true), ignored);
    client.expires_after(std::chrono::seconds(1));
    auto [ec, n] = co_await net::async_write(client, net::buffer(over_limit_response), nothrow);
    if (!ec) {
      // Read what the client sent until it closes (briefly): closing with unread bytes would
      // reset the connection, and a reset can destroy the 503 before the client reads it.
      client.socket().shutdown(tcp::socket::shutdown_send, ignored);
      client.expires_after(std::chrono::milliseconds(500));
      char sink[4096];
      for (size_t total = 0; total < (64u << 10);) {
        auto [rec, got] = co_await client.async_read_some(net::buffer(sink), nothrow);
        if (rec) break;
        total += got;
      }
    }
    client.close();
    --rejecting;
  }

  awaitable<void> signal_loop() {
    for (;;) {
      auto [ec, signal] = co_await signals.async_wait(nothrow);
      if (ec) co_return;
      if (signal == SIGHUP) {
        if (options.on_reopen) options.on_reopen();
        continue;
      }
      begin_shutdown();
      co_return;
    }
  }

  void begin_shutdown() {
    if (stopping.exchange(true)) return;
    net::post(accept_ioc, [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      signals.cancel(ignored);
      net::co_spawn(accept_ioc, drain(), net::detached);
    });
    for (auto& worker : workers) {
      net::post(worker->ioc, [w = worker.get()] {
        for (SessionState* state : w->sessions)
          if (state->idle) state->client->cancel();
        w->guard.reset();
      });
    }
  }

  // Waits for in-flight exchanges to finish, up to the grace deadline, then stops every thread.
  awaitable<void> drain() {
    auto deadline = std::chrono::steady_clock::now() + options.config.timeouts.shutdown_grace;
    net::steady_timer timer(accept_ioc);
    while (connections.open > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(10));
      co_await timer.async_wait(nothrow);
    }
    if (connections.open > 0)
      for (auto& worker : workers) worker->ioc.stop();
  }

  // ---- one client connection ----

  awaitable<void> session(Worker& worker, tcp::socket socket) {
    beast::tcp_stream client(std::move(socket));
    beast::error_code ignored;
    client.socket().set_option(tcp::no_delay(true), ignored);
    auto remote = client.socket().remote_endpoint(ignored);
    std::string client_address = remote.address().to_string();
    SessionState state{&client, true};
    worker.sessions.push_front(&state);
    auto registration = worker.sessions.begin();
    // Beast reads as much as the buffer's free capacity (at least 512 bytes): a roomy buffer reads a
    // large request body in few reads instead of one per 512 bytes.
    beast::flat_buffer buffer;
    buffer.reserve(kReadBufferBytes);
    RelayDeadlines deadlines(client);
    for (;;) {
      state.idle = true;
      if (stopping) break;
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(options.config.limits.max_header_bytes));
      parser.body_limit(options.config.limits.max_request_body);
      client.expires_after(options.config.timeouts.client_idle);
      auto [ec, n] = co_await http::async_read_header(client, buffer, parser, nothrow);
      state.idle = false;
      if (!ec && parser.get()[http::field::expect] == "100-continue" && !parser.is_done()) {
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        std::tie(ec, n) = co_await net::async_write(client, net::buffer(kContinue), nothrow);
      }
      if (!ec && !parser.is_done()) std::tie(ec, n) = co_await http::async_read(client, buffer, parser, nothrow);
      if (ec) {
        if (ec == http::error::body_limit)
          co_await send_error(client, http::status::payload_too_large, "request_too_large",
                              "the request body exceeds " + std::to_string(options.config.limits.max_request_body) +
                                  " bytes",
                              11, false);
        else if (ec == http::error::header_limit)
          co_await send_error(client, http::status::request_header_fields_too_large, "headers_too_large",
                              "the request headers exceed " + std::to_string(options.config.limits.max_header_bytes) +
                                  " bytes",
                              11, false);
        else if (ec.category() == beast::error_code(http::error::bad_target).category() && ec != http::error::end_of_stream &&
                 ec != http::error::partial_message)
          co_await send_error(client, http::status::bad_request, "bad_request", "malformed HTTP request: " + describe(ec),
                              11, false);
        break;
      }
      auto request = parser.release();
      bool keep_alive = request.keep_alive();
      bool ok = co_await handle(worker, client, deadlines, buffer, request, client_address);
      if (!ok || !keep_alive) break;
    }
    client.socket().shutdown(tcp::socket::shutdown_send, ignored);
    client.close();
    worker.sessions.erase(registration);
    --connections.open;
  }

  // Strings by value: the coroutine frame owns them, whatever temporaries the caller built.
  awaitable<bool> send_error(beast::tcp_stream& client, http::status status, std::string code, std::string message,
                             unsigned version, bool keep_alive) {
    http::response<http::string_body> res{status, version};
    res.set(http::field::content_type, "application/json");
    res.body() = error_json(code, message);
    res.keep_alive(keep_alive && !stopping);
    res.prepare_payload();
    client.expires_after(options.config.timeouts.client_write);
    auto [ec, n] = co_await http::async_write(client, res, nothrow);
    co_return !ec && keep_alive;
  }

  // Answers one request; false when the client connection must close.
  awaitable<bool> handle(Worker& worker, beast::tcp_stream& client, RelayDeadlines& deadlines,
                         beast::flat_buffer& client_buffer,
                         http::request<http::string_body>& request, const std::string& client_address) {
    std::string_view client_path = path_of(request.target());
    if (request.method() == http::verb::get && client_path == "/healthz") co_return co_await healthz(client, request);
    // The route first: under a path prefix the API is the rest of the path, and that decides the dialect.
    RouteChoice route = router->choose(client_path, request.body());
    const RouteTarget& target = router->targets()[route.target];
    std::string_view path = route.api_path;
    if (ambiguous_path(client_path)) {
      co_return co_await send_error(client, http::status::bad_request, "bad_request",
                                    "the path holds '.', '..' or empty segments or percent-encoded letters, digits or "
                                    "slashes: the upstream could read it as another API than the one toolwall "
                                    "inspects; send it in plain form",
                                    request.version(), request.keep_alive());
    }

    for (std::string_view spelled : {path, client_path}) {
      std::string api = wire::disguised_tool_api(request.method_string(), spelled);
      if (api.empty()) continue;
      co_return co_await send_error(client, http::status::bad_request, "bad_request",
                                    "the path reads as " + api +
                                        " only with its letter case or trailing slash changed: an upstream that "
                                        "matches paths loosely would serve it as that API, which toolwall would "
                                        "not inspect; send it as " + api,
                                    request.version(), request.keep_alive());
    }

    Exchange exchange;
    exchange.wire.request_id = request_prefix + std::to_string(++next_request);
    exchange.wire.client_address = client_address;
    if (auto agent = request.find("x-toolwall-agent"); agent != request.end()) exchange.wire.agent = agent->value();
    if (options.config.routing.configured()) exchange.wire.upstream = target.name;
    const wire::Dialect* dialect = wire::dialect_for(request.method_string(), path);
    // A prefix kept upstream (strip_prefix: false) may be part of the API path: inspect if either is.
    if (!dialect && route.by_prefix) dialect = wire::dialect_for(request.method_string(), client_path);
    exchange.dialect = dialect;
    exchange.request_body = request.body();
    // The team gate (proxy/gate.h): client token, trusted model, /metrics; its record of the exchange
    // lives as long as the exchange does.
    GateDecision gate_decision;
    if (options.gate) {
      auto header = [&request](std::string_view name) -> std::string_view {
        auto it = request.find(name);
        if (it == request.end()) return {};
        return std::string_view(it->value().data(), it->value().size());
      };
      gate_decision = options.gate->admit({request.method_string(), path, target.name, route.by_prefix,
                                           request.body(), dialect, header});
      exchange.gate = gate_decision.exchange.get();
      if (gate_decision.answer)
        co_return co_await send_answer(client, *gate_decision.answer, request.version(), request.keep_alive());
      exchange.wire.client_name = gate_decision.client;
      exchange.judge = gate_decision.judge;
    }
    // WebSocket frames are never inspected, and a handshake forwarded without its hop-by-hop Upgrade
    // reaches the upstream as a plain GET (Codex then retries its Responses WebSocket five times):
    // 426 tells the client to use HTTP, which Codex does at once.
    if (auto upgrade = request.find(http::field::upgrade); upgrade != request.end() && asks_websocket(upgrade->value())) {
      co_return co_await send_error(client, http::status::upgrade_required, "websocket_not_inspected",
                                    "toolwall does not proxy WebSocket connections (it cannot inspect the tool "
                                    "calls they carry); use HTTP",
                                    request.version(), request.keep_alive());
    }
    if (!dialect && !options.config.pass_uninspected &&
        (wire::uninspectable_tool_api(request.method_string(), path) ||
         wire::uninspectable_tool_api(request.method_string(), client_path))) {
      co_return co_await send_error(client, http::status::not_implemented, "dialect_not_inspected",
                                    "toolwall cannot inspect tool calls of " + std::string(path) +
                                        " yet, so it does not forward it (set pass_uninspected: true to allow)",
                                    request.version(), request.keep_alive());
    }

    std::string upstream_head = upstream_head_for(request, target.url, route.strip, dialect != nullptr, gate_decision);
    UpstreamPools& pools = worker.pools[route.target];
    if (target.url.tls)
      co_return co_await forward(worker, target.url, pools.tls, client, deadlines, request, upstream_head, dialect, exchange);
    co_return co_await forward(worker, target.url, pools.plain, client, deadlines, request, upstream_head, dialect, exchange);
  }

  awaitable<bool> send_answer(beast::tcp_stream& client, GateAnswer answer, unsigned version, bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(answer.status), version};
    res.set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) res.set(name, value);
    res.body() = std::move(answer.body);
    res.keep_alive(keep_alive && !stopping);
    res.prepare_payload();
    client.expires_after(options.config.timeouts.client_write);
    auto [ec, n] = co_await http::async_write(client, res, nothrow);
    co_return !ec && keep_alive && !stopping;
  }

  awaitable<bool> healthz(beast::tcp_stream& client, const http::request<http::string_body>& request) {
    http::response<http::string_body> res{http::status::ok, request.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = std::string("{\"status\":\"") + (stopping ? "draining" : "ok") + "\",\"calls\":{\"allowed\":" +
                 std::to_string(counters.calls_allowed) + ",\"flagged\":" + std::to_string(counters.calls_flagged) +
                 ",\"rewritten\":" + std::to_string(counters.calls_rewritten) +
                 ",\"blocked\":" + std::to_string(counters.calls_blocked) + "}}";
    res.keep_alive(request.keep_alive() && !stopping);
    res.prepare_payload();
    client.expires_after(options.config.timeouts.client_write);
    auto [ec, n] = co_await http::async_write(client, res, nothrow);
    co_return !ec;
  }

  // The request head as the upstream receives it, serialized here in one string (cheaper than a
  // second field set and Beast's per-field serializer): same method, target (under the base path)
  // and headers, less hop-by-hop ones and those the gate drops or sets; Host names the upstream.
  // The body goes after it unchanged, in the same write.
  std::string upstream_head_for(const http::request<http::string_body>& request, const UpstreamUrl& upstream,
                                size_t strip, bool inspected, const GateDecision& gate) {
    std::string head;
    head.reserve(512 + request.body().size() / 64);
    head.append(request.method_string()).append(" ").append(upstream.base_path);
    if (strip) head.append(stripped_target(request.target(), strip));
    else head.append(request.target());
    head.append(" HTTP/1.1\r\nHost: ").append(upstream.host_header()).append("\r\n");
    auto named = connection_named(request);
    auto replaced_by_gate = [&gate](std::string_view name) {
      for (const auto& dropped : gate.drop_headers)
        if (beast::iequals(name, dropped)) return true;
      for (const auto& set : gate.set_headers)
        if (beast::iequals(name, set.first)) return true;
      return false;
    };
    for (const auto& field : request) {
      auto name = field.name_string();
      switch (field.name()) {
        case http::field::host:
        case http::field::content_length:
        case http::field::expect:
          continue;
        case http::field::accept_encoding:
          if (inspected) continue;  // the proxy must read the response it judges
          break;
        default:
          if (beast::iequals(name, "x-toolwall-agent")) continue;
      }
      if (is_hop_by_hop(name, named) || replaced_by_gate(name)) continue;
      head.append(name).append(": ").append(field.value()).append("\r\n");
    }
    for (const auto& [name, value] : gate.set_headers) head.append(name).append(": ").append(value).append("\r\n");
    if (!request.body().empty() || request.has_content_length())
      head.append("Content-Length: ").append(std::to_string(request.body().size())).append("\r\n");
    head.append("\r\n");
    return head;
  }

  // ---- upstream side ----

  awaitable<Expected<std::unique_ptr<PlainUpstream>, UpstreamError>> connect(Worker& worker, const UpstreamUrl& upstream,
                                                                               Pool<PlainUpstream>&) {
    auto conn = std::make_unique<PlainUpstream>(worker.ioc.get_executor());
    if (auto error = co_await connect_tcp(worker, upstream, lowest(*conn))) co_return unexpected(std::move(*error));
    co_return std::move(conn);
  }

  awaitable<Expected<std::unique_ptr<TlsUpstream>, UpstreamError>> connect(Worker& worker, const UpstreamUrl& upstream,
                                                                             Pool<TlsUpstream>&) {
    auto conn = std::make_unique<TlsUpstream>(worker.ioc.get_executor(), tls);
    if (auto error = co_await connect_tcp(worker, upstream, lowest(*conn))) co_return unexpected(std::move(*error));
    const std::string& host = upstream.host;
    if (!SSL_set_tlsext_host_name(conn->stream.native_handle(), host.c_str()))
      co_return unexpected(UpstreamError{http::status::bad_gateway, "upstream_tls_failed", "cannot set TLS SNI"});
    if (options.config.tls_verify) conn->stream.set_verify_callback(ssl::host_name_verification(host));
    lowest(*conn).expires_after(options.config.timeouts.upstream_connect);
    auto [ec] = co_await conn->stream.async_handshake(ssl::stream_base::client, nothrow);
    if (ec)
      co_return unexpected(UpstreamError{http::status::bad_gateway, "upstream_tls_failed",
                                         "TLS handshake with the upstream failed: " + describe(ec)});
    co_return std::move(conn);
  }

  awaitable<std::optional<UpstreamError>> connect_tcp(Worker& worker, const UpstreamUrl& upstream,
                                                      beast::tcp_stream& stream) {
    tcp::resolver resolver(worker.ioc);
    stream.expires_after(options.config.timeouts.upstream_connect);
    auto [rec, results] = co_await resolver.async_resolve(upstream.host, std::to_string(upstream.port), nothrow);
    if (rec)
      co_return UpstreamError{http::status::bad_gateway, "upstream_unreachable",
                              "cannot resolve the upstream host " + upstream.host + ": " + describe(rec)};
    auto [ec, endpoint] = co_await stream.async_connect(results, nothrow);
    if (ec)
      co_return UpstreamError{is_timeout(ec) ? http::status::gateway_timeout : http::status::bad_gateway,
                              "upstream_unreachable",
                              "cannot connect to the upstream " + upstream.host_header() + ": " + describe(ec)};
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    co_return std::nullopt;
  }

  template <class Conn>
  awaitable<bool> forward(Worker& worker, const UpstreamUrl& upstream, Pool<Conn>& pool, beast::tcp_stream& client,
                          RelayDeadlines& deadlines,
                          const http::request<http::string_body>& request, const std::string& upstream_head,
                          const wire::Dialect* dialect, const Exchange& exchange) {
    unsigned version = request.version();
    bool keep_alive = request.keep_alive();
    auto started = std::chrono::steady_clock::now();
    std::unique_ptr<Conn> conn;
    std::optional<http::response_parser<http::buffer_body>> parser;
    ExchangeEnd exchange_end(deadlines);  // declared after conn: ends before conn goes
    WatchEnd watch_end{watch_client(client), client};  // likewise
    ClientWatch& watch = *watch_end.watch;
    // A pooled connection the upstream already closed fails before any byte comes back: retry once.
    for (int attempt = 0;; ++attempt) {
      bool reused = false;
      deadlines.end_exchange();  // before the connection it watches goes
      watch.upstream = nullptr;  // likewise
      conn = pool.take();
      if (conn) {
        reused = true;
      } else {
        auto fresh = co_await connect(worker, upstream, pool);
        if (watch.client_gone) co_return false;
        if (!fresh) {
          co_return co_await send_error(client, fresh.error().status, fresh.error().code, fresh.error().message,
                                        version, keep_alive);
        }
        conn = std::move(*fresh);
      }
      deadlines.begin_exchange(lowest(*conn));
      watch.upstream = &lowest(*conn);
      std::array<net::const_buffer, 2> upstream_request{net::buffer(upstream_head), net::buffer(request.body())};
      deadlines.start(RelayDeadlines::upstream, options.config.timeouts.client_write);
      auto [wec, wn] = co_await net::async_write(conn->stream, upstream_request, nothrow);
      deadlines.finish(RelayDeadlines::upstream, wec);
      if (watch.client_gone) co_return false;  // nobody to answer; the upstream request is dropped
      if (!wec) {
        parser.emplace();
        parser->header_limit(static_cast<uint32_t>(options.config.limits.max_header_bytes));
        parser->body_limit(boost::none);
        if (request.method() == http::verb::head) parser->skip(true);
        deadlines.start(RelayDeadlines::upstream, options.config.timeouts.upstream_response);
        auto [rec, rn] = co_await http::async_read_header(conn->stream, conn->buffer, *parser, nothrow);
        deadlines.finish(RelayDeadlines::upstream, rec);
        if (watch.client_gone) co_return false;
        if (!rec) break;
        if (reused && attempt == 0 && !is_timeout(rec) && rn == 0) continue;
        // Locals, not a conditional inside co_await: GCC 12 destroys such temporaries twice.
        bool timed_out = is_timeout(rec);
        http::status status = timed_out ? http::status::gateway_timeout : http::status::bad_gateway;
        std::string code = timed_out ? "upstream_timeout" : "upstream_failed";
        std::string message = timed_out ? "the upstream sent no response within the upstream_response timeout"
                                         : "the upstream's response could not be read: " + describe(rec);
        co_return co_await send_error(client, status, code, message, version, keep_alive);
      } else if (!(reused && attempt == 0)) {
        co_return co_await send_error(client, http::status::bad_gateway, "upstream_failed",
                                      "cannot send the request upstream: " + describe(wec), version, keep_alive);
      }
    }

    const auto& head = parser->get();
    int status = head.result_int();
    bool inspect = dialect && status >= 200 && status < 300;
    auto content_type = head[http::field::content_type];
    bool event_stream = beast::iequals(content_type.substr(0, 17), "text/event-stream");
    if (exchange.gate) exchange.gate->upstream_responded(status, event_stream, std::chrono::steady_clock::now() - started);
    auto encoding = head[http::field::content_encoding];
    if (inspect && !encoding.empty() && !beast::iequals(encoding, "identity")) {
      co_return co_await send_error(client, http::status::bad_gateway, "upstream_encoded",
                                    "the upstream compressed a chat completion (" + std::string(encoding) +
                                        ") although the proxy asked for identity; it cannot be inspected",
                                    version, keep_alive);
    }
    bool upstream_reusable = false;
    bool client_ok = false;
    if (!inspect) {
      client_ok = co_await relay_plain(client, *conn, *parser, deadlines, version, keep_alive, upstream_reusable);
    } else if (event_stream) {
      client_ok = co_await relay_stream(client, *conn, *parser, deadlines, version, keep_alive, *dialect, exchange,
                                        upstream_reusable);
    } else {
      client_ok = co_await relay_body(client, *conn, *parser, deadlines, version, keep_alive, *dialect, exchange,
                                      upstream_reusable);
    }
    client_ok = client_ok && !watch.client_gone;
    if (upstream_reusable && !watch.client_gone && parser->is_done() && parser->keep_alive()) {
      watch.upstream = nullptr;
      pool.give(std::move(conn));
    }
    co_return client_ok && keep_alive && !stopping;
  }

  struct ClientWatch {
    bool active = true;        // the exchange still runs
    bool client_gone = false;  // the client hung up mid-exchange
    char peeked = 0;           // the receive's buffer: a peek leaves the byte for the next request's read
    beast::tcp_stream* upstream = nullptr;  // the connection the exchange uses; null between attempts
  };

  // Watches for the client hanging up from the moment its request is forwarded until the response
  // is relayed (most of a non-streamed completion is the model thinking before any head arrives);
  // then drops the upstream request: its connection is closed, so the upstream stops generating and
  // the relay's next upstream operation fails. A plain completion handler, not a parallel coroutine
  // group: this runs once per exchange and the group cost ~5% of the proxy's CPU. A peeking receive,
  // not a readiness wait: both cost one system call per exchange (the receive's speculative attempt,
  // which finds nothing; a wait's epoll_ctl to re-arm), but the receive also tells a pipelined next
  // request (bytes) from a hang-up (end of stream or error).
  std::shared_ptr<ClientWatch> watch_client(beast::tcp_stream& client) {
    auto watch = std::make_shared<ClientWatch>();
    client.socket().async_receive(net::buffer(&watch->peeked, 1), tcp::socket::message_peek,
                                  [watch](const beast::error_code& ec, size_t n) {
                                    if (ec == net::error::operation_aborted || !watch->active) return;
                                    if (!ec && n > 0) return;  // a pipelined next request: it waits its turn
                                    watch->client_gone = true;  // end of stream or a reset
                                    if (!watch->upstream) return;
                                    watch->upstream->cancel();
                                    beast::error_code ignored;
                                    watch->upstream->socket().close(ignored);
                                  });
    return watch;
  }

  // Ends the watch with the exchange, on every way out of it.
  struct WatchEnd {
    std::shared_ptr<ClientWatch> watch;
    beast::tcp_stream& client;
    ~WatchEnd() {
      watch->active = false;
      watch->upstream = nullptr;
      beast::error_code ignored;
      client.socket().cancel(ignored);  // ends the watch's receive (nothing else waits on the client now)
    }
  };

  template <class Conn>
  awaitable<beast::error_code> read_piece(Conn& conn, http::response_parser<http::buffer_body>& parser, char* data,
                                          size_t room, size_t& got, RelayDeadlines& deadlines,
                                          std::chrono::milliseconds timeout) {
    parser.get().body().data = data;
    parser.get().body().size = room;
    deadlines.start(RelayDeadlines::upstream, timeout);
    auto [ec, n] = co_await http::async_read_some(conn.stream, conn.buffer, parser, nothrow);
    deadlines.finish(RelayDeadlines::upstream, ec);
    if (ec == http::error::need_buffer) ec = {};
    // Take the rest of what has already arrived too (a chunked stream's next chunks), so one client
    // write carries it, never waiting for more: Beast's eager mode would wait for the next chunk.
    while (!ec && !parser.is_done() && conn.buffer.size() > 0 && parser.get().body().size > 0) {
      beast::error_code put_error;
      size_t used = parser.put(conn.buffer.data(), put_error);
      conn.buffer.consume(used);
      if (put_error == http::error::need_more || put_error == http::error::need_buffer) break;
      if (put_error) ec = put_error;
      if (used == 0) break;
    }
    got = room - parser.get().body().size;
    co_return ec;
  }

  // The head (and, when given, the body after it) in one write: one segment, one wake-up of the client.
  awaitable<bool> write_head(beast::tcp_stream& client, const std::string& head, net::const_buffer body = {}) {
    client.expires_after(options.config.timeouts.client_write);
    std::array<net::const_buffer, 2> bytes{net::buffer(head), body};
    auto [ec, n] = co_await net::async_write(client, bytes, nothrow);
    co_return !ec;
  }

  // How the client's response body is framed.
  struct Framing {
    enum class Kind { none, length, chunked } kind = Kind::none;
    uint64_t length = 0;
    std::string_view length_text;  // Kind::none: a Content-Length announced for a body never sent (HEAD, 304)
  };

  // The response head for the client, serialized here: the upstream's status and headers less
  // hop-by-hop ones and its framing, the request id, the client's framing and connection semantics.
  std::string client_head(const http::response_parser<http::buffer_body>::value_type& up, unsigned version,
                          bool keep_alive, const wire::ExchangeContext& exchange, const Framing& framing) {
    std::string head;
    head.reserve(256);
    head.append(version >= 11 ? "HTTP/1.1 " : "HTTP/1.0 ").append(std::to_string(up.result_int())).append(" ");
    std::string_view reason = up.reason();
    if (reason.empty()) reason = http::obsolete_reason(static_cast<http::status>(up.result_int()));
    head.append(reason).append("\r\n");
    auto named = connection_named(up);
    for (const auto& field : up) {
      auto name = field.name_string();
      if (field.name() == http::field::content_length || is_hop_by_hop(name, named)) continue;
      head.append(name).append(": ").append(field.value()).append("\r\n");
    }
    if (!exchange.request_id.empty()) head.append("X-Toolwall-Request-Id: ").append(exchange.request_id).append("\r\n");
    switch (framing.kind) {
      case Framing::Kind::length:
        head.append("Content-Length: ").append(std::to_string(framing.length)).append("\r\n");
        break;
      case Framing::Kind::chunked:
        head.append("Transfer-Encoding: chunked\r\n");
        break;
      case Framing::Kind::none:
        if (!framing.length_text.empty()) head.append("Content-Length: ").append(framing.length_text).append("\r\n");
        break;
    }
    bool persistent = keep_alive && !stopping;
    if (version >= 11 && !persistent) head.append("Connection: close\r\n");
    if (version < 11 && persistent) head.append("Connection: keep-alive\r\n");
    head.append("\r\n");
    return head;
  }

  // Client bytes gathered between two waits and sent in one write: the head with bytes that came
  // with it, the last piece with the stream's end. Each write is a segment and a client wake-up.
  struct ClientBatch {
    std::string bytes;
    bool chunked = false;
    void raw(std::string_view text) { bytes.append(text); }
    void piece(std::string_view text) {
      if (text.empty()) return;  // an empty chunk would end the body
      if (!chunked) return raw(text);
      char size[20];
      int n = std::snprintf(size, sizeof size, "%zx\r\n", text.size());
      bytes.append(size, static_cast<size_t>(n)).append(text).append("\r\n");
    }
    void end() {
      if (chunked) bytes.append("0\r\n\r\n");
    }
  };

  awaitable<bool> flush(beast::tcp_stream& client, ClientBatch& batch, RelayDeadlines& deadlines) {
    if (batch.bytes.empty()) co_return true;
    deadlines.start(RelayDeadlines::client, options.config.timeouts.client_write);
    auto [ec, n] = co_await net::async_write(client, net::buffer(batch.bytes), nothrow);
    deadlines.finish(RelayDeadlines::client, ec);
    batch.bytes.clear();
    co_return !ec;
  }

  // Pass-through: bytes go on as they arrive, with the upstream's framing (length or chunked).
  template <class Conn>
  awaitable<bool> relay_plain(beast::tcp_stream& client, Conn& conn, http::response_parser<http::buffer_body>& parser,
                              RelayDeadlines& deadlines, unsigned version, bool keep_alive, bool& upstream_reusable) {
    wire::ExchangeContext none;
    bool has_body = !parser.is_done();
    auto length = parser.content_length();
    Framing framing;
    if (length) {
      framing.kind = Framing::Kind::length;
      framing.length = *length;
    } else if (has_body) {
      if (version >= 11) framing.kind = Framing::Kind::chunked;
      else keep_alive = false;
    } else if (auto cl = parser.get().find(http::field::content_length); cl != parser.get().end()) {
      framing.length_text = cl->value();  // HEAD, 304: announce the length, send none
    }
    ClientBatch batch;
    batch.chunked = framing.kind == Framing::Kind::chunked;
    batch.raw(client_head(parser.get(), version, keep_alive, none, framing));
    if (conn.buffer.size() == 0 && !parser.is_done())
      if (!co_await flush(client, batch, deadlines)) co_return false;
    char* data = conn.relay_buffer();
    while (!parser.is_done()) {
      size_t got = 0;
      auto ec = co_await read_piece(conn, parser, data, kRelayBufferBytes, got, deadlines,
                                    options.config.timeouts.upstream_response);
      batch.piece(std::string_view(data, got));
      if (ec) {
        co_await flush(client, batch, deadlines);
        co_return false;  // the framing cannot say "error" after the head: closing does
      }
      if (!parser.is_done())
        if (!co_await flush(client, batch, deadlines)) co_return false;
    }
    batch.end();
    if (!co_await flush(client, batch, deadlines)) co_return false;
    upstream_reusable = true;
    co_return keep_alive;
  }

  wire::JudgeContext judge_context(const Exchange& from) {
    const wire::ExchangeContext& exchange = from.wire;
    wire::JudgeContext ctx;
    ctx.judge = from.judge ? from.judge : judge.load();  // the gate's (per client) or the server's current one
    ctx.exchange = exchange;
    ctx.limits = options.config.wire;
    if (from.dialect && wire::may_hold_earlier_calls(from.request_body))
      ctx.judge = wire::with_earlier_calls(std::move(ctx.judge), from.request_body, *from.dialect, ctx);
    ctx.counters = &counters;
    if (options.on_verdict) {
      // By address: the exchange outlives its filters (the relay that uses them awaits them), and a
      // sink of two pointers needs no allocation.
      ctx.sink = [this, exchange = &exchange](const wire::JudgedCall& call) {
        if (!exchange->model.empty() || call.model.empty()) return options.on_verdict(*exchange, call);
        wire::ExchangeContext with_model = *exchange;
        with_model.model = call.model;
        options.on_verdict(with_model, call);
      };
    }
    return ctx;
  }

  // A whole (non-streamed) chat completion: read it all, judge, send the original or the new bytes.
  template <class Conn>
  awaitable<bool> relay_body(beast::tcp_stream& client, Conn& conn, http::response_parser<http::buffer_body>& parser,
                             RelayDeadlines& deadlines, unsigned version, bool keep_alive, const wire::Dialect& dialect,
                             const Exchange& exchange, bool& upstream_reusable) {
    // Read straight into the body string: no relay buffer and no second copy.
    const size_t most = options.config.limits.max_response_body;
    std::string body;
    if (auto length = parser.content_length()) {
      if (*length > most) {
        co_return co_await send_error(client, http::status::bad_gateway, "upstream_response_too_large",
                                      "the upstream's response exceeds " + std::to_string(most) + " bytes", version,
                                      keep_alive);
      }
      body.resize(*length);
    }
    size_t filled = 0;
    while (!parser.is_done()) {
      if (filled == body.size()) body.resize(std::min(most + 1, std::max<size_t>(body.size() * 2, kRelayBufferBytes)));
      size_t got = 0;
      auto ec = co_await read_piece(conn, parser, body.data() + filled, body.size() - filled, got, deadlines,
                                    options.config.timeouts.upstream_response);
      filled += got;
      if (filled > most) {
        co_return co_await send_error(client, http::status::bad_gateway, "upstream_response_too_large",
                                      "the upstream's response exceeds " + std::to_string(most) + " bytes", version,
                                      keep_alive);
      }
      if (ec) {
        http::status status = is_timeout(ec) ? http::status::gateway_timeout : http::status::bad_gateway;
        std::string message = "the upstream's response ended early: " + describe(ec);
        co_return co_await send_error(client, status, "upstream_failed", message, version, keep_alive);
      }
    }
    body.resize(filled);
    upstream_reusable = true;
    auto ctx = judge_context(exchange);
    std::optional<Expected<std::optional<std::string>, wire::WireError>> result;
    auto filter_now = [&] {
      result.emplace(dialect.filter_body(body, ctx));
      return true;
    };
    // Only a large body that may hold a tool call goes to the judge pool; text alone and short calls
    // are filtered here.
    if (judged_off_io_thread(body.size()) && dialect.body_may_judge(body)) co_await off_io_thread(filter_now);
    else filter_now();
    auto& filtered = *result;
    if (!filtered) {
      co_return co_await send_error(client, static_cast<http::status>(filtered.error().http_status),
                                    filtered.error().code, filtered.error().message, version, keep_alive);
    }
    const std::string& out = filtered->has_value() ? **filtered : body;
    Framing framing{Framing::Kind::length, out.size(), {}};
    if (!co_await write_head(client, client_head(parser.get(), version, keep_alive, exchange.wire, framing), net::buffer(out)))
      co_return false;
    co_return keep_alive;
  }

  // A streamed chat completion: every upstream read goes through the stream filter and on at once
  // (only bytes that arrived together are sent together; nothing waits for later bytes).
  template <class Conn>
  awaitable<bool> relay_stream(beast::tcp_stream& client, Conn& conn, http::response_parser<http::buffer_body>& parser,
                               RelayDeadlines& deadlines, unsigned version, bool keep_alive, const wire::Dialect& dialect,
                               const Exchange& exchange, bool& upstream_reusable) {
    ClientBatch batch;
    batch.chunked = version >= 11;
    if (!batch.chunked) keep_alive = false;
    Framing framing;
    if (batch.chunked) framing.kind = Framing::Kind::chunked;
    batch.raw(client_head(parser.get(), version, keep_alive, exchange.wire, framing));
    // The head leaves now unless body bytes came with it (then it leaves with them, at once).
    if (conn.buffer.size() == 0 && !parser.is_done())
      if (!co_await flush(client, batch, deadlines)) co_return false;
    auto filter = dialect.filter_stream(judge_context(exchange));
    char* data = conn.relay_buffer();
    std::string out;
    bool clean = true;
    while (!parser.is_done()) {
      size_t got = 0;
      auto ec = co_await read_piece(conn, parser, data, kRelayBufferBytes, got, deadlines,
                                    options.config.timeouts.stream_idle);
      out.clear();
      std::string_view piece(data, got);
      auto feed = [&] { return filter->feed(piece, out); };
      bool go_on = true;
      if (got > 0) go_on = judged_off_io_thread(filter->judge_load(piece)) ? co_await off_io_thread(feed) : feed();
      if (!go_on) clean = false;
      if (go_on && ec) {
        clean = false;
        std::string why = is_timeout(ec) ? "the upstream sent nothing for the configured stream_idle time"
                                         : "the upstream stream broke off: " + describe(ec);
        filter->finish(why, out);
      }
      batch.piece(out);
      bool last = !go_on || ec || parser.is_done();
      // The last piece waits for the stream's end unless that end is judged off this thread.
      bool end_waits = last && clean && judged_off_io_thread(filter->judge_load({}));
      if (!last || end_waits)
        if (!co_await flush(client, batch, deadlines)) co_return false;
      if (!go_on || ec) break;
    }
    if (clean) {
      out.clear();
      auto finish = [&] {
        filter->finish({}, out);
        return true;
      };
      if (judged_off_io_thread(filter->judge_load({}))) co_await off_io_thread(finish);
      else finish();
      batch.piece(out);
      upstream_reusable = true;
    }
    batch.end();
    if (!co_await flush(client, batch, deadlines)) co_return false;
    co_return keep_alive;
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Expected<std::unique_ptr<Server>, std::string> Server::create(ServerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  const ProxyConfig& config = impl->options.config;
  auto problems = validate(config);
  if (!problems.empty()) return unexpected(problems.front().message);
  impl->judge.store(impl->options.judge);

  beast::error_code ec;
  auto address = net::ip::make_address(config.listen.host, ec);
  if (ec) return unexpected("listen address '" + config.listen.host + "' is not an IP address: " + ec.message());
  tcp::endpoint endpoint(address, config.listen.port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return unexpected("cannot listen on " + config.listen.host + ":" + std::to_string(config.listen.port) + ": " +
                      ec.message());

  impl->router = std::make_unique<Router>(config);
  bool any_tls = false;
  for (const auto& target : impl->router->targets()) any_tls = any_tls || target.url.tls;
  if (any_tls) {
    impl->tls.set_default_verify_paths(ec);
    if (!config.ca_file.empty()) impl->tls.load_verify_file(config.ca_file, ec);
    if (ec) return unexpected("cannot load CA certificates: " + ec.message());
    impl->tls.set_verify_mode(config.tls_verify ? ssl::verify_peer : ssl::verify_none);
  }

  allow_enough_descriptors(config.limits.max_connections);
  unsigned threads = config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->pools.resize(impl->router->targets().size());
    for (auto& pools : worker->pools) {
      pools.plain.max_idle = config.max_idle_upstream;
      pools.tls.max_idle = config.max_idle_upstream;
    }
    impl->workers.push_back(std::move(worker));
  }
  std::random_device random;
  char prefix[16];
  std::snprintf(prefix, sizeof prefix, "tw-%08x-", random());
  impl->request_prefix = prefix;
  std::string over_limit_body =
      error_json("too_many_connections", "toolwall is serving its limit of " +
                                             std::to_string(config.limits.max_connections) +
                                             " connections; retry shortly");
  impl->over_limit_response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                              "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
                              std::to_string(over_limit_body.size()) + "\r\n\r\n" + over_limit_body;
  impl->judge_pool = std::make_unique<net::thread_pool>(std::max(2u, std::thread::hardware_concurrency()));
  if (impl->options.handle_signals) {
    impl->signals.add(SIGINT);
    impl->signals.add(SIGTERM);
    impl->signals.add(SIGHUP);
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Endpoint Server::local_endpoint() const {
  beast::error_code ec;
  auto endpoint = impl_->acceptor.local_endpoint(ec);
  return Endpoint{endpoint.address().to_string(), endpoint.port()};
}

void Server::run() {
  Impl& impl = *impl_;
  net::co_spawn(impl.accept_ioc, impl.accept_loop(), net::detached);
  if (impl.options.handle_signals) net::co_spawn(impl.accept_ioc, impl.signal_loop(), net::detached);
  std::vector<std::thread> threads;
  for (auto& worker : impl.workers) threads.emplace_back([w = worker.get()] { w->ioc.run(); });
  impl.accept_ioc.run();
  for (auto& thread : threads) thread.join();
}

void Server::shutdown() { impl_->begin_shutdown(); }

void Server::swap_judge(std::shared_ptr<const Judge> judge) { impl_->judge.store(std::move(judge)); }

const wire::WireCounters& Server::counters() const { return impl_->counters; }

const ConnectionCounters& Server::connections() const { return impl_->connections; }

}  // namespace toolwall::proxy
