#include "policy/collector.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "policy/patterns.h"
#include "policy/reader.h"

namespace toolwall::policy {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxIncludeDepth = 16;
constexpr size_t kMaxListDepth = 16;
constexpr size_t kMaxPolicyFileBytes = size_t{4} * 1024 * 1024;

class Collector {
 public:
  explicit Collector(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  Collection run(const std::vector<LayerSource>& layers) {
    for (size_t i = 0; i < layers.size(); ++i) {
      layer_ = static_cast<int>(i);
      std::error_code ec;
      visited_.insert(fs::weakly_canonical(layers[i].name, ec).string());
      visit_text(layers[i].text, layers[i].name, 0);
      if (layer_ > 0) narrow_allowlists();
    }
    check_exceptions_against_locks();
    expand_lists();
    return std::move(out_);
  }

 private:
  void visit_text(std::string_view text, const std::string& name, int depth) {
    Document doc = read_document(text, name, layer_, diagnostics_);
    merge(std::move(doc), depth);
  }

  // A higher layer's allowlist entries keep only what every lower layer also allows.
  void narrow_allowlists() {
    auto narrow = [&](std::vector<Located>& base, std::vector<Located>& layer, std::string_view what) {
      if (layer.empty()) return;
      if (base.empty()) {
        diagnostics_.push_back(layer.front().at.error(
            "allow." + std::string(what) +
            " adds entries no lower layer allows; a layer may only narrow allowlists"));
      } else {
        std::erase_if(base, [&](const Located& b) {
          return std::none_of(layer.begin(), layer.end(), [&](const Located& l) { return l.text == b.text; });
        });
      }
      layer.clear();
    };
    narrow(out_.allow.hosts, layer_allow_.hosts, "hosts");
    narrow(out_.allow.commands, layer_allow_.commands, "commands");
    narrow(out_.allow.paths, layer_allow_.paths, "paths");
  }

  void check_exceptions_against_locks() {
    for (const auto& ex : out_.exceptions) {
      if (ex.at.layer == 0) continue;
      for (const auto& target : ex.rules)
        for (const auto& rule : out_.rules)
          if (rule.locked && rule.at.layer < ex.at.layer && glob_match(target.text, rule.id))
            diagnostics_.push_back(target.at.error("rule '" + rule.id + "' is locked by a lower layer (" +
                                                   rule.at.file +
                                                   "); a higher layer may not add exceptions to it"));
    }
  }

  static bool has_key(const RuleDefinition& rule, std::string_view key) {
    return std::find(rule.keys.begin(), rule.keys.end(), key) != rule.keys.end();
  }

  // Applies `override: true` from a higher layer to the lower layer's rule, refusing anything looser.
  void apply_override(RuleDefinition& base, const RuleDefinition& over) {
    auto refuse = [&](const std::string& why) {
      diagnostics_.push_back(
          over.at.error("override of rule '" + over.id + "' " + why +
                        "; a higher layer may only tighten (raise the action, lock, add examples)"));
    };
    if (has_key(over, "match") || has_key(over, "unless") || has_key(over, "when"))
      return refuse("changes its condition; write a new rule instead");
    if (has_key(over, "enabled") && !over.enabled && base.enabled) return refuse("disables it");
    if (has_key(over, "action")) {
      if (over.action < base.action)
        return refuse("lowers its action from " + std::string(to_string(base.action)) + " to " +
                      std::string(to_string(over.action)));
      base.action = over.action;
    }
    if (has_key(over, "allowlistable")) {
      if (over.allowlistable && !base.allowlistable) return refuse("makes it allowlistable");
      base.allowlistable = over.allowlistable;
    }
    if (has_key(over, "severity")) base.severity = over.severity;
    if (has_key(over, "message")) {
      base.message = over.message;
      base.message_at = over.message_at;
    }
    if (has_key(over, "description")) base.description = over.description;
    if (has_key(over, "locked")) base.locked = base.locked || over.locked;
    for (const auto& ex : over.examples) base.examples.push_back(ex);
  }

  void visit_file(const fs::path& path, const Position& included_at, int depth) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(path, ec).string();
    if (!visited_.insert(canonical).second) {
      diagnostics_.push_back(included_at.error("'" + path.string() +
                                               "' is included twice (or includes itself); include it once"));
      return;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diagnostics_.push_back(included_at.error("cannot read included file '" + path.string() + "'"));
      return;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    if (text.size() > kMaxPolicyFileBytes) {
      diagnostics_.push_back(included_at.error("'" + path.string() + "' is larger than 4 MiB; split it"));
      return;
    }
    visit_text(text, path.lexically_normal().string(), depth);
  }

  // Expands an include pattern; a `*` is allowed in the file name part only.
  std::vector<fs::path> expand_include(const fs::path& base_dir, const Located& include) {
    fs::path pattern = base_dir / include.text;
    std::string name = pattern.filename().string();
    if (name.find_first_of("*?") == std::string::npos) return {pattern};
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(pattern.parent_path(), ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && glob_match(name, it->path().filename().string()))
        found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  void merge(Document doc, int depth) {
    fs::path dir = fs::path(doc.file).parent_path();
    for (auto& list : doc.lists) {
      auto [it, inserted] = out_.lists.try_emplace(list.name, list);
      if (!inserted) duplicate(list.at, "list", list.name, it->second.at);
      if (!inserted && it->second.at.layer < list.at.layer)
        diagnostics_.back().message = "list '" + list.name + "' belongs to a lower layer (" +
                                      it->second.at.file + "); a layer may not change it — define a new list";
    }
    for (auto& macro : doc.macros) {
      auto [it, inserted] = out_.macros.try_emplace(macro.name, macro);
      if (!inserted) duplicate(macro.at, "macro", macro.name, it->second.at);
      if (!inserted && it->second.at.layer < macro.at.layer)
        diagnostics_.back().message = "macro '" + macro.name + "' belongs to a lower layer (" +
                                      it->second.at.file +
                                      "); a layer may not change it — define a new macro";
    }
    for (auto& rule : doc.rules) {
      if (rule.id.empty()) continue;
      auto seen = std::find_if(out_.rules.begin(), out_.rules.end(),
                               [&](const RuleDefinition& r) { return r.id == rule.id; });
      if (seen != out_.rules.end() && seen->at.layer < rule.at.layer) {
        if (rule.is_override)
          apply_override(*seen, rule);
        else
          diagnostics_.push_back(rule.at.error("rule '" + rule.id + "' is defined by a lower layer (" +
                                               seen->at.file +
                                               "); add `override: true` to tighten it, or choose a new id"));
        continue;
      }
      if (seen != out_.rules.end()) {
        duplicate(rule.at, "rule", rule.id, seen->at);
        continue;
      }
      if (rule.is_override) {
        diagnostics_.push_back(
            rule.at.error("rule '" + rule.id + "' has `override: true` but no lower layer defines it"));
        continue;
      }
      out_.rules.push_back(std::move(rule));
    }
    for (auto& e : doc.exceptions) out_.exceptions.push_back(std::move(e));
    auto append = [](std::vector<Located>& to, std::vector<Located>& from) {
      for (auto& item : from) to.push_back(std::move(item));
    };
    AllowDefinition& allow_into = doc.layer == 0 ? out_.allow : layer_allow_;
    append(allow_into.hosts, doc.allow.hosts);
    append(allow_into.commands, doc.allow.commands);
    append(allow_into.paths, doc.allow.paths);
    // An included file may only tighten settings: the strictest fail mode and the smallest limits win.
    if (doc.fail_mode) {
      out_.fail_mode = out_.fail_mode_set ? strictest(out_.fail_mode, *doc.fail_mode) : *doc.fail_mode;
      out_.fail_mode_set = true;
    }
    auto tighten = [](std::optional<size_t>& to, const std::optional<size_t>& from) {
      if (from) to = to ? std::min(*to, *from) : *from;
    };
    tighten(out_.limits.max_argument_bytes, doc.limits.max_argument_bytes);
    tighten(out_.limits.max_nesting, doc.limits.max_nesting);
    tighten(out_.limits.max_findings, doc.limits.max_findings);
    for (const auto& detector : doc.code_detectors)
      out_.code_detector_paths.push_back((dir / detector.text).lexically_normal().string());

    for (const auto& include : doc.includes) {
      if (depth + 1 > kMaxIncludeDepth) {
        diagnostics_.push_back(include.at.error("includes are nested deeper than 16 files; flatten them"));
        continue;
      }
      auto paths = expand_include(dir, include);
      if (paths.empty())
        diagnostics_.push_back(include.at.error("include '" + include.text +
                                                "' matched no file; check the path (relative to " +
                                                (dir.empty() ? std::string(".") : dir.string()) + ")"));
      for (const auto& path : paths) visit_file(path, include.at, depth + 1);
    }
  }

  void duplicate(const Position& at, std::string_view what, const std::string& name, const Position& first) {
    diagnostics_.push_back(at.error(std::string(what) + " '" + name + "' is defined twice (first at " +
                                    first.file + ":" + std::to_string(first.line) + ":" +
                                    std::to_string(first.column) + "); rename one or remove the duplicate"));
  }

  // Replaces list items that name another list by that list's items (Falco style), depth-capped.
  void expand_lists() {
    std::map<std::string, ListDefinition, std::less<>> expanded;
    for (const auto& [name, list] : out_.lists) {
      ListDefinition result{name, {}, list.at};
      std::vector<std::string> chain{name};
      expand_into(list, result.items, chain);
      expanded.emplace(name, std::move(result));
    }
    out_.lists = std::move(expanded);
  }

  void expand_into(const ListDefinition& list, std::vector<Located>& into, std::vector<std::string>& chain) {
    for (const auto& item : list.items) {
      auto other = out_.lists.find(item.text);
      if (other == out_.lists.end()) {
        if (std::none_of(into.begin(), into.end(), [&](const Located& l) { return l.text == item.text; }))
          into.push_back(item);
        continue;
      }
      if (std::find(chain.begin(), chain.end(), item.text) != chain.end() || chain.size() >= kMaxListDepth) {
        diagnostics_.push_back(item.at.error("list '" + item.text + "' refers back to itself through '" +
                                             chain.front() + "'; break the cycle"));
        continue;
      }
      chain.push_back(item.text);
      expand_into(other->second, into, chain);
      chain.pop_back();
    }
  }

  Diagnostics& diagnostics_;
  Collection out_;
  std::set<std::string> visited_;
  AllowDefinition layer_allow_;  // the current higher layer's entries, narrowed into out_.allow
  int layer_ = 0;
};

}  // namespace

Collection collect(std::string_view root_text, const std::string& root_name, Diagnostics& diagnostics) {
  return Collector(diagnostics).run({LayerSource{std::string(root_text), root_name}});
}

Collection collect_layers(const std::vector<LayerSource>& layers, Diagnostics& diagnostics) {
  return Collector(diagnostics).run(layers);
}

}  // namespace toolwall::policy
