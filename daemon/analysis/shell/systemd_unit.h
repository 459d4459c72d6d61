#pragma once
// A systemd unit file's command lines: one reader for the shell walker, which runs the Exec lines of a
// unit written earlier when `systemctl enable/start` names it, and for the code analyser, which reads
// a written unit for them.
#include <cstdint>
#include <string_view>
#include <vector>

namespace toolwall::shell {

struct UnitCommand {
  std::string_view key;      // ExecStart, ExecStartPre, ExecStop …
  std::string_view command;  // the command line, after systemd's exec prefixes (@ - : + ! |)
  uint32_t offset;           // where the command starts in the unit's text
};

// Every Exec*= command line of a unit (ExecStart, ExecStartPre/Post, ExecStop/StopPost, ExecReload,
// ExecCondition), in the order written.
std::vector<UnitCommand> unit_commands(std::string_view text);

}  // namespace toolwall::shell
