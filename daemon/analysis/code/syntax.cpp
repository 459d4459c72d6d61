#include "analysis/code/syntax.h"

#include <array>

extern "C" {
const TSLanguage* tree_sitter_python(void);
const TSLanguage* tree_sitter_javascript(void);
const TSLanguage* tree_sitter_typescript(void);
const TSLanguage* tree_sitter_tsx(void);
const TSLanguage* tree_sitter_go(void);
const TSLanguage* tree_sitter_json(void);
const TSLanguage* tree_sitter_yaml(void);
}

namespace toolwall::code {

namespace {

constexpr std::array<std::string_view, kLanguageCount> kNames{"python", "javascript", "typescript", "tsx",
                                                              "go",     "json",       "yaml"};

// Parsers are not thread-safe but cheap to keep: one per language per thread, made on first use.
struct ThreadParsers {
  std::array<TSParser*, kLanguageCount> parsers{};
  ~ThreadParsers() {
    for (auto* p : parsers)
      if (p) ts_parser_delete(p);
  }
  TSParser* get(Language language) {
    auto& slot = parsers[static_cast<size_t>(language)];
    if (!slot) {
      slot = ts_parser_new();
      ts_parser_set_language(slot, grammar(language));
    }
    return slot;
  }
};

struct Deadline {
  uint64_t at_cpu_micros;
  uint32_t calls = 0;
};

// tree-sitter-yaml's scanner serializes its indentation stack into tree-sitter's fixed 1024-byte
// buffer without a bound (4 bytes a level): about 254 nested block levels overflow it and corrupt
// memory (SIGBUS/SIGSEGV). A level needs a column past the previous one, so refusing lines whose
// indentation and block indicators ("- ", "? ", ": ", anchors, tags) reach column 200 keeps it safe.
bool yaml_nests_too_deep(std::string_view text) {
  constexpr size_t kMaxBlockColumn = 200;
  size_t at = 0;
  while (at < text.size()) {
    size_t line_end = text.find('\n', at);
    if (line_end == std::string_view::npos) line_end = text.size();
    size_t column = at;
    for (;;) {
      while (column < line_end && (text[column] == ' ' || text[column] == '\t')) ++column;
      if (column >= line_end) break;
      char c = text[column];
      bool indicator = (c == '-' || c == '?' || c == ':') &&
                       (column + 1 >= line_end || text[column + 1] == ' ' || text[column + 1] == '\t');
      bool property = c == '&' || c == '!';
      if (!indicator && !property) break;
      ++column;
      if (property) while (column < line_end && text[column] != ' ' && text[column] != '\t') ++column;
    }
    if (column < line_end && column - at >= kMaxBlockColumn) return true;  // blank lines push no level
    at = line_end + 1;
  }
  return false;
}

bool past_deadline(TSParseState* state) {
  // tree-sitter asks every hundred steps; reading the thread's CPU clock is a system call, so it is
  // read every 8th ask (a few hundred microseconds of parsing at most between reads).
  auto* deadline = static_cast<Deadline*>(state->payload);
  return ++deadline->calls % 8 == 0 && thread_cpu_micros() >= deadline->at_cpu_micros;  // true cancels
}

}  // namespace

std::string_view to_string(Language language) {
  return kNames[static_cast<size_t>(language)];
}

std::optional<Language> parse_language(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Language>(i);
  if (name == "py") return Language::python;
  if (name == "js" || name == "jsx") return Language::javascript;
  if (name == "ts") return Language::typescript;
  if (name == "golang") return Language::go;
  if (name == "yml") return Language::yaml;
  return std::nullopt;
}

const TSLanguage* grammar(Language language) {
  switch (language) {
    case Language::python:
      return tree_sitter_python();
    case Language::javascript:
      return tree_sitter_javascript();
    case Language::typescript:
      return tree_sitter_typescript();
    case Language::tsx:
      return tree_sitter_tsx();
    case Language::go:
      return tree_sitter_go();
    case Language::json:
      return tree_sitter_json();
    case Language::yaml:
      return tree_sitter_yaml();
  }
  return nullptr;
}

std::string_view SyntaxTree::text_of(TSNode node) const {
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (begin > text_.size() || end > text_.size() || begin > end) return {};
  return text_.substr(begin, end - begin);
}

Expected<SyntaxTree, std::string> parse(Language language, std::string_view text, const ParseLimits& limits) {
  if (text.size() > limits.max_bytes)
    return unexpected(std::string("file larger than ") + std::to_string(limits.max_bytes) + " bytes");
  if (language == Language::yaml && yaml_nests_too_deep(text))
    return unexpected(std::string("YAML nested deeper than the parser can hold"));
  thread_local ThreadParsers parsers;
  TSParser* parser = parsers.get(language);
  Deadline deadline{thread_cpu_micros() + limits.timeout_micros};
  struct Source {
    std::string_view text;
  } source{text};
  TSInput input{};
  input.payload = &source;
  input.encoding = TSInputEncodingUTF8;
  input.read = [](void* payload, uint32_t byte, TSPoint, uint32_t* bytes_read) -> const char* {
    auto* s = static_cast<Source*>(payload);
    if (byte >= s->text.size()) {
      *bytes_read = 0;
      return "";
    }
    *bytes_read = static_cast<uint32_t>(s->text.size() - byte);
    return s->text.data() + byte;
  };
  TSParseOptions options{&deadline, &past_deadline};
  TSTree* tree = ts_parser_parse_with_options(parser, nullptr, input, options);
  if (!tree) {
    ts_parser_reset(parser);  // a cancelled parse leaves state behind that the next parse must not resume
    return unexpected(std::string("parsing ") + std::string(to_string(language)) + " timed out");
  }
  return SyntaxTree(tree, text);
}

}  // namespace toolwall::code
