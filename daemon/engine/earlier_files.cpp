#include "engine/earlier_files.h"

#include "analysis/code/change_parsers.h"

namespace toolwall::engine {

std::vector<FileChange> files_written_by(const ResolvedCall& call) {
  auto change = [](std::string path, std::string new_text, std::string old_text, bool whole) {
    FileChange c;
    c.path = std::move(path);
    c.new_text = std::move(new_text);
    c.old_text = std::move(old_text);
    c.whole_file = whole;
    return c;
  };
  switch (call.shape) {
    case FileShape::write:
      return {change(call.path, call.content, "", true)};
    case FileShape::edit:
    case FileShape::multi_edit: {
      std::vector<FileChange> out;
      for (const auto& e : call.edits) out.push_back(change(call.path, e.new_text, e.old_text, false));
      return out;
    }
    case FileShape::search_replace:
      return code::parse_search_replace(call.path, call.diff).files;
    case FileShape::patch:
      return code::parse_apply_patch(call.diff).files;
    case FileShape::none:
      return {};
  }
  return {};
}

namespace {

// Newest first: a script's later writes come after its earlier ones.
void add_written_by_script(const std::string& script, const LeftBehindMemo* memo, std::vector<FileChange>& out) {
  if (memo) {
    auto left = memo->of(script);
    out.insert(out.end(), left->written.rbegin(), left->written.rend());
    return;
  }
  auto written = shell::left_behind(script).written;
  out.insert(out.end(), std::make_move_iterator(written.rbegin()), std::make_move_iterator(written.rend()));
}

}  // namespace

std::vector<FileChange> files_written_earlier(const Profiles& profiles, const ToolCall& call,
                                              const LeftBehindMemo* memo, size_t most_calls) {
  std::vector<FileChange> out;
  if (!call.earlier) return out;
  const auto& earlier = *call.earlier;
  size_t first = earlier.size() > most_calls ? earlier.size() - most_calls : 0;
  for (size_t i = earlier.size(); i-- > first;) {
    const ToolCall& each = earlier[i];
    if (!each.arguments_valid) continue;
    ResolvedCall resolved = profiles.resolve(each);
    if (!resolved.error.empty()) continue;
    if (resolved.kind == ToolKind::shell) add_written_by_script(resolved.command, memo, out);
    if (!writes_files(resolved.kind)) continue;
    for (auto& change : files_written_by(resolved)) out.push_back(std::move(change));
  }
  return out;
}

}  // namespace toolwall::engine
