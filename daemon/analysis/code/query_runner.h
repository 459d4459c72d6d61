#pragma once
// Runs compiled detectors on a parsed file: matches, host predicates, where checks, CodeMatch facts.
#include <string>
#include <vector>

#include "analysis/code/detector.h"
#include "analysis/code/syntax.h"
#include "core/facts.h"

namespace toolwall::code {

struct QueryLimits {
  uint32_t match_limit = 512;         // in-progress matches per cursor
  uint64_t timeout_micros = 500'000;  // per detector run
  size_t max_matches = 200;           // reported per detector per file
};

struct RunResult {
  std::vector<CodeMatch> matches;  // span and node set; location.line/column set from the text
  bool hit_limit = false;
};

// All matches of one detector on one tree; `path` feeds path checks and CodeMatch.location.path.
RunResult run_detector(const Detector& detector, const SyntaxTree& tree, Language language,
                       const std::string& path, const QueryLimits& limits = {});

// 1-based line and column of a byte offset.
std::pair<uint32_t, uint32_t> line_column(std::string_view text, uint32_t offset);

}  // namespace toolwall::code
