#pragma once
// A hook in front of forwarding: who the client is, whether the request may pass, which judge
// (policy layers) its tool calls get, which headers change upstream, and local endpoints (/metrics).
// The server calls it; team features (client tokens, credentials, models, metrics) implement it.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/judge.h"
#include "wire/dialect.h"

namespace toolwall::proxy {

struct GateRequest {
  std::string_view method;
  std::string_view path;  // without the query string; under a path_prefix route, without the prefix
  std::string_view upstream;  // the name of the upstream the request is routed to
  bool prefix_routed = false; // a path_prefix route matched: the path is the upstream's, never a local endpoint
  std::string_view body;
  const wire::Dialect* dialect = nullptr;  // null: not an inspected API
  std::function<std::string_view(std::string_view)> header;  // a request header's value, "" when absent
};

// A response the proxy sends itself instead of forwarding.
struct GateAnswer {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the gate keeps of one exchange it admitted or answered. The server holds it while the exchange
// runs and tells it what the upstream answered; dropping it ends the exchange (the gate records it then).
class GateExchange {
 public:
  virtual ~GateExchange() = default;
  // The upstream's response head arrived after `latency`.
  virtual void upstream_responded(int status, bool event_stream, std::chrono::steady_clock::duration latency) = 0;
};

struct GateDecision {
  std::unique_ptr<GateExchange> exchange;  // the gate's record of this exchange (may be null)
  std::optional<GateAnswer> answer;   // set: answer locally, do not forward
  std::string client;                 // the authenticated client's name ("" when clients are not configured)
  std::shared_ptr<const Judge> judge; // the judge for this exchange; null = the server's current judge
  std::vector<std::string> drop_headers;  // request headers not forwarded (lower-case names)
  std::vector<std::pair<std::string, std::string>> set_headers;  // request headers set upstream
};

class RequestGate {
 public:
  virtual ~RequestGate() = default;
  // Decides on a request before anything is sent upstream. Called on an I/O thread: keep it short.
  virtual GateDecision admit(const GateRequest& request) = 0;
};

}  // namespace toolwall::proxy
