#pragma once
// Compiled conditions: a tree of matchers over Facts, built once at load and evaluated per call.
// A condition that holds reports the facts that made it hold (Bound), so a finding can carry the
// fact's span, location and message placeholders, and a rewrite knows which statement to drop.
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/facts.h"
#include "policy/patterns.h"

namespace toolwall::policy {

// The fact a match is about; at most one of each kind, any may be null.
struct Bound {
  const Flow* flow = nullptr;
  const Command* command = nullptr;
  const Marker* marker = nullptr;
  const CodeMatch* code = nullptr;
  const FileChange* file = nullptr;

  bool empty() const { return !flow && !command && !marker && !code && !file; }
  void fill_from(const Bound& other);  // takes other's facts where this one has none
  Span span() const;
  Span statement() const;
  const Location* location() const;
  bool same_fact(const Bound& other) const;
  std::array<const void*, 5> key() const { return {flow, command, marker, code, file}; }
};

// The hosts each fact is about: a flow's or marker's own host, else the hosts named by the commands of its statement.
// Built once per evaluation, the first time a host test needs it, so a script with thousands of
// statements costs one pass, not one per match.
class HostIndex {
 public:
  explicit HostIndex(const Facts& facts) : facts_(facts) {}
  std::vector<std::string> of(const Bound& bound);

 private:
  using StatementKey = std::tuple<std::string_view, uint32_t, uint32_t>;
  void build();
  const Facts& facts_;
  bool built_ = false;
  std::vector<std::vector<std::string_view>> by_command_;
  std::map<StatementKey, std::vector<std::string_view>> by_statement_;
};

// `current` is set while checking an `unless` or an exception for one match: host and origin tests
// without a fact selector beside them then test that match's fact.
struct EvalContext {
  const Facts& facts;
  const Bound* current = nullptr;
  HostIndex* hosts = nullptr;  // lazily built; null: computed on the spot

  std::vector<std::string> hosts_of(const Bound& bound) const;
};

class Condition {
 public:
  virtual ~Condition() = default;
  // True when the condition holds; the facts that made it hold are appended to `out`.
  virtual bool evaluate(const EvalContext& context, std::vector<Bound>& out) const = 0;
};
using ConditionPtr = std::unique_ptr<const Condition>;

// Per-fact filters that may sit beside or inside a fact selector.
struct FactFilter {
  std::optional<HostMatcher> host_in, host_not_in;
  std::optional<StringMatcher> origin, origin_not;
  std::optional<StringMatcher> source_in;  // a flow's source as written ("$STRIPE_SECRET_KEY"); other facts fail

  bool empty() const { return !host_in && !host_not_in && !origin && !origin_not && !source_in; }
  bool accepts(const Bound& bound, const EvalContext& context) const;
};

struct FlowSelector final : Condition {
  StringMatcher from, to, via_any, source, sink;
  FactFilter filter;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct CommandSelector final : Condition {
  StringMatcher name, args_any, context_any, wrapper_any;
  std::optional<std::regex> args_regex;
  std::optional<bool> dynamic_name;
  FactFilter filter;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct MarkerSelector final : Condition {
  StringMatcher name, detail;
  FactFilter filter;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct CodeSelector final : Condition {
  StringMatcher detector, severity, language;
  FactFilter filter;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct PathSelector final : Condition {
  std::vector<std::string> globs;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

// host_in / host_not_in / origin without a selector: the current match's fact, else the whole call.
struct FactFilterCondition final : Condition {
  FactFilter filter;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct IncompleteCondition final : Condition {
  bool incomplete = true;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct AllCondition final : Condition {
  std::vector<ConditionPtr> parts;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct AnyCondition final : Condition {
  std::vector<ConditionPtr> parts;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

struct NotCondition final : Condition {
  ConditionPtr part;
  bool evaluate(const EvalContext& context, std::vector<Bound>& out) const override;
};

}  // namespace toolwall::policy
