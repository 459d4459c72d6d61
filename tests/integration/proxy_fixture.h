#pragma once
// A proxy running in-process on an ephemeral port, in front of a scripted upstream, judging with
// the real engine and the default policy, writing a temporary audit log.
#include <functional>
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "core/judge.h"
#include "proxy/server.h"
#include "scripted_upstream.h"

namespace toolwall::test {

// The real engine with rules/default.yaml and config/agents.yaml, loaded once; fails the test if not.
std::shared_ptr<const Judge> real_engine();

class ProxyFixture {
 public:
  using Tweak = std::function<void(proxy::ProxyConfig&)>;
  explicit ProxyFixture(ScriptedUpstream::Handler handler, Tweak tweak = {}, std::shared_ptr<const Judge> judge = {});
  ~ProxyFixture();
  uint16_t port() const { return port_; }
  std::string audit_text() const;
  std::vector<nlohmann::json> audit_lines() const;  // audit_text, one parsed JSON line each
  void shutdown();  // graceful, like SIGTERM; waits for the server to finish
  proxy::Server& server() { return *server_; }

  ScriptedUpstream upstream;

 private:
  std::string audit_path_;
  std::shared_ptr<audit::AuditLog> log_;
  std::unique_ptr<proxy::Server> server_;
  std::thread runner_;
  uint16_t port_ = 0;
};

}  // namespace toolwall::test
