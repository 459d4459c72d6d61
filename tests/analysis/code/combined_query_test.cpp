// One combined query per language (every detector's patterns, run in one walk of the tree) finds
// exactly what running each detector's own query finds.
#include <catch2/catch.hpp>

#include "analysis/code/detector_loader.h"
#include "analysis/code/query_runner.h"

using namespace toolwall;

namespace {

std::string describe(const std::vector<CodeMatch>& matches) {
  std::string out;
  for (const auto& m : matches)
    out += m.detector + "@" + std::to_string(m.span.begin) + "-" + std::to_string(m.span.end) + ":" +
           m.message + " ";
  return out;
}

}  // namespace

TEST_CASE("every shipped language has a combined query covering each of its detectors' patterns") {
  auto set = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(set);
  for (auto language : {code::Language::python, code::Language::javascript, code::Language::typescript,
                        code::Language::tsx, code::Language::go, code::Language::json, code::Language::yaml}) {
    INFO(code::to_string(language));
    const code::LanguagePlan* plan = (*set)->plan_for(language);
    REQUIRE(plan);
    size_t patterns = 0;
    for (const auto& d : (*set)->detectors)
      if (const auto* q = d.query_for(language)) patterns += q->predicates.size();
    CHECK(plan->pattern_detector.size() == patterns);
  }
}

TEST_CASE("the combined query finds what each detector's own query finds, on every example") {
  auto loaded = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(loaded);
  const code::DetectorSet& set = **loaded;
  size_t compared = 0, found = 0;
  for (const auto& source : set.detectors) {
    for (const auto& e : source.examples) {
      std::vector<code::Language> languages{e.language};
      if (e.language == code::Language::typescript) languages.push_back(code::Language::tsx);
      for (auto language : languages) {
        auto tree = code::parse(language, e.code);
        REQUIRE(tree);
        auto combined = code::run_detectors(set, *tree, language, e.path);
        CHECK_FALSE(combined.hit_limit);
        for (size_t d = 0; d < set.detectors.size(); ++d) {
          auto own = code::run_detector(set.detectors[d], *tree, language, e.path);
          INFO(set.detectors[d].id << " on an example of " << source.id << " in " << code::to_string(language)
                                   << ":\n" << e.code);
          CHECK(describe(combined.matches[d]) == describe(own.matches));
          found += own.matches.size();
          ++compared;
        }
      }
    }
  }
  CHECK(compared > 1000);
  CHECK(found > 100);
}

TEST_CASE("a run limited to some detectors reports only theirs") {
  auto loaded = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code/exfil.yaml"});
  REQUIRE(loaded);
  const code::DetectorSet& set = **loaded;
  std::string content = "const data = JSON.stringify(process.env);\nfetch(url, { method: 'POST', body: data });\n";
  auto tree = code::parse(code::Language::javascript, content);
  REQUIRE(tree);
  auto all = code::run_detectors(set, *tree, code::Language::javascript, "a.js");
  size_t env_to_network = set.detectors.size();
  for (size_t d = 0; d < set.detectors.size(); ++d)
    if (set.detectors[d].id == "code.exfil.env-to-network") env_to_network = d;
  REQUIRE(env_to_network < set.detectors.size());
  CHECK(all.matches[env_to_network].size() == 1);
  std::vector<bool> none_of_them(set.detectors.size(), true);
  none_of_them[env_to_network] = false;
  auto others = code::run_detectors(set, *tree, code::Language::javascript, "a.js", {}, &none_of_them);
  CHECK(others.matches[env_to_network].empty());
}
