#include <catch2/catch.hpp>

#include "analysis/code/detector_loader.h"
#include "test_support.h"

using toolwall::to_string;
using toolwall::code::load_detectors_from_text;

TEST_CASE("the shipped detector packs load and their examples pass") {
  auto loaded = toolwall::code::Analyzer::load({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  INFO((loaded ? std::string() : to_string(loaded.error())));
  REQUIRE(loaded);
  auto ids = (*loaded)->detector_ids();
  CHECK(std::find(ids.begin(), ids.end(), "code.jwt.alg-confusion") != ids.end());
}

TEST_CASE("a query that does not compile is reported at its file and line") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.bad
    languages: [python]
    severity: high
    message: bad
    query: |
      (call function: (no_such_node))
)yaml",
                                         "pack.yaml");
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().size() >= 1);
  CHECK(loaded.error()[0].file == "pack.yaml");
  CHECK(loaded.error()[0].line == 7);
  CHECK(loaded.error()[0].message.find("unknown node type") != std::string::npos);
}

TEST_CASE("a detector whose example disagrees with it fails to load, with every problem at once") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.eval
    languages: [python]
    severity: high
    message: "eval of {arg}"
    query: |
      (call function: (identifier) @fn (#eq? @fn "eval") arguments: (argument_list (_) @arg)) @match
    examples:
      match: ["exec(x)"]
      no_match: ["eval(x)"]
  - id: code.test.other
    languages: [python, go]
    severity: nonsense
    message: m
    query: "(identifier) @match"
)yaml",
                                         "pack.yaml");
  REQUIRE_FALSE(loaded);
  std::string all = to_string(loaded.error());
  CHECK(all.find("should match but does not") != std::string::npos);
  CHECK(all.find("should not match but does") != std::string::npos);
  CHECK(all.find("severity must be") != std::string::npos);
}

TEST_CASE("unknown predicates and unknown where checks are load errors") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.pred
    languages: [python]
    severity: low
    message: m
    query: '((identifier) @x (#lua-match? @x "a"))'
    where:
      - capture: x
        sounds_like: y
)yaml",
                                         "p.yaml");
  REQUIRE_FALSE(loaded);
  std::string all = to_string(loaded.error());
  CHECK(all.find("unsupported predicate #lua-match?") != std::string::npos);
  CHECK(all.find("unknown where check 'sounds_like'") != std::string::npos);
}

TEST_CASE("predicates are evaluated by the host: eq, not-eq, match, not-match, any-of") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.preds
    languages: [python]
    severity: low
    message: "call {fn}"
    query: |
      (call function: (identifier) @fn
        (#not-eq? @fn "print")
        (#match? @fn "^[a-z]+$")
        (#not-match? @fn "^safe")
        (#any-of? @fn "run" "exec" "safeexec" "print")) @match
    examples:
      match: ["run(x)", "exec(y)"]
      no_match: ["print(x)", "safeexec(x)", "Run(x)", "other(x)"]
)yaml",
                                         "p.yaml");
  INFO((loaded ? std::string() : to_string(loaded.error())));
  REQUIRE(loaded);
}
