#pragma once
// Small text primitives that the shell analyser, the wire readers and the proxy all need.
#include <cstdint>
#include <string>
#include <string_view>

namespace toolwall {

// The value of one hexadecimal digit, or -1.
int hex_value(char c);
// Appends a code point as UTF-8 (the caller has checked it is a scalar value).
void append_utf8(std::string& out, uint32_t code);

inline bool starts_with(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }
inline bool ends_with(std::string_view text, std::string_view suffix) { return text.ends_with(suffix); }
inline bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
// ASCII lower case (names, paths, hosts, keywords; other bytes unchanged).
std::string lower(std::string_view text);

}  // namespace toolwall
