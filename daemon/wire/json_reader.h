#pragma once
// A strict JSON reader that hands out one token at a time and builds nothing: it accepts exactly what
// nlohmann::json accepts (RFC 8259 plus a leading UTF-8 BOM; numbers that overflow a double are
// refused), so a fast path built on it never reads a body the full path would read differently.
// Single pass, no recursion, no exceptions, no allocation up to 256 levels of nesting.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::wire {

enum class JsonToken : uint8_t {
  object_begin,
  object_end,
  array_begin,
  array_end,
  key,
  string,
  number,
  literal,
  end,
  error
};

class JsonReader {
 public:
  // Reads `text`; a container nested deeper than max_depth (the top one is depth 1) is an error.
  JsonReader(std::string_view text, size_t max_depth);

  // The next token; once it returns `end` (the whole text was one valid value) or `error`, it stays.
  JsonToken next();

  // The last key's or string's text between its quotes (escapes undecoded), or the last number's
  // or literal's text.
  std::string_view raw() const { return raw_; }
  // Whether the last key or string holds escapes, so that its value differs from raw().
  bool escaped() const { return escaped_; }
  // Whether the last number is written as an integer (no fraction, no exponent).
  bool integral() const { return integral_; }
  // The last number's value when it is written as an integer that fits an int.
  std::optional<int> int_value() const;
  // Appends the last key's or string's value, escapes decoded to UTF-8, to `out`.
  void append_value(std::string& out) const;

 private:
  enum class Expect : uint8_t { value, value_or_array_end, key, key_or_object_end, separator, end };

  JsonToken read_value();
  JsonToken read_key();
  JsonToken close(bool object);
  JsonToken fail();
  void skip_whitespace();
  void value_done() { expect_ = depth_ == 0 ? Expect::end : Expect::separator; }
  bool scan_string();
  bool scan_number();
  bool scan_literal();
  bool push(bool object);
  bool top_is_object() const;

  std::string_view text_;
  size_t pos_ = 0;
  size_t max_depth_;
  size_t depth_ = 0;
  Expect expect_ = Expect::value;
  bool failed_ = false;
  std::string_view raw_;
  bool escaped_ = false;
  bool integral_ = false;
  // One bit per open container (set: object), the first 256 levels inline.
  std::array<uint64_t, 4> inline_kinds_{};
  std::vector<uint64_t> deeper_kinds_;
};

}  // namespace toolwall::wire
