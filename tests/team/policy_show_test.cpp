#include <stdio.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("policy show prints each rule of a client's effective policy with the layer it came from") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("toolwall-show-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "base.yaml") << "version: 1\nrules:\n  - id: base.npm\n    match: { command: { name: [npm] } }\n"
                                      "    action: flag\n";
  std::ofstream(dir / "team.yaml") << "version: 1\nrules:\n  - id: team.curl\n    match: { command: { name: [curl] } }\n"
                                      "    action: block\n";
  std::ofstream(dir / "toolwall.yaml") << "policy: " << (dir / "base.yaml").string()
                                       << "\nclients:\n  - name: intern\n    token: tw-intern-0123456789abcdef\n"
                                          "    layers: ["
                                       << (dir / "team.yaml").string() << "]\n  - name: lead\n    token: tw-lead-0123456789abcdef\n";
  std::string binary = TOOLWALL_BINARY;
  std::string config = (dir / "toolwall.yaml").string();

  std::string intern = run(binary + " policy show --client intern --config " + config);
  CHECK(intern.find("client intern") != std::string::npos);
  CHECK(intern.find("base.npm") != std::string::npos);
  CHECK(intern.find("team.curl") != std::string::npos);
  CHECK(intern.find("block    " + (dir / "team.yaml").string()) != std::string::npos);
  CHECK(intern.find("flag     " + (dir / "base.yaml").string()) != std::string::npos);

  std::string lead = run(binary + " policy show --client lead --config " + config);
  CHECK(lead.find("base.npm") != std::string::npos);
  CHECK(lead.find("team.curl") == std::string::npos);

  CHECK(run(binary + " policy show --client nobody --config " + config).find("no client named 'nobody'") !=
        std::string::npos);
  fs::remove_all(dir);
}
