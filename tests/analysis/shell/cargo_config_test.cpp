#include <catch2/catch.hpp>

#include "analysis/shell/cargo_config.h"

using toolwall::shell::cargo_programs;
using toolwall::shell::is_cargo_config;

namespace {

std::vector<std::string> words_of(const toolwall::shell::CargoProgram& program) {
  std::vector<std::string> out;
  for (const auto& [word, at] : program.words) out.push_back(word);
  return out;
}

}  // namespace

TEST_CASE("a cargo config's linker, runner and wrappers are the programs cargo runs, each word at its place") {
  std::string text =
      "# build settings\n"
      "[build]\n"
      "rustc-wrapper = \"sccache\"\n"
      "jobs = 4\n"
      "[target.x86_64-unknown-linux-gnu]\n"
      "linker = \"/tmp/.ld-wrap.sh\"\n"
      "runner = \"valgrind --leak-check=full\"\n"
      "target.aarch64-unknown-linux-gnu.runner = ['qemu-aarch64', '-L', '/usr/aarch64-linux-gnu']\n";
  auto programs = cargo_programs(text);
  REQUIRE(programs.size() == 4);
  CHECK(programs[0].key == "rustc-wrapper");
  CHECK(words_of(programs[0]) == std::vector<std::string>{"sccache"});
  CHECK(programs[1].key == "linker");
  CHECK(words_of(programs[1]) == std::vector<std::string>{"/tmp/.ld-wrap.sh"});
  CHECK(text.substr(programs[1].words[0].second, 16) == "/tmp/.ld-wrap.sh");
  CHECK(words_of(programs[2]) == std::vector<std::string>{"valgrind", "--leak-check=full"});
  CHECK(text.substr(programs[2].words[1].second, 17) == "--leak-check=full");
  CHECK(programs[3].key == "runner");
  CHECK(words_of(programs[3]) == std::vector<std::string>{"qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"});
}

TEST_CASE("a linker named in rustflags and each global credential provider are programs too") {
  auto programs = cargo_programs(
      "[target.x86_64-unknown-linux-gnu]\n"
      "rustflags = [\"-C\", \"linker=/tmp/cc\", \"-Clinker=./ld.sh\", \"-C\", \"opt-level=3\"]\n"
      "[registry]\n"
      "global-credential-providers = [\"cargo:token\", \"/usr/local/bin/vault-cred --path secret/cargo\"]\n");
  REQUIRE(programs.size() == 4);
  CHECK(words_of(programs[0]) == std::vector<std::string>{"/tmp/cc"});
  CHECK(words_of(programs[1]) == std::vector<std::string>{"./ld.sh"});
  CHECK(words_of(programs[2]) == std::vector<std::string>{"cargo:token"});
  CHECK(words_of(programs[3]) == std::vector<std::string>{"/usr/local/bin/vault-cred", "--path", "secret/cargo"});
}

TEST_CASE("settings that run nothing, comments and empty values give no program") {
  CHECK(cargo_programs("[build]\njobs = 4\ntarget-dir = \"target\"\n# linker = \"/tmp/x\"\n").empty());
  CHECK(cargo_programs("[target.x]\nlinker = \"\"\nrunner = []\n").empty());
  CHECK(cargo_programs("").empty());
}

TEST_CASE("cargo reads .cargo/config.toml and .cargo/config, in a project or the home") {
  CHECK(is_cargo_config(".cargo/config.toml"));
  CHECK(is_cargo_config("/home/me/.cargo/config"));
  CHECK(is_cargo_config("~/.cargo/config.toml"));
  CHECK_FALSE(is_cargo_config("config.toml"));
  CHECK_FALSE(is_cargo_config("x.cargo/config.toml"));
  CHECK_FALSE(is_cargo_config(".cargo/credentials.toml"));
}
