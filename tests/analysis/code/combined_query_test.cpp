// One combined query per language (every detector's patterns, run in one walk of the tree) finds
// exactly what each detector finds alone: run by itself on its slice of that query, and loaded by
// itself so that its text compiles as a query of its own.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

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

// Each shipped detector loaded from a pack of its own: its query text compiled alone.
std::map<std::string, std::shared_ptr<const code::DetectorSet>> each_detector_alone() {
  std::map<std::string, std::shared_ptr<const code::DetectorSet>> alone;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(TOOLWALL_SOURCE_DIR) + "/rules/code")) {
    if (entry.path().extension() != ".yaml") continue;
    YAML::Node pack = YAML::LoadFile(entry.path().string());
    for (const auto& node : pack["detectors"]) {
      YAML::Emitter out;
      out << YAML::BeginMap << YAML::Key << "detectors" << YAML::Value << YAML::BeginSeq << node << YAML::EndSeq
          << YAML::EndMap;
      auto loaded = code::load_detectors_from_text(out.c_str(), entry.path().string(), false);
      INFO((loaded ? std::string() : to_string(loaded.error())));
      REQUIRE(loaded);
      alone[node["id"].Scalar()] = *loaded;
    }
  }
  return alone;
}

}  // namespace

TEST_CASE("every detector of a language is a slice of one query compiled once") {
  auto set = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(set);
  for (auto language : {code::Language::python, code::Language::go, code::Language::yaml}) {
    INFO(code::to_string(language));
    const code::LanguagePlan* plan = (*set)->plan_for(language);
    REQUIRE(plan);
    size_t slices = 0;
    for (const auto& d : (*set)->detectors) {
      const auto* q = d.query_for(language);
      if (!q) continue;
      CHECK(q->query == plan->combined.query);
      CHECK(plan->pattern_detector.at(q->first_pattern) == static_cast<uint32_t>(&d - &(*set)->detectors[0]));
      ++slices;
    }
    CHECK(slices > 1);
  }
}

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
  auto alone = each_detector_alone();
  REQUIRE(alone.size() == set.detectors.size());
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
          const code::DetectorSet& by_itself = *alone.at(set.detectors[d].id);
          auto compiled_alone = code::run_detector(by_itself.detectors[0], *tree, language, e.path);
          INFO(set.detectors[d].id << " on an example of " << source.id << " in " << code::to_string(language)
                                   << ":\n" << e.code);
          CHECK(describe(combined.matches[d]) == describe(own.matches));
          CHECK(describe(own.matches) == describe(compiled_alone.matches));
          if (by_itself.detectors[0].query_for(language))
            CHECK(by_itself.detectors[0].query_for(language)->query != set.detectors[d].query_for(language)->query);
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
