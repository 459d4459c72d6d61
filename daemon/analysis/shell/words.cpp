#include "analysis/shell/words.h"

#include <fnmatch.h>

#include <cctype>

#include "core/text.h"

namespace toolwall::shell {
namespace {

// Decodes one backslash escape starting after the backslash at text[i]; returns chars consumed.
size_t decode_escape(std::string_view text, size_t i, std::string& out, bool octal_needs_zero) {
  char c = text[i];
  switch (c) {
    case 'n': out += '\n'; return 1;
    case 't': out += '\t'; return 1;
    case 'r': out += '\r'; return 1;
    case 'a': out += '\a'; return 1;
    case 'b': out += '\b'; return 1;
    case 'e': case 'E': out += '\x1b'; return 1;
    case 'f': out += '\f'; return 1;
    case 'v': out += '\v'; return 1;
    case '\\': out += '\\'; return 1;
    case '\'': out += '\''; return 1;
    case '"': out += '"'; return 1;
    case '?': out += '?'; return 1;
    case 'x': {
      size_t j = i + 1;
      int value = 0, digits = 0;
      while (j < text.size() && digits < 2 && hex_value(text[j]) >= 0) value = value * 16 + hex_value(text[j++]), ++digits;
      if (digits == 0) { out += "\\x"; return 1; }
      out += static_cast<char>(value);
      return j - i;
    }
    case 'u': case 'U': {
      size_t j = i + 1;
      uint32_t value = 0;
      int digits = 0, max_digits = c == 'u' ? 4 : 8;
      while (j < text.size() && digits < max_digits && hex_value(text[j]) >= 0) value = value * 16 + static_cast<uint32_t>(hex_value(text[j++])), ++digits;
      if (digits == 0) { out += '\\'; out += c; return 1; }
      append_utf8(out, value);
      return j - i;
    }
    default: break;
  }
  if (c >= '0' && c <= '7') {
    size_t j = i;
    int max_digits = 3;
    if (octal_needs_zero && c == '0') ++j, max_digits = 3;  // printf's \0NNN form
    int value = 0, digits = 0;
    while (j < text.size() && digits < max_digits && text[j] >= '0' && text[j] <= '7') value = value * 8 + (text[j++] - '0'), ++digits;
    out += static_cast<char>(value & 0xFF);
    return j - i;
  }
  out += '\\';
  out += c;
  return 1;
}

}  // namespace

std::string decode_ansi_c(std::string_view body) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\' && i + 1 < body.size()) i += decode_escape(body, i + 1, out, false);
    else out += body[i];
  }
  return out;
}

std::string unescape_bare(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      if (text[i] != '\n') out += text[i];
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string unescape_double_quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (text[i] == '\\' && (next == '$' || next == '`' || next == '"' || next == '\\' || next == '\n')) {
      ++i;
      if (next != '\n') out += next;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string decode_printf(std::string_view format) {
  std::string out;
  out.reserve(format.size());
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '\\' && i + 1 < format.size()) {
      i += decode_escape(format, i + 1, out, true);
    } else if (format[i] == '%' && i + 1 < format.size() && format[i + 1] == '%') {
      out += '%';
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

std::string single_quoted(std::string_view word) {
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

std::string_view base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_off_value(std::string_view value) {
  std::string low = lower(value);
  return low == "0" || low == "false" || low == "no" || low == "off";
}

bool is_url(std::string_view text) {
  size_t colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0 || colon > 10) return false;
  if (!std::isalpha(static_cast<unsigned char>(text[0]))) return false;
  for (size_t i = 1; i < colon; ++i)
    if (!std::isalnum(static_cast<unsigned char>(text[i])) && text[i] != '+' && text[i] != '-' && text[i] != '.') return false;
  return true;
}

namespace {
bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
}
std::string clean_host(std::string_view authority) {
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return {};
    return lower(authority.substr(1, close - 1));
  }
  size_t end = 0;
  while (end < authority.size() && host_char(authority[end]) && authority[end] != ':') ++end;
  std::string host = lower(authority.substr(0, end));
  while (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}
}  // namespace

std::string host_of(std::string_view text) {
  if (is_url(text)) {
    text.remove_prefix(text.find("://") + 3);
    size_t end = text.find_first_of("/?#");
    return clean_host(text.substr(0, end));
  }
  // A bare host[:port][/path], as nc/ssh/socat take it.
  size_t end = text.find_first_of("/?#");
  std::string_view authority = text.substr(0, end);
  if (authority.empty() || authority.front() == '-' || authority.front() == '.') return {};
  return clean_host(authority);
}

std::string host_variable_of(std::string_view url) {
  if (size_t scheme = url.find("://"); scheme != std::string_view::npos && is_url(url)) {
    url.remove_prefix(scheme + 3);
    std::string_view authority = url.substr(0, url.find_first_of("/?#"));
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  }
  if (url.empty() || url.front() != '$') return {};
  bool braced = url.size() > 1 && url[1] == '{';
  size_t start = braced ? 2 : 1, end = start;
  while (end < url.size() && (std::isalnum(static_cast<unsigned char>(url[end])) || url[end] == '_')) ++end;
  if (end == start || std::isdigit(static_cast<unsigned char>(url[start]))) return {};
  std::string name(url.substr(start, end - start));
  if (braced && (end >= url.size() || url[end++] != '}')) return {};
  // What follows the variable is a port or a path, not more of the host.
  if (end < url.size() && std::string_view("/:?#").find(url[end]) == std::string_view::npos) return {};
  return name;
}

std::string socket_path_host(std::string_view path) {
  if (path.substr(0, 9) != "/dev/tcp/" && path.substr(0, 9) != "/dev/udp/") return {};
  size_t slash = path.find('/', 9);
  return lower(path.substr(9, slash == std::string_view::npos ? std::string_view::npos : slash - 9));
}

std::string remote_host_of(std::string_view text) {
  if (is_url(text)) return host_of(text);
  size_t colon = text.find(':');
  size_t slash = text.find('/');
  if (colon == std::string_view::npos || colon == 0 || (slash != std::string_view::npos && slash < colon)) return {};
  return clean_host(text.substr(0, colon));
}

std::optional<std::string> decode_base64(std::string_view text, int min_symbols) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0, symbols = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+' || c == '-') value = 62;
    else if (c == '/' || c == '_') value = 63;
    else if (c == '=' || c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (symbols < min_symbols) return std::nullopt;
  return out;
}

std::optional<std::string> decode_hex(std::string_view text) {
  std::string out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int value = hex_value(c);
    if (value < 0) return std::nullopt;
    if (high < 0) high = value;
    else out += static_cast<char>(high * 16 + value), high = -1;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<std::vector<std::string>> expand_braces(std::string_view text) {
  size_t open = text.find('{');
  if (open == std::string_view::npos) return std::nullopt;
  int depth = 0;
  size_t close = std::string_view::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') ++depth;
    else if (text[i] == '}' && --depth == 0) { close = i; break; }
    else if (text[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string_view::npos || commas.empty()) return std::nullopt;
  std::vector<std::string> out;
  std::string_view prefix = text.substr(0, open), suffix = text.substr(close + 1);
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t comma : commas) {
    out.push_back(std::string(prefix) + std::string(text.substr(start, comma - start)) + std::string(suffix));
    start = comma + 1;
  }
  return out;
}

bool looks_like_text(std::string_view text) {
  if (text.empty()) return false;
  size_t printable = 0;
  for (unsigned char c : text)
    if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\t' || c == '\r' || c >= 0x80) ++printable;
  return printable * 10 >= text.size() * 9;
}

bool glob_match(std::string_view pattern, std::string_view name) {
  return fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), 0) == 0;
}

bool spread_command_braces(std::string& script) {
  if (script.find('{') == std::string::npos || script.find(',') == std::string::npos) return false;
  bool changed = false;
  auto command_start = [&](size_t at) {
    // Only blanks between the brace and the start of a command: script start, ; & | ( ` newline, or $(.
    while (at > 0 && (script[at - 1] == ' ' || script[at - 1] == '\t')) --at;
    if (at == 0) return true;
    char before = script[at - 1];
    return before == ';' || before == '&' || before == '|' || before == '(' || before == '`' || before == '\n';
  };
  char outer_quote = 0;  // braces inside quotes are literal ("{host:'x',method:'POST'}" in node -e code)
  for (size_t open = 0; open < script.size(); ++open) {
    char c = script[open];
    if (outer_quote == '\'') {
      if (c == '\'') outer_quote = 0;
      continue;
    }
    if (outer_quote == '"') {
      // A substitution inside double quotes runs commands of its own: read on as if unquoted.
      if (c == '"' || c == '`' || (c == '$' && open + 1 < script.size() && script[open + 1] == '(')) outer_quote = 0;
      else if (c == '\\') ++open;
      continue;
    }
    if (c == '\\') {
      ++open;
      continue;
    }
    if (c == '\'' || c == '"') {
      outer_quote = c;
      continue;
    }
    if (c != '{') continue;
    if (open + 1 >= script.size() || script[open + 1] == ' ' || script[open + 1] == '\n' || script[open + 1] == '}')
      continue;  // { list; } is a group, {} is a word
    if (open > 0 && script[open - 1] == '$') continue;
    if (!command_start(open)) continue;
    // The list ends at the first unquoted }; no blanks, nesting or expansions inside keep it a plain list.
    size_t close = std::string::npos;
    bool plain = true;
    char quote = 0;
    std::vector<size_t> commas;
    for (size_t i = open + 1; i < script.size() && i < open + 4096; ++i) {
      char c = script[i];
      if (quote) {
        if (c == quote) quote = 0;
        else if (c == '\n') plain = false;
        continue;
      }
      if (c == '\'' || c == '"') quote = c;
      else if (c == ',') commas.push_back(i);
      else if (c == '}') {
        close = i;
        break;
      } else if (c == '{' || c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '\\' || c == '$' || c == '`') {
        plain = false;
        break;
      }
    }
    if (!plain || close == std::string::npos || commas.empty()) continue;
    size_t after = close + 1;
    if (after < script.size() && std::string_view(" \t\n;&|)").find(script[after]) == std::string_view::npos) continue;
    script[open] = ' ';
    script[close] = ' ';
    for (size_t comma : commas) script[comma] = ' ';
    changed = true;
    open = close;
  }
  return changed;
}

size_t utf8_sequence_at(std::string_view text, size_t i) {
  auto byte = static_cast<unsigned char>(text[i]);
  size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k)
    if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return 0;
  return length;
}

}  // namespace toolwall::shell
