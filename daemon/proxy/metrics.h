#pragma once
// Counters for Prometheus (`GET /metrics`, text format 0.0.4) and the structured JSON log.
#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/verdict.h"
#include "engine/verdict_cache.h"
#include "wire/dialect.h"

namespace toolwall::proxy {

// Client connections, kept by the server (atomics: read while it serves).
struct ConnectionCounters {
  std::atomic<uint64_t> open{0};
  std::atomic<uint64_t> rejected{0};  // over limits.max_connections: answered 503 and closed
};

class Metrics {
 public:
  void request(std::string_view route, std::string_view status);          // one finished exchange
  void verdict(const Verdict& verdict);                                   // by action, and by each rule
  void upstream_latency(std::chrono::steady_clock::duration latency);     // response head arrival
  void stream_opened() { ++active_streams_; }
  void stream_closed() { --active_streams_; }
  void reload(bool ok) { ++(ok ? reloads_ok_ : reloads_failed_); }
  void rejected(std::string_view reason);                                 // unauthorized, model_not_allowed
  void upstream_request(std::string_view upstream);                       // a request forwarded to it
  void set_connection_counters(const ConnectionCounters* counters) { connections_ = counters; }
  // The whole exposition, with the wire counters when given.
  std::string render(const wire::WireCounters* wire) const;

  // Counters every verdict cache built for this process adds to (engine/verdict_cache.h).
  const std::shared_ptr<engine::VerdictCacheCounters>& verdict_cache() const { return verdict_cache_; }

  uint64_t reloads_ok() const { return reloads_ok_; }
  uint64_t reloads_failed() const { return reloads_failed_; }

 private:
  static constexpr std::array<double, 12> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  // Per-exchange counters are lock-free: the known routes by status "error" (slot 0) or 100-599.
  static constexpr std::array<std::string_view, 10> kRoutes{
      "/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1/models", "/v1/embeddings",
      "/api/chat",            "/metrics",      "/readyz",      "/livez",     "other"};
  static constexpr size_t kStatusSlots = 501;
  std::array<std::array<std::atomic<uint64_t>, kStatusSlots>, kRoutes.size()> route_status_{};
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, uint64_t> requests_;  // anything outside the table
  std::map<std::string, uint64_t> verdicts_, rule_hits_, rejections_;
  std::map<std::string, uint64_t, std::less<>> upstream_requests_;  // names come from the config: bounded
  std::array<std::atomic<uint64_t>, kBuckets.size() + 1> latency_buckets_{};  // not cumulative; last: +Inf
  std::atomic<uint64_t> latency_nanoseconds_{0};
  std::atomic<int64_t> active_streams_{0};
  std::atomic<uint64_t> reloads_ok_{0}, reloads_failed_{0};
  std::atomic<const ConnectionCounters*> connections_{nullptr};
  std::shared_ptr<engine::VerdictCacheCounters> verdict_cache_ = std::make_shared<engine::VerdictCacheCounters>();
};

// One JSON line on standard error: {"ts","level","event",…fields}. Never pass credentials.
void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace toolwall::proxy
