#include "analysis/code/detector_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <sstream>
#include <system_error>

#include "analysis/code/query_runner.h"

namespace toolwall::code {

namespace {

struct Reader {
  std::string file;
  Diagnostics& problems;

  void fail(const YAML::Node& at, std::string message) {
    Diagnostic d{file, 0, 0, std::move(message)};
    if (at.IsDefined()) {
      d.line = at.Mark().line + 1;
      d.column = at.Mark().column + 1;
    }
    problems.push_back(std::move(d));
  }
  Diagnostic position(const YAML::Node& at) const {
    return Diagnostic{file, at.Mark().line + 1, at.Mark().column + 1, ""};
  }

  std::optional<std::string> scalar(const YAML::Node& node, const char* what) {
    if (!node.IsScalar()) {
      fail(node, std::string(what) + " must be a string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::vector<std::string> strings(const YAML::Node& node, const char* what) {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(node.Scalar());
    } else if (node.IsSequence()) {
      for (const auto& item : node) {
        if (item.IsScalar())
          out.push_back(item.Scalar());
        else
          fail(item, std::string(what) + " items must be strings");
      }
    } else {
      fail(node, std::string(what) + " must be a string or a list of strings");
    }
    return out;
  }

  std::optional<TextRegex> regex(const YAML::Node& node, const char* what) {
    auto text = scalar(node, what);
    if (!text) return std::nullopt;
    std::string error;
    auto compiled = TextRegex::compile(*text, &error);
    if (!compiled) fail(node, std::string(what) + ": " + error);
    return compiled;
  }
};

const std::set<std::string> kSeverities{"low", "medium", "high", "critical"};
const std::set<std::string> kDetectorKeys{"id", "description", "languages", "severity", "message",
                                          "on", "query",       "where",     "examples", "references"};

// Turns a query's error offset into a position inside the YAML file: block scalars start on the
// line after the key.
Diagnostic query_position(const Reader& r, const YAML::Node& query, uint32_t offset) {
  Diagnostic d = r.position(query);
  const std::string& text = query.Scalar();
  int newlines =
      static_cast<int>(std::count(text.begin(), text.begin() + std::min<size_t>(offset, text.size()), '\n'));
  bool block = text.find('\n') != std::string::npos;  // a block scalar's text starts on the next line
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  int column = static_cast<int>(offset - (line_start == std::string::npos ? 0 : line_start + 1));
  d.line += newlines + (block ? 1 : 0);
  d.column = block ? column + 1 + d.column : d.column + column;
  return d;
}

const char* query_error_name(TSQueryError e) {
  switch (e) {
    case TSQueryErrorSyntax:
      return "syntax error";
    case TSQueryErrorNodeType:
      return "unknown node type";
    case TSQueryErrorField:
      return "unknown field";
    case TSQueryErrorCapture:
      return "unknown capture";
    case TSQueryErrorStructure:
      return "impossible pattern structure";
    case TSQueryErrorLanguage:
      return "language mismatch";
    default:
      return "error";
  }
}

// Reads the predicates tree-sitter parsed but does not evaluate, and compiles them for the host:
// those of the `patterns` patterns of the query from compiled.first_pattern.
bool compile_predicates(CompiledQuery& compiled, uint32_t patterns, Reader& r, const YAML::Node& at,
                        const std::string& id) {
  const TSQuery* query = compiled.query.get();
  bool ok = true;
  compiled.predicates.resize(patterns);
  for (uint32_t pattern = 0; pattern < patterns; ++pattern) {
    uint32_t count = 0;
    const TSQueryPredicateStep* steps =
        ts_query_predicates_for_pattern(query, compiled.first_pattern + pattern, &count);
    std::vector<TSQueryPredicateStep> group;
    for (uint32_t i = 0; i < count; ++i) {
      if (steps[i].type != TSQueryPredicateStepTypeDone) {
        group.push_back(steps[i]);
        continue;
      }
      auto string_of = [&](const TSQueryPredicateStep& s) {
        uint32_t len = 0;
        const char* v = s.type == TSQueryPredicateStepTypeString
                            ? ts_query_string_value_for_id(query, s.value_id, &len)
                            : ts_query_capture_name_for_id(query, s.value_id, &len);
        return std::string(v, len);
      };
      std::string name = group.empty() ? "" : string_of(group[0]);
      Predicate p;
      if (name == "eq?" || name == "not-eq?") {
        p.op = Predicate::Op::eq;
      } else if (name == "match?" || name == "not-match?") {
        p.op = Predicate::Op::match;
      } else if (name == "any-of?" || name == "not-any-of?") {
        p.op = Predicate::Op::any_of;
      } else {
        r.fail(at, id + ": unsupported predicate #" + name +
                       " (use #eq?, #not-eq?, #match?, #not-match?, #any-of?)");
        ok = false;
        group.clear();
        continue;
      }
      p.negated = name.rfind("not-", 0) == 0;
      if (group.size() < 3 || group[1].type != TSQueryPredicateStepTypeCapture) {
        r.fail(at, id + ": #" + name + " needs a capture and at least one value");
        ok = false;
        group.clear();
        continue;
      }
      p.capture = group[1].value_id;
      if (p.op == Predicate::Op::eq && group[2].type == TSQueryPredicateStepTypeCapture) {
        p.other_capture = group[2].value_id;
      } else {
        for (size_t k = 2; k < group.size(); ++k) p.values.push_back(string_of(group[k]));
      }
      if ((p.op == Predicate::Op::eq || p.op == Predicate::Op::match) && group.size() != 3) {
        r.fail(at, id + ": #" + name + " takes exactly one value");
        ok = false;
      }
      if (p.op == Predicate::Op::match && !p.values.empty()) {
        std::string error;
        p.regex = TextRegex::compile(p.values.front(), &error);
        if (!p.regex) {
          r.fail(at, id + ": #" + name + ": " + error);
          ok = false;
        }
      }
      compiled.predicates[pattern].push_back(std::move(p));
      group.clear();
    }
  }
  uint32_t captures = ts_query_capture_count(query);
  for (uint32_t c = 0; c < captures; ++c) {
    uint32_t len = 0;
    const char* n = ts_query_capture_name_for_id(query, c, &len);
    if (std::string_view(n, len) == "match") compiled.match_capture = c;
  }
  if (ok) compiled.prefilter = build_prefilter(compiled);
  return ok;
}

// Whether one of the slice's own patterns names the capture (the shared query has every detector's).
bool has_capture(const CompiledQuery& compiled, const std::string& name) {
  const TSQuery* query = compiled.query.get();
  uint32_t count = ts_query_capture_count(query);
  for (uint32_t c = 0; c < count; ++c) {
    uint32_t len = 0;
    const char* n = ts_query_capture_name_for_id(query, c, &len);
    if (std::string_view(n, len) != name) continue;
    for (uint32_t p = 0; p < compiled.pattern_count(); ++p)
      if (ts_query_capture_quantifier_for_id(query, compiled.first_pattern + p, c) != TSQuantifierZero)
        return true;
  }
  return false;
}

std::vector<WhereCheck> read_checks(Detector& d, Reader& r, const YAML::Node& where, int depth);

// The where checks that take one regex, by their key.
using RegexCheck = std::optional<TextRegex> WhereCheck::*;
constexpr std::array<std::pair<std::string_view, RegexCheck>, 14> kRegexChecks{{
    {"text_matches", &WhereCheck::text_matches},
    {"text_not_matches", &WhereCheck::text_not_matches},
    {"flows_from", &WhereCheck::flows_from},
    {"assigned_matches", &WhereCheck::assigned_matches},
    {"assigned_not_matches", &WhereCheck::assigned_not_matches},
    {"function_matches", &WhereCheck::function_matches},
    {"function_not_matches", &WhereCheck::function_not_matches},
    {"scope_matches", &WhereCheck::scope_matches},
    {"scope_not_matches", &WhereCheck::scope_not_matches},
    {"decorated_matches", &WhereCheck::decorated_matches},
    {"path_matches", &WhereCheck::path_matches},
    {"path_not_matches", &WhereCheck::path_not_matches},
    {"branch_matches", &WhereCheck::branch_matches},
    {"branch_not_matches", &WhereCheck::branch_not_matches},
}};

RegexCheck regex_check(std::string_view key) {
  for (const auto& [name, field] : kRegexChecks)
    if (name == key) return field;
  return nullptr;
}

void read_check(WhereCheck& w, Detector& d, Reader& r, const YAML::Node& item, int depth) {
  for (const auto& kv : item) {
    std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (RegexCheck field = regex_check(key)) {
      w.*field = r.regex(v, key.c_str());
    } else if (key == "capture") {
      w.capture = r.scalar(v, "capture").value_or("");
      if (!w.capture.empty() && w.capture[0] == '@') w.capture.erase(0, 1);
    } else if (key == "contains_all_of" || key == "contains_any_of") {
      auto classes = r.strings(v, key.c_str());
      for (const auto& c : classes)
        if (!is_value_class(c))
          r.fail(v, d.id + ": unknown value class '" + c + "' (asymmetric_alg, symmetric_alg, none_alg)");
      (key == "contains_all_of" ? w.contains_all_of : w.contains_any_of) = classes;
    } else if (key == "secret_shape") {
      w.secret_shape = v.as<bool>(true);
    } else if (key == "flows_from_parameters") {
      w.flows_from_parameters = v.as<bool>(true);
    } else if (key == "secret_to_other_vendor") {
      w.secret_to_other_vendor = v.as<bool>(true);
    } else if (key == "entropy_at_least") {
      w.entropy_at_least = v.as<double>(0);
    } else if (key == "min_length") {
      w.min_length = v.as<size_t>(0);
    } else if (key == "shares_literal_with") {
      w.shares_literal_with = r.strings(v, "shares_literal_with");
    } else if (key == "any" && depth < 4) {
      w.any = read_checks(d, r, v, depth + 1);
    } else {
      r.fail(kv.first, d.id + ": unknown where check '" + key + "'");
    }
  }
}

std::vector<WhereCheck> read_checks(Detector& d, Reader& r, const YAML::Node& where, int depth) {
  std::vector<WhereCheck> out;
  if (!where.IsSequence()) {
    r.fail(where, d.id + ": where (and any) must be a list of checks");
    return out;
  }
  for (const auto& item : where) {
    if (!item.IsMap()) {
      r.fail(item, d.id + ": each where check is a map");
      continue;
    }
    WhereCheck w;
    read_check(w, d, r, item, depth);
    out.push_back(std::move(w));
  }
  return out;
}

std::string example_path(Language language) {
  switch (language) {
    case Language::python:
      return "example.py";
    case Language::javascript:
      return "example.js";
    case Language::typescript:
      return "example.ts";
    case Language::tsx:
      return "example.tsx";
    case Language::go:
      return "example.go";
    case Language::json:
      return "example.json";
    case Language::yaml:
      return "example.yaml";
  }
  return "example";
}

void read_examples(Detector& d, Reader& r, const YAML::Node& examples) {
  if (!examples.IsMap()) {
    r.fail(examples, d.id + ": examples must be a map with match and no_match lists");
    return;
  }
  for (const auto& kv : examples) {
    std::string key = kv.first.Scalar();
    if (key != "match" && key != "no_match") {
      r.fail(kv.first, d.id + ": examples has only match and no_match");
      continue;
    }
    if (!kv.second.IsSequence()) {
      r.fail(kv.second, d.id + ": examples." + key + " must be a list");
      continue;
    }
    for (const auto& item : kv.second) {
      Example e;
      e.should_match = key == "match";
      e.position = r.position(item);
      if (item.IsScalar()) {
        e.language = d.languages.empty() ? Language::python : d.languages.front();
        e.code = item.Scalar();
      } else if (item.IsMap() && item["code"]) {
        std::string lang = item["language"] ? item["language"].Scalar() : "";
        auto parsed =
            lang.empty() && !d.languages.empty() ? std::optional(d.languages.front()) : parse_language(lang);
        if (!parsed) {
          r.fail(item, d.id + ": example language '" + lang +
                           "' is not one of python, javascript, typescript, tsx, go, json, yaml");
          continue;
        }
        e.language = *parsed;
        e.code = item["code"].Scalar();
        if (item["path"]) e.path = item["path"].Scalar();
      } else {
        r.fail(item, d.id + ": an example is a code string or {language, code, path?}");
        continue;
      }
      if (e.path.empty()) e.path = example_path(e.language);
      d.examples.push_back(std::move(e));
    }
  }
}

// A detector's query text for one language: the YAML scalar, kept for error positions.
struct QueryText {
  Language language;
  YAML::Node node;
};

// A detector as read from its pack. Its queries compile once every pack is read, so that each
// language's detectors compile together as one query.
struct ReadDetector {
  Detector detector;
  std::string file;
  std::vector<QueryText> texts;
  YAML::Node where;     // where capture problems point
  bool clean = true;    // reading it found no problem
};

// Compiles one detector's text for one language as a query of its own: for a detector that has other
// problems, and for finding the culprit when a language's combined query does not compile.
void compile_alone(Detector& d, Reader& r, const YAML::Node& query, Language language) {
  const std::string& text = query.Scalar();
  uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  TSQuery* q =
      ts_query_new(grammar(language), text.data(), static_cast<uint32_t>(text.size()), &error_offset, &error);
  if (!q) {
    Diagnostic at = query_position(r, query, error_offset);
    size_t end = text.find_first_of(" \n)", error_offset);
    at.message =
        d.id + ": query does not compile for " + std::string(to_string(language)) + ": " +
        query_error_name(error) + " at '" +
        text.substr(error_offset, std::min<size_t>(end == std::string::npos ? 20 : end - error_offset, 40)) +
        "'";
    r.problems.push_back(std::move(at));
    return;
  }
  CompiledQuery compiled{language, std::shared_ptr<TSQuery>(q, QueryDeleter()), 0, {}, std::nullopt, {}};
  if (compile_predicates(compiled, ts_query_pattern_count(q), r, query, d.id)) d.queries.push_back(std::move(compiled));
}

// `query:` is one text for every claimed language, or a map from language names ("javascript,
// typescript, tsx" shares one text) to texts, since node types differ between grammars.
std::vector<QueryText> read_query_texts(const Detector& d, Reader& r, const YAML::Node& query) {
  std::vector<QueryText> texts;
  if (query && query.IsScalar()) {
    for (Language language : d.languages) texts.push_back({language, query});
    return texts;
  }
  if (!query || !query.IsMap()) {
    r.fail(query ? query : YAML::Node(),
           d.id + ": query (tree-sitter query text, or a map language: text) is required");
    return texts;
  }
  std::set<Language> given;
  for (const auto& kv : query) {
    std::string keys = kv.first.Scalar();
    size_t start = 0;
    while (start <= keys.size()) {
      size_t comma = keys.find(',', start);
      if (comma == std::string::npos) comma = keys.size();
      std::string name = keys.substr(start, comma - start);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      start = comma + 1;
      if (name.empty()) continue;
      auto language = parse_language(name);
      if (!language || std::find(d.languages.begin(), d.languages.end(), *language) == d.languages.end()) {
        r.fail(kv.first, d.id + ": query for '" + name + "', which is not in languages");
        continue;
      }
      if (!kv.second.IsScalar()) {
        r.fail(kv.second, d.id + ": query text must be a string");
        continue;
      }
      given.insert(*language);
      texts.push_back({*language, kv.second});
    }
  }
  for (Language language : d.languages)
    if (!given.count(language)) r.fail(query, d.id + ": no query for " + std::string(to_string(language)));
  return texts;
}

void check_where_captures(const Detector& d, Reader& r, const YAML::Node& at) {
  for (const auto& w : d.where) {
    if (w.capture.empty()) continue;
    for (const auto& q : d.queries)
      if (!has_capture(q, w.capture))
        r.fail(at, d.id + ": where names @" + w.capture + " but the " + std::string(to_string(q.language)) +
                       " query has no such capture");
  }
}

// A detector must prove itself: each example behaves as stated, each language has a match example.
void run_examples(const Detector& d, Reader& r) {
  std::set<Language> covered;
  for (const auto& e : d.examples) {
    std::vector<Language> targets{e.language};
    if (e.language == Language::typescript)
      targets.push_back(Language::tsx);  // TS examples speak for TSX too
    for (Language language : targets) {
      if (!d.query_for(language)) {
        if (language == e.language)
          r.problems.push_back({e.position.file, e.position.line, e.position.column,
                                d.id + ": example in " + std::string(to_string(language)) +
                                    ", which the detector does not claim"});
        continue;
      }
      auto tree = parse(language, e.code);
      if (!tree) {
        r.problems.push_back(
            {e.position.file, e.position.line, e.position.column, d.id + ": example: " + tree.error()});
        continue;
      }
      bool matched = !run_detector(d, *tree, language, e.path).matches.empty();
      if (e.should_match) covered.insert(language);
      if (matched != e.should_match)
        r.problems.push_back(
            {e.position.file, e.position.line, e.position.column,
             d.id + ": " + std::string(to_string(language)) + " example " +
                 (e.should_match ? "should match but does not" : "should not match but does")});
    }
  }
  for (Language language : d.languages)
    if (!covered.count(language))
      r.problems.push_back({d.position.file, d.position.line, d.position.column,
                            d.id + ": no match example for " + std::string(to_string(language)) +
                                " (every claimed language needs one)"});
}

void read_detector(std::vector<ReadDetector>& read, Reader& r, const YAML::Node& node,
                   std::set<std::string>& ids) {
  if (!node.IsMap()) {
    r.fail(node, "a detector is a map with id, languages, severity, message, query");
    return;
  }
  size_t problems_before = r.problems.size();
  ReadDetector out;
  out.file = r.file;
  Detector& d = out.detector;
  d.position = r.position(node);
  d.id = node["id"] ? r.scalar(node["id"], "id").value_or("") : "";
  static const std::regex kId(R"(^code\.[a-z0-9_-]+\.[a-z0-9_.-]+$)");
  if (!std::regex_match(d.id, kId)) {
    r.fail(node["id"] ? node["id"] : node, "detector id '" + d.id + "' must look like code.<family>.<name>");
  } else if (!ids.insert(d.id).second) {
    r.fail(node["id"], "duplicate detector id '" + d.id + "'");
  }
  for (const auto& kv : node)
    if (!kDetectorKeys.count(kv.first.Scalar()))
      r.fail(kv.first, d.id + ": unknown key '" + kv.first.Scalar() + "'");
  if (!node["languages"]) r.fail(node, d.id + ": languages is required");
  for (const auto& name :
       node["languages"] ? r.strings(node["languages"], "languages") : std::vector<std::string>{}) {
    auto language = parse_language(name);
    if (!language)
      r.fail(node["languages"], d.id + ": unknown language '" + name + "'");
    else if (std::find(d.languages.begin(), d.languages.end(), *language) == d.languages.end())
      d.languages.push_back(*language);
  }
  d.severity = node["severity"] ? r.scalar(node["severity"], "severity").value_or("") : "";
  if (!kSeverities.count(d.severity))
    r.fail(node["severity"] ? node["severity"] : node,
           d.id + ": severity must be low, medium, high or critical");
  d.message = node["message"] ? r.scalar(node["message"], "message").value_or("") : "";
  if (d.message.empty()) r.fail(node, d.id + ": message is required");
  if (node["on"]) {
    std::string on = r.scalar(node["on"], "on").value_or("");
    if (on != "any" && on != "added") r.fail(node["on"], d.id + ": on must be any or added");
    d.on_added = on == "added";
  }
  if (node["where"]) d.where = read_checks(d, r, node["where"], 0);
  out.texts = read_query_texts(d, r, node["query"]);
  if (node["where"]) out.where.reset(node["where"]);  // reset binds; assignment would write through
  if (node["examples"]) read_examples(d, r, node["examples"]);
  out.clean = r.problems.size() == problems_before;
  read.push_back(std::move(out));
}

void read_pack(std::vector<ReadDetector>& read, const std::string& text, const std::string& file,
               Diagnostics& problems, std::set<std::string>& ids) {
  Reader r{file, problems};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    problems.push_back({file, e.mark.line + 1, e.mark.column + 1, "YAML: " + e.msg});
    return;
  }
  YAML::Node list = root.IsMap() ? root["detectors"] : root;
  if (!list || !list.IsSequence()) {
    r.fail(root, "a detector pack is a map with a 'detectors' list");
    return;
  }
  for (const auto& node : list) read_detector(read, r, node, ids);
}

// One detector's text inside a language's combined query text.
struct Segment {
  size_t detector;  // index into the read detectors
  const YAML::Node* node;
  uint32_t begin, end;  // bytes of the combined text
};

// Query syntax between patterns: whitespace and `;` comments.
bool only_spacing(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ';') {
      size_t eol = text.find('\n', i);
      if (eol == std::string_view::npos) return true;
      i = eol;
    } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

// Which segment each pattern of the combined query came from; none when a pattern reaches into the
// next detector's text (texts that are incomplete alone can join into one valid pattern).
std::optional<std::vector<uint32_t>> pattern_segments(const TSQuery* query, const std::string& text,
                                                      const std::vector<Segment>& segments) {
  std::vector<uint32_t> owner;
  uint32_t s = 0;
  for (uint32_t p = 0; p < ts_query_pattern_count(query); ++p) {
    uint32_t start = ts_query_start_byte_for_pattern(query, p);
    uint32_t end = ts_query_end_byte_for_pattern(query, p);
    while (s < segments.size() && start >= segments[s].end) ++s;
    if (s == segments.size() || start < segments[s].begin) return std::nullopt;
    if (end > segments[s].end &&
        !only_spacing(std::string_view(text).substr(segments[s].end, std::min<size_t>(end, text.size()) - segments[s].end)))
      return std::nullopt;
    owner.push_back(s);
  }
  return owner;
}

// Every clean detector's text for one language compiled as one query, and which detector's text
// each pattern came from (none when the text does not compile, or a pattern straddles two texts).
struct CombinedQuery {
  Language language;
  std::vector<Segment> segments;
  std::string text;
  std::shared_ptr<TSQuery> query;
  std::optional<std::vector<uint32_t>> owner;  // per pattern: its segment
};

CombinedQuery combine(const std::vector<ReadDetector>& read, Language language) {
  CombinedQuery out{language, {}, {}, nullptr, std::nullopt};
  for (size_t i = 0; i < read.size(); ++i) {
    if (!read[i].clean) continue;
    for (const auto& t : read[i].texts) {
      if (t.language != language) continue;
      uint32_t begin = static_cast<uint32_t>(out.text.size());
      out.text += t.node.Scalar();
      out.segments.push_back({i, &t.node, begin, static_cast<uint32_t>(out.text.size())});
      out.text += "\n";
    }
  }
  if (out.segments.empty()) return out;
  uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  out.query.reset(ts_query_new(grammar(language), out.text.data(), static_cast<uint32_t>(out.text.size()),
                               &error_offset, &error),
                  QueryDeleter());
  if (out.query) out.owner = pattern_segments(out.query.get(), out.text, out.segments);
  return out;
}

// Gives each detector its slice of the combined query. When there is none, each text compiles alone
// instead, which names the culprit at its line and column.
void take_slices(std::vector<ReadDetector>& read, Diagnostics& problems, const CombinedQuery& combined) {
  const auto& owner = combined.owner;
  for (uint32_t s = 0; s < combined.segments.size(); ++s) {
    const Segment& segment = combined.segments[s];
    ReadDetector& rd = read[segment.detector];
    Reader r{rd.file, problems};
    if (!owner) {
      compile_alone(rd.detector, r, *segment.node, combined.language);
      continue;
    }
    auto first = std::find(owner->begin(), owner->end(), s);
    uint32_t count = static_cast<uint32_t>(std::count(owner->begin(), owner->end(), s));
    CompiledQuery slice{combined.language, combined.query, static_cast<uint32_t>(first - owner->begin()),
                        {},                std::nullopt,   {}};
    if (compile_predicates(slice, count, r, *segment.node, rd.detector.id))
      rd.detector.queries.push_back(std::move(slice));
  }
}

// Each language's query compiles on a thread of its own: tree-sitter's analysis of a query is most of
// the start-up time, and TypeScript and TSX alone take two thirds of it.
// A language whose thread cannot be started (a process at its thread limit) compiles on this one.
std::vector<CombinedQuery> combine_all(const std::vector<ReadDetector>& read) {
  std::vector<std::future<CombinedQuery>> pending;
  for (int l = 0; l < kLanguageCount; ++l) {
    auto language = static_cast<Language>(l);
    try {
      pending.push_back(std::async(std::launch::async, combine, std::cref(read), language));
    } catch (const std::system_error&) {
      std::promise<CombinedQuery> here;
      here.set_value(combine(read, language));
      pending.push_back(here.get_future());
    }
  }
  std::vector<CombinedQuery> out;
  for (auto& p : pending) out.push_back(p.get());
  return out;
}

// The checks that need compiled queries, for the detectors that read cleanly; the others' texts
// compile alone so their query problems are reported too.
void compile_detectors(std::vector<ReadDetector>& read, Diagnostics& problems, bool check_examples) {
  for (const CombinedQuery& combined : combine_all(read)) take_slices(read, problems, combined);
  for (auto& rd : read) {
    Reader r{rd.file, problems};
    if (!rd.clean) {
      for (const auto& t : rd.texts) compile_alone(rd.detector, r, t.node, t.language);
      continue;
    }
    size_t problems_before = problems.size();
    if (rd.detector.queries.size() != rd.texts.size()) continue;  // a query problem is reported
    if (rd.where) check_where_captures(rd.detector, r, rd.where);
    if (check_examples && problems.size() == problems_before) run_examples(rd.detector, r);
  }
}

// The language's combined query, when every detector's patterns for it are one slice of the same
// query, in detector order: a tree is then walked once however many detectors there are.
std::optional<LanguagePlan> language_plan(const DetectorSet& set, Language language) {
  std::shared_ptr<TSQuery> query;
  LanguagePlan plan;
  for (uint32_t d = 0; d < set.detectors.size(); ++d) {
    const CompiledQuery* own = set.detectors[d].query_for(language);
    if (!own) continue;
    if (!query) query = own->query;
    if (own->query != query || own->first_pattern != plan.pattern_detector.size()) return std::nullopt;
    plan.pattern_detector.insert(plan.pattern_detector.end(), own->pattern_count(), d);
    plan.combined.predicates.insert(plan.combined.predicates.end(), own->predicates.begin(),
                                    own->predicates.end());
    plan.combined.match_capture = own->match_capture;
  }
  if (!query || ts_query_pattern_count(query.get()) != plan.pattern_detector.size()) return std::nullopt;
  plan.combined.language = language;
  plan.combined.query = std::move(query);
  plan.combined.prefilter = build_prefilter(plan.combined);
  return plan;
}

Expected<std::shared_ptr<const DetectorSet>, Diagnostics> finish(std::vector<ReadDetector>& read,
                                                                  Diagnostics& problems, bool check_examples) {
  compile_detectors(read, problems, check_examples);
  if (!problems.empty()) return unexpected(std::move(problems));
  auto set = std::make_shared<DetectorSet>();
  for (auto& rd : read) set->detectors.push_back(std::move(rd.detector));
  set->plans.resize(kLanguageCount);
  for (int l = 0; l < kLanguageCount; ++l) set->plans[static_cast<size_t>(l)] = language_plan(*set, static_cast<Language>(l));
  return std::shared_ptr<const DetectorSet>(std::move(set));
}

}  // namespace

const LanguagePlan* DetectorSet::plan_for(Language language) const {
  auto index = static_cast<size_t>(language);
  return index < plans.size() && plans[index] ? &*plans[index] : nullptr;
}

Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors_from_text(const std::string& text,
                                                                                   const std::string& file,
                                                                                   bool check_examples) {
  std::vector<ReadDetector> read;
  Diagnostics problems;
  std::set<std::string> ids;
  read_pack(read, text, file, problems, ids);
  return finish(read, problems, check_examples);
}

Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<ReadDetector> read;
  Diagnostics problems;
  std::set<std::string> ids;
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        auto ext = entry.path().extension().string();
        if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
          found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      problems.push_back({path, 0, 0, "no such detector file or directory"});
    }
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      problems.push_back({file, 0, 0, "cannot read the file"});
      continue;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    read_pack(read, buffer.str(), file, problems, ids);
  }
  return finish(read, problems, true);
}

}  // namespace toolwall::code
