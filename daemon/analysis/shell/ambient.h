#pragma once
// Variables that change what later programs load, run or fetch (walker: ambient.cpp).
#include <string>
#include <string_view>

namespace toolwall::shell {

// NODE_OPTIONS, LD_PRELOAD, RUBYOPT, PERL5OPT, PYTHONPATH, JAVA_TOOL_OPTIONS, BASH_ENV …, GIT_SSH,
// GIT_ASKPASS, RUSTC_WRAPPER …, GIT_CONFIG_GLOBAL / GIT_CONFIG_COUNT, PIP_INDEX_URL, npm_config_registry ….
bool is_ambient_variable(std::string_view name);

// The commands C or C++ source hands to a shell: the string literals given to system(), popen() and
// an exec of `sh -c`, one a line.
std::string shell_commands_in_c(std::string_view code);

}  // namespace toolwall::shell
