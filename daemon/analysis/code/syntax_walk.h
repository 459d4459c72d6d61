#pragma once
// Bounded walks over a syntax tree that detectors' host-side checks need.
#include <tree_sitter/api.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/code/syntax.h"

namespace toolwall::code {

inline constexpr size_t kMaxWalkNodes = 20000;

// The ancestors of a node, root first (empty for the root); climb them instead of ts_node_parent.
std::vector<TSNode> ancestors_of(const SyntaxTree& tree, TSNode node);

// The nearest enclosing function that has a name (declared, or bound by assignment/key), or a null
// node when the code is at top level (or not within max_hops of the node). ancestors: the node's
// (ancestors_of), which a check computes once for every question below.
struct EnclosingFunction {
  TSNode node{};
  std::string name;
};
EnclosingFunction enclosing_function(const SyntaxTree& tree, std::span<const TSNode> ancestors, int max_hops = 256);

// Names of the named functions around node, innermost first (at most `limit`): a closure returned
// by a decorator or middleware factory (`def require_token(f): def inner(…)`) decides for its outer function.
std::vector<std::string> enclosing_function_names(const SyntaxTree& tree, std::span<const TSNode> ancestors,
                                                  size_t limit = 4, int max_hops = 256);

// What runs when the condition holds, for the innermost `if` whose condition holds node (not across
// a function boundary); a null node when node is in no if-condition.
TSNode if_consequence(TSNode node, std::span<const TSNode> ancestors, int max_hops = 256);

// Values of the quoted literals in and under node (quotes stripped), in source order.
std::vector<std::string> literal_values(const SyntaxTree& tree, TSNode node);

// The literal value if node is (or wraps) one quoted literal, else its source text.
std::string literal_or_text(const SyntaxTree& tree, TSNode node);

// Names of the identifiers in and under node (never empty: a MISSING identifier has no text).
std::vector<std::string> identifiers(const SyntaxTree& tree, TSNode node);

bool is_literal_type(std::string_view type);

// A child by field name. Looking a field's id up by name scans the grammar's field names, and walks ask
// for fields at every node, so the ids are remembered per grammar and name (name: a string literal).
TSNode field_child(TSNode node, const char* name);

}  // namespace toolwall::code
