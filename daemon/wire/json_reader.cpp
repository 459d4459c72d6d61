#include "wire/json_reader.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <system_error>

#include "core/text.h"

namespace toolwall::wire {

namespace {

constexpr size_t kInlineLevels = 64 * 4;

bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

// Bytes a string can hold as they are: printable ASCII other than the quote and the backslash.
constexpr std::array<bool, 256> kPlainStringByte = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x80; ++c) plain[c] = c != '"' && c != '\\';
  return plain;
}();

// The high bit of each of eight bytes (loaded little-endian) that ends a run of plain string bytes:
// below 0x20, a quote, a backslash, non-ASCII ("Bit Twiddling Hacks": haszero, hasless). A borrow
// can flag a byte after a flagged one, never before, so the lowest flag is exact.
uint64_t special_bytes(uint64_t bytes) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  auto zero_bytes = [](uint64_t v) { return (v - kOnes) & ~v & kHighBits; };
  uint64_t below_space = (bytes - kOnes * 0x20) & ~bytes & kHighBits;
  return below_space | zero_bytes(bytes ^ (kOnes * '"')) | zero_bytes(bytes ^ (kOnes * '\\')) |
         (bytes & kHighBits);
}

// The index of the first byte from `at` that is not plain string text, or text.size().
size_t plain_run_end(std::string_view text, size_t at) {
  if constexpr (std::endian::native == std::endian::little) {
    // eight bytes at a time (most of a body is string text)
    for (; at + 8 <= text.size(); at += 8) {
      uint64_t bytes = 0;
      std::memcpy(&bytes, text.data() + at, 8);
      if (uint64_t special = special_bytes(bytes))
        return at + static_cast<size_t>(std::countr_zero(special)) / 8;
    }
  }
  while (at < text.size() && kPlainStringByte[static_cast<unsigned char>(text[at])]) ++at;
  return at;
}

// The value of four hex digits at text[at], or -1 (also when the text ends first).
int hex4(std::string_view text, size_t at) {
  if (at + 4 > text.size()) return -1;
  int value = 0;
  for (size_t k = at; k < at + 4; ++k) {
    auto c = static_cast<unsigned char>(text[k]);
    int digit = hex_value(static_cast<char>(c));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

bool is_high_surrogate(int code) {
  return code >= 0xD800 && code <= 0xDBFF;
}
bool is_low_surrogate(int code) {
  return code >= 0xDC00 && code <= 0xDFFF;
}

// The length of the escape at text[at] (a backslash), or 0 when nlohmann would refuse it: the
// short escapes, and \uXXXX where a high surrogate must be followed by an escaped low one.
size_t escape_length(std::string_view text, size_t at) {
  if (at + 1 >= text.size()) return 0;
  switch (text[at + 1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      return 2;
    case 'u':
      break;
    default:
      return 0;
  }
  int code = hex4(text, at + 2);
  if (code < 0 || is_low_surrogate(code)) return 0;
  if (!is_high_surrogate(code)) return 6;
  if (at + 7 < text.size() && text[at + 6] == '\\' && text[at + 7] == 'u' &&
      is_low_surrogate(hex4(text, at + 8)))
    return 12;
  return 0;
}

// The length of the well-formed UTF-8 sequence (RFC 3629, as nlohmann checks it) of two to four
// bytes at text[at], or 0.
size_t utf8_length(std::string_view text, size_t at) {
  auto in = [&](size_t k, unsigned low, unsigned high) {
    if (at + k >= text.size()) return false;
    auto c = static_cast<unsigned char>(text[at + k]);
    return c >= low && c <= high;
  };
  auto lead = static_cast<unsigned char>(text[at]);
  if (lead >= 0xC2 && lead <= 0xDF) return in(1, 0x80, 0xBF) ? 2 : 0;
  if (lead == 0xE0) return in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (lead == 0xED) return in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (lead >= 0xE1 && lead <= 0xEF) return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
  if (lead == 0xF0) return in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3)
    return in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  if (lead == 0xF4) return in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

// Whether a number's text (known to follow the grammar) converts to a finite double.
bool converts_to_finite_double(std::string_view number) {
  double value = 0;
  auto result = std::from_chars(number.data(), number.data() + number.size(), value);
  return result.ec == std::errc();  // called only for numbers past 1e308: out of range is an overflow
}

}  // namespace

JsonReader::JsonReader(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // nlohmann skips a byte order mark
}

JsonToken JsonReader::next() {
  if (failed_) return JsonToken::error;
  skip_whitespace();
  switch (expect_) {
    case Expect::end:
      if (pos_ != text_.size()) return fail();
      return JsonToken::end;
    case Expect::value:
      return read_value();
    case Expect::key:
      return read_key();
    case Expect::value_or_array_end:
      if (pos_ < text_.size() && text_[pos_] == ']') return close(false);
      return read_value();
    case Expect::key_or_object_end:
      if (pos_ < text_.size() && text_[pos_] == '}') return close(true);
      return read_key();
    case Expect::separator:
      break;
  }
  if (pos_ >= text_.size()) return fail();
  bool object = top_is_object();
  char c = text_[pos_];
  if (c == (object ? '}' : ']')) return close(object);
  if (c != ',') return fail();
  ++pos_;
  skip_whitespace();
  return object ? read_key() : read_value();
}

JsonToken JsonReader::read_value() {
  if (pos_ >= text_.size()) return fail();
  switch (text_[pos_]) {
    case '{':
    case '[': {
      bool object = text_[pos_] == '{';
      if (!push(object)) return fail();
      ++pos_;
      expect_ = object ? Expect::key_or_object_end : Expect::value_or_array_end;
      return object ? JsonToken::object_begin : JsonToken::array_begin;
    }
    case '"':
      if (!scan_string()) return fail();
      value_done();
      return JsonToken::string;
    case 't':
    case 'f':
    case 'n':
      if (!scan_literal()) return fail();
      value_done();
      return JsonToken::literal;
    default:
      if (!scan_number()) return fail();
      value_done();
      return JsonToken::number;
  }
}

JsonToken JsonReader::read_key() {
  if (pos_ >= text_.size() || text_[pos_] != '"' || !scan_string()) return fail();
  skip_whitespace();
  if (pos_ >= text_.size() || text_[pos_] != ':') return fail();
  ++pos_;
  expect_ = Expect::value;
  return JsonToken::key;
}

JsonToken JsonReader::close(bool object) {
  ++pos_;
  --depth_;
  value_done();
  return object ? JsonToken::object_end : JsonToken::array_end;
}

JsonToken JsonReader::fail() {
  failed_ = true;
  return JsonToken::error;
}

void JsonReader::skip_whitespace() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
    ++pos_;
  }
}

bool JsonReader::scan_string() {
  size_t i = pos_ + 1;
  bool escaped = false;
  for (;;) {
    i = plain_run_end(text_, i);
    if (i >= text_.size()) return false;
    auto c = static_cast<unsigned char>(text_[i]);
    if (c == '"') break;
    size_t length = c == '\\' ? escape_length(text_, i) : c >= 0x80 ? utf8_length(text_, i) : 0;
    if (length == 0) return false;  // a control character, a bad escape or ill-formed UTF-8
    escaped = escaped || c == '\\';
    i += length;
  }
  raw_ = text_.substr(pos_ + 1, i - pos_ - 1);
  escaped_ = escaped;
  pos_ = i + 1;
  return true;
}

bool JsonReader::scan_number() {
  auto at = [&](size_t i) { return i < text_.size() ? static_cast<unsigned char>(text_[i]) : '\0'; };
  size_t i = pos_;
  if (at(i) == '-') ++i;
  size_t integer_start = i;
  if (at(i) == '0') {
    ++i;
  } else if (is_digit(at(i))) {
    while (is_digit(at(i))) ++i;
  } else {
    return false;
  }
  size_t integer_digits = i - integer_start;
  bool zero_integer = at(integer_start) == '0';
  bool nonzero = !zero_integer;
  size_t leading_fraction_zeros = 0;
  bool integral = true;
  if (at(i) == '.') {
    ++i;
    if (!is_digit(at(i))) return false;
    integral = false;
    while (is_digit(at(i))) {
      if (at(i) != '0')
        nonzero = true;
      else if (!nonzero)
        ++leading_fraction_zeros;
      ++i;
    }
  }
  long long exponent = 0;
  if (at(i) == 'e' || at(i) == 'E') {
    ++i;
    bool negative = at(i) == '-';
    if (at(i) == '-' || at(i) == '+') ++i;
    if (!is_digit(at(i))) return false;
    integral = false;
    constexpr long long kSaturated = 1'000'000'000'000'000LL;  // far past any double, far from overflow
    while (is_digit(at(i))) {
      if (exponent < kSaturated) exponent = exponent * 10 + (at(i) - '0');
      ++i;
    }
    if (negative) exponent = -exponent;
  }
  raw_ = text_.substr(pos_, i - pos_);
  integral_ = integral;
  pos_ = i;
  // nlohmann refuses a number that overflows a double. Its value is below 10^bound (an integer part
  // of n digits is below 10^n, "0.000d…" below 10^-zeros): below 1e308 it is finite whatever its
  // digits, above the exact conversion decides.
  if (!nonzero) return true;
  long long bound = exponent + (zero_integer ? -static_cast<long long>(leading_fraction_zeros)
                                             : static_cast<long long>(integer_digits));
  return bound <= 308 || converts_to_finite_double(raw_);
}

bool JsonReader::scan_literal() {
  for (std::string_view literal :
       {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
    if (text_.compare(pos_, literal.size(), literal) == 0) {
      raw_ = text_.substr(pos_, literal.size());
      pos_ += literal.size();
      return true;
    }
  }
  return false;
}

bool JsonReader::push(bool object) {
  if (depth_ >= max_depth_) return false;
  uint64_t* word = nullptr;
  if (depth_ < kInlineLevels) {
    word = &inline_kinds_[depth_ / 64];
  } else {
    size_t index = (depth_ - kInlineLevels) / 64;
    if (index >= deeper_kinds_.size()) deeper_kinds_.resize(index + 1);
    word = &deeper_kinds_[index];
  }
  uint64_t bit = uint64_t{1} << (depth_ % 64);
  *word = object ? (*word | bit) : (*word & ~bit);
  ++depth_;
  return true;
}

bool JsonReader::top_is_object() const {
  size_t level = depth_ - 1;
  uint64_t word =
      level < kInlineLevels ? inline_kinds_[level / 64] : deeper_kinds_[(level - kInlineLevels) / 64];
  return (word >> (level % 64)) & 1;
}

void JsonReader::append_value(std::string& out) const {
  if (!escaped_) {
    out.append(raw_);
    return;
  }
  size_t i = 0;
  while (i < raw_.size()) {
    size_t backslash = raw_.find('\\', i);
    if (backslash == std::string_view::npos) {
      out.append(raw_.substr(i));
      return;
    }
    out.append(raw_.substr(i, backslash - i));
    char kind = raw_[backslash + 1];
    i = backslash + 2;
    switch (kind) {
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        // scan_string let only valid escapes and whole surrogate pairs through
        auto code = static_cast<uint32_t>(hex4(raw_, backslash + 2));
        i = backslash + 6;
        if (is_high_surrogate(static_cast<int>(code))) {
          auto low = static_cast<uint32_t>(hex4(raw_, backslash + 8));
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          i = backslash + 12;
        }
        append_utf8(out, code);
        break;
      }
      default:
        out += kind;
        break;  // " \ /
    }
  }
}

std::optional<int> JsonReader::int_value() const {
  if (!integral_) return std::nullopt;
  std::string_view text = raw_;
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 10) return std::nullopt;
  long long value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  if (negative) value = -value;
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(value);
}

}  // namespace toolwall::wire
