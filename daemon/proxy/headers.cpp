#include "proxy/headers.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace toolwall::proxy {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool same_prefix(std::string_view text, std::string_view lowered_prefix) {
  for (size_t i = 0; i < lowered_prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != lowered_prefix[i]) return false;
  return true;
}

}  // namespace

std::vector<std::string> connection_options(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view token = trim(value.substr(0, comma));
    if (!token.empty()) out.push_back(lower(token));
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return out;
}

bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& connection_named) {
  // Compared without building a lower-cased copy: this runs for every header of every exchange.
  auto same = [name](std::string_view lowered) {
    return name.size() == lowered.size() &&
           std::equal(name.begin(), name.end(), lowered.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  };
  static constexpr std::array<std::string_view, 7> kFixed{"connection", "keep-alive", "te", "trailer",
                                                          "transfer-encoding", "upgrade", "proxy-connection"};
  if (std::any_of(kFixed.begin(), kFixed.end(), same)) return true;
  if (name.size() >= 6 && same_prefix(name, "proxy-")) return true;
  return std::any_of(connection_named.begin(), connection_named.end(),
                     [&same](const std::string& named) { return same(named); });
}

bool asks_websocket(std::string_view upgrade) {
  // The same comma-separated, case-insensitive token list as Connection; a token may carry "/version".
  for (const auto& protocol : connection_options(upgrade))
    if (protocol == "websocket" || protocol.rfind("websocket/", 0) == 0) return true;
  return false;
}

std::string_view path_of(std::string_view target) {
  size_t end = target.find_first_of("?#");
  return target.substr(0, end);
}

}  // namespace toolwall::proxy
