#pragma once
// Host names as the analysers and the policy both read them.
#include <cstdint>
#include <optional>
#include <string_view>

namespace toolwall {

// "10.0.0.5" as a 32-bit address; nullopt unless exactly four decimal octets.
std::optional<uint32_t> parse_ipv4(std::string_view text);
// localhost, *.localhost, 127.0.0.0/8, ::1, 0.0.0.0 — for a lower-case host without brackets or port.
bool is_local_host(std::string_view normalised_host);

}  // namespace toolwall
