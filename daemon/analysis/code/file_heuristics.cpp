#include "analysis/code/file_heuristics.h"

#include <algorithm>
#include <initializer_list>
#include <regex>

#include "analysis/code/file_kind.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/secret_vendor.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

enum class Family { none, python, javascript, go, c };

// The languages the whole-file readings know, by extension.
Family family_of(const std::string& path) {
  std::string lpath = lower(normalize_path(path));
  if (ends_with(lpath, ".py")) return Family::python;
  for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"})
    if (ends_with(lpath, ext)) return Family::javascript;
  if (ends_with(lpath, ".go")) return Family::go;
  for (std::string_view ext : {".c", ".cc", ".cpp", ".cxx", ".h", ".hpp"})
    if (ends_with(lpath, ext)) return Family::c;
  return Family::none;
}

bool has_any(std::string_view content, std::initializer_list<std::string_view> needles) {
  return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return content.find(n) != std::string_view::npos; });
}

// The first URL host in the text that is not this machine.
std::string first_remote_host(std::string_view text) {
  for (const auto& candidate : url_hosts(text))
    if (candidate != "localhost" && !starts_with(candidate, "127.") && candidate != "0.0.0.0") return candidate;
  return {};
}

// A marker at the match, its detail naming the host when there is one.
Marker marker_at(std::string name, std::string detail, const std::string& host, const std::string& path,
                 std::string_view content, const std::cmatch& m) {
  Marker marker = marker_in_file(std::move(name), std::move(detail) + (host.empty() ? std::string() : " (" + host + ")"), path,
                                 content, static_cast<uint32_t>(m.position(0)), static_cast<uint32_t>(m.length(0)));
  marker.host = host;
  return marker;
}

}  // namespace

std::optional<Marker> environment_with_network(const std::string& path, std::string_view content) {
  Family language = family_of(path);
  if (language == Family::none) return std::nullopt;
  static const std::regex python(
      R"(dict\(\s*os\.environ\s*\)|os\.environ\.copy\(\)|\{\s*\*\*os\.environ\s*\}|os\.environ\.items\(\)|json\.dumps\(\s*(dict\()?os\.environ)");
  static const std::regex javascript(
      R"(JSON\.stringify\(\s*process\.env\s*[,)]|\{\s*\.\.\.process\.env\s*\}|Object\.(entries|keys|assign)\(\s*(\{\}\s*,\s*)?process\.env\s*\))");
  static const std::regex go(R"(os\.Environ\(\))");
  // C: walking environ (extern char **environ; for (char **e = environ; *e; e++)), or indexing it.
  static const std::regex c(R"(=\s*environ\s*;|\benviron\s*\[)");
  const std::regex& whole_environment = language == Family::python ? python
                                        : language == Family::javascript ? javascript
                                        : language == Family::go ? go
                                                                 : c;
  bool sends = language == Family::python
                   ? has_any(content, {"requests.", "httpx.", "aiohttp", "urllib", "urlopen(", "http.client", "HTTPHandler(",
                                       "HTTPSConnection("})
               : language == Family::javascript
                   ? has_any(content, {"fetch(", "axios", "https.request(", "http.request(", "https.get(", "http.get(", "got(",
                                       "XMLHttpRequest", "sendBeacon("})
               : language == Family::go
                   ? has_any(content, {"http.Post", "http.Get", "http.NewRequest", "http.PostForm", ".Do(", ".Post(", "net.Dial"})
                   : has_any(content, {"connect(", "sendto(", "curl_easy_perform", "getaddrinfo("});
  if (!sends) return std::nullopt;
  // std::regex is slow over whole files: it reads only a window around each mention of the accessor.
  std::string_view accessor = language == Family::python       ? "os.environ"
                              : language == Family::javascript ? "process.env"
                              : language == Family::go         ? "os.Environ()"
                                                               : "environ";
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  int windows = 0;
  for (size_t at = capped.find(accessor); at != std::string_view::npos && windows++ < 64; at = capped.find(accessor, at + 1)) {
    size_t begin = at > 40 ? at - 40 : 0;
    std::string_view window = capped.substr(begin, at - begin + accessor.size() + 24);
    std::cmatch env;
    if (!std::regex_search(window.data(), window.data() + window.size(), env, whole_environment)) continue;
    size_t at_env = begin + static_cast<size_t>(env.position(0));
    // The environment handed to a child process (env=…, cmd.Env) is how programs pass it on locally.
    std::string_view before = capped.substr(at_env > 40 ? at_env - 40 : 0, std::min<size_t>(at_env, 40));
    if (before.find("env=") != std::string_view::npos || before.find("env =") != std::string_view::npos ||
        before.find(".Env") != std::string_view::npos || before.find("env:") != std::string_view::npos)
      continue;
    Marker marker = marker_in_file("environment_with_network",
                                   "reads the whole environment (" + env.str(0).substr(0, 40) + ") in code that sends HTTP requests",
                                   path, content, static_cast<uint32_t>(at_env), static_cast<uint32_t>(env.length(0)));
    std::string host = first_remote_host(capped);
    if (!host.empty()) marker.detail += " (" + host + ")";
    marker.host = host;
    return marker;
  }
  return std::nullopt;
}

std::optional<Marker> runner_with_network(const std::string& path, std::string_view content) {
  struct Patterns {
    std::regex runner;   // runs code or a shell command given by a name, not a literal
    std::regex fetches;  // reads a response body
  };
  static const Patterns python{
      std::regex(R"(\b(exec|eval)\(\s*[A-Za-z_][\w.]*\s*[,)]|os\.system\(\s*[A-Za-z_][\w.]*\s*\)|subprocess\.\w+\(\s*[A-Za-z_][\w.]*\s*,[^)]*shell\s*=\s*True)"),
      std::regex(R"(\b(requests|httpx)\.get\(|urlopen\(|\.read\(\)\.decode|\.text\b)")};
  static const Patterns javascript{
      std::regex(R"(new\s+Function\([^)]*[A-Za-z_$][\w$]*\s*\)|\beval\(\s*[A-Za-z_$][\w$]*\s*\)|vm\.(runInNewContext|runInThisContext|Script)\(\s*[A-Za-z_$])"),
      std::regex(R"(\bfetch\(|\baxios\b|\bhttps?\.get\()")};
  static const Patterns go{
      std::regex(R"re(exec\.Command(Context)?\([^)]*"(sh|bash)"\s*,\s*"-c"\s*,\s*[^")\s][^)]*\))re"),
      std::regex(R"(\bhttp\.(Get|NewRequest)|\.Do\(|io\.ReadAll\()")};
  Family language = family_of(path);
  if (language == Family::none || language == Family::c) return std::nullopt;  // read for the environment only
  const Patterns* family = language == Family::python ? &python : language == Family::javascript ? &javascript : &go;
  bool may_run = language == Family::python       ? has_any(content, {"exec(", "eval(", "os.system(", "shell=True", "shell = True"})
                 : language == Family::javascript ? has_any(content, {"Function(", "eval(", "vm."})
                                                  : has_any(content, {"\"-c\""});
  if (!may_run || !has_any(content, {"http://", "https://"})) return std::nullopt;
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch run;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), run, family->runner)) return std::nullopt;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), family->fetches)) return std::nullopt;
  std::string host = first_remote_host(capped);
  if (host.empty()) return std::nullopt;  // fetching nothing named here: a request helper, not a download
  return marker_at("runner_with_network",
                   "runs code or a command held in a name (" + run.str(0).substr(0, 48) + ") in code that downloads", host,
                   path, content, run);
}

std::optional<Marker> credentials_with_network(const std::string& path, std::string_view content) {
  Family language = family_of(path);
  if (language == Family::none || language == Family::c) return std::nullopt;  // read for the environment only
  // A credential file named in pieces (path.join(os.homedir(), '.aws', 'credentials'), Path.home() / ".ssh" /
  // "id_ed25519") and read.
  static const std::regex kCredential(
      R"re(['"`]\.aws['"`]\s*[,/)]\s*['"`]credentials['"`]|\.aws/credentials|['"`]\.ssh['"`]\s*[,/)]\s*['"`]id_\w+['"`]|\.ssh/id_\w+|['"`]\.(npmrc|netrc|git-credentials|pypirc)['"`]|\.docker/config\.json|\.kube/config)re"
      // ~/.kaggle/kaggle.json, named whole or in pieces
      R"re(|['"`]\.kaggle['"`]\s*[,/)]\s*['"`]kaggle\.json['"`]|\.kaggle/kaggle\.json)re"
      // or a credential helper's output: git credential fill, gh auth token (as one string or an argv list)
      R"re(|git credential fill|['"`]git['"`]\s*,\s*['"`]credential['"`]\s*,\s*['"`]fill|gh auth token|['"`]gh['"`]\s*,\s*['"`]auth['"`]\s*,\s*['"`]token)re");
  if (!has_any(content, {".aws", ".ssh", "npmrc", "netrc", "pypirc", "credential", ".docker", ".kube", "auth token", "\"auth\"",
                         "'auth'", "kaggle.json"}))
    return std::nullopt;
  bool python = language == Family::python, javascript = language == Family::javascript;
  bool reads = python       ? has_any(content, {"open(", "read_bytes(", "read_text(", "subprocess", "check_output"})
               : javascript ? has_any(content, {"readFile", "execSync", "execFileSync", "spawnSync"})
                            : has_any(content, {"ReadFile(", "os.Open(", "exec.Command"});
  bool sends = python       ? has_any(content, {"requests.", "httpx.", "urlopen(", "urllib.request", "aiohttp", "http.client"})
               : javascript ? has_any(content, {"fetch(", "axios", "https.request", "http.request", "got("})
                            : has_any(content, {"http.Post", "http.NewRequest", ".Do(", ".Post("});
  if (!reads || !sends) return std::nullopt;
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch found;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), found, kCredential)) return std::nullopt;
  return marker_at("credentials_with_network",
                   "reads a credential file (" + found.str(0).substr(0, 40) + ") in code that sends HTTP requests",
                   first_remote_host(capped), path, content, found);
}

std::optional<Marker> environment_in_bundle(const std::string& path, std::string_view content) {
  std::string lpath = lower(normalize_path(path));
  std::string_view base = std::string_view(lpath).substr(lpath.rfind('/') == std::string::npos ? 0 : lpath.rfind('/') + 1);
  bool bundler_config = starts_with(base, "vite.config.") || starts_with(base, "webpack.config.") ||
                        starts_with(base, "rollup.config.") || starts_with(base, "next.config.") ||
                        starts_with(base, "nuxt.config.") || starts_with(base, "astro.config.");
  if (!bundler_config || content.find("process.env") == std::string_view::npos) return std::nullopt;
  // define: { "process.env": process.env } / new DefinePlugin({ 'process.env': JSON.stringify(process.env) }):
  // the build machine's whole environment compiled into code every visitor downloads.
  static const std::regex kWhole(R"re(['"]?process\.env['"]?\s*:\s*(JSON\.stringify\(\s*)?process\.env\s*[,)}\n])re");
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch m;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), m, kWhole)) return std::nullopt;
  return marker_at("security_off", "the build's whole environment compiled into the client bundle", "", path, content, m);
}

}  // namespace toolwall::code
