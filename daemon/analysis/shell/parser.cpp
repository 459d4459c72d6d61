#include "analysis/shell/parser.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

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

// Rows and columns of a byte, as tree-sitter counts them (columns in bytes).
TSPoint point_at(std::string_view text, uint32_t byte) {
  std::string_view before = text.substr(0, byte);
  size_t line_start = before.rfind('\n');
  uint32_t row = static_cast<uint32_t>(std::count(before.begin(), before.end(), '\n'));
  uint32_t column = static_cast<uint32_t>(line_start == std::string_view::npos ? byte : byte - line_start - 1);
  return TSPoint{row, column};
}

bool past_deadline(TSParseState* state) {
  return static_cast<const CpuDeadline*>(state->payload)->passed();  // true cancels
}

}  // namespace

TSTree* parse_bash(std::string_view text, const CpuDeadline& deadline, const Span* range) {
  thread_local ParserHolder holder;
  if (deadline.passed()) return nullptr;
  if (range) {
    TSRange included{point_at(text, range->begin), point_at(text, range->end), range->begin, range->end};
    if (!ts_parser_set_included_ranges(holder.parser, &included, 1)) return nullptr;
  }
  ReadState state{text};
  TSInput input{&state, read_text, TSInputEncodingUTF8, nullptr};
  TSParseOptions options{const_cast<CpuDeadline*>(&deadline), past_deadline};
  TSTree* tree = ts_parser_parse_with_options(holder.parser, nullptr, input, options);
  if (!tree) ts_parser_reset(holder.parser);
  if (range) ts_parser_set_included_ranges(holder.parser, nullptr, 0);  // the whole text again
  return tree;
}

namespace {

// A step of the statement split: a node to read, a && / || between statements, or redirections that
// bash binds to the stage read last.
struct Pending {
  TSNode node{};
  bool separator = false;
  std::vector<TSNode> redirects;

  static Pending read(TSNode node) { return Pending{node, false, {}}; }
  static Pending list_separator() { return Pending{TSNode{}, true, {}}; }
  static Pending bind(std::vector<TSNode> redirects) { return Pending{TSNode{}, false, std::move(redirects)}; }
};

bool is_comment(TSNode node) { return std::string_view(ts_node_type(node)) == "comment"; }

// Redirections the grammar hung on a list or pipeline ("a && b > f"), to be given to its last stage;
// nullopt when node is not such a statement. Here-documents stay whole: their node also holds what follows.
std::optional<std::pair<TSNode, std::vector<TSNode>>> misplaced_redirects(TSNode node) {
  if (std::string_view(ts_node_type(node)) != "redirected_statement") return std::nullopt;
  TSNode body{};
  std::vector<TSNode> redirects;
  for (const auto& child : children_of(node)) {
    if (field_is(child, "body")) body = child.node;
    if (!field_is(child, "redirect")) continue;
    if (std::string_view(ts_node_type(child.node)) == "heredoc_redirect") return std::nullopt;
    redirects.push_back(child.node);
  }
  if (ts_node_is_null(body) || redirects.empty()) return std::nullopt;
  std::string_view body_type = ts_node_type(body);
  if (body_type != "list" && body_type != "pipeline") return std::nullopt;
  return std::make_pair(body, std::move(redirects));
}

Span span_of(const Statement& statement) {
  Span span{ts_node_start_byte(statement.stages.front().node), 0};
  for (const auto& stage : statement.stages) {
    span.end = std::max(span.end, ts_node_end_byte(stage.node));
    for (TSNode redirect : stage.redirects) span.end = std::max(span.end, ts_node_end_byte(redirect));
  }
  return span;
}

// Newlines that end a command for bash but sit between the words of one command node.
struct JoinedLines {
  std::vector<uint32_t> newlines;  // can be written as ';'
  bool after_comment = false;      // a joined newline ends a comment
};

JoinedLines joined_lines(TSNode root, std::string_view text) {
  JoinedLines joined;
  if (text.find('\n') == std::string_view::npos) return joined;
  std::vector<TSNode> pending{root};
  while (!pending.empty() && pending.size() < 100000) {
    TSNode node = pending.back();
    pending.pop_back();
    Children parts = children_of(node);
    std::string_view type = ts_node_type(node);
    if (type == "word") {
      // An unquoted word never holds a bare newline in bash, but the grammar reads `ls<newline>\curl` as
      // one word (a backslash opening the next line): that newline ends a command.
      uint32_t begin = ts_node_start_byte(node), end = std::min<uint32_t>(ts_node_end_byte(node), static_cast<uint32_t>(text.size()));
      for (uint32_t at = begin; at < end; ++at)
        if (text[at] == '\n' && (at == 0 || (text[at - 1] != '\\' && text[at - 1] != '\n')))
          joined.newlines.push_back(at);  // the first of a run: ";;" would be a syntax error
      continue;
    }
    bool words = type == "command" || type == "redirected_statement";
    bool heredoc = std::any_of(parts.begin(), parts.end(), [](const Child& part) {
      return std::string_view(ts_node_type(part.node)) == "heredoc_redirect";
    });
    for (size_t i = 0; i < parts.size(); ++i) {
      pending.push_back(parts[i].node);
      if (!words || heredoc || i == 0) continue;
      uint32_t gap_begin = ts_node_end_byte(parts[i - 1].node), gap_end = ts_node_start_byte(parts[i].node);
      for (uint32_t at = gap_begin; at < gap_end && at < text.size(); ++at) {
        if (text[at] != '\n' || (at > 0 && text[at - 1] == '\\')) continue;  // \<newline> continues the line
        if (is_comment(parts[i - 1].node)) joined.after_comment = true;
        else joined.newlines.push_back(at);
      }
    }
  }
  return joined;
}

}  // namespace

namespace {
// One cursor per thread, reset to each node: a new cursor allocates its stack every time, and the
// walk asks for children at nearly every node.
struct ThreadCursor {
  TSTreeCursor cursor{};
  bool made = false;
  ~ThreadCursor() {
    if (made) ts_tree_cursor_delete(&cursor);
  }
  TSTreeCursor& at(TSNode node) {
    if (made) {
      ts_tree_cursor_reset(&cursor, node);
    } else {
      cursor = ts_tree_cursor_new(node);
      made = true;
    }
    return cursor;
  }
};
}  // namespace

Children children_of(TSNode node) {
  Children out;
  thread_local ThreadCursor thread_cursor;
  TSTreeCursor& cursor = thread_cursor.at(node);
  if (ts_tree_cursor_goto_first_child(&cursor)) {
    do {
      TSNode child = ts_tree_cursor_current_node(&cursor);
      out.push_back({child, ts_tree_cursor_current_field_name(&cursor), ts_node_is_named(child)});
    } while (ts_tree_cursor_goto_next_sibling(&cursor));
  }
  return out;
}

bool field_is(const Child& child, const char* name) { return child.field && std::strcmp(child.field, name) == 0; }

TSTree* parse_bash_lines(std::string& text, const CpuDeadline& deadline, bool* still_joined) {
  for (int round = 0;; ++round) {
    TSTree* tree = parse_bash(text, deadline);
    if (!tree) return nullptr;
    JoinedLines joined = joined_lines(ts_tree_root_node(tree), text);
    if (joined.newlines.empty() || round == 8) {
      if (still_joined) *still_joined = joined.after_comment || !joined.newlines.empty();
      return tree;
    }
    ts_tree_delete(tree);
    for (uint32_t at : joined.newlines) text[at] = ';';
  }
}

std::vector<Statement> top_level_statements(TSNode program) {
  constexpr size_t kMaxSplitNodes = 100000;  // past this, a list is walked whole
  std::vector<Statement> out;
  std::vector<Pending> pending;
  size_t split = 0;
  auto start_statement = [&] {
    if (out.empty() || !out.back().stages.empty()) out.emplace_back();
  };
  for (const auto& element : children_of(program)) {
    if (!element.named || is_comment(element.node)) continue;
    start_statement();
    pending.assign(1, Pending::read(element.node));
    while (!pending.empty()) {
      Pending next = std::move(pending.back());
      pending.pop_back();
      if (next.separator) {
        start_statement();
        continue;
      }
      if (!next.redirects.empty()) {
        if (!out.back().stages.empty()) {
          auto& stage = out.back().stages.back().redirects;
          stage.insert(stage.end(), next.redirects.begin(), next.redirects.end());
        }
        continue;
      }
      std::string_view type = ts_node_type(next.node);
      bool splits = split < kMaxSplitNodes;
      if (splits && (type == "list" || type == "pipeline")) {
        ++split;
        // Pushed last to first so that they come out in order; between list elements a new statement starts.
        Children parts = children_of(next.node);
        for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
          if (!part->named) {
            if (type == "list") pending.push_back(Pending::list_separator());
          } else if (!is_comment(part->node)) {
            pending.push_back(Pending::read(part->node));
          }
        }
      } else if (auto moved = splits ? misplaced_redirects(next.node) : std::nullopt) {
        ++split;
        pending.push_back(Pending::bind(std::move(moved->second)));
        pending.push_back(Pending::read(moved->first));
      } else {
        out.back().stages.push_back(Stage{next.node, {}});
      }
    }
  }
  if (!out.empty() && out.back().stages.empty()) out.pop_back();
  for (auto& statement : out) statement.span = span_of(statement);
  return out;
}

}  // namespace toolwall::shell
