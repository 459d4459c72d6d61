#include <catch2/catch.hpp>

#include "proxy/metrics.h"

using namespace toolwall::proxy;

TEST_CASE("the metrics show open and rejected client connections once the server's counters are set") {
  Metrics metrics;
  CHECK(metrics.render(nullptr).find("toolwall_rejected_connections_total") == std::string::npos);
  ConnectionCounters connections;
  connections.open = 3;
  connections.rejected = 7;
  metrics.set_connection_counters(&connections);
  auto text = metrics.render(nullptr);
  CHECK(text.find("\ntoolwall_open_connections 3\n") != std::string::npos);
  CHECK(text.find("\ntoolwall_rejected_connections_total 7\n") != std::string::npos);
  CHECK(text.find("# TYPE toolwall_rejected_connections_total counter") != std::string::npos);
}

TEST_CASE("finished requests are counted by route and status, known or not, and latency is a cumulative histogram") {
  Metrics metrics;
  metrics.request("/v1/chat/completions", "200");
  metrics.request("/v1/chat/completions", "200");
  metrics.request("/v1/chat/completions", "error");
  metrics.request("other", "503");
  metrics.request("/odd", "weird");  // outside the fixed table: still counted
  metrics.upstream_latency(std::chrono::milliseconds(3));
  metrics.upstream_latency(std::chrono::milliseconds(40));
  metrics.upstream_latency(std::chrono::seconds(60));
  auto text = metrics.render(nullptr);
  CHECK(text.find("toolwall_requests_total{route=\"/v1/chat/completions\",status=\"200\"} 2\n") != std::string::npos);
  CHECK(text.find("toolwall_requests_total{route=\"/v1/chat/completions\",status=\"error\"} 1\n") != std::string::npos);
  CHECK(text.find("toolwall_requests_total{route=\"other\",status=\"503\"} 1\n") != std::string::npos);
  CHECK(text.find("toolwall_requests_total{route=\"/odd\",status=\"weird\"} 1\n") != std::string::npos);
  CHECK(text.find("toolwall_requests_total{route=\"/v1/models\"") == std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_bucket{le=\"0.005\"} 1\n") != std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_bucket{le=\"0.05\"} 2\n") != std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_bucket{le=\"30\"} 2\n") != std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("toolwall_upstream_latency_seconds_count 3\n") != std::string::npos);
}
