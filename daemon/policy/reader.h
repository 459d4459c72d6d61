#pragma once
// Stage 1 of loading: one YAML text to a Document of definitions with positions.
// Structure is checked here (unknown keys, wrong types); conditions are checked by the compiler.
#include <string>
#include <string_view>

#include "core/diagnostic.h"
#include "policy/definitions.h"

namespace toolwall::policy {

// Reads one policy file's text; problems are appended to `diagnostics`, never thrown.
Document read_document(std::string_view yaml, const std::string& file, int layer, Diagnostics& diagnostics);

// Converts a YAML node to JSON (scalars stay strings unless they read as numbers or booleans).
nlohmann::json yaml_to_json(const YAML::Node& node, int depth = 0);

}  // namespace toolwall::policy
