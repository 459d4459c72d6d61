#include "analysis/code/model_clients.h"

#include <map>
#include <string_view>

#include "analysis/code/query_runner.h"
#include "analysis/code/syntax_walk.h"
#include "analysis/shell/words.h"

namespace toolwall::code {

namespace {

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (w == word) return true;
  return false;
}

// The SDK clients (and LangChain's wrappers of them) that take the endpoint as an argument.
bool model_client(std::string_view name) {
  return one_of(name, {"OpenAI", "AsyncOpenAI", "AzureOpenAI", "AsyncAzureOpenAI", "Anthropic", "AsyncAnthropic",
                       "ChatOpenAI", "ChatAnthropic", "OpenAIEmbeddings"});
}

bool endpoint_argument(std::string_view name) {
  return one_of(name, {"base_url", "baseURL", "baseUrl", "api_base", "openai_api_base", "anthropic_api_url"});
}

std::string_view last_name(const SyntaxTree& tree, TSNode callee) {
  std::string_view text = tree.text_of(callee);
  size_t dot = text.rfind('.');
  return dot == std::string_view::npos ? text : text.substr(dot + 1);
}

struct Walk {
  const SyntaxTree& tree;
  std::map<std::string, std::string, std::less<>> constants;  // NAME = "literal" anywhere in the file
  struct Endpoint {
    TSNode call, callee, value;
  };
  std::vector<Endpoint> endpoints;
  size_t visited = 0;

  void remember_constant(TSNode name, TSNode value) {
    if (ts_node_is_null(name) || ts_node_is_null(value) || std::string_view(ts_node_type(name)) != "identifier") return;
    if (std::string_view(ts_node_type(value)) == "expression_list" && ts_node_named_child_count(value) == 1)
      value = ts_node_named_child(value, 0);
    if (!is_literal_type(ts_node_type(value))) return;
    auto values = literal_values(tree, value);
    if (values.size() == 1) constants.emplace(std::string(tree.text_of(name)), values.front());
  }

  void visit_call(TSNode call) {
    std::string_view type = ts_node_type(call);
    TSNode callee = field_child(call, type == "new_expression" ? "constructor" : "function");
    TSNode args = field_child(call, "arguments");
    if (ts_node_is_null(callee) || ts_node_is_null(args)) return;
    std::string_view name = last_name(tree, callee);
    if (name == "WithBaseURL" && ts_node_named_child_count(args) > 0) {  // Go: option.WithBaseURL(url)
      endpoints.push_back({call, callee, ts_node_named_child(args, 0)});
      return;
    }
    if (!model_client(name)) return;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
      TSNode arg = ts_node_named_child(args, i);
      std::string_view arg_type = ts_node_type(arg);
      if (arg_type == "keyword_argument") {
        TSNode key = field_child(arg, "name");
        if (!ts_node_is_null(key) && endpoint_argument(tree.text_of(key))) endpoints.push_back({call, callee, field_child(arg, "value")});
      } else if (arg_type == "object") {
        for (uint32_t k = 0; k < ts_node_named_child_count(arg); ++k) {
          TSNode pair = ts_node_named_child(arg, k);
          if (std::string_view(ts_node_type(pair)) != "pair") continue;
          TSNode key = field_child(pair, "key");
          std::string key_text = ts_node_is_null(key) ? std::string() : literal_or_text(tree, key);
          if (endpoint_argument(key_text)) endpoints.push_back({call, callee, field_child(pair, "value")});
        }
      }
    }
  }

  void visit(TSNode node, int depth) {
    if (ts_node_is_null(node) || depth > 200 || ++visited > kMaxWalkNodes) return;
    std::string_view type = ts_node_type(node);
    if (type == "call" || type == "call_expression" || type == "new_expression") visit_call(node);
    else if (type == "assignment") remember_constant(field_child(node, "left"), field_child(node, "right"));
    else if (type == "variable_declarator") remember_constant(field_child(node, "name"), field_child(node, "value"));
    else if (type == "const_spec") remember_constant(field_child(node, "name"), field_child(node, "value"));
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) visit(ts_node_named_child(node, i), depth + 1);
  }

  // The endpoint's URL: a literal, or a name bound to one.
  std::string url_of(TSNode value) const {
    if (ts_node_is_null(value)) return {};
    std::string_view type = ts_node_type(value);
    if (type == "identifier") {
      auto constant = constants.find(tree.text_of(value));
      return constant == constants.end() ? std::string() : constant->second;
    }
    if (!is_literal_type(type)) return {};
    auto values = literal_values(tree, value);
    return values.empty() ? std::string() : values.front();
  }
};

}  // namespace

std::vector<Marker> model_client_endpoints(const SyntaxTree& tree, Language language, const std::string& path) {
  std::vector<Marker> out;
  if (language == Language::json || language == Language::yaml) return out;
  std::string_view text = tree.text();
  bool mentions_client = text.find("OpenAI") != std::string_view::npos || text.find("Anthropic") != std::string_view::npos ||
                         text.find("WithBaseURL") != std::string_view::npos;
  if (!mentions_client || text.find("://") == std::string_view::npos) return out;
  Walk walk{tree, {}, {}, 0};
  walk.visit(tree.root(), 0);
  for (const auto& [call, callee, value] : walk.endpoints) {
    std::string url = walk.url_of(value);
    if (!shell::is_url(url)) continue;
    std::string host = shell::host_of(url);
    if (host.empty()) continue;
    Marker marker = marker_in_file("model_endpoint", std::string(tree.text_of(callee)) + " endpoint = " + url.substr(0, 120), path, text,
                                   ts_node_start_byte(call), ts_node_end_byte(call) - ts_node_start_byte(call));
    marker.host = host;
    out.push_back(std::move(marker));
    if (out.size() >= 8) break;
  }
  return out;
}

}  // namespace toolwall::code
