#include "analysis/shell/parser.h"

#include <string_view>

extern "C" const TSLanguage* tree_sitter_bash(void);

namespace toolwall::shell {
namespace {

struct ParserHolder {
  TSParser* parser;
  ParserHolder() : parser(ts_parser_new()) { ts_parser_set_language(parser, tree_sitter_bash()); }
  ~ParserHolder() { ts_parser_delete(parser); }
  ParserHolder(const ParserHolder&) = delete;
  ParserHolder& operator=(const ParserHolder&) = delete;
};

struct ReadState {
  std::string_view text;
};

const char* read_text(void* payload, uint32_t byte_index, TSPoint, uint32_t* bytes_read) {
  auto* state = static_cast<ReadState*>(payload);
  if (byte_index >= state->text.size()) {
    *bytes_read = 0;
    return "";
  }
  *bytes_read = static_cast<uint32_t>(state->text.size() - byte_index);
  return state->text.data() + byte_index;
}

bool past_deadline(TSParseState* state) {
  auto* deadline = static_cast<std::chrono::steady_clock::time_point*>(state->payload);
  return std::chrono::steady_clock::now() > *deadline;
}

}  // namespace

TSTree* parse_bash(std::string_view text, std::chrono::steady_clock::time_point deadline) {
  thread_local ParserHolder holder;
  if (std::chrono::steady_clock::now() > deadline) return nullptr;
  ReadState state{text};
  TSInput input{&state, read_text, TSInputEncodingUTF8, nullptr};
  TSParseOptions options{&deadline, past_deadline};
  TSTree* tree = ts_parser_parse_with_options(holder.parser, nullptr, input, options);
  if (!tree) ts_parser_reset(holder.parser);
  return tree;
}

std::vector<TSNode> top_level_statements(TSNode program) {
  std::vector<TSNode> out;
  std::vector<TSNode> pending;
  uint32_t count = ts_node_named_child_count(program);
  TSTreeCursor cursor = ts_tree_cursor_new(program);
  std::vector<TSNode> children;
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      if (ts_node_is_named(child) && std::string_view(ts_node_type(child)) != "comment") children.push_back(child);
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  ts_tree_cursor_delete(&cursor);
  (void)count;
  for (TSNode child : children) {
    pending.assign(1, child);
    while (!pending.empty()) {
      TSNode node = pending.back();
      pending.pop_back();
      if (std::string_view(ts_node_type(node)) == "list" && out.size() + pending.size() < 100000) {
        // list = left op right (left-nested): push right first so left comes out first.
        std::vector<TSNode> parts;
        for (uint32_t i = 0, n = ts_node_named_child_count(node); i < n; ++i) {
          TSNode part = ts_node_named_child(node, i);
          if (std::string_view(ts_node_type(part)) != "comment") parts.push_back(part);
        }
        for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_back(*it);
      } else {
        out.push_back(node);
      }
    }
  }
  return out;
}

}  // namespace toolwall::shell
