#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

// Runs tests/integration/dialects (the Responses and Messages dialects through `toolwall serve`, with
// raw HTTP and the real `openai` and `@anthropic-ai/sdk` npm clients) as part of ctest.
TEST_CASE("the Responses and Messages dialects hold up through toolwall serve, raw and with the real SDKs") {
  std::string dir = std::string(TOOLWALL_SOURCE_DIR) + "/tests/integration/dialects";
  std::string command = "TOOLWALL_BINARY='" TOOLWALL_BINARY "' sh '" + dir + "/run.sh' 2>&1";
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
  CHECK(output.find("# pass 0") == std::string::npos);
}
