#include "proxy/config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace toolwall::proxy {

namespace {

struct Reader {
  std::string file;
  Diagnostics errors;

  void error(const YAML::Node& node, std::string message) {
    auto mark = node.Mark();
    errors.push_back(Diagnostic{file, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                                std::move(message)});
  }

  std::optional<std::string> scalar(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar()) {
      error(node, "'" + key + "' must be a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }

  void boolean(const YAML::Node& node, const std::string& key, bool& out) {
    auto text = scalar(node, key);
    if (!text) return;
    if (*text == "true" || *text == "yes" || *text == "on") out = true;
    else if (*text == "false" || *text == "no" || *text == "off") out = false;
    else error(node, "'" + key + "' must be true or false, not '" + *text + "'");
  }

  void text(const YAML::Node& node, const std::string& key, std::string& out) {
    if (node.IsNull()) {
      out.clear();
      return;
    }
    if (auto value = scalar(node, key)) out = *value;
  }

  // Sizes: a byte count, or a number with KiB/MiB/GiB (or K/M/G, KB/MB/GB taken as binary too).
  void size(const YAML::Node& node, const std::string& key, size_t& out, bool zero_allowed = false) {
    auto value = scalar(node, key);
    if (!value) return;
    const std::string& s = *value;
    uint64_t number = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), number);
    std::string unit(end, s.data() + s.size());
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    static const std::map<std::string, uint64_t> units{{"", 1},          {"B", 1},         {"K", 1ull << 10},
                                                       {"KB", 1ull << 10}, {"KiB", 1ull << 10}, {"M", 1ull << 20},
                                                       {"MB", 1ull << 20}, {"MiB", 1ull << 20}, {"G", 1ull << 30},
                                                       {"GB", 1ull << 30}, {"GiB", 1ull << 30}};
    auto unit_it = units.find(unit);
    if (ec != std::errc() || end == s.data() || unit_it == units.end() || (number == 0 && !zero_allowed)) {
      error(node, "'" + key + "' must be a " + (zero_allowed ? "" : "positive ") +
                      "size such as 65536, 64KiB or 4MiB, not '" + s + "'");
      return;
    }
    out = number * unit_it->second;
  }

  // Durations: seconds as a number, or a number with ms/s/m suffix.
  void duration(const YAML::Node& node, const std::string& key, std::chrono::milliseconds& out) {
    auto value = scalar(node, key);
    if (!value) return;
    const std::string& s = *value;
    char* end = nullptr;
    double number = std::strtod(s.c_str(), &end);
    std::string unit(end == nullptr ? "" : end);
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    double factor = unit.empty() || unit == "s" ? 1000 : unit == "ms" ? 1 : unit == "m" ? 60000 : -1;
    if (end == s.c_str() || factor < 0 || number <= 0 || !std::isfinite(number) || number * factor > 1e12) {
      error(node, "'" + key + "' must be a positive duration such as 30, 30s, 500ms or 10m, not '" + s + "'");
      return;
    }
    out = std::chrono::milliseconds(static_cast<int64_t>(number * factor));
  }

  void unsigned_number(const YAML::Node& node, const std::string& key, uint64_t max, uint64_t& out) {
    auto value = scalar(node, key);
    if (!value) return;
    uint64_t number = 0;
    auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), number);
    if (ec != std::errc() || end != value->data() + value->size() || number > max) {
      error(node, "'" + key + "' must be a whole number from 0 to " + std::to_string(max));
      return;
    }
    out = number;
  }

  using Handler = std::function<void(const YAML::Node&, const std::string&)>;

  void mapping(const YAML::Node& node, const std::string& where, const std::map<std::string, Handler>& handlers) {
    if (!node.IsMap()) {
      error(node, where.empty() ? "the config must be a mapping of settings" : "'" + where + "' must be a mapping");
      return;
    }
    for (const auto& item : node) {
      std::string key = item.first.Scalar();
      std::string path = where.empty() ? key : where + "." + key;
      auto handler = handlers.find(key);
      if (handler == handlers.end()) {
        std::string known;
        for (const auto& [name, unused] : handlers) known += (known.empty() ? "" : ", ") + name;
        error(item.first, "unknown setting '" + path + "' (known here: " + known + ")");
        continue;
      }
      handler->second(item.second, path);
    }
  }
};

bool valid_upstream_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-' && ch != '.') return false;
  return true;
}

// `upstreams:` — name: { url, api_key_env | api_key_file } or name: URL.
void read_upstreams(Reader& r, const YAML::Node& node, RoutingConfig& routing) {
  if (!node.IsMap()) {
    r.error(node, "'upstreams' must be a mapping of names to { url, api_key_env, api_key_file }");
    return;
  }
  for (const auto& item : node) {
    NamedUpstream upstream;
    upstream.name = item.first.IsScalar() ? item.first.Scalar() : "";
    if (!valid_upstream_name(upstream.name)) {
      r.error(item.first, "an upstream name must be 1-64 letters, digits, '_', '-' or '.'");
      continue;
    }
    if (routing.find(upstream.name)) {
      r.error(item.first, "the upstream '" + upstream.name + "' is defined twice");
      continue;
    }
    const YAML::Node& spec = item.second;
    YAML::Node url_node;  // a default Node is a defined null: `has_url` says whether one was written
    bool has_url = false;
    if (spec.IsScalar()) {
      url_node = spec;
      has_url = true;
    } else if (spec.IsMap()) {
      for (const auto& field : spec) {
        std::string key = field.first.Scalar();
        std::string where = "upstreams." + upstream.name + "." + key;
        if (key == "url") {
          url_node = field.second;
          has_url = true;
        }
        else if (key == "api_key_env") r.text(field.second, where, upstream.api_key_env);
        else if (key == "api_key_file") r.text(field.second, where, upstream.api_key_file);
        else r.error(field.first, "unknown setting '" + where + "' (known here: api_key_env, api_key_file, url)");
      }
      if (!upstream.api_key_env.empty() && !upstream.api_key_file.empty())
        r.error(spec, "upstream '" + upstream.name + "': set api_key_env or api_key_file, not both");
    } else {
      r.error(spec, "upstream '" + upstream.name + "' must be a URL or a mapping with url");
      continue;
    }
    if (!has_url) {
      r.error(spec, "upstream '" + upstream.name + "' needs a url");
      continue;
    }
    if (auto text = r.scalar(url_node, "upstreams." + upstream.name + ".url")) {
      auto parsed = parse_upstream(*text);
      if (!parsed) {
        r.error(url_node, parsed.error());
        continue;
      }
      upstream.url = *parsed;
    }
    routing.upstreams.push_back(std::move(upstream));
  }
}

// `routes:` — a list of { path_prefix | model, upstream, strip_prefix }. Names are checked later,
// once every upstream is known; `upstream_nodes` keeps where each name was written.
void read_routes(Reader& r, const YAML::Node& node, RoutingConfig& routing, std::vector<YAML::Node>& upstream_nodes) {
  if (!node.IsSequence()) {
    r.error(node, "'routes' must be a list of { path_prefix or model, upstream }");
    return;
  }
  for (const auto& entry : node) {
    if (!entry.IsMap()) {
      r.error(entry, "each route must be a mapping { path_prefix or model, upstream, strip_prefix }");
      continue;
    }
    UpstreamRoute route;
    YAML::Node upstream_node, prefix_node, strip_node;
    bool has_prefix = false, has_model = false, has_strip = false;
    for (const auto& field : entry) {
      std::string key = field.first.Scalar();
      std::string where = "routes." + key;
      if (key == "path_prefix") {
        has_prefix = true;
        prefix_node = field.second;
        r.text(field.second, where, route.path_prefix);
      } else if (key == "model") {
        has_model = true;
        r.text(field.second, where, route.model);
        if (route.model.empty()) r.error(field.second, "'routes.model' must be a model name or glob");
      } else if (key == "upstream") {
        upstream_node = field.second;
        r.text(field.second, where, route.upstream);
      } else if (key == "strip_prefix") {
        has_strip = true;
        strip_node = field.first;
        r.boolean(field.second, where, route.strip_prefix);
      } else {
        r.error(field.first, "unknown setting '" + where + "' (known here: model, path_prefix, strip_prefix, upstream)");
      }
    }
    if (has_prefix == has_model) {
      r.error(entry, "a route needs exactly one of path_prefix and model");
      continue;
    }
    if (has_prefix) {
      std::string& prefix = route.path_prefix;
      while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
      if (prefix.size() < 2 || prefix.front() != '/' || prefix.find_first_of("?#*% ") != std::string::npos) {
        r.error(prefix_node, "'routes.path_prefix' must be a path such as /openrouter (a leading / and at "
                             "least one segment, no query)");
        continue;
      }
    }
    if (has_model && has_strip) {
      r.error(strip_node, "'strip_prefix' belongs to path_prefix routes, not model routes");
      continue;
    }
    if (route.upstream.empty()) {
      r.error(entry, "a route needs an upstream (a name from 'upstreams')");
      continue;
    }
    routing.routes.push_back(std::move(route));
    upstream_nodes.push_back(upstream_node);
  }
}

// Every name a route or default_upstream gives must be an upstream; routes need a default.
void check_routing(Reader& r, const RoutingConfig& routing, const YAML::Node& upstreams_node,
                   const YAML::Node& routes_node, const YAML::Node& default_node,
                   const std::vector<YAML::Node>& route_upstream_nodes) {
  bool has_upstreams = upstreams_node.IsDefined() && !upstreams_node.IsNull();
  if (!has_upstreams) {
    if (routes_node.IsDefined() && !routes_node.IsNull())
      r.error(routes_node, "'routes' need named upstreams: add an 'upstreams' mapping");
    if (default_node.IsDefined() && !default_node.IsNull())
      r.error(default_node, "'default_upstream' needs named upstreams: add an 'upstreams' mapping");
    return;
  }
  for (size_t i = 0; i < routing.routes.size(); ++i)
    if (!routing.find(routing.routes[i].upstream))
      r.error(route_upstream_nodes[i], "the route names the upstream '" + routing.routes[i].upstream +
                                           "', which 'upstreams' does not define");
  if (!routing.default_upstream.empty() && !routing.find(routing.default_upstream))
    r.error(default_node, "'default_upstream' names '" + routing.default_upstream +
                              "', which 'upstreams' does not define");
  if (routes_node.IsDefined() && !routes_node.IsNull() && routing.default_upstream.empty())
    r.error(routes_node, "routes need a 'default_upstream' for requests no route matches");
}

void read_config(Reader& r, const YAML::Node& root, ProxyConfig& c) {
  auto endpoint = [&](const YAML::Node& n, const std::string& k) {
    if (auto v = r.scalar(n, k)) {
      auto parsed = parse_endpoint(*v);
      if (parsed) c.listen = *parsed;
      else r.error(n, parsed.error());
    }
  };
  auto upstream = [&](const YAML::Node& n, const std::string& k) {
    if (auto v = r.scalar(n, k)) {
      auto parsed = parse_upstream(*v);
      if (parsed) c.upstream = *parsed;
      else r.error(n, parsed.error());
    }
  };
  auto tls_verify = [&](const YAML::Node& n, const std::string& k) {
    r.boolean(n, k, c.tls_verify);
    c.tls_verify_explicitly_off = !c.tls_verify;
  };
  auto threads = [&](const YAML::Node& n, const std::string& k) {
    uint64_t v = c.threads;
    r.unsigned_number(n, k, 256, v);
    c.threads = static_cast<unsigned>(v);
  };
  auto pool = [&](const YAML::Node& n, const std::string& k) {
    r.mapping(n, k, {{"max_idle", [&](const YAML::Node& m, const std::string& key) {
                        uint64_t v = c.max_idle_upstream;
                        r.unsigned_number(m, key, 100000, v);
                        c.max_idle_upstream = v;
                      }}});
  };
  auto timeouts = [&](const YAML::Node& n, const std::string& k) {
    auto& t = c.timeouts;
    auto d = [&](std::chrono::milliseconds& field) {
      return [&r, &field](const YAML::Node& m, const std::string& key) { r.duration(m, key, field); };
    };
    r.mapping(n, k,
              {{"client_idle", d(t.client_idle)},
               {"client_write", d(t.client_write)},
               {"upstream_connect", d(t.upstream_connect)},
               {"upstream_response", d(t.upstream_response)},
               {"stream_idle", d(t.stream_idle)},
               {"shutdown_grace", d(t.shutdown_grace)}});
  };
  auto limits = [&](const YAML::Node& n, const std::string& k) {
    auto s = [&](size_t& field) {
      return [&r, &field](const YAML::Node& m, const std::string& key) { r.size(m, key, field); };
    };
    r.mapping(n, k,
              {{"max_header", s(c.limits.max_header_bytes)},
               {"max_request_body", s(c.limits.max_request_body)},
               {"max_response_body", s(c.limits.max_response_body)},
               {"max_sse_event", s(c.wire.max_sse_event_bytes)},
               {"max_tool_arguments", s(c.wire.max_tool_argument_bytes)},
               {"max_held_calls", s(c.wire.max_held_bytes)},
               {"inline_judge", [&](const YAML::Node& m, const std::string& key) {
                  r.size(m, key, c.limits.inline_judge_bytes, /*zero_allowed=*/true);
                }},
               {"max_connections", [&](const YAML::Node& m, const std::string& key) {
                  uint64_t v = c.limits.max_connections;
                  r.unsigned_number(m, key, 1'000'000, v);
                  if (v == 0) r.error(m, "'" + key + "' must be at least 1");
                  else c.limits.max_connections = v;
                }},
               {"verdict_cache", [&](const YAML::Node& m, const std::string& key) {
                  uint64_t v = c.limits.verdict_cache_entries;
                  r.unsigned_number(m, key, 10'000'000, v);
                  c.limits.verdict_cache_entries = v;
                }},
               {"max_json_depth", [&](const YAML::Node& m, const std::string& key) {
                  uint64_t v = c.wire.max_json_depth;
                  r.unsigned_number(m, key, 10000, v);
                  c.wire.max_json_depth = v;
                }}});
  };
  auto audit = [&](const YAML::Node& n, const std::string& k) {
    r.mapping(n, k,
              {{"path", [&](const YAML::Node& m, const std::string& key) { r.text(m, key, c.audit_path); }},
               {"log_all", [&](const YAML::Node& m, const std::string& key) { r.boolean(m, key, c.audit_log_all); }}});
  };
  std::map<std::string, Reader::Handler> handlers{
             {"listen", endpoint},
             {"upstream", upstream},
             {"tls_verify", tls_verify},
             {"ca_file", [&](const YAML::Node& n, const std::string& k) { r.text(n, k, c.ca_file); }},
             {"policy", [&](const YAML::Node& n, const std::string& k) { r.text(n, k, c.policy_path); }},
             {"profiles", [&](const YAML::Node& n, const std::string& k) { r.text(n, k, c.profiles_path); }},
             {"threads", threads},
             {"pass_uninspected", [&](const YAML::Node& n, const std::string& k) { r.boolean(n, k, c.pass_uninspected); }},
             {"pool", pool},
             {"timeouts", timeouts},
             {"limits", limits},
             {"audit", audit}};
  for (const auto& key : team_setting_keys())
    handlers[key] = [&](const YAML::Node& n, const std::string& k) { read_team_setting(n, k, r.file, c.team, r.errors); };
  YAML::Node upstreams_node, routes_node, default_node;
  std::vector<YAML::Node> route_upstream_nodes;
  handlers["upstreams"] = [&](const YAML::Node& n, const std::string&) {
    upstreams_node = n;
    read_upstreams(r, n, c.routing);
  };
  handlers["routes"] = [&](const YAML::Node& n, const std::string&) {
    routes_node = n;
    read_routes(r, n, c.routing, route_upstream_nodes);
  };
  handlers["default_upstream"] = [&](const YAML::Node& n, const std::string& k) {
    default_node = n;
    r.text(n, k, c.routing.default_upstream);
  };
  r.mapping(root, "", handlers);
  check_routing(r, c.routing, upstreams_node, routes_node, default_node, route_upstream_nodes);
}

bool parse_port(std::string_view text, uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

}  // namespace

const NamedUpstream* RoutingConfig::find(std::string_view name) const {
  for (const auto& upstream : upstreams)
    if (upstream.name == name) return &upstream;
  return nullptr;
}

std::string UpstreamUrl::host_header() const {
  bool default_port = (tls && port == 443) || (!tls && port == 80);
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? name : name + ":" + std::to_string(port);
}

Expected<Endpoint, std::string> parse_endpoint(std::string_view text) {
  Endpoint endpoint;
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos)
    return unexpected(std::string("listen address '") + std::string(text) + "' must be HOST:PORT");
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || !parse_port(text.substr(colon + 1), endpoint.port))
    return unexpected(std::string("listen address '") + std::string(text) + "' must be HOST:PORT with a port 0-65535");
  endpoint.host = std::string(host);
  return endpoint;
}

Expected<UpstreamUrl, std::string> parse_upstream(std::string_view text) {
  UpstreamUrl url;
  std::string_view rest;
  if (text.substr(0, 7) == "http://") {
    rest = text.substr(7);
  } else if (text.substr(0, 8) == "https://") {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return unexpected("upstream '" + std::string(text) + "' must start with http:// or https://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    url.base_path = std::string(rest.substr(slash));
    while (!url.base_path.empty() && url.base_path.back() == '/') url.base_path.pop_back();
    if (url.base_path.find_first_of("?#") != std::string::npos)
      return unexpected("upstream '" + std::string(text) + "' must not hold a query or fragment");
  }
  url.port = url.tls ? 443 : 80;
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return unexpected("upstream '" + std::string(text) + "' has an unclosed [");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || !parse_port(after.substr(1), url.port)))
      return unexpected("upstream '" + std::string(text) + "' has a bad port");
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    if (!parse_port(authority.substr(colon + 1), url.port) || url.port == 0)
      return unexpected("upstream '" + std::string(text) + "' has a bad port");
  }
  if (host.empty() || authority.find('@') != std::string_view::npos)
    return unexpected("upstream '" + std::string(text) + "' needs a host (and no user:password@)");
  url.host = std::string(host);
  return url;
}

Expected<ProxyConfig, Diagnostics> parse_config(const std::string& text, const std::string& file) {
  ProxyConfig config;
  Reader reader{file, {}};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return unexpected(Diagnostics{Diagnostic{file, e.mark.line + 1, e.mark.column + 1, e.msg}});
  }
  if (!root.IsNull()) read_config(reader, root, config);
  if (!reader.errors.empty()) return unexpected(std::move(reader.errors));
  return config;
}

Expected<ProxyConfig, Diagnostics> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(Diagnostics{Diagnostic{path, 0, 0, "cannot read the config file"}});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_config(text.str(), path);
}

Diagnostics validate(const ProxyConfig& config) {
  Diagnostics problems;
  bool any_tls = config.upstream.tls;
  for (const auto& named : config.routing.upstreams) any_tls = any_tls || named.url.tls;
  if (any_tls && !config.tls_verify && !config.tls_verify_explicitly_off)
    problems.push_back({"", 0, 0, "refusing an https upstream without certificate verification; write "
                                  "`tls_verify: false` in the config if you really mean it"});
  if (config.upstream.host.empty()) problems.push_back({"", 0, 0, "no upstream is configured"});
  return problems;
}

}  // namespace toolwall::proxy
