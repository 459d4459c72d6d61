#include "analysis/shell/markers.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "analysis/shell/catalog.h"
#include "analysis/shell/name_set.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

bool has(const std::vector<std::string>& args, std::string_view word) {
  return std::find(args.begin(), args.end(), word) != args.end();
}
std::string join(const std::string& name, const std::vector<std::string>& args, size_t max_words = 8) {
  std::string out = name;
  for (size_t i = 0; i < args.size() && i < max_words; ++i) out += " " + args[i];
  return out;
}
// Single-dash option clusters ("-rf", "-sk") hold the letter.
bool short_flag(const std::vector<std::string>& args, char letter) {
  for (const auto& arg : args)
    if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find(letter) != std::string::npos &&
        std::all_of(arg.begin() + 1, arg.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
      return true;
  return false;
}
// ssh -R (or -o RemoteForward=…) before the destination: a port of this machine opened on the remote
// host, a way in that outlives the call. Words after the destination are the remote command.
bool ssh_forwards_inbound(const std::vector<std::string>& args, bool autossh) {
  // autossh takes -M PORT before ssh's own options.
  std::string_view with_value = autossh ? "BbcDEeFIiJLlMmOopQRSWw" : "BbcDEeFIiJLlmOopQRSWw";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--" || arg.size() < 2 || arg[0] != '-') return false;
    for (size_t k = 1; k < arg.size(); ++k) {
      char letter = arg[k];
      if (letter == 'R') return true;
      if (with_value.find(letter) == std::string_view::npos) continue;
      std::string value = k + 1 < arg.size() ? arg.substr(k + 1) : (i + 1 < args.size() ? args[++i] : std::string());
      if (letter == 'o' && starts_with(lower(value), "remoteforward")) return true;
      break;
    }
  }
  return false;
}

// `npx localtunnel --port 8000`, `pnpm dlx ngrok@3 http 3000`: the package run and its arguments (the
// package's name without a version stands for its command); nullopt when name runs no package.
std::optional<std::pair<std::string, std::vector<std::string>>> package_run(const std::string& name,
                                                                           const std::vector<std::string>& args) {
  auto at = run_package_index(name, args);
  if (!at) return std::nullopt;
  std::string package = args[*at];
  size_t version = package.find('@', 1);  // @scope/name@1.2: the scope's @ is not a version
  if (version != std::string::npos) package.resize(version);
  return std::make_pair(package, std::vector<std::string>(args.begin() + static_cast<std::ptrdiff_t>(*at) + 1, args.end()));
}

// Tunnel clients that publish a local port on a public relay (ngrok http 3000, cloudflared tunnel …).
bool publishes_local_port(const std::string& name, const std::vector<std::string>& args) {
  std::string first = args.empty() ? std::string() : args[0];
  if (name == "ngrok") return first == "http" || first == "tcp" || first == "tls" || first == "start";
  if (name == "cloudflared") return first == "tunnel" || has(args, "tunnel");
  if (name == "bore") return first == "local";
  if (name == "lt" || name == "localtunnel") return has(args, "--port") || has(args, "-p");
  return false;
}

std::vector<std::string> positionals(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  bool options_done = false;
  for (const auto& arg : args) {
    if (!options_done && arg == "--") { options_done = true; continue; }
    if (!options_done && arg.size() > 1 && arg[0] == '-') continue;
    out.push_back(arg);
  }
  return out;
}

// The home directory, / or a credential directory served over HTTP to whoever reaches the port
// (python -m http.server --directory ~, php -S 0.0.0.0:8000 -t ~, http-server ~); a loopback bind is not.
// A server told no directory serves the working directory: where a `cd` left the shell, if it did.
bool serves_sensitive_directory(const std::string& name, const std::vector<std::string>& args,
                                const std::string& working_directory) {
  std::string directory, bind;
  bool server = false;
  auto value_after = [&](size_t& i) { return i + 1 < args.size() ? args[++i] : std::string(); };
  if (is_interpreter(name) && starts_with(name, "python")) {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "-m" && i + 1 < args.size()) server = args[i + 1] == "http.server" || args[i + 1] == "SimpleHTTPServer";
      if (arg == "--directory" || arg == "-d") directory = value_after(i);
      else if (starts_with(arg, "--directory=")) directory = arg.substr(12);
      else if (arg == "--bind" || arg == "-b") bind = value_after(i);
    }
  } else if (name == "php") {
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "-S") server = true, bind = value_after(i);
      else if (args[i] == "-t") directory = value_after(i);
    }
  } else if (name == "http-server" || name == "serve") {
    server = true;
    // Options that take a value: the value is not the directory (http-server -p 8080 serves ".").
    static const NameSet valued{"-p", "--port", "-c", "--config", "-e", "--ext", "-P", "--proxy", "-C", "--cert",
                                "-K", "--key", "-t", "--timeout", "-U", "--username", "--password"};
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "-a" || args[i] == "-l" || args[i] == "--listen") bind = value_after(i);
      else if (valued.count(args[i])) ++i;
      else if (directory.empty() && !args[i].empty() && args[i][0] != '-') directory = args[i];
    }
  }
  if (directory.empty()) directory = working_directory;
  if (!server || directory.empty()) return false;
  std::string host = lower(bind);
  if (host.size() > 1 && host[0] == '[') {
    host = host.substr(1, host.find(']') - 1);  // [::1]:8000
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host.resize(host.find(':'));  // 127.0.0.1:8000
  }
  if (starts_with(host, "127.") || host == "localhost" || host == "::1") return false;
  return is_destructive_target(directory) || classify_path(directory) != PathClass::ordinary;
}

// SQL that drops a database, schema or table or empties one (psql -c, mysql -e, sqlite3 DB 'SQL' …),
// DELETE without a WHERE included.
bool drops_sql_data(const std::vector<std::string>& args) {
  for (const auto& arg : args) {
    std::string sql = lower(arg);
    for (std::string_view statement : {"drop database", "drop schema", "drop table", "truncate "})
      if (sql.find(statement) != std::string::npos) return true;
    for (size_t start = 0; start < sql.size();) {
      size_t end = std::min(sql.find(';', start), sql.size());
      std::string_view one = std::string_view(sql).substr(start, end - start);
      if (one.find("delete from ") != std::string_view::npos && one.find(" where ") == std::string_view::npos) return true;
      start = end + 1;
    }
  }
  return false;
}

// Cloud resources, clusters and databases torn down (terraform destroy, kubectl delete ns, aws s3 rb,
// gcloud … delete, DROP DATABASE …): not the machine, but what an agent with production credentials
// can wipe in one call. Reading, planning and creating are not.
bool tears_down_infrastructure(const std::string& name, const std::vector<std::string>& args) {
  static const NameSet tools{"terraform", "tofu", "terragrunt", "pulumi", "kubectl", "oc", "aws", "gcloud", "az",
                             "heroku", "fly", "flyctl", "dropdb", "mysqladmin", "redis-cli", "mongo", "mongosh",
                             "gsutil", "doctl", "gh", "docker", "podman"};
  static const NameSet sql_clients{"psql", "mysql", "mariadb", "sqlite3", "cockroach", "clickhouse-client", "sqlcmd", "duckdb"};
  if (sql_clients.count(name)) return drops_sql_data(args);
  if (!tools.count(name)) return false;  // every command comes here: decide by name before reading words
  auto words = positionals(args);
  auto word = [&](size_t i) { return i < words.size() ? std::string_view(words[i]) : std::string_view(); };
  if (name == "terraform" || name == "tofu" || name == "terragrunt")
    return word(0) == "destroy" || (word(0) == "apply" && (has(args, "-destroy") || has(args, "--destroy")));
  if (name == "pulumi") return word(0) == "destroy" || word(0) == "down";
  auto any_word = [&](auto&& test) { return std::any_of(words.begin(), words.end(), test); };
  if (name == "kubectl" || name == "oc") {
    // Global options with a separate value come before the verb: kubectl --context prod delete ns x.
    static const NameSet with_value{"--context", "--namespace", "-n", "--kubeconfig", "--cluster", "--user", "-s",
                                    "--server", "--token", "-l", "--selector"};
    words.clear();
    for (size_t i = 0; i < args.size(); ++i) {
      if (with_value.count(args[i])) ++i;
      else if (args[i].empty() || args[i][0] != '-') words.push_back(args[i]);
    }
    static const NameSet kinds{"namespace", "namespaces", "ns", "pv", "pvc", "persistentvolume", "persistentvolumes",
                               "persistentvolumeclaim", "persistentvolumeclaims", "node", "nodes", "crd", "crds",
                               "customresourcedefinition", "customresourcedefinitions"};
    bool everything = has(args, "--all") || has(args, "-A") || has(args, "--all-namespaces");
    auto is_kind = [&](const std::string& w) { return kinds.count(std::string_view(w).substr(0, w.find('/'))) > 0; };
    return word(0) == "delete" && (everything || std::any_of(words.begin() + 1, words.end(), is_kind));
  }
  if (name == "aws") {  // global options may come first: aws --profile prod s3 rb s3://b
    auto s3 = std::find(words.begin(), words.end(), "s3");
    std::string_view s3_verb = s3 != words.end() && s3 + 1 != words.end() ? std::string_view(*(s3 + 1)) : "";
    return s3_verb == "rb" || (s3_verb == "rm" && has(args, "--recursive")) ||
           any_word([](const std::string& w) { return starts_with(w, "delete-") || starts_with(w, "terminate-"); });
  }
  if (name == "gcloud" || name == "az") return any_word([](const std::string& w) { return w == "delete"; });
  if (name == "heroku") return word(0) == "apps:destroy" || word(0) == "pg:reset";
  if (name == "gsutil") return (word(0) == "rm" && (short_flag(args, 'r') || short_flag(args, 'R'))) || word(0) == "rb";
  if (name == "doctl") return any_word([](const std::string& w) { return w == "delete" || w == "rm"; });
  if (name == "gh") return word(1) == "delete" && (word(0) == "repo" || word(0) == "release");
  // docker/podman system prune --volumes and volume prune drop every unused volume's data.
  if (name == "docker" || name == "podman")
    return (word(0) == "system" && word(1) == "prune" && has(args, "--volumes")) ||
           (word(0) == "volume" && (word(1) == "prune" || word(1) == "rm"));
  if (name == "fly" || name == "flyctl") return word(0) == "destroy" || (word(0) == "apps" && word(1) == "destroy");
  if (name == "dropdb") return true;
  if (name == "mysqladmin") return word(0) == "drop";
  if (name == "redis-cli") {
    for (const auto& arg : args)
      if (lower(arg) == "flushall" || lower(arg) == "flushdb") return true;
    return false;
  }
  // mongo, mongosh
  return std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.find("dropDatabase") != std::string::npos; });
}

bool is_loopback_host(std::string_view value) {
  std::string v = lower(value);
  return contains(v, "localhost") || contains(v, "127.0.0.1") || contains(v, "[::1]") || v == "::1";
}

// Where a teardown lands, read from its own words: a local or throwaway instance (a kind/minikube
// context, a database on loopback, redis-cli with no host, LocalStack), or not known to be one.
bool targets_local_instance(const std::string& name, const std::vector<std::string>& args) {
  auto option_value = [&](std::initializer_list<std::string_view> names) -> std::optional<std::string> {
    for (size_t i = 0; i < args.size(); ++i)
      for (auto option : names) {
        if (args[i] == option && i + 1 < args.size()) return args[i + 1];
        if (starts_with(args[i], std::string(option) + "=")) return args[i].substr(option.size() + 1);
        // -hlocalhost, -p"…": short options glued to their value
        if (option.size() == 2 && option[1] != '-' && args[i].size() > 2 && starts_with(args[i], option)) return args[i].substr(2);
      }
    return std::nullopt;
  };
  if (name == "kubectl" || name == "oc") {
    auto context = option_value({"--context"});
    if (!context) return false;
    for (std::string_view local : {"kind-", "minikube", "docker-desktop", "k3d-", "rancher-desktop", "orbstack", "colima"})
      if (starts_with(*context, local)) return true;
    return false;
  }
  if (name == "aws") {
    auto endpoint = option_value({"--endpoint-url"});
    return endpoint && is_loopback_host(*endpoint);
  }
  static const NameSet databases{"psql", "mysql", "mariadb", "redis-cli", "mongo", "mongosh", "dropdb", "mysqladmin",
                                 "clickhouse-client", "cockroach"};
  if (!databases.count(name)) return false;
  // A connection URL or a host given by a variable may be anywhere.
  for (const auto& arg : args)
    if (arg.find("://") != std::string::npos || arg.find('$') != std::string::npos)
      if (!is_loopback_host(arg)) return false;
  auto host = option_value({"-h", "--host"});
  if (name == "redis-cli" && !option_value({"-u"})) return !host || is_loopback_host(*host);
  return host && is_loopback_host(*host);
}

// Volume managers' and disk tools' verbs that erase a whole disk, volume or pool: nvme format/sanitize,
// cryptsetup luksErase/erase (the keys: the data is gone), zpool/zfs destroy, lvremove/vgremove/pvremove.
bool erases_volume(const std::string& name, const std::vector<std::string>& args) {
  static const NameSet tools{"nvme", "cryptsetup", "zpool", "zfs", "lvremove", "vgremove", "pvremove"};
  if (!tools.count(name)) return false;
  auto words = positionals(args);
  auto word = [&](size_t i) { return i < words.size() ? std::string_view(words[i]) : std::string_view(); };
  if (name == "nvme") return word(0) == "format" || word(0) == "sanitize";
  if (name == "cryptsetup") return word(0) == "luksErase" || word(0) == "erase";
  if (name == "zpool" || name == "zfs") return word(0) == "destroy";
  return !words.empty();  // lvremove / vgremove / pvremove TARGET
}

}  // namespace

std::optional<std::string> registry_redirect(const std::string& name, const std::vector<std::string>& args) {
  static const NameSet managers{"npm", "pnpm", "yarn", "pip", "pip3", "go", "git"};
  if (!managers.count(name) || args.empty() || (args[0] != "config" && args[0] != "env" && !starts_with(args[0], "-")))
    return std::nullopt;  // asked of every command: decide by name and first word before reading words
  auto words = positionals(args);
  auto word = [&](size_t i) { return i < words.size() ? std::string_view(words[i]) : std::string_view(); };
  std::string key = lower(word(2));
  if ((name == "npm" || name == "pnpm" || name == "yarn") && word(0) == "config" && word(1) == "set") {
    if (ends_with(key, "registry") || key == "npmregistryserver") return std::string(word(3));
    if (starts_with(key, "registry=") || key.find(":registry=") != std::string::npos) return std::string(word(2).substr(word(2).find('=') + 1));
  }
  if ((name == "pip" || name == "pip3") && word(0) == "config" && word(1) == "set" && key.find("index-url") != std::string::npos)
    return std::string(word(3));
  if (name == "go" && word(0) == "env")
    for (const auto& w : words)
      if (starts_with(w, "GOPROXY=")) {
        std::string first = w.substr(8, w.find(',') == std::string::npos ? std::string::npos : w.find(',') - 8);
        if (first.find("://") != std::string::npos) return first;
      }
  std::string setting = lower(word(1));  // git config url.BASE.insteadOf PREFIX
  if (name == "git" && word(0) == "config" && starts_with(setting, "url.") &&
      (ends_with(setting, ".insteadof") || ends_with(setting, ".pushinsteadof")))
    return std::string(word(1).substr(4, word(1).rfind('.') - 4));
  return std::nullopt;
}

std::optional<std::string> registry_credentials_host(const std::string& name, const std::vector<std::string>& args) {
  if (name != "npm" && name != "pnpm" && name != "yarn") return std::nullopt;
  auto host_of_key = [](std::string_view key) -> std::optional<std::string> {
    if (starts_with(key, "--")) key.remove_prefix(2);
    if (!starts_with(key, "//")) return std::nullopt;
    size_t colon = key.find("/:");
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view setting = key.substr(colon + 2);
    setting = setting.substr(0, setting.find('='));
    if (setting != "_authToken" && setting != "_auth" && setting != "_password") return std::nullopt;
    std::string host = lower(key.substr(2, key.find('/', 2) - 2));
    if (size_t port = host.find(':'); port != std::string::npos) host.resize(port);
    return host.empty() ? std::nullopt : std::optional<std::string>(host);
  };
  bool setting = args.size() > 2 && args[0] == "config" && args[1] == "set";  // not `config get`
  for (const auto& arg : args)
    if ((setting && starts_with(arg, "//")) || starts_with(arg, "--//"))
      if (auto host = host_of_key(arg)) return host;
  return std::nullopt;
}

namespace {

// A mode that sets the setuid bit (4755, u+s, +s): the file then runs as its owner (root, for a copy
// of a shell) whoever starts it. setgid alone (g+s) is how shared group directories are kept: not marked.
bool setuid_mode(std::string_view mode) {
  if (mode.size() >= 4 && std::all_of(mode.begin(), mode.end(), [](char c) { return c >= '0' && c <= '7'; }))
    return ((mode[mode.size() - 4] - '0') & 4) != 0;  // 4755, 04755
  for (size_t op = mode.find_first_of("+="); op != std::string_view::npos; op = mode.find_first_of("+=", op + 1)) {
    size_t end = mode.find_first_of(",+-=", op + 1);
    std::string_view perms = mode.substr(op + 1, end == std::string_view::npos ? std::string_view::npos : end - op - 1);
    std::string_view who = mode.substr(0, op);
    size_t comma = who.rfind(',');
    if (comma != std::string_view::npos) who.remove_prefix(comma + 1);
    bool owner = who.empty() || who.find_first_of("ua") != std::string_view::npos;
    if (owner && perms.find('s') != std::string_view::npos) return true;
  }
  return false;
}

bool world_writable_mode(std::string_view mode) {
  if (!mode.empty() && std::all_of(mode.begin(), mode.end(), [](char c) { return c >= '0' && c <= '7'; })) {
    int others = mode.back() - '0';
    return (others & 2) != 0;
  }
  // Symbolic: a+w, o+w, a=rwx, ugo+rwx …
  size_t op = mode.find_first_of("+=");
  if (op == std::string_view::npos) return false;
  std::string_view who = mode.substr(0, op), what = mode.substr(op + 1);
  return (who.find('a') != std::string_view::npos || who.find('o') != std::string_view::npos) &&
         what.find('w') != std::string_view::npos;
}

// What a build or an editor leaves behind and makes again: deleting it everywhere is a cleanup.
bool disposable_pattern(std::string_view pattern) {
  static const NameSet names{"*.pyc", "*.pyo", "__pycache__", "*.o", "*.obj", "*.class", "*.log", "*.tmp", "*.temp",
                             "*.swp", "*.swo", "*~", ".DS_Store", "._*", "Thumbs.db", "*.orig", "*.rej", "*.bak",
                             "node_modules", ".pytest_cache", ".mypy_cache", ".ruff_cache", "*.egg-info", ".cache",
                             "*.cache", "core", "core.*", ".coverage", "coverage", ".nyc_output", "*.tsbuildinfo",
                             ".eslintcache", "*.gcda", "*.gcno", ".tox", ".next", ".parcel-cache", ".turbo", "*.pid"};
  // A path test names it as one of its parts: -path '*/node_modules/*'.
  size_t at = 0;
  while (at <= pattern.size()) {
    size_t slash = std::min(pattern.find('/', at), pattern.size());
    std::string_view part = pattern.substr(at, slash - at);
    if (part != "*" && part != "**" && !part.empty()) return names.count(std::string(part)) > 0;
    at = slash + 1;
  }
  return false;
}

// find ~ -name '*.pyc' -exec rm {} + picks what a build leaves behind: a cleanup, not the whole tree.
// Files picked by any other name (every *.py of the home), by age or size, or everything but one name
// (`! -name webapp`, `-not -name proc`) are the user's files: deleting them under / or the home destroys it.
bool find_picks_disposable_files(const std::vector<std::string>& args) {
  static const std::vector<std::string_view> name_tests{"-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename"};
  auto negated = [&](size_t i) { return i > 0 && (args[i - 1] == "!" || args[i - 1] == "-not"); };
  bool picked = false;
  for (size_t i = 0; i < args.size(); ++i) {
    if (negated(i)) continue;
    if (args[i] == "-empty") return true;
    if (i + 1 >= args.size() || std::find(name_tests.begin(), name_tests.end(), args[i]) == name_tests.end()) continue;
    if (!disposable_pattern(args[i + 1])) return false;
    picked = true;
  }
  return picked;
}

// Every dotfile of the home (~/.*), or a directory of keys and credentials (~/.ssh, ~/.gnupg, ~/.aws …):
// not the machine, but what the user cannot get back.
bool removes_user_keys_or_dotfiles(std::string_view raw) {
  // One brace group left unexpanded behind an unknown prefix ("$HOME"/.{ssh,gnupg}): each alternative.
  size_t open = raw.find('{'), close = raw.find('}');
  if (open != std::string_view::npos && close != std::string_view::npos && open < close &&
      raw.find(',', open) < close) {
    std::string_view head = raw.substr(0, open), tail = raw.substr(close + 1);
    std::string_view inner = raw.substr(open + 1, close - open - 1);
    for (size_t at = 0; at <= inner.size();) {
      size_t comma = std::min(inner.find(',', at), inner.size());
      if (removes_user_keys_or_dotfiles(std::string(head) + std::string(inner.substr(at, comma - at)) + std::string(tail)))
        return true;
      at = comma + 1;
    }
    return false;
  }
  std::string path = home_relative(raw);
  while (path.size() > 2 && path.back() == '/') path.pop_back();
  if (path == "~/.*" || path == "~/.[!.]*" || path == "~/.??*" || path == "~/.[^.]*") return true;
  static const NameSet key_dirs{"~/.ssh", "~/.gnupg", "~/.aws", "~/.kube", "~/.azure", "~/.docker", "~/.config/gcloud",
                                "~/.config/gh", "~/.password-store", "~/.gnupg/private-keys-v1.d"};
  return key_dirs.count(path) > 0;
}

// Private keys and credentials themselves, inside those directories: ~/.ssh/id_*, ~/.ssh/*, the
// GnuPG secret keys, ~/.aws/credentials. (~/.ssh/known_hosts and config are not: ordinary fixes.)
bool removes_user_key_files(std::string_view raw) {
  std::string path = home_relative(raw);
  auto inside = [&](std::string_view dir) -> std::string_view {
    if (path.size() <= dir.size() + 1 || path.compare(0, dir.size(), dir) != 0 || path[dir.size()] != '/') return {};
    return std::string_view(path).substr(dir.size() + 1);
  };
  std::string_view ssh = inside("~/.ssh");
  if (ssh == "*" || starts_with(ssh, "id_") || starts_with(ssh, "*id_")) return true;
  std::string_view gnupg = inside("~/.gnupg");
  if (gnupg == "*" || starts_with(gnupg, "private-keys-v1.d") || gnupg == "secring.gpg") return true;
  for (std::string_view dir : {"~/.aws", "~/.kube", "~/.docker", "~/.config/gh", "~/.config/gcloud", "~/.azure"}) {
    std::string_view file = inside(dir);
    if (file == "*" || file == "credentials" || file == "config" || file == "hosts.yml" || file == "config.json") return true;
  }
  return false;
}

// ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null: no host key is checked or kept, so
// any machine in the way is taken for the server (as TLS verification off is). StrictHostKeyChecking=no
// alone still refuses a changed key: an ordinary way to skip the first-connection prompt.
bool host_keys_unchecked(const std::vector<std::string>& args) {
  bool accept_any = false, forget = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string option = args[i] == "-o" && i + 1 < args.size() ? args[i + 1] : starts_with(args[i], "-o") ? args[i].substr(2) : "";
    std::string setting = lower(option);
    setting.erase(std::remove(setting.begin(), setting.end(), ' '), setting.end());
    if (setting == "stricthostkeychecking=no" || setting == "stricthostkeychecking=off") accept_any = true;
    if (setting == "userknownhostsfile=/dev/null") forget = true;
  }
  return accept_any && forget;
}

void rm_markers(const std::vector<std::string>& args, std::vector<MarkerHit>& out) {
  bool recursive = short_flag(args, 'r') || short_flag(args, 'R') || has(args, "--recursive");
  bool force = short_flag(args, 'f') || has(args, "--force");
  if (has(args, "--no-preserve-root")) out.push_back({"destructive_target", join("rm", args)});
  for (const auto& path : positionals(args)) {
    if ((recursive || force) && is_destructive_target(path)) out.push_back({"destructive_target", join("rm", args)});
    std::string_view base = base_name(path);
    if (recursive && (base == ".git")) out.push_back({"history_delete", join("rm", args)});
    if ((recursive && removes_user_keys_or_dotfiles(path)) || removes_user_key_files(path))
      out.push_back({"user_data_loss", "deletes the user's keys or dotfiles: " + join("rm", args)});
  }
}

void git_markers(const std::vector<std::string>& args, std::vector<MarkerHit>& out) {
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "-c") {
      std::string setting = lower(args[i + 1]);
      if (setting.find("sslverify=false") != std::string::npos || setting.find("sslverify=0") != std::string::npos)
        out.push_back({"security_off", "git -c " + args[i + 1]});
    }
  size_t sub = git_subcommand_index(args);
  if (sub >= args.size()) return;
  std::vector<std::string> rest(args.begin() + static_cast<long>(sub) + 1, args.end());
  const std::string& command = args[sub];
  if (command == "config") {
    for (size_t i = 0; i < rest.size(); ++i) {
      std::string key = lower(rest[i]);
      if (key == "http.sslverify" || key.find(".sslverify") != std::string::npos) {
        if (i + 1 < rest.size() && is_off_value(rest[i + 1]))
          out.push_back({"security_off", join("git", args)});
      }
      // Hooks kept in the repository (core.hooksPath .husky, .githooks) are reviewed with it: husky's own
      // setup. A directory outside it (/tmp/h, ~/.hooks, ../x) runs hooks nobody reviews.
      bool in_repository = key == "core.hookspath" && i + 1 < rest.size() && !rest[i + 1].empty() &&
                           rest[i + 1][0] != '/' && rest[i + 1][0] != '~' && rest[i + 1][0] != '$' &&
                           !starts_with(rest[i + 1], "..") && rest[i + 1].find("/..") == std::string::npos;
      if ((key == "core.hookspath" && !in_repository) || key == "init.templatedir")
        out.push_back({"security_off", join("git", args)});
      // The store helper keeps every credential git is given in plain text in ~/.git-credentials.
      if (key == "credential.helper" && i + 1 < rest.size() && starts_with(lower(rest[i + 1]), "store"))
        out.push_back({"security_off", join("git", args) + " (credentials kept in plain text)"});
    }
  } else if (command == "push") {
    bool force = has(rest, "--force") || has(rest, "-f") || has(rest, "--force-with-lease") ||
                 has(rest, "--force-if-includes") || has(rest, "--mirror") || short_flag(rest, 'f');
    for (const auto& arg : rest)
      if (starts_with(arg, "--force-with-lease=")) force = true;
    auto refs = positionals(rest);
    for (size_t i = 1; i < refs.size(); ++i)
      if (starts_with(refs[i], "+")) force = true;
    if (force) out.push_back({"force_push", join("git", args)});
    if (!refs.empty() && (is_url(refs[0]) || !remote_host_of(refs[0]).empty()))
      out.push_back({"new_remote", "git push " + refs[0]});
    if (has(rest, "--delete") || (refs.size() > 1 && starts_with(refs[1], ":")))
      out.push_back({"history_delete", join("git", args)});
  } else if (command == "add") {
    // git add .env, git add -f id_rsa: a secret file staged is one commit from the repository's history
    // (and every clone and fork of it).
    for (const auto& path : positionals(rest))
      if (classify_path(path) == PathClass::credential) out.push_back({"secret_file_staged", join("git", args)});
  } else if (command == "remote") {
    auto refs = positionals(rest);
    if (!refs.empty() && (refs[0] == "add" || refs[0] == "set-url")) out.push_back({"new_remote", join("git", args)});
  } else if (command == "filter-branch" || command == "filter-repo") {
    out.push_back({"history_delete", join("git", args)});
  } else if (command == "reflog" && has(rest, "expire")) {
    out.push_back({"history_delete", join("git", args)});
  } else if (command == "gc") {
    for (const auto& arg : rest)
      if (arg == "--prune=now" || arg == "--prune=all") out.push_back({"history_delete", join("git", args)});
  } else if (command == "update-ref" && has(rest, "-d")) {
    out.push_back({"history_delete", join("git", args)});
  }
}

}  // namespace

size_t git_subcommand_index(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg == "-c" || arg == "-C" || arg == "--git-dir" || arg == "--work-tree" || arg == "--namespace" ||
        arg == "--exec-path" || arg == "--config-env") {
      i += 2;
    } else if (arg.size() > 1 && arg[0] == '-') {
      ++i;
    } else {
      return i;
    }
  }
  return args.size();
}

std::optional<std::string> assignment_security_off(const std::string& name, const std::string& value) {
  bool off = is_off_value(value);
  bool on = !value.empty() && !off;
  if (name == "GIT_SSL_NO_VERIFY" && on) return name + "=" + value;
  if (name == "NODE_TLS_REJECT_UNAUTHORIZED" && off) return name + "=" + value;
  if ((name == "PYTHONHTTPSVERIFY" || name == "CURL_SSL_NO_VERIFY") && (off || name == "CURL_SSL_NO_VERIFY"))
    return name + "=" + value;
  if ((name == "REQUESTS_CA_BUNDLE" || name == "CURL_CA_BUNDLE" || name == "SSL_CERT_FILE") && value.empty())
    return name + "=";
  if (name == "HISTFILE" && (value == "/dev/null" || value.empty())) return name + "=" + value;
  if ((name == "HISTSIZE" || name == "HISTFILESIZE") && value == "0") return name + "=0";
  if (name == "npm_config_strict_ssl" && off) return name + "=" + value;
  // A CA bundle from a temporary directory trusts whoever wrote it there (a proxy's own CA).
  if ((name == "REQUESTS_CA_BUNDLE" || name == "CURL_CA_BUNDLE" || name == "SSL_CERT_FILE" || name == "NODE_EXTRA_CA_CERTS" ||
       name == "GIT_SSL_CAINFO") &&
      (starts_with(value, "/tmp/") || starts_with(value, "/var/tmp/") || starts_with(value, "/dev/shm/")))
    return name + "=" + value;
  // Go's checksum database and TLS checks, off for all or some modules.
  if ((name == "GOSUMDB" && off) || name == "GOINSECURE" || name == "GONOSUMDB" || name == "GONOSUMCHECK" ||
      (name == "GOFLAGS" && value.find("-insecure") != std::string::npos))
    return name + "=" + value;
  return std::nullopt;
}

// A URL whose user part is dressed as a host (https://pypi.org@mirror.example/simple goes to
// mirror.example): the detail, or nullopt. Credentials (user:password@) and plain user names are not.
std::optional<std::string> deceptive_url(std::string_view word) {
  size_t scheme = word.find("://");
  if (scheme == std::string_view::npos || scheme == 0 || scheme > 10) return std::nullopt;
  std::string_view rest = word.substr(scheme + 3);
  std::string_view authority = rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view user = authority.substr(0, at);
  bool host_like = user.find('.') != std::string_view::npos && user.find(':') == std::string_view::npos &&
                   user.find('$') == std::string_view::npos &&
                   std::all_of(user.begin(), user.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
                   }) &&
                   std::isalpha(static_cast<unsigned char>(user.back()));
  if (!host_like) return std::nullopt;
  return std::string(word) + " goes to " + host_of(word) + ", not " + std::string(user);
}

std::vector<MarkerHit> command_markers(const std::string& command, const std::vector<std::string>& args,
                                       const std::string& working_directory) {
  CommandName name{command};
  std::vector<MarkerHit> out;
  for (const auto& arg : args) {
    std::string_view value = arg;
    if (starts_with(value, "-") && value.find('=') != std::string_view::npos) value.remove_prefix(value.find('=') + 1);
    if (auto detail = deceptive_url(value)) {
      out.push_back({"deceptive_url", *detail});
      break;
    }
  }
  // One level: a runner that runs a runner (npx npx …) is not followed, so hostile input cannot recurse.
  if (auto run = package_run(command, args); run && !package_run(run->first, run->second))
    out = command_markers(run->first, run->second, working_directory);
  // Cloud and cluster clients told not to check TLS (these also tear down, below: not one else-if chain).
  static const NameSet cloud_clients{"kubectl", "helm", "oc", "aws", "gcloud"};
  if (cloud_clients.count(name) &&
      std::any_of(args.begin(), args.end(), [](const std::string& arg) {
        return arg == "--insecure-skip-tls-verify" || arg == "--insecure-skip-tls-verify=true" || arg == "--no-verify-ssl" ||
               lower(arg).find("disable_ssl_validation") != std::string::npos;
      }))
    out.push_back({"security_off", join(command, args)});
  if (name == "tar" && has(args, "--remove-files")) {
    // tar --remove-files deletes what it archives (tar --remove-files -cf /dev/null -C / home/dev).
    std::string directory;
    std::vector<std::string> sources;
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      if (arg == "-C" || arg == "--directory") { if (i + 1 < args.size()) directory = args[++i]; continue; }
      if (starts_with(arg, "--directory=")) { directory = arg.substr(12); continue; }
      if (arg == "-f" || arg == "--file" || arg == "-T" || arg == "-X" || arg == "--exclude") { ++i; continue; }
      if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') {
        if (arg.back() == 'f' || arg.back() == 'C' || arg.back() == 'T') {
          if (arg.back() == 'C' && i + 1 < args.size()) directory = args[i + 1];
          ++i;
        }
        continue;
      }
      if (!arg.empty() && arg[0] != '-') sources.push_back(arg);
    }
    std::vector<std::string> removed;
    for (const auto& source : sources)
      removed.push_back(directory.empty() || source[0] == '/' || source[0] == '~' || source[0] == '$'
                            ? source
                            : directory + (ends_with(directory, "/") ? "" : "/") + source);
    removed.insert(removed.begin(), "-rf");
    rm_markers(removed, out);
  }
  if (name == "rm" || name == "rmdir") {
    rm_markers(args, out);
  } else if (name == "dd") {
    for (const auto& arg : args)
      if (starts_with(arg, "of=") && (is_block_device(arg.substr(3)) || is_destructive_target(arg.substr(3))))
        out.push_back({"destructive_target", join("dd", args)});
  } else if (starts_with(name, "mkfs") || starts_with(name, "mke2fs") || name == "wipefs" || name == "shred" ||
             name == "fdisk" || name == "sfdisk" || name == "parted" || name == "sgdisk" || name == "cfdisk" ||
             name == "blkdiscard" || name == "mkswap" || name == "gdisk" || name == "wipe" || name == "srm") {
    bool file_wiper = name == "shred" || name == "wipe" || name == "srm";
    for (const auto& arg : positionals(args)) {
      if (is_block_device(arg) || (file_wiper && is_destructive_target(arg)))
        out.push_back({"destructive_target", join(command, args)});
      else if (file_wiper && (removes_user_keys_or_dotfiles(arg) || removes_user_key_files(arg)))
        out.push_back({"user_data_loss", "wipes the user's keys: " + join(command, args)});
    }
  } else if (erases_volume(command, args)) {
    out.push_back({"destructive_target", join(command, args)});
  } else if (name == "setfacl") {
    bool recursive = short_flag(args, 'R') || has(args, "--recursive");
    for (const auto& arg : positionals(args))
      if (recursive && is_destructive_target(arg)) out.push_back({"destructive_target", join(command, args)});
  } else if (name == "chmod" || name == "chown" || name == "chgrp") {
    bool recursive = short_flag(args, 'R') || has(args, "--recursive");
    auto refs = positionals(args);
    for (size_t i = 1; i < refs.size(); ++i)
      if (recursive && is_destructive_target(refs[i])) out.push_back({"destructive_target", join(command, args)});
    if (name == "chmod" && !refs.empty() && world_writable_mode(refs[0])) out.push_back({"world_writable", join(command, args)});
    if (name == "chmod" && refs.size() > 1 && setuid_mode(refs[0])) out.push_back({"privilege", join(command, args)});
  } else if (name == "useradd" || name == "usermod" || name == "adduser") {
    // -u 0 (with -o, a second uid 0) is another root account.
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if ((args[i] == "-u" || args[i] == "--uid") && args[i + 1] == "0")
        out.push_back({"privilege_grant", "a uid-0 account: " + join(command, args)});
    for (const auto& arg : args)
      if (arg == "--uid=0" || arg == "-u0") out.push_back({"privilege_grant", "a uid-0 account: " + join(command, args)});
  } else if (name == "find") {
    // -delete, or -exec rm (shred, truncate) over everything found under / or the home, empties it.
    bool removes = false;
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if ((args[i] == "-exec" || args[i] == "-execdir" || args[i] == "-ok") &&
          (base_name(args[i + 1]) == "rm" || base_name(args[i + 1]) == "shred" || base_name(args[i + 1]) == "truncate"))
        removes = true;
    bool deletes = (has(args, "-delete") || removes) && !args.empty() && !args[0].empty() && !find_picks_disposable_files(args);
    if (deletes && !args.empty() && is_destructive_target(args[0]))
      out.push_back({"destructive_target", join(command, args)});
  } else if (name == "truncate") {
    for (const auto& path : positionals(args)) {
      if (is_critical_system_file(path) || is_block_device(path)) out.push_back({"destructive_target", join(command, args)});
      else if (removes_user_key_files(path)) out.push_back({"user_data_loss", "empties the user's keys: " + join(command, args)});
    }
  } else if (name == "cp" || name == "install") {
    // cp /dev/zero /dev/sda overwrites the disk.
    auto refs = positionals(args);
    if (refs.size() >= 2 && is_block_device(refs.back())) out.push_back({"destructive_target", join(command, args)});
  } else if (name == "mv") {
    // Moving /etc or the home away destroys it where it was.
    auto refs = positionals(args);
    for (size_t i = 0; i + 1 < refs.size(); ++i)
      if (!refs[i].empty() && is_destructive_target(refs[i])) out.push_back({"destructive_target", join(command, args)});
  } else if (name == "rsync") {
    // rsync --delete makes the destination a copy of the source: an empty source empties / or ~.
    bool deletes = std::any_of(args.begin(), args.end(), [](const std::string& a) { return starts_with(a, "--delete"); });
    auto refs = positionals(args);
    if (deletes && refs.size() >= 2 && !refs.back().empty() && is_destructive_target(refs.back()))
      out.push_back({"destructive_target", join(command, args)});
  } else if (name == "git") {
    git_markers(args, out);
  } else if (name == "npm" || name == "yarn" || name == "pnpm") {
    // npm config set script-shell P, or node-options "--require F": every later npm script runs through P,
    // every node npm starts loads F.
    if (args.size() >= 3 && args[0] == "config" && args[1] == "set") {
      std::string setting = lower(args[2]) + (args.size() >= 4 ? "=" + args[3] : "");
      bool preloads = setting.find("--require") != std::string::npos || setting.find("--import") != std::string::npos ||
                      setting.find("--loader") != std::string::npos || setting.find("-r ") != std::string::npos;
      std::string value = setting.substr(setting.find('=') + 1);
      std::string_view shell = base_name(value);
      if (ends_with(shell, ".exe")) shell.remove_suffix(4);
      bool plain_shell = is_shell(shell) || shell == "pwsh" || shell == "powershell" || shell == "cmd";
      if ((starts_with(setting, "script-shell=") && !plain_shell) || (starts_with(setting, "node-options=") && preloads))
        out.push_back({"persistence_write", join(command, args)});
    }
    std::string joined = lower(join(command, args, 12));
    if (((joined.find("strict-ssl") != std::string::npos || joined.find("strictssl") != std::string::npos) &&
         joined.find("false") != std::string::npos) ||
        has(args, "--strict-ssl=false") || joined.find("registry http://") != std::string::npos ||
        joined.find("--registry=http://") != std::string::npos)
      out.push_back({"security_off", join(command, args)});
  } else if (name == "pip" || name == "pip3" || name == "uv" || name == "pipx" || name == "poetry") {
    // poetry config certificates.REPO.cert false: TLS not checked for that repository.
    if (name == "poetry" && args.size() >= 3 && args[0] == "config" && lower(args[1]).find("certificates.") == 0 &&
        lower(args[2]) == "false")
      out.push_back({"security_off", join(command, args, 12)});
    // pip config set global.trusted-host HOST: every later install skips TLS checks for HOST.
    if (args.size() >= 3 && args[0] == "config" && args[1] == "set" &&
        (lower(args[2]).find("trusted-host") != std::string::npos ||
         (lower(args[2]).find("index-url") != std::string::npos && args.size() >= 4 && starts_with(args[3], "http://"))))
      out.push_back({"security_off", join(command, args, 12)});
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& arg = args[i];
      std::string next = i + 1 < args.size() ? args[i + 1] : "";
      if (arg == "--trusted-host" || starts_with(arg, "--trusted-host=")) out.push_back({"security_off", join(command, args, 12)});
      if ((arg == "--index-url" || arg == "-i" || arg == "--extra-index-url") && starts_with(next, "http://"))
        out.push_back({"security_off", join(command, args, 12)});
      if ((starts_with(arg, "--index-url=http://") || starts_with(arg, "--extra-index-url=http://")))
        out.push_back({"security_off", join(command, args, 12)});
    }
  } else if (name == "conda" || name == "mamba") {
    std::string joined = lower(join(command, args, 12));
    if (joined.find("ssl_verify") != std::string::npos && (has(args, "false") || has(args, "False") || has(args, "no")))
      out.push_back({"security_off", join(command, args)});
  } else if (name == "go") {
    // go env -w GOSUMDB=off / GOINSECURE=… / GONOSUMDB=…: stored for every later go command.
    if (!args.empty() && args[0] == "env")
      for (const auto& arg : args) {
        size_t equals = arg.find('=');
        if (equals == std::string::npos || arg[0] == '-') continue;
        if (auto detail = assignment_security_off(arg.substr(0, equals), arg.substr(equals + 1)))
          out.push_back({"security_off", "go env -w " + *detail});
      }
  } else if (name == "curl") {
    if (has(args, "--insecure") || short_flag(args, 'k')) out.push_back({"security_off", "curl --insecure"});
  } else if (name == "wget") {
    if (has(args, "--no-check-certificate")) out.push_back({"security_off", "wget --no-check-certificate"});
  } else if (name == "setenforce") {
    if (!args.empty() && (args[0] == "0" || lower(args[0]) == "permissive")) out.push_back({"security_off", "setenforce 0"});
  } else if (name == "ufw") {
    if (has(args, "disable")) out.push_back({"security_off", "ufw disable"});
  } else if (name == "iptables" || name == "ip6tables" || name == "nft") {
    if (has(args, "-F") || has(args, "--flush") || has(args, "flush")) out.push_back({"security_off", join(command, args)});
  } else if (name == "systemctl" || name == "service") {
    static const std::vector<std::string> guards{"firewalld", "ufw", "apparmor", "auditd", "selinux", "fail2ban"};
    bool stopping = has(args, "stop") || has(args, "disable") || has(args, "mask");
    for (const auto& guard : guards)
      for (const auto& arg : args)
        if (stopping && starts_with(arg, guard)) out.push_back({"security_off", join(command, args)});
  } else if (name == "set") {
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "+o" && args[i + 1] == "history") out.push_back({"security_off", "set +o history"});
  } else if (name == "history") {
    if (has(args, "-c") || has(args, "-w")) out.push_back({"security_off", join(command, args)});
  } else if (name == "ln") {
    // ln -sf /dev/null ~/.bash_history: nothing typed is kept any more.
    auto refs = positionals(args);
    if (refs.size() == 2 && refs[0] == "/dev/null" && ends_with(refs[1], "_history"))
      out.push_back({"security_off", join(command, args)});
  } else if (name == "sudo" || name == "su" || name == "doas" || name == "pkexec" || name == "runuser") {
    out.push_back({"privilege", join(command, args)});
  } else if ((name == "docker" || name == "podman" || name == "nerdctl") && (has(args, "run") || has(args, "create"))) {
    // A container given the host's docker socket, its root directory or --privileged is root on the host.
    for (const auto& arg : args)
      if (arg == "--privileged" || arg == "--pid=host" || arg.find("docker.sock:") != std::string::npos || starts_with(arg, "/:/") ||
          starts_with(arg, "--volume=/:/") || starts_with(arg, "source=/,") || arg.find(",source=/,") != std::string::npos)
        out.push_back({"privilege", join(command, args)});
  } else if (name == "ssh-copy-id") {
    // To this machine (localhost, 127.0.0.1): the key goes into the user's own authorized_keys.
    auto refs = positionals(args);
    if (!refs.empty()) {
      std::string target = refs.back().substr(refs.back().find('@') + 1);
      if (target == "localhost" || target == "127.0.0.1" || target == "::1" || target == "0.0.0.0")
        out.push_back({"persistence_write", "authorized_keys via " + join(command, args)});
    }
  } else if (name == "ssh" || name == "autossh" || name == "scp" || name == "sftp") {
    if ((name == "ssh" || name == "autossh") && ssh_forwards_inbound(args, name == "autossh"))
      out.push_back({"inbound_tunnel", join(command, args)});
    if (host_keys_unchecked(args)) out.push_back({"security_off", "host key verification off: " + join(command, args)});
  } else if (publishes_local_port(command, args)) {
    out.push_back({"inbound_tunnel", join(command, args)});
  } else if (serves_sensitive_directory(command, args, working_directory)) {
    out.push_back({"inbound_tunnel", "serves " + join(command, args)});
  } else if (tears_down_infrastructure(command, args)) {
    // A local or test instance is the developer's own to reset; one its words call production is not.
    bool production = std::any_of(args.begin(), args.end(), [](const std::string& a) { return names_production(a); });
    if (production) out.push_back({"production_teardown", join(command, args)});
    else if (!targets_local_instance(command, args)) out.push_back({"infrastructure_teardown", join(command, args)});
  } else if (name == "kill" || name == "killall5") {
    // kill -9 -1 (a -1 that is not the signal): every process this user may signal, the session and the
    // agent itself included.
    bool everything = name == "killall5";
    for (size_t i = 1; i < args.size(); ++i)
      if (args[i] == "-1") everything = true;
    if (everything) out.push_back({"user_data_loss", "kills every process: " + join(command, args)});
  } else if (name == "xattr") {
    // macOS: removing the quarantine attribute skips Gatekeeper's check of a downloaded program.
    if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return a == "com.apple.quarantine"; }) &&
        std::any_of(args.begin(), args.end(), [](const std::string& a) { return a.size() > 1 && a[0] == '-' && a.find('d') != std::string::npos; }))
      out.push_back({"security_off", "Gatekeeper quarantine removed: " + join(command, args)});
  } else if (name == "spctl" || name == "csrutil") {
    if (has(args, "--master-disable") || has(args, "disable")) out.push_back({"security_off", join(command, args)});
  }
  return out;
}

bool names_production(std::string_view text) {
  std::string low = lower(text);
  size_t start = 0;
  while (start < low.size()) {
    while (start < low.size() && !std::isalnum(static_cast<unsigned char>(low[start]))) ++start;
    size_t end = start;
    while (end < low.size() && std::isalnum(static_cast<unsigned char>(low[end]))) ++end;
    std::string_view token = std::string_view(low).substr(start, end - start);
    if (token == "prod" || token == "production" || token == "prd") return true;
    start = end;
  }
  return false;
}

}  // namespace toolwall::shell
