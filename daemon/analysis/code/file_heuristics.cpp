#include "analysis/code/file_heuristics.h"

#include <algorithm>
#include <initializer_list>
#include <regex>

#include "analysis/code/file_kind.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/secret_vendor.h"
#include "core/text.h"

namespace toolwall::code {

std::optional<Marker> environment_with_network(const std::string& path, std::string_view content) {
  std::string lpath = lower(normalize_path(path));
  auto ext_is = [&](std::initializer_list<std::string_view> exts) {
    return std::any_of(exts.begin(), exts.end(), [&](std::string_view e) { return ends_with(lpath, e); });
  };
  struct Family {
    std::regex whole_environment;
    std::regex network;
  };
  static const Family python{
      std::regex(R"(dict\(\s*os\.environ\s*\)|os\.environ\.copy\(\)|\{\s*\*\*os\.environ\s*\}|os\.environ\.items\(\)|json\.dumps\(\s*(dict\()?os\.environ)"),
      std::regex(R"(\b(requests|httpx|aiohttp|urllib3?)\.|urlopen\(|urllib\.request|http\.client|HTTPHandler\(|HTTPSConnection\()")};
  static const Family javascript{
      std::regex(R"(JSON\.stringify\(\s*process\.env\s*[,)]|\{\s*\.\.\.process\.env\s*\}|Object\.(entries|keys|assign)\(\s*(\{\}\s*,\s*)?process\.env\s*\))"),
      std::regex(R"(\bfetch\(|\baxios\b|\bhttps?\.(request|get)\(|\bgot\(|XMLHttpRequest|sendBeacon\()")};
  static const Family go{std::regex(R"(os\.Environ\(\))"),
                         std::regex(R"(\bhttp\.(Post|Get|NewRequest|PostForm)|\.Do\(|\.Post\(|net\.Dial)")};
  const Family* family = ext_is({".py"})                                           ? &python
                         : ext_is({".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"}) ? &javascript
                         : ext_is({".go"})                                         ? &go
                                                                                   : nullptr;
  if (!family) return std::nullopt;
  // std::regex is slow over whole files: the accessor's literal text must be there first.
  std::string_view accessor = family == &python ? "os.environ" : family == &javascript ? "process.env" : "os.Environ()";
  if (content.find(accessor) == std::string_view::npos) return std::nullopt;
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch env;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), env, family->whole_environment)) return std::nullopt;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), family->network)) return std::nullopt;
  // The environment handed to a child process (env=…, cmd.Env) is how programs pass it on locally.
  size_t at_env = static_cast<size_t>(env.position(0));
  std::string_view before = capped.substr(at_env > 40 ? at_env - 40 : 0, std::min<size_t>(at_env, 40));
  if (before.find("env=") != std::string_view::npos || before.find("env =") != std::string_view::npos ||
      before.find(".Env") != std::string_view::npos || before.find("env:") != std::string_view::npos)
    return std::nullopt;
  std::string host;
  for (const auto& candidate : url_hosts(capped))
    if (candidate != "localhost" && !starts_with(candidate, "127.") && candidate != "0.0.0.0") {
      host = candidate;
      break;
    }
  Marker marker;
  marker.name = "environment_with_network";
  marker.detail = "reads the whole environment (" + env.str(0).substr(0, 40) + ") in code that sends HTTP requests" +
                  (host.empty() ? std::string() : " (" + host + ")");
  marker.host = host;
  uint32_t at = static_cast<uint32_t>(env.position(0));
  marker.span = Span{at, at + static_cast<uint32_t>(env.length(0))};
  auto [line, column] = line_column(content, at);
  marker.location = Location{path, "", line, column};
  return marker;
}

std::optional<Marker> runner_with_network(const std::string& path, std::string_view content) {
  std::string lpath = lower(normalize_path(path));
  auto ext_is = [&](std::initializer_list<std::string_view> exts) {
    return std::any_of(exts.begin(), exts.end(), [&](std::string_view e) { return ends_with(lpath, e); });
  };
  struct Family {
    std::regex runner;   // runs code or a shell command given by a name, not a literal
    std::regex fetches;  // reads a response body
  };
  static const Family python{
      std::regex(R"(\b(exec|eval)\(\s*[A-Za-z_][\w.]*\s*[,)]|os\.system\(\s*[A-Za-z_][\w.]*\s*\)|subprocess\.\w+\(\s*[A-Za-z_][\w.]*\s*,[^)]*shell\s*=\s*True)"),
      std::regex(R"(\b(requests|httpx)\.get\(|urlopen\(|\.read\(\)\.decode|\.text\b)")};
  static const Family javascript{
      std::regex(R"(new\s+Function\([^)]*[A-Za-z_$][\w$]*\s*\)|\beval\(\s*[A-Za-z_$][\w$]*\s*\)|vm\.(runInNewContext|runInThisContext|Script)\(\s*[A-Za-z_$])"),
      std::regex(R"(\bfetch\(|\baxios\b|\bhttps?\.get\()")};
  static const Family go{
      std::regex(R"re(exec\.Command(Context)?\([^)]*"(sh|bash)"\s*,\s*"-c"\s*,\s*[^")\s][^)]*\))re"),
      std::regex(R"(\bhttp\.(Get|NewRequest)|\.Do\(|io\.ReadAll\()")};
  const Family* family = ext_is({".py"})                                           ? &python
                         : ext_is({".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"}) ? &javascript
                         : ext_is({".go"})                                         ? &go
                                                                                   : nullptr;
  if (!family) return std::nullopt;
  auto has = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return content.find(n) != std::string_view::npos; });
  };
  bool may_run = family == &python       ? has({"exec(", "eval(", "os.system(", "shell=True", "shell = True"})
                 : family == &javascript ? has({"Function(", "eval(", "vm."})
                                         : has({"\"-c\""});
  if (!may_run || !has({"http://", "https://"})) return std::nullopt;
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch run;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), run, family->runner)) return std::nullopt;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), family->fetches)) return std::nullopt;
  std::string host;
  for (const auto& candidate : url_hosts(capped))
    if (candidate != "localhost" && !starts_with(candidate, "127.") && candidate != "0.0.0.0") {
      host = candidate;
      break;
    }
  if (host.empty()) return std::nullopt;  // fetching nothing named here: a request helper, not a download
  Marker marker;
  marker.name = "runner_with_network";
  marker.detail = "runs code or a command held in a name (" + run.str(0).substr(0, 48) + ") in code that downloads from " + host;
  marker.host = host;
  uint32_t at = static_cast<uint32_t>(run.position(0));
  marker.span = Span{at, at + static_cast<uint32_t>(run.length(0))};
  auto [line, column] = line_column(content, at);
  marker.location = Location{path, "", line, column};
  return marker;
}

std::optional<Marker> credentials_with_network(const std::string& path, std::string_view content) {
  std::string lpath = lower(normalize_path(path));
  auto ext_is = [&](std::initializer_list<std::string_view> exts) {
    return std::any_of(exts.begin(), exts.end(), [&](std::string_view e) { return ends_with(lpath, e); });
  };
  bool python = ext_is({".py"}), javascript = ext_is({".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx"}), go = ext_is({".go"});
  if (!python && !javascript && !go) return std::nullopt;
  // A credential file named in pieces (path.join(os.homedir(), '.aws', 'credentials'), Path.home() / ".ssh" /
  // "id_ed25519") and read.
  static const std::regex kCredential(
      R"re(['"`]\.aws['"`]\s*[,/)]\s*['"`]credentials['"`]|\.aws/credentials|['"`]\.ssh['"`]\s*[,/)]\s*['"`]id_\w+['"`]|\.ssh/id_\w+|['"`]\.(npmrc|netrc|git-credentials|pypirc)['"`]|\.docker/config\.json|\.kube/config)re");
  if (content.find(".aws") == std::string_view::npos && content.find(".ssh") == std::string_view::npos &&
      content.find("rc") == std::string_view::npos && content.find("credentials") == std::string_view::npos &&
      content.find(".docker") == std::string_view::npos && content.find(".kube") == std::string_view::npos)
    return std::nullopt;
  auto has = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return content.find(n) != std::string_view::npos; });
  };
  bool reads = python ? has({"open(", "read_bytes(", "read_text("}) : javascript ? has({"readFile"}) : has({"ReadFile(", "os.Open("});
  bool sends = python ? has({"requests.", "httpx.", "urlopen(", "urllib.request", "aiohttp", "http.client"})
               : javascript ? has({"fetch(", "axios", "https.request", "http.request", "got("})
                            : has({"http.Post", "http.NewRequest", ".Do(", ".Post("});
  if (!reads || !sends) return std::nullopt;
  std::string_view capped = content.substr(0, std::min(content.size(), kRegexInputCap));
  std::cmatch found;
  if (!std::regex_search(capped.data(), capped.data() + capped.size(), found, kCredential)) return std::nullopt;
  std::string host;
  for (const auto& candidate : url_hosts(capped))
    if (candidate != "localhost" && !starts_with(candidate, "127.") && candidate != "0.0.0.0") {
      host = candidate;
      break;
    }
  Marker marker;
  marker.name = "credentials_with_network";
  marker.detail = "reads a credential file (" + found.str(0).substr(0, 40) + ") in code that sends HTTP requests" +
                  (host.empty() ? std::string() : " (" + host + ")");
  marker.host = host;
  uint32_t at = static_cast<uint32_t>(found.position(0));
  marker.span = Span{at, at + static_cast<uint32_t>(found.length(0))};
  auto [line, column] = line_column(content, at);
  marker.location = Location{path, "", line, column};
  return marker;
}

}  // namespace toolwall::code
