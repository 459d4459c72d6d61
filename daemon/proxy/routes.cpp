#include "proxy/routes.h"

#include <fnmatch.h>

#include <optional>

#include "core/text.h"
#include "proxy/model_policy.h"

namespace toolwall::proxy {

namespace {
std::string url_text(const UpstreamUrl& url) {
  return std::string(url.tls ? "https://" : "http://") + url.host_header() + url.base_path;
}
}  // namespace

Router::Router(const ProxyConfig& config) {
  const RoutingConfig& routing = config.routing;
  for (const auto& named : routing.upstreams) targets_.push_back({named.name, named.url});
  auto index_of = [this](std::string_view name) {
    for (size_t i = 0; i < targets_.size(); ++i)
      if (targets_[i].name == name) return i;
    return targets_.size();
  };
  default_target_ = index_of(routing.default_upstream);
  if (routing.default_upstream.empty() || default_target_ == targets_.size()) {
    // No named default: the top-level `upstream:` takes what no route matches (and everything when
    // no `upstreams:` is configured).
    default_target_ = targets_.size();
    targets_.push_back({"upstream", config.upstream});
  }
  for (const auto& route : routing.routes) {
    size_t target = index_of(route.upstream);
    if (target == targets_.size()) continue;  // config.cpp refuses unknown names; never route to nowhere
    routes_.push_back({route.path_prefix, route.model, target, route.strip_prefix});
  }
}

RouteChoice Router::choose(std::string_view path, std::string_view body) const {
  RouteChoice choice{default_target_, path, 0, false};
  std::optional<std::optional<std::string>> model;  // read once, when a model route is first reached
  for (const auto& route : routes_) {
    if (!route.path_prefix.empty()) {
      if (!under_prefix(path, route.path_prefix)) continue;
      choice.target = route.target;
      choice.by_prefix = true;
      choice.api_path = path.substr(route.path_prefix.size());
      if (choice.api_path.empty()) choice.api_path = "/";
      if (route.strip_prefix) choice.strip = route.path_prefix.size();
      return choice;
    }
    if (!model) model = request_model(body);
    if (*model && ::fnmatch(route.model.c_str(), (*model)->c_str(), 0) == 0) {
      choice.target = route.target;
      return choice;
    }
  }
  return choice;
}

bool under_prefix(std::string_view path, std::string_view prefix) {
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

std::string stripped_target(std::string_view target, size_t strip) {
  std::string_view rest = target.substr(std::min(strip, target.size()));
  std::string out;
  out.reserve(rest.size() + 1);
  if (rest.empty() || rest.front() != '/') out += '/';  // not "/" + std::string: GCC 12 -Wrestrict false positive
  return out.append(rest);
}

bool has_dot_segment(std::string_view path) {
  size_t at = 0;
  while (at <= path.size()) {
    size_t end = path.find('/', at);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(at, end - at);
    // Decode only what spells a dot: ".", "%2e" and "%2E".
    int dots = 0;
    bool other = false;
    for (size_t i = 0; i < segment.size() && dots < 3;) {
      if (segment[i] == '.') {
        ++dots;
        ++i;
      } else if (segment.size() - i >= 3 && segment[i] == '%' && segment[i + 1] == '2' &&
                 (segment[i + 2] == 'e' || segment[i + 2] == 'E')) {
        ++dots;
        i += 3;
      } else {
        other = true;
        break;
      }
    }
    if (!segment.empty() && !other && (dots == 1 || dots == 2)) return true;
    at = end + 1;
  }
  return false;
}

bool ambiguous_path(std::string_view path) {
  if (has_dot_segment(path) || path.find("//") != std::string_view::npos) return true;
  for (size_t i = 0; i + 2 < path.size(); ++i) {
    if (path[i] != '%' || hex_value(path[i + 1]) < 0 || hex_value(path[i + 2]) < 0) continue;
    char c = static_cast<char>(hex_value(path[i + 1]) * 16 + hex_value(path[i + 2]));
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved || c == '/' || c == '\\') return true;
  }
  return false;
}

std::string describe_routing(const ProxyConfig& config) {
  const RoutingConfig& routing = config.routing;
  if (!routing.configured()) return url_text(config.upstream);
  std::string text;
  for (const auto& route : routing.routes) {
    text += route.path_prefix.empty() ? "model " + route.model : "path " + route.path_prefix;
    if (route.strip_prefix) text += " (stripped)";
    text += " -> " + route.upstream + "; ";
  }
  text += "default -> " +
          (routing.default_upstream.empty() ? url_text(config.upstream) : routing.default_upstream);
  text += " | upstreams:";
  for (const auto& named : routing.upstreams) {
    text += " " + named.name + "=" + url_text(named.url);
    if (!named.api_key_env.empty()) text += " (key from env " + named.api_key_env + ")";
    if (!named.api_key_file.empty()) text += " (key from file " + named.api_key_file + ")";
  }
  return text;
}

}  // namespace toolwall::proxy
