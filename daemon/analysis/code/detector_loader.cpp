#include "analysis/code/detector_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

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

// Reads the predicates tree-sitter parsed but does not evaluate, and compiles them for the host.
bool compile_predicates(CompiledQuery& compiled, Reader& r, const YAML::Node& at, const std::string& id) {
  const TSQuery* query = compiled.query.get();
  bool ok = true;
  uint32_t patterns = ts_query_pattern_count(query);
  compiled.predicates.resize(patterns);
  for (uint32_t pattern = 0; pattern < patterns; ++pattern) {
    uint32_t count = 0;
    const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(query, pattern, &count);
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

bool has_capture(const TSQuery* query, const std::string& name) {
  uint32_t count = ts_query_capture_count(query);
  for (uint32_t c = 0; c < count; ++c) {
    uint32_t len = 0;
    const char* n = ts_query_capture_name_for_id(query, c, &len);
    if (std::string_view(n, len) == name) return true;
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

void compile_query(Detector& d, Reader& r, const YAML::Node& query, Language language) {
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
  CompiledQuery compiled{language, std::unique_ptr<TSQuery, QueryDeleter>(q), {}, std::nullopt, text, {}};
  if (compile_predicates(compiled, r, query, d.id)) d.queries.push_back(std::move(compiled));
}

// `query:` is one text for every claimed language, or a map from language names ("javascript,
// typescript, tsx" shares one text) to texts, since node types differ between grammars.
void compile_queries(Detector& d, Reader& r, const YAML::Node& query) {
  if (query && query.IsScalar()) {
    for (Language language : d.languages) compile_query(d, r, query, language);
    return;
  }
  if (!query || !query.IsMap()) {
    r.fail(query ? query : YAML::Node(),
           d.id + ": query (tree-sitter query text, or a map language: text) is required");
    return;
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
      compile_query(d, r, kv.second, *language);
    }
  }
  for (Language language : d.languages)
    if (!given.count(language)) r.fail(query, d.id + ": no query for " + std::string(to_string(language)));
}

void check_where_captures(const Detector& d, Reader& r, const YAML::Node& at) {
  for (const auto& w : d.where) {
    if (w.capture.empty()) continue;
    for (const auto& q : d.queries)
      if (!has_capture(q.query.get(), w.capture))
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

void read_detector(DetectorSet& set, Reader& r, const YAML::Node& node, std::set<std::string>& ids,
                   bool check_examples) {
  if (!node.IsMap()) {
    r.fail(node, "a detector is a map with id, languages, severity, message, query");
    return;
  }
  size_t problems_before = r.problems.size();
  Detector d;
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
  compile_queries(d, r, node["query"]);
  if (node["where"]) check_where_captures(d, r, node["where"]);
  if (node["examples"]) read_examples(d, r, node["examples"]);
  if (check_examples && r.problems.size() == problems_before) run_examples(d, r);
  if (r.problems.size() == problems_before) set.detectors.push_back(std::move(d));
}

void read_pack(DetectorSet& set, const std::string& text, const std::string& file, Diagnostics& problems,
               std::set<std::string>& ids, bool check_examples) {
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
  for (const auto& node : list) read_detector(set, r, node, ids, check_examples);
}

// One query per language from every detector's text for it, patterns in detector order. A language
// whose combined text does not compile (it should whenever the parts do) keeps no plan: its detectors
// then run one by one.
void build_language_plans(DetectorSet& set) {
  set.plans.clear();
  set.plans.resize(kLanguageCount);
  for (int l = 0; l < kLanguageCount; ++l) {
    auto language = static_cast<Language>(l);
    std::string text;
    std::vector<uint32_t> pattern_detector;
    for (uint32_t d = 0; d < set.detectors.size(); ++d) {
      const CompiledQuery* own = set.detectors[d].query_for(language);
      if (!own) continue;
      text += own->source;
      text += "\n";
      pattern_detector.insert(pattern_detector.end(), ts_query_pattern_count(own->query.get()), d);
    }
    if (pattern_detector.empty()) continue;
    uint32_t error_offset = 0;
    TSQueryError error = TSQueryErrorNone;
    TSQuery* q = ts_query_new(grammar(language), text.data(), static_cast<uint32_t>(text.size()), &error_offset,
                              &error);
    if (!q) continue;
    LanguagePlan plan{CompiledQuery{language, std::unique_ptr<TSQuery, QueryDeleter>(q), {}, std::nullopt, {}, {}},
                      std::move(pattern_detector)};
    Diagnostics ignored;
    Reader r{"", ignored};
    if (!compile_predicates(plan.combined, r, YAML::Node(), "") ||
        ts_query_pattern_count(plan.combined.query.get()) != plan.pattern_detector.size())
      continue;
    set.plans[static_cast<size_t>(l)] = std::move(plan);
  }
}

}  // namespace

const LanguagePlan* DetectorSet::plan_for(Language language) const {
  auto index = static_cast<size_t>(language);
  return index < plans.size() && plans[index] ? &*plans[index] : nullptr;
}

Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors_from_text(const std::string& text,
                                                                                   const std::string& file,
                                                                                   bool check_examples) {
  auto set = std::make_shared<DetectorSet>();
  Diagnostics problems;
  std::set<std::string> ids;
  read_pack(*set, text, file, problems, ids, check_examples);
  if (!problems.empty()) return unexpected(std::move(problems));
  build_language_plans(*set);
  return std::shared_ptr<const DetectorSet>(std::move(set));
}

Expected<std::shared_ptr<const DetectorSet>, Diagnostics> load_detectors(
    const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  auto set = std::make_shared<DetectorSet>();
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
    read_pack(*set, buffer.str(), file, problems, ids, true);
  }
  if (!problems.empty()) return unexpected(std::move(problems));
  build_language_plans(*set);
  return std::shared_ptr<const DetectorSet>(std::move(set));
}

}  // namespace toolwall::code
