#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace toolwall {

// A byte range [begin, end) in the text that was analysed (a command string or a file's content).
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
  bool empty() const { return begin >= end; }
  bool contains(const Span& other) const { return begin <= other.begin && other.end <= end; }
};

// Where a fact sits for a person: the file it was found in (empty for a shell command) and the
// 1-based line and column of its first byte; 0 when not computed.
struct Location {
  std::string path;
  // Why the text runs, for facts found inside a written file: "" (the call's own command),
  // "script_file" (*.sh), "install_hook" (package.json pre/postinstall/prepare, setup.py),
  // "build_recipe" (Makefile, Dockerfile RUN), "ci_workflow", "shell_rc", "git_hook", "cron",
  // "service" (systemd units).
  std::string origin;
  uint32_t line = 0;
  uint32_t column = 0;
};

}  // namespace toolwall
