#include "analysis/shell/catalog.h"

#include <algorithm>
#include <array>
#include <vector>

#include "analysis/shell/name_set.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

bool is_option(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

bool is_shell(std::string_view name) {
  static const NameSet names{"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "rbash", "yash", "tcsh", "csh", "busybox"};
  return names.count(name) > 0;
}

bool is_interpreter(std::string_view name) {
  static const NameSet names{"python", "python2", "python3", "pypy", "pypy3", "node", "nodejs", "perl", "ruby", "php",
                             "deno", "bun", "lua", "tclsh", "Rscript", "osascript", "pwsh", "powershell",
                             "jshell", "csi", "dotnet-script", "evcxr"};
  if (names.count(name)) return true;
  // python3.11, perl5.36 …
  return (starts_with(name, "python3.") || starts_with(name, "python2.") || starts_with(name, "perl5"));
}

bool is_pass_through(std::string_view name) {
  static const NameSet names{"cat", "base64", "base32", "basenc", "xxd", "od", "hexdump", "gzip", "gunzip", "bzip2", "bunzip2",
                             "xz", "unxz", "zstd", "unzstd", "lz4", "brotli", "tar", "zip", "openssl", "rev", "tr", "sed",
                             "awk", "gawk", "mawk", "nawk", "cut", "jq", "yq", "tee", "sort", "uniq", "head", "tail", "tac",
                             "nl", "fold", "column", "paste", "iconv", "strings", "fmt", "expand", "unexpand", "gpg",
                             "uuencode", "uudecode", "dd", "pv", "split", "perl", "python", "python3", "cat", "less",
                             "more", "bat", "xargs", "envsubst", "printf", "tr", "sponge", "ts", "stdbuf"};
  // The clipboard: whatever any program or person can paste from, as if shown.
  return names.count(name) > 0 || is_clipboard_tool(name);
}

bool is_clipboard_tool(std::string_view name) {
  static const NameSet names{"xclip", "xsel", "pbcopy", "wl-copy", "clip.exe"};
  return names.count(name) > 0;
}

bool is_browser(std::string_view name) {
  static const NameSet names{"xdg-open", "sensible-browser", "x-www-browser", "open", "firefox", "chromium",
                             "chromium-browser", "google-chrome", "brave-browser", "lynx", "w3m", "links"};
  return names.count(name) > 0;
}

bool is_selective_filter(std::string_view name) {
  static const NameSet names{"grep", "egrep", "fgrep", "rg", "ag", "ack", "zgrep", "git-grep", "look"};
  return names.count(name) > 0;
}

bool is_summariser(std::string_view name) {
  static const NameSet names{"wc", "sha1sum", "sha256sum", "sha512sum", "sha224sum", "sha384sum", "md5sum", "b2sum",
                             "cksum", "sum", "shasum", "true", "false", "test", "[", "stat", "file", "ls", "du",
                             "diff", "cmp", "touch", "chmod", "chown", "mkdir", "rm"};
  return names.count(name) > 0;
}

bool is_digest(std::string_view name) {
  static const NameSet names{"sha1sum", "sha256sum", "sha512sum", "sha224sum", "sha384sum", "md5sum", "b2sum", "cksum",
                             "sum", "shasum", "md5", "sha3sum"};
  return names.count(name) > 0;
}

bool is_file_reader(std::string_view name) {
  static const NameSet names{"cat", "head", "tail", "less", "more", "bat", "base64", "base32", "basenc", "xxd", "od",
                             "hexdump", "strings", "gzip", "bzip2", "xz", "zstd", "tar", "zip", "sort", "uniq", "tac",
                             "rev", "nl", "cut", "sed", "awk", "gawk", "mawk", "nawk", "jq", "yq", "grep", "egrep",
                             "fgrep", "rg", "ag", "ack", "zgrep", "fold", "column", "paste", "iconv", "tee", "view", "vim",
                             "vi", "nano", "emacs", "gpg", "uuencode", "pr", "expand", "source", ".", "sqlite3"};
  return names.count(name) > 0;
}

bool is_network_reader(std::string_view name) {
  static const NameSet names{"nc", "ncat", "netcat", "socat", "telnet", "ssh", "sftp", "ftp", "tftp", "mail", "mailx",
                             "sendmail", "mutt", "msmtp", "s_client", "ssmtp"};
  return names.count(name) > 0;
}

bool is_dns_tool(std::string_view name) {
  static const NameSet names{"dig", "nslookup", "host", "drill", "ping", "ping6", "getent", "resolvectl", "kdig",
                             "traceroute", "tracepath", "whois"};
  return names.count(name) > 0;
}

bool is_env_dump_command(std::string_view name, const std::vector<std::string>& args) {
  auto only_options = [&](std::initializer_list<std::string_view> allowed) {
    for (const auto& arg : args)
      if (std::find(allowed.begin(), allowed.end(), arg) == allowed.end()) return false;
    return true;
  };
  if (name == "printenv") return only_options({"-0", "--null"}) || args.empty();
  if (name == "env") {
    // env with options and assignments but no command prints the (modified) environment.
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "-u" || arg == "--unset" || arg == "-C" || arg == "--chdir") ++i;
      else if (arg.empty() || (arg[0] != '-' && arg.find('=') == std::string::npos)) return false;
    }
    return true;
  }
  if (name == "export" || name == "declare" || name == "typeset" || name == "readonly")
    return only_options({"-p", "-x", "-px", "-xp", "-a"}) && (args.empty() || name != "readonly");
  if (name == "set") return args.empty() || only_options({"-o", "--posix"});
  if (name == "compgen") return std::find(args.begin(), args.end(), "-v") != args.end() ||
                                std::find(args.begin(), args.end(), "-e") != args.end();
  // Other processes' environments: ps with BSD-style e (ps eww, ps auxe) prints each command's.
  if (name == "ps")
    return std::any_of(args.begin(), args.end(), [](const std::string& arg) {
      return !arg.empty() && arg[0] != '-' && arg.find('e') != std::string::npos &&
             std::all_of(arg.begin(), arg.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    });
  // A container's: docker inspect --format '{{.Config.Env}}', docker exec C env, kubectl exec POD -- printenv.
  static const NameSet container_tools{"docker", "podman", "nerdctl", "kubectl", "oc"};
  if (container_tools.count(name) && !args.empty()) {
    if (args[0] == "inspect")
      return std::any_of(args.begin(), args.end(), [](const std::string& arg) { return arg.find(".Env") != std::string::npos; });
    if (args[0] != "exec") return false;
    size_t inner = 1;
    auto dashes = std::find(args.begin(), args.end(), "--");
    if (dashes != args.end()) {
      inner = static_cast<size_t>(dashes - args.begin()) + 1;
    } else {
      static const NameSet with_value{"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "-c", "--container",
                                      "-n", "--namespace"};
      while (inner < args.size() && is_option(args[inner])) inner += with_value.count(args[inner]) ? 2 : 1;
      ++inner;  // the container or pod
    }
    if (inner >= args.size()) return false;
    std::vector<std::string> rest(args.begin() + static_cast<long>(inner) + 1, args.end());
    std::string_view command = base_name(args[inner]);
    return (command == "env" || command == "printenv") && is_env_dump_command(command, rest);
  }
  return false;
}

namespace {

// Options of each wrapper that take a separate value.
struct Wrapper {
  std::string_view name;
  std::string_view short_with_value;  // letters
  std::array<std::string_view, 10> long_with_value;
  int positional_before_command;      // timeout DURATION, chroot DIR …
  // Subcommand words that must come first for the rest to be a command (poetry run CMD, git bisect
  // run CMD), each "a|b" alternatives; without them the program is the command (poetry add x).
  std::array<std::string_view, 2> verbs{};
};

// True when word is one of the '|'-separated alternatives ("exec|x").
bool is_one_of(std::string_view word, std::string_view alternatives) {
  while (!alternatives.empty()) {
    size_t bar = alternatives.find('|');
    if (alternatives.substr(0, bar) == word) return true;
    if (bar == std::string_view::npos) break;
    alternatives.remove_prefix(bar + 1);
  }
  return false;
}

const Wrapper* find_wrapper(std::string_view name) {
  static const Wrapper wrappers[] = {
      {"sudo", "ugpCDhrtTUR", {"--user", "--group", "--prompt", "--close-from", "--chdir", "--host"}, 0},
      {"doas", "uC", {}, 0},
      {"env", "uSCP", {"--unset", "--chdir", "--split-string"}, 0},
      {"command", "", {}, 0},
      {"builtin", "", {}, 0},
      {"exec", "a", {}, 0},
      {"nohup", "", {}, 0},
      {"timeout", "sk", {"--signal", "--kill-after"}, 1},
      {"nice", "n", {"--adjustment"}, 0},
      {"ionice", "cnpP", {"--class", "--classdata", "--pid"}, 0},
      {"stdbuf", "ioe", {"--input", "--output", "--error"}, 0},
      {"time", "fo", {"--format", "--output"}, 0},
      {"setsid", "", {}, 0},
      {"chroot", "", {"--userspec", "--groups"}, 1},
      {"taskset", "", {}, 1},
      {"pkexec", "", {"--user"}, 0},
      {"unbuffer", "", {}, 0},
      {"busybox", "", {}, 0},  // busybox APPLET args: the applet is the command
      {"toybox", "", {}, 0},
      {"flock", "wEc", {"--timeout", "--conflict-exit-code"}, 1},
      // Tracers, sandboxes, proxies and session helpers run the command they are given, as it is.
      {"strace", "oepsEuIaXbP", {"--output", "--trace", "--signal", "--attach", "--user", "--env", "--string-limit"}, 0},
      {"ltrace", "oepsaAnuEXlLw", {"--output"}, 0},
      {"valgrind", "", {"--tool", "--log-file"}, 0},
      {"caffeinate", "tw", {}, 0},
      {"firejail", "", {}, 0},
      {"proxychains", "f", {}, 0},
      {"proxychains4", "f", {}, 0},
      {"torsocks", "uapP", {"--user", "--pass", "--address", "--port"}, 0},
      {"torify", "", {}, 0},
      {"fakeroot", "ils", {"--lib", "--faked"}, 0},
      {"xvfb-run", "nsfpe", {"--server-num", "--server-args", "--auth-file", "--xauth-protocol", "--error-file"}, 0},
      {"dbus-launch", "", {"--config-file"}, 0},
      {"systemd-run", "pEuMH",
       {"--unit", "--property", "--setenv", "--uid", "--gid", "--nice", "--working-directory", "--description",
        "--slice", "--machine"}, 0},
      {"runuser", "ugw", {"--user", "--group", "--supp-group", "--whitelist-environment"}, 0},
      {"nsenter", "tS", {"--target", "--setuid", "--setgid"}, 0},
      {"unshare", "", {}, 0},
      {"screen", "SclpTX", {}, 0},
      {"ssh-agent", "aEtPO", {}, 0},
      {"dbus-run-session", "", {"--config-file", "--dbus-daemon"}, 0},
      {"chronic", "", {}, 0},
      {"faketime", "fp", {}, 1},
      {"cpulimit", "lpe", {"--limit", "--pid", "--exe"}, 0},
      {"setpriv", "",
       {"--reuid", "--regid", "--groups", "--inh-caps", "--ambient-caps", "--bounding-set", "--securebits",
        "--pdeathsig", "--selinux-label", "--apparmor-profile"}, 0},
      // Environment and project runners: their subcommand runs the rest in the project's environment,
      // with its secrets (doppler, op, aws-vault, infisical inject them).
      {"poetry", "C", {"--directory", "--project"}, 0, {"run"}},
      {"pipenv", "", {}, 0, {"run"}},
      {"uv", "p", {"--with", "--python", "--project", "--directory", "--env-file", "--extra", "--group", "--package",
                   "--with-requirements", "--index"}, 0, {"run"}},
      {"hatch", "e", {"--env"}, 0, {"run"}},
      {"pdm", "p", {"--project"}, 0, {"run"}},
      {"rye", "", {}, 0, {"run"}},
      {"pixi", "e", {"--environment", "--manifest-path"}, 0, {"run"}},
      {"bundle", "", {"--gemfile"}, 0, {"exec"}},
      {"conda", "np", {"--name", "--prefix", "--cwd"}, 0, {"run"}},
      {"mamba", "np", {"--name", "--prefix", "--cwd"}, 0, {"run"}},
      {"micromamba", "np", {"--name", "--prefix", "--cwd"}, 0, {"run"}},
      {"mise", "C", {"--cd", "--env"}, 0, {"exec|x"}},
      {"asdf", "", {}, 0, {"exec"}},
      {"direnv", "", {}, 1, {"exec"}},
      {"aws-vault", "", {"--duration", "--region", "--mfa-token", "--backend"}, 1, {"exec"}},
      {"doppler", "pc", {"--project", "--config", "--token", "--mount", "--scope"}, 0, {"run"}},
      {"op", "", {"--env-file", "--account"}, 0, {"run"}},
      {"infisical", "", {"--env", "--projectId", "--path", "--token", "--domain"}, 0, {"run"}},
      {"dotenvx", "f", {"--env-file", "--env"}, 0, {"run"}},
      {"launchctl", "l", {}, 0, {"submit"}},
      {"git", "Cc", {"--git-dir", "--work-tree", "--namespace"}, 0, {"bisect", "run"}},
      {"npm", "pcw", {"--package", "--call", "--workspace"}, 0, {"exec"}},
      {"pnpm", "cC", {"--filter", "--dir"}, 0, {"exec"}},
      {"yarn", "", {"--cwd"}, 0, {"exec"}},
      {"watchexec", "wefidsE",
       {"--watch", "--exts", "--ignore", "--filter", "--debounce", "--signal", "--shell", "--on-busy-update", "--env",
        "--workdir"}, 0},
  };
  for (const auto& candidate : wrappers)
    if (candidate.name == name) return &candidate;
  return nullptr;
}

// Terminal emulators that run the argv after -e (or -x, --) in a new window: xterm -e sh -c '…'.
bool is_argv_terminal(std::string_view name) {
  static const NameSet terminals{"xterm", "uxterm", "urxvt", "rxvt", "konsole", "alacritty", "x-terminal-emulator",
                                 "st", "gnome-terminal", "xfce4-terminal", "mate-terminal", "terminator"};
  return terminals.count(name) > 0;
}

// A terminal given one command line rather than an argv: the index in args of that string. The -e of
// gnome-terminal, xfce4-terminal, mate-terminal and terminator always takes one; xterm's and the
// others' when a single word holding spaces follows it (xterm -e 'curl … | sh').
std::optional<size_t> terminal_command_line(std::string_view name, const std::vector<std::string>& args) {
  if (!is_argv_terminal(name)) return std::nullopt;
  static const NameSet string_terminals{"gnome-terminal", "xfce4-terminal", "mate-terminal", "terminator"};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg != "-e" && arg != "-x" && arg != "--" && arg != "--execute" && arg != "--command") continue;
    bool takes_line = (arg == "-e" || arg == "--command") && i + 1 < args.size() &&
                      (string_terminals.count(name) > 0 || (i + 2 == args.size() && args[i + 1].find(' ') != std::string::npos));
    if (takes_line) return i + 1;
    return std::nullopt;
  }
  return std::nullopt;
}

// Values each bubblewrap option takes (--bind SRC DEST: 2); 0 for flags (--unshare-all, --die-with-parent).
size_t bwrap_option_values(std::string_view option) {
  static const NameSet two{"--bind", "--bind-try", "--dev-bind", "--dev-bind-try", "--ro-bind", "--ro-bind-try",
                           "--symlink", "--setenv", "--chmod", "--bind-data", "--ro-bind-data", "--file", "--bind-fd",
                           "--ro-bind-fd"};
  static const NameSet one{"--tmpfs", "--proc", "--dev", "--dir", "--chdir", "--unsetenv", "--uid", "--gid",
                           "--hostname", "--remount-ro", "--seccomp", "--add-seccomp-fd", "--info-fd", "--json-status-fd",
                           "--args", "--cap-add", "--cap-drop", "--perms", "--size", "--userns", "--userns2", "--pidns",
                           "--lock-file", "--sync-fd", "--block-fd", "--exec-label", "--file-label", "--mqueue",
                           "--overlay-src", "--tmp-overlay", "--ro-overlay", "--argv0", "--userns-block-fd"};
  if (option == "--overlay") return 3;
  return two.count(option) ? 2 : one.count(option) ? 1 : 0;
}

}  // namespace

bool is_wrapper(std::string_view name) {
  return find_wrapper(name) != nullptr || name == "bwrap" || is_argv_terminal(name);
}

namespace {

// Options of the package managers below that take a separate value (an index, a registry, a file).
bool takes_value(std::string_view option) {
  static const NameSet options{"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "-r",
                               "--requirement", "-c", "--constraint", "-t", "--target", "--prefix", "--root",
                               "--registry", "--cache", "--cwd", "-p", "--package", "--python", "--with",
                               "--config", "--import-map", "--lock", "--cert", "--location", "-w", "--workspace"};
  return options.count(option) > 0;
}

// Indexes in args of the words that are neither options nor the values options take.
std::vector<size_t> package_manager_words(const std::vector<std::string>& args) {
  std::vector<size_t> words;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!is_option(args[i])) {
      words.push_back(i);
    } else if (args[i].find('=') == std::string::npos && takes_value(args[i])) {
      ++i;
    }
  }
  return words;
}

// How many verb words come before the packages a package manager installs (pip install a b URL, uv
// pip install, npm install|i|add); nullopt when name installs nothing.
std::optional<size_t> install_verbs(std::string_view name, const std::vector<std::string>& args,
                                    const std::vector<size_t>& words) {
  auto word = [&](size_t i) { return i < words.size() ? std::string_view(args[words[i]]) : std::string_view(); };
  static const NameSet pips{"pip", "pip3", "pipx"};
  static const NameSet node_managers{"npm", "pnpm", "yarn", "bun"};
  if ((pips.count(name) || starts_with(name, "pip3.")) && word(0) == "install") return 1;
  if (name == "uv" && (word(0) == "pip" || word(0) == "tool") && word(1) == "install") return 2;
  if (node_managers.count(name) && (word(0) == "install" || word(0) == "i" || word(0) == "add")) return 1;
  if (name == "deno" && word(0) == "install") return 1;
  return std::nullopt;
}

}  // namespace

std::optional<size_t> run_package_index(std::string_view name, const std::vector<std::string>& args) {
  static const NameSet runners{"npx", "bunx", "pnpx", "uvx"};
  static const NameSet node_managers{"npm", "pnpm", "yarn", "bun"};
  // Asked of every command: decide by name before reading words.
  if (!runners.count(name) && !node_managers.count(name) && name != "pipx" && name != "uv" && name != "deno")
    return std::nullopt;
  auto words = package_manager_words(args);
  auto word = [&](size_t i) { return i < words.size() ? std::string_view(args[words[i]]) : std::string_view(); };
  size_t verbs;
  if (runners.count(name)) {
    verbs = 0;
  } else if ((node_managers.count(name) && (word(0) == "exec" || word(0) == "x" || word(0) == "dlx")) ||
             (name == "pipx" && word(0) == "run") || (name == "deno" && (word(0) == "run" || word(0) == "x"))) {
    verbs = 1;
  } else if (name == "uv" && word(0) == "tool" && word(1) == "run") {
    verbs = 2;
  } else {
    return std::nullopt;
  }
  if (words.size() <= verbs) return std::nullopt;
  return words[verbs];
}

std::optional<size_t> script_option_index(std::string_view name, const std::vector<std::string>& args) {
  struct ScriptOption {
    std::string_view command, verb, options;  // options: '|'-separated
  };
  if (auto line = terminal_command_line(name, args)) return line;
  static constexpr std::array<ScriptOption, 9> kScriptOptions{{
      {"flock", "", "-c|--command"},
      {"env", "", "-S|--split-string"},
      {"nix-shell", "", "--run|--command"},
      {"nodemon", "", "--exec|-x"},
      {"npx", "", "-c|--call"},
      {"npm", "exec", "-c|--call"},
      {"pnpm", "exec", "-c"},
      {"git", "rebase", "--exec|-x"},
      {"git", "submodule", "foreach"},
  }};
  for (const auto& entry : kScriptOptions) {
    if (entry.command != name) continue;
    size_t i = 0;
    if (!entry.verb.empty()) {
      // The subcommand: the first word that is neither an option nor a global option's value (git -C DIR).
      while (i < args.size() && is_option(args[i])) i += (args[i] == "-C" || args[i] == "-c") ? 2 : 1;
      if (i >= args.size() || args[i] != entry.verb) continue;
      ++i;
    }
    for (; i + 1 < args.size(); ++i) {
      if (args[i] == "--") break;
      if (!is_one_of(args[i], entry.options)) continue;
      if (entry.options != "foreach") return i + 1;
      // git submodule foreach [--recursive] SCRIPT
      size_t script = i + 1;
      while (script < args.size() && is_option(args[script])) ++script;
      if (script < args.size()) return script;
    }
  }
  return std::nullopt;
}

namespace {

// tar runs a command at its checkpoints, for each member (--to-command) and between volumes; a plain
// compressor program (-I zstd) is left to tar's own reading.
std::optional<std::string> tar_command(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    for (std::string_view option : {"--checkpoint-action=exec=", "--to-command=", "--info-script=", "--new-volume-script="})
      if (starts_with(arg, option)) return std::string(arg.substr(option.size()));
    if ((arg == "--to-command" || arg == "--info-script" || arg == "--new-volume-script") && i + 1 < args.size())
      return args[i + 1];
  }
  return std::nullopt;
}

// GNU sed's `e COMMAND` (an address, then e and the command) runs COMMAND through a shell.
std::optional<std::string> sed_command(const std::vector<std::string>& args) {
  std::vector<std::string_view> scripts;
  bool script_given = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-e" || args[i] == "--expression") && i + 1 < args.size()) {
      scripts.push_back(args[++i]);
      script_given = true;
    } else if (starts_with(args[i], "--expression=")) {
      scripts.push_back(std::string_view(args[i]).substr(13));
      script_given = true;
    }
  }
  if (!script_given)
    for (const auto& arg : args)
      if (!arg.empty() && arg[0] != '-') {
        scripts.push_back(arg);
        break;
      }
  for (std::string_view script : scripts) {
    size_t at = 0;
    while (at < script.size()) {
      size_t end = std::min(script.find_first_of(";\n", at), script.size());
      std::string_view command = script.substr(at, end - at);
      size_t k = command.find_first_not_of(" \t0123456789$,");
      if (k != std::string_view::npos && command[k] == 'e' && k + 1 < command.size() && command[k + 1] == ' ')
        return std::string(command.substr(k + 2));
      at = end + 1;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> tool_shell_escape(std::string_view name, const std::vector<std::string>& args) {
  if (name == "tar" || name == "gtar" || name == "bsdtar") return tar_command(args);
  if (name == "sed" || name == "gsed") return sed_command(args);
  static const NameSet vims{"vim", "nvim", "vi", "ex", "view", "gvim", "vimdiff"};
  bool vim = vims.count(name) > 0, gdb = name == "gdb", osascript = name == "osascript", expect = name == "expect";
  if (!vim && !gdb && !osascript && !expect) return std::nullopt;
  auto trim = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == ':')) text.remove_prefix(1);
    return text;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view value;
    bool has_value = i + 1 < args.size();
    if (vim && (arg == "-c" || arg == "--cmd") && has_value) value = args[i + 1];
    else if (vim && starts_with(arg, "+") && arg.size() > 1) value = arg.substr(1);
    else if (gdb && (arg == "-ex" || arg == "--ex" || arg == "-eval-command" || arg == "--eval-command") && has_value) value = args[i + 1];
    else if ((osascript || expect) && (arg == "-e" || arg == "-c") && has_value) value = args[i + 1];
    else continue;
    value = trim(value);
    if (vim) {
      for (std::string_view silent : {"silent!", "silent"})
        if (starts_with(value, silent)) value = trim(value.substr(silent.size()));
      if (starts_with(value, "!")) return std::string(value.substr(1));
    } else if (gdb) {
      if (starts_with(value, "shell ")) return std::string(value.substr(6));
      if (starts_with(value, "!")) return std::string(value.substr(1));
    } else if (osascript) {
      // do shell script "COMMAND": AppleScript's own string, \" escaping its quotes.
      size_t at = value.find("do shell script");
      size_t open = at == std::string_view::npos ? at : value.find('"', at);
      if (open == std::string_view::npos) continue;
      std::string command;
      for (size_t k = open + 1; k < value.size() && value[k] != '"'; ++k) {
        if (value[k] == '\\' && k + 1 < value.size()) ++k;
        command += value[k];
      }
      return command;
    } else {
      // expect: spawn COMMAND ARGS… up to the end of the Tcl command.
      size_t at = value.find("spawn ");
      if (at == std::string_view::npos) continue;
      std::string_view rest = value.substr(at + 6);
      return std::string(rest.substr(0, rest.find_first_of(";\n")));
    }
  }
  return std::nullopt;
}

std::vector<size_t> loaded_file_indexes(std::string_view name, const std::vector<std::string>& args) {
  std::vector<size_t> out;
  auto option_value = [&](std::initializer_list<std::string_view> options) {
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (std::find(options.begin(), options.end(), args[i]) != options.end()) out.push_back(i + 1);
  };
  auto local_package = [](std::string_view arg) {
    return !is_option(arg) && !is_url(arg) &&
           (arg.find('/') != std::string_view::npos || ends_with(arg, ".whl") || ends_with(arg, ".tgz") ||
            ends_with(arg, ".tar.gz") || ends_with(arg, ".deb") || ends_with(arg, ".rpm") || ends_with(arg, ".zip"));
  };
  auto local_packages_after_verb = [&](std::initializer_list<std::string_view> verbs) {
    auto words = package_manager_words(args);
    if (words.empty() || std::find(verbs.begin(), verbs.end(), args[words[0]]) == verbs.end()) return;
    for (size_t k = 1; k < words.size(); ++k)
      if (local_package(args[words[k]])) out.push_back(words[k]);
  };
  if (name == "dpkg") {
    option_value({"-i", "--install", "--unpack"});
  } else if (name == "rpm") {
    bool installs = std::any_of(args.begin(), args.end(), [](const std::string& a) {
      return a.size() > 1 && a[0] == '-' && a[1] != '-' && (a.find('i') != std::string::npos || a.find('U') != std::string::npos);
    });
    if (installs)
      for (size_t i = 0; i < args.size(); ++i)
        if (!is_option(args[i])) out.push_back(i);
  } else if (name == "apt" || name == "apt-get" || name == "dnf" || name == "yum" || name == "zypper") {
    local_packages_after_verb({"install", "reinstall", "localinstall"});
  } else if (name == "pip" || name == "pip3" || name == "pipx" || starts_with(name, "pip3.")) {
    local_packages_after_verb({"install"});
  } else if (name == "npm" || name == "pnpm" || name == "yarn" || name == "bun") {
    local_packages_after_verb({"install", "i", "add"});
  } else if (name == "java") {
    option_value({"-jar", "-javaagent"});
  } else if (name == "code" || name == "codium" || name == "cursor" || name == "code-insiders") {
    option_value({"--install-extension"});
  } else if (name == "make" || name == "gmake") {
    option_value({"-f", "--file", "--makefile"});
  } else if (name == "insmod") {
    for (size_t i = 0; i < args.size(); ++i)
      if (!is_option(args[i])) {
        out.push_back(i);
        break;
      }
  }
  return out;
}

// A requirement naming its own source: pip's `name @ URL` written as one word (name@URL).
std::optional<std::string> direct_reference_url(std::string_view word) {
  size_t at = word.find('@');
  if (at == std::string_view::npos || at == 0 || word.find("://") < at) return std::nullopt;
  std::string_view url = word.substr(at + 1);
  while (!url.empty() && url.front() == ' ') url.remove_prefix(1);
  return is_url(url) ? std::optional<std::string>(url) : std::nullopt;
}

// go run MODULE@VERSION fetches MODULE's source from the host its path names (as the go command resolves
// it; std and golang.org/x are Google's) and runs it. go install and go get only build it: Go has no
// install hooks, nothing of the module runs until its program is started.
std::optional<std::string> go_module_url(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "run") return std::nullopt;
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (is_option(arg)) continue;
    size_t at = arg.find('@'), slash = arg.find('/');
    if (at == std::string::npos || slash == std::string::npos || slash > at) continue;
    std::string host = arg.substr(0, slash);
    if (host.find('.') == std::string::npos) continue;  // a local path or std package
    return "https://" + arg.substr(0, at);
  }
  return std::nullopt;
}

std::optional<std::string> remote_manifest_url(std::string_view name, const std::vector<std::string>& args) {
  static const NameSet pips{"pip", "pip3"};
  bool pip = (pips.count(name) || starts_with(name, "pip3.")) && !args.empty() && args[0] == "install";
  bool uv_pip = name == "uv" && args.size() >= 2 && args[0] == "pip" && args[1] == "install";
  bool cluster = (name == "kubectl" || name == "oc") && !args.empty() &&
                 (args[0] == "apply" || args[0] == "create" || args[0] == "replace");
  if (pip || uv_pip || cluster) {
    std::string_view short_option = cluster ? "-f" : "-r";
    std::string_view long_options = cluster ? "--filename" : "--requirement|-c|--constraint";
    for (size_t i = 0; i < args.size(); ++i) {
      std::string_view arg = args[i];
      bool option = arg == short_option || is_one_of(arg, long_options);
      if (option && i + 1 < args.size() && is_url(args[i + 1])) return args[i + 1];
      size_t eq = arg.find('=');
      if (starts_with(arg, "--") && eq != std::string_view::npos && is_url(arg.substr(eq + 1)) &&
          is_one_of(arg.substr(0, eq), long_options))
        return std::string(arg.substr(eq + 1));
      if (starts_with(arg, short_option) && arg.size() > 2 && is_url(arg.substr(2))) return std::string(arg.substr(2));
    }
    return std::nullopt;
  }
  if (name == "helm" && !args.empty() && (args[0] == "install" || args[0] == "upgrade" || args[0] == "template")) {
    for (size_t i = 1; i < args.size(); ++i)
      if (is_url(args[i]) && (i == 1 || !starts_with(args[i - 1], "--repo"))) return args[i];
  }
  return std::nullopt;
}

std::optional<std::string> remote_package_url(std::string_view name, const std::vector<std::string>& args) {
  if (name == "go") return go_module_url(args);
  // cargo install --git URL; uv run --with URL / uvx --from URL: a package from that URL.
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (((name == "cargo" && args[i] == "--git") || ((name == "uv" || name == "uvx") && (args[i] == "--with" || args[i] == "--from"))) &&
        is_url(args[i + 1]))
      return args[i + 1];
  // npx / npm exec / pnpm dlx / yarn dlx --package=URL (or -p URL): the package fetched to run the command.
  auto first_word = std::find_if(args.begin(), args.end(), [](const std::string& a) { return !is_option(a); });
  std::string_view verb = first_word == args.end() ? std::string_view() : std::string_view(*first_word);
  bool runs_package = name == "npx" || name == "bunx" || (name == "npm" && (verb == "exec" || verb == "x")) ||
                      ((name == "pnpm" || name == "yarn") && verb == "dlx");
  if (runs_package)
    for (size_t i = 0; i < args.size(); ++i) {
      if (starts_with(args[i], "--package=") && is_url(args[i].substr(10))) return args[i].substr(10);
      if ((args[i] == "--package" || args[i] == "-p") && i + 1 < args.size() && is_url(args[i + 1])) return args[i + 1];
    }
  for (const auto& arg : args)
    if (auto url = direct_reference_url(arg); url && install_verbs(name, args, package_manager_words(args))) return url;
  if (std::none_of(args.begin(), args.end(), [](const std::string& arg) { return is_url(arg); })) return std::nullopt;
  // A runner runs one package, the word after its verbs; a later URL is that program's argument.
  if (auto run = run_package_index(name, args)) return is_url(args[*run]) ? std::optional(args[*run]) : std::nullopt;
  auto words = package_manager_words(args);
  auto verbs = install_verbs(name, args, words);
  if (!verbs) return std::nullopt;
  for (size_t k = *verbs; k < words.size(); ++k)
    if (is_url(args[words[k]])) return args[words[k]];
  return std::nullopt;
}

std::optional<size_t> wrapper_prefix(std::string_view name, const std::vector<std::string>& args) {
  if (name == "bwrap") {
    size_t i = 0;
    while (i < args.size() && starts_with(args[i], "--") && args[i] != "--") i += 1 + bwrap_option_values(args[i]);
    if (i < args.size() && args[i] == "--") ++i;
    return std::min(i, args.size());
  }
  if (is_argv_terminal(name)) {
    // The words after -e/-x/-- are the argv; a command line is script_option_index's.
    if (terminal_command_line(name, args)) return std::nullopt;
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i] == "-e" || args[i] == "-x" || args[i] == "--" || args[i] == "--execute" || args[i] == "--command")
        return i + 1;
    return std::nullopt;  // no command: the window runs an interactive shell
  }
  const Wrapper* wrapper = find_wrapper(name);
  if (!wrapper) return std::nullopt;
  size_t i = 0;
  int positional = wrapper->positional_before_command;
  size_t verbs_seen = 0;
  auto verbs_left = [&] { return verbs_seen < wrapper->verbs.size() && !wrapper->verbs[verbs_seen].empty(); };
  while (i < args.size()) {
    std::string_view arg = args[i];
    if (arg == "--" && !verbs_left()) { ++i; break; }
    if (name == "env" && arg.find('=') != std::string_view::npos && arg[0] != '-') { ++i; continue; }
    if (name == "nice" && arg.size() > 1 && arg[0] == '-' && std::isdigit(static_cast<unsigned char>(arg[1]))) { ++i; continue; }
    if (name == "systemd-run" && starts_with(arg, "--on-") && arg.find('=') == std::string_view::npos) { i += 2; continue; }
    if (is_option(arg)) {
      if (starts_with(arg, "--")) {
        std::string_view key = arg.substr(0, arg.find('='));
        bool takes = std::find(wrapper->long_with_value.begin(), wrapper->long_with_value.end(), key) != wrapper->long_with_value.end();
        i += (takes && key.size() == arg.size()) ? 2 : 1;
        continue;
      }
      // A cluster of short options: the first that takes a value consumes the rest or the next word.
      bool consumed_next = false;
      for (size_t k = 1; k < arg.size(); ++k) {
        if (wrapper->short_with_value.find(arg[k]) != std::string_view::npos) {
          consumed_next = (k + 1 == arg.size());
          break;
        }
      }
      i += consumed_next ? 2 : 1;
      continue;
    }
    if (verbs_left()) {
      if (!is_one_of(arg, wrapper->verbs[verbs_seen])) return std::nullopt;
      ++verbs_seen;
      ++i;
      continue;
    }
    if (positional > 0) { --positional; ++i; continue; }
    break;
  }
  if (verbs_left()) return std::nullopt;
  return std::min(i, args.size());
}

bool is_secret_variable(std::string_view raw_name) {
  std::string name;
  for (char c : raw_name) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  static const NameSet not_secret{"PATH", "HOME", "NODE_ENV", "PWD", "OLDPWD", "USER", "SHELL", "LANG", "LC_ALL", "TERM",
                                  "EDITOR", "HOSTNAME", "LOGNAME", "TMPDIR", "TZ", "DISPLAY", "CI", "PS1", "IFS",
                                  "SHLVL", "MAIL", "PAGER", "VISUAL", "GOPATH", "JAVA_HOME", "PYTHONPATH",
                                  "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "SSH_AUTH_SOCK",
                                  "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_AUTHOR_DATE"};
  if (not_secret.count(name)) return false;
  if (starts_with(name, "XDG_") || starts_with(name, "DBUS_") || starts_with(name, "LC_")) return false;
  static const std::array<std::string_view, 18> parts{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "API_KEY",
                                                      "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL", "AUTH",
                                                      "SESSION", "COOKIE", "_PAT", "_DSN", "DATABASE_URL", "CLIENT_KEY",
                                                      "SIGNING_KEY"};
  for (auto part : parts)
    if (contains(name, part) && !contains(name, "AUTHOR")) return true;
  static const std::array<std::string_view, 8> prefixes{"AWS_", "OPENAI_", "ANTHROPIC_", "GITHUB_TOKEN", "GH_", "NPM_TOKEN",
                                                        "AZURE_", "HF_"};
  for (auto prefix : prefixes)
    if (starts_with(name, prefix)) return true;
  // An incoming-webhook URL is its own credential: whoever holds it posts to the channel.
  if (ends_with(name, "WEBHOOK") || ends_with(name, "WEBHOOK_URL")) return true;
  return ends_with(name, "_KEY") || name == "KEY" || ends_with(name, "_PASS") || ends_with(name, "_PWD");
}

bool names_one_service(std::string_view secret, std::string_view destination_variable) {
  std::string a = lower(secret), b = lower(destination_variable);
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  auto service = [](std::string name) {
    name = name.substr(0, name.find('_'));
    return name == "gh" ? std::string("github") : name;
  };
  std::string word = service(a);
  static const NameSet generic{"secret", "token", "key", "password", "passwd", "pass", "private", "access", "auth",
                               "my", "user", "admin", "x"};
  return word.size() >= 2 && !generic.count(word) && a.find('_') != std::string::npos &&
         b.find('_') != std::string::npos && word == service(b);
}

std::string home_relative(std::string_view path) {
  // Appended rather than "~" + std::string(…), which GCC 12 -O3 misreports as an overlapping copy.
  auto tilde = [](std::string_view rest) {
    std::string out = "~";
    out += rest;
    return out;
  };
  for (std::string_view prefix : {"$HOME", "${HOME}", "~"}) {
    if (starts_with(path, prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/'))
      return tilde(path.substr(prefix.size()));
  }
  if (starts_with(path, "/root") && (path.size() == 5 || path[5] == '/')) return tilde(path.substr(5));
  for (std::string_view prefix : {"/home/", "/Users/"}) {
    if (starts_with(path, prefix)) {
      size_t slash = path.find('/', prefix.size());
      if (slash == std::string_view::npos) return "~";
      return tilde(path.substr(slash));
    }
  }
  return std::string(path);
}

namespace {

// `$GOOGLE_APPLICATION_CREDENTIALS`, `${AWS_SHARED_CREDENTIALS_FILE}`, `$DEPLOY_KEY_FILE`: a path held by a
// variable whose name says it is a credential file.
bool names_credential_file_variable(std::string_view path) {
  if (path.empty() || path.front() != '$') return false;
  path.remove_prefix(1);
  if (!path.empty() && path.front() == '{') {
    if (path.back() != '}') return false;
    path = path.substr(1, path.size() - 2);
  }
  std::string name;
  for (char c : path) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  static const NameSet known{"GOOGLE_APPLICATION_CREDENTIALS", "AWS_SHARED_CREDENTIALS_FILE", "KUBECONFIG", "NETRC",
                             "GIT_SSH_KEY", "SSH_PRIVATE_KEY_FILE", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE"};
  return known.count(name) || ends_with(name, "_CREDENTIALS_FILE") || ends_with(name, "_KEY_FILE") ||
         ends_with(name, "_KEYFILE") || ends_with(name, "_PRIVATE_KEY_PATH") || ends_with(name, "_CREDENTIALS_PATH");
}

}  // namespace

PathClass classify_path(std::string_view raw) {
  if (raw.empty()) return PathClass::ordinary;
  if (names_credential_file_variable(raw)) return PathClass::credential;
  std::string path = home_relative(raw);
  while (starts_with(path, "./")) path.erase(0, 2);
  if (starts_with(path, "/proc/") && ends_with(path, "/environ")) return PathClass::environment;
  std::string base(base_name(path));
  std::string dir = path.size() > base.size() ? path.substr(0, path.size() - base.size()) : std::string();
  if (base.find_first_of("*?[") != std::string::npos && base != "*") {
    // A glob reads whatever it matches: credential if it matches a credential file's name there.
    static const std::array<std::string_view, 14> samples{".env", ".env.local", ".env.production", "id_rsa", "id_ed25519",
                                                          "credentials", ".netrc", ".npmrc", ".pypirc", ".git-credentials",
                                                          "server.key", "private.pem", "config.json", "hosts.yml"};
    for (auto sample : samples)
      if (glob_match(base, sample) && classify_path(dir + std::string(sample)) == PathClass::credential)
        return PathClass::credential;
    return PathClass::ordinary;
  }

  if (base == ".env" || (starts_with(base, ".env.") && base != ".env.")) {
    static const NameSet harmless{".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
                                  ".env.schema", ".env.example.local"};
    return harmless.count(base) ? PathClass::ordinary : PathClass::credential;
  }
  if (ends_with(base, ".env") && base.size() > 4 && !contains(base, "example")) return PathClass::credential;
  bool in_ssh = contains(dir, ".ssh/") || path == "~/.ssh" || path == "~/.ssh/";
  if (in_ssh) {
    if (path == "~/.ssh" || path == "~/.ssh/" || base == "*" || base == ".ssh") return PathClass::credential;
    if (ends_with(base, ".pub") || base == "known_hosts" || base == "config" || base == "authorized_keys")
      return PathClass::ordinary;
    return PathClass::credential;
  }
  if (starts_with(base, "id_") && !ends_with(base, ".pub") &&
      (contains(base, "rsa") || contains(base, "dsa") || contains(base, "ed25519") || contains(base, "ecdsa")))
    return PathClass::credential;
  static const NameSet secret_names{".netrc", "_netrc", ".git-credentials", ".npmrc", ".pypirc", ".pgpass", ".vault-token",
                                    ".bash_history", ".zsh_history", ".psql_history", ".mysql_history", ".my.cnf",
                                    ".dockercfg", "shadow", "gshadow", "master.key", "credentials.json",
                                    "service-account.json", "application_default_credentials.json", "secrets.yml",
                                    "secrets.yaml", "secrets.json", ".htpasswd", "id_rsa", "id_ed25519", ".s3cfg",
                                    "hosts.yml", "keyring", "login.keychain-db", ".envrc", ".dev.vars", "secrets.toml",
                                    "serviceAccountKey.json", "kaggle.json", "kubeconfig", "kubeconfig.yaml",
                                    "kubeconfig.yml"};
  if (secret_names.count(base)) {
    if (base == "shadow" || base == "gshadow") return starts_with(path, "/etc/") ? PathClass::credential : PathClass::ordinary;
    if (base == "hosts.yml") return contains(path, "gh/") ? PathClass::credential : PathClass::ordinary;
    return PathClass::credential;
  }
  if (contains(path, "/.aws/") || path == "~/.aws" || contains(path, ".aws/credentials")) return PathClass::credential;
  // Coding agents' own logins (an API key or OAuth token for the model account), package registries'
  // and build tools' publish credentials, infrastructure state, desktop keyrings and browsers' saved logins.
  static const NameSet login_files{".credentials.json", "oauth_creds.json", "credentials.tfrc.json", "terraform.tfstate",
                                   "terraform.tfstate.backup", "logins.json", "key4.db", "key3.db", "cookies.sqlite",
                                   "Login Data", "login.keyring", ".boto", "rclone.conf", ".databrickscfg"};
  if (login_files.count(base)) return PathClass::credential;
  // A Chromium-family browser profile's cookie and form databases: its sessions and saved cards.
  if ((base == "Cookies" || base == "Web Data" || base == "Login Data For Account") &&
      (contains(path, "chrome/") || contains(path, "Chrome/") || contains(path, "chromium/") || contains(path, "Brave") ||
       contains(path, "microsoft-edge/") || contains(path, "Microsoft Edge/") || contains(path, "vivaldi/") ||
       contains(path, "opera/")))
    return PathClass::credential;
  if (ends_with(base, ".tfstate") || ends_with(base, ".tfstate.backup")) return PathClass::credential;
  if (starts_with(base, "ssh_host_") && ends_with(base, "_key")) return PathClass::credential;  // a server's private host key
  bool in_dot_directory = contains(path, "/.");  // every place below is under a dot directory
  for (std::string_view place : {"/.codex/auth.json", "/.config/anthropic/", "/.config/github-copilot/",
                                 "/.local/share/opencode/auth.json", "/.cargo/credentials", "/.cargo/credentials.toml",
                                 "/.gem/credentials", "/.m2/settings.xml", "/.gradle/gradle.properties", "/.config/hub",
                                 "/.local/share/keyrings/", "/.config/doctl/", "/.fly/config.yml", "/.config/.wrangler/",
                                 "/.netlify/config.json", "/.config/git/credentials", "/.config/glab-cli/",
                                 "/.cache/huggingface/token", "/.huggingface/token", "/.config/composer/auth.json",
                                 "/.composer/auth.json", "/.config/sops/age/", "/.config/age/", "/.dbt/profiles.yml",
                                 "/.config/ngrok/", "/.ngrok2/", "/.cloudflared/"}) {
    if (!in_dot_directory) break;
    bool directory = ends_with(place, "/");  // everything under it, or the directory itself; else that file
    if (directory ? contains(path, place) || ends_with(path, place.substr(0, place.size() - 1)) : ends_with(path, place))
      return PathClass::credential;
  }
  // Secrets that Docker/BuildKit (RUN --mount=type=secret) and Kubernetes (service-account token) mount as files.
  if (starts_with(path, "/run/secrets/") || starts_with(path, "/var/run/secrets/") || path == "/run/secrets")
    return PathClass::credential;
  if (contains(path, ".docker/config.json") || contains(path, ".kube/config") || contains(path, "/.gnupg") ||
      contains(path, "/.config/gcloud") || contains(path, "/.azure/") || contains(path, "/.config/gh") ||
      contains(path, ".password-store") || contains(path, "/etc/ssl/private"))
    return PathClass::credential;
  // Package managers' keyrings hold the public keys that sign repositories (/etc/apt/keyrings/docker.gpg).
  if (contains(path, "/keyrings/") || contains(path, "/trusted.gpg") || contains(path, "/rpm-gpg/"))
    return PathClass::ordinary;
  for (std::string_view ext : {".key", ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".kdbx", ".asc", ".gpg"})
    if (ends_with(base, ext) && base.size() > ext.size()) return PathClass::credential;
  if (ends_with(base, ".pem")) {
    std::string low = lower(base);
    for (std::string_view public_part : {"cert", "ca", "chain", "pub", "bundle"})
      if (contains(low, public_part)) return PathClass::ordinary;
    return PathClass::credential;
  }
  return PathClass::ordinary;
}

bool is_python_startup_file(std::string_view path) {
  std::string_view base = base_name(path);
  return (ends_with(base, ".pth") && (contains(path, "site-packages/") || contains(path, "dist-packages/"))) ||
         base == "sitecustomize.py" || base == "usercustomize.py";
}

std::optional<std::string_view> persistence_kind(std::string_view raw) {
  std::string path = home_relative(raw);
  std::string_view base = base_name(path);
  if (contains(path, ".git/hooks/") && !ends_with(path, ".sample")) return "git_hook";
  if (contains(path, ".ssh/authorized_keys")) return "authorized_keys";
  if (is_python_startup_file(path)) return "python_startup";
  static const NameSet rc{".bashrc", ".zshrc", ".kshrc", ".cshrc", ".tcshrc", ".bash_logout", ".zshenv", ".zlogin",
                          "config.fish", "bash.bashrc", ".inputrc", ".mkshrc", ".bash_aliases", ".zlogout",
                          ".xprofile", ".xinitrc", ".xsession", ".xsessionrc"};
  // ~/.ssh/rc runs on every ssh login to this account; /etc/zsh/zshrc … for every zsh.
  if (ends_with(path, ".ssh/rc") || path == "/etc/ssh/sshrc" || starts_with(path, "/etc/zsh/")) return "shell_rc";
  static const NameSet profile{".profile", ".bash_profile", ".bash_login", ".zprofile", "profile", "environment"};
  if (starts_with(path, "/etc/profile.d/")) return "profile";
  if (base == "profile" || base == "environment") return starts_with(path, "/etc/") ? std::optional<std::string_view>("profile") : std::nullopt;
  if (rc.count(base)) return "shell_rc";
  if (profile.count(base)) return "profile";
  if (starts_with(path, "/etc/cron") || starts_with(path, "/var/spool/cron") || base == "crontab") return "cron";
  if (starts_with(path, "/etc/systemd/") || starts_with(path, "/lib/systemd/") || starts_with(path, "/usr/lib/systemd/") ||
      contains(path, ".config/systemd/") || starts_with(path, "/etc/init.d/") || contains(path, "LaunchAgents/") ||
      contains(path, "LaunchDaemons/") || starts_with(path, "/etc/rc.local") || contains(path, ".config/autostart/"))
    return "service";
  // A program dropped into a directory on the user's PATH under the name of one run every day
  // (~/.local/bin/git) runs instead of it from then on; a new tool of its own name does not.
  static const NameSet user_path_dirs{"~/.local/bin", "~/bin", "/usr/local/bin", "/usr/local/sbin", "~/.npm-global/bin",
                                      "~/.cargo/bin", "~/go/bin"};
  static const NameSet everyday{"git", "ssh", "scp", "sudo", "su", "ls", "cat", "cp", "mv", "rm", "curl", "wget", "npm",
                                "npx", "node", "python", "python3", "pip", "pip3", "make", "docker", "kubectl", "gh",
                                "aws", "gpg", "ssh-add", "ps", "grep", "find", "env", "bash", "sh", "zsh", "code",
                                "yarn", "pnpm", "cargo", "go", "java", "mvn", "gradle", "terraform", "helm", "vim", "less"};
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && user_path_dirs.count(std::string_view(path).substr(0, slash)) && everyday.count(base))
    return "path_shadow";
  return std::nullopt;
}

bool is_destructive_target(std::string_view raw) {
  std::string path = home_relative(raw);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  while (ends_with(path, "/*") || ends_with(path, "/.")) path.resize(path.size() - 2);
  if (path.empty() || path == "/" || path == "*" || path == "~" || path == "/*" || path == "~/*" || path == "/home" ||
      path == "/Users" || path == "/root")
    return true;
  static const NameSet system_dirs{"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/boot", "/var", "/opt",
                                   "/sys", "/proc", "/dev", "/srv", "/usr/bin", "/usr/lib", "/usr/local", "/usr/sbin",
                                   "/var/lib", "/System", "/Library", "/Applications"};
  if (system_dirs.count(path)) return true;
  // Only steps up out of the working directory (.., ../.., ../../*): every project beside this one, or
  // the home or / that holds them.
  std::string_view up = path;
  while (starts_with(up, "./")) up.remove_prefix(2);
  if (!up.empty() && up != "." && std::all_of(up.begin(), up.end(), [](char c) { return c == '.' || c == '/'; }) &&
      up.find("...") == std::string_view::npos && starts_with(up, ".."))
    return true;
  // A database server's data directories (not a file in them: removing a stale postmaster.pid is upkeep).
  for (std::string_view root : {"/var/lib/postgresql", "/var/lib/pgsql", "/var/lib/mysql", "/var/lib/mariadb",
                                "/var/lib/mongodb", "/var/lib/redis", "/var/lib/elasticsearch"})
    if (path == root || (starts_with(path, root) && path[root.size()] == '/' &&
                         base_name(path).find('.') == std::string_view::npos))
      return true;
  // Whole top-level user dirs (~/Documents) are not listed: only the home itself is.
  return false;
}

bool is_critical_system_file(std::string_view path) {
  static const NameSet files{"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow", "/etc/sudoers", "/etc/fstab",
                             "/etc/pam.d/sudo", "/etc/pam.d/common-auth", "/etc/ld.so.preload", "/boot/grub/grub.cfg",
                             "/etc/resolv.conf", "/etc/nsswitch.conf"};
  return files.count(path) > 0;
}

bool is_block_device(std::string_view path) {
  if (!starts_with(path, "/dev/")) return false;
  std::string_view dev = path.substr(5);
  // /dev/$d, /dev/$(lsblk …): a device picked at run time may be any disk.
  if (starts_with(dev, "$") || starts_with(dev, "`")) return true;
  for (std::string_view prefix : {"sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "md", "dm-", "mapper/", "loop", "rdisk"})
    if (starts_with(dev, prefix)) return true;
  return false;
}

bool is_cloud_metadata_credential_url(std::string_view host, std::string_view url) {
  static const NameSet metadata_hosts{"169.254.169.254", "metadata.google.internal", "metadata", "100.100.100.200",
                                      "fd00:ec2::254", "169.254.170.2"};
  if (!metadata_hosts.count(host)) return false;
  std::string path = lower(url);
  for (std::string_view part : {"credential", "token", "service-accounts", "identity"})
    if (contains(path, part)) return true;
  return false;
}

bool git_setting_runs_command(std::string_view raw_key, std::string_view value) {
  if (value.empty() || value == "true" || value == "false") return false;
  std::string key = lower(raw_key);
  std::string_view k = key;
  std::string_view first = k.substr(0, k.find('.'));
  std::string_view last = k.substr(k.rfind('.') + 1);
  static const NameSet commands{"core.sshcommand", "core.pager", "core.editor", "core.fsmonitor", "core.askpass",
                                "sequence.editor", "diff.external", "gpg.program", "gpg.ssh.program",
                                "gpg.x509.program", "gpg.openpgp.program", "core.alternaterefscommand",
                                "interactive.difffilter", "uploadpack.packobjectshook", "web.browser"};
  if (commands.count(k) || first == "pager") return true;
  if (first == "alias") return value[0] == '!';
  if (first == "submodule") return last == "update" && value[0] == '!';  // git submodule update runs it
  if (first == "credential") return last == "helper";
  if (first == "filter") return last == "clean" || last == "smudge" || last == "process";
  if (first == "diff") return last == "textconv" || last == "command";  // diff.DRIVER.textconv / .command
  if (first == "merge") return last == "driver";
  if (first == "difftool" || first == "mergetool") return last == "cmd";
  return false;
}

namespace {

// The value of an option given as `-o X`, `-oX`, `--output X` or `--output=X`; empty when absent.
std::string option_value(const std::vector<std::string>& args, std::string_view short_name, std::string_view long_name) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if ((arg == short_name || arg == long_name) && i + 1 < args.size()) return args[i + 1];
    if (!short_name.empty() && starts_with(arg, short_name) && arg.size() > short_name.size() && arg[1] != '-')
      return arg.substr(short_name.size());
    if (starts_with(arg, std::string(long_name) + "=")) return arg.substr(long_name.size() + 1);
  }
  return {};
}

// `-o jsonpath='{.metadata.creationTimestamp}'` or `-o custom-columns=NAME:.metadata.name,TYPE:.type`:
// every field printed is the secret's metadata, none of its data.
bool kubectl_output_only_metadata(const std::vector<std::string>& args) {
  std::string format = option_value(args, "-o", "--output");
  std::string_view fields;
  if (starts_with(format, "jsonpath=")) fields = std::string_view(format).substr(9);
  else if (starts_with(format, "custom-columns=")) fields = std::string_view(format).substr(15);
  else return false;
  size_t paths = 0;
  for (size_t at = fields.find('.'); at != std::string_view::npos; at = fields.find('.', at + 1)) {
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(fields[at - 1])) || fields[at - 1] == ']' ||
                   fields[at - 1] == '_'))
      continue;  // a later step of a path already judged (.metadata.name's .name)
    std::string_view path = fields.substr(at);
    ++paths;
    bool plain = starts_with(path, ".metadata") || starts_with(path, ".type") || starts_with(path, ".kind") ||
                 starts_with(path, ".apiVersion") || starts_with(path, ".items[*].metadata") ||
                 starts_with(path, ".items[*].type");
    if (!plain) return false;
  }
  return paths > 0;
}

// `az account get-access-token --query expiresOn`: the query picks only fields that are not the token.
bool az_query_picks_no_token(const std::vector<std::string>& args) {
  std::string query = option_value(args, "", "--query");
  if (query.empty()) return false;
  static const NameSet plain{"expiresOn", "expires_on", "expiresOnTimestamp", "subscription", "tenant", "tokenType"};
  size_t names = 0;
  for (size_t at = 0; at < query.size();) {
    while (at < query.size() && !(std::isalnum(static_cast<unsigned char>(query[at])) || query[at] == '_')) ++at;
    size_t end = at;
    while (end < query.size() && (std::isalnum(static_cast<unsigned char>(query[end])) || query[end] == '_')) ++end;
    if (end > at) {
      ++names;
      if (!plain.count(query.substr(at, end - at))) return false;
    }
    at = end;
  }
  return names > 0;
}

}  // namespace

std::optional<std::string> credential_helper(std::string_view name, const std::vector<std::string>& given) {
  // Cluster and infrastructure CLIs take global options before the subcommand (kubectl -n ns get …,
  // terraform -chdir=infra output …): read from the subcommand.
  // Asked of every command: the words are copied only when there are such options to read past.
  bool reads_past = (name == "kubectl" || name == "oc" || name == "terraform" || name == "tofu") && !given.empty() &&
                    is_option(given[0]);
  std::vector<std::string> from_subcommand;
  if (reads_past) {
    static const NameSet with_value{"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s",
                                    "--server", "--token", "--as"};
    size_t first_word = 0;
    while (first_word < given.size() && is_option(given[first_word]))
      first_word += with_value.count(given[first_word]) && given[first_word].find('=') == std::string::npos ? 2 : 1;
    from_subcommand.assign(given.begin() + static_cast<long>(std::min(first_word, given.size())), given.end());
  }
  const std::vector<std::string>& args = reads_past ? from_subcommand : given;
  auto has = [&](std::string_view word) { return std::find(args.begin(), args.end(), word) != args.end(); };
  auto first = [&](size_t i) -> std::string_view { return i < args.size() ? std::string_view(args[i]) : std::string_view(); };
  auto joined = [&] {
    std::string out(name);
    for (size_t i = 0; i < args.size() && i < 4; ++i) out += " " + args[i];
    return out;
  };
  if (name == "gh" && first(0) == "auth" && (first(1) == "token" || has("--show-token") || has("-t"))) return joined();
  // git credential fill, and helpers run directly (git credential-manager get, credential-osxkeychain get).
  if (name == "git" && (has("fill") || has("get")) &&
      std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "credential" || starts_with(a, "credential-"); }))
    return joined();
  if (name == "glab" && first(0) == "auth" && (first(1) == "token" || has("--show-token") || has("-t"))) return joined();
  if (name == "aws") {
    if (first(0) == "configure" && first(1) == "get") {
      std::string key = lower(first(2));
      if (contains(key, "secret") || contains(key, "key") || contains(key, "token")) return joined();
    }
    if (first(0) == "sts" && (first(1) == "get-session-token" || first(1) == "assume-role" || first(1) == "get-federation-token")) return joined();
    if ((first(0) == "ecr" || first(0) == "ecr-public") &&
        (first(1) == "get-login-password" || first(1) == "get-authorization-token"))
      return joined();
    if (first(0) == "codeartifact" && first(1) == "get-authorization-token") return joined();
    if (first(0) == "rds" && first(1) == "generate-db-auth-token") return joined();
    if (first(0) == "secretsmanager" && first(1) == "get-secret-value") return joined();
    if (first(0) == "ssm" && starts_with(first(1), "get-parameter") && has("--with-decryption")) return joined();
    if (first(0) == "configure" && first(1) == "export-credentials") return joined();
  }
  if (name == "gcloud" && (has("print-access-token") || has("print-identity-token") ||
                           (first(0) == "secrets" && has("access"))))
    return joined();
  if (name == "az" && has("get-access-token") && az_query_picks_no_token(args)) return std::nullopt;
  if (name == "az" && (has("get-access-token") || (first(0) == "keyvault" && first(1) == "secret" && first(2) == "show")))
    return joined();
  if (name == "security" && (first(0) == "find-generic-password" || first(0) == "find-internet-password" ||
                             first(0) == "dump-keychain"))
    return joined();
  if (name == "secret-tool" && first(0) == "lookup") return joined();
  if (name == "pass" && !args.empty() && first(0) != "ls" && first(0) != "list" && first(0) != "insert" &&
      first(0) != "init" && first(0) != "generate" && first(0) != "git" && first(0) != "rm")
    return joined();
  if (name == "op" && (first(0) == "read" || (first(0) == "item" && first(1) == "get"))) return joined();
  if (name == "vault" && (first(0) == "read" || (first(0) == "kv" && first(1) == "get") || (first(0) == "print" && first(1) == "token")))
    return joined();
  if (name == "kubectl" && first(0) == "get" && (starts_with(first(1), "secret") || starts_with(first(1), "secrets"))) {
    // Listing all secrets as the default table shows names and types only; a named secret, or -o
    // yaml/json/jsonpath/go-template, is what a read of the data looks like.
    size_t names = 0;
    for (size_t i = 2; i < args.size(); ++i) {
      if (args[i] == "-n" || args[i] == "--namespace" || args[i] == "-l" || args[i] == "--selector" || args[i] == "-o" ||
          args[i] == "--output" || args[i] == "--context" || args[i] == "--field-selector")
        ++i;
      else if (!args[i].empty() && args[i][0] != '-') ++names;
    }
    if (kubectl_output_only_metadata(args)) return std::nullopt;
    if (names > 0) return joined();
    for (size_t i = 0; i < args.size(); ++i)
      if (((args[i] == "-o" || args[i] == "--output") && i + 1 < args.size() && args[i + 1] != "wide" &&
           args[i + 1] != "name") ||
          ((starts_with(args[i], "-o") && args[i].size() > 2 && args[i] != "-owide" && args[i] != "-oname") ||
           (starts_with(args[i], "--output=") && args[i] != "--output=wide" && args[i] != "--output=name")))
        return joined();
    return std::nullopt;
  }
  // heroku config prints every config var (the app's secrets); config:get one, a secret when its name says so.
  if (name == "heroku" && (first(0) == "auth:token" || first(0) == "config" ||
                           (first(0) == "config:get" && is_secret_variable(first(1)))))
    return joined();
  // Secret managers printing or exporting a project's secrets.
  if (name == "doppler" && first(0) == "secrets" && (first(1).empty() || first(1) == "download" || first(1) == "get" ||
                                                     is_option(first(1))))
    return joined();
  if (name == "infisical" && (first(0) == "export" || (first(0) == "secrets" && (first(1).empty() || first(1) == "get"))))
    return joined();
  if (name == "kubectl" && first(0) == "create" && first(1) == "token") return joined();
  // Password managers printing or exporting a vault's items.
  if (name == "bw" && (first(0) == "get" || first(0) == "export" || (first(0) == "list" && first(1) == "items"))) return joined();
  if (name == "lpass" && (first(0) == "show" || first(0) == "export")) return joined();
  if ((name == "gopass" || name == "rbw") && (first(0) == "show" || first(0) == "get" || first(0) == "export")) return joined();
  if (name == "keepassxc-cli" && (first(0) == "show" || first(0) == "export")) return joined();
  if (name == "doctl" && first(0) == "auth" && first(1) == "token") return joined();
  if (starts_with(name, "docker-credential-") && first(0) == "get") return joined();
  if (name == "npm" && first(0) == "token" && first(1) == "create") return joined();
  // Commands that print private key material: key stores exporting secrets, not public keys.
  auto has_prefix = [&](std::string_view prefix) {
    return std::any_of(args.begin(), args.end(), [&](const std::string& a) { return starts_with(a, prefix); });
  };
  if ((name == "gpg" || name == "gpg2") && (has_prefix("--export-secret-key") || has_prefix("--export-secret-subkey")))
    return joined();
  if (name == "security" && first(0) == "export") return joined();  // macOS keychain items, keys included
  if (name == "openssl") {
    // pkcs12 bundles and pkey/rsa/ec/dsa print private keys unless told to keep only the public half.
    if (first(0) == "pkcs12" && !has("-nokeys") && !has("-info")) return joined();
    if ((first(0) == "pkey" || first(0) == "rsa" || first(0) == "ec" || first(0) == "dsa") && !has("-pubout") &&
        !has("-noout"))
      return joined();
  }
  if (name == "kubectl" && first(0) == "config" && first(1) == "view" && has("--raw")) return joined();
  // terraform output redacts sensitive values in its table; -json prints them all, and -raw NAME prints one.
  if ((name == "terraform" || name == "tofu") && first(0) == "output") {
    if (has("-json")) return joined();
    for (size_t i = 1; i < args.size(); ++i)
      if (!is_option(args[i]) && is_secret_variable(args[i])) return joined();
  }
  // netlify env:list --plain/--json prints every variable's value (the default table masks secrets).
  if ((name == "netlify" || name == "netlify-cli") && first(0) == "env:list" && (has("--plain") || has("--json")))
    return joined();
  if ((name == "netlify" || name == "netlify-cli") && first(0) == "env:get" && is_secret_variable(first(1))) return joined();
  if (name == "wg" && first(0) == "showconf") return joined();
  return std::nullopt;
}

}  // namespace toolwall::shell
