#include "http_client.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace toolwall::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

struct HttpConnection::Impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool open = false;
};

HttpConnection::HttpConnection(uint16_t port) : impl_(std::make_unique<Impl>()) {
  beast::error_code ec;
  impl_->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  impl_->open = !ec;
  impl_->stream.socket().set_option(tcp::no_delay(true), ec);
  // Blocking Beast calls ignore expires_after: a receive timeout keeps a broken test from hanging.
  timeval timeout{10, 0};
  ::setsockopt(impl_->stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::open() const { return impl_->open; }

HttpResponse HttpConnection::request(const std::string& method, const std::string& target, const std::string& body,
                                     const std::vector<Header>& headers, size_t stop_after, int http_version) {
  HttpResponse out;
  if (!impl_->open) {
    out.error = "not connected";
    return out;
  }
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(http_version);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& h : headers) req.insert(h.name, h.value);
  req.body() = body;
  if (!body.empty() || method == "POST") req.prepare_payload();
  beast::error_code ec;
  impl_->stream.expires_after(std::chrono::seconds(20));
  http::write(impl_->stream, req, ec);
  if (ec) {
    out.error = ec.message();
    impl_->open = false;
    return out;
  }
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  if (method == "HEAD") parser.skip(true);
  http::read_header(impl_->stream, impl_->buffer, parser, ec);
  if (ec) {
    out.error = ec.message();
    impl_->open = false;
    return out;
  }
  out.status = parser.get().result_int();
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  char data[8192];
  while (!parser.is_done()) {
    parser.get().body().data = data;
    parser.get().body().size = sizeof data;
    http::read_some(impl_->stream, impl_->buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    size_t got = sizeof data - parser.get().body().size;
    if (got) {
      out.body.append(data, got);
      out.pieces.push_back({std::string(data, got), std::chrono::steady_clock::now()});
    }
    if (ec) {
      out.error = ec.message();
      impl_->open = false;
      return out;
    }
    if (stop_after && out.body.size() >= stop_after) {
      impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      impl_->stream.close();
      impl_->open = false;
      return out;
    }
  }
  out.complete = true;
  if (!parser.keep_alive()) impl_->open = false;
  return out;
}

HttpResponse http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                          const std::vector<Header>& headers) {
  HttpConnection connection(port);
  return connection.request(method, target, body, headers);
}

std::string raw_exchange(uint16_t port, const std::string& bytes, int timeout_ms) {
  net::io_context ioc;
  tcp::socket socket(ioc);
  beast::error_code ec;
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "connect failed: " + ec.message();
  net::write(socket, net::buffer(bytes), ec);
  std::string out;
  char data[4096];
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{socket.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(socket.native_handle(), data, sizeof data, 0);
    if (n <= 0) break;
    out.append(data, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace toolwall::test
