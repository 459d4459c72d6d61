#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "policy/policy.h"

using toolwall::Action;
using toolwall::Command;
using toolwall::Facts;
using toolwall::ToolKind;
using toolwall::policy::Policy;
using toolwall::policy::Subject;

namespace {

namespace fs = std::filesystem;

const char* kBase = R"Y(
lists:
  trusted: [a.example]
rules:
  - id: sudo
    match: { command: { name: [sudo] } }
    action: flag
  - id: curl
    match: { command: { name: [curl] } }
    action: flag
    allowlistable: true
  - id: locked-rule
    match: { command: { name: [nc] } }
    action: block
    locked: true
allow:
  commands: ["curl -s:*", "curl -I:*"]
)Y";

struct Layers {
  fs::path dir;
  std::vector<std::string> paths;
  Layers(std::initializer_list<std::string> texts) {
    dir = fs::temp_directory_path() / "toolwall_layers_test";
    fs::remove_all(dir);
    fs::create_directories(dir);
    int i = 0;
    for (const auto& text : texts) {
      fs::path p = dir / ("layer" + std::to_string(i++) + ".yaml");
      std::ofstream(p) << text;
      paths.push_back(p.string());
    }
  }
  ~Layers() { fs::remove_all(dir); }
};

Action judge(const Policy& policy, std::vector<std::string> argv) {
  Facts facts;
  Command c;
  c.name = argv.front();
  c.argv = std::move(argv);
  c.statement = {0, 5};
  facts.commands.push_back(c);
  return policy.evaluate(Subject{ToolKind::shell, "Bash", "claude-code", facts}).action;
}

std::string errors_of(const std::vector<std::string>& paths) {
  auto loaded = Policy::load_layers(paths);
  REQUIRE_FALSE(loaded.has_value());
  return toolwall::to_string(loaded.error());
}

}  // namespace

TEST_CASE("a higher layer may add rules, raise an action and narrow an allowlist") {
  Layers layers{kBase, R"Y(
rules:
  - id: sudo
    override: true
    action: block
  - id: wget
    match: { command: { name: [wget] } }
    action: flag
allow:
  commands: ["curl -s:*"]
)Y"};
  auto loaded = Policy::load_layers(layers.paths);
  INFO((loaded ? std::string() : toolwall::to_string(loaded.error())));
  REQUIRE(loaded.has_value());
  const Policy& policy = **loaded;
  CHECK(judge(policy, {"sudo", "ls"}) == Action::block);
  CHECK(judge(policy, {"wget", "x"}) == Action::flag);
  CHECK(judge(policy, {"curl", "-s", "x"}) == Action::allow);
  CHECK(judge(policy, {"curl", "-I", "x"}) == Action::flag);  // narrowed away by the upper layer
}

TEST_CASE("a higher layer that loosens is rejected at its position") {
  Layers layers{kBase, R"Y(
lists:
  trusted: [b.example]
rules:
  - id: sudo
    override: true
    action: allow
  - id: curl
    match: { command: { name: [curl] } }
    action: flag
  - id: locked-rule
    override: true
    match: { command: { name: [ncat] } }
exceptions:
  - rule: locked-rule
    match: { incomplete: false }
allow:
  hosts: [evil.example]
)Y"};
  auto text = errors_of(layers.paths);
  INFO(text);
  std::string layer1 = layers.paths[1];
  CHECK(text.find(layer1 + ":3:3: list 'trusted' belongs to a lower layer") != std::string::npos);
  CHECK(text.find(layer1 + ":5:5: override of rule 'sudo' lowers its action from flag to allow") !=
        std::string::npos);
  CHECK(text.find(layer1 + ":8:5: rule 'curl' is defined by a lower layer") != std::string::npos);
  CHECK(text.find(layer1 + ":11:5: override of rule 'locked-rule' changes its condition") !=
        std::string::npos);
  CHECK(text.find(layer1 + ":15:11: rule 'locked-rule' is locked by a lower layer") != std::string::npos);
  CHECK(text.find(layer1 + ":18:11: allow.hosts adds entries no lower layer allows") != std::string::npos);
}

TEST_CASE("an override with nothing below it is an error") {
  Layers layers{"rules:\n  - id: x\n    override: true\n    action: block\n"};
  CHECK(errors_of(layers.paths).find("no lower layer defines it") != std::string::npos);
}
