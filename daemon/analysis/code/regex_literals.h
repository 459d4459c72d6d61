#pragma once
// Literal text that every match of a regular expression contains, read from the pattern without running
// it. Code detectors test the same few regexes on thousands of nodes whose text mostly cannot match;
// a substring search rules those out before std::regex (slow, backtracking) runs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::code {

// A match contains, from every set, at least one of its strings. No sets: nothing is known (always
// the answer for syntax this reader does not follow, so it never rules out a real match).
struct RequiredLiterals {
  std::vector<std::vector<std::string>> all_of_any;
  bool ignore_case = false;  // strings are lower-case and compared without case
};

// Reads an ECMAScript pattern (without the "(?i)" prefix; ignore_case says whether it had one).
RequiredLiterals required_literals(std::string_view pattern, bool ignore_case);

// For a pattern anchored at both ends (^…$) whose body matches a small known set of strings (such as
// ^(exec|eval)$), that set, sorted (lower case under ignore_case): a search is then a set lookup.
std::optional<std::vector<std::string>> whole_text_matches(std::string_view pattern, bool ignore_case);

// False only when no substring of text can match: some set has none of its strings in text.
// lower_text, when given, is text in lower case (callers testing many patterns on one text fold it once).
bool may_contain_match(const RequiredLiterals& literals, std::string_view text,
                       const std::string* lower_text = nullptr);

// text with ASCII letters in lower case.
std::string ascii_lower(std::string_view text);

}  // namespace toolwall::code
