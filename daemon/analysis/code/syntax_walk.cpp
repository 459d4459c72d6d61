#include "analysis/code/syntax_walk.h"

#include <algorithm>
#include <cstring>

#include "analysis/code/text_checks.h"

namespace toolwall::code {

namespace {

bool is_function_type(std::string_view type) {
  return type == "function_definition" || type == "function_declaration" || type == "function_expression" ||
         type == "function" || type == "generator_function_declaration" || type == "method_definition" ||
         type == "arrow_function" || type == "method_declaration" || type == "func_literal" ||
         type == "lambda";
}

std::string field_text(const SyntaxTree& tree, TSNode node, const char* field) {
  TSNode child = ts_node_child_by_field_name(node, field, static_cast<uint32_t>(std::strlen(field)));
  return ts_node_is_null(child) ? std::string() : std::string(tree.text_of(child));
}

// The name an anonymous function gets from what it is bound to: `const auth = () => …`,
// `auth: function () {}`, `exports.auth = …`, Go `auth := func() {}`.
// ancestors: the function's ancestors, innermost last.
std::string bound_name(const SyntaxTree& tree, std::span<const TSNode> ancestors) {
  for (size_t hops = 0; hops < 3 && hops < ancestors.size(); ++hops) {
    TSNode parent = ancestors[ancestors.size() - 1 - hops];
    std::string_view type = ts_node_type(parent);
    if (type == "variable_declarator") return field_text(tree, parent, "name");
    if (type == "pair") return field_text(tree, parent, "key");
    if (type == "assignment_expression" || type == "assignment") return field_text(tree, parent, "left");
    if (type == "short_var_declaration") return field_text(tree, parent, "left");
    if (type == "expression_list" || type == "parenthesized_expression") continue;
    break;
  }
  return {};
}

// Visits node and its descendants (pre-order, bounded); visit returns false to skip a subtree.
template <class Visit>
void walk(TSNode node, Visit&& visit) {
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  size_t visited = 0;
  bool descend = true;
  while (visited++ < kMaxWalkNodes) {
    if (descend) descend = visit(ts_tree_cursor_current_node(&cursor));
    if (descend && ts_tree_cursor_goto_first_child(&cursor)) continue;
    descend = true;
    bool moved = false;
    while (!moved) {
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        moved = true;
      } else if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
    }
    // The cursor never rises above its root, so reaching the root's siblings cannot happen.
  }
  ts_tree_cursor_delete(&cursor);
}

}  // namespace

// One descent from the root: ts_node_parent descends from the root on every call, so climbing with it
// costs the depth squared.
std::vector<TSNode> ancestors_of(const SyntaxTree& tree, TSNode node) {
  std::vector<TSNode> ancestors;
  for (TSNode at = tree.root(); !ts_node_is_null(at) && !ts_node_eq(at, node);
       at = ts_node_child_with_descendant(at, node))
    ancestors.push_back(at);
  return ancestors;
}

TSNode field_child(TSNode node, const char* name) {
  struct Known {
    const TSLanguage* language;
    const char* name;
    TSFieldId id;
  };
  thread_local std::vector<Known> known;
  if (ts_node_is_null(node)) return TSNode{};
  const TSLanguage* language = ts_node_language(node);
  for (const auto& entry : known)
    if (entry.name == name && entry.language == language) return entry.id ? ts_node_child_by_field_id(node, entry.id) : TSNode{};
  TSFieldId id = ts_language_field_id_for_name(language, name, static_cast<uint32_t>(std::strlen(name)));
  if (known.size() < 1024) known.push_back(Known{language, name, id});
  return id ? ts_node_child_by_field_id(node, id) : TSNode{};
}

bool is_literal_type(std::string_view type) {
  return type == "string" || type == "template_string" || type == "interpreted_string_literal" ||
         type == "raw_string_literal" || type == "double_quote_scalar" || type == "single_quote_scalar" ||
         type == "string_scalar" || type == "concatenated_string";
}

EnclosingFunction enclosing_function(const SyntaxTree& tree, std::span<const TSNode> ancestors, int max_hops) {
  for (int hops = 0; hops < max_hops && !ancestors.empty(); ++hops) {
    TSNode at = ancestors.back();
    ancestors = ancestors.first(ancestors.size() - 1);
    if (!is_function_type(ts_node_type(at))) continue;
    std::string name = field_text(tree, at, "name");
    if (name.empty()) name = bound_name(tree, ancestors);
    if (!name.empty()) return {at, name};
  }
  return {};
}

std::vector<std::string> enclosing_function_names(const SyntaxTree& tree, std::span<const TSNode> ancestors,
                                                  size_t limit, int max_hops) {
  std::vector<std::string> names;
  for (int hops = 0; hops < max_hops && !ancestors.empty() && names.size() < limit; ++hops) {
    TSNode at = ancestors.back();
    ancestors = ancestors.first(ancestors.size() - 1);
    if (!is_function_type(ts_node_type(at))) continue;
    std::string name = field_text(tree, at, "name");
    if (name.empty()) name = bound_name(tree, ancestors);
    if (!name.empty()) names.push_back(std::move(name));
  }
  return names;
}

TSNode if_consequence(TSNode node, std::span<const TSNode> ancestors, int max_hops) {
  for (int hops = 0; hops < max_hops && !ancestors.empty(); ++hops) {
    TSNode at = ancestors.back();
    ancestors = ancestors.first(ancestors.size() - 1);
    std::string_view type = ts_node_type(at);
    if (is_function_type(type)) break;
    if (type != "if_statement") continue;
    TSNode condition = ts_node_child_by_field_name(at, "condition", 9);
    if (ts_node_is_null(condition) || ts_node_start_byte(node) < ts_node_start_byte(condition) ||
        ts_node_end_byte(node) > ts_node_end_byte(condition))
      break;  // in the branch, not the condition: the innermost if that decides is not this one's test
    return ts_node_child_by_field_name(at, "consequence", 11);
  }
  return TSNode{};
}

std::vector<std::string> literal_values(const SyntaxTree& tree, TSNode node) {
  std::vector<std::string> out;
  walk(node, [&](TSNode n) {
    std::string_view type = ts_node_type(n);
    if (type == "concatenated_string") return true;
    if (type == "attribute" || type == "member_expression" || type == "selector_expression") {
      // A library's constant for an algorithm (python-jose ALGORITHMS.HS256, Algorithm.RS256) stands for
      // the algorithm's name.
      std::string_view text = tree.text_of(n);
      std::string_view last = text.substr(text.rfind('.') + 1);
      bool algorithm = (last.size() == 5 && (last.substr(0, 2) == "RS" || last.substr(0, 2) == "ES" ||
                                             last.substr(0, 2) == "PS" || last.substr(0, 2) == "HS") &&
                        (last.substr(2) == "256" || last.substr(2) == "384" || last.substr(2) == "512")) ||
                       last == "EdDSA" || last == "NONE";
      if (algorithm) {
        out.push_back(last == "NONE" ? "none" : std::string(last));
        return false;
      }
      return true;
    }
    if (!is_literal_type(type)) return true;
    out.push_back(type == "string_scalar" ? std::string(tree.text_of(n)) : unquote_literal(tree.text_of(n)));
    return false;
  });
  return out;
}

std::string literal_or_text(const SyntaxTree& tree, TSNode node) {
  for (int depth = 0; depth < 3; ++depth) {
    std::string_view type = ts_node_type(node);
    if (type == "string_scalar") return std::string(tree.text_of(node));
    if (is_literal_type(type) && type != "concatenated_string") return unquote_literal(tree.text_of(node));
    if (ts_node_named_child_count(node) != 1) break;
    node = ts_node_named_child(node, 0);
  }
  return std::string(tree.text_of(node));
}

std::vector<std::string> identifiers(const SyntaxTree& tree, TSNode node) {
  std::vector<std::string> out;
  walk(node, [&](TSNode n) {
    std::string_view type = ts_node_type(n);
    if (type == "identifier" || type == "shorthand_property_identifier") {
      std::string name(tree.text_of(n));
      if (name.empty()) return true;
      if (std::find(out.begin(), out.end(), name) == out.end() && out.size() < 64) out.push_back(name);
    }
    return true;
  });
  return out;
}

}  // namespace toolwall::code
