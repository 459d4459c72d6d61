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

// Visits the brackets ({ [ } ]) of JSON text that stand outside strings, in order, with their offsets;
// the scan stops when visit returns false. Returns whether the text ends inside a string.
template <class Visit>
bool scan_json_brackets(std::string_view text, Visit visit) {
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[' || c == '}' || c == ']') {
      if (!visit(c, i)) return false;
    }
  }
  return in_string;
}

}  // namespace toolwall
