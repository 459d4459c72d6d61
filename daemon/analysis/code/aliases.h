#pragma once
// Renamed modules and functions read back under their canonical names, so detectors written against
// `subprocess.run` or `process.env` also see `import subprocess as sp; sp.run(…)`, `from os import
// system`, `__import__("os")`, `getattr(builtins, "exec")`, `process['env']`, `{ exec: run } = require(…)`.
#include <optional>
#include <string>
#include <string_view>

#include "analysis/code/syntax.h"

namespace toolwall::code {

// The text with aliases of security-relevant modules spelled canonically, line breaks kept (so line
// numbers still hold), or nothing when the text renames none of them.
std::optional<std::string> canonical_aliases(Language language, std::string_view text);

}  // namespace toolwall::code
