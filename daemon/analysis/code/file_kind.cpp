#include "analysis/code/file_kind.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "analysis/shell/cargo_config.h"
#include "analysis/shell/catalog.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

std::string_view basename(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view extension(std::string_view base) {
  auto dot = base.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? std::string_view{} : base.substr(dot + 1);
}

// "/x/.git/hooks/pre-commit" and "x/.git/hooks/…" alike: match path segments anywhere.
bool has_segment(std::string_view path, std::string_view segment) {
  // segment at the start of path or right after a '/' (no copies: this runs dozens of times a file)
  for (size_t at = path.find(segment); at != std::string_view::npos; at = path.find(segment, at + 1))
    if (at == 0 || path[at - 1] == '/') return true;
  return false;
}

constexpr std::array<std::string_view, 16> kShellRcNames{
    ".bashrc", ".bash_profile", ".bash_login", ".profile",     ".zshrc",        ".zprofile",
    ".zshenv", ".zlogin",       ".zlogout",    ".bash_logout", ".bash_aliases", ".kshrc",
    ".mkshrc", ".envrc",        "bash.bashrc", "zshrc"};

std::optional<Language> language_from_extension(std::string_view ext) {
  if (ext == "py" || ext == "pyw" || ext == "pyi") return Language::python;
  if (ext == "js" || ext == "mjs" || ext == "cjs" || ext == "jsx") return Language::javascript;
  if (ext == "ts" || ext == "mts" || ext == "cts") return Language::typescript;
  if (ext == "tsx") return Language::tsx;
  if (ext == "go") return Language::go;
  if (ext == "json" || ext == "jsonc" || ext == "json5") return Language::json;
  if (ext == "yml" || ext == "yaml") return Language::yaml;
  return std::nullopt;
}

// The interpreter a "#!" line names, without path or "env".
std::string shebang_interpreter(std::string_view content) {
  if (!starts_with(content, "#!")) return {};
  auto line = content.substr(
      2, content.find('\n') == std::string_view::npos ? content.size() - 2 : content.find('\n') - 2);
  std::vector<std::string> words;
  std::string word;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!word.empty()) words.push_back(std::move(word)), word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(word);
  for (auto& w : words) {
    std::string_view name = basename(w);
    if (name == "env" || starts_with(name, "-")) continue;
    return std::string(name);
  }
  return {};
}

bool is_shell_interpreter(std::string_view name) {
  return name == "sh" || name == "bash" || name == "zsh" || name == "dash" || name == "ksh" ||
         name == "ash" || name == "busybox" || name == "mksh";
}

std::optional<Language> language_from_interpreter(std::string_view name) {
  if (starts_with(name, "python") || name == "pypy" || name == "pypy3") return Language::python;
  if (name == "node" || name == "nodejs") return Language::javascript;
  if (name == "deno" || name == "ts-node" || name == "bun" || name == "tsx") return Language::typescript;
  return std::nullopt;
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::string out(path);
  std::replace(out.begin(), out.end(), '\\', '/');
  while (starts_with(out, "./")) out.erase(0, 2);
  return out;
}

FileKind classify_file(std::string_view raw_path, std::string_view content) {
  const std::string path = normalize_path(raw_path);
  const std::string lpath = lower(path);
  const std::string base = lower(basename(path));
  const std::string ext(extension(base));
  FileKind kind;

  // What coding agents read as their instructions (prose, but the next agent does what it says; Claude
  // Code's slash commands run their !`…` lines when invoked).
  bool agent_instructions =
      base == "claude.md" || base == "claude.local.md" || base == "agents.md" || base == "gemini.md" ||
      base == "qwen.md" || base == ".cursorrules" || base == ".windsurfrules" || base == ".clinerules" ||
      base == "copilot-instructions.md" || (ext == "mdc" && has_segment(lpath, ".cursor/rules/")) ||
      (ext == "md" && (has_segment(lpath, ".claude/commands/") || has_segment(lpath, ".claude/agents/") ||
                       has_segment(lpath, ".github/instructions/") || has_segment(lpath, ".clinerules/")));
  if (agent_instructions) {
    kind.carrier = CommandCarrier::agent_instructions;
    kind.origin = has_segment(lpath, ".claude/commands/") ? "install_hook" : "script_file";
    return kind;
  }
  // pip's requirement lists and CMake's CMakeLists.txt are read by programs, not people.
  bool read_by_tools = starts_with(base, "requirements") || starts_with(base, "constraints") || base == "cmakelists.txt";
  if (ext == "md" || ext == "markdown" || ext == "rst" || (ext == "txt" && !read_by_tools) || ext == "adoc" ||
      ext == "asciidoc" || ext == "org" || ext == "rdoc" ||
      (ext.empty() &&
       (starts_with(base, "readme") || starts_with(base, "license") || starts_with(base, "changelog") ||
        starts_with(base, "notice") || starts_with(base, "authors")))) {
    kind.prose = true;
    return kind;
  }

  kind.language = language_from_extension(ext);
  const std::string interpreter = shebang_interpreter(content);

  // Where a file sits decides why its commands run, before what it looks like.
  if (has_segment(lpath, ".git/hooks/") || has_segment(lpath, ".husky/") ||
      has_segment(lpath, ".githooks/")) {
    if (!ends_with(base, ".sample") && !kind.language) {
      kind.carrier = CommandCarrier::shell_script;
      kind.origin = "git_hook";
    }
    if (auto language = language_from_interpreter(interpreter)) {  // a hook written in Python or Node
      kind.language = language;
      kind.carrier = CommandCarrier::program;
      kind.origin = "git_hook";
    }
    return kind;
  }
  // Fragments that rc files source on every start (~/.bashrc.d/*, fish conf.d, oh-my-zsh custom), and
  // ~/.ssh/rc, run by sshd on every login.
  bool sourced_fragment = has_segment(lpath, ".bashrc.d/") || has_segment(lpath, ".zshrc.d/") ||
                          has_segment(lpath, ".config/fish/conf.d/") || has_segment(lpath, ".oh-my-zsh/custom/") ||
                          ends_with(lpath, ".ssh/rc");
  if (sourced_fragment || std::find(kShellRcNames.begin(), kShellRcNames.end(), base) != kShellRcNames.end() ||
      starts_with(lpath, "/etc/profile") || has_segment(lpath, "etc/profile.d/") ||
      has_segment(lpath, "etc/zsh/") || ends_with(lpath, ".config/fish/config.fish")) {
    kind.carrier = CommandCarrier::shell_script;
    kind.origin = "shell_rc";
    kind.language.reset();
    return kind;
  }
  if (lpath == "/etc/crontab" || has_segment(lpath, "etc/cron.d/") || has_segment(lpath, "var/spool/cron/") ||
      base == "crontab" || ext == "crontab" || ext == "cron") {
    kind.carrier = CommandCarrier::crontab;
    kind.origin = "cron";
    return kind;
  }
  if (has_segment(lpath, "etc/cron.hourly/") || has_segment(lpath, "etc/cron.daily/") ||
      has_segment(lpath, "etc/cron.weekly/") || has_segment(lpath, "etc/cron.monthly/")) {
    kind.carrier = CommandCarrier::shell_script;
    kind.origin = "cron";
    return kind;
  }
  if (base == ".gitconfig" || ends_with(lpath, ".git/config") || ends_with(lpath, ".config/git/config") ||
      lpath == "/etc/gitconfig") {
    kind.carrier = CommandCarrier::git_config;
    kind.origin = "git_hook";
    return kind;
  }
  // Programs' own rc files that run shell commands when the program starts: vim's `!cmd` and system(),
  // tmux's run-shell / if-shell, psql's \!.
  if (base == ".vimrc" || base == "_vimrc" || base == ".gvimrc" || ends_with(lpath, ".config/nvim/init.vim") ||
      base == ".exrc" || base == ".tmux.conf" || ends_with(lpath, ".config/tmux/tmux.conf") || base == ".psqlrc") {
    kind.carrier = CommandCarrier::program_rc;
    kind.origin = "shell_rc";
    kind.language.reset();
    return kind;
  }
  // The AWS CLI runs credential_process for credentials; kubectl runs a user's exec plugin on every call.
  if (ends_with(lpath, ".aws/config")) {
    kind.carrier = CommandCarrier::aws_config;
    kind.origin = "shell_rc";
    return kind;
  }
  if (ends_with(lpath, ".kube/config") || base == "kubeconfig" || starts_with(base, "kubeconfig.")) {
    kind.language = Language::yaml;
    kind.carrier = CommandCarrier::kubeconfig;
    kind.origin = "shell_rc";
    return kind;
  }
  if (ends_with(lpath, ".ssh/config") || lpath == "/etc/ssh/ssh_config" || has_segment(lpath, "ssh_config.d/") ||
      has_segment(lpath, ".ssh/config.d/")) {
    kind.carrier = CommandCarrier::ssh_config;
    kind.origin = "ssh_config";
    return kind;
  }
  if (shell::is_python_startup_file(lpath)) {
    kind.language = Language::python;
    kind.carrier = CommandCarrier::program;
    kind.origin = "python_startup";
    return kind;
  }
  // Any other .pth with an import line is code too: Python runs those lines at every start once the file
  // sits in a site directory, which a call may name by a value it computes ("$SP/fix.pth").
  if (ext == "pth" && (starts_with(content, "import") || content.find("\nimport") != std::string_view::npos)) {
    kind.language = Language::python;
    kind.carrier = CommandCarrier::program;
    kind.origin = starts_with(lpath, "$") ? "python_startup" : "";
    return kind;
  }
  // Development environments that run commands by themselves: on cd (mise hooks), on entering the dev shell
  // (Nix shellHook), on vagrant up (provisioners, triggers on the host), on boot (.replit), at each commit
  // (lint-staged), or from an IDE's shared run configuration; and pyproject.toml's task runners (hatch
  // environments' install commands and scripts, poe, pdm, taskipy).
  bool mise = base == "mise.toml" || base == ".mise.toml" || base == "mise.local.toml" || base == ".mise.local.toml" ||
              (base == "config.toml" && has_segment(lpath, "mise/"));
  bool nix = base == "shell.nix" || base == "flake.nix" || base == "devenv.nix" ||
             (ext == "nix" && content.find("shellHook") != std::string_view::npos);
  bool jetbrains = ext == "xml" && (has_segment(lpath, ".idea/runconfigurations/") || ends_with(base, ".run.xml") ||
                                    content.find("name=\"SCRIPT_TEXT\"") != std::string_view::npos);
  if (mise || nix || jetbrains || base == "vagrantfile" || base == ".replit" || base == ".lintstagedrc" ||
      base == ".lintstagedrc.json" || base == "pyproject.toml") {
    kind.carrier = CommandCarrier::dev_environment;
    kind.origin = "install_hook";
    kind.language.reset();
    if (base == ".lintstagedrc" || base == ".lintstagedrc.json") kind.language = Language::json;
    return kind;
  }
  if (base == "devcontainer.json" || base == ".devcontainer.json" ||
      (base == "tasks.json" && has_segment(lpath, ".vscode/"))) {
    kind.language = Language::json;
    kind.carrier = CommandCarrier::ide_config;
    kind.origin = "install_hook";
    return kind;
  }
  // Coding agents' and editors' settings that start commands by themselves: MCP servers (started with the
  // agent), Claude Code hooks, status lines and key helpers, VS Code terminal profiles and launch configs.
  bool agent_config = base == ".mcp.json" || base == "mcp.json" || base == "claude_desktop_config.json" ||
                      ((base == "settings.json" || base == "settings.local.json") &&
                       (has_segment(lpath, ".claude/") || has_segment(lpath, ".gemini/") ||
                        has_segment(lpath, ".qwen/") || has_segment(lpath, ".vscode/") ||
                        has_segment(lpath, ".cursor/"))) ||
                      (base == "launch.json" && has_segment(lpath, ".vscode/")) || base == "opencode.json" ||
                      (base == "config.json" && has_segment(lpath, ".continue/"));
  if (shell::is_cargo_config(lpath)) {
    kind.carrier = CommandCarrier::cargo_config;
    kind.origin = "build_recipe";
    return kind;
  }
  if (base == "config.toml" && has_segment(lpath, ".codex/")) {  // Codex: [mcp_servers.x] command and args
    kind.carrier = CommandCarrier::ide_config;
    kind.origin = "install_hook";
    return kind;
  }
  if (agent_config) {
    kind.language = Language::json;
    kind.carrier = CommandCarrier::ide_config;
    kind.origin = "install_hook";
    return kind;
  }
  // launchd jobs: ProgramArguments run at login or load (LaunchAgents, LaunchDaemons, or a plist loaded
  // from elsewhere with launchctl).
  if (ext == "plist" && (has_segment(lpath, "launchagents/") || has_segment(lpath, "launchdaemons/") ||
                         content.find("<key>ProgramArguments</key>") != std::string_view::npos ||
                         content.find("<key>Program</key>") != std::string_view::npos)) {
    kind.carrier = CommandCarrier::launchd_plist;
    kind.origin = "service";
    return kind;
  }
  if (ext == "service" || ext == "socket" || ext == "path" || ext == "mount" || ext == "desktop") {
    kind.carrier = CommandCarrier::systemd_unit;
    kind.origin = "service";
    return kind;
  }
  if (has_segment(lpath, "etc/init.d/") || lpath == "/etc/rc.local" || has_segment(lpath, "etc/rc.local")) {
    kind.carrier = CommandCarrier::shell_script;
    kind.origin = "service";
    return kind;
  }
  // deno.json's "tasks" are what `deno task NAME` runs, as package.json's "scripts" are npm's.
  if (base == "package.json" || base == "composer.json" || base == "deno.json" || base == "deno.jsonc") {
    kind.language = Language::json;
    kind.carrier = CommandCarrier::package_json;
    kind.origin = "package_script";
    return kind;
  }
  if (base == "setup.py") {
    kind.language = Language::python;
    kind.carrier = CommandCarrier::program;
    kind.origin = "install_hook";
    return kind;
  }
  if (base == "cmakelists.txt" || ext == "cmake" || base == "pom.xml") {
    kind.carrier = CommandCarrier::build_definition;
    kind.origin = "build_recipe";
    return kind;
  }
  if (ext == "tf") {  // terraform plan and apply run local-exec provisioners and external data programs
    kind.carrier = CommandCarrier::build_definition;
    kind.origin = "build_recipe";
    return kind;
  }
  if (ext == "gyp" || ext == "gypi") {  // node-gyp runs its actions and <!( ) commands at npm install
    kind.carrier = CommandCarrier::build_definition;
    kind.origin = "install_hook";
    return kind;
  }
  if (base == "jenkinsfile" || starts_with(base, "jenkinsfile.") || ext == "jenkinsfile") {
    kind.carrier = CommandCarrier::build_definition;
    kind.origin = "ci_workflow";
    return kind;
  }
  if (ext == "bat" || ext == "cmd") {
    kind.carrier = CommandCarrier::batch_file;
    kind.origin = "script_file";
    return kind;
  }
  if (base == "makefile" || base == "gnumakefile" || ext == "mk" || ext == "mak") {
    kind.carrier = CommandCarrier::makefile;
    kind.origin = "build_recipe";
    return kind;
  }
  if (base == "dockerfile" || base == "containerfile" || ext == "dockerfile" ||
      starts_with(base, "dockerfile.") || starts_with(base, "containerfile.")) {
    kind.carrier = CommandCarrier::dockerfile;
    kind.origin = "build_recipe";
    kind.language.reset();
    return kind;
  }
  bool yaml = ext == "yml" || ext == "yaml";
  if (yaml && (has_segment(lpath, ".github/workflows/") || has_segment(lpath, ".github/actions/") ||
               base == ".gitlab-ci.yml" || has_segment(lpath, ".gitlab-ci/") ||
               has_segment(lpath, ".circleci/") || base == "azure-pipelines.yml" ||
               base == "bitbucket-pipelines.yml" || base == ".travis.yml" || base == ".drone.yml" ||
               has_segment(lpath, ".buildkite/") || base == "action.yml" || base == "action.yaml")) {
    kind.carrier = CommandCarrier::ci_workflow;
    kind.origin = "ci_workflow";
    return kind;
  }
  if (yaml && (starts_with(base, "docker-compose") || starts_with(base, "compose.") || ends_with(base, ".compose.yml") ||
               ends_with(base, ".compose.yaml"))) {
    kind.carrier = CommandCarrier::compose;
    kind.origin = "build_recipe";
    return kind;
  }
  if (base == "tox.ini") {
    kind.carrier = CommandCarrier::tox;
    kind.origin = "build_recipe";
    kind.language.reset();
    return kind;
  }
  // Hook managers and task runners: their entry:/cmds: strings run in a shell at commit time or on
  // `task x`, like CI steps.
  // Gitpod: a workspace's tasks (before, init, command) run when it starts.
  if (yaml && base == ".gitpod.yml") {
    kind.carrier = CommandCarrier::ci_workflow;
    kind.origin = "install_hook";
    return kind;
  }
  if (yaml && (base == ".pre-commit-config.yaml" || base == ".pre-commit-hooks.yaml" ||
               base == "lefthook.yml" || base == ".lefthook.yml" || base == "lefthook.yaml" ||
               base == "taskfile.yml" || base == "taskfile.yaml" || base == "taskfile.dist.yml")) {
    kind.carrier = CommandCarrier::ci_workflow;
    kind.origin = starts_with(base, "taskfile") ? "build_recipe" : "ci_workflow";
    return kind;
  }
  if (base == "justfile" || base == ".justfile" || ext == "just") {
    kind.carrier = CommandCarrier::justfile;
    kind.origin = "build_recipe";
    kind.language.reset();
    return kind;
  }
  if (ext == "sh" || ext == "bash" || ext == "zsh" || ext == "ksh" || ext == "fish" || ext == "command" ||
      (!kind.language && is_shell_interpreter(interpreter))) {
    kind.carrier = CommandCarrier::shell_script;
    kind.origin = "script_file";
    kind.language.reset();
    return kind;
  }
  // Ruby, PHP, Perl, PowerShell, Lua, Java/Kotlin/Groovy, C# and Rust: no grammar here, so the interpreters' token-level reading (what `ruby FILE` would
  // do: read secrets, open sockets, run fetched code or shell strings) judges them. Gemfile, Rakefile and
  // gemspecs are Ruby that bundle and rake evaluate.
  std::string script_interpreter =
      ext == "rb" || ext == "rake" || ext == "gemspec" || ext == "ru" || base == "gemfile" || base == "rakefile" ||
              interpreter == "ruby"
          ? "ruby"
      : ext == "php" || ext == "phtml" || interpreter == "php"            ? "php"
      : ext == "pl" || ext == "pm" || ext == "cgi" || interpreter == "perl" ? "perl"
      : ext == "ps1" || ext == "psm1" || interpreter == "pwsh"              ? "pwsh"
      : ext == "lua" || interpreter == "lua"                                ? "lua"
      // Java/Kotlin, C# and Rust (build.rs runs on every cargo build) through their REPLs' names.
      : ext == "java" || ext == "kt" || ext == "kts" || ext == "groovy" || ext == "gradle" ? "jshell"
      : ext == "cs" || ext == "csx"                                          ? "csi"
      : ext == "rs"                                                          ? "evcxr"
                                                                            : "";
  if (!kind.language && !script_interpreter.empty()) {
    kind.carrier = CommandCarrier::interpreted;
    kind.origin = "program";
    kind.interpreter = script_interpreter;
    return kind;
  }
  if (!kind.language && ext.empty()) kind.language = language_from_interpreter(interpreter);
  if (kind.language && *kind.language != Language::json && *kind.language != Language::yaml) {
    kind.carrier = CommandCarrier::program;
    kind.origin = "program";
  }
  return kind;
}

}  // namespace toolwall::code
