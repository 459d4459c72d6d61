#pragma once
// The git config file format (.git/config, ~/.gitconfig, include files): one reader for the shell
// walker, which follows the settings a script wrote, and for the code analyser, which reads a written
// config file for the commands it makes git run.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::shell {

struct GitConfigEntry {
  std::string key;               // section[.subsection].name, the section in lower case
  std::string value;             // quoting and backslash escapes undone, blanks at either end trimmed
  std::vector<uint32_t> offsets;  // each value byte's offset in the text
};

// Every setting of a git config file, in order (continuation lines are rare in hand-written files).
std::vector<GitConfigEntry> git_config_entries(std::string_view text);

}  // namespace toolwall::shell
