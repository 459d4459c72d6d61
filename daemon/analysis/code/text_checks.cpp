#include "analysis/code/text_checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <vector>

#include "core/text.h"

namespace toolwall::code {

std::optional<TextRegex> TextRegex::compile(const std::string& pattern, std::string* error) {
  TextRegex compiled;
  compiled.pattern_ = pattern;
  std::string body = pattern;
  auto flags = std::regex::ECMAScript | std::regex::optimize;
  if (body.rfind("(?i)", 0) == 0) {
    body = body.substr(4);
    flags |= std::regex::icase;
  }
  try {
    compiled.regex_ = std::regex(body, flags);
  } catch (const std::regex_error& e) {
    if (error) *error = std::string("invalid regular expression /") + pattern + "/: " + e.what();
    return std::nullopt;
  }
  bool ignore_case = (flags & std::regex::icase) == std::regex::icase;
  compiled.literals_ = required_literals(body, ignore_case);
  compiled.whole_text_ = whole_text_matches(body, ignore_case);
  return compiled;
}

bool TextRegex::search(std::string_view text) const {
  if (text.size() > kRegexInputCap) text = text.substr(0, kRegexInputCap);
  if (!may_contain_match(literals_, text)) return false;  // most texts lack the pattern's words
  if (whole_text_) {
    bool ignore_case = literals_.ignore_case;
    std::string folded = ignore_case ? ascii_lower(text) : std::string();
    std::string_view key = ignore_case ? std::string_view(folded) : text;
    return std::binary_search(whole_text_->begin(), whole_text_->end(), key,
                              [](std::string_view a, std::string_view b) { return a < b; });
  }
  return search_without_prefilter(text);
}

bool TextRegex::search_without_prefilter(std::string_view text) const {
  if (text.size() > kRegexInputCap) text = text.substr(0, kRegexInputCap);
  try {
    return std::regex_search(text.begin(), text.end(), regex_);
  } catch (const std::regex_error&) {
    return false;  // complexity limits: treat as no match rather than crash
  }
}

double shannon_entropy(std::string_view text) {
  if (text.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : text) ++counts[c];
  double entropy = 0;
  for (size_t n : counts) {
    if (!n) continue;
    double p = static_cast<double>(n) / static_cast<double>(text.size());
    entropy -= p * std::log2(p);
  }
  return entropy;
}

namespace {

struct SecretShape {
  const char* name;
  const char* pattern;
  const char*
      markers;  // fixed substrings ("a|b"), one of which every match contains: most literals skip the regex
};

// Formats documented by their issuers; each needs enough random-looking characters to not be a
// placeholder ("sk-..." alone is not a key).
constexpr std::array<SecretShape, 21> kSecretShapes{{
    {"anthropic_key", R"(sk-ant-[A-Za-z0-9_\-]{20,})", "sk-ant-"},
    {"openai_key", R"(sk-(proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})", "sk-"},
    {"aws_access_key_id", R"((AKIA|ASIA)[0-9A-Z]{16})", "A"},
    {"github_token", R"(gh[pousr]_[A-Za-z0-9]{30,})", "ghp_|gho_|ghu_|ghs_|ghr_"},
    {"github_pat", R"(github_pat_[A-Za-z0-9_]{22,})", "github_pat_"},
    {"gitlab_token", R"(glpat-[A-Za-z0-9_\-]{20,})", "glpat-"},
    {"slack_token", R"(xox[abposr]-[A-Za-z0-9\-]{10,})", "xox"},
    {"slack_webhook", R"(hooks\.slack\.com/services/T[A-Za-z0-9_/]{20,})", "hooks.slack.com"},
    {"private_key", R"(-----BEGIN ([A-Z]+ )?PRIVATE KEY( BLOCK)?-----(\s|\\[nr])*[A-Za-z0-9+/=]{24,})",
     "PRIVATE KEY"},
    {"google_api_key", R"(AIza[0-9A-Za-z_\-]{35})", "AIza"},
    {"stripe_key", R"((sk|rk)_live_[0-9A-Za-z]{20,})", "_live_"},
    {"npm_token", R"(npm_[A-Za-z0-9]{36})", "npm_"},
    {"pypi_token", R"(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{20,})", "pypi-"},
    {"huggingface_token", R"(hf_[A-Za-z0-9]{30,})", "hf_"},
    {"sendgrid_key", R"(SG\.[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,})", "SG."},
    {"twilio_key", R"(SK[0-9a-f]{32})", "SK"},
    {"linear_api_key", R"(lin_api_[A-Za-z0-9]{30,})", "lin_api_"},
    {"digitalocean_token", R"(do[pro]_v1_[a-f0-9]{64})", "_v1_"},
    {"shopify_token", R"(shp(at|ca|pa|ss)_[a-fA-F0-9]{32})", "shp"},
    {"databricks_token", R"(dapi[a-f0-9]{32})", "dapi"},
    // A database or broker URL with a real-looking password (letters and digits, no template).
    {"url_password",
     R"((postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^/\s:@'"]+:(?=[^@\s/'"]*[0-9])(?=[^@\s/'"]*[A-Za-z])[^@\s/'"$%{}<>]{8,}@)",
     "postgres://|postgresql://|mysql://|mariadb://|mongodb://|mongodb+srv://|redis://|rediss://|amqp://|amqps://|mssql://|sqlserver://"},
}};

struct CompiledShape {
  std::string name;
  std::vector<std::string> markers;
  std::regex regex;
};

std::vector<std::string> split_markers(std::string_view markers) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= markers.size()) {
    size_t bar = markers.find('|', start);
    if (bar == std::string_view::npos) bar = markers.size();
    out.emplace_back(markers.substr(start, bar - start));
    start = bar + 1;
  }
  return out;
}

const std::vector<CompiledShape>& compiled_shapes() {
  static const auto shapes = [] {
    std::vector<CompiledShape> out;
    out.reserve(kSecretShapes.size());
    for (const auto& s : kSecretShapes)
      out.push_back({s.name, split_markers(s.markers),
                     std::regex(s.pattern, std::regex::ECMAScript | std::regex::optimize)});
    return out;
  }();
  return shapes;
}

}  // namespace

std::string known_secret_shape(std::string_view text) {
  if (text.size() > kRegexInputCap) text = text.substr(0, kRegexInputCap);
  if (text.size() < 16) return {};  // no issued credential format is shorter
  for (const auto& [name, markers, regex] : compiled_shapes()) {
    if (std::none_of(markers.begin(), markers.end(),
                     [&](const std::string& m) { return text.find(m) != std::string_view::npos; }))
      continue;
    std::match_results<std::string_view::const_iterator> m;
    if (!std::regex_search(text.begin(), text.end(), m, regex)) continue;
    // A shape filled with one repeated character or "x"s is a placeholder, not a credential.
    std::string_view found(&*m[0].first, static_cast<size_t>(m[0].length()));
    if (name != "private_key" && shannon_entropy(found) < 3.0) continue;
    return name;
  }
  return {};
}

bool is_value_class(std::string_view class_name) {
  return class_name == "asymmetric_alg" || class_name == "symmetric_alg" || class_name == "none_alg";
}

bool in_value_class(std::string_view class_name, std::string_view value) {
  std::string v = lower(value);
  if (class_name == "none_alg") return v == "none";
  if (class_name == "symmetric_alg") return v == "hs256" || v == "hs384" || v == "hs512";
  if (class_name == "asymmetric_alg") {
    if (v == "eddsa" || v == "es256k" || v == "ed25519" || v == "ed448") return true;
    if (v.size() != 5) return false;
    std::string_view family(v.data(), 2), bits(v.data() + 2, 3);
    return (family == "rs" || family == "es" || family == "ps") &&
           (bits == "256" || bits == "384" || bits == "512");
  }
  return false;
}

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

}  // namespace

// Backslash escapes of a Python or JavaScript string body; one it does not know stays as written.
std::string decode_escapes(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
    switch (c) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0': out += '\0'; break;
      case '\\': case '\'': case '"': case '`': out += c; break;
      case '\n': break;  // a continued line
      case 'x':
        if (i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
          out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
          i += 2;
        } else {
          out += "\\x";
        }
        break;
      case 'u':
        if (i + 4 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0 && hex_digit(s[i + 3]) >= 0 &&
            hex_digit(s[i + 4]) >= 0) {
          int code = (hex_digit(s[i + 1]) << 12) | (hex_digit(s[i + 2]) << 8) | (hex_digit(s[i + 3]) << 4) | hex_digit(s[i + 4]);
          if (code < 0x80) {
            out += static_cast<char>(code);
            i += 4;
            break;
          }
        }
        out += "\\u";
        break;
      default: out += '\\'; out += c;
    }
  }
  return out;
}

std::string unquote_literal(std::string_view literal) {
  size_t start = 0;
  while (start < literal.size() && std::isalpha(static_cast<unsigned char>(literal[start])))
    ++start;  // r"", b'', f""
  if (start >= literal.size()) return std::string(literal);
  char quote = literal[start];
  if (quote != '"' && quote != '\'' && quote != '`') return std::string(literal);
  size_t width = 1;
  if (literal.size() >= start + 6 && literal[start + 1] == quote && literal[start + 2] == quote) width = 3;
  if (literal.size() < start + 2 * width) return {};
  return std::string(literal.substr(start + width, literal.size() - start - 2 * width));
}

std::optional<std::pair<size_t, std::string>> hidden_text(std::string_view text) {
  std::optional<size_t> first;
  std::string spelled;
  bool bidi = false;
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    // U+E0000–E007F in UTF-8: F3 A0 80 80 … F3 A0 81 BF; the low 7 bits are an ASCII character.
    if (byte(i) == 0xF3 && i + 3 < text.size() && byte(i + 1) == 0xA0 && (byte(i + 2) == 0x80 || byte(i + 2) == 0x81)) {
      if (!first) first = i;
      char c = static_cast<char>(((byte(i + 2) & 0x01) << 6) | (byte(i + 3) & 0x3F));
      if (c >= 0x20 && c < 0x7F && spelled.size() < 160) spelled += c;
      i += 3;
      continue;
    }
    // U+202A–202E: E2 80 AA–AE; U+2066–2069: E2 81 A6–A9.
    if (byte(i) == 0xE2 && ((byte(i + 1) == 0x80 && byte(i + 2) >= 0xAA && byte(i + 2) <= 0xAE) ||
                            (byte(i + 1) == 0x81 && byte(i + 2) >= 0xA6 && byte(i + 2) <= 0xA9))) {
      if (!first) first = i;
      bidi = true;
      i += 2;
    }
  }
  if (!first) return std::nullopt;
  std::string what = !spelled.empty() ? "invisible tag characters spelling: " + spelled
                                      : "bidirectional override characters";
  if (!spelled.empty() && bidi) what += " (and bidirectional overrides)";
  return std::make_pair(*first, what);
}

bool elides_existing_code(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = lower(text.substr(start, end - start));
    size_t first = line.find_first_not_of(" \t");
    std::string_view trimmed = first == std::string::npos ? std::string_view() : std::string_view(line).substr(first);
    bool comment_like = starts_with(trimmed, "//") || starts_with(trimmed, "#") || starts_with(trimmed, "/*") ||
                        starts_with(trimmed, "<!--") || starts_with(trimmed, "--") || starts_with(trimmed, "...");
    if (comment_like && trimmed.size() < 120 && contains(trimmed, "...") &&
        (contains(trimmed, "existing code") || contains(trimmed, "rest of the file") || contains(trimmed, "unchanged")))
      return true;
    start = end + 1;
  }
  return false;
}

}  // namespace toolwall::code
