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
