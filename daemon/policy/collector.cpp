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
constexpr size_t kMaxPolicyFileBytes = 4 * 1024 * 1024;

class Collector {
 public:
  explicit Collector(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  Collection run(std::string_view root_text, const std::string& root_name) {
    std::error_code ec;
    visited_.insert(fs::weakly_canonical(root_name, ec).string());
    visit_text(root_text, root_name, 0);
    expand_lists();
    return std::move(out_);
  }

 private:
  void visit_text(std::string_view text, const std::string& name, int depth) {
    Document doc = read_document(text, name, 0, diagnostics_);
    merge(std::move(doc), depth);
  }

  void visit_file(const fs::path& path, const Position& included_at, int depth) {
    std::error_code ec;
    auto canonical = fs::weakly_canonical(path, ec).string();
    if (!visited_.insert(canonical).second) {
      diagnostics_.push_back(included_at.error("'" + path.string() + "' is included twice (or includes itself); include it once"));
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
      if (it->is_regular_file() && glob_match(name, it->path().filename().string())) found.push_back(it->path());
    }
    std::sort(found.begin(), found.end());
    return found;
  }

  void merge(Document doc, int depth) {
    if (depth == 0) root_dir_ = fs::path(doc.file).parent_path();
    fs::path dir = fs::path(doc.file).parent_path();
    for (auto& list : doc.lists) {
      auto [it, inserted] = out_.lists.try_emplace(list.name, list);
      if (!inserted) duplicate(list.at, "list", list.name, it->second.at);
    }
    for (auto& macro : doc.macros) {
      auto [it, inserted] = out_.macros.try_emplace(macro.name, macro);
      if (!inserted) duplicate(macro.at, "macro", macro.name, it->second.at);
    }
    for (auto& rule : doc.rules) {
      if (rule.id.empty()) continue;
      auto seen = rule_ids_.find(rule.id);
      if (seen != rule_ids_.end()) {
        duplicate(rule.at, "rule", rule.id, seen->second);
        continue;
      }
      rule_ids_.emplace(rule.id, rule.at);
      out_.rules.push_back(std::move(rule));
    }
    for (auto& e : doc.exceptions) out_.exceptions.push_back(std::move(e));
    auto append = [](std::vector<Located>& to, std::vector<Located>& from) {
      for (auto& item : from) to.push_back(std::move(item));
    };
    append(out_.allow.hosts, doc.allow.hosts);
    append(out_.allow.commands, doc.allow.commands);
    append(out_.allow.paths, doc.allow.paths);
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
        diagnostics_.push_back(include.at.error("include '" + include.text + "' matched no file; check the path (relative to " +
                                                (dir.empty() ? std::string(".") : dir.string()) + ")"));
      for (const auto& path : paths) visit_file(path, include.at, depth + 1);
    }
  }

  void duplicate(const Position& at, std::string_view what, const std::string& name, const Position& first) {
    diagnostics_.push_back(at.error(std::string(what) + " '" + name + "' is defined twice (first at " + first.file + ":" +
                                    std::to_string(first.line) + ":" + std::to_string(first.column) +
                                    "); rename one or remove the duplicate"));
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
        diagnostics_.push_back(item.at.error("list '" + item.text + "' refers back to itself through '" + chain.front() +
                                             "'; break the cycle"));
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
  std::map<std::string, Position> rule_ids_;
  fs::path root_dir_;
};

}  // namespace

Collection collect(std::string_view root_text, const std::string& root_name, Diagnostics& diagnostics) {
  return Collector(diagnostics).run(root_text, root_name);
}

}  // namespace toolwall::policy
