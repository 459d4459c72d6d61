// Every path of the code analyser runs within a work budget: a small hostile file ends with a verdict
// (a finding, or incomplete facts for the policy's fail mode), never a stall of a proxy thread.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <sstream>

#include "analysis/code/detector_loader.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/syntax.h"
#include "test_support.h"

using namespace toolwall;
using code::test::detectors_of;
using code::test::has_detector;
using code::test::shipped_analyzer;

namespace {

// A fuzzer input of fuzz_code_analyzer: a mode byte (0x80: the path is the first line; mode % 4 == 0:
// a whole-file write), then the path line, then the content.
std::pair<std::string, std::string> fuzz_write(const std::string& name) {
  std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + "/tests/fuzz/regressions/code_analyzer/" + name,
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  std::string input = bytes.str();
  REQUIRE(input.size() > 2);
  REQUIRE((static_cast<unsigned char>(input[0]) & 0x80) != 0);
  REQUIRE(static_cast<unsigned char>(input[0]) % 4 == 0);
  size_t eol = input.find('\n', 1);
  REQUIRE(eol != std::string::npos);
  return {input.substr(1, eol - 1), input.substr(eol + 1)};
}

// CPU seconds this thread spends in work().
template <class Work>
double cpu_seconds(Work&& work) {
  uint64_t started = toolwall::thread_cpu_micros();
  work();
  return static_cast<double>(toolwall::thread_cpu_micros() - started) / 1e6;
}

}  // namespace

TEST_CASE("the JavaScript write that once hung assigned_values ends within the budget") {
  auto [path, content] = fuzz_write("js-write-hangs-assigned-values");
  REQUIRE(path == "src/telemetry.js");
  auto analyzer = shipped_analyzer();
  Facts facts;
  double seconds = cpu_seconds([&] { facts = analyzer->analyze_write(path, content); });
  INFO("detectors: " << detectors_of(facts) << " incomplete: " << facts.incomplete_reason);
  // A MISSING identifier (empty text) in the fetch arguments made the assignment scan loop forever;
  // the environment sent to the network is still found.
  CHECK(seconds < 2.5);  // the parse cap (1 s) plus the detector budget (1 s), with room to spare
  CHECK(facts.complete);
  CHECK(has_detector(facts, "code.exfil.env-to-network"));
}

TEST_CASE("a long line naming the sent variable thousands of times is scanned once, not once per name") {
  std::string line;
  while (line.size() < 60000) line += "payload;";
  std::string content = "function send() {\n  fetch(url, { method: 'POST', body: payload });\n  " + line +
                        "\n  payload = JSON.stringify(process.env);\n}\n";
  auto analyzer = shipped_analyzer();
  Facts facts;
  double seconds = cpu_seconds([&] { facts = analyzer->analyze_write("src/send.js", content); });
  INFO("detectors: " << detectors_of(facts) << " incomplete: " << facts.incomplete_reason);
  CHECK(seconds < 2.5);
  CHECK(facts.complete);
  CHECK(has_detector(facts, "code.exfil.env-to-network"));  // the assignment after the line is followed
}

TEST_CASE("a detector run with no budget left says it was cut short") {
  auto set = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code/exfil.yaml"});
  REQUIRE(set);
  const code::Detector* env_to_network = nullptr;
  for (const auto& d : set.value()->detectors)
    if (d.id == "code.exfil.env-to-network") env_to_network = &d;
  REQUIRE(env_to_network);
  std::string content = "const data = JSON.stringify(process.env);\nfetch(url, { method: 'POST', body: data });\n";
  auto tree = code::parse(code::Language::javascript, content);
  REQUIRE(tree);
  auto ample = code::run_detector(*env_to_network, *tree, code::Language::javascript, "a.js");
  CHECK_FALSE(ample.hit_limit);
  CHECK(ample.matches.size() == 1);
  code::QueryLimits none;
  none.timeout_micros = 0;
  auto starved = code::run_detector(*env_to_network, *tree, code::Language::javascript, "a.js", none);
  CHECK(starved.hit_limit);
  CHECK(starved.matches.empty());
}
