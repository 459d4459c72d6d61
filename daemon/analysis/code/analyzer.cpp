#include "analysis/code/analyzer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>

#include "analysis/code/aliases.h"

#include "analysis/code/change_parsers.h"
#include "analysis/code/computed_names.h"
#include "analysis/code/config_checks.h"
#include "analysis/code/data_flow.h"
#include "analysis/code/detector.h"
#include "analysis/code/detector_loader.h"
#include "analysis/code/embedded_commands.h"
#include "analysis/code/file_heuristics.h"
#include "analysis/code/file_kind.h"
#include "analysis/code/model_clients.h"
#include "analysis/code/path_risk.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/syntax.h"
#include "analysis/code/text_checks.h"
#include "analysis/code/written_by_code.h"

namespace toolwall::code {

namespace {

constexpr size_t kMaxFiles = 256;
constexpr size_t kMaxFileBytes = 1 << 20;
// Of the files earlier calls wrote that a call reaches by name, newest first: the most read with it.
constexpr size_t kMaxEarlierBytes = 128 << 10;
// All detectors on one file share this budget, so a hostile file costs a bounded time however
// many detectors are loaded; past it, analysis is incomplete and the fail mode decides.
constexpr uint64_t kDetectorBudgetMicros = 1'000'000;  // CPU time

void mark_incomplete(Facts& facts, std::string reason) {
  facts.complete = false;
  if (facts.incomplete_reason.empty()) facts.incomplete_reason = std::move(reason);
}

std::string without_space(std::string_view text) {
  std::string out;
  for (char c : text)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  return out;
}

void run_code_detectors(const DetectorSet& set, const FileChange& change, const SyntaxTree& tree,
                        Language language, Facts& facts) {
  QueryLimits limits;
  limits.timeout_micros = kDetectorBudgetMicros;
  const uint64_t deadline = thread_cpu_micros() + kDetectorBudgetMicros;
  SetRunResult found = run_detectors(set, tree, language, change.path, limits);
  if (found.hit_limit) mark_incomplete(facts, change.path + ": code detectors ran out of time or match limits");
  // For edits, `on: added` detectors compare with the replaced text: a finding the old text already
  // had is not what this change introduces. The old text is parsed only when such a detector matched
  // the new one (most edits match none), and only those detectors run on it.
  std::vector<bool> compare(set.detectors.size(), false);
  bool any_compare = false;
  if (!change.whole_file && !change.old_text.empty())
    for (size_t d = 0; d < set.detectors.size(); ++d)
      if (set.detectors[d].on_added && !found.matches[d].empty()) compare[d] = any_compare = true;
  if (any_compare) {
    auto old_tree = parse(language, change.old_text);
    uint64_t now = thread_cpu_micros();
    if (old_tree && now < deadline) {
      QueryLimits left = limits;
      left.timeout_micros = deadline - now;
      SetRunResult before = run_detectors(set, *old_tree, language, change.path, left, &compare);
      if (before.hit_limit) mark_incomplete(facts, change.path + ": code detectors ran out of time on the old text");
      for (size_t d = 0; d < set.detectors.size(); ++d) {
        if (!compare[d]) continue;
        std::vector<std::string> had;
        for (const auto& m : before.matches[d]) had.push_back(without_space(m.node_text));
        std::erase_if(found.matches[d], [&](const CodeMatch& m) {
          return std::find(had.begin(), had.end(), without_space(m.node_text)) != had.end();
        });
      }
    } else if (old_tree) {
      mark_incomplete(facts, change.path + ": code detectors ran out of time on the old text");
    }
  }
  for (auto& matches : found.matches)
    for (auto& m : matches) facts.code.push_back(std::move(m));
}

// JWT checks for languages without a grammar here, on the text: Ruby's JWT.decode(token, key, false)
// (verification off), Java's auth0 JWT.decode with no verifier in the file and jjwt's parsers of
// unsigned tokens, Rust's insecure_disable_signature_validation and dangerous_insecure_decode, .NET's
// RequireSignedTokens = false and pass-through SignatureValidator, PHP's JWT::decode given RS and HS
// algorithms together, and PHP reading a token's claims by splitting and base64-decoding it. Each
// reports under the pack's own JWT detector (its message and severity).
void jwt_text_checks(const DetectorSet& set, const std::string& path, const std::string& interpreter,
                     std::string_view text, Facts& facts) {
  struct Check {
    const char* interpreter;
    const char* detector;
    const char* pattern;
    const char* unless;    // a file with this also verifies: not reported
    const char* library;   // the library the pattern belongs to, present in the file
  };
  static const Check kChecks[] = {
      {"ruby", "code.jwt.verify-off", R"(JWT\.decode\(\s*[^,()]+,\s*[^,()]*,\s*false\b)", "", ""},
      // Rust jsonwebtoken: the Validation switch that skips the signature, and the old unverified decoders.
      {"evcxr", "code.jwt.verify-off", R"(\.insecure_disable_signature_validation\s*\(\s*\))", "", ""},
      {"evcxr", "code.jwt.unverified-decode", R"(\bdangerous_(insecure_)?decode\w*\s*(::<[^>]*>)?\s*\()", "", ""},
      // .NET TokenValidationParameters: unsigned tokens accepted, or a SignatureValidator that hands the
      // token back without checking it.
      {"csi", "code.jwt.verify-off",
       R"(RequireSignedTokens\s*=\s*false|SignatureValidator\s*=\s*(\([^)]*\)|\w+|delegate\s*\([^)]*\))\s*(=>)?\s*(\{\s*return\s+)?new\s+(JsonWebToken|JwtSecurityToken)\s*\()",
       "", ""},
      // firebase/php-jwt 5.x: JWT::decode($jwt, $key, [algorithms]) (or array(…)) with an RSA/EC and an
      // HMAC algorithm for the same key (either order).
      {"php", "code.jwt.alg-confusion",
       R"(JWT::decode\([^;]*(\[|array\s*\()[^\])]*(['"](RS|ES|PS)\d{3}['"][^\])]*['"]HS\d{3}['"]|['"]HS\d{3}['"][^\])]*['"](RS|ES|PS)\d{3}['"]))",
       "", ""},
      // auth0 java-jwt: JWT.decode only parses; JWT.require(alg).build().verify(token) checks.
      {"jshell", "code.jwt.unverified-decode", R"(\bJWT\.decode\([^;]*\))", R"(\.verify\(|JWTVerifier)", "com.auth0.jwt"},
      {"jshell", "code.jwt.none-alg", R"(\.(parseClaimsJwt|parseUnsecuredClaims|parsePlaintextJwt)\s*\()", "", ""},
      {"php", "code.jwt.unverified-decode",
       R"(explode\(\s*['"]\.['"]\s*,\s*\$\w*(token|jwt)\w*\s*\)[\s\S]{0,400}?base64_decode)",
       R"(JWT::decode|hash_hmac|openssl_verify|sodium_crypto_sign_verify|->verify\()", ""},
  };
  static constexpr std::string_view kHints[] = {"JWT", "jwt", "Jwt", "token", "Token", "signature"};
  if (std::none_of(std::begin(kHints), std::end(kHints), [&](std::string_view hint) { return text.find(hint) != std::string_view::npos; }))
    return;
  std::string_view capped = text.substr(0, std::min(text.size(), kRegexInputCap));
  for (const auto& check : kChecks) {
    if (interpreter != check.interpreter || (*check.library && text.find(check.library) == std::string_view::npos)) continue;
    auto detector = std::find_if(set.detectors.begin(), set.detectors.end(), [&](const Detector& d) { return d.id == check.detector; });
    if (detector == set.detectors.end()) continue;
    static thread_local std::map<const char*, std::pair<std::regex, std::regex>> compiled;
    auto found = compiled.find(check.pattern);
    if (found == compiled.end())
      found = compiled.emplace(check.pattern, std::make_pair(std::regex(check.pattern), std::regex(*check.unless ? check.unless : "$^"))).first;
    std::cmatch m;
    if (!std::regex_search(capped.data(), capped.data() + capped.size(), m, found->second.first)) continue;
    if (*check.unless && std::regex_search(capped.data(), capped.data() + capped.size(), found->second.second)) continue;
    std::string matched = m.str(0).substr(0, 80);
    CodeMatch match;
    match.detector = detector->id;
    match.message = detector->message;
    for (std::string_view hole : {"{match}", "{algs}"})
      if (size_t at = match.message.find(hole); at != std::string::npos) match.message.replace(at, hole.size(), matched);
    match.severity = detector->severity;
    match.language = interpreter == "jshell" ? "java" : interpreter;
    match.node_text = matched;
    match.node_type = "call";
    uint32_t at = static_cast<uint32_t>(m.position(0));
    match.span = Span{at, at + static_cast<uint32_t>(m.length(0))};
    auto [line, column] = line_column(text, at);
    match.location = Location{path, "", line, column};
    facts.code.push_back(std::move(match));
  }
}

// Programs without a grammar here (Ruby, PHP, Java, C# …): quoted literals in a known credential format
// are what code.secret.known-key-shape finds in the languages with one; its message, severity and
// placeholder exclusions (its where checks' text_not_matches) are the pack's, so a team's edit of the
// detector applies here too. Without that detector in the set, nothing is reported.
void known_key_literals(const DetectorSet& set, const std::string& path, const std::string& language,
                        std::string_view text, Facts& facts, bool bare_words = false) {
  auto detector = std::find_if(set.detectors.begin(), set.detectors.end(),
                               [](const Detector& d) { return d.id == "code.secret.known-key-shape"; });
  if (detector == set.detectors.end()) return;
  auto placeholder = [&](const std::string& value) {
    return std::any_of(detector->where.begin(), detector->where.end(), [&](const WhereCheck& w) {
      return w.text_not_matches && w.text_not_matches->search(value);
    });
  };
  // Quoted literals; in shell-like files (Makefiles, Dockerfiles, scripts) bare words too: a token
  // passed as `-p pypi-…` or `TOKEN=ghp_…` is as hard-coded as a quoted one.
  auto delimiter = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '=' || c == ':' || c == ','; };
  for (size_t i = 0; i < text.size() && facts.code.size() < 64; ++i) {
    char quote = text[i];
    size_t end;
    std::string value;
    size_t at = i;
    if (quote == '\'' || quote == '"') {
      end = text.find(quote, i + 1);
      if (end == std::string_view::npos || text.substr(i + 1, end - i - 1).find('\n') != std::string_view::npos) continue;
      value = std::string(text.substr(i + 1, end - i - 1));
    } else if (bare_words && !delimiter(quote) && (i == 0 || delimiter(text[i - 1]))) {
      end = i;
      while (end < text.size() && !delimiter(text[end]) && text[end] != '\'' && text[end] != '"') ++end;
      value = std::string(text.substr(i, end - i));
      end = end == 0 ? 0 : end - 1;
    } else {
      continue;
    }
    i = end;
    if (value.size() < 16 || value.size() > 4096 || known_secret_shape(value).empty() || placeholder(value)) continue;
    CodeMatch match;
    match.detector = detector->id;
    match.message = detector->message;
    match.severity = detector->severity;
    match.language = language;
    match.node_text = value.substr(0, 8) + "…";
    match.node_type = "string";
    match.span = Span{static_cast<uint32_t>(at), static_cast<uint32_t>(end + 1)};
    auto [line, column] = line_column(text, static_cast<uint32_t>(at));
    match.location = Location{path, "", line, column};
    facts.code.push_back(std::move(match));
  }
}

// Code that renames a module or function (import subprocess as sp, from os import system,
// process['env']) or computes a name (getattr(os, "env" + "iron")) is read once more with the names
// spelled canonically; what that finds and the file as written did not is added (line numbers hold:
// the renaming keeps line breaks).
// The text with computed names spelled out and aliases spelled canonically, and its tree (the tree reads
// the string in place, so the string lives on the heap and does not move with the struct); no text when
// the file computes and renames nothing.
struct CanonicalText {
  std::unique_ptr<std::string> text;
  std::optional<SyntaxTree> tree;
};

CanonicalText canonical_text(Language language, const SyntaxTree& written, const std::string& path, Facts& facts) {
  CanonicalText out;
  auto spelled = spell_computed_names(language, written);  // getattr(os, "env" + "iron") → os.environ
  if (!spelled.complete) mark_incomplete(facts, path + ": computed names did not settle within their bounds");
  auto canonical = canonical_aliases(language, spelled.text ? std::string_view(*spelled.text) : written.text());
  if (!canonical && !spelled.text) return out;
  out.text = std::make_unique<std::string>(canonical ? std::move(*canonical) : std::move(*spelled.text));
  if (auto parsed = parse(language, *out.text)) out.tree.emplace(std::move(*parsed));
  return out;
}

CanonicalText run_on_canonical_names(const DetectorSet& set, const FileChange& change, const SyntaxTree& written,
                                     Language language, Facts& facts) {
  CanonicalText out = canonical_text(language, written, change.path, facts);
  if (!out.tree) return out;
  const SyntaxTree& tree = *out.tree;
  FileChange renamed = change;
  renamed.new_text = *out.text;
  if (!change.old_text.empty())
    if (auto old_canonical = canonical_aliases(language, change.old_text)) renamed.old_text = *old_canonical;
  Facts found;
  run_code_detectors(set, renamed, tree, language, found);
  if (!found.complete) mark_incomplete(facts, found.incomplete_reason);
  for (auto& m : found.code) {
    bool known = std::any_of(facts.code.begin(), facts.code.end(), [&](const CodeMatch& c) {
      return c.detector == m.detector && c.location.line == m.location.line;
    });
    if (!known) facts.code.push_back(std::move(m));
  }
  return out;
}

// Moves the items of `from` that `to` holds no `same` of into `to`, without spans.
template <typename Item, typename Same>
void add_unseen(std::vector<Item>& to, std::vector<Item>& from, Same same) {
  for (auto& item : from) {
    if (std::any_of(to.begin(), to.end(), [&](const Item& known) { return same(known, item); })) continue;
    item.span = item.statement = Span{};
    to.push_back(std::move(item));
  }
}

// Adds the commands, flows and markers of `more` that facts does not hold yet, without spans: they
// come from another spelling of the same file (its canonical text), whose offsets are not the
// written text's; lines still hold.
void merge_unseen(Facts& facts, Facts more) {
  add_unseen(facts.commands, more.commands, [](const Command& k, const Command& c) { return k.name == c.name && k.argv == c.argv; });
  add_unseen(facts.flows, more.flows, same_flow);
  add_unseen(facts.markers, more.markers, same_marker);
  for (auto& h : more.hosts)
    if (std::find(facts.hosts.begin(), facts.hosts.end(), h) == facts.hosts.end()) facts.hosts.push_back(std::move(h));
  if (!more.complete) mark_incomplete(facts, more.incomplete_reason);
}

void analyze_change(const DetectorSet& set, const FileChange& change, Facts& facts, int depth = 0);

// A crontab, unit, rc file or hook that the code writes with content it holds is judged like the same
// file written by the call itself; what is found there is placed at the writing call.
void analyze_files_written_by_code(const DetectorSet& set, const FileChange& change, Language language,
                                   const SyntaxTree& tree, Facts& facts, int depth) {
  if (depth > 0) return;  // a file written by code written by code: one level
  for (auto& write : startup_files_written_by_code(language, tree)) {
    FileChange written;
    written.path = write.path;
    written.new_text = std::move(write.content);
    written.whole_file = !write.appended;
    Facts found;
    analyze_change(set, written, found, depth + 1);
    const auto position = line_column(tree.text(), write.begin);  // a structured binding: clang will not capture it
    const uint32_t line = position.first, column = position.second;
    Span span{write.begin, write.end};
    auto place_location = [&](Location& location) {  // the origin (cron, shell_rc …) stays
      location.path = change.path;
      location.line = line;
      location.column = column;
    };
    auto place = [&](auto& items) {
      for (auto& item : items) {
        item.span = item.statement = span;
        place_location(item.location);
      }
    };
    place(found.commands);
    place(found.flows);
    place(found.markers);
    for (auto& match : found.code) {
      match.span = span;
      place_location(match.location);
      match.message += " (in " + write.path + ", which this code writes)";
    }
    found.files.clear();
    // The file is rebuilt from the code, interpolations and all: what it cannot parse is not the call's
    // own text failing, so it does not make the call's analysis incomplete.
    found.complete = true;
    found.incomplete_reason.clear();
    facts.merge(std::move(found));
  }
}

void analyze_change(const DetectorSet& set, const FileChange& change, Facts& facts, int depth) {
  if (change.deleted) return;  // removing a file runs nothing new
  for (auto& marker : path_risk_markers(change.path, change.new_text)) facts.markers.push_back(std::move(marker));
  std::string_view text = change.new_text;
  if (text.size() > kMaxFileBytes) {
    mark_incomplete(facts, change.path + ": content larger than " + std::to_string(kMaxFileBytes) + " bytes");
    text = text.substr(0, kMaxFileBytes);
  }
  if (auto hidden = hidden_text(text)) {  // in prose too: an agent reads what a person cannot see
    Marker marker;
    marker.name = "hidden_text";
    marker.detail = hidden->second;
    auto [line, column] = line_column(text, static_cast<uint32_t>(hidden->first));
    marker.location = Location{change.path, "", line, column};
    facts.markers.push_back(std::move(marker));
  }
  FileKind kind = classify_file(change.path, text);
  if (kind.prose) return;  // documentation shows commands; it does not run them
  bool code = kind.language && *kind.language != Language::json && *kind.language != Language::yaml;
  if (!code) {  // in code, the TLS detectors see these settings with their syntax
    for (auto& marker : security_off_settings(change.path, text)) facts.markers.push_back(std::move(marker));
    for (auto& marker : registry_settings(change.path, text)) facts.markers.push_back(std::move(marker));
    for (auto& marker : privilege_and_startup_settings(change.path, text)) facts.markers.push_back(std::move(marker));
    for (auto& marker : model_endpoint_settings(change.path, text)) facts.markers.push_back(std::move(marker));
    for (auto& marker : registry_credential_settings(change.path, text)) facts.markers.push_back(std::move(marker));
    if (!kind.language)
      for (auto& marker : hardcoded_secret_lines(change.path, text)) facts.markers.push_back(std::move(marker));
    for (auto& marker : workflow_trust_settings(change.path, text)) facts.markers.push_back(std::move(marker));
  }
  std::optional<SyntaxTree> tree;
  CanonicalText canonical;  // the text with computed names spelled out and aliases canonical, when it differs
  std::vector<Marker> flows;
  if (kind.language) {
    auto parsed = parse(*kind.language, text);
    if (parsed) {
      tree.emplace(std::move(*parsed));
      // An edit's JSON snippet (`  "bash": "allow",`) is read by the detectors as the object it belongs in,
      // made whole in place so every offset stays the snippet's own.
      std::optional<SyntaxTree> whole_snippet;
      std::string snippet_object;
      if (*kind.language == Language::json && !change.whole_file && ts_node_has_error(tree->root())) {
        snippet_object = json_snippet_made_whole(text);
        if (!snippet_object.empty())
          if (auto reparsed = parse(Language::json, snippet_object); reparsed && !ts_node_has_error(reparsed->root()))
            whole_snippet.emplace(std::move(*reparsed));
      }
      run_code_detectors(set, change, whole_snippet ? *whole_snippet : *tree, *kind.language, facts);
      for (auto& marker : model_client_endpoints(*tree, *kind.language, change.path)) facts.markers.push_back(std::move(marker));
      canonical = run_on_canonical_names(set, change, *tree, *kind.language, facts);
      // Data is followed under canonical names too: `import os as o; o.environ` is the environment.
      auto followed = follow_data_flow(canonical.tree ? *canonical.tree : *tree, *kind.language, change.path);
      if (!followed.complete) mark_incomplete(facts, change.path + ": data flow did not settle within its bounds");
      flows = std::move(followed.markers);
      // The file as written: spans and columns must be offsets in the content the call carries.
      analyze_files_written_by_code(set, change, *kind.language, *tree, facts, depth);
    } else {
      mark_incomplete(facts, change.path + ": " + parsed.error());
    }
  }
  // A flow followed from its source to its sink says more than the two halves seen in one file.
  auto followed = [&](std::string_view name) {
    return std::any_of(flows.begin(), flows.end(), [&](const Marker& m) { return m.name == name; });
  };
  if (!followed("environment_to_network"))
    if (auto shipped = environment_with_network(change.path, text)) facts.markers.push_back(std::move(*shipped));
  if (!followed("fetched_code_runs"))
    if (auto runner = runner_with_network(change.path, text)) facts.markers.push_back(std::move(*runner));
  if (!followed("credentials_to_network"))
    if (auto read = credentials_with_network(change.path, text)) facts.markers.push_back(std::move(*read));
  if (auto bundled = environment_in_bundle(change.path, text)) facts.markers.push_back(std::move(*bundled));
  for (auto& marker : flows) facts.markers.push_back(std::move(marker));
  if (kind.carrier == CommandCarrier::interpreted) {
    known_key_literals(set, change.path, kind.interpreter, text, facts);
    jwt_text_checks(set, change.path, kind.interpreter, text, facts);
  }
  bool shell_like = kind.carrier == CommandCarrier::makefile || kind.carrier == CommandCarrier::dockerfile ||
                    kind.carrier == CommandCarrier::justfile || kind.carrier == CommandCarrier::shell_script ||
                    kind.carrier == CommandCarrier::batch_file || kind.carrier == CommandCarrier::build_definition;
  if (shell_like && !kind.language) known_key_literals(set, change.path, "shell", text, facts, true);
  if (kind.carrier != CommandCarrier::none)
    facts.merge(
        analyze_embedded_commands(kind, change.path, text, !change.whole_file, tree ? &*tree : nullptr));
  // runner = getattr(__import__("o" + "s"), "sys" + "tem"); runner("curl … | sh"): under canonical names
  // the call is os.system's.
  if (kind.carrier == CommandCarrier::program && canonical.tree)
    merge_unseen(facts, analyze_embedded_commands(kind, change.path, *canonical.text, !change.whole_file, &*canonical.tree));
}

// The language group a file's data flows are followed in together: 0 Python, 1 JavaScript/TypeScript,
// 2 Go; -1 none (or a file not to follow).
int flow_group(const FileChange& change, bool* typed = nullptr) {
  if (change.deleted || change.new_text.empty() || change.new_text.size() > kMaxFileBytes) return -1;
  auto language = classify_file(change.path, change.new_text).language;
  if (!language) return -1;
  if (typed) *typed = *language != Language::javascript;
  return *language == Language::python ? 0 : *language == Language::go ? 2
       : (*language == Language::javascript || *language == Language::typescript || *language == Language::tsx) ? 1 : -1;
}

// A data-flow marker of files read as one program, located in the file its span falls in.
struct LocatedMarker {
  Marker marker;
  const FileChange* file;
};

// The data-flow markers of files of one group read as one program, each located in the file its span
// falls in. complete: false when the follower hit its bounds.
std::vector<LocatedMarker> flows_of_combined(const std::vector<const FileChange*>& members, int group, bool typed,
                                      size_t min_files, bool& complete) {
  struct Segment {
    const FileChange* file;
    uint32_t start_byte;
    uint32_t start_line;
  };
  std::string combined;
  std::vector<Segment> segments;
  uint32_t line = 1;
  for (const FileChange* change : members) {
    if (combined.size() + change->new_text.size() > kMaxFileBytes) break;
    segments.push_back(Segment{change, static_cast<uint32_t>(combined.size()), line});
    combined += change->new_text;
    combined += '\n';
    line += static_cast<uint32_t>(std::count(change->new_text.begin(), change->new_text.end(), '\n')) + 1;
  }
  if (segments.empty() || segments.size() < min_files) return {};
  Language language = group == 0 ? Language::python : group == 2 ? Language::go
                    : typed ? Language::typescript : Language::javascript;
  auto tree = parse(language, combined);
  if (!tree) return {};
  auto followed = follow_data_flow(*tree, language, segments.front().file->path);
  if (!followed.complete) complete = false;
  std::vector<LocatedMarker> out;
  for (auto& marker : followed.markers) {
    const Segment* at = &segments.front();
    for (const auto& segment : segments)
      if (segment.start_byte <= marker.span.begin) at = &segment;
    marker.location.path = at->file->path;
    marker.location.line = marker.location.line - at->start_line + 1;
    marker.span.begin -= at->start_byte;
    marker.span.end -= at->start_byte;
    out.push_back({std::move(marker), at->file});
  }
  return out;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

// The names a file defines at the start of a declaration (def, class, function, func, const, let, var,
// exports.X), and the stem of its path: the words by which other code calls into it.
std::vector<std::string_view> defined_names(const FileChange& file) {
  std::vector<std::string_view> names;
  std::string_view text = file.new_text;
  static constexpr std::string_view kKeywords[] = {"def ", "class ", "function ", "func ", "const ", "let ", "var ", "exports."};
  for (std::string_view keyword : kKeywords)
    for (size_t at = text.find(keyword); at != std::string_view::npos; at = text.find(keyword, at + 1)) {
      if (at > 0 && is_name_char(text[at - 1])) continue;
      size_t begin = at + keyword.size(), end = begin;
      while (end < text.size() && is_name_char(text[end])) ++end;
      if (end - begin >= 3) names.push_back(text.substr(begin, end - begin));
    }
  std::string_view path = file.path;
  path = path.substr(path.find_last_of('/') + 1);
  path = path.substr(0, path.find('.'));
  if (path.size() >= 3 && path != "index" && path != "__init__" && path != "main") names.push_back(path);
  return names;
}

bool mentions_word(std::string_view text, std::string_view word) {
  for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    size_t end = at + word.size();
    if ((at == 0 || !is_name_char(text[at - 1])) && (end == text.size() || !is_name_char(text[end]))) return true;
  }
  return false;
}

// Of the earlier files, those the call's files reach by a name they define, and those these reach in
// turn (two hops): a helper the call uses, and the module that helper sends through.
std::vector<const FileChange*> reached_earlier_files(const std::vector<FileChange>& now, const std::vector<FileChange>& earlier) {
  std::vector<const FileChange*> reached;
  std::vector<const FileChange*> frontier;
  for (const auto& change : now) frontier.push_back(&change);
  std::vector<bool> taken(earlier.size(), false);
  std::vector<std::vector<std::string_view>> names_of;  // each earlier file's, read once for both hops
  for (const auto& file : earlier) names_of.push_back(defined_names(file));
  for (int hop = 0; hop < 2 && !frontier.empty(); ++hop) {
    std::vector<const FileChange*> next;
    for (size_t i = 0; i < earlier.size(); ++i) {
      if (taken[i]) continue;
      const auto& names = names_of[i];
      bool met = std::any_of(frontier.begin(), frontier.end(), [&](const FileChange* from) {
        return std::any_of(names.begin(), names.end(), [&](std::string_view name) { return mentions_word(from->new_text, name); });
      });
      if (!met) continue;
      taken[i] = true;
      reached.push_back(&earlier[i]);
      next.push_back(&earlier[i]);
    }
    frontier = std::move(next);
  }
  return reached;
}

bool has_marker_named(const std::vector<Marker>& markers, const std::string& name) {
  return std::any_of(markers.begin(), markers.end(), [&](const Marker& m) { return m.name == name; });
}

bool has_marker_named(const std::vector<LocatedMarker>& markers, const std::string& name) {
  return std::any_of(markers.begin(), markers.end(), [&](const LocatedMarker& m) { return m.marker.name == name; });
}

// The files one call writes in one language, followed as one program: a patch that adds a module reading
// the environment and another sending what it returns is one flow split in two files. Flows a file shows
// by itself are already reported; the others are located in the file where the data leaves.
void follow_across_files(const std::vector<FileChange>& files, Facts& facts) {
  std::map<int, std::vector<const FileChange*>> groups;
  std::map<int, bool> typed;
  for (const auto& change : files) {
    bool is_typed = false;
    int group = flow_group(change, &is_typed);
    if (group < 0) continue;
    groups[group].push_back(&change);
    if (is_typed) typed[group] = true;
  }
  for (const auto& [group, members] : groups) {
    if (members.size() < 2) continue;
    bool complete = true;
    auto markers = flows_of_combined(members, group, typed[group], 2, complete);
    if (!complete) mark_incomplete(facts, "data flow across the call's files did not settle within its bounds");
    for (auto& [marker, file] : markers) {
      if (has_marker_named(facts.markers, marker.name)) continue;
      marker.detail += " (its source is in another file this call writes)";
      facts.markers.push_back(std::move(marker));
    }
  }
}

Facts from_parsed(const Analyzer& analyzer, ParsedChanges parsed, std::string_view what) {
  Facts facts = analyzer.analyze_files(std::move(parsed.files));
  if (!parsed.error.empty()) mark_incomplete(facts, std::string(what) + ": " + parsed.error);
  return facts;
}

}  // namespace

Analyzer::Analyzer(std::shared_ptr<const DetectorSet> detectors) : detectors_(std::move(detectors)) {}

Expected<std::shared_ptr<const Analyzer>, Diagnostics> Analyzer::load(
    const std::vector<std::string>& detector_paths) {
  auto set = load_detectors(detector_paths);
  if (!set) return unexpected(set.error());
  return std::shared_ptr<const Analyzer>(std::make_shared<Analyzer>(std::move(*set)));
}

std::vector<std::string> Analyzer::detector_ids() const {
  std::vector<std::string> ids;
  for (const auto& d : detectors_->detectors) ids.push_back(d.id);
  return ids;
}

Facts Analyzer::analyze_files(std::vector<FileChange> files) const {
  Facts facts;
  if (files.size() > kMaxFiles) {
    mark_incomplete(facts, "more than " + std::to_string(kMaxFiles) + " files in one call");
    files.resize(kMaxFiles);
  }
  for (auto& change : files) {
    try {
      analyze_change(*detectors_, change, facts);
    } catch (const std::exception& e) {
      mark_incomplete(facts, change.path + ": analysis failed: " + e.what());
    }
    facts.files.push_back(std::move(change));
  }
  try {
    follow_across_files(facts.files, facts);
  } catch (const std::exception& e) {
    mark_incomplete(facts, std::string("data flow across files failed: ") + e.what());
  }
  return facts;
}

void Analyzer::follow_with_earlier_files(const std::vector<FileChange>& now, const std::vector<FileChange>& earlier,
                                         Facts& facts) const {
  std::map<int, std::vector<const FileChange*>> before, together;
  std::map<int, bool> typed;
  size_t bytes = 0;
  for (const FileChange* change : reached_earlier_files(now, earlier)) {
    bool is_typed = false;
    int group = flow_group(*change, &is_typed);
    if (group < 0 || (bytes += change->new_text.size()) > kMaxEarlierBytes) continue;
    before[group].push_back(change);
    together[group].push_back(change);
    if (is_typed) typed[group] = true;
  }
  std::set<int> groups_now;
  for (const auto& change : now) {
    bool is_typed = false;
    int group = flow_group(change, &is_typed);
    if (group < 0 || !before.count(group)) continue;
    together[group].push_back(&change);
    groups_now.insert(group);
    if (is_typed) typed[group] = true;
  }
  for (int group : groups_now) {
    try {
      bool complete = true;
      auto markers = flows_of_combined(together[group], group, typed[group], 1, complete);
      if (markers.empty()) continue;
      // What the earlier files show by themselves was judged when they were written.
      bool ignored = true;
      auto earlier_only = flows_of_combined(before[group], group, typed[group], 1, ignored);
      for (auto& [marker, file] : markers) {
        if (has_marker_named(facts.markers, marker.name) || has_marker_named(earlier_only, marker.name)) continue;
        marker.detail += " (with code an earlier call wrote)";
        // Located in an earlier call's file: no place in this call's arguments to point at.
        // clang before 16 cannot capture a structured binding: compare through a plain copy.
        const FileChange* located_in = file;
        bool in_earlier_file = std::any_of(before[group].begin(), before[group].end(),
                                           [located_in](const FileChange* f) { return f == located_in; });
        if (in_earlier_file) marker.span = Span{};
        facts.markers.push_back(std::move(marker));
      }
      if (!complete) mark_incomplete(facts, "data flow with the files earlier calls wrote did not settle within its bounds");
    } catch (const std::exception& e) {
      mark_incomplete(facts, std::string("data flow with the files earlier calls wrote failed: ") + e.what());
    }
  }
}

Facts Analyzer::follow_inline_code(const std::vector<FileChange>& code) const {
  Facts facts;
  for (const auto& change : code) {
    auto language = classify_file(change.path, change.new_text).language;
    if (!language || change.new_text.size() > kMaxFileBytes) continue;
    // Most one-liners print a version or parse JSON: no source and sink to follow, no name to spell.
    if (!worth_following(change.new_text) && !may_compute_names(*language, change.new_text)) continue;
    try {
      auto tree = parse(*language, change.new_text);
      if (!tree) {
        mark_incomplete(facts, change.path + ": " + tree.error());
        continue;
      }
      CanonicalText renamed = canonical_text(*language, *tree, change.path, facts);
      auto followed = follow_data_flow(renamed.tree ? *renamed.tree : *tree, *language, change.path);
      if (!followed.complete) mark_incomplete(facts, change.path + ": data flow did not settle within its bounds");
      for (auto& marker : followed.markers) facts.markers.push_back(std::move(marker));
      // getattr(__import__('o'+'s'), 'sys'+'tem')('curl … | sh'): the shell's token reading saw no
      // os.system; under canonical names the command it runs is read like any program's.
      if (renamed.tree)
        merge_unseen(facts, analyze_embedded_commands(classify_file(change.path, change.new_text), change.path,
                                                      *renamed.text, false, &*renamed.tree));
    } catch (const std::exception& e) {
      mark_incomplete(facts, change.path + ": analysis failed: " + e.what());
    }
  }
  return facts;
}

Facts Analyzer::analyze_write(std::string path, std::string content) const {
  std::vector<FileChange> files;
  files.push_back(FileChange{std::move(path), std::move(content), "", true, false});
  return analyze_files(std::move(files));
}

Facts Analyzer::analyze_edit(std::string path, std::string old_text, std::string new_text) const {
  std::vector<FileChange> files;
  // An edit that replaces nothing writes the file's whole content, unless it elides parts of it
  // (Cursor's `// ... existing code ...` lines): then it is a fragment of the file.
  bool creates = old_text.empty() && !elides_existing_code(new_text);
  files.push_back(FileChange{std::move(path), std::move(new_text), std::move(old_text), creates, false});
  return analyze_files(std::move(files));
}

Facts Analyzer::analyze_search_replace(std::string path, std::string_view diff) const {
  try {
    return from_parsed(*this, parse_search_replace(std::move(path), diff), "replace_in_file");
  } catch (const std::exception& e) {
    Facts facts;
    mark_incomplete(facts, std::string("replace_in_file: ") + e.what());
    return facts;
  }
}

Facts Analyzer::analyze_patch(std::string_view apply_patch_text) const {
  try {
    return from_parsed(*this, parse_apply_patch(apply_patch_text), "apply_patch");
  } catch (const std::exception& e) {
    Facts facts;
    mark_incomplete(facts, std::string("apply_patch: ") + e.what());
    return facts;
  }
}

}  // namespace toolwall::code
