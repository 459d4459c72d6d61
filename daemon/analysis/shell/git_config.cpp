#include "analysis/shell/git_config.h"

#include "core/text.h"

namespace toolwall::shell {
namespace {

std::string section_of(std::string_view header) {
  std::string section = lower(header.substr(0, std::min(header.find_first_of(" \t\""), header.size())));
  size_t quote = header.find('"');
  size_t end = header.rfind('"');
  if (quote != std::string_view::npos && end > quote) {  // [diff "pdf"] → diff.pdf
    section += '.';
    section.append(header.substr(quote + 1, end - quote - 1));
  }
  return section;
}

// The value after `=`, from line_offset + start: quotes toggle, escapes decode, and an unquoted # or ;
// after a blank starts a comment.
void read_value(std::string_view line, size_t start, uint32_t line_offset, GitConfigEntry& entry) {
  bool quoted = false;
  auto add = [&](char c, size_t at) {
    entry.value += c;
    entry.offsets.push_back(line_offset + static_cast<uint32_t>(at));
  };
  for (size_t i = start; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      char next = line[++i];
      add(next == 'n' ? '\n' : next == 't' ? '\t' : next, i);
    } else if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '#' || c == ';') &&
               (entry.value.empty() || entry.value.back() == ' ' || entry.value.back() == '\t')) {
      // git ends the value at any unquoted # or ;. Read only those after a blank as comments, so a
      // payload git would cut short (`… 2>&1; exec ssh`) is still read whole.
      break;
    } else if (c != '\r') {
      add(c, i);
    }
  }
  size_t begin = entry.value.find_first_not_of(" \t");
  if (begin == std::string::npos) begin = entry.value.size();
  size_t end = entry.value.find_last_not_of(" \t");
  end = end == std::string::npos ? begin : end + 1;
  entry.value = entry.value.substr(begin, end - begin);
  entry.offsets = std::vector<uint32_t>(entry.offsets.begin() + static_cast<std::ptrdiff_t>(begin),
                                        entry.offsets.begin() + static_cast<std::ptrdiff_t>(end));
}

}  // namespace

std::vector<GitConfigEntry> git_config_entries(std::string_view text) {
  std::vector<GitConfigEntry> out;
  std::string section;
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = std::min(text.find('\n', line_start), text.size());
    std::string_view line = text.substr(line_start, line_end - line_start);
    uint32_t offset = static_cast<uint32_t>(line_start);
    line_start = line_end + 1;
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#' || line[first] == ';') continue;
    if (line[first] == '[') {
      size_t close = line.find(']', first);
      if (close != std::string_view::npos) section = section_of(line.substr(first + 1, close - first - 1));
      continue;
    }
    size_t equals = line.find('=', first);
    std::string_view name = line.substr(first, std::min(equals, line.size()) - first);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t' || name.back() == '\r')) name.remove_suffix(1);
    if (section.empty() || name.empty()) continue;
    GitConfigEntry entry{section + "." + std::string(name), {}, {}};
    if (equals != std::string_view::npos) read_value(line, equals + 1, offset, entry);
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace toolwall::shell
