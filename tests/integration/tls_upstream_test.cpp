#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <filesystem>
#include <thread>

#include "chat_payloads.h"
#include "http_client.h"
#include "proxy_fixture.h"

using namespace toolwall;
using namespace toolwall::test;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

namespace {

// A throw-away CA-less certificate for "localhost", made with the openssl CLI for this test run.
struct Certificate {
  std::filesystem::path dir, cert, key;
  Certificate() {
    dir = std::filesystem::temp_directory_path() / ("toolwall-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    cert = dir / "cert.pem";
    key = dir / "key.pem";
    std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                          "-addext subjectAltName=DNS:localhost -keyout '" + key.string() + "' -out '" +
                          cert.string() + "' > /dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
  }
  ~Certificate() { std::filesystem::remove_all(dir); }
};

// An HTTPS upstream that answers every request with one canned chat completion.
class TlsUpstream {
 public:
  explicit TlsUpstream(const Certificate& certificate) : context_(ssl::context::tls_server) {
    context_.use_certificate_chain_file(certificate.cert.string());
    context_.use_private_key_file(certificate.key.string(), ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsUpstream() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocking accept (close alone does not)
    thread_.join();
    boost::system::error_code ec;
    acceptor_.close(ec);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int served() const { return served_; }

 private:
  void serve() {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      if (ec) return;
      ssl::stream<tcp::socket> stream(std::move(socket), context_);
      stream.handshake(ssl::stream_base::server, ec);
      if (ec) continue;
      std::string request;
      char data[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        size_t n = stream.read_some(net::buffer(data), ec);
        if (ec) break;
        request.append(data, n);
      }
      size_t length_at = request.find("Content-Length: ");
      size_t length = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
      while (!ec && request.size() - request.find("\r\n\r\n") - 4 < length) {
        size_t n = stream.read_some(net::buffer(data), ec);
        request.append(data, n);
      }
      std::string body = completion_body("over TLS", {});
      std::string response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body;
      net::write(stream, net::buffer(response), ec);
      stream.shutdown(ec);
      ++served_;
    }
  }

  net::io_context ioc_;
  ssl::context context_;
  tcp::acceptor acceptor_{ioc_};
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> served_{0};
};

ProxyFixture::Tweak https_to(uint16_t port, std::string host, std::string ca_file, bool verify = true) {
  return [=](proxy::ProxyConfig& c) {
    c.upstream = {true, host, port, ""};
    c.ca_file = ca_file;
    c.tls_verify = verify;
    c.tls_verify_explicitly_off = !verify;
  };
}

}  // namespace

TEST_CASE("an https upstream is verified against its certificate and name, with SNI") {
  Certificate certificate;
  TlsUpstream upstream(certificate);
  auto none = [](const RecordedRequest&) { return Script{}; };

  ProxyFixture trusted(none, https_to(upstream.port(), "localhost", certificate.cert.string()));
  auto ok = http_request(trusted.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(ok.status == 200);
  CHECK(ok.body.find("over TLS") != std::string::npos);

  ProxyFixture untrusted(none, https_to(upstream.port(), "localhost", ""));
  auto refused = http_request(untrusted.port(), "POST", "/v1/chat/completions", chat_request(false));
  CHECK(refused.status == 502);
  CHECK(nlohmann::json::parse(refused.body)["error"]["code"] == "upstream_tls_failed");

  ProxyFixture wrong_name(none, https_to(upstream.port(), "127.0.0.1", certificate.cert.string()));
  auto mismatch = http_request(wrong_name.port(), "GET", "/v1/models");
  CHECK(mismatch.status == 502);

  ProxyFixture unverified(none, https_to(upstream.port(), "localhost", "", false));
  CHECK(http_request(unverified.port(), "POST", "/v1/chat/completions", chat_request(false)).status == 200);
}

TEST_CASE("an https upstream with verification off is refused unless the config says so explicitly") {
  proxy::ServerOptions options;
  options.config.upstream = {true, "localhost", 443, ""};
  options.config.listen = {"127.0.0.1", 0};
  options.config.tls_verify = false;
  options.judge = real_engine();
  options.handle_signals = false;
  auto server = proxy::Server::create(options);
  REQUIRE_FALSE(server.has_value());
  CHECK(server.error().find("tls_verify: false") != std::string::npos);
}

TEST_CASE("named https upstreams are each verified against their own host name, beside a plain http default") {
  Certificate certificate;
  TlsUpstream upstream(certificate);
  ProxyFixture proxy(
      [](const RecordedRequest&) { return json_response(200, completion_body("over plain http", {})); },
      [&](proxy::ProxyConfig& c) {
        c.ca_file = certificate.cert.string();
        proxy::NamedUpstream by_name{"by-name", {true, "localhost", upstream.port(), ""}, "", ""};
        proxy::NamedUpstream by_address{"by-address", {true, "127.0.0.1", upstream.port(), ""}, "", ""};
        c.routing.upstreams = {by_name, by_address};
        c.routing.routes = {{"", "named-*", "by-name", false}, {"/by-address", "", "by-address", true}};
        // No default_upstream: the top-level plain http upstream takes the rest.
      });
  auto named = http_request(proxy.port(), "POST", "/v1/chat/completions", R"({"model":"named-1","messages":[]})");
  CHECK(named.status == 200);
  CHECK(named.body.find("over TLS") != std::string::npos);
  // The certificate names localhost, not 127.0.0.1: that upstream fails verification on its own.
  auto mismatch = http_request(proxy.port(), "POST", "/by-address/v1/chat/completions", R"({"model":"other"})");
  CHECK(mismatch.status == 502);
  CHECK(nlohmann::json::parse(mismatch.body)["error"]["code"] == "upstream_tls_failed");
  auto plain = http_request(proxy.port(), "POST", "/v1/chat/completions", R"({"model":"other","messages":[]})");
  CHECK(plain.status == 200);
  CHECK(plain.body.find("over plain http") != std::string::npos);
  CHECK(upstream.served() == 1);
}
