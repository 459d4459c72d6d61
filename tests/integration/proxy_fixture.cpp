#include "proxy_fixture.h"

#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/default_engine.h"
#include "engine/engine.h"
#include "proxy/serve.h"

namespace toolwall::test {

std::shared_ptr<const Judge> real_engine() {
  auto engine = testing::default_engine();
  if (!engine) FAIL("the default policy did not load (its errors are on stderr)");
  return engine;
}

ProxyFixture::ProxyFixture(ScriptedUpstream::Handler handler, Tweak tweak, std::shared_ptr<const Judge> judge)
    : upstream(std::move(handler)) {
  static std::atomic<int> counter{0};
  audit_path_ = (std::filesystem::temp_directory_path() /
                 ("toolwall-it-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".jsonl"))
                    .string();
  std::filesystem::remove(audit_path_);
  proxy::ProxyConfig config;
  config.listen = {"127.0.0.1", 0};
  config.upstream = {false, "127.0.0.1", upstream.port(), ""};
  config.threads = 2;
  config.timeouts.client_idle = std::chrono::milliseconds(3000);
  config.timeouts.upstream_response = std::chrono::milliseconds(3000);
  config.timeouts.stream_idle = std::chrono::milliseconds(3000);
  config.timeouts.shutdown_grace = std::chrono::milliseconds(3000);
  if (tweak) tweak(config);
  auto log = audit::AuditLog::open({audit_path_, false});
  REQUIRE(log.has_value());
  log_ = std::move(*log);
  proxy::ServerOptions options;
  options.config = config;
  options.judge = judge ? judge : real_engine();
  options.handle_signals = false;
  options.on_verdict = [log = log_](const wire::ExchangeContext& exchange, const wire::JudgedCall& judged) {
    log->record(proxy::audit_entry(exchange, judged));
  };
  auto server = proxy::Server::create(std::move(options));
  if (!server) FAIL("the proxy did not start: " << server.error());
  server_ = std::move(*server);
  port_ = server_->local_endpoint().port;
  runner_ = std::thread([this] { server_->run(); });
}

void ProxyFixture::shutdown() {
  if (!runner_.joinable()) return;
  server_->shutdown();
  runner_.join();
}

ProxyFixture::~ProxyFixture() {
  shutdown();
  std::filesystem::remove(audit_path_);
}

std::string ProxyFixture::audit_text() const {
  std::ifstream in(audit_path_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<nlohmann::json> ProxyFixture::audit_lines() const {
  std::vector<nlohmann::json> lines;
  std::istringstream in(audit_text());
  std::string line;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace toolwall::test
