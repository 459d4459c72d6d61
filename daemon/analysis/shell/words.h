#pragma once
// Text-level helpers for shell words: escape decoding, paths, hosts, decoders. Pure functions.
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"

namespace toolwall::shell {

// A command name compared with many literals ("curl", "wget" …): the length first, then the bytes
// inline. std::string and std::string_view compare through a memcmp call for every literal, which
// was a fifth of the time a short command took to analyse.
struct CommandName {
  std::string_view text;
  operator std::string_view() const { return text; }
  template <size_t N>
  bool operator==(const char (&literal)[N]) const {
    return text.size() == N - 1 && std::memcmp(text.data(), literal, N - 1) == 0;
  }
  template <size_t N>
  bool operator!=(const char (&literal)[N]) const {
    return !(*this == literal);
  }
};

// Decodes the body of a $'…' string (without the $' and '): \xHH, \NNN octal, \uHHHH, \n, \t ….
std::string decode_ansi_c(std::string_view body);
// Removes shell backslash escapes from an unquoted word ("c\url" → "curl", "\<newline>" → "").
std::string unescape_bare(std::string_view text);
// Removes the escapes that are special inside double quotes (\$ \` \" \\ \<newline>).
std::string unescape_double_quoted(std::string_view text);
// printf/echo -e escape processing (\n, \t, \xHH, \NNN, \\); %% becomes %.
std::string decode_printf(std::string_view format);
// A word single-quoted, as the shell reads it back unchanged (it's → 'it'\''s').
std::string single_quoted(std::string_view word);
// The last path component ("/usr/bin/curl" → "curl").
std::string_view base_name(std::string_view path);
// Lower-case host of a URL or host-ish word ("https://u@Ex.com:8/x" → "ex.com"); empty if none.
std::string host_of(std::string_view text);
// The variable a URL's host is read from, as written: "GRAFANA_URL" for `$GRAFANA_URL/api/x`,
// `https://u:$T@${CI_SERVER_HOST}/r.git` or a bare `${SLACK_WEBHOOK_URL}`; empty when any other text makes
// up the host.
std::string host_variable_of(std::string_view url);
// Host of "user@host:path" (scp/rsync remote form); empty when the word is a local path.
std::string remote_host_of(std::string_view text);
// The host of a bash socket path, /dev/tcp/HOST/PORT or /dev/udp/HOST/PORT (lower-cased); empty for other paths.
std::string socket_path_host(std::string_view path);
// True when text looks like a URL (scheme://).
bool is_url(std::string_view text);
// Base64 (standard or url-safe, padding optional, whitespace ignored); nullopt if not base64 text or
// shorter than min_symbols (a short shell word is rarely base64; a name in code may be "b3M=").
std::optional<std::string> decode_base64(std::string_view text, int min_symbols = 4);
// Hex digits to bytes (xxd -r -p); nullopt if not hex.
std::optional<std::string> decode_hex(std::string_view text);
// Expands one unquoted brace list "{a,b}c" → {"ac","bc"}; nullopt when there is none.
std::optional<std::vector<std::string>> expand_braces(std::string_view text);
// Spells a brace list in the command position ({curl,-d,x}) as the words bash expands it to, same length
// (braces and commas become spaces), so the parser sees a command; in place, true when anything changed.
bool spread_command_braces(std::string& script);
// True when the text is printable enough to be a script (used to accept decoded payloads).
bool looks_like_text(std::string_view text);
// Length of the valid UTF-8 sequence that starts at text[i] (1 for ASCII), or 0 when the bytes there
// are not valid UTF-8.
size_t utf8_sequence_at(std::string_view text, size_t i);
// ASCII lower-case copy.
using toolwall::lower;
// A setting's "off" spelling, any case: 0, false, no, off (git's and most tools' booleans).
bool is_off_value(std::string_view value);
// Shell-glob match (*, ?, [..]) of name against pattern.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace toolwall::shell
