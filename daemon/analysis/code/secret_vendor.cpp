#include "analysis/code/secret_vendor.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "core/text.h"

namespace toolwall::code {

namespace {

void add_unique(std::vector<std::string>& out, std::string value) {
  if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
}

bool has_domain_suffix(std::string_view host, std::string_view domain) {
  return host == domain || (host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
                            host[host.size() - domain.size() - 1] == '.');
}

// The name a host is registered under: the label before its top-level domain (api.openai.com → openai).
// A vendor's word elsewhere in a host (openai.com.x.example) says nothing about who runs it.
std::string_view registered_name(std::string_view host) {
  size_t last = host.rfind('.');
  if (last == std::string_view::npos || last == 0) return host;
  size_t before = host.rfind('.', last - 1);
  return host.substr(before == std::string_view::npos ? 0 : before + 1, last - (before == std::string_view::npos ? 0 : before + 1));
}

// Each vendor's API domains that do not carry its name.
bool alias_host(std::string_view vendor, std::string_view host) {
  struct Alias {
    std::string_view vendor, domain;
  };
  static constexpr std::array<Alias, 18> kAliases{{{"aws", "amazonaws.com"},
                                                   {"gh", "github.com"},
                                                   {"gh", "githubcopilot.com"},
                                                   {"github", "githubcopilot.com"},
                                                   {"gh", "githubusercontent.com"},
                                                   {"github", "githubusercontent.com"},
                                                   {"npm", "npmjs.org"},
                                                   {"npm", "npmjs.com"},
                                                   {"node", "npmjs.org"},
                                                   {"pypi", "pythonhosted.org"},
                                                   {"google", "googleapis.com"},
                                                   {"gcp", "googleapis.com"},
                                                   {"gcloud", "googleapis.com"},
                                                   {"firebase", "googleapis.com"},
                                                   {"hf", "huggingface.co"},
                                                   {"azure", "windows.net"},
                                                   {"azure", "microsoft.com"},
                                                   {"cf", "cloudflare.com"}}};
  return std::any_of(kAliases.begin(), kAliases.end(),
                     [&](const Alias& a) { return a.vendor == vendor && has_domain_suffix(host, a.domain); });
}

}  // namespace

std::vector<std::string> secret_env_names(std::string_view code) {
  static const std::regex kAccess(
      R"re((os\.environ(\.get)?\s*[\[(]\s*|os\.getenv\(\s*|process\.env\.|process\.env\[\s*|os\.Getenv\(\s*|os\.LookupEnv\(\s*)['"`]?([A-Za-z0-9_]+))re");
  static const std::regex kSecret(R"((TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL))",
                                  std::regex::icase);
  std::vector<std::string> out;
  std::string text(code.substr(0, 65536));
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kAccess); it != std::sregex_iterator() && out.size() < 16;
       ++it) {
    std::string name = (*it)[3].str();
    if (std::regex_search(name, kSecret)) add_unique(out, name);
  }
  return out;
}

std::vector<std::string> url_hosts(std::string_view text) {
  static const std::regex kUrl(R"(https?://([A-Za-z0-9.-]+))", std::regex::icase);
  std::vector<std::string> out;
  std::string copy(text.substr(0, 65536));
  for (auto it = std::sregex_iterator(copy.begin(), copy.end(), kUrl); it != std::sregex_iterator() && out.size() < 16; ++it)
    add_unique(out, lower((*it)[1].str()));
  return out;
}

std::string secret_vendor(std::string_view name) {
  if (name.find('_') == std::string_view::npos) return {};
  std::string first = lower(name.substr(0, name.find('_')));
  static constexpr std::array<std::string_view, 34> kGeneric{
      "secret", "api",    "token",   "access", "private", "auth",  "client",   "app",       "my",
      "db",     "database", "password", "pass", "passwd",  "service", "master", "admin",   "session",
      "jwt",    "signing", "encryption", "bearer", "refresh", "key",  "user",   "prod",    "dev",
      "staging", "test",  "ci",      "deploy", "internal"};
  if (first.size() < 2 || std::find(kGeneric.begin(), kGeneric.end(), first) != kGeneric.end())
    return {};
  return first;
}

bool sent_to_other_vendor(const std::vector<std::string>& names, const std::vector<std::string>& hosts) {
  if (hosts.empty()) return false;
  for (const auto& name : names) {
    std::string vendor = secret_vendor(name);
    if (vendor.empty()) continue;
    bool own = std::any_of(hosts.begin(), hosts.end(), [&](const std::string& host) {
      return registered_name(host) == vendor || alias_host(vendor, host);
    });
    if (!own) return true;
  }
  return false;
}

}  // namespace toolwall::code
