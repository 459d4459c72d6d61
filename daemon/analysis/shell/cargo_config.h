#pragma once
// Cargo's config file (.cargo/config.toml, ~/.cargo/config.toml): one reader for the shell walker,
// which follows the programs a config written earlier makes `cargo build` run, and for the code
// analyser, which reads a written config for them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::shell {

struct CargoProgram {
  std::string key;  // linker, runner, rustc, rustc-wrapper, credential-provider … (rustflags for -C linker=)
  std::vector<std::pair<std::string, uint32_t>> words;  // the program and its arguments, each with its offset
};

// Programs cargo runs by itself: the linker and rustc (and their wrappers) on every build, the runner on
// cargo run and test, credential providers for registry tokens.
std::vector<CargoProgram> cargo_programs(std::string_view text);

// A config file cargo reads: .cargo/config.toml or .cargo/config, in a project or the home.
bool is_cargo_config(std::string_view path);

}  // namespace toolwall::shell
