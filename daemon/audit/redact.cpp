#include "audit/redact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace toolwall::audit {

namespace {

constexpr size_t kMaxJsonDepth = 64;

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_token_char(char c) { return is_alnum(c) || c == '_' || c == '-'; }
bool is_base64url(char c) { return is_alnum(c) || c == '_' || c == '-'; }

bool starts_with_at(std::string_view text, size_t at, std::string_view prefix, bool ignore_case = false) {
  if (text.size() - at < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = text[at + i], b = prefix[i];
    if (ignore_case ? std::tolower(static_cast<unsigned char>(a)) != std::tolower(static_cast<unsigned char>(b))
                    : a != b)
      return false;
  }
  return true;
}

size_t run_of(std::string_view text, size_t from, bool (*accept)(char)) {
  size_t end = from;
  while (end < text.size() && accept(text[end])) ++end;
  return end - from;
}

struct Match {
  size_t length = 0;
  std::string_view kind;
  size_t keep = 0;  // bytes at the start of the match kept in clear ("Bearer ", "API_KEY=")
};

Match prefixed_token(std::string_view text, size_t at, std::string_view prefix, bool (*accept)(char), size_t min,
                     std::string_view kind) {
  if (!starts_with_at(text, at, prefix)) return {};
  size_t run = run_of(text, at + prefix.size(), accept);
  return run >= min ? Match{prefix.size() + run, kind, 0} : Match{};
}

Match match_jwt(std::string_view text, size_t at) {
  if (!starts_with_at(text, at, "eyJ")) return {};
  size_t pos = at;
  for (int part = 0; part < 3; ++part) {
    size_t run = run_of(text, pos, is_base64url);
    if (run < (part < 2 ? 4u : 0u)) return {};
    pos += run;
    if (part < 2) {
      if (pos >= text.size() || text[pos] != '.') return {};
      ++pos;
    }
  }
  return Match{pos - at, "jwt", 0};
}

Match match_private_key(std::string_view text, size_t at) {
  if (!starts_with_at(text, at, "-----BEGIN ")) return {};
  size_t line_end = text.find("-----", at + 11);
  if (line_end == std::string_view::npos) return {};
  std::string_view label = text.substr(at + 11, line_end - at - 11);
  if (label.find("PRIVATE KEY") == std::string_view::npos || label.size() > 40) return {};
  size_t end = text.find("-----END ", line_end + 5);
  if (end == std::string_view::npos) return Match{text.size() - at, "private_key", 0};  // cut off: redact the rest
  size_t close = text.find("-----", end + 9);
  close = close == std::string_view::npos ? text.size() : close + 5;
  return Match{close - at, "private_key", 0};
}

Match match_auth_scheme(std::string_view text, size_t at) {
  for (std::string_view scheme : {"Bearer ", "Basic ", "Token "}) {
    if (!starts_with_at(text, at, scheme, true)) continue;
    size_t run = run_of(text, at + scheme.size(), [](char c) {
      return is_alnum(c) || c == '.' || c == '_' || c == '-' || c == '~' || c == '+' || c == '/' || c == '=';
    });
    if (run >= 8) return Match{scheme.size() + run, "credential", scheme.size()};
  }
  return {};
}

// NAME=value or NAME: value where NAME names a secret (export API_TOKEN=…, --password=…).
Match match_assignment(std::string_view text, size_t at) {
  size_t name_length = run_of(text, at, is_token_char);
  if (name_length < 3 || at + name_length >= text.size()) return {};
  if (!is_secret_name(text.substr(at, name_length))) return {};
  size_t pos = at + name_length;
  if (text[pos] != '=' && text[pos] != ':') return {};
  ++pos;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (pos < text.size()) {
    if (auto scheme = match_auth_scheme(text, pos); scheme.length)  // Authorization: Bearer …
      return Match{pos - at + scheme.length, scheme.kind, pos - at + scheme.keep};
  }
  size_t quote = pos < text.size() && (text[pos] == '"' || text[pos] == '\'') ? 1 : 0;
  size_t value_start = pos + quote;
  size_t end = value_start;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
         text[end] != '\'' && text[end] != ';' && text[end] != '&' && text[end] != '|' && text[end] != ',')
    ++end;
  if (end - value_start < 4 || text[value_start] == '$') return {};  // "$VAR" is a reference, not a secret
  return Match{end - at, "secret_value", value_start - at};
}

Match match_at(std::string_view text, size_t at) {
  bool boundary = at == 0 || !is_token_char(text[at - 1]);
  if (text[at] == '-') {
    if (auto m = match_private_key(text, at); m.length) return m;
  }
  if (!boundary) return {};
  using Rule = Match (*)(std::string_view, size_t);
  static constexpr std::array<Rule, 10> kRules{
      [](std::string_view t, size_t a) { return prefixed_token(t, a, "sk-", is_token_char, 20, "api_key"); },
      [](std::string_view t, size_t a) { return prefixed_token(t, a, "github_pat_", is_token_char, 20, "github_token"); },
      [](std::string_view t, size_t a) {
        for (std::string_view p : {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"})
          if (auto m = prefixed_token(t, a, p, is_alnum, 20, "github_token"); m.length) return m;
        return Match{};
      },
      [](std::string_view t, size_t a) {
        for (std::string_view p : {"AKIA", "ASIA"}) {
          if (!starts_with_at(t, a, p)) continue;
          size_t run = run_of(t, a + 4, [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); });
          if (run >= 16) return Match{4 + run, "aws_key_id", 0};
        }
        return Match{};
      },
      [](std::string_view t, size_t a) {
        for (std::string_view p : {"xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"})
          if (auto m = prefixed_token(t, a, p, is_token_char, 10, "slack_token"); m.length) return m;
        return Match{};
      },
      [](std::string_view t, size_t a) { return prefixed_token(t, a, "glpat-", is_token_char, 20, "gitlab_token"); },
      [](std::string_view t, size_t a) { return prefixed_token(t, a, "npm_", is_alnum, 30, "npm_token"); },
      match_jwt,
      match_auth_scheme,
      match_assignment,
  };
  for (Rule rule : kRules)
    if (auto m = rule(text, at); m.length) return m;
  return {};
}

}  // namespace

bool is_secret_name(std::string_view name) {
  std::string lowered(name);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  static constexpr std::array<std::string_view, 14> kWords{
      "password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "private_key",
      "access_key", "credential", "authorization", "auth_key", "session_key", "client_secret"};
  for (auto word : kWords)
    if (lowered.find(word) != std::string::npos) return true;
  return lowered == "pwd_hash" || lowered == "pass" || lowered == "key";
}

std::string redact_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    Match m = match_at(text, at);
    if (!m.length) {
      out += text[at++];
      continue;
    }
    out.append(text.substr(at, m.keep));
    out += "[REDACTED:";
    out += m.kind;
    out += "]";
    at += m.length;
  }
  return out;
}

nlohmann::json redact_json(const nlohmann::json& value) {
  // Iterative copy-and-redact: copying a nlohmann::json recurses, so hostile nesting would exhaust the stack.
  struct Work {
    const nlohmann::json* from;
    nlohmann::json* to;
    size_t depth;
  };
  nlohmann::json out;
  std::vector<Work> stack{{&value, &out, 0}};
  while (!stack.empty()) {
    auto [from, to, depth] = stack.back();
    stack.pop_back();
    if (from->is_string()) {
      *to = redact_text(from->get_ref<const std::string&>());
    } else if (!from->is_object() && !from->is_array()) {
      *to = *from;
    } else if (depth >= kMaxJsonDepth) {
      *to = "[REDACTED:too_deep]";
    } else if (from->is_array()) {
      *to = nlohmann::json::array();
      to->get_ref<nlohmann::json::array_t&>().resize(from->size());  // sized once: child pointers stay valid
      for (size_t i = 0; i < from->size(); ++i) stack.push_back({&(*from)[i], &(*to)[i], depth + 1});
    } else {
      *to = nlohmann::json::object();
      for (auto it = from->begin(); it != from->end(); ++it) {
        auto& slot = (*to)[it.key()];
        if (is_secret_name(it.key()) && (it->is_string() || it->is_number())) {
          slot = "[REDACTED:secret_value]";
          continue;
        }
        stack.push_back({&*it, &slot, depth + 1});
      }
    }
  }
  return out;
}

}  // namespace toolwall::audit
