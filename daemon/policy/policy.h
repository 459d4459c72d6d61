#pragma once
// A loaded, immutable policy: YAML rules over Facts, evaluated to an action and findings.
// Load once, share as shared_ptr<const Policy>; evaluate() is thread-safe.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/expected.h"
#include "core/facts.h"
#include "core/verdict.h"

namespace toolwall::policy {

// What a policy judges: one tool call after its profile and analysis.
struct Subject {
  ToolKind kind = ToolKind::other;
  std::string_view tool;
  std::string_view agent;
  const Facts& facts;
};

struct Evaluation {
  Action action = Action::allow;
  std::vector<Finding> findings;      // one per matching fact, suppressed ones removed
  std::vector<std::string> rules;     // ids of the rules that fired, policy order, unique
  std::vector<Span> drop_statements;  // statements the rewrite findings ask to drop, sorted, unique
  std::string rewrite_problem;        // set when a rewrite finding cannot be expressed as a drop
};

// A rule's example, for `policy lint` and tests: the call, whether the rule must fire, where written.
struct RuleExample {
  std::string rule;
  bool must_match = true;
  nlohmann::json call;  // a shell command string, or {agent, tool, arguments}
  Diagnostic at;        // file:line:col of the example; message empty
};

struct RuleInfo {
  std::string id;
  std::string description;
  Action action = Action::flag;
  std::string severity;
};

struct Limits {
  size_t max_argument_bytes = size_t{256} * 1024;
  size_t max_nesting = 32;
  size_t max_findings = 64;
};

class Policy {
 public:
  // Loads a policy file and its includes; every problem is reported, with file:line:col.
  static Expected<std::shared_ptr<const Policy>, Diagnostics> load_file(const std::string& path);
  // Loads a base policy and layers above it (org, team, user), each allowed only to tighten.
  static Expected<std::shared_ptr<const Policy>, Diagnostics> load_layers(
      const std::vector<std::string>& paths);
  // Same from text; `name` is used in diagnostics and as the base for relative includes.
  static Expected<std::shared_ptr<const Policy>, Diagnostics> load_text(std::string_view yaml,
                                                                        std::string name);

  // The strictest action among the rules that fire, with a finding per matching fact. Thread-safe.
  Evaluation evaluate(const Subject& subject) const;

  Action fail_mode() const;  // for calls that cannot be analysed
  const Limits& limits() const;
  const std::vector<std::string>& code_detector_paths() const;  // resolved paths of code detector packs
  const std::vector<RuleExample>& examples() const;
  const std::vector<RuleInfo>& rules() const;
  const std::string& source_name() const;

  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  struct Impl;

 private:
  explicit Policy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace toolwall::policy
