#include "analysis/shell/rewrite.h"

#include <memory>

#include "analysis/shell/parser.h"

namespace toolwall::shell {
namespace {

std::string_view trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

// "&" after a statement runs it in the background: it belongs to the statement, not to the join.
bool backgrounds(std::string_view separator) {
  std::string_view t = trim(separator);
  return !t.empty() && t[0] == '&' && (t.size() == 1 || t[1] != '&');
}

std::string_view strip_background(std::string_view separator) {
  std::string_view t = trim(separator);
  if (backgrounds(separator)) return t.substr(1);
  return separator;
}

bool joins(std::string_view separator) {
  return separator.find_first_of(";\n") != std::string_view::npos || separator.find("&&") != std::string_view::npos ||
         separator.find("||") != std::string_view::npos;
}

}  // namespace

std::optional<std::string> drop_statements(std::string_view script, const std::vector<Span>& statements) {
  std::string lines(script);  // read as the analysis read it, so the statement spans match
  TSTree* raw = parse_bash_lines(lines, CpuDeadline::after_micros(200'000));
  if (!raw) return std::nullopt;
  std::unique_ptr<TSTree, void (*)(TSTree*)> tree(raw, ts_tree_delete);
  std::vector<Span> all;
  for (const auto& statement : top_level_statements(ts_tree_root_node(tree.get()))) all.push_back(statement.span);
  std::vector<bool> keep(all.size(), true);
  for (size_t i = 0; i < all.size(); ++i)
    for (const Span& drop : statements)
      if ((drop.begin == all[i].begin && drop.end == all[i].end) || all[i].contains(drop)) keep[i] = false;

  auto text = [&](size_t i) { return script.substr(all[i].begin, all[i].end - all[i].begin); };
  auto separator_after = [&](size_t i) {
    uint32_t end = i + 1 < all.size() ? all[i + 1].begin : static_cast<uint32_t>(script.size());
    return script.substr(all[i].end, end - all[i].end);
  };

  std::string out;
  long previous = -1;
  for (size_t i = 0; i < all.size(); ++i) {
    if (!keep[i]) continue;
    if (previous < 0) {
      if (i == 0) out += script.substr(0, all[0].begin);  // leading comments, shebang
    } else if (static_cast<size_t>(previous) + 1 == i) {
      out += separator_after(static_cast<size_t>(previous));
    } else {
      if (backgrounds(separator_after(static_cast<size_t>(previous)))) out += " &";
      std::string_view before = strip_background(separator_after(i - 1));
      if (!joins(before)) out += "; ";
      else out += before;
    }
    out += text(i);
    previous = static_cast<long>(i);
  }
  if (previous < 0) return std::nullopt;
  auto last = static_cast<size_t>(previous);
  if (last + 1 == all.size()) out += separator_after(last);
  else if (backgrounds(separator_after(last))) out += " &";
  else {
    // Keep a trailing newline if the script had one.
    if (!script.empty() && script.back() == '\n') out += '\n';
  }
  if (trim(out).empty()) return std::nullopt;
  return out;
}

}  // namespace toolwall::shell
