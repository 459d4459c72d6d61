#include "proxy/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace toolwall::proxy {

Expected<std::string, std::string> load_api_key(const std::string& env, const std::string& file,
                                                const std::string& setting) {
  std::string key;
  if (!env.empty()) {
    const char* value = std::getenv(env.c_str());
    if (!value || !*value) return unexpected(setting + "_env: the environment variable " + env + " is not set");
    key = value;
  } else if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return unexpected(setting + "_file: cannot read " + file);
    std::ostringstream text;
    text << in.rdbuf();
    key = text.str();
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  for (char c : key)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      return unexpected(setting + ": the API key holds a control character or space");
  return key;
}

Expected<std::string, std::string> load_upstream_key(const TeamConfig& team) {
  auto key = load_api_key(team.upstream_api_key_env, team.upstream_api_key_file, "upstream_api_key");
  if (!key && key.error().find("control character") != std::string::npos)
    return unexpected(std::string("the upstream API key holds a control character or space"));
  return key;
}

Expected<std::map<std::string, std::string, std::less<>>, std::string> load_named_upstream_keys(const RoutingConfig& routing) {
  std::map<std::string, std::string, std::less<>> keys;
  for (const auto& named : routing.upstreams) {
    if (!named.holds_key()) continue;
    auto key = load_api_key(named.api_key_env, named.api_key_file, "upstreams." + named.name + ".api_key");
    if (!key) return unexpected(key.error());
    if (key->empty()) return unexpected("upstreams." + named.name + ": the API key is empty");
    keys[named.name] = std::move(*key);
  }
  return keys;
}

bool anthropic_route(std::string_view path) { return path.rfind("/v1/messages", 0) == 0; }

}  // namespace toolwall::proxy
