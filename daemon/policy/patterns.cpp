#include "policy/patterns.h"

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/hosts.h"

namespace toolwall::policy {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool has_glob(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// Classic two-pointer wildcard match with one backtrack point: O(n*m) worst case, no recursion.
// `star_crosses_slash` false makes `*` stop at '/', as path globs need; `**` always crosses.
bool wildcard(std::string_view pattern, std::string_view text, bool star_crosses_slash) {
  size_t p = 0, t = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  bool star_any = false;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_any = star_crosses_slash || (p + 1 < pattern.size() && pattern[p + 1] == '*');
      while (p < pattern.size() && pattern[p] == '*') ++p;
      star_p = p;
      star_t = t;
      continue;
    }
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t]) &&
        !(pattern[p] == '?' && text[t] == '/' && !star_crosses_slash)) {
      ++p;
      ++t;
      continue;
    }
    if (star_p != std::string_view::npos && (star_any || text[star_t] != '/')) {
      p = star_p;
      t = ++star_t;
      continue;
    }
    return false;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}


}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  return wildcard(pattern, text, true);
}

void StringMatcher::add(std::string pattern) {
  auto& into = has_glob(pattern) ? globs_ : exact_;
  if (std::find(into.begin(), into.end(), pattern) == into.end()) into.push_back(std::move(pattern));
}

bool StringMatcher::matches(std::string_view text) const {
  for (const auto& e : exact_)
    if (e == text) return true;
  for (const auto& g : globs_)
    if (glob_match(g, text)) return true;
  return false;
}

bool path_glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.find('/') == std::string_view::npos) {
    auto slash = path.rfind('/');
    return wildcard(pattern, slash == std::string_view::npos ? path : path.substr(slash + 1), false);
  }
  if (pattern.substr(0, 2) == "~/") {
    std::string_view rest = pattern.substr(2);
    for (std::string_view home : {"~/", "$HOME/", "${HOME}/", "/root/"}) {
      if (path.substr(0, home.size()) == home && wildcard(rest, path.substr(home.size()), false)) return true;
    }
    if (path.substr(0, 6) == "/home/") {
      auto slash = path.find('/', 6);
      if (slash != std::string_view::npos && wildcard(rest, path.substr(slash + 1), false)) return true;
    }
    return false;
  }
  if (pattern.substr(0, 3) == "**/") {
    // "**/x" also matches "x" at the top.
    if (wildcard(pattern.substr(3), path, false)) return true;
  }
  if (wildcard(pattern, path, false)) return true;
  // Relative patterns also match below any directory ("./src/x", "/repo/.github/…").
  if (pattern[0] != '/' && pattern[0] != '*') {
    for (size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/', slash + 1))
      if (wildcard(pattern, path.substr(slash + 1), false)) return true;
  }
  return false;
}

std::string normalise_host(std::string_view host) {
  std::string out;
  if (!host.empty() && host.front() == '[') {
    auto close = host.find(']');
    host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  out.reserve(host.size());
  for (char c : host) out.push_back(lower(c));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}


void HostMatcher::add(std::string pattern) {
  if (pattern == "local_hosts") {
    local_ = true;
    return;
  }
  pattern = normalise_host(pattern);
  if (auto slash = pattern.find('/'); slash != std::string::npos) {
    auto base = parse_ipv4(std::string_view(pattern).substr(0, slash));
    unsigned bits = 33;
    auto tail = std::string_view(pattern).substr(slash + 1);
    std::from_chars(tail.data(), tail.data() + tail.size(), bits);
    if (base && bits <= 32) {
      uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
      ranges_.push_back({*base & mask, mask});
      return;
    }
  }
  if (pattern.substr(0, 2) == "*.") {
    suffixes_.push_back(pattern.substr(1));
    return;
  }
  exact_.push_back(std::move(pattern));
}

bool HostMatcher::matches(std::string_view raw_host) const {
  std::string host = normalise_host(raw_host);
  if (host.empty()) return false;
  if (local_ && is_local_host(host)) return true;
  for (const auto& e : exact_)
    if (e == host) return true;
  for (const auto& s : suffixes_)
    if (host.size() > s.size() && host.compare(host.size() - s.size(), s.size(), s) == 0) return true;
  if (!ranges_.empty()) {
    if (auto ip = parse_ipv4(host))
      for (const auto& r : ranges_)
        if ((*ip & r.mask) == r.base) return true;
  }
  return false;
}

CommandPrefix::CommandPrefix(std::string_view text) {
  if (text.size() >= 2 && text.substr(text.size() - 2) == ":*") {
    prefix_ = true;
    text.remove_suffix(2);
  }
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) words_.emplace_back(text.substr(start, i - start));
  }
}

bool CommandPrefix::matches(const std::vector<std::string>& words) const {
  if (words_.empty() || words.size() < words_.size()) return false;
  if (!prefix_ && words.size() != words_.size()) return false;
  for (size_t i = 0; i < words_.size(); ++i) {
    std::string_view word = words[i];
    if (i == 0) {
      // argv[0] may keep a path ("/usr/bin/npm"); the rule names the command.
      auto slash = word.rfind('/');
      if (slash != std::string_view::npos && words_[0].find('/') == std::string::npos)
        word = word.substr(slash + 1);
    }
    if (word != words_[i]) return false;
  }
  return true;
}

}  // namespace toolwall::policy
