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

}  // namespace toolwall::code::test
