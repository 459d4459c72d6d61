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

TEST_CASE("a bad query among good ones is reported at its own line, and only it") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.first
    languages: [python]
    severity: low
    message: m
    query: "(call function: (identifier) @match)"
  - id: code.test.bad
    languages: [python]
    severity: low
    message: m
    query: |
      (call
        function: (no_such_node) @match)
  - id: code.test.last
    languages: [python]
    severity: low
    message: m
    query: "(string) @match"
)yaml",
                                         "pack.yaml", false);
  REQUIRE_FALSE(loaded);
  REQUIRE(loaded.error().size() == 1);
  CHECK(loaded.error()[0].line == 13);
  CHECK(loaded.error()[0].message.find("code.test.bad: query does not compile for python: unknown node type") == 0);
}

TEST_CASE("two texts that are incomplete alone do not join into one pattern") {
  // Compiled together, "(call function: (identifier) @fn" and ") @match" make one valid pattern.
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.open
    languages: [python]
    severity: low
    message: m
    query: "(call function: (identifier) @fn"
  - id: code.test.close
    languages: [python]
    severity: low
    message: m
    query: ") @match"
)yaml",
                                         "pack.yaml", false);
  REQUIRE_FALSE(loaded);
  std::string all = to_string(loaded.error());
  CHECK(all.find("code.test.open: query does not compile") != std::string::npos);
  CHECK(all.find("code.test.close: query does not compile") != std::string::npos);
}

TEST_CASE("a where check may name only captures of its own detector's query") {
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.has-secret
    languages: [python]
    severity: low
    message: m
    query: "(assignment left: (identifier) @secret) @match"
  - id: code.test.borrows
    languages: [python]
    severity: low
    message: m
    query: "(call function: (identifier) @fn) @match"
    where:
      - capture: secret
        text_matches: "key"
)yaml",
                                         "pack.yaml", false);
  REQUIRE_FALSE(loaded);
  std::string all = to_string(loaded.error());
  CHECK(all.find("code.test.borrows: where names @secret but the python query has no such capture") !=
        std::string::npos);
  CHECK(all.find("code.test.has-secret") == std::string::npos);
}

TEST_CASE("each detector's predicates are its own in the shared query") {
  // The second detector's #eq? must apply to its own pattern, not to the first detector's.
  auto loaded = load_detectors_from_text(R"yaml(detectors:
  - id: code.test.any-call
    languages: [python]
    severity: low
    message: "call {fn}"
    query: "(call function: (identifier) @fn) @match"
    examples:
      match: ["run(x)", "eval(x)"]
  - id: code.test.eval-only
    languages: [python]
    severity: low
    message: "eval"
    query: '((call function: (identifier) @fn) @match (#eq? @fn "eval"))'
    examples:
      match: ["eval(x)"]
      no_match: ["run(x)"]
)yaml",
                                         "pack.yaml");
  INFO((loaded ? std::string() : to_string(loaded.error())));
  REQUIRE(loaded);
  const auto& set = **loaded;
  REQUIRE(set.detectors.size() == 2);
  CHECK(set.detectors[0].query_for(toolwall::code::Language::python)->first_pattern == 0);
  CHECK(set.detectors[1].query_for(toolwall::code::Language::python)->first_pattern == 1);
}
