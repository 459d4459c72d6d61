#include "policy/compiler.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <map>

namespace toolwall::policy {

namespace {

constexpr int kMaxConditionDepth = 32;
constexpr size_t kMaxMacroDepth = 8;

constexpr std::array<std::string_view, 7> kSourceClasses{"env_dump",   "secret_var", "credential_file", "credential_helper",
                                                         "local_file", "network",    "agent_input"};
constexpr std::array<std::string_view, 5> kSinkClasses{"network", "dns", "exec", "persist", "output"};
constexpr std::array<std::string_view, 9> kOrigins{
    "",         "script_file", "install_hook", "build_recipe", "ci_workflow",
    "shell_rc", "git_hook",    "cron",         "service"};

const std::map<std::string_view, Placeholder>& placeholder_names() {
  static const std::map<std::string_view, Placeholder> names{
      {"source", Placeholder::source},     {"sink", Placeholder::sink},
      {"host", Placeholder::host},         {"via", Placeholder::via},
      {"command", Placeholder::command},   {"marker", Placeholder::marker},
      {"detail", Placeholder::detail},     {"path", Placeholder::path},
      {"line", Placeholder::line},         {"column", Placeholder::column},
      {"detector", Placeholder::detector}, {"message", Placeholder::code_message},
      {"severity", Placeholder::severity}, {"language", Placeholder::language},
      {"node", Placeholder::node},         {"rule", Placeholder::rule},
      {"origin", Placeholder::origin},     {"reason", Placeholder::reason}};
  return names;
}

template <size_t N>
std::string joined(const std::array<std::string_view, N>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + (n.empty() ? std::string("\"\"") : std::string(n));
  return out;
}

// One key of a condition mapping, after `$macro` splicing; `file` is where it was written.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
  const std::string* file;
};

class ConditionCompiler {
 public:
  ConditionCompiler(const Collection& collection, Diagnostics& diagnostics)
      : collection_(collection), diagnostics_(diagnostics) {}

  // `in_match_context`: the condition is checked against one match (unless, exceptions).
  ConditionPtr compile(const YAML::Node& node, const std::string& file, bool in_match_context) {
    in_match_context_ = in_match_context;
    return condition(node, file, 0);
  }

 private:
  void error(const YAML::Node& node, const std::string& file, std::string message) {
    diagnostics_.push_back(position_of(node, file, 0).error(std::move(message)));
  }

  bool gather(const YAML::Node& map, const std::string& file, std::vector<Entry>& out,
              std::vector<std::string>& macro_chain) {
    for (const auto& kv : map) {
      const std::string& key = kv.first.Scalar();
      if (key != "$macro") {
        auto clash = std::find_if(out.begin(), out.end(), [&](const Entry& e) { return e.key == key; });
        if (clash != out.end()) {
          error(kv.first, file,
                "key '" + key + "' is given twice here (once through a macro?); combine them with all:");
          continue;
        }
        out.push_back({key, kv.first, kv.second, &file});
        continue;
      }
      std::vector<std::string> names;
      if (kv.second.IsScalar()) {
        names.push_back(kv.second.Scalar());
      } else if (kv.second.IsSequence()) {
        for (const auto& n : kv.second)
          if (n.IsScalar()) names.push_back(n.Scalar());
      }
      if (names.empty()) error(kv.second, file, "$macro takes a macro name or a list of names");
      for (const auto& name : names) {
        auto macro = collection_.macros.find(name);
        if (macro == collection_.macros.end()) {
          error(kv.second, file, "unknown macro '" + name + "'; define it under macros:");
          continue;
        }
        if (std::find(macro_chain.begin(), macro_chain.end(), name) != macro_chain.end() ||
            macro_chain.size() >= kMaxMacroDepth) {
          error(kv.second, file, "macro '" + name + "' uses itself; break the cycle");
          continue;
        }
        macro_chain.push_back(name);
        gather(macro->second.body, macro->second.at.file, out, macro_chain);
        macro_chain.pop_back();
      }
    }
    return true;
  }

  std::vector<Entry> entries(const YAML::Node& map, const std::string& file) {
    std::vector<Entry> out;
    std::vector<std::string> chain;
    gather(map, file, out, chain);
    return out;
  }

  struct Value {
    std::string text;
    YAML::Node node;  // where it was written (the list reference, for list items)
  };

  // A scalar or sequence of strings; an item naming a list stands for that list's items.
  std::vector<Value> located_values(const Entry& entry) {
    std::vector<Value> out;
    auto add = [&](const YAML::Node& item) {
      if (!item.IsScalar()) {
        error(item, *entry.file, "'" + entry.key + "' takes strings or list names");
        return;
      }
      auto list = collection_.lists.find(item.Scalar());
      if (list == collection_.lists.end()) {
        out.push_back({item.Scalar(), item});
        return;
      }
      for (const auto& v : list->second.items) out.push_back({v.text, item});
    };
    if (entry.value.IsSequence()) {
      for (const auto& item : entry.value) add(item);
    } else if (entry.value.IsScalar()) {
      add(entry.value);
    } else {
      error(entry.value, *entry.file, "'" + entry.key + "' takes a string, a list of strings or a list name");
    }
    return out;
  }

  std::vector<std::string> values(const Entry& entry) {
    std::vector<std::string> out;
    for (auto& v : located_values(entry)) out.push_back(std::move(v.text));
    return out;
  }

  template <size_t N>
  StringMatcher vocabulary(const Entry& entry, const std::array<std::string_view, N>& known,
                           std::string_view what) {
    StringMatcher m;
    for (auto& v : located_values(entry)) {
      if (v.text.find('*') == std::string::npos &&
          std::find(known.begin(), known.end(), v.text) == known.end()) {
        error(v.node, *entry.file,
              "unknown " + std::string(what) + " '" + v.text +
                  "' (a typo, or a list that is not defined?); known: " + joined(known));
        continue;
      }
      m.add(std::move(v.text));
    }
    return m;
  }

  StringMatcher strings(const Entry& entry) {
    StringMatcher m;
    for (auto& v : values(entry)) m.add(std::move(v));
    if (m.empty())
      error(entry.value, *entry.file,
            "'" + entry.key + "' is empty, so it would never match; give it values");
    return m;
  }

  HostMatcher hosts(const Entry& entry) {
    HostMatcher m;
    for (auto& v : located_values(entry)) {
      const std::string& h = v.text;
      bool looks_like_host =
          h == "local_hosts" || h == "localhost" || h.find_first_of(".:/") != std::string::npos;
      if (!looks_like_host) {
        error(v.node, *entry.file,
              "'" + h + "' is neither a defined list nor a host name; define the list under lists:");
        continue;
      }
      m.add(std::move(v.text));
    }
    return m;
  }

  std::optional<bool> boolean(const Entry& entry) {
    if (entry.value.IsScalar() && (entry.value.Scalar() == "true" || entry.value.Scalar() == "false"))
      return entry.value.Scalar() == "true";
    error(entry.value, *entry.file, "'" + entry.key + "' must be true or false");
    return std::nullopt;
  }

  // Fills a FactFilter from host_in / host_not_in / origin / origin_not / source_in; false when the key is another.
  bool filter_key(const Entry& entry, FactFilter& filter) {
    if (entry.key == "host_in") {
      filter.host_in = hosts(entry);
    } else if (entry.key == "host_not_in") {
      filter.host_not_in = hosts(entry);
    } else if (entry.key == "origin") {
      filter.origin = vocabulary(entry, kOrigins, "origin");
    } else if (entry.key == "origin_not") {
      filter.origin_not = vocabulary(entry, kOrigins, "origin");
    } else if (entry.key == "source_in") {
      filter.source_in = strings(entry);
    } else {
      return false;
    }
    return true;
  }

  void unknown_key(const Entry& entry, std::string_view where, std::string_view expected) {
    error(entry.key_node, *entry.file,
          "unknown key '" + entry.key + "' in " + std::string(where) +
              "; expected one of: " + std::string(expected));
  }

  bool require_map(const Entry& entry) {
    if (entry.value.IsMap()) return true;
    error(entry.value, *entry.file, "'" + entry.key + "' takes a mapping of its fields");
    return false;
  }

  std::unique_ptr<FlowSelector> flow(const Entry& outer) {
    auto s = std::make_unique<FlowSelector>();
    if (!require_map(outer)) return s;
    for (const auto& e : entries(outer.value, *outer.file)) {
      if (e.key == "from")
        s->from = vocabulary(e, kSourceClasses, "flow source class");
      else if (e.key == "to")
        s->to = vocabulary(e, kSinkClasses, "flow sink class");
      else if (e.key == "via_any")
        s->via_any = strings(e);
      else if (e.key == "source")
        s->source = strings(e);
      else if (e.key == "sink")
        s->sink = strings(e);
      else if (!filter_key(e, s->filter))
        unknown_key(e, "flow",
                    "from, to, via_any, source, sink, host_in, host_not_in, origin, origin_not, source_in, $macro");
    }
    return s;
  }

  std::unique_ptr<CommandSelector> command(const Entry& outer) {
    auto s = std::make_unique<CommandSelector>();
    if (!require_map(outer)) return s;
    for (const auto& e : entries(outer.value, *outer.file)) {
      if (e.key == "name")
        s->name = strings(e);
      else if (e.key == "args_any")
        s->args_any = strings(e);
      else if (e.key == "context_any")
        s->context_any = strings(e);
      else if (e.key == "wrapper_any")
        s->wrapper_any = strings(e);
      else if (e.key == "dynamic_name")
        s->dynamic_name = boolean(e);
      else if (e.key == "args_regex")
        s->args_regex = regex(e);
      else if (!filter_key(e, s->filter))
        unknown_key(e, "command",
                    "name, args_any, args_regex, context_any, wrapper_any, dynamic_name, host_in, "
                    "host_not_in, origin, "
                    "origin_not, $macro");
    }
    return s;
  }

  std::optional<std::regex> regex(const Entry& e) {
    if (!e.value.IsScalar()) {
      error(e.value, *e.file, "args_regex takes one regular expression");
      return std::nullopt;
    }
    try {
      return std::regex(e.value.Scalar(), std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& err) {
      error(e.value, *e.file, std::string("invalid regular expression: ") + err.what());
      return std::nullopt;
    }
  }

  std::unique_ptr<MarkerSelector> marker(const Entry& outer) {
    auto s = std::make_unique<MarkerSelector>();
    if (!require_map(outer)) return s;
    for (const auto& e : entries(outer.value, *outer.file)) {
      if (e.key == "name")
        s->name = strings(e);
      else if (e.key == "detail")
        s->detail = strings(e);
      else if (!filter_key(e, s->filter))
        unknown_key(e, "marker", "name, detail, host_in, host_not_in, origin, origin_not, source_in, $macro");
    }
    return s;
  }

  std::unique_ptr<CodeSelector> code(const Entry& outer) {
    auto s = std::make_unique<CodeSelector>();
    if (!require_map(outer)) return s;
    for (const auto& e : entries(outer.value, *outer.file)) {
      if (e.key == "detector")
        s->detector = strings(e);
      else if (e.key == "severity")
        s->severity = strings(e);
      else if (e.key == "language")
        s->language = strings(e);
      else if (!filter_key(e, s->filter))
        unknown_key(e, "code", "detector, severity, language, origin, origin_not, $macro");
    }
    return s;
  }

  std::unique_ptr<PathSelector> path(const Entry& outer) {
    auto s = std::make_unique<PathSelector>();
    if (!require_map(outer)) return s;
    for (const auto& e : entries(outer.value, *outer.file)) {
      if (e.key == "glob") {
        for (auto& v : values(e)) s->globs.push_back(std::move(v));
      } else {
        unknown_key(e, "path", "glob, $macro");
      }
    }
    if (s->globs.empty()) error(outer.value, *outer.file, "path needs `glob: [patterns]`");
    return s;
  }

  std::vector<ConditionPtr> condition_list(const Entry& e, int depth) {
    std::vector<ConditionPtr> parts;
    if (!e.value.IsSequence() || e.value.size() == 0) {
      error(e.value, *e.file, "'" + e.key + "' takes a non-empty list of conditions");
      return parts;
    }
    for (const auto& item : e.value) parts.push_back(condition(item, *e.file, depth + 1));
    return parts;
  }

  ConditionPtr condition(const YAML::Node& node, const std::string& file, int depth) {
    if (depth > kMaxConditionDepth) {
      error(node, file, "conditions nest deeper than 32 levels; simplify with macros");
      return std::make_unique<AllCondition>();
    }
    if (!node.IsMap() || node.size() == 0) {
      error(node, file,
            "a condition is a mapping such as {flow: …}, {command: …}, {marker: …}, {all: […]}; "
            "use all: or any: for lists");
      return std::make_unique<AllCondition>();
    }
    auto all = std::make_unique<AllCondition>();
    FlowSelector* flow_selector = nullptr;
    CommandSelector* command_selector = nullptr;
    MarkerSelector* marker_selector = nullptr;
    CodeSelector* code_selector = nullptr;
    int selectors = 0;
    FactFilter loose;  // filters written beside the selectors
    const Entry* first_filter = nullptr;
    auto entries_here = entries(node, file);
    for (const auto& e : entries_here) {
      if (e.key == "flow") {
        auto s = flow(e);
        flow_selector = s.get();
        ++selectors;
        all->parts.push_back(std::move(s));
      } else if (e.key == "command") {
        auto s = command(e);
        command_selector = s.get();
        ++selectors;
        all->parts.push_back(std::move(s));
      } else if (e.key == "marker") {
        auto s = marker(e);
        marker_selector = s.get();
        ++selectors;
        all->parts.push_back(std::move(s));
      } else if (e.key == "code") {
        auto s = code(e);
        code_selector = s.get();
        ++selectors;
        all->parts.push_back(std::move(s));
      } else if (e.key == "path") {
        all->parts.push_back(path(e));
      } else if (e.key == "incomplete") {
        auto c = std::make_unique<IncompleteCondition>();
        c->incomplete = boolean(e).value_or(true);
        all->parts.push_back(std::move(c));
      } else if (e.key == "all" || e.key == "any") {
        auto parts = condition_list(e, depth);
        if (e.key == "all") {
          auto c = std::make_unique<AllCondition>();
          c->parts = std::move(parts);
          all->parts.push_back(std::move(c));
        } else {
          auto c = std::make_unique<AnyCondition>();
          c->parts = std::move(parts);
          all->parts.push_back(std::move(c));
        }
      } else if (e.key == "not") {
        auto c = std::make_unique<NotCondition>();
        c->part = condition(e.value, *e.file, depth + 1);
        all->parts.push_back(std::move(c));
      } else if (filter_key(e, loose)) {
        if (!first_filter) first_filter = &e;
      } else {
        unknown_key(e, "condition",
                    "flow, command, marker, code, path, host_in, host_not_in, origin, origin_not, source_in, "
                    "incomplete, all, any, "
                    "not, $macro");
      }
    }
    if (!loose.empty()) {
      // Filters beside exactly one selector narrow that selector's facts.
      if (selectors == 1) {
        FactFilter* target = flow_selector      ? &flow_selector->filter
                             : command_selector ? &command_selector->filter
                             : marker_selector  ? &marker_selector->filter
                                                : &code_selector->filter;
        if (loose.host_in) target->host_in = std::move(loose.host_in);
        if (loose.host_not_in) target->host_not_in = std::move(loose.host_not_in);
        if (loose.origin) target->origin = std::move(loose.origin);
        if (loose.origin_not) target->origin_not = std::move(loose.origin_not);
        if (loose.source_in) target->source_in = std::move(loose.source_in);
      } else if (selectors > 1) {
        error(first_filter->key_node, *first_filter->file,
              "'" + first_filter->key +
                  "' sits beside several fact selectors; move it inside the flow/command/marker it is about");
      } else {
        if ((loose.origin || loose.origin_not || loose.source_in) && !in_match_context_)
          error(first_filter->key_node, *first_filter->file,
                "'" + first_filter->key +
                    "' needs a fact to test: put it beside or inside flow, command, marker or code");
        auto c = std::make_unique<FactFilterCondition>();
        c->filter = std::move(loose);
        all->parts.push_back(std::move(c));
      }
    }
    if (all->parts.size() == 1) return std::move(all->parts.front());
    return all;
  }

  const Collection& collection_;
  Diagnostics& diagnostics_;
  bool in_match_context_ = false;
};

MessageTemplate compile_message(const std::string& text, const Position& at, Diagnostics& diagnostics) {
  MessageTemplate out;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      auto close = text.find('}', i);
      if (close == std::string::npos) {
        diagnostics.push_back(at.error("message has a '{' without a closing '}'"));
        break;
      }
      std::string name = text.substr(i + 1, close - i - 1);
      auto it = placeholder_names().find(name);
      if (it == placeholder_names().end()) {
        std::string known;
        for (const auto& [n, p] : placeholder_names())
          known += (known.empty() ? "{" : ", {") + std::string(n) + "}";
        diagnostics.push_back(at.error("unknown placeholder {" + name + "} in message; known: " + known));
      } else {
        out.segments.push_back({std::move(literal), it->second});
        literal.clear();
      }
      i = close + 1;
      continue;
    }
    literal.push_back(text[i++]);
  }
  if (!literal.empty()) out.segments.push_back({std::move(literal), Placeholder::none});
  return out;
}

std::string clip(std::string text, size_t limit = 160) {
  if (text.size() > limit) {
    text.resize(limit);
    text += "…";
  }
  return text;
}

std::string command_text(const Command& command) {
  std::string out;
  for (const auto& w : command.argv) {
    if (!out.empty()) out.push_back(' ');
    out += w;
    if (out.size() > 160) break;
  }
  return clip(out.empty() ? command.name : out);
}

}  // namespace

std::string MessageTemplate::render(const Bound& bound, const EvalContext& context, const std::string& rule,
                                    const std::string& severity) const {
  const Facts& facts = context.facts;
  std::string out;
  const Location* location = bound.location();
  for (const auto& s : segments) {
    out += s.literal;
    switch (s.placeholder) {
      case Placeholder::none:
        break;
      case Placeholder::source:
        out += bound.flow ? clip(bound.flow->source) : "a secret";
        break;
      case Placeholder::sink:
        out += bound.flow ? bound.flow->sink : bound.command ? bound.command->name : "";
        break;
      case Placeholder::host: {
        auto hosts = context.hosts_of(bound);
        out += hosts.empty() ? std::string("an unresolved host") : hosts.front();
        break;
      }
      case Placeholder::via:
        if (bound.flow) {
          std::string via;
          for (const auto& v : bound.flow->via) via += (via.empty() ? "" : ", ") + v;
          out += via.empty() ? std::string("a direct argument") : via;
        }
        break;
      case Placeholder::command:
        if (bound.command) {
          out += command_text(*bound.command);
        } else {
          Span st = bound.statement();
          for (const auto& c : facts.commands)
            if (!st.empty() && c.statement.begin == st.begin && c.statement.end == st.end) {
              out += command_text(c);
              break;
            }
        }
        break;
      case Placeholder::marker:
        out += bound.marker ? bound.marker->name : "";
        break;
      case Placeholder::detail:
        out += bound.marker ? clip(bound.marker->detail) : "";
        break;
      case Placeholder::path:
        if (location && !location->path.empty())
          out += location->path;
        else if (bound.file)
          out += bound.file->path;
        else if (!facts.files.empty())
          out += facts.files.front().path;
        break;
      case Placeholder::line:
        out += location ? std::to_string(location->line) : "0";
        break;
      case Placeholder::column:
        out += location ? std::to_string(location->column) : "0";
        break;
      case Placeholder::detector:
        out += bound.code ? bound.code->detector : "";
        break;
      case Placeholder::code_message:
        out += bound.code ? bound.code->message : "";
        break;
      case Placeholder::severity:
        out += bound.code ? bound.code->severity : severity;
        break;
      case Placeholder::language:
        out += bound.code ? bound.code->language : "";
        break;
      case Placeholder::node:
        out += bound.code ? clip(bound.code->node_text, 120) : "";
        break;
      case Placeholder::rule:
        out += rule;
        break;
      case Placeholder::origin:
        out += location ? location->origin : "";
        break;
      case Placeholder::reason:
        out += facts.incomplete_reason;
        break;
    }
  }
  return out;
}

bool Allowlist::suppresses(const Bound& bound, const EvalContext& context) const {
  const Facts& facts = context.facts;
  if (hosts) {
    auto names = context.hosts_of(bound);
    if (!names.empty() &&
        std::all_of(names.begin(), names.end(), [&](const auto& h) { return hosts->matches(h); }))
      return true;
  }
  if (!commands.empty()) {
    // Every command of the statement must be allowed: `npm test && curl …` is not `npm test`.
    auto allowed = [&](const Command& c) {
      return std::any_of(commands.begin(), commands.end(),
                         [&](const CommandPrefix& p) { return p.matches(c.argv); });
    };
    if (bound.command && bound.statement().empty()) return allowed(*bound.command);
    Span st = bound.statement();
    size_t seen = 0;
    bool all_allowed = true;
    for (const auto& c : facts.commands) {
      if (st.empty() || c.statement.begin != st.begin || c.statement.end != st.end) continue;
      ++seen;
      all_allowed = all_allowed && allowed(c);
    }
    if (seen > 0 && all_allowed) return true;
  }
  if (!paths.empty()) {
    std::string_view path;
    if (const Location* l = bound.location(); l && !l->path.empty())
      path = l->path;
    else if (bound.file)
      path = bound.file->path;
    if (!path.empty() &&
        std::any_of(paths.begin(), paths.end(), [&](const auto& g) { return path_glob_match(g, path); }))
      return true;
  }
  return false;
}

CompiledPolicy compile(const Collection& collection, const std::string& name, Diagnostics& diagnostics) {
  CompiledPolicy out;
  out.name = name;
  out.fail_mode = collection.fail_mode;
  if (collection.limits.max_argument_bytes)
    out.limits.max_argument_bytes = *collection.limits.max_argument_bytes;
  if (collection.limits.max_nesting) out.limits.max_nesting = *collection.limits.max_nesting;
  if (collection.limits.max_findings) out.limits.max_findings = *collection.limits.max_findings;
  out.code_detector_paths = collection.code_detector_paths;

  ConditionCompiler conditions(collection, diagnostics);
  for (const auto& def : collection.rules) {
    if (!def.enabled) continue;
    CompiledRule rule;
    rule.info = {def.id, def.description, def.action, def.severity};
    rule.kinds = def.kinds;
    for (const auto& t : def.tools) rule.tools.add(t.text);
    for (const auto& a : def.agents) rule.agents.add(a.text);
    if (def.match.IsDefined() && !def.match.IsNull())
      rule.match = conditions.compile(def.match, def.at.file, false);
    if (def.unless.IsDefined() && !def.unless.IsNull())
      rule.unless = conditions.compile(def.unless, def.at.file, true);
    rule.message = compile_message(def.message, def.message_at, diagnostics);
    rule.allowlistable = def.allowlistable;
    for (const auto& ex : def.examples)
      out.examples.push_back({def.id, ex.must_match, ex.call, ex.at.error("")});
    out.infos.push_back(rule.info);
    if (rule.match) out.rules.push_back(std::move(rule));
  }

  for (const auto& ex : collection.exceptions) {
    if (!ex.match.IsDefined() || ex.match.IsNull()) continue;
    out.exception_conditions.push_back(conditions.compile(ex.match, ex.at.file, true));
    const Condition* condition = out.exception_conditions.back().get();
    for (const auto& target : ex.rules) {
      size_t hits = 0;
      for (auto& rule : out.rules)
        if (glob_match(target.text, rule.info.id)) {
          rule.exceptions.push_back(condition);
          ++hits;
        }
      if (hits == 0)
        diagnostics.push_back(target.at.error("exception names rule '" + target.text +
                                              "', which does not exist (or is disabled); check the id"));
    }
  }

  if (!collection.allow.hosts.empty()) {
    out.allow.hosts.emplace();
    for (const auto& h : collection.allow.hosts) {
      auto list = collection.lists.find(h.text);
      if (list != collection.lists.end())
        for (const auto& item : list->second.items) out.allow.hosts->add(item.text);
      else
        out.allow.hosts->add(h.text);
    }
  }
  for (const auto& c : collection.allow.commands) {
    CommandPrefix prefix(c.text);
    if (!prefix.valid())
      diagnostics.push_back(c.at.error("empty command in allow.commands; write e.g. \"npm test:*\""));
    else
      out.allow.commands.push_back(std::move(prefix));
  }
  for (const auto& p : collection.allow.paths) out.allow.paths.push_back(p.text);
  return out;
}

}  // namespace toolwall::policy
