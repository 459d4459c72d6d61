#pragma once
// A token-level reading of interpreter one-liners (python -c, node -e, perl -e, ruby -e, php -r, awk):
// which secrets the code reads, whether it talks to the network, runs fetched code, opens a reverse
// shell, or hands literal strings to a shell.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace toolwall::shell {

struct CodeReading {
  std::vector<std::pair<std::string, std::string>> sources;  // (class, what) e.g. ("env_dump", "os.environ")
  std::vector<std::string> environment_names;  // variables read by name (os.environ['K']): the shell may have set them
  bool network = false;          // opens a URL or socket
  std::string network_api;       // the first network API seen ("urlopen")
  std::vector<std::string> hosts;
  bool exec_fetched = false;     // runs code it fetched (exec(urlopen(...).read()))
  bool reverse_shell = false;    // socket + dup2/pty/exec/spawn
  bool prints = false;           // writes to stdout
  std::vector<std::string> shell_strings;  // literal commands given to system()/subprocess/exec…
  std::string destroys;          // a tree removal (shutil.rmtree, fs.rmSync …) of /, the home or a system dir
  bool fork_bomb = false;        // forks in an endless loop (fork while fork, while True: os.fork())
  bool request_exec = false;     // runs web request input as a command or code (a web shell)
  std::string security_off;      // a protection it turns off (PowerShell: Defender's real-time monitoring)
  bool runs_code = false;        // evaluates text as code (exec, eval, require_relative …)
  std::vector<std::string> literals;  // its short one-line string literals: the files it may open
};

// language: "python", "node", "perl", "ruby", "php", "awk" (others read as generic).
CodeReading read_code(std::string_view language, std::string_view code);
// The interpreter family of a command name ("python3.11" → "python", "nodejs" → "node"); empty if none.
std::string interpreter_family(std::string_view name);

// `python3 -m pip install …` runs pip's command line: for a Python interpreter given -m MODULE whose
// command line is a command the analysis models (pip, pipx, uv, twine, httpie, webbrowser), the index in args of
// the module word and the command it stands for ("httpie" → "http"); nullopt otherwise.
struct ModuleCommand {
  size_t index;
  std::string command;
};
std::optional<ModuleCommand> python_module_command(std::string_view name, const std::vector<std::string>& args);

}  // namespace toolwall::shell
