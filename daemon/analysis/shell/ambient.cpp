// The environment's hold on programs: variables that make a later, innocent-looking command load a
// file as code (NODE_OPTIONS=--require F, LD_PRELOAD, RUBYOPT, JAVA_TOOL_OPTIONS=-javaagent:F …), run a
// program in its place (GIT_SSH, GIT_ASKPASS, RUSTC_WRAPPER …), read git settings (GIT_CONFIG_GLOBAL,
// GIT_CONFIG_COUNT/KEY/VALUE) or fetch packages from another index (PIP_INDEX_URL, npm_config_registry).
// A persistent shell keeps them for every later tool call, so they are followed where a command runs,
// not only where they are set.
#include <algorithm>

#include "analysis/shell/ambient.h"
#include "analysis/shell/cargo_config.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/git_config.h"
#include "analysis/shell/interpreters.h"
#include "analysis/shell/name_set.h"
#include "analysis/shell/systemd_unit.h"
#include "analysis/shell/walker.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

std::vector<std::string> split_on(std::string_view text, std::string_view separators) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = std::min(text.find_first_of(separators, at), text.size());
    if (end > at) out.emplace_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

// Variables whose value is a command line a program runs in its own place (a path, or a path and its
// arguments).
// A curl config file (~/.curlrc, -K FILE) as the command-line words it stands for: `header =
// "@/home/me/.aws/credentials"` is `--header @/home/me/.aws/credentials`. Options are long names with
// or without dashes, separated from a value by blanks, '=' or ':'; values may be double-quoted.
std::vector<std::string> curl_config_words(std::string_view text) {
  std::vector<std::string> words;
  for (const auto& raw : split_on(text, "\n")) {
    std::string_view line = raw;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#' || words.size() > 256) continue;
    size_t end = std::min(line.find_first_of(" \t=:"), line.size());
    std::string option(line.substr(0, end));
    if (option.front() != '-') option = "--" + option;
    words.push_back(option);
    std::string_view value = line.substr(end);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.front() == '=' || value.front() == ':'))
      value.remove_prefix(1);
    if (value.empty()) continue;
    std::string unquoted;
    if (value.front() == '"') {
      for (size_t i = 1; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        unquoted += value[i];
      }
    } else {
      unquoted = std::string(value);
    }
    words.push_back(std::move(unquoted));
  }
  return words;
}

// A curl config's options, as if given after the command line's own.
void append_curl_options(Invocation& inv, std::string_view config) {
  for (auto& option : curl_config_words(config)) {
    Word word;
    word.text = std::move(option);
    inv.argv.push_back(std::move(word));
  }
}

const NameSet& command_variables() {
  static const NameSet names{"GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS",
                             "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_PAGER", "GIT_EXTERNAL_DIFF", "PAGER",
                             "EDITOR", "VISUAL", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER",
                             "CARGO_BUILD_RUSTC_WRAPPER", "npm_config_script_shell", "NPM_CONFIG_SCRIPT_SHELL",
                             "MANPAGER", "SYSTEMD_PAGER", "LESSOPEN", "LESSCLOSE", "BROWSER", "FCEDIT"};
  return names;
}

// Variables that make a program load files as code before its own.
const NameSet& loader_variables() {
  static const NameSet names{"NODE_OPTIONS", "npm_config_node_options", "NPM_CONFIG_NODE_OPTIONS", "RUBYOPT", "PERL5OPT", "PYTHONSTARTUP", "PYTHONPATH",
                             "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "MAVEN_OPTS",
                             "GRADLE_OPTS", "DOTNET_STARTUP_HOOKS", "LD_PRELOAD", "LD_AUDIT", "BASH_ENV", "ENV"};
  return names;
}

// Variables that send a package manager's fetches to another index or registry.
const NameSet& index_variables() {
  static const NameSet names{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "UV_INDEX_URL",
                             "UV_EXTRA_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "npm_config_registry",
                             "NPM_CONFIG_REGISTRY", "YARN_REGISTRY", "YARN_NPM_REGISTRY_SERVER",
                             "BUN_CONFIG_REGISTRY", "GOPROXY", "PIP_CONFIG_FILE"};
  return names;
}

bool is_git_config_variable(std::string_view name) {
  return name == "GIT_CONFIG_GLOBAL" || name == "GIT_CONFIG_SYSTEM" || name == "GIT_CONFIG" ||
         name == "GIT_CONFIG_COUNT";
}

// A file a program loads as code, and the language it is read in: "" for a library or an agent
// (compiled), "shell" for a script a shell sources.
struct Loaded {
  std::string path;
  std::string language;
};

// The value of an option in a list of words: `-r X`, `--require=X`, `-rX` (joined only where
// `joined` allows it).
void option_values(const std::vector<std::string>& words, std::initializer_list<std::string_view> options,
                   bool joined, std::vector<std::string>& out) {
  for (size_t i = 0; i < words.size(); ++i)
    for (std::string_view option : options) {
      const std::string& word = words[i];
      if (word == option) {
        if (i + 1 < words.size()) out.push_back(words[i + 1]);
      } else if (starts_with(word, option) && word.size() > option.size() &&
                 (word[option.size()] == '=' || joined)) {
        out.push_back(word.substr(option.size() + (word[option.size()] == '=' ? 1 : 0)));
      }
    }
}

// The files a loader variable's value makes a program load. Module names (`-r json`) come out as
// paths too: they match no file written in the conversation and so add nothing.
std::vector<Loaded> files_loaded(std::string_view variable, std::string_view value) {
  std::vector<Loaded> out;
  std::vector<std::string> words = split_on(value, " \t");
  std::vector<std::string> found;
  auto each_in = [&](const std::vector<std::string>& paths, const std::vector<std::string>& directories,
                     std::initializer_list<std::string_view> suffixes, const char* language) {
    for (const auto& path : paths)
      for (std::string_view suffix : suffixes) {
        out.push_back({path + std::string(suffix), language});
        for (const auto& directory : directories) out.push_back({directory + "/" + path + std::string(suffix), language});
      }
  };
  if (variable == "NODE_OPTIONS" || variable == "npm_config_node_options" || variable == "NPM_CONFIG_NODE_OPTIONS") {
    option_values(words, {"--require", "-r", "--import", "--loader", "--experimental-loader"}, false, found);
    each_in(found, {}, {""}, "node");
  } else if (variable == "RUBYOPT") {
    std::vector<std::string> directories;
    option_values(words, {"-I"}, true, directories);
    option_values(words, {"-r"}, true, found);
    each_in(found, directories, {"", ".rb"}, "ruby");
  } else if (variable == "PERL5OPT") {
    std::vector<std::string> directories, modules;
    option_values(words, {"-I"}, true, directories);
    option_values(words, {"-M", "-m"}, true, modules);
    for (std::string module : modules) {
      if (starts_with(module, "-")) module.erase(0, 1);  // -M-Module: `no Module`
      module = module.substr(0, module.find_first_of("=( "));
      std::string path;  // Foo::Bar → Foo/Bar
      for (size_t i = 0; i < module.size(); ++i) {
        if (module[i] == ':' && i + 1 < module.size() && module[i + 1] == ':') {
          path += '/';
          ++i;
        } else {
          path += module[i];
        }
      }
      found.push_back(std::move(path));
    }
    each_in(found, directories, {".pm"}, "perl");
  } else if (variable == "PYTHONSTARTUP") {
    out.push_back({std::string(value), "python"});
  } else if (variable == "PYTHONPATH") {
    for (const auto& directory : split_on(value, ":"))
      for (const char* startup : {"/sitecustomize.py", "/usercustomize.py"}) out.push_back({directory + startup, "python"});
  } else if (variable == "DOTNET_STARTUP_HOOKS") {
    for (auto& path : split_on(value, ":;")) out.push_back({std::move(path), ""});
  } else if (variable == "LD_PRELOAD" || variable == "LD_AUDIT") {
    for (auto& path : split_on(value, " :")) out.push_back({std::move(path), ""});
  } else if (variable == "BASH_ENV" || variable == "ENV") {
    out.push_back({std::string(value), "shell"});
  } else {  // the JVM's option variables
    option_values(words, {"-javaagent:", "-agentpath:"}, true, found);
    for (auto& agent : found) out.push_back({agent.substr(0, agent.find('=')), ""});
  }
  return out;
}

// The first URL of an index variable's value (GOPROXY=https://a,direct; PIP_EXTRA_INDEX_URL="u1 u2").
std::string first_url(std::string_view value) {
  for (const auto& part : split_on(value, " ,|"))
    if (is_url(part)) return part;
  return {};
}

}  // namespace

bool is_ambient_variable(std::string_view name) {
  return loader_variables().count(name) || command_variables().count(name) || index_variables().count(name) ||
         is_git_config_variable(name);
}

void Walker::remember_ambient(const std::string& name) {
  if (is_ambient_variable(name) && std::find(ambient_set_.begin(), ambient_set_.end(), name) == ambient_set_.end())
    ambient_set_.push_back(name);
}

Stream Walker::follow_ambient_variables(Invocation& inv, int depth, std::string_view only) {
  Stream out;
  for (size_t k = 0; k < ambient_set_.size(); ++k) {
    std::string name = ambient_set_[k];  // a copy: what is followed may set more
    if (!only.empty() && name != only) continue;
    auto variable = variables_.find(name);
    if (variable == variables_.end() || variable->second.value.text.empty()) continue;
    Word value = variable->second.value;
    bool git_only = is_git_config_variable(name);
    if (git_only && inv.name != "git") continue;
    if (!ambient_followed_.insert(name + "=" + value.text).second) continue;
    merge_stream(out, follow_ambient(inv, name, value, depth));
  }
  return out;
}

Stream Walker::follow_ambient(Invocation& inv, const std::string& name, const Word& value, int depth) {
  Stream out;
  if (index_variables().count(name)) {
    std::string url = first_url(value.text);
    if (!url.empty()) {
      std::string host = host_of(url);
      add_host(host);
      add_marker("registry_redirect", name + " sends package fetches to " + url, inv.span, host);
    }
    return out;
  }
  if (command_variables().count(name)) {
    // What runs is decided when the program runs: a wrapper written after the variable was set runs too.
    // What it prints goes to the program (git reads the askpass answer), not to the model. A bare
    // program name (EDITOR=vim) is looked up in PATH, where nothing the conversation wrote is.
    if (value.text.find_first_of("/ \t") != std::string::npos)
      analyse_nested(value.text, Stream{}, "ambient", inv.span, name, depth);
    return out;
  }
  if (name == "GIT_CONFIG_COUNT") {
    int count = std::atoi(value.text.c_str());
    for (int i = 0; i < count && i < 16; ++i) {
      auto key = variables_.find("GIT_CONFIG_KEY_" + std::to_string(i));
      auto setting = variables_.find("GIT_CONFIG_VALUE_" + std::to_string(i));
      if (key != variables_.end() && setting != variables_.end())
        apply_git_setting(key->second.value.text, setting->second.value.text, true, inv.span, depth);
    }
    return out;
  }
  if (is_git_config_variable(name)) {
    read_git_config_file(value.text, true, inv.span, depth);
    return out;
  }
  for (const auto& loaded : files_loaded(name, value.text)) {
    // BASH_ENV=<(curl …): the shell sources what the substitution prints.
    if (value.stream) {
      Taints fetched = value.stream->taint;
      keep_network(fetched);
      emit_secret_flows(fetched, "exec", inv.name, "", inv.span, "", true);
      break;
    }
    merge_stream(out, run_file(inv, loaded.path, {loaded.language, Stream{}, "ambient", true}, depth));
  }
  return out;
}

void Walker::read_git_config_file(const std::string& path, bool now, Span span, int depth) {
  // A relative include is read from the including file's directory: .git/ for the repository's own
  // config (../tools/gitconfig is tools/gitconfig), the home for ~/.gitconfig.
  FileState* file = find_file(path);
  bool relative = !path.empty() && path[0] != '/' && path[0] != '~' && path[0] != '$';
  if (!file && relative && starts_with(path, "../")) file = find_file(path.substr(3));
  if (!file && relative) file = find_file(".git/" + path);
  if (!file && relative) file = find_file("~/" + path);
  if (!file || !file->literal || ++git_config_files_read_ > 8) return;
  std::string text = *file->literal;
  for (const auto& entry : git_config_entries(text)) apply_git_setting(entry.key, entry.value, now, span, depth);
}

void Walker::apply_git_setting(const std::string& key, const std::string& value, bool now, Span span, int depth) {
  if (!now) {
    model_git_config({key, value}, span, depth);
    return;
  }
  std::string name = lower(key);
  if (name == "include.path" || (starts_with(name, "includeif.") && ends_with(name, ".path"))) {
    read_git_config_file(value, true, span, depth);
  } else if (git_setting_runs_command(name, value)) {
    // A credential helper reads the credentials git hands it on its stdin.
    Stream given;
    if (starts_with(name, "credential")) given.taint.push_back(Taint{"credential_helper", "git credentials", {}, {}, false});
    analyse_nested(value[0] == '!' ? value.substr(1) : value, given, "ambient", span, "git config " + name, depth);
  }
}

void Walker::follow_git_settings(const Invocation& inv, const std::string& command, int depth) {
  for (size_t k = 0; k < git_settings_.size(); ++k) {
    auto [key, value] = git_settings_[k];  // a copy: the walk may add settings
    // An alias runs only when it is the command: git sync, after alias.sync='!…'.
    if (starts_with(key, "alias.") && key.substr(6) != lower(command)) continue;
    if (ambient_followed_.insert("git " + key + "=" + value).second) apply_git_setting(key, value, true, inv.span, depth);
  }
  // Hooks git runs around these commands, from .git/hooks or a hooks directory a setting named.
  static const NameSet hooked{"commit", "checkout", "switch", "merge", "pull", "push", "rebase", "am", "clone",
                              "cherry-pick", "revert", "reset", "worktree", "init"};
  if (!hooked.count(command)) return;
  std::vector<std::string> hooks;
  for (const auto& [path, file] : files_)
    if (file.literal && (in_hooks_directory(path) || path.find(".git/hooks/") != std::string::npos))
      hooks.push_back(path);
  for (const auto& path : hooks) {
    // Looked up again: a hook run before this one may have removed or rewritten it.
    auto hook = files_.find(path);
    if (hook == files_.end() || !hook->second.literal || !ambient_followed_.insert("hook " + path).second) continue;
    std::string text = *hook->second.literal;
    analyse_nested(text, Stream{}, "ambient", inv.span, "git hook", depth);
  }
}

void Walker::follow_config_files(Invocation& inv, int depth) {
  const std::string& name = inv.name;
  bool npm = name == "npm" || name == "npx" || name == "pnpm" || name == "yarn";
  bool ssh = name == "ssh" || name == "scp" || name == "sftp" || name == "rsync" || name == "git";
  bool python = interpreter_family(name) == "python" || name == "pip" || name == "pip3" || name == "pytest";
  bool cargo = name == "cargo";
  // curl reads ~/.curlrc first unless told not to (-q as its first option); -K names another config.
  bool curl = name == "curl" && !(inv.argv.size() > 1 && (inv.argv[1].text == "-q" || inv.argv[1].text == "--disable"));
  // pytest imports every conftest.py under the tests it runs; direnv allow runs the .envrc it allows.
  bool pytest = name == "pytest" || name == "py.test";
  bool direnv = name == "direnv" && inv.argv.size() > 1 &&
                (inv.argv[1].text == "allow" || inv.argv[1].text == "reload" || inv.argv[1].text == "exec");
  if (name == "curl") {
    // -K FILE: a config file named on the command line, read like ~/.curlrc.
    std::vector<std::string> named;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& arg = inv.argv[i].text;
      if ((arg == "-K" || arg == "--config") && i + 1 < inv.argv.size()) named.push_back(inv.argv[i + 1].text);
      else if (starts_with(arg, "--config=")) named.push_back(arg.substr(9));
      else if (starts_with(arg, "-K") && arg.size() > 2) named.push_back(arg.substr(2));
    }
    for (const auto& path : named) {
      const FileState* config = find_file(path);
      if (!config || !config->literal || !ambient_followed_.insert("curl -K " + path).second) continue;
      append_curl_options(inv, *config->literal);
    }
  }
  // systemctl enable/start UNIT… runs the unit's ExecStart lines (a timer's, its service's), now or at login.
  std::vector<std::string> units;
  if (name == "systemctl") {
    size_t verb = 1;
    while (verb < inv.argv.size() && starts_with(inv.argv[verb].text, "-")) ++verb;
    static const NameSet runs{"enable", "reenable", "start", "restart", "reload-or-restart", "try-restart"};
    if (verb < inv.argv.size() && runs.count(inv.argv[verb].text))
      for (size_t i = verb + 1; i < inv.argv.size(); ++i) {
        std::string unit = inv.argv[i].text;
        if (unit.empty() || unit[0] == '-') continue;
        if (unit.find('.') == std::string::npos) unit += ".service";
        units.push_back(unit);
        if (ends_with(unit, ".timer")) units.push_back(unit.substr(0, unit.size() - 6) + ".service");
      }
  }
  if (!npm && !ssh && !python && !cargo && !direnv && !curl && units.empty()) return;
  std::vector<std::pair<std::string, std::string>> read;  // path, text
  for (const auto& [path, file] : files_) {
    if (!file.literal) continue;
    std::string_view base = base_name(path);
    bool unit = path.find("systemd/") != std::string::npos &&
                std::find(units.begin(), units.end(), std::string(base)) != units.end();
    bool wanted = unit || (npm && base == ".npmrc") || (ssh && home_relative(path) == "~/.ssh/config") ||
                  (python && is_python_startup_file(path)) || (cargo && is_cargo_config(path)) ||
                  (pytest && base == "conftest.py") || (direnv && base == ".envrc") ||
                  (curl && (base == ".curlrc" || (base == "curlrc" && path.find(".config/") != std::string::npos)) &&
                   (path[0] == '~' || path[0] == '$' || starts_with(path, "/home/") || starts_with(path, "/root/")));
    if (wanted && ambient_followed_.insert("file " + path).second) read.emplace_back(path, *file.literal);
  }
  for (const auto& [path, text] : read) {
    if (base_name(path) == ".npmrc") {
      // node-options= and script-shell= are NODE_OPTIONS and the shell npm runs scripts with.
      for (const auto& entry : git_config_entries("[npm]\n" + text)) {
        std::string variable = entry.key == "npm.node-options" ? "npm_config_node_options"
                               : entry.key == "npm.script-shell" ? "npm_config_script_shell" : "";
        if (variable.empty()) continue;
        Word word;
        word.text = entry.value;
        follow_ambient(inv, variable, word, depth);
      }
    } else if (curl && (base_name(path) == ".curlrc" || base_name(path) == "curlrc")) {
      append_curl_options(inv, text);
    } else if (base_name(path) == ".envrc") {
      analyse_nested(text, Stream{}, "ambient", inv.span, "direnv .envrc", depth);
    } else if (path.find("systemd/") != std::string::npos && !units.empty()) {
      // The unit's Exec*= lines (systemd_unit.h); %h is the home, %u the user.
      for (const auto& unit_command : unit_commands(text)) {
        std::string command(unit_command.command);
        for (auto [specifier, value] : {std::pair{"%h", "$HOME"}, {"%u", "$USER"}, {"%U", "$UID"}})
          for (size_t at = command.find(specifier); at != std::string::npos; at = command.find(specifier, at + 1))
            command.replace(at, 2, value);
        analyse_nested(command, Stream{}, "ambient", inv.span, "systemd " + std::string(unit_command.key), depth);
      }
    } else if (is_cargo_config(path)) {
      // The linker, rustc and their wrappers run at every build, the runner at cargo run and test.
      for (const auto& program : cargo_programs(text)) {
        std::string command;
        for (const auto& [word, at] : program.words) {
          if (!command.empty()) command += ' ';
          command += single_quoted(word);
        }
        analyse_nested(command, Stream{}, "ambient", inv.span, "cargo " + program.key, depth);
      }
    } else if (ends_with(path, "config")) {
      // ~/.ssh/config: ProxyCommand and LocalCommand run through the shell when ssh connects.
      for (const auto& line : split_on(text, "\n")) {
        std::string_view setting = line;
        size_t first = setting.find_first_not_of(" \t");
        if (first == std::string_view::npos) continue;
        setting.remove_prefix(first);
        size_t blank = std::min(setting.find_first_of(" \t="), setting.size());
        std::string keyword = lower(setting.substr(0, blank));
        if (keyword != "proxycommand" && keyword != "localcommand" && keyword != "knownhostscommand") continue;
        size_t value = setting.find_first_not_of(" \t=", blank);
        if (value != std::string_view::npos)
          analyse_nested(std::string(setting.substr(value)), Stream{}, "ambient", inv.span, "ssh " + keyword, depth);
      }
    } else {
      // Python runs a .pth file's import lines, and sitecustomize.py, at every start.
      std::string code;
      if (ends_with(path, ".pth")) {
        for (const auto& line : split_on(text, "\n"))
          if (starts_with(line, "import ") || starts_with(line, "import\t")) code += line + "\n";
      } else {
        code = text;
      }
      if (code.empty()) continue;
      Stream out;
      apply_code_reading(inv, "python", code, {}, out, depth);
      record_inline_code("python", code);
    }
  }
}

// A C program compiled from sources the conversation wrote runs the commands they hand to a shell
// (system("…"), popen("…"), execl("/bin/sh", "sh", "-c", "…")): `gcc -shared -o /tmp/l.so l.c` then
// LD_PRELOAD=/tmp/l.so runs them in every program.
void Walker::model_compiler(const Invocation& inv) {
  std::string output = "a.out";
  std::vector<std::string> sources;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (arg == "-o" && i + 1 < inv.argv.size()) {
      output = inv.argv[++i].text;
    } else if (starts_with(arg, "-o") && arg.size() > 2) {
      output = arg.substr(2);
    } else if (!arg.empty() && arg[0] != '-') {
      for (std::string_view suffix : {".c", ".cc", ".cpp", ".cxx", ".C"})
        if (ends_with(arg, suffix)) sources.push_back(arg);
    }
  }
  std::string commands;
  Taints taints;
  for (const auto& source : sources) {
    FileState* file = find_file(source);
    if (!file) continue;
    merge_taints(taints, file->taint);
    if (file->literal) commands += shell_commands_in_c(*file->literal);
  }
  FileState& program = files_[output];
  program.taint = std::move(taints);
  program.literal.reset();
  program.executable = true;
  if (!commands.empty()) program.program = std::move(commands);
}

std::string shell_commands_in_c(std::string_view code) {
  std::string out;
  for (std::string_view call : {"system(", "popen(", "\"-c\","}) {
    for (size_t at = code.find(call); at != std::string_view::npos && out.size() < 64 * 1024;
         at = code.find(call, at + call.size())) {
      size_t quote = at + call.size();
      while (quote < code.size() && (code[quote] == ' ' || code[quote] == '\t' || code[quote] == '\n')) ++quote;
      if (quote >= code.size() || code[quote] != '"') continue;
      std::string command;
      size_t i = quote + 1;
      for (; i < code.size() && code[i] != '"' && code[i] != '\n'; ++i) {
        if (code[i] == '\\' && i + 1 < code.size()) {
          char next = code[++i];
          command += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        } else {
          command += code[i];
        }
      }
      if (i < code.size() && code[i] == '"') out += command + "\n";
    }
  }
  return out;
}

}  // namespace toolwall::shell
