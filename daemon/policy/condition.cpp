#include "policy/condition.h"

#include <algorithm>

namespace toolwall::policy {

namespace {

// Regexes run on bounded text: std::regex recurses per character and must never see hostile sizes.
constexpr size_t kMaxRegexInput = 4096;

bool any_of_matches(const StringMatcher& matcher, const std::vector<std::string>& values) {
  for (const auto& v : values)
    if (matcher.matches(v)) return true;
  return false;
}

std::string joined_argv(const Command& command) {
  std::string out;
  for (const auto& word : command.argv) {
    if (!out.empty()) out.push_back(' ');
    out += word;
    if (out.size() >= kMaxRegexInput) break;
  }
  if (out.size() > kMaxRegexInput) out.resize(kMaxRegexInput);
  return out;
}

}  // namespace

void Bound::fill_from(const Bound& other) {
  if (!flow) flow = other.flow;
  if (!command) command = other.command;
  if (!marker) marker = other.marker;
  if (!code) code = other.code;
  if (!file) file = other.file;
}

Span Bound::span() const {
  if (flow) return flow->span;
  if (marker) return marker->span;
  if (command) return command->span;
  if (code) return code->span;
  return {};
}

Span Bound::statement() const {
  if (flow) return flow->statement;
  if (marker) return marker->statement;
  if (command) return command->statement;
  return {};
}

const Location* Bound::location() const {
  if (code) return &code->location;
  if (flow) return &flow->location;
  if (marker) return &marker->location;
  if (command) return &command->location;
  return nullptr;
}

bool Bound::same_fact(const Bound& other) const {
  return flow == other.flow && command == other.command && marker == other.marker && code == other.code &&
         file == other.file;
}

namespace {

// Host names are searched for inside words; past this many hosts the rest are not searched (a host
// test then sees fewer hosts: host_not_in treats "none known" as untrusted, so this errs strict).
constexpr size_t kMaxHostsSearched = 256;

}  // namespace

void HostIndex::build() {
  built_ = true;
  size_t searched = std::min(facts_.hosts.size(), kMaxHostsSearched);
  by_command_.resize(facts_.commands.size());
  for (size_t c = 0; c < facts_.commands.size(); ++c) {
    const Command& command = facts_.commands[c];
    auto& named = by_command_[c];
    for (size_t h = 0; h < searched; ++h) {
      const std::string& host = facts_.hosts[h];
      for (size_t i = 1; i < command.argv.size(); ++i)
        if (command.argv[i].find(host) != std::string::npos) {
          named.push_back(host);
          break;
        }
    }
    if (named.empty() || command.statement.empty()) continue;
    auto& in_statement =
        by_statement_[StatementKey{command.location.path, command.statement.begin, command.statement.end}];
    for (auto host : named)
      if (std::find(in_statement.begin(), in_statement.end(), host) == in_statement.end())
        in_statement.push_back(host);
  }
}

std::vector<std::string> HostIndex::of(const Bound& bound) {
  if (bound.flow) {
    if (bound.flow->host.empty()) return {};
    return {bound.flow->host};
  }
  if (bound.empty()) return facts_.hosts;
  if (bound.marker && !bound.marker->host.empty()) return {bound.marker->host};
  if (!built_) build();
  const std::vector<std::string_view>* named = nullptr;
  if (bound.command) {
    auto index = static_cast<size_t>(bound.command - facts_.commands.data());
    if (index < by_command_.size()) named = &by_command_[index];
  } else {
    Span statement = bound.statement();
    const Location* location = bound.location();
    auto it = by_statement_.find(StatementKey{
        location ? std::string_view(location->path) : std::string_view(), statement.begin, statement.end});
    if (!statement.empty() && it != by_statement_.end()) named = &it->second;
  }
  std::vector<std::string> out;
  if (named)
    for (auto host : *named) out.emplace_back(host);
  return out;
}

std::vector<std::string> EvalContext::hosts_of(const Bound& bound) const {
  if (hosts) return hosts->of(bound);
  HostIndex once(facts);
  return once.of(bound);
}

bool FactFilter::accepts(const Bound& bound, const EvalContext& context) const {
  if (source_in && (!bound.flow || !source_in->matches(bound.flow->source))) return false;
  if (host_in || host_not_in) {
    auto hosts = context.hosts_of(bound);
    if (host_in &&
        std::none_of(hosts.begin(), hosts.end(), [&](const auto& h) { return host_in->matches(h); }))
      return false;
    // An unknown destination is not a trusted one: host_not_in holds when no host could be resolved.
    if (host_not_in && !hosts.empty() &&
        std::all_of(hosts.begin(), hosts.end(), [&](const auto& h) { return host_not_in->matches(h); }))
      return false;
  }
  if (origin || origin_not) {
    const Location* location = bound.location();
    std::string_view where = location ? std::string_view(location->origin) : std::string_view();
    if (origin && !origin->matches(where)) return false;
    if (origin_not && origin_not->matches(where)) return false;
  }
  return true;
}

bool FlowSelector::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& flow : context.facts.flows) {
    if (!from.empty() && !from.matches(flow.from)) continue;
    if (!to.empty() && !to.matches(flow.to)) continue;
    if (!via_any.empty() && !any_of_matches(via_any, flow.via)) continue;
    if (!source.empty() && !source.matches(flow.source)) continue;
    if (!sink.empty() && !sink.matches(flow.sink)) continue;
    Bound bound;
    bound.flow = &flow;
    if (!filter.empty() && !filter.accepts(bound, context)) continue;
    out.push_back(bound);
    any = true;
  }
  return any;
}

bool CommandSelector::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& command : context.facts.commands) {
    if (!name.empty() && !name.matches(command.name)) continue;
    if (dynamic_name && command.dynamic_name != *dynamic_name) continue;
    if (!context_any.empty() && !any_of_matches(context_any, command.context)) continue;
    if (!wrapper_any.empty() && !any_of_matches(wrapper_any, command.wrappers)) continue;
    if (!args_any.empty()) {
      bool found = false;
      for (size_t i = 1; i < command.argv.size() && !found; ++i) found = args_any.matches(command.argv[i]);
      if (!found) continue;
    }
    if (args_regex && !std::regex_search(joined_argv(command), *args_regex)) continue;
    Bound bound;
    bound.command = &command;
    if (!filter.empty() && !filter.accepts(bound, context)) continue;
    out.push_back(bound);
    any = true;
  }
  return any;
}

bool MarkerSelector::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& marker : context.facts.markers) {
    if (!name.empty() && !name.matches(marker.name)) continue;
    if (!detail.empty() && !detail.matches(marker.detail)) continue;
    Bound bound;
    bound.marker = &marker;
    if (!filter.empty() && !filter.accepts(bound, context)) continue;
    out.push_back(bound);
    any = true;
  }
  return any;
}

bool CodeSelector::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& match : context.facts.code) {
    if (!detector.empty() && !detector.matches(match.detector)) continue;
    if (!severity.empty() && !severity.matches(match.severity)) continue;
    if (!language.empty() && !language.matches(match.language)) continue;
    Bound bound;
    bound.code = &match;
    if (!filter.empty() && !filter.accepts(bound, context)) continue;
    out.push_back(bound);
    any = true;
  }
  return any;
}

bool PathSelector::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& file : context.facts.files) {
    bool hit =
        std::any_of(globs.begin(), globs.end(), [&](const auto& g) { return path_glob_match(g, file.path); });
    if (!hit) continue;
    Bound bound;
    bound.file = &file;
    out.push_back(bound);
    any = true;
  }
  return any;
}

bool FactFilterCondition::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  static const Bound kNothing;
  return filter.accepts(context.current ? *context.current : kNothing, context);
}

bool IncompleteCondition::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  return context.facts.complete != incomplete;
}

bool AllCondition::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  // Every part must hold. The matches reported are those of the first part that binds facts; the
  // other parts' first facts fill in what those matches lack (so {host} works beside {command}).
  std::vector<Bound> primary, scratch;
  bool have_primary = false;
  Bound extra;
  for (const auto& part : parts) {
    scratch.clear();
    if (!part->evaluate(context, scratch)) return false;
    if (scratch.empty()) continue;
    if (!have_primary) {
      primary.swap(scratch);
      have_primary = true;
    } else {
      extra.fill_from(scratch.front());
    }
  }
  for (auto& bound : primary) {
    bound.fill_from(extra);
    out.push_back(bound);
  }
  return true;
}

bool AnyCondition::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  bool any = false;
  for (const auto& part : parts) any = part->evaluate(context, out) || any;
  return any;
}

bool NotCondition::evaluate(const EvalContext& context, std::vector<Bound>& out) const {
  std::vector<Bound> ignored;
  return !part->evaluate(context, ignored);
}

}  // namespace toolwall::policy
