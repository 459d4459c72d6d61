#pragma once
// Risk carried by where a file is written, whatever its content: hooks, ssh, rc files, system,
// CI configuration, cron, services.
#include <string>
#include <string_view>
#include <vector>

#include "core/facts.h"

namespace toolwall::code {

// `sensitive_path_write` markers (detail: git_hook, ssh, shell_rc, system, ci_config, cron, service)
// and `persistence_write` for authorized_keys, shell rc files and Python startup files that run code
// (content: what is written, for the .pth files whose lines are only paths). Location.path is set.
std::vector<Marker> path_risk_markers(const std::string& path, std::string_view content);

}  // namespace toolwall::code
