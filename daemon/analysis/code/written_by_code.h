#pragma once
// Files that program code writes with content it holds as a constant: a crontab, a systemd unit, an rc
// file or a git hook written by `Path("/etc/cron.d/x").write_text(TEMPLATE)`, `fs.appendFileSync(rc, HOOK)`
// or `os.WriteFile(filepath.Join(home, ".config", "systemd", "user", "u.service"), []byte(unit), 0o644)`.
// Code analysis reads each such file as if the call had written it itself.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/code/file_kind.h"
#include "analysis/code/syntax.h"

namespace toolwall::code {

struct FileWrittenByCode {
  std::string path;     // as far as the code spells it; "~/" stands for the home directory
  std::string content;  // the constant written (interpolations left as written)
  bool appended = false;
  uint32_t begin = 0, end = 0;  // the writing call in the file
};

// Writes to files that run later (shell rc files, crontabs, systemd units, autostart entries, launch
// agents, git hooks, authorized_keys), at most a few per file.
std::vector<FileWrittenByCode> startup_files_written_by_code(Language language, const SyntaxTree& tree);

}  // namespace toolwall::code
