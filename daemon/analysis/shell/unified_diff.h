#pragma once
// Unified diffs (diff -u, git diff, git format-patch mail): the files `git apply`, `git am` and `patch`
// write from them. A model can put any code into the project through a patch in a here-document or in
// a file it wrote earlier; the walker hands the changes to code analysis like a Write call's.
#include <optional>
#include <string_view>
#include <vector>

#include "core/facts.h"

namespace toolwall::shell {

struct DiffReading {
  std::optional<int> strip;  // -pN: leading path components dropped; none: 1 for a/ b/ paths, else 0
  bool reverse = false;      // -R: the '-' side is what gets written
  std::string directory;     // git apply --directory / patch -d: prefixed to each path
  std::string only_file;     // patch's file operand: every hunk goes to it
};

// One FileChange per file: a new file's whole content (whole_file), a removed file (deleted), or the
// hunks of an update, each side's lines joined (new_text: context and added lines; old_text: context
// and removed lines). Lines that belong to no hunk (mail headers, commit messages) are skipped. At
// most 64 files; a hunk whose counts run past the text ends with it.
std::vector<FileChange> unified_diff_changes(std::string_view text, const DiffReading& reading = {});

}  // namespace toolwall::shell
