#include "policy/policy.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "policy/collector.h"
#include "policy/compiler.h"

namespace toolwall::policy {

struct Policy::Impl {
  CompiledPolicy compiled;
};

Policy::Policy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Policy::~Policy() = default;

Expected<std::shared_ptr<const Policy>, Diagnostics> Policy::load_text(std::string_view yaml,
                                                                       std::string name) {
  Diagnostics diagnostics;
  Collection collection = collect(yaml, name, diagnostics);
  CompiledPolicy compiled = compile(collection, name, diagnostics);
  if (!diagnostics.empty()) return unexpected(std::move(diagnostics));
  auto impl = std::make_unique<Impl>();
  impl->compiled = std::move(compiled);
  return std::shared_ptr<const Policy>(new Policy(std::move(impl)));
}

Expected<std::shared_ptr<const Policy>, Diagnostics> Policy::load_layers(
    const std::vector<std::string>& paths) {
  std::vector<LayerSource> layers;
  Diagnostics diagnostics;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diagnostics.push_back(
          {path, 0, 0, "cannot read the policy file; check the path (or pass --policy FILE)"});
      continue;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    layers.push_back({buffer.str(), path});
  }
  if (!diagnostics.empty()) return unexpected(std::move(diagnostics));
  Collection collection = collect_layers(layers, diagnostics);
  CompiledPolicy compiled = compile(collection, paths.empty() ? std::string() : paths.front(), diagnostics);
  if (!diagnostics.empty()) return unexpected(std::move(diagnostics));
  auto impl = std::make_unique<Impl>();
  impl->compiled = std::move(compiled);
  return std::shared_ptr<const Policy>(new Policy(std::move(impl)));
}

Expected<std::shared_ptr<const Policy>, Diagnostics> Policy::load_file(const std::string& path) {
  return load_layers({path});
}

namespace {

bool applies(const CompiledRule& rule, const Subject& subject) {
  if (!rule.kinds.empty() &&
      std::find(rule.kinds.begin(), rule.kinds.end(), subject.kind) == rule.kinds.end())
    return false;
  if (!rule.tools.empty() && !rule.tools.matches(subject.tool)) return false;
  if (!rule.agents.empty() && !rule.agents.matches(subject.agent)) return false;
  return true;
}

bool suppressed(const CompiledRule& rule, const Allowlist& allow, const Bound& bound,
                const EvalContext& context) {
  EvalContext in_match{context.facts, &bound, context.hosts};
  std::vector<Bound> ignored;
  if (rule.unless && rule.unless->evaluate(in_match, ignored)) return true;
  for (const Condition* exception : rule.exceptions) {
    ignored.clear();
    if (exception->evaluate(in_match, ignored)) return true;
  }
  return rule.allowlistable && allow.suppresses(bound, context);
}

constexpr size_t kMaxMatchesPerRule = 512;

Finding finding_for(const CompiledRule& rule, const Bound& bound, const EvalContext& context) {
  Finding finding;
  finding.rule = rule.info.id;
  finding.message = rule.message.render(bound, context, rule.info.id, rule.info.severity);
  finding.action = rule.info.action;
  finding.severity = rule.info.severity;
  finding.span = bound.span();
  if (const Location* location = bound.location()) finding.location = *location;
  if (bound.file && finding.location.path.empty()) finding.location.path = bound.file->path;
  return finding;
}

}  // namespace

Evaluation Policy::evaluate(const Subject& subject) const {
  const CompiledPolicy& policy = impl_->compiled;
  const Facts& facts = subject.facts;
  Evaluation result;
  HostIndex hosts(facts);
  EvalContext context{facts, nullptr, &hosts};
  std::vector<Bound> matches;
  std::set<std::array<const void*, 5>> seen;
  for (const auto& rule : policy.rules) {
    if (!applies(rule, subject)) continue;
    matches.clear();
    if (!rule.match->evaluate(context, matches)) continue;
    if (matches.empty()) matches.push_back(Bound{});  // a call-level match (incomplete, not: …)
    bool fired = false;
    // Hostile input can yield thousands of matches; past the cap the rule fires without looking
    // further (suppressions cannot be trusted to cover what was not checked), and a rewrite blocks.
    size_t checked = std::min(matches.size(), kMaxMatchesPerRule);
    if (matches.size() > kMaxMatchesPerRule) {
      fired = true;
      if (rule.info.action == Action::rewrite)
        result.rewrite_problem = "rule " + rule.info.id + " matched too often";
    }
    seen.clear();
    for (size_t i = 0; i < checked; ++i) {
      const Bound& bound = matches[i];
      if (!seen.insert(bound.key()).second || suppressed(rule, policy.allow, bound, context)) continue;
      fired = true;
      if (result.findings.size() < policy.limits.max_findings)
        result.findings.push_back(finding_for(rule, bound, context));
      if (rule.info.action == Action::rewrite) {
        const Location* location = bound.location();
        Span statement = bound.statement();
        if (statement.empty() || (location && !location->path.empty()))
          result.rewrite_problem =
              "rule " + rule.info.id + " matched something that is not a droppable shell statement";
        else
          result.drop_statements.push_back(statement);
      }
    }
    if (!fired) continue;
    result.rules.push_back(rule.info.id);
    result.action = strictest(result.action, rule.info.action);
  }
  std::sort(result.drop_statements.begin(), result.drop_statements.end(), [](const Span& a, const Span& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  result.drop_statements.erase(
      std::unique(result.drop_statements.begin(), result.drop_statements.end(),
                  [](const Span& a, const Span& b) { return a.begin == b.begin && a.end == b.end; }),
      result.drop_statements.end());
  return result;
}

Action Policy::fail_mode() const {
  return impl_->compiled.fail_mode;
}
const Limits& Policy::limits() const {
  return impl_->compiled.limits;
}
const std::vector<std::string>& Policy::code_detector_paths() const {
  return impl_->compiled.code_detector_paths;
}
const std::vector<RuleExample>& Policy::examples() const {
  return impl_->compiled.examples;
}
const std::vector<RuleInfo>& Policy::rules() const {
  return impl_->compiled.infos;
}
const std::string& Policy::source_name() const {
  return impl_->compiled.name;
}

}  // namespace toolwall::policy
