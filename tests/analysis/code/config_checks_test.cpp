// Settings read from configuration files by their text: credentials in a known issuer's format in files
// no grammar reads.
#include "analysis/code/config_checks.h"

#include <catch2/catch.hpp>

#include "analysis/code/text_checks.h"
#include "test_support.h"

using namespace toolwall;
using namespace toolwall::code;
using code::test::shipped_analyzer;

TEST_CASE("issuers' credential formats are known, placeholders of them are not") {
  CHECK(known_secret_shape("Bearer lin_api_7Hq2mW9xK4pZr1VbN8cT3yLd5sFgJ0eA6uQiOo2") == "linear_api_key");
  CHECK(known_secret_shape("dop_v1_4f9e2c7a1b3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7") == "digitalocean_token");
  CHECK(known_secret_shape("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") == "shopify_token");
  CHECK(known_secret_shape("dapi4f9e2c7a1b3d5e6f708192a3b4c5d6e7") == "databricks_token");
  CHECK(known_secret_shape("lin_api_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").empty());  // one repeated character
}

TEST_CASE("a credential written into a file no grammar reads is marked at its line") {
  auto npmrc = hardcoded_secret_lines(".npmrc", "registry=https://registry.npmjs.org/\n"
                                                "//registry.npmjs.org/:_authToken=npm_R7kq2XcV9pLmT4wZ8yHs3NbQ1aFd6JeU0gYi\n");
  REQUIRE(npmrc.size() == 1);
  CHECK(npmrc[0].name == "hardcoded_secret");
  CHECK(npmrc[0].location.line == 2);
  CHECK(hardcoded_secret_lines(".idea/workspace.xml", "<env name=\"AWS_ACCESS_KEY_ID\" value=\"AKIA4R7XQ2MZK9PL3TNB\" />\n")
            .size() == 1);
  // Variables, documentation's sample keys and placeholders are not credentials.
  CHECK(hardcoded_secret_lines(".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n").empty());
  CHECK(hardcoded_secret_lines("notes.txt", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n").empty());
  CHECK(hardcoded_secret_lines("deploy.sh", "export GITHUB_TOKEN=ghp_your-token-here-xxxxxxxxxxxxxxxxxxxxx\n").empty());
}

TEST_CASE("the analyser marks such files and leaves code files to the secret detectors") {
  auto rc = shipped_analyzer()->analyze_write(".npmrc", "//registry.npmjs.org/:_authToken=npm_R7kq2XcV9pLmT4wZ8yHs3NbQ1aFd6JeU0gYi\n");
  bool marked = false;
  for (const auto& m : rc.markers) marked = marked || m.name == "hardcoded_secret";
  CHECK(marked);
  auto code = shipped_analyzer()->analyze_write("app/settings.py", "TOKEN = \"ghp_1a2B3c4D5e6F7g8H9i0J1k2L3m4N5o6P7q8R\"\n");
  for (const auto& m : code.markers) CHECK(m.name != "hardcoded_secret");
}
