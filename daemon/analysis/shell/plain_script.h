#pragma once
// Most tool calls are short scripts of literal words joined by the common operators:
//   git commit -m 'fix shard 3' && npm test 2>&1 | tail -20
// Such a script means the same to bash without a syntax tree: no expansion, glob, substitution,
// here-document or reserved word can hide in it, and the parse and tree walk were most of its cost.
// This reader accepts only that language and leaves everything else to tree-sitter-bash.
#include <optional>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// A literal word: bare (plain bytes), or wholly inside '…' or "…" (no $ ` \ there).
struct PlainWord {
  Span span;
  char quote = 0;  // 0, '\'' or '"'
};

// A file redirection written after a command's words: [0-2]> >> >&[0-9] < &> &>> and a literal target.
struct PlainRedirect {
  Span span;                    // from the descriptor or operator to the end of the target
  std::string_view descriptor;  // "" or one digit
  std::string_view op;
  PlainWord target;
};

struct PlainCommand {
  std::vector<PlainWord> words;  // words[0] is an ordinary command name, never quoted
  std::vector<PlainRedirect> redirects;
  Span span;                     // the words, without the redirections (as the grammar's command node)
};

// A top-level statement (split at ; newline && ||): the stages of its pipeline.
struct PlainStatement {
  std::vector<PlainCommand> stages;
  Span span;
};

// The statements of script when it is written only in that language (at most max_bytes long).
std::optional<std::vector<PlainStatement>> read_plain_script(std::string_view script, size_t max_bytes = 4096);

// The word as bash passes it to the command: the quotes removed.
std::string_view plain_word_text(std::string_view script, const PlainWord& word);

}  // namespace toolwall::shell
