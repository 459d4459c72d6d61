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
  std::string_view request_id;
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

struct GateDecision {
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
  // The judge pinned for an admitted exchange (null = the server's).
  virtual std::shared_ptr<const Judge> judge_for(std::string_view request_id) = 0;
  // The upstream's response head arrived after `latency`.
  virtual void upstream_responded(std::string_view request_id, int status, bool event_stream,
                                  std::chrono::steady_clock::duration latency) = 0;
  // The exchange is over (answered, forwarded or failed).
  virtual void finished(std::string_view request_id) = 0;
};

}  // namespace toolwall::proxy
