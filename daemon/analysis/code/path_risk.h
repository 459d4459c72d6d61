#pragma once
// Risk carried by where a file is written, whatever its content: hooks, ssh, rc files, system,
// CI configuration, cron, services.
#include <string>
#include <vector>

#include "core/facts.h"

namespace toolwall::code {

// `sensitive_path_write` markers (detail: git_hook, ssh, shell_rc, system, ci_config, cron, service)
// and `persistence_write` for authorized_keys and shell rc files. Location.path is set.
std::vector<Marker> path_risk_markers(const std::string& path);

}  // namespace toolwall::code
