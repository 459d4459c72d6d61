#pragma once
// A real HTTP/1.1 client for the integration tests (Boost.Beast, blocking), kept out of the test
// files so only one of them compiles Beast.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace toolwall::test {

struct Header {
  std::string name, value;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string error;  // set when the exchange failed at the transport level
  struct Piece {
    std::string bytes;
    std::chrono::steady_clock::time_point at;
  };
  std::vector<Piece> pieces;  // body pieces as they arrived (streamed requests)
  bool complete = false;      // the body ended with its proper framing
};

// One keep-alive connection to 127.0.0.1:port.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  // Sends a request and reads the whole response; `stop_after` > 0 closes the connection once that
  // many body bytes arrived (a client that walks away).
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = {},
                       const std::vector<Header>& headers = {}, size_t stop_after = 0, int http_version = 11);
  bool open() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fresh connection per request.
HttpResponse http_request(uint16_t port, const std::string& method, const std::string& target,
                          const std::string& body = {}, const std::vector<Header>& headers = {});

// Sends raw bytes and returns everything read until the server closes or `timeout_ms` passes.
std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms = 2000);

}  // namespace toolwall::test
