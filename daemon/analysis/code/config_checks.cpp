#include "analysis/code/config_checks.h"

#include <array>
#include <regex>

#include "analysis/code/file_kind.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/text_checks.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

struct Setting {
  const char* file_pattern;  // on the lower-cased base name; empty: any configuration file
  const char* line_pattern;  // on one line, case-insensitive
  const char* detail;
  const char* needle;  // lower-case text every match contains: settings whose needle is absent are skipped
};

// Each names what it turns off, for the person reading the flag.
constexpr std::array<Setting, 26> kSettings{{
    {"^\\.?(npmrc|yarnrc(\\.yml)?)$", R"(^\s*(strict-ssl|strict_ssl|enableStrictSsl)\s*[=:]\s*["']?false)",
     "npm/yarn strict-ssl off", "strict"},
    {"^\\.?(gitconfig|config)$", R"(^\s*sslverify\s*=\s*(false|no|off|0)\b)", "git http.sslVerify false", "sslverify"},
    {"^\\.?(gitconfig|config)$", R"(^\s*hookspath\s*=)", "git core.hooksPath redirected", "hookspath"},
    {"^\\.?(gitconfig|config)$", R"(^\s*templatedir\s*=)", "git init.templateDir (hooks for every new repository)",
     "templatedir"},
    {"^(pip\\.conf|pip\\.ini)$", R"(^\s*trusted-host\s*=)", "pip trusted-host (TLS not checked)", "trusted-host"},
    {"^(requirements|constraints)[\\w.-]*\\.(txt|in)$", R"(^\s*--trusted-host\b)", "pip --trusted-host (TLS not checked)",
     "trusted-host"},
    {"^(requirements|constraints)[\\w.-]*\\.(txt|in)$", R"(^\s*(-i|--index-url|--extra-index-url)[\s=]+http://)",
     "pip index over plain http", "http://"},
    {"^composer\\.json$", R"("secure-http"\s*:\s*false)", "composer secure-http off (packages over plain http)", "secure-http"},
    {"^(gemfile|gems\\.rb)$", R"(^\s*source\s+["']http://)", "Gemfile source over plain http", "http://"},
    {"^\\.curlrc$", R"(^\s*(-k|--insecure|insecure)\b)", "curl insecure", ""},
    {"^\\.wgetrc$", R"(^\s*check_certificate\s*=\s*off)", "wget check_certificate off", "check_certificate"},
    {"^\\.condarc$", R"(^\s*ssl_verify\s*:\s*(false|no))", "conda ssl_verify false", "ssl_verify"},
    {"", R"(\bNODE_TLS_REJECT_UNAUTHORIZED["']?\s*[=:]\s*["']?0\b)", "NODE_TLS_REJECT_UNAUTHORIZED=0", "node_tls_reject_unauthorized"},
    {"", R"(\bPYTHONHTTPSVERIFY["']?\s*[=:]\s*["']?0\b)", "PYTHONHTTPSVERIFY=0", "pythonhttpsverify"},
    {"", R"(\bGIT_SSL_NO_VERIFY["']?\s*[=:]\s*["']?(1|true)\b)", "GIT_SSL_NO_VERIFY", "git_ssl_no_verify"},
    {"", R"(\b(NPM_CONFIG_STRICT_SSL|npm_config_strict_ssl)["']?\s*[=:]\s*["']?false\b)",
     "npm strict-ssl off", "strict_ssl"},
    // TLS verification off in languages without a grammar here: PHP curl, Ruby OpenSSL, .NET handlers.
    {"", R"(CURLOPT_SSL_VERIFY(PEER|HOST)\s*,\s*(false|0)\b)", "PHP curl TLS verification off", "curlopt_ssl_verify"},
    {"", R"(verify_mode\s*[=:]\s*OpenSSL::SSL::VERIFY_NONE)", "Ruby OpenSSL VERIFY_NONE", "verify_none"},
    {"", R"(ServerCertificate(CustomValidationCallback|ValidationCallback)\s*=.*=>\s*true)",
     ".NET certificate validation always true", "validationcallback"},
    // GitHub Actions: workflow commands (::set-env, ::add-path) from any output, and a pull_request_target
    // workflow (secrets, write token) checking out the pull request's own code to build or run it.
    {"", R"(\bACTIONS_ALLOW_UNSECURE_COMMANDS["']?\s*[=:]\s*["']?true\b)", "ACTIONS_ALLOW_UNSECURE_COMMANDS",
     "actions_allow_unsecure_commands"},
    {"", R"(^\s*ref\s*:\s*["']?\$\{\{\s*(github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref))",
     "pull_request_target checks out the pull request's code (it runs with the repository's secrets)",
     "pull_request_target"},
    // Coding agents and editors told to stop asking or checking: Claude Code's bypassPermissions, Codex
    // without approvals or sandbox, VS Code's proxy without TLS checks.
    {"^settings(\\.local)?\\.json$", R"("defaultMode"\s*:\s*"bypassPermissions")", "Claude Code permission prompts off",
     "bypasspermissions"},
    {"^config\\.toml$", R"(^\s*approval_policy\s*=\s*["']never["'])", "Codex approvals off", "approval_policy"},
    {"^config\\.toml$", R"(^\s*sandbox_mode\s*=\s*["']danger-full-access["'])", "Codex sandbox off", "danger-full-access"},
    {"^settings\\.json$", R"("http\.proxyStrictSSL"\s*:\s*false)", "VS Code proxy TLS verification off", "proxystrictssl"},
    // Instructions that tell the next agent to stop asking before it acts.
    {"^(claude(\\.local)?\\.md|agents\\.md|gemini\\.md|qwen\\.md|\\.cursorrules|\\.windsurfrules|\\.clinerules|copilot-instructions\\.md|[\\w.-]+\\.mdc)$",
     R"(\b(never|don'?t|do not)\s+ask\s+(the user\s+)?(for\s+)?(confirmation|permission|approval)|\bpre-?approved\s+(every|all)\b|\bskip\s+(all\s+)?(confirmations?|approvals?)\b|\bwithout\s+asking\s+(for\s+)?(confirmation|permission|approval))",
     "agent instructions turn off asking for confirmation", ""},
}};

struct Compiled {
  std::regex file;
  bool any_file;
  std::regex line;
  std::string detail;
  std::string needle;
};

const std::vector<Compiled>& compiled() {
  static const auto settings = [] {
    std::vector<Compiled> out;
    out.reserve(kSettings.size());
    for (const auto& s : kSettings)
      out.push_back({std::regex(s.file_pattern), *s.file_pattern == '\0',
                     std::regex(s.line_pattern, std::regex::ECMAScript | std::regex::icase), s.detail, s.needle});
    return out;
  }();
  return settings;
}

// The lower-cased base name of a path.
std::string lower_base_name(const std::string& path) {
  std::string normalized = normalize_path(path);
  return lower(normalized.substr(normalized.rfind('/') == std::string::npos ? 0 : normalized.rfind('/') + 1));
}

// Calls visit(line, offset) for each line of content (capped at kRegexInputCap bytes) while out has room.
template <typename Visit>
void for_each_line(std::string_view content, const std::vector<Marker>& out, Visit visit) {
  size_t start = 0;
  while (start < content.size() && out.size() < 64) {
    size_t end = content.find('\n', start);
    if (end == std::string_view::npos) end = content.size();
    visit(content.substr(start, std::min<size_t>(end - start, kRegexInputCap)), start);
    start = end + 1;
  }
}

// A marker at the match m of the line that starts at offset, with the file's line and column.
Marker marker_at(std::string name, std::string detail, const std::string& path, std::string_view content, size_t offset,
                 const std::cmatch& m) {
  return marker_in_file(std::move(name), std::move(detail), path, content,
                        static_cast<uint32_t>(offset + static_cast<size_t>(m.position(0))), static_cast<uint32_t>(m.length(0)));
}

}  // namespace

std::vector<Marker> registry_settings(const std::string& path, std::string_view content) {
  struct Source {
    const char* file_pattern;  // on the lower-cased base name
    const char* line_pattern;  // the URL is the last capture group
    const char* what;
  };
  static const std::array<Source, 8> kSources{{
      {"^\\.npmrc$", R"(^\s*(@[\w.-]+:)?registry\s*=\s*(\S+))", "npm registry"},
      {"^pip\\.(conf|ini)$", R"(^\s*(extra-)?index-url\s*=\s*(\S+))", "pip index"},
      {"^\\.yarnrc\\.yml$", R"(^\s*npmRegistryServer\s*:\s*["']?([^"'\s]+))", "yarn registry"},
      {"^config(\\.toml)?$", R"(^\s*(registry|index)\s*=\s*["'](sparse\+|git\+)?([^"'\s]+))", "cargo registry"},
      {"^(requirements|constraints)[\\w.-]*\\.(txt|in)$", R"(@\s*((git\+)?https?://\S+))", "requirement from a URL"},
      {"^(requirements|constraints)[\\w.-]*\\.(txt|in)$",
       R"(^\s*(-i|--index-url|--extra-index-url|-f|--find-links)[\s=]+(\S+))", "pip index"},
      {"^package\\.json$",
       R"re("(?!url"|homepage"|\$schema"|repository"|bugs")[^"]+"\s*:\s*"((git\+)?https?://[^"]+))re", "dependency from a URL"},
      {"^pyproject\\.toml$", R"(@\s*(https?://[^"'\s]+))", "requirement from a URL"},
  }};
  struct Compiled {
    std::regex file, line;
    std::string what;
  };
  static const auto compiled_sources = [] {
    std::vector<Compiled> out;
    for (const auto& source : kSources)
      out.push_back({std::regex(source.file_pattern), std::regex(source.line_pattern, std::regex::ECMAScript), source.what});
    return out;
  }();
  std::vector<Marker> out;
  std::string base = lower_base_name(path);
  bool cargo = normalize_path(path).find(".cargo/") != std::string::npos;
  std::vector<const Compiled*> candidates;
  for (size_t k = 0; k < compiled_sources.size(); ++k)
    if (std::regex_search(base, compiled_sources[k].file) && (kSources[k].what != std::string_view("cargo registry") || cargo))
      candidates.push_back(&compiled_sources[k]);
  if (candidates.empty() || content.find("://") == std::string_view::npos) return out;
  for_each_line(content, out, [&](std::string_view line, size_t offset) {
    for (const Compiled* source : candidates) {
      std::cmatch m;
      if (!std::regex_search(line.data(), line.data() + line.size(), m, source->line)) continue;
      std::string url;
      for (size_t g = m.size(); g-- > 1;)
        if (m[g].matched && m[g].str().find("://") != std::string::npos) {
          url = m[g].str();
          break;
        }
      if (url.rfind("git+", 0) == 0) url.erase(0, 4);
      std::string host = shell::host_of(url);
      if (host.empty()) continue;
      Marker marker = marker_at("registry_redirect", source->what + " " + url.substr(0, 120), path, content, offset, m);
      marker.host = host;
      out.push_back(std::move(marker));
    }
  });
  return out;
}

namespace {
bool is_npmrc(std::string_view lpath) { return lpath == ".npmrc" || ends_with(lpath, "/.npmrc"); }
}  // namespace

std::vector<Marker> privilege_and_startup_settings(const std::string& path, std::string_view content) {
  struct Grant {
    const char* line_pattern;
    const char* what;
  };
  // Per file, the lines that hand out root (sudo for any command without a password, an extra uid-0 or
  // password-less account, PAM that accepts any password, a library loaded into every program) or make
  // something run at every start of a session or a tool.
  struct SystemFile {
    bool (*is)(std::string_view lpath);
    Grant grant;
    const char* marker;
  };
  static const SystemFile kFiles[] = {
      {[](std::string_view p) { return p == "/etc/sudoers" || p.find("sudoers.d/") != std::string_view::npos; },
       {R"(^\s*[^#\s][^=]*=.*(NOPASSWD\s*:|!authenticate).*\bALL\s*$)", "sudo for any command without a password"},
       "privilege_grant"},
      {[](std::string_view p) { return p == "/etc/passwd"; },
       {R"(^\s*(?!root:)[^:#\s]+:[^:]*:0+:)", "a second uid-0 (root) account"}, "privilege_grant"},
      {[](std::string_view p) { return p == "/etc/passwd" || p == "/etc/shadow"; },
       {R"(^\s*[^:#\s]+::)", "an account without a password"}, "privilege_grant"},
      {[](std::string_view p) { return p.rfind("/etc/pam.d/", 0) == 0; },
       {R"(^\s*auth\s+\S+\s+pam_permit\.so)", "PAM accepts any password"}, "privilege_grant"},
      {[](std::string_view p) { return p.rfind("/etc/pam.d/", 0) == 0; },
       {R"(^\s*auth\s+\S+\s+pam_exec\.so\s.*\bexpose_authtok\b)", "PAM hands every password typed to a program"},
       "privilege_grant"},
      {[](std::string_view p) { return p == "/etc/ld.so.preload"; },
       {R"(^\s*[^#\s]\S*)", "a library preloaded into every program"}, "privilege_grant"},
      {[](std::string_view p) {
         return p == "/etc/environment" || p.find("environment.d/") != std::string_view::npos ||
                p.find(".pam_environment") != std::string_view::npos;
       },
       {R"(^\s*(export\s+)?LD_(PRELOAD|AUDIT)\s*(DEFAULT\s*)?=)", "a library preloaded into every session"},
       "persistence_write"},
      {is_npmrc,
       {R"re(^\s*script-shell\s*=\s*["']?(?!([^\n]*[/\\])?(bash|sh|zsh|dash|pwsh|powershell|cmd)(\.exe)?["']?\s*$))re",
        "npm script-shell (every npm script runs through it)"},
       "persistence_write"},
      {is_npmrc,
       {R"(^\s*node-options\s*=.*(--require|--import|--loader|--experimental-loader|(=|\s)-r\s))",
        "node-options preloads a module into every node that npm starts"},
       "persistence_write"},
  };
  struct Compiled {
    const SystemFile* file;
    std::regex line;
  };
  static const auto compiled_files = [] {
    std::vector<Compiled> out;
    for (const auto& file : kFiles) out.push_back({&file, std::regex(file.grant.line_pattern, std::regex::ECMAScript)});
    return out;
  }();
  std::vector<Marker> out;
  std::string lpath = lower(normalize_path(path));
  std::vector<const Compiled*> candidates;
  for (const auto& c : compiled_files)
    if (c.file->is(lpath)) candidates.push_back(&c);
  if (candidates.empty()) return out;
  for_each_line(content, out, [&](std::string_view line, size_t offset) {
    for (const Compiled* c : candidates) {
      std::cmatch m;
      if (!std::regex_search(line.data(), line.data() + line.size(), m, c->line)) continue;
      std::string shown(line.substr(0, 120));
      out.push_back(marker_at(c->file->marker, std::string(c->file->grant.what) + ": " + shown, path, content, offset, m));
    }
  });
  return out;
}

std::vector<Marker> security_off_settings(const std::string& path, std::string_view content) {
  std::vector<Marker> out;
  std::string base = lower_base_name(path);
  // Which settings can match this file at all, decided once (per line this was most of a call's time).
  std::string lowered = lower(content);
  std::vector<const Compiled*> candidates;
  for (const auto& s : compiled()) {
    if (!s.any_file && !std::regex_search(base, s.file)) continue;
    if (!s.needle.empty() && lowered.find(s.needle) == std::string::npos) continue;
    candidates.push_back(&s);
  }
  if (candidates.empty()) return out;
  for_each_line(content, out, [&](std::string_view line, size_t offset) {
    for (const Compiled* s : candidates) {
      std::cmatch m;
      if (std::regex_search(line.data(), line.data() + line.size(), m, s->line))
        out.push_back(marker_at("security_off", s->detail, path, content, offset, m));
    }
  });
  return out;
}

std::vector<Marker> model_endpoint_settings(const std::string& path, std::string_view content) {
  std::vector<Marker> out;
  // Upper case as environment variables are written, lower case as some files spell them (no copy of
  // the file lower-cased: this runs on every configuration file).
  bool vendor_variable = false;
  for (std::string_view needle : {"_BASE_URL", "_API_BASE", "_API_URL", "_ENDPOINT", "_base_url", "_api_base", "_api_url", "_endpoint"})
    vendor_variable = vendor_variable || content.find(needle) != std::string_view::npos;
  std::string lpath = lower(normalize_path(path));
  // Agents' own configuration files name their model endpoint without a vendor prefix (Codex's
  // [model_providers.x] base_url, opencode's provider baseURL, Continue's apiBase).
  bool agent_config = contains(lpath, ".codex/") || contains(lpath, "opencode") || contains(lpath, ".continue/") ||
                      contains(lpath, ".aider") || contains(lpath, ".claude") || contains(lpath, ".gemini/") ||
                      contains(lpath, ".qwen/") || contains(lpath, "litellm");
  if (!vendor_variable && !agent_config) return out;
  if (content.find("://") == std::string_view::npos) return out;
  static const std::regex vendor(
      R"((^|[^A-Za-z0-9_])((ANTHROPIC|OPENAI|AZURE_OPENAI|GEMINI|GOOGLE_GEMINI|MISTRAL|GROQ|DEEPSEEK|OPENROUTER|XAI|COHERE|TOGETHER|FIREWORKS|PERPLEXITY|CLAUDE_CODE)_(BASE_URL|API_BASE|API_URL|ENDPOINT|API_ENDPOINT))["']?\s*[:=]\s*["']?(https?://[^"'\s,}]+))",
      std::regex::ECMAScript | std::regex::icase);
  static const std::regex generic(R"((^|[^A-Za-z0-9_])(base_url|baseURL|baseUrl|apiBase|api_base)["']?\s*[:=]\s*["']?(https?://[^"'\s,}]+))",
                                  std::regex::ECMAScript);
  for_each_line(content, out, [&](std::string_view line, size_t offset) {
    std::cmatch m;
    std::string setting, url;
    if (vendor_variable && std::regex_search(line.data(), line.data() + line.size(), m, vendor)) {
      setting = m[2].str();
      url = m[5].str();
    } else if (agent_config && std::regex_search(line.data(), line.data() + line.size(), m, generic)) {
      setting = m[2].str();
      url = m[3].str();
    } else {
      return;
    }
    std::string host = shell::host_of(url);
    if (host.empty()) return;
    Marker marker = marker_at("model_endpoint", setting + " = " + url.substr(0, 120), path, content, offset, m);
    marker.host = host;
    out.push_back(std::move(marker));
  });
  return out;
}

std::vector<Marker> hardcoded_secret_lines(const std::string& path, std::string_view content) {
  std::vector<Marker> out;
  for_each_line(content, out, [&](std::string_view line, size_t offset) {
    if (!out.empty()) return;
    std::string shape = known_secret_shape(line);
    if (shape.empty()) return;
    // Documentation's sample keys (AKIAIOSFODNN7EXAMPLE) and templates are not credentials: the words the
    // code detector (code.secret.known-key-shape) skips.
    static const std::regex kPlaceholder(R"((example|dummy|placeholder|your[_-]|xxxxx|fake|redacted|<[a-z_-]+>|\.\.\.))",
                                         std::regex::icase);
    if (std::regex_search(line.begin(), line.end(), kPlaceholder)) return;
    out.push_back(marker_in_file("hardcoded_secret", "a credential in " + shape + " format in " + lower_base_name(path), path,
                                 content, static_cast<uint32_t>(offset), static_cast<uint32_t>(line.size())));
  });
  return out;
}

std::vector<Marker> registry_credential_settings(const std::string& path, std::string_view content) {
  std::vector<Marker> out;
  std::string base = lower_base_name(path);
  bool npmrc = base == ".npmrc", yarnrc = base == ".yarnrc.yml", pypirc = base == ".pypirc";
  if (!npmrc && !yarnrc && !pypirc) return out;
  auto add = [&](const std::string& host, const std::string& detail, size_t offset, const std::cmatch& m) {
    if (host.empty()) return;
    Marker marker = marker_at("registry_credentials", detail, path, content, offset, m);
    marker.host = host;
    out.push_back(std::move(marker));
  };
  if (npmrc) {
    // //registry.host/path/:_authToken=… : npm sends it with every request to that registry.
    static const std::regex line(R"(^\s*//([^/:\s]+)[^\s=]*:(_authToken|_auth|_password)\s*=)", std::regex::ECMAScript);
    for_each_line(content, out, [&](std::string_view text, size_t offset) {
      std::cmatch m;
      if (std::regex_search(text.data(), text.data() + text.size(), m, line))
        add(lower(m[1].str()), "npm " + m[2].str() + " for " + m[1].str(), offset, m);
    });
    return out;
  }
  // .yarnrc.yml (npmRegistryServer with npmAuthToken in the same mapping) and .pypirc (repository with a
  // password in the same section): the credential goes to that server.
  static const std::regex server(R"(^(\s*)(npmRegistryServer\s*:|repository\s*[=:])\s*["']?(https?://[^"'\s]+))",
                                 std::regex::ECMAScript);
  static const std::regex secret(R"(^(\s*)(npmAuthToken|npmAuthIdent|password)\s*[=:])", std::regex::ECMAScript);
  struct Line {
    size_t indent = 0;
    bool opens_block = false;  // a shallower key or a [section]: the mapping before it ends
    std::string host;          // a server line
    bool secret = false;
    size_t offset = 0;
    std::cmatch match;
  };
  std::vector<Line> lines;
  for_each_line(content, out, [&](std::string_view text, size_t offset) {
    size_t first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || text[first] == '#' || text[first] == ';') return;
    Line line;
    line.indent = first;
    line.offset = offset;
    line.opens_block = pypirc && text[first] == '[';
    if (std::regex_search(text.data(), text.data() + text.size(), line.match, server)) line.host = shell::host_of(line.match[3].str());
    else if (std::regex_search(text.data(), text.data() + text.size(), line.match, secret)) line.secret = true;
    lines.push_back(std::move(line));
  });
  auto server_for = [&](size_t at) -> std::string {
    size_t indent = lines[at].indent;
    for (int step : {-1, 1})
      for (size_t k = at + step; k < lines.size(); k += step) {  // wraps below 0 to a huge index: ends
        if (lines[k].opens_block || lines[k].indent < indent) break;
        if (lines[k].indent == indent && !lines[k].host.empty()) return lines[k].host;
      }
    return {};
  };
  for (size_t k = 0; k < lines.size(); ++k)
    if (lines[k].secret) {
      std::string host = server_for(k);
      add(host, lines[k].match[2].str() + " sent to " + host, lines[k].offset, lines[k].match);
    }
  return out;
}

std::vector<Marker> workflow_trust_settings(const std::string& path, std::string_view content) {
  std::vector<Marker> out;
  std::string lpath = lower(normalize_path(path));
  bool yaml = ends_with(lpath, ".yml") || ends_with(lpath, ".yaml");
  if (!yaml || lpath.find(".github/workflows/") == std::string::npos) return out;
  if (content.find("secrets.") == std::string_view::npos) return out;
  auto uses_secret = [](std::string_view text) {
    // GITHUB_TOKEN is the run's own token, scoped by the workflow's permissions: not a repository secret.
    for (size_t at = text.find("secrets."); at != std::string_view::npos; at = text.find("secrets.", at + 8))
      if (text.substr(at + 8, 12) != "GITHUB_TOKEN") return true;
    return false;
  };
  // pull_request_target runs with the repository's secrets; checking out the pull request's head and
  // building it hands them to whoever opened it.
  static const std::regex kHeadCheckout(
      R"(^\s*ref\s*:\s*["']?\$\{\{\s*(github\.event\.pull_request\.head\.(sha|ref)|github\.head_ref))");
  if (content.find("pull_request_target") != std::string_view::npos && uses_secret(content)) {
    for_each_line(content, out, [&](std::string_view line, size_t offset) {
      std::cmatch m;
      if (std::regex_search(line.data(), line.data() + line.size(), m, kHeadCheckout))
        out.push_back(marker_at("untrusted_code_with_secrets",
                                "pull_request_target builds the pull request's code in a job given repository secrets",
                                path, content, offset, m));
    });
  }
  // A third-party action at a moving ref (a branch, not a commit SHA) given a secret: whoever can push to
  // that branch gets the secret on the next run.
  static const std::regex kUses(R"(^(\s*)(-\s+)?uses\s*:\s*["']?([\w.-]+)/([\w./-]+)@([\w./-]+))");
  static const std::array<std::string_view, 9> kFirstParty{"actions", "github", "docker", "aws-actions",
                                                           "google-github-actions", "azure", "hashicorp",
                                                           "pypa", "softprops"};
  std::vector<std::pair<std::string_view, size_t>> lines;
  for_each_line(content, out, [&](std::string_view line, size_t offset) { lines.emplace_back(line, offset); });
  for (size_t k = 0; k < lines.size(); ++k) {
    std::cmatch m;
    auto [line, offset] = lines[k];
    if (!std::regex_search(line.data(), line.data() + line.size(), m, kUses)) continue;
    std::string owner = lower(m[3].str()), ref = m[5].str();
    bool pinned = ref.size() == 40 && std::all_of(ref.begin(), ref.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
    bool version = !ref.empty() && (ref[0] == 'v' || std::isdigit(static_cast<unsigned char>(ref[0])));
    if (pinned || version || std::find(kFirstParty.begin(), kFirstParty.end(), owner) != kFirstParty.end()) continue;
    // The step: the lines after uses: indented deeper than the step's dash, up to the next step.
    size_t indent = static_cast<size_t>(m[1].length());
    bool secret = false;
    for (size_t j = k + 1; j < lines.size(); ++j) {
      std::string_view next = lines[j].first;
      size_t first = next.find_first_not_of(" \t");
      if (first == std::string_view::npos) continue;
      if (first <= indent && (next[first] == '-' || first < indent)) break;
      secret = secret || uses_secret(next);
    }
    if (secret)
      out.push_back(marker_at("security_off", "secrets handed to " + m[3].str() + "/" + m[4].str() + "@" + ref +
                                                  ", a third-party action at a moving ref (pin it to a commit SHA)",
                              path, content, offset, m));
  }
  return out;
}

}  // namespace toolwall::code
