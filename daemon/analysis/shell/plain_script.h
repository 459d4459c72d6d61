#pragma once
// Most tool calls are short scripts of plain words joined by the common operators:
//   git commit -m 'fix shard 3' && npm test 2>&1 | tee $TMPDIR/shard-3.log | tail -20
// Such a script means the same to bash without a syntax tree: no substitution, here-document,
// reserved word or brace list can hide in it, and the parse and tree walk were most of its cost.
// The one expansion read is a variable named $NAME or ${NAME}, inside double quotes or in a bare
// word, expanded (and, unquoted, split) by the very code the tree walk uses; the one assignment read
// is NAME=word, alone or before a command. Tilde and glob bytes stay in the text, as the tree walk
// keeps them. This reader accepts only that language and leaves everything else to tree-sitter-bash.
#include <optional>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// A word: bare (plain bytes), or wholly inside '…' or "…" (no ` \ there); in a bare or double-quoted
// word, $ only naming a variable.
struct PlainWord {
  Span span;
  char quote = 0;          // 0, '\'' or '"'
  bool expands = false;    // $NAME or ${NAME} in it: its text is known only once the variables are
};

// A piece of a word that expands: literal text, or a variable written as $NAME or ${NAME}.
struct PlainPart {
  std::string_view source;    // as written
  std::string_view variable;  // the name; empty for literal text
};

// A file redirection written after a command's words: [0-2]> >> >&[0-9] < &> &>> and a literal target.
struct PlainRedirect {
  Span span;                    // from the descriptor or operator to the end of the target
  std::string_view descriptor;  // "" or one digit
  std::string_view op;
  PlainWord target;
};

// NAME=value before a command's words (or a statement of its own): value is a plain word, or none.
struct PlainAssignment {
  Span span;  // from the name to the end of the value
  std::string_view name;
  std::optional<PlainWord> value;
};

struct PlainCommand {
  bool opaque = false;           // a simple command in syntax this reader does not read: span only
  std::vector<PlainAssignment> assignments;
  std::vector<PlainWord> words;  // words[0] is an ordinary command name, never quoted; none when the
                                 // statement only assigns (then it has no redirection or other stage)
  std::vector<PlainRedirect> redirects;
  Span span;                     // assignments and words, without the redirections (as the grammar's command node)
};

// A top-level statement (split at ; newline && ||): the stages of its pipeline.
struct PlainStatement {
  std::vector<PlainCommand> stages;
  Span span;
};

// The statements of script when it is written only in that language (at most max_bytes long).
std::optional<std::vector<PlainStatement>> read_plain_script(std::string_view script, size_t max_bytes = 4096);

// The same, where a stage may also be an opaque simple command (its words in any other syntax but
// no compound command, here-document, comment, subshell or background job) for the parser to read
// alone: tree-sitter-bash then parses only those stages, not the whole script.
std::optional<std::vector<PlainStatement>> read_script_stages(std::string_view script, size_t max_bytes = 4096);

// The word as bash passes it to the command: the quotes removed (a word that expands: as written).
std::string_view plain_word_text(std::string_view script, const PlainWord& word);

// The literal text and variables of a word that expands, in order.
std::vector<PlainPart> plain_word_parts(std::string_view script, const PlainWord& word);

}  // namespace toolwall::shell
