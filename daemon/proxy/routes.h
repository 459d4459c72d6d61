#pragma once
// Which upstream a request goes to: path-prefix and model routes over named upstreams (config.h
// RoutingConfig), first match wins, else the default. Without `upstreams:` everything goes to `upstream`.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/config.h"

namespace toolwall::proxy {

struct RouteTarget {
  std::string name;  // the name in `upstreams:`, or "upstream" for the top-level `upstream:`
  UpstreamUrl url;
};

struct RouteChoice {
  size_t target = 0;          // index into Router::targets()
  std::string_view api_path;  // the path with a matched route's prefix removed (what the API is)
  size_t strip = 0;           // bytes to cut from the front of the request target before forwarding
  bool by_prefix = false;     // a path_prefix route matched
};

class Router {
 public:
  explicit Router(const ProxyConfig& config);
  const std::vector<RouteTarget>& targets() const { return targets_; }
  // The route for a request: `path` without the query; `body` is read for `model` only when a model
  // route is reached (a body without one, or not JSON, matches no model route).
  RouteChoice choose(std::string_view path, std::string_view body) const;
  bool single() const { return targets_.size() == 1; }

 private:
  struct CompiledRoute {
    std::string path_prefix, model;
    size_t target = 0;
    bool strip_prefix = false;
  };
  std::vector<RouteTarget> targets_;
  std::vector<CompiledRoute> routes_;
  size_t default_target_ = 0;
};

// Whether `path` lies under `prefix` at a segment boundary ("/or" holds "/or" and "/or/x", not "/orx").
bool under_prefix(std::string_view path, std::string_view prefix);
// The target forwarded upstream after cutting `strip` bytes: never empty, always starting with '/'.
std::string stripped_target(std::string_view target, size_t strip);
// Whether a path holds a "." or ".." segment, plain or percent-encoded: under a route prefix such a
// path could name a different API upstream than the one toolwall inspects, so it is refused.
bool has_dot_segment(std::string_view path);
// Whether a path could name another resource once an upstream normalises it: "." / ".." segments,
// empty segments ("//"), or percent-encoded unreserved characters and slashes ("/v1/chat/%63ompletions"
// is /v1/chat/completions to most servers). toolwall picks what it inspects by the path as sent, so
// such a path is refused rather than forwarded uninspected.
bool ambiguous_path(std::string_view path);
// A one-line description of where requests go, to log at start and to compare on reload.
std::string describe_routing(const ProxyConfig& config);

}  // namespace toolwall::proxy
