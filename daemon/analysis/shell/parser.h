#pragma once
// tree-sitter-bash parsing with a reused per-thread parser and a time budget.
#include <tree_sitter/api.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// One stage of a pipeline as bash binds it: a node and the redirections written after it.
struct Stage {
  TSNode node;
  std::vector<TSNode> redirects;  // empty unless the grammar hung them on an enclosing list or pipeline
};

// A top-level statement: an element of the script's ; / newline / & sequence or of a && / || list,
// with the stages of its pipeline.
struct Statement {
  std::vector<Stage> stages;
  Span span;
};

// Parses text with this thread's parser; nullptr when the deadline passed. The caller deletes the tree.
TSTree* parse_bash(std::string_view text, std::chrono::steady_clock::time_point deadline);
// Newlines that end a command for bash but sit between the words of one command node: after a "|"
// continuation tree-sitter-bash may join the next lines ("a | b |\n c\nd x < f" reads "c d x" as
// one command, so d never runs in the tree).
struct JoinedLines {
  std::vector<uint32_t> newlines;  // can be written as ';'
  bool after_comment = false;      // a joined newline ends a comment: ';' there would extend the comment
};
JoinedLines joined_lines(TSNode root, std::string_view text);
// parse_bash, then each newline the tree joined is written as ';' (same length: spans hold) and the
// text parsed again, until the tree splits the lines as bash does. *still_joined: lines it could not split.
TSTree* parse_bash_lines(std::string& text, std::chrono::steady_clock::time_point deadline,
                         bool* still_joined = nullptr);
// The top-level statements under a program node: its children, with && / || lists split into elements.
// tree-sitter-bash binds a redirection looser than && / || and | ("a && b 2>&1 | c" is read as
// "(a && b) 2>&1 | c"); bash binds it to the command before it, and so do these statements.
std::vector<Statement> top_level_statements(TSNode program);

}  // namespace toolwall::shell
