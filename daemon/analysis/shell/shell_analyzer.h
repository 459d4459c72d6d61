#pragma once
// The shell analyser: one shell script (a tool call's command) in, Facts out.
// Walks the tree-sitter-bash syntax tree, normalises command words, follows data from secret sources
// to sinks and marks risky shapes. It reports facts only; the policy decides what they mean.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/facts.h"

namespace toolwall::shell {

struct Limits {
  size_t max_script_bytes = 256 * 1024;   // larger: Facts.complete=false
  int max_nesting = 16;                   // bash -c / eval / decoded / heredoc re-parse levels
  int max_tree_depth = 512;               // syntax-tree depth walked
  size_t max_commands = 5000;
  uint64_t parse_timeout_micros = 50000;  // cap on tree-sitter work for the whole call
  // Scripts of literal words, operators and simple redirections are read without tree-sitter, and in
  // scripts with a few other simple commands only those are parsed, each alone (plain_script.h; same
  // facts, the tests compare the readings). False: every script is parsed whole.
  bool plain_scripts_without_parse = true;
};

// Analyses one shell script (a tool call's command). Thread-safe, never throws.
Facts analyze(std::string_view script, const Limits& limits = {});

}  // namespace toolwall::shell
