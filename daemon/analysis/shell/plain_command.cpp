#include "analysis/shell/plain_command.h"

#include <algorithm>
#include <array>

namespace toolwall::shell {
namespace {

// Bytes that are literal wherever they stand in an unquoted bash word. Everything else (quotes,
// $ ` \ globs braces tildes operators # ! ^ newlines, any non-ASCII byte) sends the script to the parser.
bool plain_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '/' || c == ':' || c == ',' || c == '@' || c == '%' || c == '+' || c == '=';
}

// Words the grammar gives a structure of their own, or that bash reads as syntax in some position.
bool structural_word(std::string_view word) {
  static constexpr std::array<std::string_view, 28> words{
      "case", "coproc", "do",       "done",    "elif",   "else",  "esac",    "fi",      "for",      "function",
      "if",   "in",     "select",   "then",    "time",   "until", "while",   "declare", "typeset",  "export",
      "local", "readonly", "unset", "unsetenv", "alias", "eval",  "source",  "exec"};
  return std::find(words.begin(), words.end(), word) != words.end();
}

// The grammar reads a command word that starts with punctuation ("-", "%1") or holds = @ : % + ,
// in ways of its own (name=value is an assignment; "z@:A" is a syntax error to it), so only the
// ordinary spelling of a program or path is read here.
bool ordinary_command_word(std::string_view word) {
  auto letter_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  char first = word.front();
  if (!letter_or_digit(first) && first != '_' && first != '.' && first != '/') return false;
  return std::all_of(word.begin(), word.end(),
                     [&](char c) { return letter_or_digit(c) || c == '_' || c == '.' || c == '/' || c == '-'; });
}

}  // namespace

std::optional<std::vector<Span>> plain_command_words(std::string_view script, size_t max_bytes) {
  if (script.size() > max_bytes) return std::nullopt;
  std::vector<Span> words;
  size_t i = 0;
  while (i < script.size()) {
    if (script[i] == ' ' || script[i] == '\t') {
      ++i;
      continue;
    }
    size_t begin = i;
    while (i < script.size() && plain_byte(script[i])) ++i;
    if (i < script.size() && script[i] != ' ' && script[i] != '\t') return std::nullopt;
    std::string_view word = script.substr(begin, i - begin);
    if (structural_word(word)) return std::nullopt;
    if (words.empty() && !ordinary_command_word(word)) return std::nullopt;
    if (word.front() == '=') return std::nullopt;  // "==" is a test operator to the grammar
    words.push_back(Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(i)});
  }
  if (words.empty()) return std::nullopt;
  return words;
}

}  // namespace toolwall::shell
