#pragma once
// A problem found in an input file (policy, profiles, config), located for a person to fix.
#include <string>
#include <vector>

namespace toolwall {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string message;

  // "file:line:column: message", the form editors and compilers use.
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

// All diagnostics, one per line.
std::string to_string(const Diagnostics& diagnostics);

}  // namespace toolwall
