// The literal prefilter of detector regexes: what it reads from a pattern, and that it never changes
// a regex's answer (it may only skip runs that could not match).
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "analysis/code/detector_loader.h"
#include "analysis/code/regex_literals.h"
#include "analysis/code/text_checks.h"

using namespace toolwall;
using code::required_literals;

namespace {

// Under ASan the standard library's regex runs some fifteen times slower: comparing every shipped
// regex with every corpus text took most of the sanitizer run (past 1,200 s). The Release run checks
// every text; the sanitizer run, which looks for memory errors rather than answers, checks a fixed
// one in kSanitizerStride of them.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kSanitizerStride = 32;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr size_t kSanitizerStride = 32;
#else
constexpr size_t kSanitizerStride = 1;
#endif
#else
constexpr size_t kSanitizerStride = 1;
#endif

using Sets = std::vector<std::vector<std::string>>;

void collect(const code::WhereCheck& w, std::vector<const code::TextRegex*>& out) {
  for (const auto* r : {&w.text_matches, &w.text_not_matches, &w.flows_from, &w.function_matches,
                        &w.function_not_matches, &w.scope_matches, &w.scope_not_matches, &w.path_matches,
                        &w.path_not_matches})
    if (*r) out.push_back(&**r);
  for (const auto& alt : w.any) collect(alt, out);
}

// Every regex of the shipped detectors: #match? predicates and where-checks.
std::vector<const code::TextRegex*> shipped_regexes(const code::DetectorSet& set) {
  std::vector<const code::TextRegex*> out;
  for (const auto& d : set.detectors) {
    for (const auto& q : d.queries)
      for (const auto& pattern : q.predicates)
        for (const auto& p : pattern)
          if (p.regex) out.push_back(&*p.regex);
    for (const auto& w : d.where) collect(w, out);
  }
  return out;
}

// Texts to try: every example, every corpus call's arguments, each of their lines and words.
std::vector<std::string> sample_texts(const code::DetectorSet& set) {
  std::vector<std::string> whole;
  for (const auto& d : set.detectors)
    for (const auto& e : d.examples) whole.push_back(e.code);
  for (const char* corpus : {"/tests/corpus/toolcalls.jsonl", "/tests/corpus/unseen.jsonl"}) {
    std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + corpus);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto call = nlohmann::json::parse(line, nullptr, false);
      if (call.is_discarded()) continue;
      for (const auto& [key, value] : call["arguments"].items())
        if (value.is_string()) whole.push_back(value.get<std::string>());
    }
  }
  std::set<std::string> texts(whole.begin(), whole.end());
  for (const auto& text : whole) {
    std::stringstream lines(text);
    std::string l;
    while (std::getline(lines, l)) {
      texts.insert(l);
      std::stringstream words(l);
      std::string w;
      while (words >> w) texts.insert(w);
    }
  }
  return {texts.begin(), texts.end()};
}

}  // namespace

TEST_CASE("an anchored alternation of names requires one of the names") {
  auto r = required_literals("^(exec|eval|os\\.system)$", false);
  REQUIRE(r.all_of_any.size() == 1);
  CHECK(r.all_of_any[0] == std::vector<std::string>{"eval", "exec", "os.system"});
  CHECK(may_contain_match(r, "x = os.system"));
  CHECK_FALSE(may_contain_match(r, "console.log"));
}

TEST_CASE("optional prefixes multiply out and case-insensitive patterns compare without case") {
  auto r = required_literals("^(jwt_)?(algorithms|algs)$", true);
  REQUIRE(r.all_of_any.size() == 1);
  CHECK(r.ignore_case);
  CHECK(r.all_of_any[0] == std::vector<std::string>{"algorithms", "algs", "jwt_algorithms", "jwt_algs"});
  CHECK(may_contain_match(r, "ALGS"));
  CHECK_FALSE(may_contain_match(r, "algorithm"));
}

TEST_CASE("literals on both sides of an unknown piece are each required") {
  auto r = required_literals("split\\(\\s*[\"']\\.[\"']\\s*\\)\\s*\\[\\s*1\\s*\\]", false);
  CHECK(r.all_of_any.size() >= 2);
  CHECK(may_contain_match(r, "token.split( '.' ) [ 1 ]"));
  CHECK_FALSE(may_contain_match(r, "token.split(',')[1]"));
}

TEST_CASE("a pattern anchored at both ends over a known set is a set lookup, unless assertions sit inside") {
  auto names = code::whole_text_matches("^(exec|eval|os\\.system)$", false);
  REQUIRE(names);
  CHECK(*names == std::vector<std::string>{"eval", "exec", "os.system"});
  auto optional_prefix = code::whole_text_matches("^(jwt_)?algs$", true);
  REQUIRE(optional_prefix);
  CHECK(*optional_prefix == std::vector<std::string>{"algs", "jwt_algs"});
  for (const char* pattern : {"^(a|b$)c$", "^a\\bb$", "^a(?=b)b$", "^exec", "exec$", "^a.$", "^a\\$", "^\\w+$"}) {
    INFO(pattern);
    CHECK_FALSE(code::whole_text_matches(pattern, false));
  }
  auto regex = code::TextRegex::compile("(?i)^(jwt_)?(algorithms|algs)$", nullptr);
  REQUIRE(regex);
  for (const char* text : {"algs", "JWT_ALGS", "Algorithms", "jwt_algs ", "xalgs", "jwt_", ""})
    CHECK(regex->search(text) == regex->search_without_prefilter(text));
}

TEST_CASE("patterns that require nothing, or that the reader does not follow, rule nothing out") {
  for (const char* pattern : {".*", "a*", "(a|.)", "\\x41", "(?<name>a)", "[[:alpha:]]", "a{2", "\\1",
                              "x|", "[^a]", "\\w+"}) {
    INFO(pattern);
    auto r = required_literals(pattern, false);
    CHECK(r.all_of_any.empty());
    CHECK(may_contain_match(r, ""));
  }
  // Lookarounds add conditions the prefilter ignores: what is left is still required.
  auto r = required_literals("process\\.env(?!\\s*\\.)", false);
  REQUIRE(r.all_of_any.size() == 1);
  CHECK(r.all_of_any[0] == std::vector<std::string>{"process.env"});
}

TEST_CASE("the prefilter never changes what a shipped detector regex matches") {
  auto set = code::load_detectors({std::string(TOOLWALL_SOURCE_DIR) + "/rules/code"});
  REQUIRE(set);
  auto regexes = shipped_regexes(**set);
  auto texts = sample_texts(**set);
  REQUIRE(regexes.size() > 50);
  REQUIRE(texts.size() > 1000);
  size_t with_literals = 0, matches = 0, differences = 0;
  for (const auto* regex : regexes) {
    with_literals += !regex->required().all_of_any.empty();
    for (size_t i = 0; i < texts.size(); i += kSanitizerStride) {
      const auto& text = texts[i];
      bool plain = regex->search_without_prefilter(text);
      matches += plain;
      if (regex->search(text) != plain) {
        ++differences;
        UNSCOPED_INFO("/" << regex->pattern() << "/ on: " << text);
      }
    }
  }
  CHECK(differences == 0);
  CHECK(matches > 100);               // the texts do exercise matches, not only misses
  CHECK(with_literals * 2 > regexes.size());  // most shipped regexes get a prefilter
}
