#pragma once
// Commands that a written file makes run (package.json scripts, Makefile recipes, Dockerfile RUN,
// CI steps, shell scripts, rc files, hooks, crontabs, systemd units, shell commands in program code
// such as os.system or child_process.exec), extracted with a
// byte map back into the file and analysed by the shell analyser.
#include <string>
#include <string_view>
#include <vector>

#include "analysis/code/file_kind.h"
#include "analysis/code/syntax.h"
#include "core/facts.h"

namespace toolwall::code {

// A shell script found in a file; offsets[i] is the file offset of text[i] (one more entry marks the end).
struct EmbeddedScript {
  std::string text;
  std::vector<uint32_t> offsets;
  std::string origin;  // Location.origin: install_hook, package_script, build_recipe, ci_workflow …
  std::string label;   // what it is, e.g. "scripts.postinstall", "RUN", "steps[].run"
  bool shell = true;   // false: not shell (actions/github-script's JavaScript), only its expressions are read
  // CI expressions an outsider controls (an issue title, a comment body, a branch name) spliced into the
  // script before it runs: file offset and the expression.
  std::vector<std::pair<uint32_t, std::string>> untrusted;
  // Repository secrets a CI step hands through env: to a test or build run (npm test, pytest …), which
  // runs the code of every dependency: file offset of the secret's expression and a description.
  std::vector<std::pair<uint32_t, std::string>> secrets_to_tests;
  // What the program that runs the script hands it on stdin, when that is data worth following: an
  // agent hook reads the tool call or prompt it fires on. Empty: nothing known.
  std::string stdin_source;
};

// The scripts a file carries. `fragment`: content is an edit snippet, not the whole file. `tree`:
// the content already parsed in kind.language (else parsed here when needed).
std::vector<EmbeddedScript> extract_scripts(const FileKind& kind, const std::string& path,
                                            std::string_view content, bool fragment,
                                            const SyntaxTree* tree = nullptr);

// Shell facts of every embedded script, spans in file offsets, Location {path, line, column, origin}.
Facts analyze_embedded_commands(const FileKind& kind, const std::string& path, std::string_view content,
                                bool fragment, const SyntaxTree* tree = nullptr);

}  // namespace toolwall::code
