#include "analysis/shell/cargo_config.h"

#include <algorithm>

#include "analysis/shell/name_set.h"
#include "analysis/shell/words.h"

namespace toolwall::shell {
namespace {

using Words = std::vector<std::pair<std::string, uint32_t>>;

// The TOML strings of a value ("…" or '…', alone or in a one-line array), each with the offset of its
// first character.
Words toml_strings(std::string_view value, uint32_t offset) {
  Words out;
  for (size_t i = 0; i < value.size() && value[i] != '#';) {
    char quote = value[i];
    if (quote != '"' && quote != '\'') {
      ++i;
      continue;
    }
    std::string text;
    size_t j = i + 1;
    for (; j < value.size() && value[j] != quote; ++j) {
      if (quote == '"' && value[j] == '\\' && j + 1 < value.size()) ++j;  // \" and \\ (other escapes are rare here)
      text += value[j];
    }
    out.emplace_back(std::move(text), offset + static_cast<uint32_t>(i + 1));
    i = j + 1;
  }
  return out;
}

Words split_on_spaces(const std::string& text, uint32_t offset) {
  Words words;
  for (size_t i = 0; i < text.size();) {
    size_t end = std::min(text.find(' ', i), text.size());
    if (end > i) words.emplace_back(text.substr(i, end - i), offset + static_cast<uint32_t>(i));
    i = end + 1;
  }
  return words;
}

// -C linker=PATH (or -Clinker=PATH) among rustflags.
void linkers_in_flags(const Words& flags, std::vector<CargoProgram>& out) {
  for (size_t i = 0; i < flags.size(); ++i) {
    std::string_view flag = flags[i].first;
    if (flag == "-C" && i + 1 < flags.size()) flag = flags[++i].first;
    else if (flag.substr(0, 2) == "-C") flag.remove_prefix(2);
    if (flag.substr(0, 7) == "linker=") out.push_back({"rustflags", {{std::string(flag.substr(7)), flags[i].second}}});
  }
}

}  // namespace

std::vector<CargoProgram> cargo_programs(std::string_view text) {
  static const NameSet programs{"linker", "runner", "rustc", "rustdoc", "rustc-wrapper", "rustc-workspace-wrapper",
                                "credential-provider", "global-credential-providers"};
  std::vector<CargoProgram> out;
  uint32_t offset = 0;
  for (std::string_view rest = text; !rest.empty();) {
    size_t end = std::min(rest.find('\n'), rest.size());
    std::string_view line = rest.substr(0, end);
    uint32_t line_at = offset;
    offset += static_cast<uint32_t>(std::min(end + 1, rest.size()));
    rest.remove_prefix(std::min(end + 1, rest.size()));
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#' || line[first] == '[') continue;
    size_t eq = line.find('=', first);
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(first, eq - first);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    if (size_t dot = key.rfind('.'); dot != std::string_view::npos) key.remove_prefix(dot + 1);  // target.x.linker
    bool flags = key == "rustflags";
    if (!flags && !programs.count(key)) continue;
    std::string_view value = line.substr(eq + 1);
    Words strings = toml_strings(value, line_at + static_cast<uint32_t>(eq + 1));
    size_t opening = value.find_first_not_of(" \t");
    bool array = opening != std::string_view::npos && value[opening] == '[';
    if (flags) {
      linkers_in_flags(strings, out);
    } else if (array && key != "global-credential-providers") {
      out.push_back({std::string(key), std::move(strings)});  // one program's words
    } else {
      // A string is a program and its arguments split on spaces, a linker's is its path alone; each of
      // global-credential-providers is one such string.
      bool path_alone = key == "linker" || key == "rustc" || key == "rustdoc";
      for (const auto& [string, at] : strings)
        out.push_back({std::string(key), path_alone ? Words{{string, at}} : split_on_spaces(string, at)});
    }
  }
  std::erase_if(out, [](const CargoProgram& p) { return p.words.empty() || p.words.front().first.empty(); });
  return out;
}

bool is_cargo_config(std::string_view path) {
  std::string_view base = base_name(path);
  if (base != "config.toml" && base != "config") return false;
  std::string_view directory = path.substr(0, path.size() - base.size());
  return directory == ".cargo/" || (directory.size() >= 8 && directory.substr(directory.size() - 8) == "/.cargo/");
}

}  // namespace toolwall::shell
