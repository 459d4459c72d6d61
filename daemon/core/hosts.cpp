#include "core/hosts.h"

#include <charconv>

namespace toolwall {

std::optional<uint32_t> parse_ipv4(std::string_view text) {
  uint32_t value = 0;
  int parts = 0;
  size_t i = 0;
  while (parts < 4) {
    unsigned octet = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), octet);
    if (ec != std::errc() || octet > 255 || end == text.data() + i) return std::nullopt;
    value = (value << 8) | octet;
    ++parts;
    i = static_cast<size_t>(end - text.data());
    if (parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return value;
}

bool is_local_host(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "0.0.0.0" || host == "0:0:0:0:0:0:0:1") return true;
  if (host.size() > 10 && host.substr(host.size() - 10) == ".localhost") return true;
  auto ip = parse_ipv4(host);
  return ip && (*ip >> 24) == 127;
}

}  // namespace toolwall
