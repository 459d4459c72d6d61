#include "analysis/shell/decoded_literals.h"

#include <zlib.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <regex>
#include <vector>

#include "analysis/shell/words.h"

namespace toolwall::shell {
namespace {

constexpr size_t kMostCodeBytes = 64 * 1024;
constexpr size_t kMostDecodedBytes = 64 * 1024;
constexpr int kMostPasses = 4;        // zlib(base64(…)) inside exec(…[::-1]) …
constexpr size_t kContextBytes = 96;  // the decoder's call around a literal is read within this many bytes
constexpr size_t kMostCodeList = 16 * 1024;

// A quoted constant on one line: [begin, end) spans its quotes; text has its quote escapes undone
// ('it\'s' is it's), so '…\'hs | …'[::-1] reverses into what runs.
struct Literal {
  size_t begin = 0, end = 0;
  std::string text;
};

std::vector<Literal> literals_in(std::string_view code) {
  std::vector<Literal> out;
  for (size_t i = 0; i < code.size(); ++i) {
    char quote = code[i];
    if (quote != '\'' && quote != '"') continue;
    Literal literal;
    literal.begin = i;
    size_t j = i + 1;
    for (; j < code.size() && code[j] != quote && code[j] != '\n'; ++j) {
      if (code[j] == '\\' && j + 1 < code.size() && code[j + 1] != '\n') {
        char next = code[j + 1];
        if (next != '\'' && next != '"' && next != '\\') literal.text += '\\';
        literal.text += next;
        ++j;
        continue;
      }
      literal.text += code[j];
    }
    if (j >= code.size() || code[j] != quote) break;  // unclosed: the rest is not read as literals
    literal.end = j + 1;
    out.push_back(std::move(literal));
    i = j;
  }
  return out;
}

std::string rot13(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 13) % 26);
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 13) % 26);
  }
  return text;
}

std::string reversed(const std::string& text) { return std::string(text.rbegin(), text.rend()); }

// zlib.decompress: a zlib (or gzip) stream inflated, when it holds at most kMostDecodedBytes.
std::optional<std::string> inflate_bounded(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return std::nullopt;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out(kMostDecodedBytes, '\0');
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = inflate(&stream, Z_FINISH);
  size_t produced = out.size() - stream.avail_out;
  inflateEnd(&stream);
  if (result != Z_STREAM_END) return std::nullopt;  // broken, or past the bound: left as written
  out.resize(produced);
  return out;
}

// Decoded text fit to stand in the code: printable (a binary payload is not a command), one line,
// double-quoted.
std::optional<std::string> as_literal(const std::optional<std::string>& decoded) {
  if (!decoded || decoded->empty() || decoded->size() > kMostDecodedBytes) return std::nullopt;
  bool printable = std::all_of(decoded->begin(), decoded->end(), [](char c) {
    return c == '\n' || c == '\t' || c == '\r' || (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
  });
  if (!printable) return std::nullopt;
  std::string out = "\"";
  for (char c : *decoded) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out + "\"";
}

// A decoder of one literal: the call's text just before the literal (a pattern ending in $) and just
// after it (a pattern starting with ^), both read within kContextBytes, so no regex runs over a payload.
struct LiteralDecoder {
  std::string_view hint;  // text the call holds near the literal: most literals are no decoder's, and cost a find
  std::regex before, after;
  std::function<std::optional<std::string>(const std::string&)> decode;
};

const std::vector<LiteralDecoder>& literal_decoders() {
  static const std::vector<LiteralDecoder> all = [] {
    std::vector<LiteralDecoder> d;
    auto add = [&](std::string_view hint, const char* before, const char* after,
                   std::function<std::optional<std::string>(const std::string&)> decode) {
      d.push_back(LiteralDecoder{hint, std::regex(before), std::regex(after), std::move(decode)});
    };
    auto rot = [](const std::string& text) { return std::optional<std::string>(rot13(text)); };
    auto reverse = [](const std::string& text) { return std::optional<std::string>(reversed(text)); };
    auto hex = [](const std::string& text) { return decode_hex(text); };
    auto base64 = [](const std::string& text) { return decode_base64(text); };
    // Python: codecs.decode('…', 'rot13') (encode too: rot13 is its own inverse).
    add("rot", R"(codecs\.(?:de|en)code\(\s*[bBrRuU]{0,2}$)", R"(^\s*,\s*['"]rot[_-]?13['"]\s*\))", rot);
    // Python '…'[::-1]; JavaScript '…'.split('').reverse().join(''); Ruby '…'.reverse.
    add("-1", R"([bBrRuU]{0,2}$)", R"(^\s*\[\s*:\s*:\s*-1\s*\])", reverse);
    add(".split(", R"($)", R"(^\.split\(\s*(?:''|"")\s*\)\.reverse\(\)\.join\(\s*(?:''|"")\s*\))", reverse);
    add(".reverse", R"($)", R"(^\.reverse\b(?!\())", reverse);
    // Hex: Perl's pack("H*", "…"), Ruby's ["…"].pack("H*").
    add("H*", R"(pack\(?\s*['"]H\*['"]\s*,\s*$)", R"(^\s*\)?)", hex);
    add("H*", R"(\[\s*$)", R"(^\s*\]\.pack\(\s*['"]H\*['"]\s*\))", hex);
    // Ruby's base64: "…".unpack1("m"), "…".unpack("m")[0] / .first, Base64.decode64("…").
    add(".unpack", R"($)", R"(^\.unpack1?\(\s*['"]m0?['"]\s*\)(?:\[0\]|\.first)?)", base64);
    add("decode64(", R"(Base64\.(?:strict_|urlsafe_)?decode64\(\s*$)", R"(^\s*\))", base64);
    // Python: zlib.decompress(base64.b64decode(b'…')), a packer's favourite, with or without .decode().
    add("zlib.", R"(zlib\.decompress\(\s*(?:base64\.)?b64decode\(\s*[bB]?$)", R"(^\s*\)\s*\)(?:\.decode\(\s*\))?)",
        [](const std::string& text) -> std::optional<std::string> {
          auto compressed = decode_base64(text);
          if (!compressed) return std::nullopt;
          return inflate_bounded(*compressed);
        });
    return d;
  }();
  return all;
}

// Numbers 0-255 separated by commas (and spaces) as the characters they code.
std::optional<std::string> character_codes(std::string_view list) {
  std::string out;
  int value = -1;
  for (char c : list) {
    if (c >= '0' && c <= '9') {
      value = (value < 0 ? 0 : value * 10) + (c - '0');
      if (value > 255) return std::nullopt;
    } else if (c == ',') {
      if (value < 0) return std::nullopt;
      out += static_cast<char>(value);
      value = -1;
    } else if (c != ' ' && c != '\t' && c != '\n') {
      return std::nullopt;
    }
  }
  if (value >= 0) out += static_cast<char>(value);
  if (out.empty()) return std::nullopt;
  return out;
}

struct Replacement {
  size_t begin, end;
  std::string text;
};

// Character-code lists: String.fromCharCode(99, …), bytes([99, …]).decode(), ''.join(map(chr, [99, …])),
// [99, …].pack('c*') (Ruby).
void code_lists(std::string_view code, std::vector<Replacement>& out) {
  struct Form {
    std::string_view opening;
    char closing;
    std::regex after;  // what follows the closing bracket, as part of the expression
  };
  static const std::vector<Form> forms = [] {
    std::vector<Form> f;
    f.push_back({"String.fromCharCode(", ')', std::regex(R"(^)")});
    f.push_back({"bytes([", ']', std::regex(R"(^\s*\)(?:\.decode\(\s*\))?)")});
    f.push_back({"map(chr, [", ']', std::regex(R"(^\s*\)\s*\))")});
    f.push_back({"map(chr,[", ']', std::regex(R"(^\s*\)\s*\))")});
    return f;
  }();
  for (const auto& form : forms) {
    for (size_t at = code.find(form.opening); at != std::string_view::npos; at = code.find(form.opening, at + 1)) {
      size_t list_begin = at + form.opening.size();
      size_t close = code.find(form.closing, list_begin);
      if (close == std::string_view::npos || close - list_begin > kMostCodeList) continue;
      auto decoded = as_literal(character_codes(code.substr(list_begin, close - list_begin)));
      if (!decoded) continue;
      size_t begin = at, end = close + 1;
      std::string after(code.substr(end, kContextBytes));
      std::smatch m;
      if (!std::regex_search(after, m, form.after)) continue;
      end += static_cast<size_t>(m.length(0));
      if (form.opening.rfind("map(", 0) == 0) {  // ''.join( before map(
        std::string_view head = code.substr(0, at);
        size_t join = head.rfind(".join(");
        if (join == std::string_view::npos || join < 2 || at - join > 12) continue;
        begin = join - 2;
      }
      out.push_back({begin, end, *decoded});
    }
  }
  // [99, …].pack('c*')
  for (size_t at = code.find("].pack("); at != std::string_view::npos; at = code.find("].pack(", at + 1)) {
    size_t open = code.rfind('[', at);
    if (open == std::string_view::npos || at - open > kMostCodeList) continue;
    std::string after(code.substr(at + 1, kContextBytes));
    static const std::regex kPackChars(R"(^\.pack\(\s*['"][cCU]\*['"]\s*\))");
    std::smatch m;
    if (!std::regex_search(after, m, kPackChars)) continue;
    auto decoded = as_literal(character_codes(code.substr(open + 1, at - open - 1)));
    if (decoded) out.push_back({open, at + 1 + static_cast<size_t>(m.length(0)), *decoded});
  }
}

void decoded_literals(std::string_view code, std::vector<Replacement>& out) {
  for (const auto& literal : literals_in(code)) {
    if (literal.text.empty() || literal.text.size() > kMostDecodedBytes) continue;
    size_t window = std::min(literal.begin, kContextBytes);
    std::string before(code.substr(literal.begin - window, window));
    std::string after(code.substr(literal.end, kContextBytes));
    for (const auto& decoder : literal_decoders()) {
      if (before.find(decoder.hint) == std::string::npos && after.find(decoder.hint) == std::string::npos) continue;
      std::smatch head, tail;
      if (!std::regex_search(after, tail, decoder.after) || !std::regex_search(before, head, decoder.before)) continue;
      auto decoded = as_literal(decoder.decode(literal.text));
      if (!decoded) continue;
      size_t begin = literal.begin - window + static_cast<size_t>(head.position(0));
      out.push_back({begin, literal.end + static_cast<size_t>(tail.length(0)), *decoded});
      break;
    }
  }
}

bool may_decode(std::string_view code) {
  for (std::string_view hint : {"rot13", "rot_13", "rot-13", "[::-1]", ": :-1", ":-1]", "reverse", "fromCharCode", "bytes([", "chr", "pack(",
                                "pack ", "unpack", "decode64", "zlib"})
    if (code.find(hint) != std::string_view::npos) return true;
  return false;
}

}  // namespace

std::string fold_decoded_literals(std::string_view code) {
  std::string text(code);
  if (code.size() > kMostCodeBytes || !may_decode(code)) return text;
  for (int pass = 0; pass < kMostPasses && text.size() <= 2 * kMostCodeBytes; ++pass) {
    std::vector<Replacement> found;
    decoded_literals(text, found);
    code_lists(text, found);
    if (found.empty()) break;
    std::sort(found.begin(), found.end(), [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
    std::string out;
    size_t at = 0;
    for (const auto& r : found) {
      if (r.begin < at) continue;  // overlaps one already made: the next pass sees what is left
      out.append(text, at, r.begin - at);
      out += r.text;
      at = r.end;
    }
    out.append(text, at, std::string::npos);
    text = std::move(out);
  }
  return text;
}

}  // namespace toolwall::shell
