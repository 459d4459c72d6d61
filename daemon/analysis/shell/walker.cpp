#include "analysis/shell/walker.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "analysis/shell/ambient.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/markers.h"
#include "analysis/shell/name_set.h"
#include "analysis/shell/parser.h"
#include "analysis/shell/plain_script.h"
#include "analysis/shell/words.h"

namespace toolwall::shell {
namespace {

// ${!PREFIX@} / ${!PREFIX*} list the variables whose names begin with PREFIX; a name of that family may
// be a secret's unless the family is one that never holds one (LC_TOKEN is not a thing). Any other
// run-time name may be anything.
bool may_name_secret(std::string_view pointer) {
  if (pointer.size() < 5 || !starts_with(pointer, "${!") || pointer.back() != '}') return true;
  char list = pointer[pointer.size() - 2];
  if (list != '@' && list != '*') return true;
  std::string family(pointer.substr(3, pointer.size() - 5));
  return is_secret_variable(family + "TOKEN") || is_secret_variable(family + "_TOKEN");
}

// Work cap independent of the syntax tree's size: function calls and re-parses can multiply work.
constexpr size_t kMaxSteps = 400000;

bool is_statement_type(std::string_view type) {
  static const NameSet types{
      "command", "pipeline", "list", "redirected_statement", "subshell", "compound_statement", "if_statement",
      "while_statement", "for_statement", "case_statement", "function_definition", "variable_assignment",
      "declaration_command", "negated_command", "unset_command", "c_style_for_statement", "do_group",
      "else_clause", "elif_clause", "case_item", "variable_assignments", "program", "test_command"};
  return types.count(type) > 0;
}

std::string trim_newlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

// Field splitting of an unquoted expansion's value: every IFS character becomes a field separator.
std::string split_marks(std::string_view text, std::string_view separators = " \t\n") {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += separators.find(c) != std::string_view::npos ? '\x1f' : c;
  return out;
}

}  // namespace

std::vector<std::string> Invocation::texts() const {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (const auto& word : argv) out.push_back(word.text);
  return out;
}

Walker::Walker(std::string_view script, const Limits& limits, Facts& facts)
    : script_(script), limits_(limits), facts_(&facts), root_facts_(facts) {
  frame_.text = script;
  deadline_ = CpuDeadline::after_micros(limits.parse_timeout_micros);
}

Walker::~Walker() {
  for (TSTree* tree : trees_) ts_tree_delete(tree);
}

void Walker::adopt(Carried carried) {
  files_ = std::move(carried.files);
  variables_ = std::move(carried.variables);
  working_directory_ = std::move(carried.working_directory);
  extracted_ = std::move(carried.extracted);
  git_staged_secrets_ = std::move(carried.staged_secrets);
  git_added_ = carried.staged;
  git_added_tree_ = carried.staged_tree;
  for (const auto& [name, variable] : variables_) remember_ambient(name);
  git_settings_ = std::move(carried.git_settings);
  hooks_dirs_ = std::move(carried.hooks_dirs);
}

Walker::Carried Walker::carried(const std::string& via) const {
  // Once per taint: a file copied over three calls came from "an earlier call" once.
  auto mark = [&](Taints& taints) {
    for (auto& taint : taints)
      if (std::find(taint.via.begin(), taint.via.end(), via) == taint.via.end()) taint.via.push_back(via);
  };
  auto loosen = [&](Word word) {
    word.node = TSNode{};
    word.span = Span{};
    word.node_index = -1;
    mark(word.taint);
    if (word.stream) mark(word.stream->taint);
    return word;
  };
  Carried out;
  out.working_directory = working_directory_;
  out.extracted = extracted_;
  for (auto& [directory, taints] : out.extracted) mark(taints);
  out.staged_secrets = git_staged_secrets_;
  mark(out.staged_secrets);
  out.staged = git_added_ || !git_staged_secrets_.empty();  // a secret in a commit message leaves with the push too
  out.cleared = cleared_;
  out.git_settings = git_settings_;
  out.hooks_dirs = hooks_dirs_;
  out.staged_tree = git_added_tree_;
  for (const auto& [path, file] : files_) {
    FileState kept = file;
    mark(kept.taint);
    out.files.emplace(path, std::move(kept));
  }
  for (const auto& [name, variable] : variables_) {
    // $1 … $9, $@, $*: a script's own arguments, not the shell's.
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) continue;
    Variable kept;
    kept.value = loosen(variable.value);
    for (const auto& element : variable.elements) kept.elements.push_back(loosen(element));
    kept.keys = variable.keys;
    out.variables.emplace(name, std::move(kept));
  }
  return out;
}

TSTree* Walker::parse(std::string& text) {
  bool still_joined = false;
  TSTree* tree = parse_bash_lines(text, deadline_, &still_joined);
  if (still_joined) limit("the syntax tree joins lines that bash runs as separate commands");
  if (!tree) {
    limit("parse time budget exhausted");
    stopped_ = true;
    return nullptr;
  }
  trees_.push_back(tree);
  return tree;
}

void Walker::run() {
  if (limits_.plain_scripts_without_parse)
    if (auto statements = read_script_stages(script_))
      if (walk_read_statements(*statements)) return;
  // Edits keep the length (brace lists spelled out, lines the grammar joins split): every span still
  // points into the script as sent.
  std::string& text = texts_.emplace_back(script_);
  spread_command_braces(text);
  TSTree* tree = parse(text);
  script_ = text;
  frame_.text = script_;
  if (!tree) return;
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root)) check_errors(root);
  walk_top_level(root);
}

bool Walker::walk_read_statements(const std::vector<PlainStatement>& statements) {
  std::vector<const PlainCommand*> opaque;
  for (const auto& statement : statements)
    for (const auto& stage : statement.stages)
      if (stage.opaque) opaque.push_back(&stage);
  if (opaque.empty()) {
    walk_statements(statements, [&](const PlainCommand& stage, const Stream& in, int depth) {
      return walk_plain_stage(stage, in, depth);
    });
    return true;
  }
  // Past a few stages to parse alone, one parse of the whole script costs less.
  constexpr size_t kMostStagesParsedAlone = 6;
  if (opaque.size() > kMostStagesParsedAlone) return false;
  // The edits the whole-script parse makes first (same length: the plain stages' spans still hold).
  std::string& text = texts_.emplace_back(script_);
  spread_command_braces(text);
  std::vector<std::pair<const PlainCommand*, Stage>> parsed;
  for (const PlainCommand* command : opaque) {
    std::string_view bytes = std::string_view(text).substr(command->span.begin, command->span.end - command->span.begin);
    if (bytes.find('\n') != std::string_view::npos) return false;  // lines the grammar might join: the whole parse splits them
    TSTree* tree = parse_bash(text, deadline_, &command->span);
    if (!tree) return false;
    trees_.push_back(tree);
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) return false;  // the whole parse says where, and whether that hides a command
    // The stage must read as one command spanning exactly what the skip found; anything else is the
    // whole parse's to read.
    auto read = top_level_statements(root);
    if (read.size() != 1 || read[0].stages.size() != 1 || read[0].span.begin != command->span.begin ||
        read[0].span.end != command->span.end)
      return false;
    parsed.emplace_back(command, read[0].stages[0]);
  }
  script_ = text;
  frame_.text = script_;
  walk_statements(statements, [&](const PlainCommand& stage, const Stream& in, int depth) {
    if (!stage.opaque) return walk_plain_stage(stage, in, depth);
    auto found = std::find_if(parsed.begin(), parsed.end(), [&](const auto& entry) { return entry.first == &stage; });
    return walk_stage(found->second, in, depth);
  });
  return true;
}

void Walker::check_errors(TSNode root) {
  // An ERROR or MISSING node where a statement or command word should be means commands may be hidden.
  std::vector<std::pair<TSNode, int>> stack{{root, 0}};
  size_t visited = 0;
  while (!stack.empty() && ++visited < 100000) {
    auto [node, depth] = stack.back();
    stack.pop_back();
    if (!ts_node_has_error(node) || depth > limits_.max_tree_depth) continue;
    if (ts_node_is_error(node) || ts_node_is_missing(node)) {
      TSNode parent = ts_node_parent(node);
      std::string_view parent_type = ts_node_is_null(parent) ? "program" : ts_node_type(parent);
      if (is_statement_type(parent_type) || parent_type == "command_name" || parent_type == "command_substitution" ||
          parent_type == "ERROR") {
        limit("syntax error at byte " + std::to_string(ts_node_start_byte(node)));
        return;
      }
      continue;
    }
    for (const auto& child : children_of(node)) stack.push_back({child.node, depth + 1});
  }
}

template <class Statement, class StageWalk>
Stream Walker::walk_statement(const Statement& statement, const Stream& in, int depth, StageWalk walk_stage) {
  if (statement.stages.size() == 1) return walk_stage(statement.stages.front(), in, depth);
  if (!step(depth)) return {};  // the pipeline's own step, as walk() takes for a pipeline node
  return through_pipeline(statement.stages.size(), in, [&](size_t i, const Stream& stage_in) {
    return walk_stage(statement.stages[i], stage_in, depth + 1);
  });
}

template <class Statements, class StageWalk>
void Walker::walk_statements(const Statements& statements, StageWalk walk_stage) {
  for (const auto& statement : statements) {
    if (stopped_) return;
    statement_ = statement.span;
    root_facts_.statements.push_back(statement_);
    emit_output(walk_statement(statement, script_stdin_, 1, walk_stage), statement_);
  }
}

void Walker::walk_top_level(TSNode root) {
  walk_statements(top_level_statements(root),
                  [&](const Stage& stage, const Stream& in, int depth) { return walk_stage(stage, in, depth); });
}

Stream Walker::walk_stage(const Stage& stage, const Stream& in, int depth) {
  if (stage.redirects.empty()) return walk(stage.node, in, depth);
  if (!step(depth)) return {};  // the step walk() takes for a redirected statement
  return apply_redirects(stage.redirects, stage.node, false, in, depth);
}

Stream Walker::walk_plain_stage(const PlainCommand& command, const Stream& in, int depth) {
  // The steps walk → walk_command_core take for a command node, and apply_redirects for its redirections.
  if (!step(depth)) return {};
  if (command.words.empty()) {
    // A statement that only assigns: what walk does for a variable_assignment(s) node.
    for (const auto& assignment : command.assignments) assign_plain(assignment, depth);
    return {};
  }
  if (command.redirects.empty()) return run_plain_command(command, in, depth + 1);
  RedirectPlan plan;
  plan.input = in;
  for (const auto& redirect : command.redirects)
    open_file_redirect(std::string(redirect.op), std::string(redirect.descriptor), plain_word(redirect.target, -1),
                       redirect.span, plan);
  if (!step(depth + 1)) return {};
  Stream result = run_plain_command(command, plan.input, depth + 2);
  std::string runner = last_command_;
  return deliver_output(plan, std::move(result), runner, command.span, depth);
}

Stream Walker::run_plain_command(const PlainCommand& command, const Stream& in, int depth) {
  // As walk_command_core: the assignments first, then the words (which may name what was just assigned).
  for (const auto& assignment : command.assignments) assign_plain(assignment, depth);
  Invocation inv;
  inv.span = command.span;
  inv.argv.reserve(command.words.size());
  for (size_t i = 0; i < command.words.size(); ++i) {
    Word word = plain_word(command.words[i], static_cast<int>(i));
    if (!command.words[i].expands) {
      inv.argv.push_back(std::move(word));
      continue;
    }
    // A value may carry the field marks split_fields breaks words at (a read of a line holding \x1f).
    for (auto& field : split_fields(std::move(word))) inv.argv.push_back(std::move(field));
  }
  return run(std::move(inv), in, depth);
}

void Walker::assign_plain(const PlainAssignment& assignment, int depth) {
  Variable variable;
  if (assignment.value) {
    variable.value = plain_word(*assignment.value, -1);
    add_via(variable.value.taint, "variable");
  }
  assign(std::string(assignment.name), "", false, std::move(variable), assignment.span, depth);
}

Word Walker::plain_word(const PlainWord& plain, int node_index) {
  Word word;
  word.source = std::string(script_.substr(plain.span.begin, plain.span.end - plain.span.begin));
  word.quoted = plain.quote != 0;
  word.span = plain.span;
  word.node_index = node_index;
  if (!plain.expands) {
    word.text = std::string(plain_word_text(script_, plain));
    return word;
  }
  // What eval_part does for a string node, or for a concatenation of words and variables: literal
  // text as written (no \ in it), each variable expanded in quotes or, in a bare word, unquoted.
  bool in_quotes = plain.quote != 0;
  for (const auto& part : plain_word_parts(script_, plain)) {
    if (part.variable.empty()) {
      word.text += part.source;
    } else if (!expand_ifs(part.variable, in_quotes, word)) {
      append_expansion(word, lookup_variable(part.variable, "", part.source), in_quotes);
    }
  }
  return word;
}

void Walker::emit_output(const Stream& out, Span span) {
  for (const auto& taint : out.taint) {
    if (!is_secret_class(taint.from) || taint.filtered) continue;
    Flow flow;
    flow.from = taint.from;
    flow.to = "output";
    flow.via = taint.via;
    flow.source = taint.source;
    flow.sink = "stdout";
    flow.span = span;
    add_flow(std::move(flow));
  }
}

Span Walker::span_of(TSNode node) const {
  if (frame_.nested) return frame_.anchor;
  return Span{ts_node_start_byte(node), ts_node_end_byte(node)};
}

std::string_view Walker::text_of(TSNode node) const {
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (end > frame_.text.size() || begin > end) return {};
  return frame_.text.substr(begin, end - begin);
}

std::vector<std::string> Walker::current_context() const { return context_; }

void Walker::add_marker(std::string name, std::string detail, Span span, std::string host) {
  if (detail.size() > 160) detail = detail.substr(0, 157) + "...";
  for (const auto& marker : facts_->markers)
    if (marker.name == name && marker.detail == detail && marker.statement.begin == statement_.begin &&
        marker.statement.end == statement_.end)
      return;
  Marker marker;
  marker.name = std::move(name);
  marker.detail = std::move(detail);
  marker.span = span;
  marker.host = std::move(host);
  marker.statement = statement_;
  facts_->markers.push_back(std::move(marker));
}

void Walker::add_flow(Flow flow) {
  flow.statement = statement_;
  for (const auto& existing : facts_->flows)
    if (existing.from == flow.from && existing.to == flow.to && existing.source == flow.source &&
        existing.sink == flow.sink && existing.host == flow.host && existing.statement.begin == flow.statement.begin)
      return;
  if (!flow.host.empty()) add_host(flow.host);
  facts_->flows.push_back(std::move(flow));
}

void Walker::add_host(const std::string& host) {
  if (host.empty() || host.find_first_of("$`(){}") != std::string::npos) return;
  if (std::find(facts_->hosts.begin(), facts_->hosts.end(), host) == facts_->hosts.end()) facts_->hosts.push_back(host);
}

void Walker::limit(std::string reason) {
  if (!root_facts_.complete) {
    // Every cap that was met is told: a parse timeout after a syntax error must not go unseen.
    add_limit_reason(reason);
    return;
  }
  root_facts_.complete = false;
  root_facts_.incomplete_reason = reason;
  Marker marker;
  marker.name = "analysis_limit";
  marker.detail = std::move(reason);
  marker.statement = statement_;
  marker.span = statement_;
  root_facts_.markers.push_back(std::move(marker));
}

void Walker::add_limit_reason(const std::string& reason) {
  auto already = [&](std::string_view reasons) {
    for (size_t at = 0; at <= reasons.size();) {
      size_t end = std::min(reasons.find("; ", at), reasons.size());
      if (reasons.substr(at, end - at) == reason) return true;
      at = end + 2;
    }
    return false;
  };
  if (root_facts_.incomplete_reason.size() > 1024 || already(root_facts_.incomplete_reason)) return;
  root_facts_.incomplete_reason += "; " + reason;
  for (auto marker = root_facts_.markers.rbegin(); marker != root_facts_.markers.rend(); ++marker) {
    if (marker->name != "analysis_limit") continue;
    marker->detail += "; " + reason;
    break;
  }
}

bool Walker::step(int depth) {
  if (stopped_) return false;
  if (depth > limits_.max_tree_depth) {
    limit("syntax tree deeper than " + std::to_string(limits_.max_tree_depth));
    return false;
  }
  if (++steps_ > kMaxSteps) {
    limit("analysis work budget exhausted");
    stopped_ = true;
    return false;
  }
  return true;
}

Stream Walker::walk(TSNode node, const Stream& in, int depth) {
  if (!step(depth)) return {};
  std::string_view type = ts_node_type(node);
  if (type == "command") return walk_command(node, in, depth);
  if (type == "pipeline") return walk_pipeline(node, in, depth);
  if (type == "redirected_statement") return walk_redirected(node, in, depth);
  if (type == "list" || type == "program" || type == "compound_statement" || type == "do_group")
    return walk_sequence(node, in, depth);
  if (type == "subshell") {
    context_.push_back("subshell");
    Stream out = walk_sequence(node, in, depth);
    context_.pop_back();
    return out;
  }
  if (type == "variable_assignment") {
    walk_assignment(node, depth, true);
    return {};
  }
  if (type == "variable_assignments") {
    for (const auto& child : children_of(node))
      if (child.named) walk_assignment(child.node, depth, true);
    return {};
  }
  if (type == "declaration_command") return walk_declaration(node, depth);
  if (type == "unset_command") {
    walk_unset(node);
    return {};
  }
  if (type == "function_definition") {
    define_function(node);
    return {};
  }
  if (type == "for_statement") return walk_for(node, in, depth);
  if (type == "comment") return {};
  if (type == "command_substitution" || type == "process_substitution") return run_substitution(node, in, depth);
  return walk_generic(node, in, depth);
}

Stream Walker::walk_sequence(TSNode node, const Stream& in, int depth) {
  Stream out;
  for (const auto& child : children_of(node)) {
    if (!child.named) continue;
    merge_stream(out, walk(child.node, in, depth + 1));
    if (stopped_) break;
  }
  return out;
}

Stream Walker::walk_generic(TSNode node, const Stream& in, int depth) {
  if (depth > limits_.max_tree_depth) return walk(node, in, depth);  // walk reports the limit; no deeper recursion
  Stream out;
  for (const auto& child : children_of(node)) {
    if (!child.named) continue;
    std::string_view type = ts_node_type(child.node);
    if (is_statement_type(type) || type == "ERROR") {
      merge_stream(out, walk(child.node, in, depth + 1));
    } else if (type == "command_substitution" || type == "process_substitution" || type == "string" ||
               type == "concatenation" || type == "expansion" || type == "simple_expansion" ||
               type == "arithmetic_expansion") {
      Word word = eval_word(child.node, true, false, depth + 1);
      (void)word;
    } else if (type != "word" && type != "raw_string" && type != "number" && type != "comment") {
      merge_stream(out, walk_generic(child.node, in, depth + 1));
    }
    if (stopped_) break;
  }
  return out;
}

template <class StageWalk>
Stream Walker::through_pipeline(size_t stages, const Stream& in, StageWalk walk_stage) {
  Stream current = in;
  for (size_t i = 0; i < stages; ++i) {
    Stream stage_in = current;
    if (i > 0) add_via(stage_in.taint, "pipe");
    context_.push_back("pipeline");
    current = walk_stage(i, stage_in);
    context_.pop_back();
    if (stopped_) break;
  }
  return current;
}

Stream Walker::walk_pipeline(TSNode node, const Stream& in, int depth) {
  std::vector<TSNode> stages;
  for (const auto& child : children_of(node))
    if (child.named) stages.push_back(child.node);
  return through_pipeline(stages.size(), in,
                          [&](size_t i, const Stream& stage_in) { return walk(stages[i], stage_in, depth + 1); });
}

Stream Walker::walk_redirected(TSNode node, const Stream& in, int depth) {
  TSNode body{};
  bool has_body = false;
  std::vector<TSNode> redirects;
  for (const auto& child : children_of(node)) {
    if (field_is(child, "body")) body = child.node, has_body = true;
    else if (field_is(child, "redirect") || (child.named && std::string_view(ts_node_type(child.node)).find("redirect") != std::string_view::npos))
      redirects.push_back(child.node);
  }
  if (!has_body) {
    // A bare redirection ("> file", "exec 3<>/dev/tcp/…" is a command): still opens the targets.
    return apply_redirects(redirects, TSNode{}, false, in, depth);
  }
  return apply_redirects(redirects, body, false, in, depth);
}

Stream Walker::walk_command(TSNode node, const Stream& in, int depth) {
  std::vector<TSNode> redirects;
  for (const auto& child : children_of(node))
    if (field_is(child, "redirect")) redirects.push_back(child.node);
  if (redirects.empty()) return walk_command_core(node, in, depth);
  return apply_redirects(redirects, node, true, in, depth);
}

Stream Walker::apply_redirects(const std::vector<TSNode>& redirects, TSNode body, bool body_is_command,
                               const Stream& in, int depth) {
  RedirectPlan plan;
  plan.input = in;
  std::vector<TSNode> continuation;  // pipeline stages after a here-doc's start line
  TSNode list_right{};
  bool has_list_right = false;
  std::vector<std::pair<TSNode, bool>> output_substitutions;  // `> >(cmd)` targets, run after the body

  std::vector<TSNode> queue = redirects;
  for (size_t q = 0; q < queue.size() && q < 256; ++q) {
    TSNode redirect = queue[q];
    std::string_view type = ts_node_type(redirect);
    auto parts = children_of(redirect);
    if (type == "herestring_redirect") {
      for (const auto& part : parts) {
        if (!part.named) continue;
        Word word = eval_word(part.node, true, false, depth + 1);
        add_via(word.taint, "herestring");
        plan.input = Stream{};
        plan.input.taint = word.taint;
        plan.input.literal = word.text + "\n";
        break;
      }
    } else if (type == "heredoc_redirect") {
      bool quoted = false;
      for (const auto& part : parts) {
        std::string_view part_type = ts_node_type(part.node);
        if (part_type == "heredoc_start") {
          std::string_view start = text_of(part.node);
          quoted = start.find_first_of("'\"\\") != std::string_view::npos;
        } else if (part_type == "heredoc_body") {
          Word word;
          if (quoted) word.text = std::string(text_of(part.node));
          else eval_part(part.node, word, true, true, depth + 1);
          add_via(word.taint, "heredoc");
          plan.input = Stream{};
          plan.input.taint = word.taint;
          plan.input.literal = word.text;
          plan.input.heredoc = true;
        } else if (field_is(part, "redirect")) {
          queue.push_back(part.node);
        } else if (field_is(part, "right")) {
          list_right = part.node;
          has_list_right = true;
        } else if (part_type == "pipeline") {
          for (const auto& stage : children_of(part.node))
            if (stage.named) continuation.push_back(stage.node);
        } else if (part.named && (part_type == "command" || part_type == "redirected_statement")) {
          continuation.push_back(part.node);
        }
      }
    } else if (type == "file_redirect") {
      std::string op;
      std::string descriptor;
      std::vector<TSNode> destinations;  // more than one where the grammar split the target ("> $A/$B.log")
      for (const auto& part : parts) {
        if (!part.named) op += ts_node_type(part.node);
        else if (ts_node_is_error(part.node)) op += text_of(part.node);  // the grammar lacks "<>"
        else if (std::string_view(ts_node_type(part.node)) == "file_descriptor") descriptor = std::string(text_of(part.node));
        else destinations.push_back(part.node);
      }
      if (destinations.empty()) continue;
      TSNode destination = destinations.front();
      if (std::string_view(ts_node_type(destination)) == "process_substitution" && !op.empty() && op[0] == '>' &&
          text_of(destination).substr(0, 2) == ">(") {
        // `cmd > >(sink)`: sink reads what cmd writes, so it runs once cmd's output is known.
        output_substitutions.push_back({destination, descriptor.empty() || descriptor == "1" || op == "&>"});
        continue;
      }
      open_file_redirect(op, descriptor, eval_glued_word(glued_words(destinations).front(), true, depth + 1),
                         span_of(redirect), plan);
    }
  }

  // A bare redirection has no body to run: it only opens (and truncates) its targets.
  Stream result = ts_node_is_null(body) ? Stream{}
                  : body_is_command    ? walk_command_core(body, plan.input, depth + 1)
                                       : walk(body, plan.input, depth + 1);
  std::string runner = last_command_;
  for (const auto& [substitution, stdout_too] : output_substitutions) {
    Stream feed = stdout_too ? result : Stream{};
    add_via(feed.taint, "process_substitution");
    run_substitution(substitution, feed, depth + 1);
    plan.consumed = plan.consumed || stdout_too;
  }
  Span body_span = ts_node_is_null(body) ? (frame_.nested ? frame_.anchor : Span{}) : span_of(body);
  result = deliver_output(plan, std::move(result), runner, body_span, depth);
  for (TSNode stage : continuation) {
    add_via(result.taint, "pipe");
    context_.push_back("pipeline");
    result = walk(stage, result, depth + 1);
    context_.pop_back();
  }
  if (has_list_right) merge_stream(result, walk(list_right, in, depth + 1));
  return result;
}

void Walker::open_file_redirect(std::string op, const std::string& descriptor, const Word& target, Span span,
                                RedirectPlan& plan) {
  std::string path_text = target.text;
  bool dup = (op == ">&" || op == "<&" || op == ">&-" || op == "<&-") &&
             (path_text == "-" ||
              std::all_of(path_text.begin(), path_text.end(), [](char c) { return c >= '0' && c <= '9'; }));
  std::string socket_path;
  if (dup) {
    // A descriptor opened on /dev/tcp earlier (exec 5<>/dev/tcp/…) is that socket.
    auto socket_fd = socket_fds_.find(path_text);
    if (socket_fd == socket_fds_.end()) return;
    socket_path = socket_fd->second;
    op = op[0] == '<' ? "<" : ">";
  }
  const std::string& path = socket_path.empty() ? target.text : socket_path;
  bool socket = path.rfind("/dev/tcp/", 0) == 0 || path.rfind("/dev/udp/", 0) == 0;
  std::string host = socket_path_host(path);
  // exec 3< .env / exec 5<>/dev/tcp/…: later <&3 and >&5 mean that file or socket.
  if (!descriptor.empty() && descriptor != "0" && descriptor != "1" && descriptor != "2" && socket_path.empty())
    socket_fds_[descriptor] = path;
  if (op == "<" || op == "<>" ) {
    if (socket) {
      plan.input = Stream{};
      plan.input.taint.push_back(Taint{"network", path, {"redirect"}, host, false});
      plan.input.network_peer = true;
      plan.input_from_socket = true;
      if (op == "<>") plan.targets.push_back({path, host, false, span});
    } else if (target.stream) {
      plan.input = *target.stream;
    } else {
      plan.input = Stream{};
      std::optional<std::string> literal;
      plan.input.taint = read_path(path, &literal);
      plan.input.literal = literal;
    }
    return;
  }
  bool stdout_too = descriptor.empty() || descriptor == "1" || op.find('&') == 0 || op == "&>" || op == "&>>" || op == ">&";
  plan.targets.push_back({path, host, stdout_too, span, op.find(">>") != std::string::npos});
}

Stream Walker::deliver_output(RedirectPlan& plan, Stream result, const std::string& runner, Span body_span, int depth) {
  for (const auto& target : plan.targets) {
    if (!target.host.empty() || target.path.rfind("/dev/tcp/", 0) == 0 || target.path.rfind("/dev/udp/", 0) == 0) {
      add_host(target.host);
      emit_secret_flows(result.taint, "network", "/dev/tcp", target.host, target.span, "redirect");
      if (is_shell(runner) || is_interpreter(runner))
        add_marker("reverse_shell", runner + " with its streams on " + target.path, target.span);
      if (target.stdout_too) plan.consumed = true;
      continue;
    }
    if (!target.stdout_too) continue;
    plan.consumed = true;
    if (target.path == "/dev/null" || target.path == "/dev/stdout" || target.path == "/dev/stderr") continue;
    if (is_block_device(target.path)) {
      add_marker("destructive_target", "> " + target.path, target.span);
      continue;
    }
    write_file(target.path, result, target.span, depth, target.append);
  }
  if (plan.consumed) {
    Stream kept;
    kept.interactive_shell = result.interactive_shell;
    result = kept;
  }
  if (plan.input_from_socket && is_shell(runner)) add_marker("reverse_shell", runner + " reading from a socket", body_span);
  return result;
}

Stream Walker::walk_command_core(TSNode node, const Stream& in, int depth) {
  std::vector<TSNode> words;
  std::vector<TSNode> assignments;
  for (const auto& child : children_of(node)) {
    if (field_is(child, "name")) {
      // command_name wraps the word.
      for (const auto& inner : children_of(child.node))
        if (inner.named) {
          words.insert(words.begin(), inner.node);
          break;
        }
    } else if (field_is(child, "argument")) {
      // `sh 0</tmp/f`: the grammar reads a descriptor glued to its redirect as a word; bash does not.
      std::string_view text = text_of(child.node);
      uint32_t end = ts_node_end_byte(child.node);
      bool descriptor = !text.empty() && text.size() <= 2 &&
                        std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
                        end < frame_.text.size() && (frame_.text[end] == '<' || frame_.text[end] == '>');
      if (!descriptor) words.push_back(child.node);
    } else if (child.named && std::string_view(ts_node_type(child.node)) == "variable_assignment") {
      assignments.push_back(child.node);
    }
  }
  // "X=$A-$B.C cmd": the grammar ends the value at the second $ and makes B.C the command.
  for (TSNode assignment : assignments)
    if (!words.empty() && ts_node_end_byte(assignment) == ts_node_start_byte(words.front()))
      limit("the syntax tree splits a word bash reads as one, at byte " + std::to_string(ts_node_start_byte(words.front())));
  // Substitutions in this command's words read the command's stdin ("… | curl -d "$(cat)" …").
  pending_stdin_ = in;
  for (TSNode assignment : assignments) walk_assignment(assignment, depth + 1, words.empty());
  if (words.empty()) {
    pending_stdin_ = Stream{};
    return {};
  }
  std::vector<std::vector<TSNode>> glued = glued_words(words);

  // First pass without running substitutions: enough to see which words are scripts for a shell.
  std::vector<Word> raw;
  std::vector<bool> has_substitution(glued.size(), false);
  for (size_t i = 0; i < glued.size(); ++i) {
    Word word = eval_glued_word(glued[i], false, depth + 1);
    word.node_index = static_cast<int>(i);
    has_substitution[i] = word.has_substitution;
    for (auto& field : split_fields(std::move(word))) raw.push_back(std::move(field));
  }
  std::set<int> script_nodes;
  collect_script_nodes(raw, 0, script_nodes);

  Invocation inv;
  inv.span = span_of(node);
  for (size_t i = 0; i < glued.size(); ++i) {
    pending_stdin_ = in;
    if (has_substitution[i] && !script_nodes.count(static_cast<int>(i))) {
      Word word = eval_glued_word(glued[i], true, depth + 1);
      word.node_index = static_cast<int>(i);
      for (auto& field : split_fields(std::move(word))) inv.argv.push_back(std::move(field));
    } else {
      for (auto& field : raw)
        if (field.node_index == static_cast<int>(i)) inv.argv.push_back(field);
    }
  }
  pending_stdin_ = Stream{};
  if (inv.argv.empty()) return {};
  if (auto dash = dash_left_out_after(node)) inv.argv.push_back(std::move(*dash));
  return run(std::move(inv), in, depth + 1);
}

// tree-sitter-bash leaves a lone `-` written right before a here-document out of the tree (`python3 -
// <<EOF`, `make -f - <<EOF`, `cat - 2>&1 <<EOF`): no node covers it, yet bash passes it as the last
// argument. A `-` that follows the command node, outside it, is that word.
std::optional<Word> Walker::dash_left_out_after(TSNode command) const {
  size_t at = ts_node_end_byte(command);
  while (at < frame_.text.size() && (frame_.text[at] == ' ' || frame_.text[at] == '\t')) ++at;
  if (at >= frame_.text.size() || frame_.text[at] != '-') return std::nullopt;
  if (at + 1 < frame_.text.size() && frame_.text[at + 1] != ' ' && frame_.text[at + 1] != '\t') return std::nullopt;
  Word dash;
  dash.text = dash.source = "-";
  dash.span = Span{static_cast<uint32_t>(at), static_cast<uint32_t>(at + 1)};
  return dash;
}

void Walker::collect_script_nodes(const std::vector<Word>& fields, size_t begin, std::set<int>& nodes) const {
  size_t i = begin;
  for (int guard = 0; i < fields.size() && guard < 64; ++guard) {
    if (fields[i].dynamic) return;
    std::string name(base_name(fields[i].text));
    std::vector<std::string> rest;
    for (size_t j = i + 1; j < fields.size(); ++j) rest.push_back(fields[j].text);
    if (name == "xargs") {
      size_t j = i + 1;
      while (j < fields.size() && fields[j].text.size() > 1 && fields[j].text[0] == '-') {
        std::string_view option = fields[j].text;
        bool takes = option == "-I" || option == "-n" || option == "-P" || option == "-L" || option == "-s" ||
                     option == "-d" || option == "-E" || option == "-a";
        j += takes ? 2 : 1;
      }
      i = j;
      continue;
    }
    if (auto skip = wrapper_prefix(name, rest)) {
      if (*skip >= rest.size()) return;
      i += 1 + *skip;
      continue;
    }
    if (name == "eval") {
      for (size_t j = i + 1; j < fields.size(); ++j) nodes.insert(fields[j].node_index);
      return;
    }
    if (name == "trap") {
      if (i + 1 < fields.size()) nodes.insert(fields[i + 1].node_index);
      return;
    }
    if (is_shell(name) || name == "su") {
      for (size_t j = i + 1; j < fields.size(); ++j) {
        const std::string& arg = fields[j].text;
        if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find('c') != std::string::npos) {
          if (j + 1 < fields.size()) nodes.insert(fields[j + 1].node_index);
          return;
        }
        if (arg == "--command" && j + 1 < fields.size()) {
          nodes.insert(fields[j + 1].node_index);
          return;
        }
        if (arg.empty() || (arg[0] != '-' && arg[0] != '+' && name != "su")) return;
      }
      return;
    }
    if (name == "find") {
      for (size_t j = i + 1; j < fields.size(); ++j)
        if (fields[j].text == "-exec" || fields[j].text == "-execdir" || fields[j].text == "-ok" || fields[j].text == "-okdir")
          collect_script_nodes(fields, j + 1, nodes);
      return;
    }
    if (name == "watch" || name == "parallel") {
      for (size_t j = i + 1; j < fields.size(); ++j) {
        if (fields[j].text == ":::" || fields[j].text == "::::") break;
        if (!fields[j].text.empty() && fields[j].text[0] != '-') nodes.insert(fields[j].node_index);
      }
      return;
    }
    return;
  }
}

void Walker::walk_assignment(TSNode node, int depth, bool persistent) {
  std::string name;
  std::string index;
  TSNode value{};
  bool has_value = false;
  bool appends = false;  // `x+=more`, `arr+=(more)`
  for (const auto& child : children_of(node)) {
    if (!child.named && std::string_view(ts_node_type(child.node)) == "+=") appends = true;
    if (field_is(child, "name")) {
      std::string_view type = ts_node_type(child.node);
      if (type == "subscript") {
        for (const auto& part : children_of(child.node)) {
          if (field_is(part, "name")) name = std::string(text_of(part.node));
          else if (field_is(part, "index")) index = std::string(text_of(part.node));
        }
      } else {
        name = std::string(text_of(child.node));
      }
    } else if (field_is(child, "value")) {
      value = child.node;
      has_value = true;
    }
  }
  if (name.empty()) return;
  Variable variable;
  if (has_value && std::string_view(ts_node_type(value)) == "array") {
    for (const auto& element : children_of(value)) {
      if (!element.named) continue;
      Word word = eval_word(element.node, true, false, depth + 1);
      add_via(word.taint, "variable");
      // declare -A m=([key]=value …): the element's key, then its value.
      std::string key;
      if (word.text.size() > 3 && word.text[0] == '[') {
        size_t close = word.text.find("]=");
        if (close != std::string::npos && close > 1) {
          key = word.text.substr(1, close - 1);
          word.text.erase(0, close + 2);
        }
      }
      variable.value.text += (variable.value.text.empty() ? "" : " ") + word.text;
      merge_taints(variable.value.taint, word.taint);
      variable.value.dynamic = variable.value.dynamic || word.dynamic;
      variable.elements.push_back(std::move(word));
      variable.keys.push_back(std::move(key));
    }
  } else if (has_value) {
    variable.value = eval_word(value, true, false, depth + 1);
    add_via(variable.value.taint, "variable");
  }
  (void)persistent;
  assign(name, index, appends, std::move(variable), span_of(node), depth);
}

void Walker::assign(const std::string& name, const std::string& index, bool appends, Variable variable, Span span,
                    int depth) {
  if (auto detail = assignment_security_off(name, variable.value.text))
    add_marker("security_off", *detail, span);
  // Variables whose value a program later runs as a shell command.
  static const NameSet command_variables{"GIT_SSH_COMMAND", "GIT_EDITOR", "GIT_PAGER", "GIT_ASKPASS",
                                         "GIT_EXTERNAL_DIFF", "PAGER", "EDITOR", "VISUAL",
                                         "PROMPT_COMMAND", "SSH_ASKPASS", "LESSOPEN", "LESSCLOSE", "MANPAGER",
                                         "SYSTEMD_PAGER", "GIT_SSH", "SUDO_ASKPASS", "BROWSER", "FCEDIT"};
  if (command_variables.count(name) && !variable.value.text.empty() && variable.value.text.find(' ') != std::string::npos)
    analyse_nested(variable.value.text, Stream{}, "env_command", span, name, depth);
  remember_ambient(name);
  if (!index.empty()) {
    auto& existing = variables_[name];
    existing.keys.resize(existing.elements.size());
    if (!std::all_of(index.begin(), index.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      // m[key]=value: an associative element.
      auto known = std::find(existing.keys.begin(), existing.keys.end(), index);
      if (known != existing.keys.end()) {
        existing.elements[static_cast<size_t>(known - existing.keys.begin())] = variable.value;
      } else if (existing.elements.size() < 1024) {
        existing.elements.push_back(variable.value);
        existing.keys.push_back(index);
      }
      merge_taints(existing.value.taint, variable.value.taint);
      return;
    }
    size_t position = static_cast<size_t>(std::atoi(index.c_str()));
    if (position < 1024) {
      if (existing.elements.size() <= position) existing.elements.resize(position + 1);
      existing.keys.resize(existing.elements.size());
      existing.elements[position] = variable.value;
      merge_taints(existing.value.taint, variable.value.taint);
    }
    return;
  }
  auto existing = variables_.find(name);
  if (appends && existing != variables_.end()) {
    Variable& before = existing->second;
    if (!variable.elements.empty() && !before.value.text.empty()) before.value.text += ' ';
    before.value.text += variable.value.text;
    merge_taints(before.value.taint, variable.value.taint);
    before.value.dynamic = before.value.dynamic || variable.value.dynamic;
    for (auto& element : variable.elements) before.elements.push_back(std::move(element));
    return;
  }
  variables_[name] = std::move(variable);
}

Stream Walker::walk_declaration(TSNode node, int depth) {
  std::string keyword;
  std::vector<std::string> args;
  bool nameref = false;
  for (const auto& child : children_of(node)) {
    if (!child.named) {
      if (keyword.empty()) keyword = ts_node_type(child.node);
      continue;
    }
    std::string_view type = ts_node_type(child.node);
    if (type == "variable_assignment") {
      walk_assignment(child.node, depth + 1, true);
      args.push_back(std::string(text_of(child.node)));
      // export NODE_OPTIONS=--require F: every later program of the shell loads F.
      if (keyword == "export") {
        Invocation exported;
        exported.name = keyword;
        exported.span = span_of(node);
        std::string name = args.back().substr(0, args.back().find('='));
        if (is_ambient_variable(name)) emit_output(follow_ambient_variables(exported, depth + 1, name), exported.span);
      }
      if (nameref) bind_nameref(args.back().substr(0, args.back().find('=')));
    } else {
      Word word = eval_word(child.node, true, false, depth + 1);
      args.push_back(word.text);
      // declare -n / local -n: the variables assigned next are other names of the variables they name.
      if (word.text.size() > 1 && word.text[0] == '-' && word.text.find('n') != std::string::npos &&
          keyword != "export" && keyword != "readonly")
        nameref = true;
    }
  }
  Command command;
  command.name = keyword;
  command.argv.push_back(keyword);
  for (const auto& arg : args) command.argv.push_back(arg);
  command.span = span_of(node);
  command.statement = statement_;
  command.context = current_context();
  if (facts_->commands.size() < limits_.max_commands) facts_->commands.push_back(std::move(command));
  Stream out;
  if (is_env_dump_command(keyword, args)) {
    std::string source = keyword;
    for (const auto& arg : args) source += " " + arg;
    out.taint.push_back(Taint{"env_dump", source, {}, {}, false});
  }
  return out;
}

// declare -n v=$k: reading v reads the variable k named when v was bound (k=AWS_SECRET; k+=_ACCESS_KEY).
void Walker::bind_nameref(const std::string& name) {
  if (name.empty() || name.back() == '+') return;
  Word value = indirect_variable(name, "${!" + name + "}");
  variables_[name] = Variable{std::move(value), {}, {}};
}

void Walker::walk_unset(TSNode node) {
  std::vector<std::string> names;
  for (const auto& child : children_of(node))
    if (child.named) names.push_back(std::string(text_of(child.node)));
  Command command;
  command.name = "unset";
  command.argv.push_back("unset");
  for (const auto& name : names) {
    command.argv.push_back(name);
    if (name == "HISTFILE") add_marker("security_off", "unset HISTFILE", span_of(node));
    variables_.erase(name);
    cleared_.push_back(name);  // also when walked alone: an earlier call may have set it
  }
  command.span = span_of(node);
  command.statement = statement_;
  command.context = current_context();
  if (facts_->commands.size() < limits_.max_commands) facts_->commands.push_back(std::move(command));
}

void Walker::define_function(TSNode node) {
  std::string name;
  TSNode body{};
  bool has_body = false;
  for (const auto& child : children_of(node)) {
    if (field_is(child, "name")) name = std::string(text_of(child.node));
    else if (field_is(child, "body")) body = child.node, has_body = true;
  }
  if (name.empty() || !has_body) return;
  functions_[name] = Function{body, frame_.text, frame_};
  // Fork bomb: the body runs itself at least twice, piped or in the background.
  size_t self_calls = 0;
  bool piped_or_background = false;
  std::vector<TSNode> stack{body};
  for (size_t visited = 0; !stack.empty() && visited < 5000; ++visited) {
    TSNode current = stack.back();
    stack.pop_back();
    std::string_view type = ts_node_type(current);
    if (type == "pipeline") piped_or_background = true;
    if (type == "command_name" && base_name(unescape_bare(text_of(current))) == name) ++self_calls;
    for (const auto& child : children_of(current)) {
      if (!child.named && std::string_view(ts_node_type(child.node)) == "&") piped_or_background = true;
      stack.push_back(child.node);
    }
  }
  if (self_calls >= 2 && piped_or_background) add_marker("fork_bomb", std::string(text_of(node)), span_of(node));
}

Stream Walker::walk_for(TSNode node, const Stream& in, int depth) {
  std::string variable;
  Word values;
  TSNode body{};
  bool has_body = false;
  for (const auto& child : children_of(node)) {
    if (field_is(child, "variable")) variable = std::string(text_of(child.node));
    else if (field_is(child, "value")) {
      Word word = eval_word(child.node, true, false, depth + 1);
      // The loop variable stands for its first value, or for a list of names that may be secrets'
      // (for n in ${!LC_@} ${!AWS@}: ${!n} reads AWS_… too).
      if (values.text.empty() || (may_name_secret(word.text) && !may_name_secret(values.text))) values.text = word.text;
      values.dynamic = values.dynamic || word.dynamic;
      merge_taints(values.taint, word.taint);
    } else if (field_is(child, "body")) {
      body = child.node;
      has_body = true;
    }
  }
  if (!variable.empty()) {
    add_via(values.taint, "variable");
    variables_[variable] = Variable{values, {}, {}};
  }
  if (!has_body) return {};
  return walk(body, in, depth + 1);
}

Stream Walker::run_substitution(TSNode node, const Stream& in, int depth) {
  std::string_view type = ts_node_type(node);
  auto parts = children_of(node);
  if (type == "command_substitution" && !parts.empty()) {
    // $(< file) is bash's cat of the file.
    for (const auto& part : parts)
      if (field_is(part, "redirect") && std::string_view(ts_node_type(part.node)) == "file_redirect") {
        for (const auto& inner : children_of(part.node))
          if (field_is(inner, "destination")) {
            Word path = eval_word(inner.node, true, false, depth + 1);
            Stream out;
            std::optional<std::string> literal;
            out.taint = read_path(path.text, &literal);
            out.literal = literal;
            return out;
          }
      }
  }
  context_.push_back(type == "process_substitution" ? "process_substitution" : "substitution");
  Stream out = walk_sequence(node, in, depth);
  context_.pop_back();
  return out;
}

Word Walker::eval_word(TSNode node, bool run_substitutions, bool in_quotes, int depth) {
  Word word;
  word.source = std::string(text_of(node));
  word.span = span_of(node);
  word.node = node;
  eval_part(node, word, run_substitutions, in_quotes, depth);
  return word;
}

std::vector<std::vector<TSNode>> Walker::glued_words(const std::vector<TSNode>& nodes) const {
  // Bash never ends a word without a blank or an operator, but tree-sitter-bash ends a bare word at a $
  // that follows an expansion and a literal ("$SRC/$NAME.txt" becomes "$SRC/$" and "NAME.txt"): nodes
  // with nothing between them are one word.
  std::vector<std::vector<TSNode>> words;
  for (TSNode node : nodes) {
    if (!words.empty() && ts_node_end_byte(words.back().back()) == ts_node_start_byte(node)) words.back().push_back(node);
    else words.push_back({node});
  }
  return words;
}

Word Walker::eval_glued_word(const std::vector<TSNode>& nodes, bool run_substitutions, int depth) {
  Word word = eval_word(nodes.front(), run_substitutions, false, depth);
  for (size_t i = 1; i < nodes.size(); ++i) {
    Word next = eval_word(nodes[i], run_substitutions, false, depth);
    std::string_view next_source = text_of(nodes[i]);
    size_t name_length = 0;
    while (name_length < next_source.size() &&
           (std::isalnum(static_cast<unsigned char>(next_source[name_length])) || next_source[name_length] == '_'))
      ++name_length;
    bool lone_dollar = !word.text.empty() && word.text.back() == '$' && name_length > 0 &&
                       !std::isdigit(static_cast<unsigned char>(next_source[0])) && next.text.size() >= name_length;
    if (lone_dollar) {
      // "$" and "NAME…": the variable NAME, expanded unquoted, then the rest as read.
      word.text.pop_back();
      std::string_view name = next_source.substr(0, name_length);
      if (!expand_ifs(name, false, word)) append_expansion(word, lookup_variable(name, "", "$" + std::string(name)), false);
      next.text.erase(0, name_length);
    }
    word.text += next.text;
    word.dynamic = word.dynamic || next.dynamic;
    word.obfuscated = word.obfuscated || next.obfuscated;
    word.has_substitution = word.has_substitution || next.has_substitution;
    word.resolved_variable = word.resolved_variable || next.resolved_variable;
    word.quoted = word.quoted || next.quoted;
    merge_taints(word.taint, next.taint);
    if (next.stream) word.stream = next.stream;
  }
  if (nodes.size() > 1) {
    uint32_t begin = ts_node_start_byte(nodes.front()), end = ts_node_end_byte(nodes.back());
    word.source = std::string(frame_.text.substr(begin, end - begin));
    if (!frame_.nested) word.span = Span{begin, end};
  }
  return word;
}

namespace {

// Inside a double-quoted string, tree-sitter-bash gives the blanks before an expansion to the
// expansion's node (`"$a $b"`: the second node is " $b"). Its text as written starts at its $ or `.
std::string_view without_leading_blanks(TSNode node, std::string_view text) {
  std::string_view type = ts_node_type(node);
  if (type == "string_content" || type == "word" || type == "heredoc_content") return text;
  size_t blanks = text.find_first_not_of(" \t\n");
  return blanks == std::string_view::npos ? text : text.substr(blanks);
}

std::string case_mapped(std::string text, bool upper, bool all) {
  for (size_t i = 0; i < text.size() && (all || i == 0); ++i)
    text[i] = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(text[i]))
                                      : std::tolower(static_cast<unsigned char>(text[i])));
  return text;
}

bool has_glob(std::string_view pattern) { return pattern.find_first_of("*?[\\$`") != std::string_view::npos; }

std::optional<long> small_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty() || text.size() > 6) return std::nullopt;
  size_t i = text[0] == '-' ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  for (size_t j = i; j < text.size(); ++j)
    if (!std::isdigit(static_cast<unsigned char>(text[j]))) return std::nullopt;
  return std::stol(std::string(text));
}

// ${v,,} ${v^^} ${v/a/b} ${v//a/b} ${v:1:3} ${v#a} ${v%a} on a known value, with literal patterns:
// the forms obfuscation uses to build a command name. Anything else stays unknown.
std::optional<std::string> apply_parameter_operator(const std::string& value, std::string_view raw,
                                                    std::string_view name, std::string_view index) {
  if (raw.size() < 4 || raw.substr(0, 2) != "${" || raw.back() != '}') return std::nullopt;
  std::string_view op = raw.substr(2, raw.size() - 3);
  if (op.substr(0, name.size()) != name) return std::nullopt;
  op.remove_prefix(name.size());
  if (!index.empty()) {
    if (op.empty() || op[0] != '[') return std::nullopt;
    size_t close = op.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    op.remove_prefix(close + 1);
  }
  if (op == ",,") return case_mapped(value, false, true);
  if (op == ",") return case_mapped(value, false, false);
  if (op == "^^") return case_mapped(value, true, true);
  if (op == "^") return case_mapped(value, true, false);
  if (!op.empty() && op[0] == '/') {
    op.remove_prefix(1);
    char mode = 0;
    if (!op.empty() && (op[0] == '/' || op[0] == '#' || op[0] == '%')) {
      mode = op[0];
      op.remove_prefix(1);
    }
    size_t slash = op.find('/');
    std::string_view pattern = op.substr(0, slash);
    std::string_view replacement = slash == std::string_view::npos ? std::string_view() : op.substr(slash + 1);
    if (pattern.empty() || has_glob(pattern) || has_glob(replacement)) return std::nullopt;
    std::string out = value;
    if (mode == '#') {
      if (out.rfind(pattern, 0) == 0) out.replace(0, pattern.size(), replacement);
    } else if (mode == '%') {
      if (out.size() >= pattern.size() && out.compare(out.size() - pattern.size(), pattern.size(), pattern) == 0)
        out.replace(out.size() - pattern.size(), pattern.size(), replacement);
    } else {
      for (size_t at = out.find(pattern); at != std::string::npos; at = out.find(pattern, at + replacement.size())) {
        out.replace(at, pattern.size(), replacement);
        if (mode != '/') break;
      }
    }
    return out;
  }
  if (!op.empty() && op[0] == ':' && (op.size() < 2 || std::string_view("-=?+").find(op[1]) == std::string_view::npos)) {
    op.remove_prefix(1);
    size_t colon = op.find(':');
    auto offset = small_number(op.substr(0, colon));
    if (!offset) return std::nullopt;
    long size = static_cast<long>(value.size());
    long start = *offset < 0 ? std::max(0L, size + *offset) : std::min(size, *offset);
    long length = size - start;
    if (colon != std::string_view::npos) {
      auto wanted = small_number(op.substr(colon + 1));
      if (!wanted) return std::nullopt;
      length = *wanted < 0 ? std::max(0L, size - start + *wanted) : std::min(length, *wanted);
    }
    return value.substr(static_cast<size_t>(start), static_cast<size_t>(length));
  }
  if (!op.empty() && (op[0] == '#' || op[0] == '%')) {
    bool prefix = op[0] == '#';
    op.remove_prefix(op.size() > 1 && op[1] == op[0] ? 2 : 1);
    if (op.empty() || has_glob(op)) return std::nullopt;
    std::string out = value;
    if (prefix && out.rfind(op, 0) == 0) out.erase(0, op.size());
    if (!prefix && out.size() >= op.size() && out.compare(out.size() - op.size(), op.size(), op) == 0)
      out.erase(out.size() - op.size());
    return out;
  }
  return std::nullopt;
}

}  // namespace

void Walker::eval_part(TSNode node, Word& word, bool run, bool in_quotes, int depth) {
  if (depth > limits_.max_tree_depth) {
    limit("syntax tree deeper than " + std::to_string(limits_.max_tree_depth));
    word.dynamic = true;
    return;
  }
  std::string_view type = ts_node_type(node);
  std::string_view raw = without_leading_blanks(node, text_of(node));
  if (type == "word" || type == "number" || type == "variable_name" || type == "special_variable_name") {
    if (raw.find('\\') != std::string_view::npos) {
      for (size_t i = 0; i + 1 < raw.size(); ++i)
        if (raw[i] == '\\' && std::isalnum(static_cast<unsigned char>(raw[i + 1]))) word.obfuscated = true;
      word.text += in_quotes ? std::string(raw) : unescape_bare(raw);
    } else {
      word.text += raw;
    }
    return;
  }
  if (type == "raw_string") {
    word.quoted = true;
    if (raw.size() >= 2) word.text += raw.substr(1, raw.size() - 2);
    return;
  }
  if (type == "ansi_c_string") {
    word.quoted = true;
    if (raw.size() >= 3) {
      std::string_view body = raw.substr(2, raw.size() - 3);
      if (body.find('\\') != std::string_view::npos) word.obfuscated = true;
      word.text += decode_ansi_c(body);
    }
    return;
  }
  if (type == "string" || type == "translated_string" || type == "heredoc_body") {
    if (type != "heredoc_body") word.quoted = true;
    uint32_t cursor = ts_node_start_byte(node) + (type == "heredoc_body" ? 0 : (type == "string" ? 1 : 2));
    uint32_t end = ts_node_end_byte(node) - (type == "heredoc_body" ? 0 : 1);
    for (const auto& child : children_of(node)) {
      if (!child.named) continue;
      std::string_view child_text = text_of(child.node);
      // The blanks before an expansion belong to the string, not to the expansion's node: "$a $b".
      uint32_t begin = ts_node_start_byte(child.node) +
                       static_cast<uint32_t>(child_text.size() - without_leading_blanks(child.node, child_text).size());
      if (begin > cursor && begin <= end) word.text += unescape_double_quoted(frame_.text.substr(cursor, begin - cursor));
      std::string_view child_type = ts_node_type(child.node);
      if (child_type == "string_content" || child_type == "heredoc_content")
        word.text += unescape_double_quoted(text_of(child.node));
      else
        eval_part(child.node, word, run, true, depth + 1);
      cursor = std::max(cursor, ts_node_end_byte(child.node));
    }
    if (end > cursor && end <= frame_.text.size()) word.text += unescape_double_quoted(frame_.text.substr(cursor, end - cursor));
    return;
  }
  if (type == "concatenation") {
    size_t literal_run = 0;
    bool split_literal = false;
    for (const auto& child : children_of(node)) {
      std::string_view child_type = ts_node_type(child.node);
      bool literal = child_type == "word" || child_type == "raw_string" || child_type == "ansi_c_string" ||
                     (child_type == "string" && ts_node_named_child_count(child.node) <= 1 &&
                      (ts_node_named_child_count(child.node) == 0 ||
                       std::string_view(ts_node_type(ts_node_named_child(child.node, 0))) == "string_content"));
      literal_run = literal ? literal_run + 1 : 0;
      if (literal_run >= 2 && child_type != "word") split_literal = true;
      if (literal_run >= 2 && child_type == "word") split_literal = split_literal || word.quoted;
      if (!child.named) {
        word.text += text_of(child.node);
        continue;
      }
      eval_part(child.node, word, run, in_quotes, depth + 1);
    }
    if (split_literal) word.obfuscated = true;
    return;
  }
  if (type == "simple_expansion" || type == "expansion") {
    std::string name;
    std::string index;
    TSNode fallback{};
    bool has_fallback = false;
    bool has_operator = false;
    bool default_operator = false;
    bool alternative_operator = false;  // ${v:+word}: word when v is set, never v's own value
    for (const auto& child : children_of(node)) {
      std::string_view child_type = ts_node_type(child.node);
      if (child_type == "variable_name" || child_type == "special_variable_name") {
        if (name.empty()) name = std::string(text_of(child.node));
      } else if (child_type == "subscript") {
        for (const auto& part : children_of(child.node)) {
          if (field_is(part, "name")) name = std::string(text_of(part.node));
          else if (field_is(part, "index")) index = std::string(text_of(part.node));
        }
      } else if (!child.named) {
        std::string_view token = child_type;
        if (token == ":-" || token == "-" || token == ":=" || token == "=") default_operator = true;
        else if (token == ":+" || token == "+") alternative_operator = true;
        else if (token == ":?" || token == "?") continue;  // ${v:?msg} is v, or the shell stops
        else if (token != "$" && token != "${" && token != "}") has_operator = true;
      } else if (name.empty() == false && !has_fallback) {
        fallback = child.node;
        has_fallback = true;
      }
    }
    if (expand_ifs(name, in_quotes, word)) return;
    Word value;
    // ${!name} and ${#name}: the prefix sign, the name, and nothing else.
    auto exactly = [&](char sign) {
      return index.empty() && raw.size() == name.size() + 4 && raw[0] == '$' && raw[1] == '{' && raw[2] == sign &&
             raw.back() == '}' && raw.substr(3, name.size()) == name;
    };
    bool indirect = exactly('!');
    if (indirect) {
      value = indirect_variable(name, raw);
    } else if (exactly('#')) {
      // The length of a value says nothing of its content.
      value = lookup_variable(name, index, raw);
      value.text = value.dynamic ? std::string(raw) : std::to_string(value.text.size());
      value.taint.clear();
      has_operator = false;
    } else {
      value = lookup_variable(name, index, raw);
    }
    if (alternative_operator && !has_operator) {
      Word alternative;
      if (has_fallback) eval_part(fallback, alternative, run, in_quotes, depth + 1);
      alternative.dynamic = alternative.dynamic || value.dynamic;
      value = alternative;
    } else if (value.dynamic && default_operator && has_fallback) {
      Word alternative;
      eval_part(fallback, alternative, run, in_quotes, depth + 1);
      merge_taints(alternative.taint, value.taint);
      value = alternative;
    } else if (has_operator && !indirect) {
      auto applied = value.dynamic ? std::nullopt : apply_parameter_operator(value.text, raw, name, index);
      if (applied) {
        value.text = std::move(*applied);
        value.resolved_variable = true;  // an operator turning a value into a command word hides it
      } else {
        value.text = std::string(raw);
        value.dynamic = true;
      }
    }
    append_expansion(word, std::move(value), in_quotes);
    return;
  }
  if (type == "command_substitution") {
    word.has_substitution = true;
    if (!run) {
      word.text += raw;
      word.dynamic = true;
      return;
    }
    if (ts_node_named_child_count(node) == 0) {
      // $() and `` expand to nothing: c$()url is curl.
      word.obfuscated = true;
      return;
    }
    Stream feed = pending_stdin_;
    pending_stdin_ = Stream{};
    Stream out = run_substitution(node, feed, depth + 1);
    add_via(out.taint, "substitution");
    merge_taints(word.taint, out.taint);
    if (out.literal && out.taint.empty() && !out.literal->empty() && spend_expansion(out.literal->size())) {
      std::string value = trim_newlines(*out.literal);
      word.text += in_quotes ? value : split_marks(value, field_separators());
      word.obfuscated = true;
    } else {
      word.text += raw;
      word.dynamic = true;
    }
    return;
  }
  if (type == "process_substitution") {
    word.has_substitution = true;
    word.text += raw;
    word.dynamic = true;
    if (!run) return;
    // >(cmd) receives what the command writes; tee writes its stdin there.
    Stream feed = raw.substr(0, 1) == ">" ? pending_stdin_ : Stream{};
    if (!feed.taint.empty()) add_via(feed.taint, "process_substitution");
    Stream out = run_substitution(node, feed, depth + 1);
    add_via(out.taint, "process_substitution");
    merge_taints(word.taint, out.taint);
    word.stream = out;
    return;
  }
  if (type == "arithmetic_expansion") {
    word.text += raw;
    word.dynamic = true;
    // $(( $(cmd) )) still runs cmd.
    if (run)
      for (const auto& child : children_of(node))
        if (child.named) walk_generic(child.node, Stream{}, depth + 1);
    return;
  }
  word.text += raw;
}

bool Walker::expand_ifs(std::string_view name, bool in_quotes, Word& word) const {
  if (name != "IFS") return false;
  if (in_quotes) {
    word.text += ' ';
  } else {
    word.text += '\x1f';
    word.obfuscated = true;
  }
  return true;
}

void Walker::append_expansion(Word& word, Word value, bool in_quotes) {
  // A value taken from a variable hides what the command word is; an argument passed to a function
  // ("$@" in a retry wrapper) was written at the call, and hides only what its own word hid there.
  if (value.resolved_variable)
    word.resolved_variable = true, word.obfuscated = word.obfuscated || !value.positional || value.obfuscated;
  if (!spend_expansion(value.text.size())) {
    word.dynamic = true;
    return;
  }
  word.text += in_quotes || !value.resolved_variable ? value.text : split_marks(value.text, field_separators());
  word.dynamic = word.dynamic || value.dynamic;
  merge_taints(word.taint, value.taint);
}

Word Walker::lookup_variable(std::string_view name, std::string_view index, std::string_view source) {
  Word value;
  if (name == "HOME") {
    value.text = "$HOME";
    return value;
  }
  auto found = variables_.find(name);
  // $PWD is the directory the script is in: a literal cd's target, or the project ("$PWD", which
  // find_file reads as relative), not a value nobody knows.
  if (name == "PWD" && found == variables_.end()) {
    value.text = working_directory_.empty() ? "$PWD" : working_directory_;
    return value;
  }
  if (found != variables_.end()) {
    const Variable& variable = found->second;
    auto keyed = std::find(variable.keys.begin(), variable.keys.end(), index);
    if (!index.empty() && index != "@" && index != "*" && keyed != variable.keys.end() &&
        static_cast<size_t>(keyed - variable.keys.begin()) < variable.elements.size()) {
      value = variable.elements[static_cast<size_t>(keyed - variable.keys.begin())];
    } else if (index == "*" && !variable.elements.empty()) {
      // "${a[*]}" joins the elements with the first character of IFS (none when IFS is empty).
      std::string separators = field_separators();
      value = variable.value;
      value.text.clear();
      for (const auto& element : variable.elements)
        value.text += (value.text.empty() || separators.empty() ? "" : std::string(1, separators[0])) + element.text;
    } else if (!index.empty() && index != "@" && index != "*") {
      size_t position = static_cast<size_t>(std::atoi(std::string(index).c_str()));
      if (position < variable.elements.size()) value = variable.elements[position];
      else value = variable.value;
    } else if ((index == "@" || (index.empty() && name == "@")) && !variable.elements.empty()) {
      // "${a[@]}" is one word per element, quoted or not: a=(curl -s) runs curl with -s.
      value = variable.value;
      value.text.clear();
      for (const auto& element : variable.elements) {
        value.text += (value.text.empty() ? "" : "\x1f") + element.text;
        value.obfuscated = value.obfuscated || element.obfuscated;
      }
    } else if (index.empty() && !variable.elements.empty()) {
      value = variable.elements.front();  // $a of an array is its first element
      merge_taints(value.taint, variable.value.taint);
    } else {
      value = variable.value;
    }
    value.resolved_variable = true;
    value.positional = name == "@" || name == "*" ||
                       (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }));
    add_via(value.taint, "variable");
    return value;
  }
  value.text = std::string(source);
  value.dynamic = true;
  if (is_secret_variable(name)) value.taint.push_back(Taint{"secret_var", "$" + std::string(name), {}, {}, false});
  return value;
}

// ${!name}: the variable whose name is name's value (n=GITHUB_TOKEN; echo "${!n}").
Word Walker::indirect_variable(std::string_view name, std::string_view source) {
  Word pointer = lookup_variable(name, "", source);
  bool identifier = !pointer.text.empty() && !std::isdigit(static_cast<unsigned char>(pointer.text[0])) &&
                    std::all_of(pointer.text.begin(), pointer.text.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                    });
  if (pointer.dynamic || !identifier) {
    // A name known only at run time (a loop over ${!AWS@}, a read, an argument) may be any variable's:
    // what it reads is treated as a secret's value, as a secret-named variable would be.
    // ${!#} is the last argument, and a number names a positional parameter: neither is the environment.
    // A loop over ${!LC_@} names only locale settings.
    bool names_variable = pointer.dynamic && name != "#" && may_name_secret(pointer.text);
    pointer.text = std::string(source);
    pointer.dynamic = true;
    if (names_variable) pointer.taint.push_back(Taint{"secret_var", std::string(source) + " (a variable named at run time)", {}, {}, false});
    return pointer;
  }
  Word value = lookup_variable(pointer.text, "", "${" + pointer.text + "}");
  merge_taints(value.taint, pointer.taint);
  value.resolved_variable = true;
  return value;
}

std::vector<Word> Walker::split_fields(Word word) const {
  std::vector<Word> out;
  if (word.text.find('\x1f') != std::string::npos) {
    std::string text = word.text;
    size_t start = 0;
    while (start <= text.size()) {
      size_t next = text.find('\x1f', start);
      std::string field = text.substr(start, next == std::string::npos ? std::string::npos : next - start);
      if (!field.empty()) {
        Word part = word;
        // Only fields that still hold unresolved text are dynamic ("curl${IFS}$(env)": curl is not).
        part.dynamic = word.dynamic && field.find_first_of("$`") != std::string::npos;
        part.text = field;
        out.push_back(std::move(part));
      }
      if (next == std::string::npos) break;
      start = next + 1;
    }
    return out;
  }
  if (!word.quoted && word.text.find('{') != std::string::npos) {
    if (auto expanded = expand_braces(word.text)) {
      for (auto& text : *expanded) {
        Word part = word;
        part.text = std::move(text);
        part.obfuscated = true;
        out.push_back(std::move(part));
      }
      return out;
    }
  }
  out.push_back(std::move(word));
  return out;
}

std::string Walker::field_separators() const {
  // IFS=, (or IFS=$'\n') assigned a literal earlier changes how every unquoted expansion splits.
  auto ifs = variables_.find("IFS");
  if (ifs == variables_.end() || ifs->second.value.dynamic) return " \t\n";
  return ifs->second.value.text;
}

bool Walker::spend_expansion(size_t bytes) {
  // Expansions can grow exponentially (x=$x$x); past a budget the text is unknown and the facts incomplete.
  const size_t budget = std::max<size_t>(limits_.max_script_bytes, 1024) * 16;
  expanded_bytes_ += bytes;
  if (expanded_bytes_ <= budget) return true;
  limit("expansions larger than " + std::to_string(budget) + " bytes");
  stopped_ = true;
  return false;
}

std::string Walker::script_text(const Word& word, int depth) {
  // The outer shell runs substitutions before eval / bash -c see the string: when that output is
  // known (a decoded payload), the string to analyse is the output.
  if (!word.has_substitution || ts_node_is_null(word.node)) return word.text;
  Word realised = eval_word(word.node, true, false, depth + 1);
  return realised.dynamic ? word.text : realised.text;
}

Stream Walker::analyse_nested(const std::string& text, const Stream& in, std::string_view context, Span span,
                              std::string_view exec_sink, int depth) {
  if (stopped_ || text.empty()) return {};
  if (frame_.nesting + 1 > limits_.max_nesting) {
    limit("nested scripts deeper than " + std::to_string(limits_.max_nesting));
    return {};
  }
  if (text.size() > limits_.max_script_bytes) {
    limit("nested script larger than " + std::to_string(limits_.max_script_bytes) + " bytes");
    return {};
  }
  texts_.push_back(text);
  spread_command_braces(texts_.back());
  TSTree* tree = parse(texts_.back());
  if (!tree) return {};
  Frame saved = frame_;
  frame_.text = texts_.back();
  frame_.anchor = saved.nested ? saved.anchor : span;
  frame_.nested = true;
  frame_.exec_sink = std::string(exec_sink);
  frame_.nesting = saved.nesting + 1;
  // Strings pulled out of interpreter code or written into files are best-effort reads: that one
  // does not parse as shell says nothing about what runs now.
  frame_.tolerant = saved.tolerant || context == "interpreter" || context == "awk_system" || context == "persist" ||
                   context == "ambient";
  context_.push_back(std::string(context));
  TSNode root = ts_tree_root_node(tree);
  if (ts_node_has_error(root) && !frame_.tolerant) check_errors(root);
  Stream out;
  for (const Statement& statement : top_level_statements(root)) {
    merge_stream(out, walk_statement(statement, in, depth + 2, [&](const Stage& stage, const Stream& stage_in, int at) {
      return walk_stage(stage, stage_in, at);
    }));
    if (stopped_) break;
  }
  context_.pop_back();
  frame_ = saved;
  return out;
}

}  // namespace toolwall::shell
