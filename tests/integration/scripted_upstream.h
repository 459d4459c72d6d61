#pragma once
// A model endpoint for tests, on raw sockets so each test scripts the exact bytes, their split into
// TCP writes, the delays between them, and abrupt closes. One thread per connection; keep-alive.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace toolwall::test {

struct Step {
  enum class Kind { send, sleep, close } kind = Kind::send;
  std::string bytes;
  int milliseconds = 0;
};

struct RecordedRequest {
  std::string method, target, head;       // head: the raw request line and headers
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  int connection = 0;  // which upstream connection carried it (1-based)
};

using Script = std::vector<Step>;

inline Step send(std::string bytes) { return Step{Step::Kind::send, std::move(bytes), 0}; }
inline Step pause(int ms) { return Step{Step::Kind::sleep, {}, ms}; }
inline Step hang_up() { return Step{Step::Kind::close, {}, 0}; }

// A complete response with Content-Length.
inline Script json_response(int status, const std::string& body, const std::string& extra_headers = "") {
  return {send("HTTP/1.1 " + std::to_string(status) + " Status\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body)};
}

inline std::string chunk_frame(const std::string& piece) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  return size + piece + "\r\n";
}

// An SSE response, chunked, its bytes split into TCP writes of `piece` bytes with `delay_ms` between.
inline Script sse_response(const std::string& events, size_t piece = 0, int delay_ms = 0, bool finish = true) {
  Script script{send("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n")};
  if (piece == 0) piece = events.size() + 1;
  for (size_t at = 0; at < events.size(); at += piece) {
    if (delay_ms && at) script.push_back(pause(delay_ms));
    script.push_back(send(chunk_frame(events.substr(at, piece))));
  }
  if (finish) script.push_back(send("0\r\n\r\n"));
  return script;
}

class ScriptedUpstream {
 public:
  using Handler = std::function<Script(const RecordedRequest&)>;

  explicit ScriptedUpstream(Handler handler) : handler_(std::move(handler)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listener_, 128);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~ScriptedUpstream() {
    stopping_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    acceptor_.join();
    std::vector<std::thread> workers;
    {
      std::lock_guard lock(mutex_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes every worker: reads, polls and sends fail
      workers.swap(workers_);
    }
    for (auto& t : workers) t.join();
  }

  uint16_t port() const { return port_; }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections() const { return connections_; }
  int failed_sends() const { return failed_sends_; }  // writes that found the proxy gone
  int closed_by_peer() const { return closed_by_peer_; }

 private:
  void accept_loop() {
    while (!stopping_) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      int yes = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      int id = ++connections_;
      std::lock_guard lock(mutex_);
      open_fds_.push_back(fd);
      workers_.emplace_back([this, fd, id] { serve(fd, id); });
    }
  }

  void serve(int fd, int id) {
    std::string buffer;
    for (;;) {
      RecordedRequest request;
      if (!read_request(fd, buffer, request)) break;
      request.connection = id;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      bool open = true;
      for (const auto& step : handler_(request)) {
        if (step.kind == Step::Kind::sleep) {
          if (!sleep_watching(fd, step.milliseconds)) {
            ++closed_by_peer_;
            open = false;
            break;
          }
        } else if (step.kind == Step::Kind::close) {
          open = false;
          break;
        } else if (!send_all(fd, step.bytes)) {
          ++failed_sends_;
          open = false;
          break;
        }
      }
      if (!open) break;
    }
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
    ::close(fd);
  }

  // Sleeps, noticing when the peer closes (a proxy cancelling the request).
  static bool sleep_watching(int fd, int ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
      if (left.count() <= 0) return true;
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, static_cast<int>(left.count()));
      if (r > 0) {
        char c;
        ssize_t n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN)) return false;
        if (n > 0) std::this_thread::sleep_for(left);  // pipelined data: just wait
        if (n > 0) return true;
      }
    }
  }

  static bool send_all(int fd, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return true;
  }

  static bool read_request(int fd, std::string& buffer, RecordedRequest& request) {
    size_t head_end;
    while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(fd, buffer)) return false;
    }
    request.head = buffer.substr(0, head_end);
    size_t line_end = request.head.find("\r\n");
    std::string line = request.head.substr(0, line_end);
    size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
    request.method = line.substr(0, sp1);
    request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    size_t pos = line_end == std::string::npos ? request.head.size() : line_end + 2;
    while (pos < request.head.size()) {
      size_t end = request.head.find("\r\n", pos);
      if (end == std::string::npos) end = request.head.size();
      std::string header = request.head.substr(pos, end - pos);
      size_t colon = header.find(':');
      std::string name = header.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = colon == std::string::npos ? "" : header.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      request.headers[name] = value;
      pos = end + 2;
    }
    size_t length = request.headers.count("content-length") ? std::stoul(request.headers["content-length"]) : 0;
    buffer.erase(0, head_end + 4);
    while (buffer.size() < length)
      if (!read_more(fd, buffer)) return false;
    request.body = buffer.substr(0, length);
    buffer.erase(0, length);
    return true;
  }

  static bool read_more(int fd, std::string& buffer) {
    char data[16384];
    ssize_t n = ::recv(fd, data, sizeof data, 0);
    if (n <= 0) return false;
    buffer.append(data, static_cast<size_t>(n));
    return true;
  }

  Handler handler_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::vector<int> open_fds_;
  mutable std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
  std::atomic<int> connections_{0}, failed_sends_{0}, closed_by_peer_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace toolwall::test
