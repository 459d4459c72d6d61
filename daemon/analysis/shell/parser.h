#pragma once
// tree-sitter-bash parsing with a reused per-thread parser and a time budget.
#include <tree_sitter/api.h>

#include <chrono>
#include <string_view>
#include <vector>

namespace toolwall::shell {

// Parses text with this thread's parser; nullptr when the deadline passed. The caller deletes the tree.
TSTree* parse_bash(std::string_view text, std::chrono::steady_clock::time_point deadline);
// The top-level statements under a program node: its children, with && / || lists split into elements.
std::vector<TSNode> top_level_statements(TSNode program);

}  // namespace toolwall::shell
