#pragma once
// tree-sitter-bash parsing with a reused per-thread parser and a time budget.
#include <boost/container/small_vector.hpp>
#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

#include "core/cpu_clock.h"
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

// A child of a syntax node, with its field name (nullptr when it has none).
struct Child {
  TSNode node;
  const char* field;
  bool named;
};
// A node's children, held inline up to eight (nearly every node of a command has fewer).
using Children = boost::container::small_vector<Child, 8>;
// Children through a cursor: ts_node_child(i) is linear in i, so loops over it are quadratic.
Children children_of(TSNode node);
bool field_is(const Child& child, const char* name);

// Parses text with this thread's parser; nullptr when the deadline passed. The caller deletes the tree.
// With a range, only those bytes are read; the tree's spans are still positions in text.
TSTree* parse_bash(std::string_view text, const CpuDeadline& deadline, const Span* range = nullptr);
// parse_bash, then each newline that ends a command for bash but sits between the words of one command
// node is written as ';' (same length: spans hold) and the text parsed again, until the tree splits the
// lines as bash does. After a "|" continuation tree-sitter-bash may join the next lines ("a | b |\n c\nd
// x < f" reads "c d x" as one command, so d never runs in the tree). *still_joined: lines it could not
// split (a joined newline that ends a comment: ';' there would extend the comment).
TSTree* parse_bash_lines(std::string& text, const CpuDeadline& deadline, bool* still_joined = nullptr);
// The top-level statements under a program node: its children, with && / || lists split into elements.
// tree-sitter-bash binds a redirection looser than && / || and | ("a && b 2>&1 | c" is read as
// "(a && b) 2>&1 | c"); bash binds it to the command before it, and so do these statements.
std::vector<Statement> top_level_statements(TSNode program);

}  // namespace toolwall::shell
