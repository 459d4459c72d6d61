#pragma once
// Shared fixtures for the code analysis tests: the shipped detector packs, loaded once.
#include <algorithm>
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "analysis/code/analyzer.h"
#include "core/diagnostic.h"

namespace toolwall::code::test {

inline std::shared_ptr<const Analyzer> shipped_analyzer() {
  static const auto analyzer = [] {
    auto loaded = Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
    if (!loaded) FAIL("rules/code does not load:\n" << to_string(loaded.error()));
    return *loaded;
  }();
  return analyzer;
}

inline bool has_detector(const Facts& facts, const std::string& id) {
  return std::any_of(facts.code.begin(), facts.code.end(),
                     [&](const CodeMatch& m) { return m.detector == id; });
}

inline std::string detectors_of(const Facts& facts) {
  std::string out;
  for (const auto& m : facts.code) out += m.detector + "@" + std::to_string(m.location.line) + " ";
  return out;
}

// Checks whether the shipped detectors find `detector` in `code` written to `path`, showing what they
// found when the check fails.
inline void check_detector(const char* path, const std::string& code, const char* detector, bool should_match) {
  auto facts = shipped_analyzer()->analyze_write(path, code);
  INFO(path << ":\n" << code << "\nfound: " << detectors_of(facts));
  CHECK(has_detector(facts, detector) == should_match);
}

}  // namespace toolwall::code::test
