#pragma once
// Host-side checks on text that tree-sitter queries cannot express: regular expressions with an
// inline (?i) flag, Shannon entropy, known credential shapes, JWT algorithm classes.
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/code/regex_literals.h"

namespace toolwall::code {

// A compiled ECMAScript regex; a leading "(?i)" makes it case-insensitive. Input is clipped so a
// hostile megabyte string cannot exhaust the recursive std::regex matcher.
class TextRegex {
 public:
  static std::optional<TextRegex> compile(const std::string& pattern, std::string* error);
  bool search(std::string_view text) const;  // true when the pattern occurs anywhere in text
  // False when no part of text can match (a literal every match holds is absent): cheap, no regex run.
  // lower_text: text in lower case, when the caller has it.
  bool may_occur_in(std::string_view text, const std::string* lower_text = nullptr) const {
    return may_contain_match(literals_, text, lower_text);
  }
  bool search_without_prefilter(std::string_view text) const;  // std::regex alone (tests compare)
  const std::string& pattern() const { return pattern_; }
  const RequiredLiterals& required() const { return literals_; }

 private:
  std::string pattern_;
  std::regex regex_;
  RequiredLiterals literals_;
  std::optional<std::vector<std::string>> whole_text_;  // ^(a|b)$: the texts that match, sorted
};

inline constexpr size_t kRegexInputCap = 8192;

// Bits per character of the text's character distribution.
double shannon_entropy(std::string_view text);

// Name of the credential format the text is (contains), e.g. "openai_key", or empty when none.
std::string known_secret_shape(std::string_view text);

// True when `value` belongs to the named class: asymmetric_alg, symmetric_alg, none_alg.
// Unknown class names are rejected at load by is_value_class.
bool in_value_class(std::string_view class_name, std::string_view value);
bool is_value_class(std::string_view class_name);

// Text a reader does not see: Unicode tag characters (U+E0000–E007F, which spell ASCII invisibly) and
// bidirectional overrides (U+202A–202E, U+2066–2069, which reorder what is shown). Returns the byte
// offset of the first and a description ("tag characters spelling: curl …"), or nullopt when none.
std::optional<std::pair<size_t, std::string>> hidden_text(std::string_view text);

// The value of a quoted literal as written in code ("x", 'x', `x`, r"x", f'x', """x""") without quotes.
std::string unquote_literal(std::string_view literal);

// Backslash escapes of a Python, JavaScript or Go string body (\n, \t, \x41, \u0041 …); one it does
// not know stays as written.
std::string decode_escapes(std::string_view body);

// True when a line of the text stands for code left out (`// ... existing code ...`, `# ... rest of
// the file ...`): the text is part of a file, not all of it.
bool elides_existing_code(std::string_view text);

}  // namespace toolwall::code
