#include "proxy/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace toolwall::proxy {

Expected<std::string, std::string> load_upstream_key(const TeamConfig& team) {
  std::string key;
  if (!team.upstream_api_key_env.empty()) {
    const char* value = std::getenv(team.upstream_api_key_env.c_str());
    if (!value || !*value)
      return unexpected("upstream_api_key_env: the environment variable " + team.upstream_api_key_env +
                        " is not set");
    key = value;
  } else if (!team.upstream_api_key_file.empty()) {
    std::ifstream in(team.upstream_api_key_file, std::ios::binary);
    if (!in) return unexpected("upstream_api_key_file: cannot read " + team.upstream_api_key_file);
    std::ostringstream text;
    text << in.rdbuf();
    key = text.str();
  }
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
  for (char c : key)
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
      return unexpected(std::string("the upstream API key holds a control character or space"));
  return key;
}

bool anthropic_route(std::string_view path) { return path.rfind("/v1/messages", 0) == 0; }

}  // namespace toolwall::proxy
