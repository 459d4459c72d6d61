#include "engine/engine.h"

#include <algorithm>
#include <exception>
#include <sstream>

#include "analysis/code/analyzer.h"
#include "analysis/shell/rewrite.h"
#include "analysis/shell/shell_analyzer.h"
#include "engine/earlier_calls.h"
#include "engine/earlier_files.h"
#include "engine/earlier_programs.h"
#include "engine/nested_calls.h"

namespace toolwall::engine {

namespace {

Facts incomplete(std::string reason) {
  Facts facts;
  facts.complete = false;
  facts.incomplete_reason = std::move(reason);
  return facts;
}

bool blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';'; });
}

size_t argument_bytes(const ResolvedCall& call) {
  size_t total = call.command.size() + call.content.size() + call.diff.size() + call.path.size();
  for (const auto& e : call.edits) total += e.old_text.size() + e.new_text.size();
  return total;
}

bool overlapping(const std::vector<Span>& spans) {
  for (size_t i = 1; i < spans.size(); ++i)
    if (spans[i].begin < spans[i - 1].end) return true;
  return false;
}

// Facts read from a written file or from inline code carry offsets in that code, not in the script:
// no statement of the command a rewrite could drop.
Facts without_spans(Facts facts) {
  for (auto& c : facts.commands) c.span = c.statement = Span{};
  for (auto& f : facts.flows) f.span = f.statement = Span{};
  for (auto& m : facts.markers) m.span = m.statement = Span{};
  return facts;
}

}  // namespace

Engine::Engine(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const Profiles> profiles,
               std::shared_ptr<const code::Analyzer> code)
    : policy_(std::move(policy)), profiles_(std::move(profiles)), code_(std::move(code)) {}

Expected<std::shared_ptr<const Engine>, Diagnostics> Engine::load(const EngineOptions& options) {
  Diagnostics diagnostics;
  std::vector<std::string> layers{options.policy_path};
  layers.insert(layers.end(), options.policy_layers.begin(), options.policy_layers.end());
  auto policy = policy::Policy::load_layers(layers);
  if (!policy) diagnostics = policy.error();
  auto profiles = Profiles::load_file(options.profiles_path);
  if (!profiles) diagnostics.insert(diagnostics.end(), profiles.error().begin(), profiles.error().end());
  std::shared_ptr<const code::Analyzer> code;
  if (policy && !(*policy)->code_detector_paths().empty()) {
    auto analyzer = code::Analyzer::load((*policy)->code_detector_paths());
    if (analyzer)
      code = *analyzer;
    else
      diagnostics.insert(diagnostics.end(), analyzer.error().begin(), analyzer.error().end());
  } else if (policy) {
    // No detector packs named: file calls are still reconstructed and their embedded commands analysed.
    auto analyzer = code::Analyzer::load({});
    if (analyzer) code = *analyzer;
  }
  if (!diagnostics.empty()) return unexpected(std::move(diagnostics));
  return std::make_shared<const Engine>(*policy, *profiles, std::move(code));
}

Verdict Engine::fail(Verdict verdict, std::string why) const {
  verdict.action = strictest(verdict.action, policy_->fail_mode());
  if (verdict.error.empty()) verdict.error = std::move(why);
  return verdict;
}

Facts Engine::analyse(const ResolvedCall& call, const std::vector<shell::EarlierStep>& earlier) const {
  const auto& limits = policy_->limits();
  if (argument_bytes(call) > limits.max_argument_bytes)
    return incomplete("arguments larger than the policy's max_argument_bytes (" +
                      std::to_string(limits.max_argument_bytes) + ")");
  switch (call.kind) {
    case ToolKind::shell: {
      shell::Limits shell_limits;
      shell_limits.max_script_bytes = limits.max_argument_bytes;
      shell_limits.max_nesting = static_cast<int>(std::min<size_t>(limits.max_nesting, 64));
      Facts facts = shell::analyze(call.command, earlier, shell_limits);
      compose_written_files(facts);
      compose_inline_code(facts);
      return facts;
    }
    case ToolKind::file_write:
    case ToolKind::file_edit:
    case ToolKind::patch: {
      if (!code_) return incomplete("code analysis is not available");
      Facts facts = analyze_file_call(call);
      compose_inline_code(facts);  // node -e in a postinstall, python -c in a workflow step
      return facts;
    }
    case ToolKind::other:
      return Facts{};
  }
  return Facts{};
}

Facts Engine::analyze_file_call(const ResolvedCall& call) const {
  switch (call.shape) {
    case FileShape::write:
      return code_->analyze_write(call.path, call.content);
    case FileShape::edit:
      return code_->analyze_edit(call.path, call.edits[0].old_text, call.edits[0].new_text);
    case FileShape::multi_edit:
      return code_->analyze_files(files_written_by(call));
    case FileShape::search_replace:
      return code_->analyze_search_replace(call.path, call.diff);
    case FileShape::patch:
      return code_->analyze_patch(call.diff);
    case FileShape::none:
      return incomplete("a file call whose change could not be read");
  }
  return incomplete("unknown file call shape");
}

void Engine::compose_written_files(Facts& facts) const {
  // A shell command that writes literal content into a file is judged like the same Write call: the
  // shell analyser only records the write, code analysis reads the file, and both fact sets meet here.
  if (facts.files.empty() || !code_) return;
  Facts written = code_->analyze_files(facts.files);
  written.files.clear();
  facts.merge(without_spans(std::move(written)));
}

void Engine::compose_inline_code(Facts& facts) const {
  // Code run from the command line (python -c, node -e, a here-doc) is followed like a file's, and only
  // its data flows are taken: the shell analyser's reading of it already stands for the rest.
  if (facts.inline_code.empty() || !code_) return;
  // Where the token reading already sees secrets leave or a download run, it has judged the one-liner;
  // following its code would only say so again.
  bool judged = std::any_of(facts.flows.begin(), facts.flows.end(), [](const Flow& f) {
    bool secret = f.from == "env_dump" || f.from == "secret_var" || f.from == "credential_file" || f.from == "credential_helper";
    return (secret && (f.to == "network" || f.to == "dns")) || (f.from == "network" && f.to == "exec");
  });
  if (judged) {
    facts.inline_code.clear();
    return;
  }
  Facts read = code_->follow_inline_code(facts.inline_code);
  facts.inline_code.clear();
  facts.merge(without_spans(std::move(read)));
}

bool Engine::follow_with_earlier_files(const ToolCall& call, ToolKind kind, Facts& facts) const {
  // A file call, or a script that writes code out (a here-document), is read with the files earlier
  // calls wrote (engine/earlier_files.h).
  bool writes_code = writes_files(kind) || (kind == ToolKind::shell && !facts.files.empty());
  if (!writes_code || !code_ || !facts.complete) return false;
  auto written = files_written_earlier(*profiles_, call, left_behind_.get());
  if (written.empty()) return false;
  Facts run = run_with_earlier_files(facts.commands, written);
  if (kind != ToolKind::shell) {
    code_->follow_with_earlier_files(facts.files, written, facts);
    facts.merge(std::move(run));
    return true;
  }
  facts.merge(without_spans(std::move(run)));
  // A script's written files hold offsets in their text, not in the command (as compose_written_files).
  Facts found;
  found.markers = facts.markers;  // what is already known is not added again
  size_t known = found.markers.size();
  code_->follow_with_earlier_files(facts.files, written, found);
  found.markers.erase(found.markers.begin(), found.markers.begin() + static_cast<std::ptrdiff_t>(known));
  facts.merge(without_spans(std::move(found)));
  return true;
}

Trace Engine::run(const ToolCall& call, int depth) const {
  Trace trace;
  Verdict& verdict = trace.verdict;
  if (!call.arguments_valid) {
    // The tool name still tells which profile and kind the call would have had.
    ToolCall shape_only;
    shape_only.agent = call.agent;
    shape_only.tool = call.tool;
    trace.call = profiles_->resolve(shape_only);
    verdict.profile = trace.call.profile;
    verdict.kind = trace.call.kind;
    verdict = fail(std::move(verdict), "invalid arguments: " + call.arguments_error);
    return trace;
  }
  trace.call = profiles_->resolve(call);
  verdict.profile = trace.call.profile;
  verdict.kind = trace.call.kind;
  if (!trace.call.error.empty()) {
    verdict = fail(std::move(verdict), "invalid arguments: " + trace.call.error);
    return trace;
  }
  if (trace.call.kind == ToolKind::shell)
    trace.earlier = earlier_steps(*profiles_, call, trace.call.command, {}, left_behind_.get());
  trace.facts = analyse(trace.call, trace.earlier);
  if (!trace.earlier.empty()) verdict.repeatable = false;  // the call's verdict in this conversation only
  if (follow_with_earlier_files(call, trace.call.kind, trace.facts)) verdict.repeatable = false;
  trace.evaluation = policy_->evaluate(policy::Subject{trace.call.kind, call.tool, call.agent, trace.facts});
  const auto& evaluation = trace.evaluation;
  verdict.action = evaluation.action;
  verdict.rules = evaluation.rules;
  verdict.findings = evaluation.findings;
  std::string field =
      trace.call.kind == ToolKind::shell ? trace.call.command_field : trace.call.content_field;
  for (auto& f : verdict.findings) f.field = field;
  if (!trace.call.nested_calls.empty()) judge_nested_calls(call, trace, depth);
  if (!trace.facts.complete) {
    // Analysis could not see everything: the fail mode decides, unless a rule already asks for more.
    std::string why = "analysis incomplete: " + trace.facts.incomplete_reason;
    verdict = fail(std::move(verdict), why);
    verdict.repeatable = false;
    if (verdict.action == Action::rewrite) verdict.action = Action::block;
    return trace;
  }
  if (verdict.action == Action::rewrite) rewrite(call, trace);
  if (verdict.action != Action::allow)
    for (const auto& step : trace.earlier)
      if (verdict.earlier_calls.empty() || verdict.earlier_calls.back() != step.call_id)
        verdict.earlier_calls.push_back(step.call_id);
  return trace;
}

void Engine::judge_nested_calls(const ToolCall& call, Trace& trace, int depth) const {
  Verdict& verdict = trace.verdict;
  if (depth > 0) {
    trace.facts.complete = false;
    trace.facts.incomplete_reason = "code that runs tools is itself run by such code";
    return;
  }
  NestedCalls nested = nested_javascript_calls(trace.call.content, call.agent);
  if (!nested.error.empty()) {
    trace.facts.complete = false;
    trace.facts.incomplete_reason = nested.error;
    return;
  }
  for (const auto& each : nested.calls) {
    Trace inner = run(each.call, depth + 1);
    Verdict& judged = inner.verdict;
    // Code cannot be rewritten call by call: whatever the inner call needs, the whole code gets.
    Action action = judged.action == Action::rewrite ? Action::block : judged.action;
    verdict.action = strictest(verdict.action, action);
    for (const auto& rule : judged.rules)
      if (std::find(verdict.rules.begin(), verdict.rules.end(), rule) == verdict.rules.end()) verdict.rules.push_back(rule);
    for (auto finding : judged.findings) {
      finding.message = "tools." + each.call.tool + ": " + finding.message;
      if (finding.action == Action::rewrite) finding.action = Action::block;
      finding.span = each.span;
      verdict.findings.push_back(std::move(finding));
    }
    if (!judged.error.empty() && verdict.error.empty()) verdict.error = "tools." + each.call.tool + ": " + judged.error;
    if (!judged.repeatable) verdict.repeatable = false;
  }
}

void Engine::rewrite(const ToolCall& call, Trace& trace) const {
  Verdict& verdict = trace.verdict;
  const auto& evaluation = trace.evaluation;
  auto give_up = [&](const std::string& why) {
    verdict.action = Action::block;
    verdict.arguments.reset();
    verdict.error = "rewrite not possible: " + why;
  };
  if (trace.call.kind != ToolKind::shell)
    return give_up("the finding is in written content, which is blocked, not edited");
  if (!evaluation.rewrite_problem.empty()) return give_up(evaluation.rewrite_problem);
  if (evaluation.drop_statements.empty()) return give_up("no statement to drop");
  if (overlapping(evaluation.drop_statements))
    return give_up("two rewrites ask to drop overlapping statements");
  auto rewritten = shell::drop_statements(trace.call.command, evaluation.drop_statements);
  if (!rewritten || blank(*rewritten)) return give_up("nothing safe would remain");
  trace.rewritten_command = *rewritten;

  // The rewritten call must stand on its own: analysed again, it may not need another rewrite or block.
  ResolvedCall again = trace.call;
  again.command = *rewritten;
  trace.rewritten_facts = analyse(again, trace.earlier);
  if (!trace.rewritten_facts.complete) {
    verdict.repeatable = false;
    return give_up("the rewritten command could not be analysed");
  }
  auto second = policy_->evaluate(policy::Subject{again.kind, call.tool, call.agent, trace.rewritten_facts});
  if (second.action >= Action::rewrite)
    return give_up("the rewritten command still matches " + second.rules.front());

  nlohmann::json arguments = call.arguments;
  nlohmann::json value;
  if (!trace.call.command_is_argv) {
    value = *rewritten;
  } else if (trace.call.argv_script_index != SIZE_MAX) {
    auto argv = trace.call.argv;
    argv[trace.call.argv_script_index] = *rewritten;
    value = argv;
  } else {
    value = std::vector<std::string>{"bash", "-c", *rewritten};
  }
  if (!set_field(arguments, trace.call.command_field, std::move(value)))
    return give_up("the command field could not be written back");
  verdict.arguments = std::move(arguments);
}

Trace Engine::trace(const ToolCall& call) const {
  try {
    return run(call);
  } catch (const std::exception& e) {
    Trace trace;
    trace.verdict = fail(Verdict{}, std::string("internal error: ") + e.what());
    trace.verdict.repeatable = false;
    return trace;
  } catch (...) {
    Trace trace;
    trace.verdict = fail(Verdict{}, "internal error");
    trace.verdict.repeatable = false;
    return trace;
  }
}

Verdict Engine::judge(const ToolCall& call) const {
  return trace(call).verdict;
}

std::vector<shell::EarlierStep> Engine::earlier_steps_for(const ToolCall& call) const {
  if (!call.earlier || call.earlier->empty() || !call.arguments_valid) return {};
  ResolvedCall resolved = profiles_->resolve(call);
  if (resolved.kind != ToolKind::shell || !resolved.error.empty()) return {};
  return earlier_steps(*profiles_, call, resolved.command, {}, left_behind_.get());
}

bool Engine::depends_on_earlier_calls(const ToolCall& call) const {
  if (!call.earlier || call.earlier->empty() || !call.arguments_valid) return false;
  ResolvedCall resolved = profiles_->resolve(call);
  if (writes_files(resolved.kind)) return !files_written_earlier(*profiles_, call, left_behind_.get()).empty();
  if (!earlier_steps_for(call).empty()) return true;
  // A script that writes code out is read with the files earlier calls wrote.
  return resolved.kind == ToolKind::shell && resolved.error.empty() && left_behind_ &&
         !left_behind_->of(resolved.command)->written.empty() &&
         !files_written_earlier(*profiles_, call, left_behind_.get()).empty();
}

namespace {

std::string joined(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : std::string(separator)) + item;
  return out.empty() ? std::string("-") : out;
}

std::string span_text(const Span& span, std::string_view text) {
  if (span.empty() || span.end > text.size()) return "";
  std::string out(text.substr(span.begin, std::min<size_t>(span.end - span.begin, 100)));
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

std::string where(const Location& location) {
  if (location.path.empty()) return "";
  std::string out =
      " at " + location.path + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
  if (!location.origin.empty()) out += " (" + location.origin + ")";
  return out;
}

void describe_facts(std::ostringstream& out, const Facts& facts, std::string_view text) {
  out << "commands:\n";
  if (facts.commands.empty()) out << "  (none)\n";
  for (const auto& c : facts.commands) {
    out << "  " << joined(c.argv, " ") << "\n      context: " << joined(c.context)
        << "; wrappers: " << joined(c.wrappers);
    if (c.dynamic_name) out << "; name is dynamic";
    out << where(c.location) << "\n";
  }
  out << "flows:\n";
  if (facts.flows.empty()) out << "  (none)\n";
  for (const auto& f : facts.flows) {
    out << "  " << f.from << " -> " << f.to << " via " << joined(f.via) << ": " << f.source << " -> "
        << f.sink;
    if (!f.host.empty()) out << " (host " << f.host << ")";
    out << where(f.location);
    if (auto s = span_text(f.span, text); !s.empty() && f.location.path.empty()) out << "\n      at: " << s;
    out << "\n";
  }
  out << "markers:\n";
  if (facts.markers.empty()) out << "  (none)\n";
  for (const auto& m : facts.markers) out << "  " << m.name << ": " << m.detail << where(m.location) << "\n";
  out << "hosts: " << joined(facts.hosts) << "\n";
  if (!facts.files.empty()) {
    out << "files:\n";
    for (const auto& f : facts.files)
      out << "  " << f.path << (f.whole_file ? " (whole file, " : " (edit, ") << f.new_text.size()
          << " bytes)" << (f.deleted ? " deleted" : "") << "\n";
  }
  if (!facts.code.empty()) {
    out << "code matches:\n";
    for (const auto& m : facts.code) {
      std::string node = m.node_text.substr(0, 160);
      std::replace(node.begin(), node.end(), '\n', ' ');
      out << "  " << m.detector << " (" << m.severity << ", " << m.language << ")" << where(m.location)
          << "\n      " << m.message << "\n      node: " << node << "\n";
    }
  }
  out << "complete: " << (facts.complete ? "yes" : "no — " + facts.incomplete_reason) << "\n";
}

}  // namespace

std::string Engine::explain(const ToolCall& call) const {
  Trace t = trace(call);
  std::ostringstream out;
  out << "tool call: agent " << (call.agent.empty() ? "(unknown)" : call.agent) << ", tool " << call.tool
      << "\n";
  out << "profile: " << t.call.profile << ", kind " << to_string(t.call.kind) << "\n";
  if (t.call.kind == ToolKind::shell) {
    out << "command (from '" << t.call.command_field << "'" << (t.call.command_is_argv ? ", argv" : "")
        << "):\n  " << t.call.command << "\n";
    if (!t.earlier.empty()) {
      out << "earlier calls replayed first (" << t.earlier.size() << "):\n";
      for (const auto& step : t.earlier) {
        std::string shown = step.script.empty() ? "wrote " + step.path : step.script.substr(0, 100);
        std::replace(shown.begin(), shown.end(), '\n', ' ');
        out << "  " << shown << "\n";
      }
    }
  } else if (!t.call.path.empty()) {
    out << "file: " << t.call.path << "\n";
  }
  describe_facts(out, t.facts, t.call.command);
  out << "rules matched:\n";
  if (t.evaluation.findings.empty()) out << "  (none)\n";
  for (const auto& f : t.evaluation.findings) {
    out << "  " << f.rule << " [" << to_string(f.action) << ", " << f.severity << "]: " << f.message;
    if (!f.location.path.empty()) out << where(f.location);
    out << "\n";
  }
  if (!t.rewritten_command.empty()) out << "rewritten command:\n  " << t.rewritten_command << "\n";
  out << "verdict: " << to_string(t.verdict.action);
  if (!t.verdict.error.empty()) out << " (" << t.verdict.error << ")";
  out << "\n";
  if (t.verdict.arguments) out << "new arguments: " << t.verdict.arguments->dump() << "\n";
  return out.str();
}

ToolCall example_call(const nlohmann::json& example) {
  if (example.is_string()) {
    nlohmann::json arguments{{"command", example.get<std::string>()}};
    return ToolCall::from_json("example", "generic", "bash", arguments);
  }
  std::string agent = example.value("agent", std::string());
  std::string tool = example.value("tool", std::string());
  nlohmann::json arguments = example.contains("arguments") ? example["arguments"] : nlohmann::json::object();
  return ToolCall::from_json("example", std::move(agent), std::move(tool), arguments);
}

Diagnostics Engine::check_examples() const {
  Diagnostics problems;
  for (const auto& example : policy_->examples()) {
    ToolCall call = example_call(example.call);
    Trace t = trace(call);
    const auto& fired = t.evaluation.rules;
    bool did_fire = std::find(fired.begin(), fired.end(), example.rule) != fired.end();
    if (did_fire == example.must_match) continue;
    Diagnostic d = example.at;
    std::string shown = example.call.is_string() ? example.call.get<std::string>() : example.call.dump();
    if (shown.size() > 120) shown = shown.substr(0, 120) + "…";
    d.message =
        "rule '" + example.rule + "' " +
        (example.must_match ? "does not fire on its match example" : "fires on its no_match example") + " `" +
        shown + "` (verdict " + std::string(to_string(t.verdict.action)) + ", rules: " + joined(fired) +
        (t.verdict.error.empty() ? "" : ", " + t.verdict.error) + "); fix the rule or the example";
    problems.push_back(std::move(d));
  }
  return problems;
}

}  // namespace toolwall::engine
