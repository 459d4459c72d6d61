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
  std::map<std::string, ListDefinition, std::less<>> lists;  // items fully expanded
  std::map<std::string, MacroDefinition, std::less<>> macros;
  std::vector<RuleDefinition> rules;  // in load order (include order)
  std::vector<ExceptionDefinition> exceptions;
  AllowDefinition allow;
  Action fail_mode = Action::block;
  bool fail_mode_set = false;
  LimitsDefinition limits;
  std::vector<std::string> code_detector_paths;  // resolved against the file that named them
};

// One layer's root file: the base policy first, then org, team, user layers that may only tighten.
struct LayerSource {
  std::string text;
  std::string name;
};

// Reads `root_text` (named `root_name`) and every file it includes; all problems go to `diagnostics`.
Collection collect(std::string_view root_text, const std::string& root_name, Diagnostics& diagnostics);
// Reads the layers in order and merges them so that each may only tighten the ones below it:
// new rules and overrides that raise an action are fine; changing a lower layer's lists, macros or
// conditions, disabling or lowering a rule, adding allowlist entries, or an exception to a locked
// rule are errors at their file:line:col.
Collection collect_layers(const std::vector<LayerSource>& layers, Diagnostics& diagnostics);

}  // namespace toolwall::policy
