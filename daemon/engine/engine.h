#pragma once
// The engine: ToolCall in, Verdict out — profile → analysis (shell or code) → policy → rewrite.
// Immutable once loaded; share it as shared_ptr<const Engine> and swap the pointer to reload.
#include <memory>
#include <string>

#include "analysis/shell/shell_analyzer.h"
#include "core/diagnostic.h"
#include "core/expected.h"
#include "core/judge.h"
#include "engine/earlier_calls.h"
#include "engine/profiles.h"
#include "policy/policy.h"

namespace toolwall::code {
class Analyzer;
}

namespace toolwall::engine {

struct EngineOptions {
  std::string policy_path = "rules/default.yaml";
  std::string profiles_path = "config/agents.yaml";
  std::vector<std::string> policy_layers;  // org/team/user layers above the policy; each may only tighten
};

// Everything the engine learnt about one call, for `explain`, `policy lint` and tests.
struct Trace {
  ResolvedCall call;
  std::vector<shell::EarlierStep> earlier;  // what earlier calls of the conversation left that bears on it
  Facts facts;
  policy::Evaluation evaluation;  // of the call as sent (before any rewrite)
  std::string rewritten_command;  // when a rewrite was attempted
  Facts rewritten_facts;
  Verdict verdict;
};

class Engine final : public Judge {
 public:
  // Loads the policy, the agent profiles and the policy's code detectors; all problems at once.
  static Expected<std::shared_ptr<const Engine>, Diagnostics> load(const EngineOptions& options);
  // Builds an engine from loaded parts; `code` may be null (file calls then get the fail mode).
  Engine(std::shared_ptr<const policy::Policy> policy, std::shared_ptr<const Profiles> profiles,
         std::shared_ptr<const code::Analyzer> code);

  // Thread-safe, never throws: failures become the policy's fail mode with Verdict.error set.
  Verdict judge(const ToolCall& call) const override;
  bool depends_on_earlier_calls(const ToolCall& call) const override;
  // The steps of the conversation's earlier calls replayed before a shell call (none for other kinds).
  std::vector<shell::EarlierStep> earlier_steps_for(const ToolCall& call) const;
  // The whole pipeline's intermediate results for one call.
  Trace trace(const ToolCall& call) const;
  // A readable report: profile, kind, command, facts, rules matched, verdict.
  std::string explain(const ToolCall& call) const;
  // Runs every rule's examples; a diagnostic at the example for each one that disagrees.
  Diagnostics check_examples() const;

  const policy::Policy& policy() const { return *policy_; }
  const Profiles& profiles() const { return *profiles_; }

 private:
  Trace run(const ToolCall& call, int depth = 0) const;
  // Judges the tool calls a code-running call makes and folds their verdicts into its own.
  void judge_nested_calls(const ToolCall& call, Trace& trace, int depth) const;
  Facts analyse(const ResolvedCall& call, const std::vector<shell::EarlierStep>& earlier = {}) const;
  void compose_written_files(Facts& facts) const;  // code analysis of files a shell command writes
  void compose_inline_code(Facts& facts) const;    // data flows of code run from the command line (python -c)
  Facts analyze_file_call(const ResolvedCall& call) const;  // code analysis of a Write, Edit or patch
  // Adds what the call's written files show with the files earlier calls wrote; whether any were read.
  bool follow_with_earlier_files(const ToolCall& call, ToolKind kind, Facts& facts) const;
  void rewrite(const ToolCall& call, Trace& trace) const;
  Verdict fail(Verdict verdict, std::string why) const;

  std::shared_ptr<const policy::Policy> policy_;
  std::shared_ptr<const Profiles> profiles_;
  std::shared_ptr<const code::Analyzer> code_;
  std::shared_ptr<const LeftBehindMemo> left_behind_ = std::make_shared<const LeftBehindMemo>();
};

// A tool call for a rule example: a string is a shell command for the generic bash tool.
ToolCall example_call(const nlohmann::json& example);

}  // namespace toolwall::engine
