#pragma once
// Tree-sitter grammars for the languages code detectors run on, and capped, error-tolerant parsing
// with one parser per language per thread.
#include <tree_sitter/api.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/cpu_clock.h"
#include "core/expected.h"

namespace toolwall::code {

enum class Language { python, javascript, typescript, tsx, go, json, yaml };
inline constexpr int kLanguageCount = 7;

std::string_view to_string(Language language);
std::optional<Language> parse_language(std::string_view name);  // "python", "js", "ts" …
const TSLanguage* grammar(Language language);

struct ParseLimits {
  uint64_t timeout_micros = 1'000'000;  // CPU time per parse; hostile inputs cannot stall the proxy
  size_t max_bytes = 1 << 20;
};

// A parsed text. Fragments (edit snippets) parse too: tree-sitter marks what it cannot place as ERROR.
class SyntaxTree {
 public:
  SyntaxTree(TSTree* tree, std::string_view text) : tree_(tree, &ts_tree_delete), text_(text) {}
  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  std::string_view text() const { return text_; }  // the parsed text; must outlive the tree
  std::string_view text_of(TSNode node) const;

 private:
  std::unique_ptr<TSTree, decltype(&ts_tree_delete)> tree_;
  std::string_view text_;
};

// Parses text; an error when it is too large or the parse ran out of time.
Expected<SyntaxTree, std::string> parse(Language language, std::string_view text,
                                        const ParseLimits& limits = {});

}  // namespace toolwall::code
