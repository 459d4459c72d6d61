#pragma once
// Code analysis: what a file-writing tool call (Write, Edit, replace_in_file, apply_patch …) puts on
// disk, the code detectors (rules/code/*.yaml) that match it, and the commands the file would run.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/expected.h"
#include "core/facts.h"

namespace toolwall::code {

struct DetectorSet;  // compiled detectors (detector.h)

class Analyzer {
 public:
  // Loads code detector packs (YAML files, or directories of *.yaml), compiles every query once and runs
  // every detector's examples; all problems reported at once with file:line:col.
  static Expected<std::shared_ptr<const Analyzer>, Diagnostics> load(
      const std::vector<std::string>& detector_paths);

  // Each returns Facts: `files` (the reconstructed FileChange list), `code` (CodeMatch per detector match,
  // with path/line/column), and shell facts (commands/flows/markers, Location.path/line/column/origin set)
  // for files that run commands, plus path-risk markers. Thread-safe, never throw; complete=false on limits.
  Facts analyze_write(std::string path, std::string content) const;
  Facts analyze_edit(std::string path, std::string old_text, std::string new_text) const;
  Facts analyze_search_replace(std::string path, std::string_view diff) const;  // Cline replace_in_file
  Facts analyze_patch(std::string_view apply_patch_text) const;                 // Codex apply_patch
  Facts analyze_files(std::vector<FileChange> files) const;                     // the common core

  // Only the data flows of code run from a command line (python -c, node -e): markers, no detectors (the
  // shell analyser's reading of the one-liner stands for those) — the follower over the spelled-out text.
  Facts follow_inline_code(const std::vector<FileChange>& code) const;

  // Data flows that exist only together with files earlier calls of the conversation wrote (a helper
  // written before that posts what it is given, called now with the environment): the markers the
  // files of `now` (a call's reconstructed files) and the `earlier` ones (newest first) they reach by a
  // name those define show as one program, less those facts or the earlier files alone already show,
  // are added to facts.
  void follow_with_earlier_files(const std::vector<FileChange>& now, const std::vector<FileChange>& earlier,
                                 Facts& facts) const;

  // Ids of the loaded detectors, in load order (for `policy lint` and tests).
  std::vector<std::string> detector_ids() const;

  explicit Analyzer(std::shared_ptr<const DetectorSet> detectors);

 private:
  std::shared_ptr<const DetectorSet> detectors_;
};

}  // namespace toolwall::code
