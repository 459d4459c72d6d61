#pragma once
// What a written file is, from its path (extension, special names, location) and, when the path
// says nothing, its shebang: which grammar its code parses with, and how it runs commands.
#include <optional>
#include <string>
#include <string_view>

#include "analysis/code/syntax.h"

namespace toolwall::code {

// How a file makes commands run (each maps to a Location.origin).
enum class CommandCarrier {
  none,
  shell_script,  // the whole file is shell
  package_json,  // "scripts" entries
  makefile,      // recipe lines and $(shell …)
  justfile,      // indented recipe lines (just runs each in sh)
  dockerfile,    // RUN instructions
  ci_workflow,   // run:/script: steps
  compose,       // docker compose services' command:, entrypoint:, healthcheck test:
  tox,           // tox.ini [testenv] commands
  crontab,       // schedule lines
  systemd_unit,  // Exec*= lines (systemd units, autostart .desktop entries)
  launchd_plist, // ProgramArguments (or Program) of a launchd job
  git_config,    // aliases and settings git runs as commands (fsmonitor, sshCommand, pager, helpers)
  ide_config,    // devcontainer lifecycle commands, VS Code tasks/launch/terminal profiles, agent hooks and MCP servers
  program_rc,    // vim, tmux and psql rc files: the shell commands they run on start
  aws_config,    // ~/.aws/config credential_process
  kubeconfig,    // users[].user.exec plugins
  cargo_config,  // .cargo/config.toml: the linker, runner, rustc and its wrappers, credential providers cargo runs
  ssh_config,    // ProxyCommand, LocalCommand, KnownHostsCommand, Match exec: run by every ssh
  program,       // literal commands code runs: os.system, subprocess, child_process, exec.Command
  build_definition,  // commands a build runs: CMake execute_process/custom commands, Maven exec plugin and antrun
  batch_file,    // Windows .bat/.cmd: each line a command
  agent_instructions,  // CLAUDE.md, AGENTS.md, Cursor/Copilot rules, Claude Code commands and agents: commands told to agents
  interpreted,   // Ruby, PHP and Perl programs (no grammar here): read as that interpreter would run them
  dev_environment,  // commands a development environment runs by itself: mise hooks and tasks, Nix shellHook,
                    // Vagrant inline provisioners and triggers, .replit onBoot, JetBrains shell run configurations,
                    // lint-staged commands
};

struct FileKind {
  std::optional<Language> language;  // grammar for code detectors; none for prose, shell, unknown
  CommandCarrier carrier = CommandCarrier::none;
  std::string origin;  // Location.origin for the carrier's commands
  std::string interpreter;  // for CommandCarrier::interpreted: ruby, php or perl
  bool prose = false;  // documentation: never analysed for code or commands
};

// Forward slashes, "~" kept; used for every path test.
std::string normalize_path(std::string_view path);

FileKind classify_file(std::string_view path, std::string_view content);

}  // namespace toolwall::code
