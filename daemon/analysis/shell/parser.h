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
// The top-level statements under a program node: its children, with && / || lists split into elements.
// tree-sitter-bash binds a redirection looser than && / || and | ("a && b 2>&1 | c" is read as
// "(a && b) 2>&1 | c"); bash binds it to the command before it, and so do these statements.
std::vector<Statement> top_level_statements(TSNode program);

}  // namespace toolwall::shell
