#pragma once
// Commands that a written file makes run (package.json scripts, Makefile recipes, Dockerfile RUN,
// CI steps, shell scripts, rc files, hooks, crontabs, systemd units, setup.py), extracted with a
// byte map back into the file and analysed by the shell analyser.
#include <string>
#include <string_view>
#include <vector>

#include "analysis/code/file_kind.h"
#include "core/facts.h"

namespace toolwall::code {

// A shell script found in a file; offsets[i] is the file offset of text[i] (one more entry marks the end).
struct EmbeddedScript {
  std::string text;
  std::vector<uint32_t> offsets;
  std::string origin;  // Location.origin: install_hook, package_script, build_recipe, ci_workflow …
  std::string label;   // what it is, e.g. "scripts.postinstall", "RUN", "steps[].run"
};

// The scripts a file carries. `fragment`: content is an edit snippet, not the whole file.
std::vector<EmbeddedScript> extract_scripts(const FileKind& kind, const std::string& path, std::string_view content,
                                            bool fragment);

// Shell facts of every embedded script, spans in file offsets, Location {path, line, column, origin}.
Facts analyze_embedded_commands(const FileKind& kind, const std::string& path, std::string_view content,
                                bool fragment);

}  // namespace toolwall::code
