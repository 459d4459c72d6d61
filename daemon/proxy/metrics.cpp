#include "proxy/metrics.h"

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
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++latency_buckets_[i];
  ++latency_count_;
  latency_sum_ += seconds;
}

void Metrics::rejected(std::string_view reason) {
  std::lock_guard lock(mutex_);
  ++rejections_[std::string(reason)];
}

std::string Metrics::render(const wire::WireCounters* wire) const {
  std::ostringstream out;
  std::lock_guard lock(mutex_);
  out << "# HELP toolwall_requests_total Finished requests by route and HTTP status.\n"
         "# TYPE toolwall_requests_total counter\n";
  for (const auto& [key, n] : requests_)
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
  out << "# HELP toolwall_upstream_latency_seconds Time until the upstream's response head.\n"
         "# TYPE toolwall_upstream_latency_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i)
    out << "toolwall_upstream_latency_seconds_bucket{le=\"" << kBuckets[i] << "\"} " << latency_buckets_[i] << "\n";
  out << "toolwall_upstream_latency_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n"
      << "toolwall_upstream_latency_seconds_sum " << latency_sum_ << "\n"
      << "toolwall_upstream_latency_seconds_count " << latency_count_ << "\n";
  out << "# HELP toolwall_active_streams Streamed responses being relayed now.\n# TYPE toolwall_active_streams gauge\n"
      << "toolwall_active_streams " << active_streams_.load() << "\n";
  out << "# HELP toolwall_policy_reloads_total Policy and config reloads by result.\n"
         "# TYPE toolwall_policy_reloads_total counter\n"
      << "toolwall_policy_reloads_total{result=\"ok\"} " << reloads_ok_.load() << "\n"
      << "toolwall_policy_reloads_total{result=\"failed\"} " << reloads_failed_.load() << "\n";
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
