#pragma once
// The team-service gate: client tokens, per-client policy layers, upstream key injection, trusted
// models, and the local endpoints /metrics, /readyz and /livez. Its state is swapped whole on reload.
#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "proxy/client_auth.h"
#include "proxy/gate.h"
#include "proxy/metrics.h"
#include "proxy/team_config.h"

namespace toolwall::proxy {

// Everything one load of the config and policies produced; immutable once built.
struct TeamState {
  TeamConfig team;
  ClientDirectory directory;
  std::shared_ptr<const Judge> base_judge;                           // the base policy alone
  std::map<std::string, std::shared_ptr<const Judge>> client_judges; // by client name
  std::string upstream_key;                                          // "" = the client's own headers go on
  std::map<std::string, std::string, std::less<>> upstream_keys;  // by named upstream (api_key_*): wins over upstream_key
};

class TeamGate final : public RequestGate {
 public:
  explicit TeamGate(std::shared_ptr<Metrics> metrics) : metrics_(std::move(metrics)) {}
  void set_state(std::shared_ptr<const TeamState> state) { state_.store(std::move(state)); }
  std::shared_ptr<const TeamState> state() const { return state_.load(); }
  void set_wire_counters(const wire::WireCounters* counters) { wire_ = counters; }

  GateDecision admit(const GateRequest& request) override;

 private:
  GateDecision refuse(const GateRequest& request, GateDecision decision, int status, std::string code,
                      std::string message);

  std::shared_ptr<Metrics> metrics_;
  std::atomic<std::shared_ptr<const TeamState>> state_;
  const wire::WireCounters* wire_ = nullptr;
};

// The route label of a path: the known API paths, else "other" (bounded label values).
std::string_view route_label(std::string_view path);

}  // namespace toolwall::proxy
