#include "proxy/metrics.h"

#include <charconv>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "audit/audit_log.h"

namespace toolwall::proxy {

namespace {
// Label values escaped as the text format asks: backslash, quote, newline.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

void Metrics::request(std::string_view route, std::string_view status) {
  size_t slot = kStatusSlots;
  if (status == "error") {
    slot = 0;
  } else {
    unsigned code = 0;
    auto [end, ec] = std::from_chars(status.data(), status.data() + status.size(), code);
    if (ec == std::errc() && end == status.data() + status.size() && code >= 100 && code <= 599) slot = code - 99;
  }
  for (size_t r = 0; r < kRoutes.size() && slot < kStatusSlots; ++r) {
    if (kRoutes[r] == route) {
      route_status_[r][slot].fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(status)}];
}

void Metrics::verdict(const Verdict& verdict) {
  std::lock_guard lock(mutex_);
  ++verdicts_[std::string(to_string(verdict.action))];
  for (const auto& rule : verdict.rules) ++rule_hits_[rule];
}

void Metrics::upstream_latency(std::chrono::steady_clock::duration latency) {
  double seconds = std::chrono::duration<double>(latency).count();
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_nanoseconds_.fetch_add(static_cast<uint64_t>(std::chrono::nanoseconds(latency).count()),
                                 std::memory_order_relaxed);
}

void Metrics::rejected(std::string_view reason) {
  std::lock_guard lock(mutex_);
  ++rejections_[std::string(reason)];
}

void Metrics::upstream_request(std::string_view upstream) {
  std::lock_guard lock(mutex_);
  auto it = upstream_requests_.find(upstream);
  if (it == upstream_requests_.end()) it = upstream_requests_.emplace(std::string(upstream), 0).first;
  ++it->second;
}

std::string Metrics::render(const wire::WireCounters* wire) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP toolwall_requests_total Finished requests by route and HTTP status.\n"
         "# TYPE toolwall_requests_total counter\n";
  std::map<std::pair<std::string, std::string>, uint64_t> requests = requests_;
  for (size_t r = 0; r < kRoutes.size(); ++r) {
    for (size_t slot = 0; slot < kStatusSlots; ++slot) {
      uint64_t n = route_status_[r][slot].load(std::memory_order_relaxed);
      if (n) requests[{std::string(kRoutes[r]), slot == 0 ? "error" : std::to_string(slot + 99)}] += n;
    }
  }
  for (const auto& [key, n] : requests)
    out << "toolwall_requests_total{route=\"" << label(key.first) << "\",status=\"" << label(key.second) << "\"} " << n
        << "\n";
  out << "# HELP toolwall_verdicts_total Judged tool calls by action.\n# TYPE toolwall_verdicts_total counter\n";
  for (const auto& [action, n] : verdicts_) out << "toolwall_verdicts_total{action=\"" << label(action) << "\"} " << n << "\n";
  out << "# HELP toolwall_rule_matches_total Judged tool calls each rule matched.\n"
         "# TYPE toolwall_rule_matches_total counter\n";
  for (const auto& [rule, n] : rule_hits_) out << "toolwall_rule_matches_total{rule=\"" << label(rule) << "\"} " << n << "\n";
  out << "# HELP toolwall_rejected_requests_total Requests refused before forwarding, by reason.\n"
         "# TYPE toolwall_rejected_requests_total counter\n";
  for (const auto& [reason, n] : rejections_)
    out << "toolwall_rejected_requests_total{reason=\"" << label(reason) << "\"} " << n << "\n";
  out << "# HELP toolwall_upstream_requests_total Requests forwarded, by upstream name.\n"
         "# TYPE toolwall_upstream_requests_total counter\n";
  for (const auto& [upstream, n] : upstream_requests_)
    out << "toolwall_upstream_requests_total{upstream=\"" << label(upstream) << "\"} " << n << "\n";
  out << "# HELP toolwall_upstream_latency_seconds Time until the upstream's response head.\n"
         "# TYPE toolwall_upstream_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_buckets_[i].load(std::memory_order_relaxed);
    out << "toolwall_upstream_latency_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << cumulative << "\n";
  }
  cumulative += latency_buckets_[kBuckets.size()].load(std::memory_order_relaxed);
  double latency_sum = static_cast<double>(latency_nanoseconds_.load(std::memory_order_relaxed)) / 1e9;
  out << "toolwall_upstream_latency_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "toolwall_upstream_latency_seconds_sum " << latency_sum << "\n"
      << "toolwall_upstream_latency_seconds_count " << cumulative << "\n";
  out << "# HELP toolwall_active_streams Streamed responses being relayed now.\n# TYPE toolwall_active_streams gauge\n"
      << "toolwall_active_streams " << active_streams_.load() << "\n";
  out << "# HELP toolwall_policy_reloads_total Policy and config reloads by result.\n"
         "# TYPE toolwall_policy_reloads_total counter\n"
      << "toolwall_policy_reloads_total{result=\"ok\"} " << reloads_ok_.load() << "\n"
      << "toolwall_policy_reloads_total{result=\"failed\"} " << reloads_failed_.load() << "\n";
  out << "# HELP toolwall_verdict_cache_total Tool calls answered from the verdict cache (hit) or judged (miss).\n"
         "# TYPE toolwall_verdict_cache_total counter\n"
      << "toolwall_verdict_cache_total{result=\"hit\"} " << verdict_cache_->hits.load() << "\n"
      << "toolwall_verdict_cache_total{result=\"miss\"} " << verdict_cache_->misses.load() << "\n";
  if (const ConnectionCounters* connections = connections_.load()) {
    out << "# HELP toolwall_open_connections Client connections open now.\n# TYPE toolwall_open_connections gauge\n"
        << "toolwall_open_connections " << connections->open.load() << "\n"
        << "# HELP toolwall_rejected_connections_total Client connections over limits.max_connections, "
           "answered 503 and closed.\n# TYPE toolwall_rejected_connections_total counter\n"
        << "toolwall_rejected_connections_total " << connections->rejected.load() << "\n";
  }
  if (wire) {
    auto counter = [&](std::string_view name, std::string_view help, uint64_t value) {
      out << "# HELP toolwall_wire_" << name << "_total " << help << "\n# TYPE toolwall_wire_" << name
          << "_total counter\ntoolwall_wire_" << name << "_total " << value << "\n";
    };
    out << "# HELP toolwall_wire_calls_total Tool calls seen on the wire by outcome.\n"
           "# TYPE toolwall_wire_calls_total counter\n"
        << "toolwall_wire_calls_total{outcome=\"allowed\"} " << wire->calls_allowed.load() << "\n"
        << "toolwall_wire_calls_total{outcome=\"flagged\"} " << wire->calls_flagged.load() << "\n"
        << "toolwall_wire_calls_total{outcome=\"rewritten\"} " << wire->calls_rewritten.load() << "\n"
        << "toolwall_wire_calls_total{outcome=\"blocked\"} " << wire->calls_blocked.load() << "\n";
    counter("upstream_malformed", "Upstream responses that did not parse.", wire->upstream_malformed);
    counter("limit_exceeded", "Responses or calls over a configured limit.", wire->limit_exceeded);
    counter("streams_failed", "Streams that broke off or were cut.", wire->streams_failed);
  }
  return out.str();
}

void log_event(std::string_view level, std::string_view event, const nlohmann::json& fields) {
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = audit::rfc3339_utc(std::chrono::system_clock::now());
  line["level"] = level;
  line["event"] = event;
  for (const auto& [key, value] : fields.items()) line[key] = value;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

}  // namespace toolwall::proxy
