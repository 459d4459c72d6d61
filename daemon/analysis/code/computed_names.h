#pragma once
// Names a file computes instead of writing them: getattr(os, "env" + "iron"), g['pro' + 'cess'],
// importlib.import_module("".join(["o", "s"])), Reflect.get(globalThis, 'process'),
// os.getenv("_".join(["AWS", "SECRET", "ACCESS", "KEY"])). A name is only hidden this way to be
// hidden: spelled out, the detectors and the data-flow follower read the code as it runs.
#include <optional>
#include <string>
#include <string_view>

#include "analysis/code/syntax.h"

namespace toolwall::code {

// The tree's text with each computed name written out (constant strings folded to literals,
// computed attribute and module lookups to dotted names, names bound once to a module or a global
// object to what they stand for), line breaks kept so line numbers hold; nothing when the text
// computes no name. Python, JavaScript/TypeScript and Go; other languages are returned as nothing.
// A file built to outlast the speller's bounds is reported incomplete (the fail mode decides), since
// the names it would hide are then read as written.
struct SpelledNames {
  std::optional<std::string> text;
  bool complete = true;
};
SpelledNames spell_computed_names(Language language, const SyntaxTree& tree);

// The cheap text test spell_computed_names starts with: whether the text may compute a name at all.
bool may_compute_names(Language language, std::string_view text);

}  // namespace toolwall::code
