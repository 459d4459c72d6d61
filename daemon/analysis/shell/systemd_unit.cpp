#include "analysis/shell/systemd_unit.h"

#include <cstring>
#include <regex>

namespace toolwall::shell {

std::vector<UnitCommand> unit_commands(std::string_view text) {
  static const std::regex kExec(R"(^\s*(Exec(Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)?)\s*=)");
  std::vector<UnitCommand> out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::cmatch m;
    if (std::regex_search(line.data(), line.data() + line.size(), m, kExec)) {
      size_t start = static_cast<size_t>(m.length(0));
      while (start < line.size() && std::strchr("@-:+!| \t", line[start])) ++start;  // systemd exec prefixes
      out.push_back({line.substr(static_cast<size_t>(m.position(1)), static_cast<size_t>(m.length(1))),
                     line.substr(start), static_cast<uint32_t>(begin + start)});
    }
    begin = end + 1;
  }
  return out;
}

}  // namespace toolwall::shell
