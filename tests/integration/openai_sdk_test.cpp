#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

// Runs tests/integration/node (the real `openai` npm SDK against `toolwall serve`) as part of ctest.
// node_modules is not committed: `npm ci` installs the pinned SDK from the lockfile when missing.
TEST_CASE("the openai SDK's stream helpers and raw iterator assemble what toolwall serve lets through") {
  std::string dir = std::string(TOOLWALL_SOURCE_DIR) + "/tests/integration/node";
  std::string command = "cd '" + dir +
                        "' && (test -f node_modules/openai/package.json || npm ci --no-audit --no-fund --ignore-scripts)"
                        " && TOOLWALL_BINARY='" TOOLWALL_BINARY "' node --test 2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  int status = ::pclose(pipe);
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("# fail 0") != std::string::npos);
}
