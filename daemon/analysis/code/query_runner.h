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
  uint64_t timeout_micros = 500'000;  // CPU time per detector run: the query and every where-check
  size_t max_matches = 200;           // reported per detector per file
};

// CPU time that one piece of work may still take. Text scans and regex searches of where-checks ask
// it as they go, so a hostile file ends with "incomplete" rather than holding a thread.
class WorkBudget {
 public:
  explicit WorkBudget(uint64_t deadline_cpu_micros) : deadline_(deadline_cpu_micros) {}
  bool exhausted();  // reads the clock every few calls; once true, stays true
  uint64_t deadline() const { return deadline_; }

 private:
  uint64_t deadline_;
  uint32_t calls_ = 0;
  bool exhausted_ = false;
};

struct RunResult {
  std::vector<CodeMatch> matches;  // span and node set; location.line/column set from the text
  bool hit_limit = false;  // a limit or the budget cut the run short: the matches may be partial
};

// All matches of one detector on one tree; `path` feeds path checks and CodeMatch.location.path.
RunResult run_detector(const Detector& detector, const SyntaxTree& tree, Language language,
                       const std::string& path, const QueryLimits& limits = {});

struct SetRunResult {
  std::vector<std::vector<CodeMatch>> matches;  // by index into DetectorSet::detectors
  bool hit_limit = false;                       // a limit or the budget cut the run short
};

// The matches of every detector of the set (or those `only` marks) with a query for the language, from
// one walk of the tree with the language's combined query; limits.timeout_micros covers the whole run.
SetRunResult run_detectors(const DetectorSet& set, const SyntaxTree& tree, Language language,
                           const std::string& path, const QueryLimits& limits = {},
                           const std::vector<bool>* only = nullptr);

// The literals each pattern of the query needs (from its predicates); built once when it compiles.
LiteralPrefilter build_prefilter(const CompiledQuery& compiled);

// 1-based line and column of a byte offset.
std::pair<uint32_t, uint32_t> line_column(std::string_view text, uint32_t offset);

// A marker covering [at, at + length) of a file's content, located by line and column.
Marker marker_in_file(std::string name, std::string detail, const std::string& path, std::string_view content, uint32_t at,
                      uint32_t length);

}  // namespace toolwall::code
