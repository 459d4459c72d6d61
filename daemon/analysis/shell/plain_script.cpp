#include "analysis/shell/plain_script.h"

#include <algorithm>

#include "analysis/shell/words.h"

namespace toolwall::shell {
namespace {

// Bytes an unquoted bash word may hold here. Most are literal wherever they stand; ~ * ? are bash's
// tilde and pathname expansion, which the analysis never performs: either reading keeps them in the
// word's text, where paths like ~/.ssh/* are recognised (the grammar too reads them as one plain word).
// Everything else (quotes, $ ` \ brackets braces operators # ! ^ any non-ASCII byte) ends the word or
// the fast reading.
bool plain_byte(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '/' || c == ':' || c == ',' || c == '@' || c == '%' || c == '+' || c == '=' ||
         c == '~' || c == '*' || c == '?';
}

// Words the grammar gives a structure of their own, or that bash reads as syntax in some position.
// Every bare word is checked, so by its first letter rather than against the whole list.
bool structural_word(std::string_view word) {
  CommandName w{word};
  switch (word.empty() ? '\0' : word.front()) {
    case 'a': return w == "alias";
    case 'c': return w == "case" || w == "coproc";
    case 'd': return w == "do" || w == "done" || w == "declare";
    case 'e': return w == "elif" || w == "else" || w == "esac" || w == "eval" || w == "exec" || w == "export";
    case 'f': return w == "fi" || w == "for" || w == "function";
    case 'i': return w == "if" || w == "in";
    case 'l': return w == "local";
    case 'r': return w == "readonly";
    case 's': return w == "select" || w == "source";
    case 't': return w == "then" || w == "time" || w == "typeset";
    case 'u': return w == "until" || w == "unset" || w == "unsetenv";
    case 'w': return w == "while";
    default: return false;
  }
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

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool name_byte(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// The length of $NAME or ${NAME} at text[at], or 0 for any other use of $ ($1 $@ $? $( $(( ${v:-x}
// ${#v} ${v[0]}, a lone $). $_ is bash's last argument. Inside double quotes, a name followed by a
// byte the grammar might join to it is left to the parser ("$a[0]" "$aé" "$a{"); in a bare word the
// word's own reading does that, as such a byte is neither plain nor the word's end.
size_t variable_reference_length(std::string_view text, size_t at, bool in_quotes) {
  auto byte = [&](size_t i) { return i < text.size() ? text[i] : '\0'; };
  bool braced = byte(at + 1) == '{';
  size_t name_begin = at + (braced ? 2 : 1);
  if (!name_start(byte(name_begin))) return 0;
  size_t name_end = name_begin + 1;
  while (name_byte(byte(name_end))) ++name_end;
  if (name_end - name_begin == 1 && byte(name_begin) == '_') return 0;
  if (braced) return byte(name_end) == '}' ? name_end + 1 - at : 0;
  static constexpr std::string_view kAfterQuotedName = "\"/.-:, =@%+$";
  if (in_quotes && kAfterQuotedName.find(byte(name_end)) == std::string_view::npos) return 0;
  return name_end - at;
}

// Invalid UTF-8 makes tree-sitter-bash read on across lines and operators: such a stage is only read
// in its whole script.
bool valid_utf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t length = utf8_sequence_at(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

class Reader {
 public:
  Reader(std::string_view text, bool opaque_commands) : text_(text), opaque_commands_(opaque_commands) {}

  std::optional<std::vector<PlainStatement>> script() {
    std::vector<PlainStatement> statements;
    skip_blanks();
    while (true) {
      auto statement = pipeline();
      if (!statement) return std::nullopt;
      statements.push_back(std::move(*statement));
      skip_blanks();
      if (looking_at("&&") || looking_at("||")) {
        pos_ += 2;
        skip_blanks_and_newlines();
        continue;
      }
      if (peek() == ';') {
        ++pos_;
        if (peek() == ';' || peek() == '&') return std::nullopt;  // ;; ;& end case items
        skip_blanks();
      } else if (!at_end() && peek() != '\n') {
        return std::nullopt;
      }
      skip_blanks_and_newlines();
      if (at_end()) return statements;
    }
  }

 private:
  std::optional<PlainStatement> pipeline() {
    PlainStatement statement;
    while (true) {
      auto stage = command();
      if (!stage) return std::nullopt;
      statement.stages.push_back(std::move(*stage));
      skip_blanks();
      if (peek() != '|' || looking_at("||") || looking_at("|&")) break;
      ++pos_;
      // After "|\n" tree-sitter-bash may join the next lines into one command; bash does not.
      skip_blanks();
    }
    // "A=b | x", "x | A=b": an assignment alone as a pipeline stage is read by the grammar its own way.
    if (statement.stages.size() > 1)
      for (const auto& stage : statement.stages)
        if (stage.words.empty() && !stage.opaque) return std::nullopt;
    const PlainCommand& last = statement.stages.back();
    uint32_t end = last.redirects.empty() ? last.span.end : last.redirects.back().span.end;
    statement.span = Span{statement.stages.front().span.begin, end};
    return statement;
  }

  std::optional<PlainCommand> command() {
    skip_blanks();
    size_t begin = pos_;
    auto plain = plain_command();
    if (plain || !opaque_commands_) return plain;
    pos_ = begin;
    return opaque_command();
  }

  std::optional<PlainCommand> plain_command() {
    PlainCommand result;
    while (true) {
      skip_blanks();
      if (at_end() || ends_command()) break;
      if (result.words.empty() && assignment_ahead()) {
        auto assigned = assignment();
        if (!assigned) return std::nullopt;
        result.assignments.push_back(*assigned);
        continue;
      }
      if (redirect_ahead()) {
        if (result.words.empty()) return std::nullopt;  // "> f cmd", "A=b > f": the grammar reads them its own way
        if (result.redirects.empty() && slice(result.words.back().span) == "-") return std::nullopt;  // the grammar drops a "-" before a redirection
        auto redirect = redirection();
        if (!redirect) return std::nullopt;
        result.redirects.push_back(*redirect);
        continue;
      }
      if (!result.redirects.empty()) return std::nullopt;  // words after a redirection
      auto word = this->word();
      if (!word) return std::nullopt;
      if (!literal_to_the_grammar(*word)) return std::nullopt;
      if (result.words.empty() && (word->quote != 0 || !ordinary_command_word(slice(word->span)))) return std::nullopt;
      result.words.push_back(*word);
    }
    if (result.words.empty() && result.assignments.empty()) return std::nullopt;
    uint32_t begin = result.assignments.empty() ? result.words.front().span.begin : result.assignments.front().span.begin;
    uint32_t end = result.words.empty() ? result.assignments.back().span.end : result.words.back().span.end;
    result.span = Span{begin, end};
    return result;
  }

  // NAME= at the start of a word: an assignment, as the grammar reads one before a command's name
  // ("_=1" is a command word to it).
  bool assignment_ahead() const {
    if (!name_start(peek())) return false;
    size_t i = 1;
    while (name_byte(peek(i))) ++i;
    return peek(i) == '=' && !(i == 1 && peek() == '_');
  }

  // NAME=, then a plain word or nothing. A value the grammar might read otherwise ("=x" "==") is left
  // to the parser, like such an argument.
  std::optional<PlainAssignment> assignment() {
    PlainAssignment result;
    size_t begin = pos_;
    while (peek() != '=') ++pos_;
    result.name = text_.substr(begin, pos_ - begin);
    ++pos_;
    if (!word_ends_here()) {
      auto value = word();
      if (!value || !literal_to_the_grammar(*value) || split_by_the_grammar(*value)) return std::nullopt;
      result.value = *value;
    } else if (!at_end() && peek() != ' ' && peek() != '\t' && peek() != '\n') {
      return std::nullopt;  // "A=;" "A=|x": an empty value glued to an operator
    }
    result.span = Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_)};
    return result;
  }

  // A simple command whose words hold syntax this reader does not read ($(…), ${v:-x}, `…`, escapes,
  // quotes glued to words, brace lists, test brackets …): only its extent, found by skipping quotes,
  // substitutions and expansions as bash does, for the parser to read alone. A compound command, a
  // here-document, a comment, a background job, a subshell or anything the skip cannot be sure of ends
  // the reading instead.
  std::optional<PlainCommand> opaque_command() {
    size_t begin = pos_;
    if (first_word_needs_whole_parse()) return std::nullopt;
    size_t end = pos_;
    while (!at_end()) {
      char c = peek();
      if (c == ' ' || c == '\t') {
        ++pos_;
        continue;
      }
      if (c == '\n' || c == ';' || looking_at("&&") || looking_at("||")) break;
      if (c == '|') {
        if (looking_at("|&")) return std::nullopt;
        break;
      }
      if (c == '#' && (pos_ == begin || text_[pos_ - 1] == ' ' || text_[pos_ - 1] == '\t')) return std::nullopt;
      if (!skip_opaque_element()) return std::nullopt;
      end = pos_;
    }
    if (end == begin || !valid_utf8(text_.substr(begin, end - begin))) return std::nullopt;
    // Glued to the operator after it, only a word's ordinary last byte: the grammar reads "IFS=|x" and
    // "a $|b" on past the operator (an assignment's value, a lone $).
    char last = text_[end - 1];
    bool ordinary_end = last != '=' && (plain_byte(last) || std::string_view("'\")}`]").find(last) != std::string_view::npos);
    if (end == pos_ && !at_end() && !ordinary_end) return std::nullopt;
    PlainCommand result;
    result.opaque = true;
    result.span = Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(end)};
    return result;
  }

  // A command that starts with a reserved word, a brace group or a parenthesis is compound. One that
  // starts with a redirection, a digit or punctuation ("-", "%1", "> f x") the grammar reads its own way
  // next to the statements around it (after "x > f\n", a line "-" is no command to it).
  bool first_word_needs_whole_parse() const {
    char first_byte = peek();
    bool ordinary_start = (first_byte >= 'a' && first_byte <= 'z') || (first_byte >= 'A' && first_byte <= 'Z') ||
                          std::string_view("_./$'\"\\`[~*?").find(first_byte) != std::string_view::npos;
    if (!ordinary_start) return true;
    size_t end = pos_;
    while (end < text_.size() && plain_byte(text_[end])) ++end;
    std::string_view first = text_.substr(pos_, end - pos_);
    static constexpr std::string_view kCompound[] = {"if", "then", "else", "elif", "fi", "for", "while", "until",
                                                     "do", "done", "case", "esac", "select", "function", "time",
                                                     "coproc", "in"};
    for (std::string_view word : kCompound)
      if (first == word) return true;
    return looking_at("[[") || looking_at("]]");
  }

  // One piece of an opaque command: a quoted string, an expansion or substitution, an escaped byte, a
  // redirection operator, or a byte. False where the skip cannot follow bash.
  bool skip_opaque_element() {
    char c = peek();
    if (c == '$' && peek(1) == '\'') return skip(1) && skip_ansi_c_quoted();
    if (c == '$' && peek(1) == '"') return skip(1) && skip_double_quoted();
    if (c == '<' || c == '>') {
      if (looking_at("<<") && !looking_at("<<<")) return false;  // a here-document's body follows the line
      if (peek(1) == '(') return skip(1) && skip_bracketed('(', ')');  // <( ) >( )
      while (peek() == '<' || peek() == '>' || peek() == '&' || peek() == '|') {
        if (peek() == '>' && peek(1) == '(') return skip(1) && skip_bracketed('(', ')');
        ++pos_;
      }
      return true;
    }
    if (c == '&') {
      if (peek(1) == '>') return skip(2);  // &> &>>
      return false;                        // a background job
    }
    if (c == '(' || c == ')') return false;  // arrays, subshells, function definitions, extended globs
    return skip_word_piece();
  }

  // An escaped byte, a quoted string, a $ expansion or substitution, or one byte.
  bool skip_word_piece() {
    switch (peek()) {
      case '\\': return skip(2);
      case '\'': return skip_single_quoted();
      case '"': return skip_double_quoted();
      case '`': return skip_backquoted();
      case '$': return skip_dollar();
      default: return skip(1);
    }
  }

  // At a $: a substitution or a braced expansion to its end, or the $ alone.
  bool skip_dollar() {
    if (peek(1) == '(') return skip(1) && skip_bracketed('(', ')');
    if (peek(1) == '{') return skip(1) && skip_bracketed('{', '}');
    return skip(1);
  }

  bool skip(size_t bytes) {
    if (pos_ + bytes > text_.size()) return false;
    pos_ += bytes;
    return true;
  }

  bool skip_single_quoted() {
    size_t close = text_.find('\'', pos_ + 1);
    if (close == std::string_view::npos) return false;
    pos_ = close + 1;
    return true;
  }

  bool skip_ansi_c_quoted() {  // at the ' of $'…'
    for (++pos_; !at_end(); ++pos_) {
      if (peek() == '\\') ++pos_;
      else if (peek() == '\'') return skip(1);
    }
    return false;
  }

  bool skip_double_quoted() {  // at the opening "
    for (++pos_; !at_end();) {
      char c = peek();
      if (c == '"') return skip(1);
      if (c == '\\') {
        if (!skip(2)) return false;
      } else if (c == '`') {
        if (!skip_backquoted()) return false;
      } else if (c == '$') {
        if (!skip_dollar()) return false;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  bool skip_backquoted() {  // at the opening `
    for (++pos_; !at_end(); ++pos_) {
      if (peek() == '\\') ++pos_;
      else if (peek() == '`') return skip(1);
    }
    return false;
  }

  // At the ( of $( $(( <( >( or the { of ${: to the matching close, over quotes, escapes and nested
  // substitutions and expansions. Inside parentheses, what a case pattern, a comment or a here-document could do to the
  // count is not followed.
  bool skip_bracketed(char open, char close) {
    int depth = 0;
    while (!at_end()) {
      char c = peek();
      if (c == open || c == close) {
        ++pos_;
        depth += c == open ? 1 : -1;
        if (depth == 0) return true;
        continue;
      }
      if (open == '(' && (c == '#' || looking_at("<<") || looking_at("case"))) return false;
      if (!skip_word_piece()) return false;
    }
    return false;
  }

  // tree-sitter-bash ends a bare word at a $ that follows an expansion and a literal ("$A/$B.c" is
  // "$A/$" and "B.c"); the tree walk joins such arguments again, but an assignment's value cut so makes
  // the rest a command to it, which the tree walk only reports as undecided. Those values are its to read.
  bool split_by_the_grammar(const PlainWord& value) const {
    if (value.quote != 0 || !value.expands) return false;
    auto parts = plain_word_parts(text_, value);
    size_t variables = std::count_if(parts.begin(), parts.end(), [](const PlainPart& p) { return !p.variable.empty(); });
    return variables >= 2 && parts.back().variable.empty();
  }

  // A digit followed by > or <, or an operator that opens a redirection.
  bool redirect_ahead() const {
    char c = peek();
    if (c == '>' || c == '<') return true;
    if (c == '&' && peek(1) == '>') return true;
    // The grammar reads a 0 before < or > as an argument, so only 1 and 2 are descriptors here.
    return (c == '1' || c == '2') && peek(1) == '>';
  }

  std::optional<PlainRedirect> redirection() {
    PlainRedirect redirect;
    size_t begin = pos_;
    if (peek() >= '0' && peek() <= '9') redirect.descriptor = text_.substr(pos_++, 1);
    size_t op_begin = pos_;
    if (looking_at("&>>")) pos_ += 3;
    else if (looking_at("&>")) pos_ += 2;
    else if (looking_at(">>") || looking_at(">&")) pos_ += 2;
    else if (peek() == '>' || peek() == '<') pos_ += 1;
    else return std::nullopt;
    redirect.op = text_.substr(op_begin, pos_ - op_begin);
    if (redirect.op[0] == '&' && !redirect.descriptor.empty()) return std::nullopt;
    if (redirect.op == ">&") {
      // Only a duplication onto a standard descriptor: "2>&1", ">&2".
      if (peek() < '0' || peek() > '9') return std::nullopt;
      redirect.target = PlainWord{Span{static_cast<uint32_t>(pos_), static_cast<uint32_t>(pos_ + 1)}, 0};
      ++pos_;
      if (!word_ends_here()) return std::nullopt;
    } else {
      char next = peek();
      if (next == '|' || next == '(' || next == '>' || next == '<' || next == '&') return std::nullopt;  // >| >( <( <<
      skip_blanks();
      auto target = word();
      // A target that expands is left to the parser: the tree walk reads it before the command's words.
      if (!target || !literal_to_the_grammar(*target) || target->expands) return std::nullopt;
      redirect.target = *target;
    }
    redirect.span = Span{static_cast<uint32_t>(begin), redirect.target.span.end};
    return redirect;
  }

  std::optional<PlainWord> word() {
    size_t begin = pos_;
    bool expands = false;
    char quote = peek();
    if (quote == '\'' || quote == '"') {
      ++pos_;
      while (!at_end() && peek() != quote) {
        auto c = static_cast<unsigned char>(peek());
        if (c >= 0x80) {
          size_t length = utf8_sequence_at(text_, pos_);
          if (length == 0) return std::nullopt;
          pos_ += length;
          continue;
        }
        if (c < 0x20 || c == 0x7f) return std::nullopt;
        if (quote == '"' && c == '$') {
          size_t length = variable_reference_length(text_, pos_, true);
          if (length == 0) return std::nullopt;
          pos_ += length;
          expands = true;
          continue;
        }
        if (quote == '"' && (c == '`' || c == '\\')) return std::nullopt;
        ++pos_;
      }
      if (at_end()) return std::nullopt;
      ++pos_;
    } else {
      quote = 0;
      while (!at_end()) {
        if (plain_byte(peek())) {
          ++pos_;
        } else if (peek() == '$') {
          size_t length = variable_reference_length(text_, pos_, false);
          if (length == 0) return std::nullopt;
          pos_ += length;
          expands = true;
        } else {
          break;
        }
      }
      if (pos_ == begin) return std::nullopt;
    }
    if (!word_ends_here()) return std::nullopt;  // a'b' and a"b" are concatenations; a>f a;b are left to the parser
    return PlainWord{Span{static_cast<uint32_t>(begin), static_cast<uint32_t>(pos_)}, quote, expands};
  }

  // A bare word the grammar gives no structure of its own: no reserved word, no leading '=' ("==" is
  // a test operator to it). Quoted words are always literal.
  bool literal_to_the_grammar(const PlainWord& word) const {
    if (word.quote != 0) return true;
    std::string_view text = slice(word.span);
    return !structural_word(text) && text.front() != '=';
  }

  // A word ends at a blank, a newline, the end, or an operator written after a blank would be: ; | &&.
  bool word_ends_here() const {
    char c = peek();
    return at_end() || c == ' ' || c == '\t' || c == '\n' || c == ';' || (c == '|' && !looking_at("|&")) ||
           looking_at("&&");
  }

  bool ends_command() const {
    char c = peek();
    return c == '\n' || c == ';' || c == '|' || looking_at("&&");
  }

  void skip_blanks() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  void skip_blanks_and_newlines() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n')) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const { return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0'; }
  bool looking_at(std::string_view token) const { return text_.substr(pos_, token.size()) == token; }
  std::string_view slice(Span span) const { return text_.substr(span.begin, span.end - span.begin); }

  std::string_view text_;
  bool opaque_commands_ = false;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::vector<PlainStatement>> read_plain_script(std::string_view script, size_t max_bytes) {
  if (script.size() > max_bytes) return std::nullopt;
  return Reader(script, false).script();
}

std::optional<std::vector<PlainStatement>> read_script_stages(std::string_view script, size_t max_bytes) {
  if (script.size() > max_bytes) return std::nullopt;
  return Reader(script, true).script();
}

std::vector<PlainPart> plain_word_parts(std::string_view script, const PlainWord& word) {
  std::vector<PlainPart> parts;
  size_t quotes = word.quote == 0 ? 0 : 1;
  size_t end = word.span.end - quotes;
  size_t literal = word.span.begin + quotes;
  auto close_literal = [&](size_t at) {
    if (at > literal) parts.push_back(PlainPart{script.substr(literal, at - literal), {}});
  };
  for (size_t at = literal; at < end;) {
    if (script[at] != '$') {
      ++at;
      continue;
    }
    close_literal(at);
    size_t length = variable_reference_length(script, at, word.quote != 0);
    bool braced = script[at + 1] == '{';
    std::string_view source = script.substr(at, length);
    parts.push_back(PlainPart{source, braced ? source.substr(2, length - 3) : source.substr(1)});
    at += length;
    literal = at;
  }
  close_literal(end);
  return parts;
}

std::string_view plain_word_text(std::string_view script, const PlainWord& word) {
  std::string_view source = script.substr(word.span.begin, word.span.end - word.span.begin);
  return word.quote == 0 ? source : source.substr(1, source.size() - 2);
}

}  // namespace toolwall::shell
