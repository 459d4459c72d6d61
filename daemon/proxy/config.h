#pragma once
// The daemon's configuration (config/toolwall.yaml), with `serve` flags layered on top.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/expected.h"
#include "proxy/team_config.h"
#include "wire/dialect.h"

namespace toolwall::proxy {

struct Endpoint {
  std::string host;
  uint16_t port = 0;
};

struct UpstreamUrl {
  bool tls = false;
  std::string host;
  uint16_t port = 0;
  std::string base_path;  // prefix added to every forwarded target, no trailing slash ("" or "/openai")
  std::string host_header() const;  // "host" or "host:port" when the port is not the scheme's default
};

// One of several upstreams (`upstreams:`), chosen by a route or as the default.
struct NamedUpstream {
  std::string name;
  UpstreamUrl url;
  std::string api_key_env;   // the key injected for this upstream; overrides upstream_api_key_*
  std::string api_key_file;
  bool holds_key() const { return !api_key_env.empty() || !api_key_file.empty(); }
};

// A route sends matching requests to a named upstream: by path prefix or by the body's model glob.
struct UpstreamRoute {
  std::string path_prefix;  // "/openrouter" (no trailing slash); empty for a model route
  std::string model;        // a glob ("gpt-*"); empty for a path route
  std::string upstream;     // a name in RoutingConfig::upstreams
  bool strip_prefix = false;
};

struct RoutingConfig {
  std::vector<NamedUpstream> upstreams;
  std::vector<UpstreamRoute> routes;  // first match wins
  std::string default_upstream;       // empty: the top-level `upstream:` takes what no route matches
  bool configured() const { return !upstreams.empty(); }
  const NamedUpstream* find(std::string_view name) const;
};

struct Timeouts {
  std::chrono::milliseconds client_idle{75'000};       // waiting for (and reading) a request
  std::chrono::milliseconds client_write{30'000};      // one write to the client
  std::chrono::milliseconds upstream_connect{10'000};  // resolve, connect, TLS handshake
  std::chrono::milliseconds upstream_response{600'000};// response header, and each read of a whole body
  std::chrono::milliseconds stream_idle{120'000};      // longest silence inside a streamed body
  std::chrono::milliseconds shutdown_grace{10'000};    // draining in-flight exchanges on SIGTERM
};

struct Limits {
  size_t max_header_bytes = 64u << 10;
  size_t max_request_body = 32u << 20;
  size_t max_response_body = 64u << 20;  // an inspected (non-streamed) response body
  size_t max_connections = 4096;         // open client connections; more get a 503 and are closed
  // Tool-call text up to this size is judged on the connection's I/O thread (a thread hop costs more
  // than judging a short command); larger goes to the judge pool so no analysis stalls other streams.
  size_t inline_judge_bytes = 1024;
  // Verdicts remembered per policy (engine/verdict_cache.h): a byte-identical call is not judged
  // twice. 0 turns the cache off.
  size_t verdict_cache_entries = 4096;
};

struct ProxyConfig {
  Endpoint listen{"127.0.0.1", 8788};
  UpstreamUrl upstream{false, "127.0.0.1", 11434, ""};
  bool tls_verify = true;
  bool tls_verify_explicitly_off = false;  // `tls_verify: false` was written in the file
  std::string ca_file;                     // extra CA bundle for the upstream; empty = system store
  std::string policy_path = "rules/default.yaml";
  std::string profiles_path;
  unsigned threads = 0;  // 0 = one per core
  size_t max_idle_upstream = 64;  // pooled idle upstream connections per thread
  Timeouts timeouts;
  Limits limits;
  wire::WireLimits wire;
  bool pass_uninspected = false;  // forward APIs with tool calls this build cannot inspect (unsafe)
  std::string audit_path;  // empty = no audit log
  bool audit_log_all = false;
  TeamConfig team;  // clients, upstream key, models, reload (proxy/team_config.h)
  RoutingConfig routing;  // named upstreams and routes; empty = everything goes to `upstream`
};

// Parses "host:port" ("[::1]:8788" for IPv6); port 0 asks the system for a free one.
Expected<Endpoint, std::string> parse_endpoint(std::string_view text);
// Parses "http://host[:port][/base]" or "https://…".
Expected<UpstreamUrl, std::string> parse_upstream(std::string_view text);
// Loads a YAML config over the defaults; errors carry file:line:col.
Expected<ProxyConfig, Diagnostics> load_config(const std::string& path);
// Same, from text (for tests); `file` names it in diagnostics.
Expected<ProxyConfig, Diagnostics> parse_config(const std::string& text, const std::string& file);
// Refuses settings that would be unsafe or cannot work (https without verification unless explicit).
Diagnostics validate(const ProxyConfig& config);

}  // namespace toolwall::proxy
