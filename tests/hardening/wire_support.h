#pragma once
// Loopback plumbing for the fault and secret tests, independent of tests/integration: a scripted
// upstream on raw sockets (each reply a list of sends, pauses, closes and resets), a raw HTTP client,
// an in-process proxy, and a reader for the chat-completions SSE a client receives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "proxy/server.h"
#include "wire/sse.h"

namespace toolwall::hardening {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

// ---- sockets ----

inline int listen_loopback(uint16_t& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::listen(fd, 1024);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

inline int connect_loopback(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int yes = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  return fd;
}

inline bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Closes with an RST instead of a FIN.
inline void reset_close(int fd) {
  linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  ::close(fd);
}

// Reads until the peer closes or `timeout` passes; `closed` says which.
inline std::string read_until_close(int fd, std::chrono::milliseconds timeout, bool* closed = nullptr) {
  std::string out;
  auto deadline = Clock::now() + timeout;
  char buffer[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      return out;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  if (closed) *closed = false;
  return out;
}

// ---- scripted upstream ----

struct Step {
  enum class Kind { send, sleep, close, reset } kind = Kind::send;
  std::string bytes;
  int milliseconds = 0;
};
using Script = std::vector<Step>;
inline Step send(std::string bytes) { return {Step::Kind::send, std::move(bytes), 0}; }
inline Step pause(int ms) { return {Step::Kind::sleep, {}, ms}; }
inline Step hang_up() { return {Step::Kind::close, {}, 0}; }
inline Step reset() { return {Step::Kind::reset, {}, 0}; }

inline std::string chunk_frame(std::string_view piece) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  return size + std::string(piece) + "\r\n";
}

inline std::string json_head(int status, size_t length) {
  return "HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(length) + "\r\n\r\n";
}
inline const char* kSseHead =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

struct SeenRequest {
  std::string head;
  std::string body;
};

class Upstream {
 public:
  using Handler = std::function<Script(const SeenRequest&)>;
  explicit Upstream(Handler handler) : handler_(std::move(handler)) {
    listener_ = listen_loopback(port_);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~Upstream() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::lock_guard lock(mutex_);
    for (auto& t : connections_) t.join();
  }
  uint16_t port() const { return port_; }
  int requests() const { return requests_; }
  size_t bytes_sent() const { return bytes_sent_; }
  int peer_gone() const { return peer_gone_; }  // sends that failed because the proxy closed

 private:
  void accept_loop() {
    while (!stopping_) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      std::lock_guard lock(mutex_);
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }
  bool read_request(int fd, std::string& pending, SeenRequest& request) {
    char buffer[65536];
    for (;;) {
      auto end = pending.find("\r\n\r\n");
      if (end != std::string::npos) {
        request.head = pending.substr(0, end + 4);
        size_t length = 0;
        auto at = request.head.find("Content-Length: ");
        if (at == std::string::npos) at = request.head.find("content-length: ");
        if (at != std::string::npos) length = std::stoul(request.head.substr(at + 16));
        while (pending.size() < end + 4 + length) {
          ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
          if (n <= 0) return false;
          pending.append(buffer, static_cast<size_t>(n));
        }
        request.body = pending.substr(end + 4, length);
        pending.erase(0, end + 4 + length);
        return true;
      }
      ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) return false;
      pending.append(buffer, static_cast<size_t>(n));
    }
  }
  void serve(int fd) {
    std::string pending;
    SeenRequest request;
    while (!stopping_ && read_request(fd, pending, request)) {
      ++requests_;
      for (const auto& step : handler_(request)) {
        switch (step.kind) {
          case Step::Kind::send:
            if (!send_all(fd, step.bytes)) {
              ++peer_gone_;
              ::close(fd);
              return;
            }
            bytes_sent_ += step.bytes.size();
            break;
          case Step::Kind::sleep: std::this_thread::sleep_for(std::chrono::milliseconds(step.milliseconds)); break;
          case Step::Kind::close: ::close(fd); return;
          case Step::Kind::reset: reset_close(fd); return;
        }
      }
    }
    ::close(fd);
  }

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0}, peer_gone_{0};
  std::atomic<size_t> bytes_sent_{0};
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

// ---- in-process proxy ----

class Proxy {
 public:
  using Tweak = std::function<void(proxy::ProxyConfig&)>;
  Proxy(uint16_t upstream_port, std::shared_ptr<const Judge> judge, Tweak tweak = {}) {
    proxy::ProxyConfig config;
    config.listen = {"127.0.0.1", 0};
    config.upstream = {false, "127.0.0.1", upstream_port, ""};
    config.threads = 2;
    config.timeouts.client_idle = std::chrono::milliseconds(3000);
    config.timeouts.upstream_connect = std::chrono::milliseconds(2000);
    config.timeouts.upstream_response = std::chrono::milliseconds(3000);
    config.timeouts.stream_idle = std::chrono::milliseconds(3000);
    config.timeouts.client_write = std::chrono::milliseconds(3000);
    config.timeouts.shutdown_grace = std::chrono::milliseconds(2000);
    if (tweak) tweak(config);
    proxy::ServerOptions options;
    options.config = config;
    options.judge = std::move(judge);
    options.handle_signals = false;
    auto server = proxy::Server::create(std::move(options));
    if (!server) throw std::runtime_error("proxy did not start: " + server.error());
    server_ = std::move(*server);
    port_ = server_->local_endpoint().port;
    runner_ = std::thread([this] { server_->run(); });
  }
  ~Proxy() {
    server_->shutdown();
    runner_.join();
  }
  uint16_t port() const { return port_; }
  proxy::Server& server() { return *server_; }

 private:
  std::unique_ptr<proxy::Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
};

// ---- client side ----

inline std::string chat_request(bool stream, const std::string& extra_headers = "") {
  std::string body = Json{{"model", "m"}, {"stream", stream}, {"messages", Json::array({{{"role", "user"}, {"content", "hi"}}})}}.dump();
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
         "X-Toolwall-Agent: claude-code\r\nConnection: close\r\n" + extra_headers +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct HttpReply {
  int status = 0;
  std::string head, body;  // body de-chunked when chunked
  bool closed = false;     // the proxy closed the connection (rather than the read timing out)
};

inline std::string dechunk(std::string_view raw) {
  std::string out;
  while (!raw.empty()) {
    auto line_end = raw.find("\r\n");
    if (line_end == std::string_view::npos) break;
    size_t size = std::strtoul(std::string(raw.substr(0, line_end)).c_str(), nullptr, 16);
    raw.remove_prefix(line_end + 2);
    if (size == 0 || raw.size() < size) {
      out += raw.substr(0, std::min(size, raw.size()));
      break;
    }
    out += raw.substr(0, size);
    raw.remove_prefix(std::min(raw.size(), size + 2));
  }
  return out;
}

inline HttpReply parse_reply(const std::string& raw, bool closed) {
  HttpReply reply;
  reply.closed = closed;
  auto end = raw.find("\r\n\r\n");
  if (raw.size() >= 12 && raw.compare(0, 5, "HTTP/") == 0) reply.status = std::atoi(raw.c_str() + 9);
  if (end == std::string::npos) return reply;
  reply.head = raw.substr(0, end + 4);
  auto rest = raw.substr(end + 4);
  bool chunked = reply.head.find("chunked") != std::string::npos;
  reply.body = chunked ? dechunk(rest) : rest;
  return reply;
}

// One request on a fresh connection, read to the close (requests say Connection: close).
inline HttpReply http_exchange(uint16_t port, const std::string& request,
                          std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  int fd = connect_loopback(port);
  if (fd < 0) return {};
  send_all(fd, request);
  bool closed = false;
  auto raw = read_until_close(fd, timeout, &closed);
  ::close(fd);
  return parse_reply(raw, closed);
}

// What a chat-completions stream delivered: tool calls by id (with how often each id started),
// the error code of an error event, whether [DONE] came.
struct StreamView {
  std::map<std::string, int> call_starts;
  std::map<std::string, std::string> arguments;
  std::string error_code;
  bool done = false;
  std::string content;
};

inline StreamView view_stream(const std::string& body) {
  StreamView view;
  wire::SseFramer framer(64u << 20);
  std::vector<wire::SseEvent> events;
  framer.feed(body, events);
  std::map<int, std::string> id_by_index;
  for (const auto& event : events) {
    if (!event.has_data) continue;
    if (event.data == "[DONE]") {
      view.done = true;
      continue;
    }
    auto chunk = Json::parse(event.data, nullptr, false);
    if (chunk.is_discarded()) continue;
    if (chunk.contains("error")) view.error_code = chunk["error"].value("code", "?");
    if (!chunk.contains("choices")) continue;
    for (const auto& choice : chunk["choices"]) {
      const auto& delta = choice["delta"];
      if (delta.contains("content") && delta["content"].is_string()) view.content += delta["content"].get<std::string>();
      if (!delta.contains("tool_calls")) continue;
      for (const auto& fragment : delta["tool_calls"]) {
        int index = fragment.value("index", 0);
        if (fragment.contains("id")) {
          id_by_index[index] = fragment["id"];
          ++view.call_starts[fragment["id"]];
        }
        if (fragment.contains("function") && fragment["function"].contains("arguments"))
          view.arguments[id_by_index[index]] += fragment["function"]["arguments"].get<std::string>();
      }
    }
  }
  return view;
}

// ---- upstream payloads ----

inline std::string sse_chunk(const Json& delta, const Json& finish = nullptr) {
  Json chunk = {{"id", "chatcmpl-h"}, {"object", "chat.completion.chunk"}, {"created", 1700000000}, {"model", "m"},
                {"choices", Json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
  return "data: " + chunk.dump() + "\n\n";
}

// A streamed tool call (id, Bash, command) in two argument pieces, as index `index`.
inline std::string sse_call(int index, const std::string& id, const std::string& command) {
  std::string args = Json{{"command", command}}.dump();
  size_t half = args.size() / 2;
  return sse_chunk({{"tool_calls", Json::array({{{"index", index}, {"id", id}, {"type", "function"},
                                                 {"function", {{"name", "Bash"}, {"arguments", args.substr(0, half)}}}}})}}) +
         sse_chunk({{"tool_calls", Json::array({{{"index", index}, {"function", {{"arguments", args.substr(half)}}}}})}});
}

inline std::string sse_finish() { return sse_chunk(Json::object(), "tool_calls") + "data: [DONE]\n\n"; }

inline std::string chat_body_with_call(const std::string& id, const std::string& command) {
  Json call = {{"id", id}, {"type", "function"},
               {"function", {{"name", "Bash"}, {"arguments", Json{{"command", command}}.dump()}}}};
  return Json{{"id", "chatcmpl-h"}, {"object", "chat.completion"}, {"created", 1700000000}, {"model", "m"},
              {"choices", Json::array({{{"index", 0}, {"finish_reason", "tool_calls"},
                                        {"message", {{"role", "assistant"}, {"content", nullptr},
                                                     {"tool_calls", Json::array({call})}}}}})}}
      .dump();
}

}  // namespace toolwall::hardening
