#include "analysis/code/regex_literals.h"

#include <algorithm>
#include <cctype>
#include <optional>

namespace toolwall::code {

namespace {

constexpr size_t kMaxExact = 32;       // strings kept while a piece's exact set is known
constexpr size_t kMaxSetSize = 64;     // strings in one required set (more cost more than they save)
constexpr size_t kMaxSets = 8;         // required sets kept for one pattern
constexpr int kMaxNesting = 32;        // group depth the reader follows

using Strings = std::vector<std::string>;

// What a piece of a pattern is known to match: either every string it matches (exact), or sets of
// which each match holds one string (required); neither means anything.
struct Info {
  std::optional<Strings> exact;
  std::vector<Strings> required;
};

Info anything() { return {}; }
Info exactly(Strings strings) {
  std::sort(strings.begin(), strings.end());
  strings.erase(std::unique(strings.begin(), strings.end()), strings.end());
  return Info{std::move(strings), {}};
}
Info empty_string() { return exactly({""}); }

bool holds_empty(const Strings& strings) {
  return std::any_of(strings.begin(), strings.end(), [](const std::string& s) { return s.empty(); });
}

// The piece's knowledge as required sets only.
std::vector<Strings> requirements(const Info& info) {
  if (!info.exact) return info.required;
  if (info.exact->empty() || holds_empty(*info.exact)) return {};
  return {*info.exact};
}

// An exact set grown too large keeps only what it requires.
Info capped(Info info) {
  if (info.exact && info.exact->size() > kMaxExact) return Info{std::nullopt, requirements(info)};
  return info;
}

Info concatenate(const Info& a, const Info& b) {
  if (a.exact && b.exact && a.exact->size() * b.exact->size() <= kMaxExact) {
    Strings product;
    for (const auto& x : *a.exact)
      for (const auto& y : *b.exact) product.push_back(x + y);
    return exactly(std::move(product));
  }
  Info out;
  out.required = requirements(a);
  for (auto& set : requirements(b)) out.required.push_back(std::move(set));
  return out;
}

// The strongest single set of a piece: the one whose shortest string is longest.
const Strings* best_set(const std::vector<Strings>& sets) {
  const Strings* best = nullptr;
  size_t best_length = 0;
  for (const auto& set : sets) {
    size_t shortest = std::min_element(set.begin(), set.end(), [](const auto& x, const auto& y) {
                        return x.size() < y.size();
                      })->size();
    if (!best || shortest > best_length) best = &set, best_length = shortest;
  }
  return best;
}

Info alternate(const Info& a, const Info& b) {
  if (a.exact && b.exact) {
    Strings both = *a.exact;
    both.insert(both.end(), b.exact->begin(), b.exact->end());
    return capped(exactly(std::move(both)));
  }
  auto ra = requirements(a), rb = requirements(b);
  const Strings* sa = best_set(ra);
  const Strings* sb = best_set(rb);
  if (!sa || !sb) return anything();  // one branch requires nothing, so the whole requires nothing
  Strings either = *sa;
  either.insert(either.end(), sb->begin(), sb->end());
  std::sort(either.begin(), either.end());
  either.erase(std::unique(either.begin(), either.end()), either.end());
  return Info{std::nullopt, {either}};
}

class Reader {
 public:
  Reader(std::string_view pattern, bool ignore_case) : p_(pattern), ignore_case_(ignore_case) {}

  std::optional<Info> read() {
    Info info = alternation(0);
    if (failed_ || at_ != p_.size()) return std::nullopt;
    return info;
  }

  // Whether the pattern holds ^, $, \b, \B or a lookaround: read as matching the empty string, they
  // make an exact set an over-estimate (right for a prefilter, wrong for a whole-text lookup).
  bool saw_assertion() const { return saw_assertion_; }

 private:
  std::string_view p_;
  bool ignore_case_;
  size_t at_ = 0;
  bool failed_ = false;
  bool saw_assertion_ = false;

  bool more() const { return at_ < p_.size() && !failed_; }
  char peek() const { return p_[at_]; }
  Info fail() {
    failed_ = true;
    return anything();
  }

  std::optional<char> literal(char c) {
    if (!ignore_case_) return c;
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;  // case folding beyond ASCII: not followed
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }

  Info one_char(char c) {
    auto folded = literal(c);
    if (!folded) return fail();
    return exactly({std::string(1, *folded)});
  }

  Info alternation(int depth) {
    if (depth > kMaxNesting) return fail();
    Info info = sequence(depth);
    while (more() && peek() == '|') {
      ++at_;
      info = alternate(info, sequence(depth));
    }
    return info;
  }

  // Exact pieces in a row multiply out into one run of strings; a piece that is not exact ends the run,
  // which then becomes one required set, and its own requirements join.
  Info sequence(int depth) {
    Info run = empty_string();
    std::vector<Strings> required;
    bool exact_so_far = true;
    auto flush = [&] {
      for (auto& set : requirements(run)) required.push_back(std::move(set));
      run = empty_string();
    };
    while (more() && peek() != '|' && peek() != ')') {
      Info piece = quantified(atom(depth));
      if (piece.exact && run.exact && run.exact->size() * piece.exact->size() <= kMaxExact) {
        run = concatenate(run, piece);
        continue;
      }
      flush();
      if (piece.exact) {
        run = piece;
      } else {
        for (auto& set : piece.required) required.push_back(std::move(set));
      }
      exact_so_far = false;
    }
    if (exact_so_far) return run;
    flush();
    if (required.size() > kMaxSets) required.resize(kMaxSets);
    return Info{std::nullopt, std::move(required)};
  }

  Info quantified(Info atom) {
    if (!more()) return atom;
    char c = peek();
    Info out;
    if (c == '*') {
      ++at_;
      out = anything();
    } else if (c == '+') {
      ++at_;
      out = Info{std::nullopt, requirements(atom)};
    } else if (c == '?') {
      ++at_;
      if (atom.exact) {
        Strings with_empty = *atom.exact;
        with_empty.emplace_back();
        out = exactly(std::move(with_empty));
      }
    } else if (c == '{') {
      size_t close = p_.find('}', at_);
      if (close == std::string_view::npos) return fail();
      std::string_view bounds = p_.substr(at_ + 1, close - at_ - 1);
      if (bounds.empty() || !std::isdigit(static_cast<unsigned char>(bounds[0]))) return fail();
      size_t n = 0, i = 0;
      while (i < bounds.size() && std::isdigit(static_cast<unsigned char>(bounds[i])))
        n = std::min<size_t>(n * 10 + static_cast<size_t>(bounds[i++] - '0'), 1000);
      if (i < bounds.size() && bounds[i] == ',') ++i;
      while (i < bounds.size() && std::isdigit(static_cast<unsigned char>(bounds[i]))) ++i;
      if (i != bounds.size()) return fail();
      at_ = close + 1;
      out = n >= 1 ? Info{std::nullopt, requirements(atom)} : anything();
    } else {
      return atom;
    }
    if (more() && peek() == '?') ++at_;  // lazy: matches the same strings
    if (more() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) return fail();
    return out;
  }

  Info atom(int depth) {
    char c = p_[at_++];
    switch (c) {
      case '(':
        return group(depth);
      case '[':
        return char_class();
      case '.':
        return anything();
      case '^':
      case '$':
        saw_assertion_ = true;
        return empty_string();
      case '\\':
        return escape();
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
        return fail();  // a quantifier with nothing to repeat, or a bracket this reader does not place
      default:
        return one_char(c);
    }
  }

  Info group(int depth) {
    bool zero_width = false;
    if (more() && peek() == '?') {
      std::string_view rest = p_.substr(at_);
      if (rest.rfind("?:", 0) == 0) {
        at_ += 2;
      } else if (rest.rfind("?=", 0) == 0 || rest.rfind("?!", 0) == 0) {
        at_ += 2;
        zero_width = true;
      } else if (rest.rfind("?<=", 0) == 0 || rest.rfind("?<!", 0) == 0) {
        at_ += 3;
        zero_width = true;
      } else {
        return fail();  // named groups and other extensions
      }
    }
    Info inner = alternation(depth + 1);
    if (!more() || peek() != ')') return fail();
    ++at_;
    if (zero_width) saw_assertion_ = true;
    return zero_width ? empty_string() : inner;  // a lookaround adds conditions; ignoring them is safe
  }

  Info escape() {
    if (!more()) return fail();
    char c = p_[at_++];
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
        return anything();
      case 'b':
      case 'B':
        saw_assertion_ = true;
        return empty_string();
      case 'n':
        return one_char('\n');
      case 't':
        return one_char('\t');
      case 'r':
        return one_char('\r');
      default:
        if (std::isalnum(static_cast<unsigned char>(c))) return fail();  // \x41, \u, \c, back-references …
        return one_char(c);
    }
  }

  // A bracket class is known when it lists a few single characters: [\"'`], [wax], [._-].
  Info char_class() {
    if (!more()) return fail();
    bool negated = peek() == '^';
    if (negated) ++at_;
    if (more() && peek() == ']') return fail();  // [] and []...] read differently across dialects
    Strings chars;
    bool known = !negated;
    while (more() && peek() != ']') {
      char c = p_[at_++];
      if (c == '\\') {
        if (!more()) return fail();
        char e = p_[at_++];
        if (std::isalnum(static_cast<unsigned char>(e))) {
          if (e == 'n') {
            c = '\n';
          } else if (e == 't') {
            c = '\t';
          } else if (e == 'r') {
            c = '\r';
          } else {
            known = false;  // \s \w \d … inside the class
            continue;
          }
        } else {
          c = e;
        }
      } else if (c == '[') {
        return fail();  // [[:alpha:]] and friends
      }
      if (more() && peek() == '-' && at_ + 1 < p_.size() && p_[at_ + 1] != ']') {
        known = false;  // a range
        at_ += 2;
        if (p_[at_ - 1] == '\\') ++at_;
        continue;
      }
      auto folded = literal(c);
      if (!folded) return fail();
      chars.emplace_back(1, *folded);
    }
    if (!more()) return fail();
    ++at_;  // ]
    if (!known || chars.empty() || chars.size() > 10) return anything();
    return exactly(std::move(chars));
  }
};

}  // namespace

RequiredLiterals required_literals(std::string_view pattern, bool ignore_case) {
  RequiredLiterals out;
  out.ignore_case = ignore_case;
  auto info = Reader(pattern, ignore_case).read();
  if (!info) return out;
  for (auto& set : requirements(*info)) {
    if (set.empty() || set.size() > kMaxSetSize || holds_empty(set)) continue;
    out.all_of_any.push_back(std::move(set));
    if (out.all_of_any.size() >= kMaxSets) break;
  }
  return out;
}

std::optional<std::vector<std::string>> whole_text_matches(std::string_view pattern, bool ignore_case) {
  if (pattern.size() < 2 || pattern.front() != '^' || pattern.back() != '$') return std::nullopt;
  size_t backslashes = 0;  // "\\$" ends with a literal dollar sign, not an anchor
  for (size_t i = pattern.size() - 1; i-- > 0 && pattern[i] == '\\';) ++backslashes;
  if (backslashes % 2 == 1) return std::nullopt;
  Reader reader(pattern.substr(1, pattern.size() - 2), ignore_case);
  auto info = reader.read();
  if (!info || !info->exact || reader.saw_assertion()) return std::nullopt;
  return info->exact;  // sorted and unique (exactly())
}

bool may_contain_match(const RequiredLiterals& literals, std::string_view text, const std::string* lower_text) {
  if (literals.all_of_any.empty()) return true;
  std::string folded;
  if (literals.ignore_case) {
    if (!lower_text) folded = ascii_lower(text);
    text = lower_text ? std::string_view(*lower_text) : std::string_view(folded);
  }
  for (const auto& set : literals.all_of_any)
    if (std::none_of(set.begin(), set.end(),
                     [&](const std::string& s) { return text.find(s) != std::string_view::npos; }))
      return false;
  return true;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace toolwall::code
