#pragma once
// The HTTP proxy daemon: listens, forwards every request to the upstream, and sends chat-completion
// responses through their wire dialect so tool calls are judged. Beast stays inside server.cpp.
#include <functional>
#include <memory>
#include <string>

#include "core/expected.h"
#include "core/judge.h"
#include "proxy/config.h"
#include "proxy/gate.h"
#include "proxy/metrics.h"
#include "wire/dialect.h"

namespace toolwall::proxy {

// Called for every judged call, on an I/O thread: keep it short (the audit log appends under a mutex).
using VerdictObserver = std::function<void(const wire::ExchangeContext&, const wire::JudgedCall&)>;

struct ServerOptions {
  ProxyConfig config;
  std::shared_ptr<const Judge> judge;
  VerdictObserver on_verdict;        // may be empty
  std::function<void()> on_reopen;   // SIGHUP (logrotate); may be empty
  std::shared_ptr<RequestGate> gate; // may be null: client tokens, models, credentials, /metrics
  bool handle_signals = true;        // SIGINT/SIGTERM shut down gracefully, SIGHUP calls on_reopen
};

class Server {
 public:
  // Binds the listening socket (so the port is known before run) and prepares the TLS context.
  static Expected<std::unique_ptr<Server>, std::string> create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  Endpoint local_endpoint() const;  // the bound address, with the real port when 0 was asked for
  void run();                       // serves until shutdown() (or a signal) and the drain have finished
  void shutdown();                  // stop accepting, close idle connections, drain in-flight exchanges
  void swap_judge(std::shared_ptr<const Judge> judge);  // hot reload: later exchanges use the new judge
  const wire::WireCounters& counters() const;
  const ConnectionCounters& connections() const;  // open and rejected client connections

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace toolwall::proxy
