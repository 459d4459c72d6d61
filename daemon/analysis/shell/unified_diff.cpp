#include "analysis/shell/unified_diff.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace toolwall::shell {
namespace {

constexpr size_t kMostFiles = 64;

struct Lines {
  std::string_view text;
  size_t at = 0;
  bool done() const { return at >= text.size(); }
  std::string_view next() {
    if (done()) return {};  // past the last line (peeking after it, too) there is nothing
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  std::string_view peek() const {
    Lines copy = *this;
    return copy.next();
  }
};

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The path of a `--- ` / `+++ ` line: up to a tab (a timestamp follows), quotes not undone.
std::string_view header_path(std::string_view line) {
  std::string_view path = line.substr(4);
  if (size_t tab = path.find('\t'); tab != std::string_view::npos) path = path.substr(0, tab);
  while (!path.empty() && path.back() == ' ') path.remove_suffix(1);
  return path;
}

std::string stripped(std::string_view path, const DiffReading& reading) {
  int strip = reading.strip ? *reading.strip : (starts_with(path, "a/") || starts_with(path, "b/") ? 1 : 0);
  for (int i = 0; i < strip; ++i) {
    size_t slash = path.find('/');
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  std::string out = reading.directory.empty() ? std::string() : reading.directory + "/";
  return out + std::string(path);
}

// "@@ -12,5 +12,7 @@": the old and new line counts (a count left out is 1).
bool hunk_counts(std::string_view line, size_t& old_count, size_t& new_count) {
  auto count_after = [&](char sign, size_t& count) {
    size_t at = line.find(sign, 2);
    if (at == std::string_view::npos) return false;
    size_t comma = line.find(',', at);
    size_t space = std::min(line.find(' ', at), line.size());  // a header cut short ends the count
    count = 1;
    if (comma != std::string_view::npos && comma < space) {
      auto [end, error] = std::from_chars(line.data() + comma + 1, line.data() + space, count);
      if (error != std::errc()) return false;
    }
    return true;
  };
  return starts_with(line, "@@ ") && count_after('-', old_count) && count_after('+', new_count);
}

}  // namespace

std::vector<FileChange> unified_diff_changes(std::string_view text, const DiffReading& reading) {
  std::vector<FileChange> out;
  Lines lines{text};
  std::string old_path, new_path;
  FileChange* current = nullptr;
  while (!lines.done()) {
    std::string_view line = lines.next();
    if (starts_with(line, "--- ") && starts_with(lines.peek(), "+++ ")) {
      old_path = std::string(header_path(line));
      new_path = std::string(header_path(lines.next()));
      current = nullptr;
      if (out.size() >= kMostFiles) break;
      // Applied in reverse, the old side is what is left: undoing a creation removes the file.
      const std::string& before = reading.reverse ? new_path : old_path;
      const std::string& after = reading.reverse ? old_path : new_path;
      bool created = before == "/dev/null", removed = after == "/dev/null";
      const std::string& written = removed ? before : after;
      FileChange change;
      change.path = reading.only_file.empty() ? stripped(written, reading) : reading.only_file;
      change.whole_file = created;
      change.deleted = removed;
      out.push_back(std::move(change));
      current = &out.back();
      continue;
    }
    size_t old_left = 0, new_left = 0;
    if (!current || !hunk_counts(line, old_left, new_left)) continue;
    while (!lines.done() && (old_left > 0 || new_left > 0)) {
      std::string_view body = lines.next();
      char kind = body.empty() ? ' ' : body[0];  // an empty line is an empty context line to some tools
      std::string_view content = body.empty() ? body : body.substr(1);
      bool to_new = kind == ' ' || kind == (reading.reverse ? '-' : '+');
      bool to_old = kind == ' ' || kind == (reading.reverse ? '+' : '-');
      if (kind == '\\') continue;  // "\ No newline at end of file"
      if (!to_new && !to_old) break;  // not a hunk line: the counts were wrong
      if (to_new) current->new_text.append(content).push_back('\n');
      if (to_old) current->old_text.append(content).push_back('\n');
      if (kind == ' ' || kind == '+') new_left -= new_left > 0 ? 1 : 0;
      if (kind == ' ' || kind == '-') old_left -= old_left > 0 ? 1 : 0;
    }
  }
  for (auto& change : out)
    if (change.whole_file) change.old_text.clear();
  return out;
}

}  // namespace toolwall::shell
