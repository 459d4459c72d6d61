#include "policy/reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>

namespace toolwall::policy {

Position position_of(const YAML::Node& node, const std::string& file, int layer) {
  Position p{file, 0, 0, layer};
  if (node.IsDefined()) {
    auto mark = node.Mark();
    if (mark.line >= 0) p.line = mark.line + 1;
    if (mark.column >= 0) p.column = mark.column + 1;
  }
  return p;
}

nlohmann::json yaml_to_json(const YAML::Node& node, int depth) {
  if (depth > 64 || !node.IsDefined() || node.IsNull()) return nullptr;
  if (node.IsSequence()) {
    auto out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(yaml_to_json(item, depth + 1));
    return out;
  }
  if (node.IsMap()) {
    auto out = nlohmann::json::object();
    for (const auto& kv : node) out[kv.first.Scalar()] = yaml_to_json(kv.second, depth + 1);
    return out;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted in the YAML: always a string
  if (text == "true") return true;
  if (text == "false") return false;
  long long number = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return number;
  return text;
}

namespace {

class Reader {
 public:
  Reader(const std::string& file, int layer, Diagnostics& diagnostics)
      : file_(file), layer_(layer), diagnostics_(diagnostics) {}

  Document read(std::string_view yaml) {
    Document doc;
    doc.file = file_;
    doc.layer = layer_;
    YAML::Node loaded;
    try {
      loaded = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      diagnostics_.push_back(
          Diagnostic{file_, e.mark.line + 1, e.mark.column + 1,
                     "YAML syntax error: " + e.msg + "; fix the YAML before the policy can load"});
      return doc;
    }
    // Const access: a non-const operator[] on a missing key would insert it.
    const YAML::Node root = loaded;
    if (!root.IsDefined() || root.IsNull()) return doc;  // an empty file is an empty policy
    if (!root.IsMap()) {
      error(root, "a policy file must be a mapping with keys such as version, lists, macros, rules");
      return doc;
    }
    check_keys(root,
               {"version", "include", "lists", "macros", "rules", "exceptions", "allow", "fail_mode",
                "limits", "code_detectors"},
               "top level");
    if (auto v = root["version"]; v.IsDefined()) {
      if (!v.IsScalar() || v.Scalar() != "1") error(v, "unsupported policy version; write `version: 1`");
    }
    doc.includes = string_list(root["include"], "include");
    doc.code_detectors = string_list(root["code_detectors"], "code_detectors");
    read_lists(root["lists"], doc);
    read_macros(root["macros"], doc);
    read_rules(root["rules"], doc);
    read_exceptions(root["exceptions"], doc);
    read_allow(root["allow"], doc);
    if (auto f = root["fail_mode"]; f.IsDefined()) {
      doc.fail_mode_at = at(f);
      auto action = f.IsScalar() ? parse_action(f.Scalar()) : std::nullopt;
      if (!action || *action == Action::rewrite)
        error(f, "fail_mode must be one of block, flag, allow");
      else
        doc.fail_mode = action;
    }
    read_limits(root["limits"], doc);
    return doc;
  }

 private:
  Position at(const YAML::Node& node) const { return position_of(node, file_, layer_); }
  void error(const YAML::Node& node, std::string message) {
    diagnostics_.push_back(at(node).error(std::move(message)));
  }

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                  std::string_view where) {
    for (const auto& kv : map) {
      const std::string& key = kv.first.Scalar();
      if (std::find(known.begin(), known.end(), key) != known.end()) continue;
      std::string expected;
      for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      error(kv.first,
            "unknown key '" + key + "' in " + std::string(where) + "; expected one of: " + expected);
    }
  }

  std::optional<std::string> scalar(const YAML::Node& node, std::string_view what) {
    if (!node.IsDefined()) return std::nullopt;
    if (!node.IsScalar()) {
      error(node, std::string(what) + " must be a single value");
      return std::nullopt;
    }
    return node.Scalar();
  }

  // A scalar or a sequence of scalars.
  std::vector<Located> string_list(const YAML::Node& node, std::string_view what) {
    std::vector<Located> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (node.IsScalar()) {
      out.push_back({node.Scalar(), at(node)});
      return out;
    }
    if (!node.IsSequence()) {
      error(node, std::string(what) + " must be a string or a list of strings");
      return out;
    }
    for (const auto& item : node) {
      if (item.IsScalar())
        out.push_back({item.Scalar(), at(item)});
      else
        error(item, std::string(what) + " items must be strings");
    }
    return out;
  }

  std::optional<bool> boolean(const YAML::Node& node, std::string_view what) {
    auto text = scalar(node, what);
    if (!text) return std::nullopt;
    if (*text == "true") return true;
    if (*text == "false") return false;
    error(node, std::string(what) + " must be true or false");
    return std::nullopt;
  }

  bool valid_name(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
             c == '-' || c == '.';
    });
  }

  void read_lists(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "lists must be a mapping of name: [items]");
    for (const auto& kv : node) {
      ListDefinition list{kv.first.Scalar(), string_list(kv.second, "list '" + kv.first.Scalar() + "'"),
                          at(kv.first)};
      if (!valid_name(list.name)) error(kv.first, "list names use letters, digits, '_', '-' and '.'");
      doc.lists.push_back(std::move(list));
    }
  }

  void read_macros(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "macros must be a mapping of name: {condition}");
    for (const auto& kv : node) {
      if (!kv.second.IsMap()) {
        error(kv.second, "macro '" + kv.first.Scalar() + "' must be a mapping (a condition fragment)");
        continue;
      }
      if (!valid_name(kv.first.Scalar()))
        error(kv.first, "macro names use letters, digits, '_', '-' and '.'");
      doc.macros.push_back({kv.first.Scalar(), kv.second, at(kv.first)});
    }
  }

  void read_when(const YAML::Node& node, RuleDefinition& rule) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "when must be a mapping with kind, tool or agent");
    check_keys(node, {"kind", "tool", "agent"}, "when");
    for (const auto& kind : string_list(node["kind"], "when.kind")) {
      if (auto k = parse_tool_kind(kind.text))
        rule.kinds.push_back(*k);
      else
        diagnostics_.push_back(kind.at.error("unknown tool kind '" + kind.text +
                                             "'; use shell, file_write, file_edit, patch or other"));
    }
    rule.tools = string_list(node["tool"], "when.tool");
    rule.agents = string_list(node["agent"], "when.agent");
  }

  void read_examples(const YAML::Node& node, RuleDefinition& rule) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "examples must be a mapping with match and no_match lists");
    check_keys(node, {"match", "no_match"}, "examples");
    for (auto [key, must] : {std::pair{"match", true}, std::pair{"no_match", false}}) {
      auto list = node[key];
      if (!list.IsDefined() || list.IsNull()) continue;
      if (!list.IsSequence()) {
        error(list, std::string("examples.") + key + " must be a list");
        continue;
      }
      for (const auto& item : list) {
        if (item.IsScalar()) {
          rule.examples.push_back({must, item.Scalar(), at(item)});
        } else if (item.IsMap()) {
          check_keys(item, {"agent", "tool", "arguments"}, "an example tool call");
          if (!item["tool"].IsDefined()) error(item, "an example tool call needs `tool` and `arguments`");
          rule.examples.push_back({must, yaml_to_json(item), at(item)});
        } else {
          error(item, "an example is a shell command string or a tool call {agent, tool, arguments}");
        }
      }
    }
  }

  void read_rules(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsSequence()) return error(node, "rules must be a list of rules (each starting with `- id:`)");
    for (const auto& r : node) {
      if (!r.IsMap()) {
        error(r, "a rule must be a mapping with id, match, action");
        continue;
      }
      check_keys(r,
                 {"id", "description", "when", "match", "unless", "action", "severity", "message", "examples",
                  "allowlistable", "enabled", "locked", "tags", "override"},
                 "rule");
      RuleDefinition rule;
      rule.at = at(r);
      for (const auto& kv : r) rule.keys.push_back(kv.first.Scalar());
      rule.is_override = boolean(r["override"], "override").value_or(false);
      if (auto id = scalar(r["id"], "id"); id && !id->empty()) {
        rule.id = *id;
      } else {
        error(r, "every rule needs an `id`, e.g. `id: shell.exfil.secret-to-network`");
      }
      rule.description = scalar(r["description"], "description").value_or("");
      read_when(r["when"], rule);
      if (auto m = r["match"]; m.IsDefined()) rule.match.reset(m);
      if ((!rule.match.IsDefined() || rule.match.IsNull()) && !rule.is_override)
        error(r, "rule '" + rule.id + "' needs a `match` condition");
      if (auto u = r["unless"]; u.IsDefined()) rule.unless.reset(u);
      if (auto a = r["action"]; !a.IsDefined()) {
        if (!rule.is_override)
          error(r, "rule '" + rule.id + "' needs an `action`: allow, flag, rewrite or block");
      } else if (auto text = scalar(a, "action")) {
        if (auto action = parse_action(*text))
          rule.action = *action;
        else
          error(a, "unknown action '" + *text + "'; use allow, flag, rewrite or block");
      }
      if (auto s = scalar(r["severity"], "severity")) {
        static constexpr std::array<std::string_view, 5> kSeverities{"info", "low", "medium", "high",
                                                                     "critical"};
        if (std::find(kSeverities.begin(), kSeverities.end(), *s) == kSeverities.end())
          error(r["severity"], "unknown severity '" + *s + "'; use info, low, medium, high or critical");
        rule.severity = *s;
      }
      if (auto m = r["message"]; m.IsDefined()) {
        rule.message = scalar(m, "message").value_or("");
        rule.message_at = at(m);
      } else {
        rule.message = rule.description;
        rule.message_at = rule.at;
      }
      read_examples(r["examples"], rule);
      rule.allowlistable = boolean(r["allowlistable"], "allowlistable").value_or(false);
      rule.enabled = boolean(r["enabled"], "enabled").value_or(true);
      rule.locked = boolean(r["locked"], "locked").value_or(false);
      for (auto& t : string_list(r["tags"], "tags")) rule.tags.push_back(std::move(t.text));
      doc.rules.push_back(std::move(rule));
    }
  }

  void read_exceptions(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsSequence()) return error(node, "exceptions must be a list of {rule, match}");
    for (const auto& e : node) {
      if (!e.IsMap()) {
        error(e, "an exception must be a mapping with `rule` and `match`");
        continue;
      }
      if (e["when"].IsDefined())
        error(e["when"], "exceptions take their condition under `match:`, not `when:`");
      check_keys(e, {"rule", "description", "match", "when"}, "exception");
      ExceptionDefinition ex;
      ex.at = at(e);
      ex.rules = string_list(e["rule"], "exception rule");
      if (ex.rules.empty()) error(e, "an exception needs `rule:` naming the rule id(s) it suppresses");
      ex.description = scalar(e["description"], "description").value_or("");
      if (auto m = e["match"]; m.IsDefined()) ex.match.reset(m);
      if (!ex.match.IsDefined() || ex.match.IsNull())
        error(e, "an exception needs a `match:` condition saying when the rule is suppressed");
      doc.exceptions.push_back(std::move(ex));
    }
  }

  void read_allow(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "allow must be a mapping with hosts, commands, paths");
    check_keys(node, {"hosts", "commands", "paths"}, "allow");
    doc.allow.hosts = string_list(node["hosts"], "allow.hosts");
    doc.allow.commands = string_list(node["commands"], "allow.commands");
    doc.allow.paths = string_list(node["paths"], "allow.paths");
  }

  std::optional<size_t> size_value(const YAML::Node& node, std::string_view what) {
    auto text = scalar(node, what);
    if (!text) return std::nullopt;
    size_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value == 0) {
      error(node, std::string(what) + " must be a positive whole number");
      return std::nullopt;
    }
    return value;
  }

  void read_limits(const YAML::Node& node, Document& doc) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) return error(node, "limits must be a mapping");
    check_keys(node, {"max_argument_bytes", "max_nesting", "max_findings"}, "limits");
    doc.limits.max_argument_bytes = size_value(node["max_argument_bytes"], "max_argument_bytes");
    doc.limits.max_nesting = size_value(node["max_nesting"], "max_nesting");
    doc.limits.max_findings = size_value(node["max_findings"], "max_findings");
  }

  const std::string& file_;
  int layer_;
  Diagnostics& diagnostics_;
};

}  // namespace

Document read_document(std::string_view yaml, const std::string& file, int layer, Diagnostics& diagnostics) {
  return Reader(file, layer, diagnostics).read(yaml);
}

}  // namespace toolwall::policy
