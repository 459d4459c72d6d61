#include "engine/nested_calls.h"

#include <cstring>
#include <optional>

#include "analysis/code/syntax.h"

namespace toolwall::engine {

namespace {

constexpr size_t kMaxNodes = 200000;
constexpr size_t kMaxCalls = 256;
constexpr int kMaxValueDepth = 32;

TSNode field(TSNode node, const char* name) { return ts_node_child_by_field_name(node, name, std::strlen(name)); }

// A JavaScript string or template literal without substitutions, unescaped; nullopt when computed.
std::optional<std::string> string_value(const code::SyntaxTree& tree, TSNode node) {
  std::string_view type = ts_node_type(node);
  if (type != "string" && type != "template_string") return std::nullopt;
  std::string out;
  for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
    TSNode part = ts_node_named_child(node, i);
    std::string_view part_type = ts_node_type(part);
    std::string_view text = tree.text_of(part);
    if (part_type == "string_fragment") {
      out += text;
    } else if (part_type == "escape_sequence" && text.size() >= 2) {
      switch (text[1]) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'u':
        case 'x': return std::nullopt;  // rare in tool arguments; not decoded, so not trusted
        default: out += text.substr(1);
      }
    } else {
      return std::nullopt;  // a ${substitution}
    }
  }
  return out;
}

// A literal value (string, number, boolean, null, array, object of literals) as JSON.
std::optional<nlohmann::json> literal_json(const code::SyntaxTree& tree, TSNode node, int depth) {
  if (depth > kMaxValueDepth) return std::nullopt;
  std::string_view type = ts_node_type(node);
  if (auto text = string_value(tree, node)) return nlohmann::json(*text);
  if (type == "number") {
    auto parsed = nlohmann::json::parse(tree.text_of(node), nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
  }
  if (type == "true") return nlohmann::json(true);
  if (type == "false") return nlohmann::json(false);
  if (type == "null") return nlohmann::json(nullptr);
  if (type == "array") {
    nlohmann::json out = nlohmann::json::array();
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode item = ts_node_named_child(node, i);
      if (std::string_view(ts_node_type(item)) == "comment") continue;
      auto value = literal_json(tree, item, depth + 1);
      if (!value) return std::nullopt;
      out.push_back(std::move(*value));
    }
    return out;
  }
  if (type == "object") {
    nlohmann::json out = nlohmann::json::object();
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode pair = ts_node_named_child(node, i);
      std::string_view pair_type = ts_node_type(pair);
      if (pair_type == "comment") continue;
      if (pair_type != "pair") return std::nullopt;  // spread, shorthand, method: computed
      TSNode key = field(pair, "key");
      std::string name;
      std::string_view key_type = ts_node_type(key);
      if (key_type == "property_identifier") name = std::string(tree.text_of(key));
      else if (auto text = string_value(tree, key)) name = *text;
      else return std::nullopt;
      auto value = literal_json(tree, field(pair, "value"), depth + 1);
      if (!value) return std::nullopt;
      out[name] = std::move(*value);
    }
    return out;
  }
  if (type == "parenthesized_expression" && ts_node_named_child_count(node) == 1)
    return literal_json(tree, ts_node_named_child(node, 0), depth + 1);
  return std::nullopt;
}

// `tools` as the object of `tools.NAME(...)`, the only use that names the tool and its arguments.
bool called_directly(TSNode identifier) {
  TSNode member = ts_node_parent(identifier);
  if (ts_node_is_null(member) || std::string_view(ts_node_type(member)) != "member_expression") return false;
  if (!ts_node_eq(field(member, "object"), identifier)) return false;
  TSNode call = ts_node_parent(member);
  return !ts_node_is_null(call) && std::string_view(ts_node_type(call)) == "call_expression" &&
         ts_node_eq(field(call, "function"), member);
}

std::optional<NestedCall> read_call(const code::SyntaxTree& tree, TSNode call, const std::string& agent,
                                    std::string_view tools_object) {
  TSNode function = field(call, "function");
  if (ts_node_is_null(function) || std::string_view(ts_node_type(function)) != "member_expression") return std::nullopt;
  TSNode object = field(function, "object");
  TSNode property = field(function, "property");
  if (ts_node_is_null(object) || ts_node_is_null(property) || tree.text_of(object) != tools_object) return std::nullopt;
  NestedCall nested;
  nested.span = Span{ts_node_start_byte(call), ts_node_end_byte(call)};
  nested.call.id = "nested";
  nested.call.agent = agent;
  nested.call.tool = std::string(tree.text_of(property));
  nested.call.arguments = nlohmann::json::object();
  TSNode args = field(call, "arguments");
  std::vector<TSNode> positional;
  for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); ++i) {
    TSNode arg = ts_node_named_child(args, i);
    if (std::string_view(ts_node_type(arg)) != "comment") positional.push_back(arg);
  }
  if (positional.empty()) return nested;
  auto value = positional.size() == 1 ? literal_json(tree, positional[0], 0) : std::nullopt;
  if (!value) {
    nested.call.arguments_valid = false;
    nested.call.arguments_error = "the arguments of tools." + nested.call.tool + " are computed when the code runs";
  } else if (value->is_object()) {
    nested.call.arguments = std::move(*value);
  } else if (value->is_string()) {
    nested.call.arguments = nlohmann::json{{"input", std::move(*value)}};
  } else {
    nested.call.arguments_valid = false;
    nested.call.arguments_error = "tools." + nested.call.tool + " called with an argument that is not an object or a string";
  }
  return nested;
}

}  // namespace

NestedCalls nested_javascript_calls(std::string_view code, const std::string& agent, std::string_view tools_object) {
  NestedCalls out;
  auto tree = code::parse(code::Language::javascript, code);
  if (!tree) {
    out.error = tree.error();
    return out;
  }
  std::vector<TSNode> stack{tree->root()};
  size_t visited = 0;
  while (!stack.empty()) {
    if (++visited > kMaxNodes || out.calls.size() > kMaxCalls) {
      out.error = "the code calls too many tools or is too large to read";
      return out;
    }
    TSNode node = stack.back();
    stack.pop_back();
    std::string_view type = ts_node_type(node);
    if (type == "call_expression")
      if (auto call = read_call(*tree, node, agent, tools_object)) out.calls.push_back(std::move(*call));
    if (type == "identifier" && tree->text_of(node) == tools_object && !called_directly(node)) {
      // Aliased, passed around or indexed by a computed name, the tools object could run any tool
      // with anything: the code cannot be judged call by call.
      out.error = "the code uses `" + std::string(tools_object) + "` other than by calling " +
                  std::string(tools_object) + ".NAME(...)";
      return out;
    }
    for (uint32_t i = ts_node_named_child_count(node); i-- > 0;) stack.push_back(ts_node_named_child(node, i));
  }
  return out;
}

}  // namespace toolwall::engine
