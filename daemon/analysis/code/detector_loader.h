#pragma once
// Loads code detector packs: read every pack's YAML with positions, compile each language's detector
// texts as one query (each detector keeps its slice; a text compiles alone only to place an error),
// then run every detector's examples. All problems come back together, each with file:line:col.
#include <memory>
#include <string>
#include <vector>

#include "analysis/code/detector.h"
#include "core/diagnostic.h"
#include "core/expected.h"

namespace toolwall::code {

// paths: YAML files, or directories whose *.yaml / *.yml files load in name order.
Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors(
    const std::vector<std::string>& paths);

// Loads one pack from text (tests, `policy lint` on a buffer); `file` names it in diagnostics.
// check_examples=false skips running the examples (for developing a detector against its examples).
Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors_from_text(
    const std::string& text, const std::string& file, bool check_examples = true);

}  // namespace toolwall::code
