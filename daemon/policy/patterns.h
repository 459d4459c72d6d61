#pragma once
// Small matchers compiled once at load: globs over names and paths, host patterns, command prefixes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::policy {

// `*` matches any run of characters, `?` one character; no other syntax. Iterative, linear-ish.
bool glob_match(std::string_view pattern, std::string_view text);

// A set of strings: exact names and `*` globs. Empty set matches nothing.
class StringMatcher {
 public:
  void add(std::string pattern);
  bool matches(std::string_view text) const;
  bool empty() const { return exact_.empty() && globs_.empty(); }
  const std::vector<std::string>& exact() const { return exact_; }

 private:
  std::vector<std::string> exact_;
  std::vector<std::string> globs_;
};

// A file path glob: `**` crosses directories, `*` does not; a pattern without `/` matches the base name.
// A leading `~/` matches any home directory (`/home/<user>/`, `/root/`, `$HOME/`, `~/`).
bool path_glob_match(std::string_view pattern, std::string_view path);

// Hosts: exact names, `*.example.com` (sub-domains, not the apex), IPv4 CIDR `10.0.0.0/8`,
// and the built-in name `local_hosts` (localhost, 127.0.0.0/8, ::1, 0.0.0.0).
class HostMatcher {
 public:
  void add(std::string pattern);
  bool matches(std::string_view host) const;
  bool empty() const { return exact_.empty() && suffixes_.empty() && ranges_.empty() && !local_; }

 private:
  struct Range {
    uint32_t base;
    uint32_t mask;
  };
  std::vector<std::string> exact_;
  std::vector<std::string> suffixes_;  // ".example.com"
  std::vector<Range> ranges_;
  bool local_ = false;
};

// Lower-case, strip brackets, a trailing dot and a port: "[::1]:8080" → "::1", "Api.X.com:443" → "api.x.com".
std::string normalise_host(std::string_view host);

// A Claude-Code-style command rule: "npm test" (exactly these words) or "npm test:*" (these words first).
class CommandPrefix {
 public:
  explicit CommandPrefix(std::string_view text);
  bool matches(const std::vector<std::string>& words) const;
  bool valid() const { return !words_.empty(); }

 private:
  std::vector<std::string> words_;
  bool prefix_ = false;
};

}  // namespace toolwall::policy
