#pragma once
// Code detectors as data (rules/code/*.yaml), compiled: a tree-sitter query per language, the
// host-evaluated predicates of each pattern, and `where:` checks on captures.
#include <tree_sitter/api.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/code/syntax.h"
#include "analysis/code/text_checks.h"
#include "core/diagnostic.h"

namespace toolwall::code {

// #eq? #not-eq? #match? #not-match? #any-of? #not-any-of? on one capture, against strings or a capture.
struct Predicate {
  enum class Op { eq, match, any_of } op = Op::eq;
  bool negated = false;
  uint32_t capture = 0;
  std::optional<uint32_t> other_capture;  // #eq? @a @b
  std::vector<std::string> values;
  std::optional<TextRegex> regex;
};

struct QueryDeleter {
  void operator()(TSQuery* q) const { ts_query_delete(q); }
};

// The literal text each pattern of a query needs in a file (#eq? / #any-of? values on captures that
// must be present, and what #match? regexes require), each distinct literal listed once so a file is
// searched for it once however many patterns name it.
struct LiteralPrefilter {
  struct Literal {
    std::string text;
    bool ignore_case = false;  // text is lower case; compared with the file in lower case
  };
  std::vector<Literal> literals;
  std::vector<std::vector<std::vector<uint32_t>>> needs;  // per pattern: each set needs one of its literals
};

// Patterns [first_pattern, first_pattern + predicates.size()) of a tree-sitter query. A detector's
// patterns are usually a slice of its language's combined query (shared with every detector of that
// language), since compiling one query per detector was most of the start-up time.
struct CompiledQuery {
  Language language;
  std::shared_ptr<TSQuery> query;
  uint32_t first_pattern = 0;
  std::vector<std::vector<Predicate>> predicates;  // per pattern of the slice, from first_pattern
  std::optional<uint32_t> match_capture;           // "@match" if the query names one
  LiteralPrefilter prefilter;                      // needs indexed like predicates

  uint32_t pattern_count() const { return static_cast<uint32_t>(predicates.size()); }
  // The slice's own index of a pattern of the query, or none when the pattern is another detector's.
  std::optional<uint32_t> own_pattern(uint32_t pattern_index) const {
    if (pattern_index < first_pattern || pattern_index - first_pattern >= pattern_count()) return std::nullopt;
    return pattern_index - first_pattern;
  }
};

// One host-side condition; every field set must hold. `capture` empty means the matched node.
struct WhereCheck {
  std::string capture;
  std::vector<std::string> contains_all_of;  // string literals inside the capture cover every class
  std::vector<std::string> contains_any_of;  // … or at least one class
  std::optional<TextRegex> text_matches, text_not_matches;
  std::optional<TextRegex> flows_from;  // the capture, or a variable in it assigned in scope, matches
  // one hop, no further: the capture's text or, for a name, a value assigned to it in scope matches
  std::optional<TextRegex> assigned_matches;
  // the capture names a variable or function of this file whose value (or definition) matches
  std::optional<TextRegex> assigned_not_matches;
  std::optional<TextRegex> function_matches, function_not_matches;  // the enclosing function's name
  std::optional<TextRegex> scope_matches, scope_not_matches;        // the enclosing function's text
  std::optional<TextRegex> decorated_matches;  // the decorators written on the enclosing function
  // the capture is (or is assigned from) a parameter of the enclosing function
  std::optional<bool> flows_from_parameters;
  std::optional<TextRegex> path_matches, path_not_matches;          // the file path
  std::optional<bool> secret_shape;        // the literal's value is a known credential format
  std::optional<double> entropy_at_least;  // of the literal's value
  std::optional<size_t> min_length;        // of the literal's value
  // a quoted literal in the arguments of a call in scope to one of these names occurs in the capture
  std::vector<std::string> shares_literal_with;
  // the branch of the `if` whose condition holds the capture (none: _matches fails, _not_matches holds)
  std::optional<TextRegex> branch_matches, branch_not_matches;
  // a secret-named variable read in scope belongs to a vendor none of the hosts in scope (or in the
  // capture's constants) is (secret_vendor.h)
  std::optional<bool> secret_to_other_vendor;
  std::vector<WhereCheck> any;             // at least one of these holds (patterns that differ)
};

struct Example {
  Language language;
  std::string code;
  std::string path;
  bool should_match = true;
  Diagnostic position;
};

struct Detector {
  std::string id;
  std::string message;
  std::string severity;
  std::vector<Language> languages;
  bool on_added = false;  // in edits, report only matches that the old text did not have
  std::vector<CompiledQuery> queries;
  std::vector<WhereCheck> where;
  std::vector<Example> examples;
  Diagnostic position;  // where the detector is defined

  const CompiledQuery* query_for(Language language) const;
};

// Every detector's patterns for one language in one query, so a tree is walked once however many
// detectors there are; each pattern remembers its detector.
struct LanguagePlan {
  CompiledQuery combined;
  std::vector<uint32_t> pattern_detector;  // combined pattern index → index into DetectorSet::detectors
};

struct DetectorSet {
  std::vector<Detector> detectors;
  std::vector<std::optional<LanguagePlan>> plans;  // by Language; none: run each detector's own query

  const LanguagePlan* plan_for(Language language) const;
};

}  // namespace toolwall::code
