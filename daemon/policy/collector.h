#pragma once
// Stage 2 of loading: follows includes and merges every file's definitions into one Collection —
// lists expanded, names unique, settings combined so that an included file can only tighten them.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/definitions.h"

namespace toolwall::policy {

struct Collection {
  std::map<std::string, ListDefinition, std::less<>> lists;   // items fully expanded
  std::map<std::string, MacroDefinition, std::less<>> macros;
  std::vector<RuleDefinition> rules;                          // in load order (include order)
  std::vector<ExceptionDefinition> exceptions;
  AllowDefinition allow;
  Action fail_mode = Action::block;
  bool fail_mode_set = false;
  LimitsDefinition limits;
  std::vector<std::string> code_detector_paths;  // resolved against the file that named them
};

// Reads `root_text` (named `root_name`) and every file it includes; all problems go to `diagnostics`.
Collection collect(std::string_view root_text, const std::string& root_name, Diagnostics& diagnostics);

}  // namespace toolwall::policy
