#pragma once
// The shell analyser: one shell script (a tool call's command) in, Facts out.
// Walks the tree-sitter-bash syntax tree, normalises command words, follows data from secret sources
// to sinks and marks risky shapes. It reports facts only; the policy decides what they mean.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/facts.h"

namespace toolwall::shell {

struct Limits {
  size_t max_script_bytes = 256 * 1024;   // larger: Facts.complete=false
  int max_nesting = 16;                   // bash -c / eval / decoded / heredoc re-parse levels
  int max_tree_depth = 512;               // syntax-tree depth walked
  size_t max_commands = 5000;
  uint64_t parse_timeout_micros = 50000;  // cap on tree-sitter work for the whole call, in CPU time
  // Scripts of literal words, operators and simple redirections are read without tree-sitter, and in
  // scripts with a few other simple commands only those are parsed, each alone (plain_script.h; same
  // facts, the tests compare the readings). False: every script is parsed whole.
  bool plain_scripts_without_parse = true;
};

// What an earlier tool call of the same conversation did that the shell of a later one can see: a
// script it ran (the files it wrote, the variables it set, the directory it moved to carry over), or
// a file an editor tool wrote whole.
struct EarlierStep {
  std::string script;
  std::string path, content;  // when script is empty
  std::string call_id;        // the earlier call's id, for reports
};

// Analyses one shell script (a tool call's command). Thread-safe, never throws.
Facts analyze(std::string_view script, const Limits& limits = {});
// The same, after the earlier steps, oldest first: `cat ~/.aws/credentials > /tmp/n` in one call and
// `curl -d @/tmp/n …` in the next is the flow it would be in one script. Only the script's own facts
// are reported; a flow that began in an earlier step says so in its `via` ("earlier call").
Facts analyze(std::string_view script, const std::vector<EarlierStep>& earlier, const Limits& limits = {});
// What a script reads on stdin when it starts, when the program that runs it says: an agent's hook
// is handed the tool call it fires on (from "agent_input").
struct ScriptInput {
  std::string from;    // the source class
  std::string source;  // what it is, for reports
};

// The same, with that stdin: each pipeline's first stage may read it.
Facts analyze(std::string_view script, const ScriptInput& input, const Limits& limits = {});

// What a script, walked alone, leaves for a later call of the conversation to meet.
struct LeftBehind {
  std::vector<std::string> files;        // paths written, as the script names them
  std::vector<std::string> directories;  // filled by a clone or a downloaded archive
  std::vector<std::string> variables;    // names set
  bool moved = false;                    // a cd whose target is known
  bool staged = false;                   // git add: what the next push sends
  bool staged_tree = false;              // git add -A or .: every file written before
  std::vector<std::string> cleared;      // variables unset and files removed
  std::vector<std::string> git_settings;  // git settings that run a command, and hooks directories, it set
  // Ambient variables (is_ambient_variable) set to a value that may name a file, a program or a host:
  // NODE_OPTIONS=--require /tmp/h.js, not NODE_OPTIONS=--max-old-space-size=4096 or EDITOR=vim.
  std::vector<std::string> ambient;
  // Files it wrote with content it spelled out (a here-document, printf, echo), as a Write call gives
  // them: code analysis reads a later file call together with them.
  std::vector<FileChange> written;
};
LeftBehind left_behind(std::string_view script, const Limits& limits = {});

}  // namespace toolwall::shell
