#include "analysis/code/computed_names.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analysis/code/syntax_walk.h"
#include "analysis/code/text_checks.h"
#include "analysis/shell/words.h"

namespace toolwall::code {

namespace {

constexpr size_t kMaxValue = 1024;     // the longest constant folded
constexpr size_t kMaxParts = 256;      // elements of a list joined
constexpr size_t kMaxSpelled = 200;    // the longest name an alias stands for
constexpr int kMaxDepth = 48;          // nested expressions folded
constexpr int kMaxEmitDepth = 400;     // deeper than this the text is copied as written
constexpr size_t kMaxVisits = 600'000; // node visits over all passes; past it the file is left as written
constexpr int kMaxRounds = 4;          // names bound to names bound to computed names

bool one_of(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool has(std::string_view text, std::string_view needle) { return text.find(needle) != std::string_view::npos; }

bool identifier_like(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; });
}

bool dotted_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxSpelled) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    if (!identifier_like(s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}


std::string rot13(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 13) % 26);
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 13) % 26);
  }
  return s;
}

// Text a decoder returned stands for a name only when it is text.
std::optional<std::string> printable(std::optional<std::string> s) {
  if (!s || s->empty()) return std::nullopt;
  for (unsigned char c : *s)
    if (c < 0x20 || c == 0x7F) return std::nullopt;
  return s;
}

std::optional<long> integer_of(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != '_') digits += c;
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  char* end = nullptr;
  long value = std::strtol(digits.c_str(), &end, 0);
  if (end == nullptr || *end != '\0' || value < 0) return std::nullopt;
  return value;
}

std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// A folded value worth writing out: a name, a path or a URL, not a message or a pattern.
bool name_like(std::string_view value) {
  if (value.empty() || value.size() > kMaxSpelled) return false;
  return std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || one_of(std::string_view(&c, 1), {"_", ".", "-", "/", ":", "~", "@", "$", "?", "=", "&", "%"});
  });
}

// Modules whose names code hides to hide what it does; a literal lookup of another module is ordinary.
bool sensitive_module(std::string_view name) {
  return one_of(name, {"os", "sys", "subprocess", "requests", "httpx", "urllib", "urllib.request", "http.client", "socket",
                       "builtins", "__builtins__", "pickle", "marshal", "ctypes", "importlib", "shutil", "pty", "base64",
                       "codecs", "smtplib", "ftplib", "aiohttp", "urllib3", "runpy", "environ", "system", "popen",
                       "exec", "eval", "compile", "getenv"});
}

// importlib.import_module under any name the module was imported as (`import importlib as i`), __import__.
bool imports_by_name(std::string_view callee) {
  return callee == "import_module" || callee.ends_with(".import_module") || callee == "__import__";
}

// How a child stands in its parent: a name it binds, a name that is not a variable (an attribute, a
// keyword), or an expression.
enum class Role { expression, binding, name_only };

// What the walk needs to know of a node type, one bit each, looked up by symbol: comparing type names
// at every node of every file that may compute a name cost more than the rest of the spelling.
enum Trait : uint32_t {
  kIdentifier = 1u << 0,
  kBindsLeft = 1u << 1,        // assignment, for: the left side is bound
  kBindsName = 1u << 2,        // variable_declarator, named_expression: the name is bound
  kDefinition = 1u << 3,       // functions and classes: the name and parameters are bound
  kImport = 1u << 4,           // everything under it is bound
  kDeclaresOnly = 1u << 5,     // global, nonlocal: names, not reads
  kAsPattern = 1u << 6,        // `with … as x`, `except … as e`
  kCatch = 1u << 7,            // catch (e)
  kNamesKey = 1u << 8,         // keyword_argument name, pair key, label, attribute name: not variables
  kCandidate = 1u << 9,        // subscripts, concatenations, template strings
  kString = 1u << 10,
  kCall = 1u << 11,
  kPasses = 1u << 12,          // its children are handed on: arguments, keys, elements
  kAssignment = 1u << 13,      // name = value
  kDeclarator = 1u << 14,      // const name = value
  kFunction = 1u << 15,        // def f() / function f()
};

struct Traits {
  std::vector<uint32_t> by_symbol;
  TSFieldId left = 0, name = 0, parameters = 0, parameter = 0, alias = 0, attribute = 0, key = 0, label = 0;
};

uint32_t traits_of_type(std::string_view t, bool python) {
  uint32_t traits = 0;
  if (t == "identifier") traits |= kIdentifier;
  if (one_of(t, {"assignment", "augmented_assignment", "for_statement", "for_in_clause", "assignment_expression",
                 "augmented_assignment_expression", "for_in_statement", "short_var_declaration", "assignment_statement",
                 "range_clause"}))
    traits |= kBindsLeft;
  if (one_of(t, {"variable_declarator", "named_expression", "var_spec", "const_spec", "parameter_declaration"})) traits |= kBindsName;
  if (one_of(t, {"function_definition", "class_definition", "lambda", "function_declaration", "function_expression", "function",
                 "generator_function_declaration", "generator_function", "class_declaration", "class", "method_definition",
                 "arrow_function", "method_declaration", "func_literal"}))
    traits |= kDefinition;
  if (one_of(t, {"import_statement", "import_from_statement", "future_import_statement", "import_clause", "import_specifier",
                 "export_specifier", "namespace_import", "import_declaration"}))
    traits |= kImport;
  if (python && one_of(t, {"global_statement", "nonlocal_statement"})) traits |= kDeclaresOnly;
  if (t == "as_pattern") traits |= kAsPattern;
  if (t == "catch_clause") traits |= kCatch;
  if (one_of(t, {"keyword_argument", "pair", "labeled_statement", "attribute"})) traits |= kNamesKey;
  if (one_of(t, {"subscript", "subscript_expression", "binary_operator", "binary_expression", "template_string", "index_expression",
                 "list_splat", "spread_element"}))
    traits |= kCandidate;
  if (t == "string") traits |= kString;
  if (one_of(t, {"call", "call_expression"})) traits |= kCall;
  // A constant the code builds is written out where it is handed on (to a call, as a key, in a list);
  // where it is only named (`SUPPRESS = "SUPPRESS" + "HELP"`) the name's uses are what matter.
  if (one_of(t, {"argument_list", "arguments", "keyword_argument", "subscript", "subscript_expression", "pair", "list", "array",
                 "tuple", "interpolation", "template_substitution", "literal_element"}))
    traits |= kPasses;
  if (one_of(t, {"assignment", "assignment_expression", "short_var_declaration", "assignment_statement"})) traits |= kAssignment;
  if (one_of(t, {"variable_declarator", "var_spec", "const_spec"})) traits |= kDeclarator;
  if (one_of(t, {"function_definition", "function_declaration"})) traits |= kFunction;
  return traits;
}

// Built once per grammar and kept for the life of the process.
const Traits& traits_for(const TSLanguage* language, bool python) {
  static std::mutex lock;
  static std::vector<std::pair<const TSLanguage*, std::unique_ptr<Traits>>> built;
  std::lock_guard<std::mutex> guard(lock);
  for (const auto& [known, traits] : built)
    if (known == language) return *traits;
  auto traits = std::make_unique<Traits>();
  uint32_t count = ts_language_symbol_count(language);
  traits->by_symbol.resize(count);
  for (uint32_t symbol = 0; symbol < count; ++symbol)
    traits->by_symbol[symbol] = traits_of_type(ts_language_symbol_name(language, static_cast<TSSymbol>(symbol)), python);
  auto id = [&](const char* name) { return ts_language_field_id_for_name(language, name, static_cast<uint32_t>(std::strlen(name))); };
  traits->left = id("left");
  traits->name = id("name");
  traits->parameters = id("parameters");
  traits->parameter = id("parameter");
  traits->alias = id("alias");
  traits->attribute = id("attribute");
  traits->key = id("key");
  traits->label = id("label");
  built.emplace_back(language, std::move(traits));
  return *built.back().second;
}

Role role_of(uint32_t parent, TSFieldId field, const Traits& t) {
  if (parent & kImport) return Role::binding;
  if (parent & kDeclaresOnly) return Role::name_only;
  if (field == 0) return Role::expression;
  if (field == t.left && (parent & kBindsLeft)) return Role::binding;
  if (field == t.name && (parent & (kBindsName | kDefinition))) return Role::binding;
  if ((field == t.parameters || field == t.parameter) && (parent & (kDefinition | kCatch))) return Role::binding;
  if (field == t.alias && (parent & kAsPattern)) return Role::binding;
  if ((field == t.name || field == t.key || field == t.label || field == t.attribute) && (parent & kNamesKey)) return Role::name_only;
  return Role::expression;
}

class Speller {
 public:
  Speller(const SyntaxTree& tree, Language language)
      : tree_(tree),
        python_(language == Language::python),
        go_(language == Language::go),
        traits_(traits_for(ts_node_language(tree.root()), python_)) {}

  SpelledNames run() {
    collect();
    settle_constants();
    settle_aliases();
    if (visits_ > kMaxVisits) return SpelledNames{std::nullopt, false};
    changed_ = false;
    std::string out;
    out.reserve(tree_.text().size() + 256);
    // Without aliases only the candidates can change: spell those and copy the rest, instead of
    // asking every node of the file.
    if (aliases_.empty() && returned_aliases_.empty() && computed_.empty() && lists_.empty()) splice_candidates(out);
    else emit(tree_.root(), out, false, 0);
    if (visits_ > kMaxVisits) return SpelledNames{std::nullopt, false};
    if (!changed_) return SpelledNames{};
    return SpelledNames{std::move(out), true};
  }

 private:
  const SyntaxTree& tree_;
  bool python_;
  bool go_;
  const Traits& traits_;
  size_t visits_ = 0;
  bool changed_ = false;
  std::unordered_map<std::string, int> bindings_;        // how often each name is bound anywhere in the file
  std::vector<std::pair<std::string, TSNode>> values_;    // name = value
  std::vector<std::pair<std::string, TSNode>> returners_; // functions without parameters and what they return
  struct Candidate {
    TSNode node;
    bool passed;  // an argument, a key or an element: where a folded constant is written out
  };
  std::vector<Candidate> candidates_;                     // in source order, outer before inner
  std::unordered_map<std::string, std::string> constants_;
  std::unordered_set<std::string> computed_;                      // constants the code computes (not a literal)
  std::unordered_map<std::string, std::string> lists_;            // lists of such constants, written out
  struct Decoder {
    std::string parameter;
    TSNode returned;
  };
  std::unordered_map<std::string, Decoder> decoders_;              // one-argument helpers that build a string
  std::vector<std::pair<std::string, std::string>> arguments_;     // a decoder's parameter while it is folded
  std::unordered_map<std::string, std::string> aliases_;          // a name bound once to a computed name
  std::unordered_map<std::string, std::string> returned_aliases_; // f() for a function that returns one

  std::string_view text(TSNode node) const { return tree_.text_of(node); }
  std::string_view type(TSNode node) const { return ts_node_is_null(node) ? std::string_view() : ts_node_type(node); }
  uint32_t traits(TSNode node) const {
    TSSymbol symbol = ts_node_symbol(node);
    return symbol < traits_.by_symbol.size() ? traits_.by_symbol[symbol] : 0;
  }

  static TSNode field(TSNode node, const char* name) { return field_child(node, name); }

  bool bound_once(const std::string& name) const {
    auto found = bindings_.find(name);
    return found != bindings_.end() && found->second == 1;
  }

  std::vector<TSNode> arguments(TSNode call) const {
    std::vector<TSNode> out;
    TSNode args = field(call, "arguments");
    if (ts_node_is_null(args)) return out;
    if (type(args) == "generator_expression") return {args};  // "".join(chr(c) for c in codes): one argument
    for (uint32_t i = 0; i < ts_node_named_child_count(args) && out.size() < kMaxParts; ++i) {
      TSNode arg = ts_node_named_child(args, i);
      if (type(arg) != "comment") out.push_back(arg);
    }
    return out;
  }

  // ---- what the file binds -------------------------------------------------------------------

  // One cursor over the whole tree: the roles of the nodes above the cursor ride along on a stack.
  void collect() {
    struct Frame {
      uint32_t traits;
      Role role;
    };
    std::vector<Frame> above;
    TSTreeCursor cursor = ts_tree_cursor_new(tree_.root());
    Role role = Role::expression;
    while (++visits_ <= kMaxVisits) {
      TSNode node = ts_tree_cursor_current_node(&cursor);
      uint32_t own = traits(node);
      bool named = ts_node_is_named(node);
      if (named && (own & kIdentifier) && role == Role::binding) ++bindings_[std::string(text(node))];
      if (named && role == Role::expression) {
        if (own & (kAssignment | kDeclarator | kFunction)) remember_binding_site(node, own);
        if (candidate(node, own)) candidates_.push_back({node, !above.empty() && (above.back().traits & kPasses)});
      }
      if (named && !(own & kIdentifier) && ts_tree_cursor_goto_first_child(&cursor)) {
        above.push_back({own, role});
      } else {
        bool moved = false;
        while (!(moved = ts_tree_cursor_goto_next_sibling(&cursor))) {
          if (above.empty() || !ts_tree_cursor_goto_parent(&cursor)) break;
          above.pop_back();
        }
        if (!moved || above.empty()) break;
      }
      const Frame& parent = above.back();
      role = parent.role == Role::expression ? role_of(parent.traits, ts_tree_cursor_current_field_id(&cursor), traits_) : parent.role;
    }
    ts_tree_cursor_delete(&cursor);
  }

  // A node that may compute a name: a call of a function that looks names up or builds strings, a
  // subscript, a concatenation, an interpolated string.
  bool candidate(TSNode node, uint32_t own) const {
    if (own & kCandidate) return true;
    if (own & kString) return python_ && ts_node_named_child_count(node) > 2;  // string_start, content, interpolation …
    if (!(own & kCall)) return false;
    TSNode callee_node = field(node, "function");
    std::string_view callee = text(callee_node);
    std::string_view last = callee.substr(callee.rfind('.') == std::string_view::npos ? 0 : callee.rfind('.') + 1);
    return type(callee_node) == "identifier" ||  // a helper of the file's that decodes its argument (known after the walk)
           one_of(last, {"getattr", "import_module", "__import__", "get", "join", "decode", "encode", "upper", "lower", "strip",
                         "replace", "format", "chr", "str", "b64decode", "standard_b64decode", "urlsafe_b64decode", "fromhex", "getenv",
                         "pop", "setdefault", "fromCharCode", "atob", "toString", "toUpperCase", "toLowerCase", "trim",
                         "require", "getOwnPropertyDescriptor", "Call"});
  }

  void splice_candidates(std::string& out) {
    std::string_view source = tree_.text();
    uint32_t at = 0;
    for (const auto& [node, passed] : candidates_) {
      if (ts_node_start_byte(node) < at || visits_ > kMaxVisits) continue;  // inside a node already spelled
      auto spelling = spelled(node, passed);
      if (!spelling || *spelling == text(node)) continue;
      out.append(source.substr(at, ts_node_start_byte(node) - at));
      append_spelling(out, *spelling, node);
      at = ts_node_end_byte(node);
    }
    out.append(source.substr(at));
  }

  void append_spelling(std::string& out, const std::string& spelling, TSNode node) {
    out += spelling;
    for (char c : text(node))  // line breaks kept, so line numbers hold
      if (c == '\n') out += python_ ? "\\\n" : "\n";
    changed_ = true;
  }

  void remember_binding_site(TSNode node, uint32_t own) {
    auto remember = [&](TSNode name, TSNode value) {
      if (ts_node_is_null(name) || ts_node_is_null(value)) return;
      // Go: rel, _ := base64.StdEncoding.DecodeString(enc) binds the value to the first name; a, b := x, y pairwise.
      if (type(name) == "expression_list" && type(value) == "expression_list") {
        uint32_t names = ts_node_named_child_count(name), values = ts_node_named_child_count(value);
        if (names == values)
          for (uint32_t i = 0; i < names; ++i) remember_value(ts_node_named_child(name, i), ts_node_named_child(value, i));
        else if (values == 1 && names > 0)
          remember_value(ts_node_named_child(name, 0), ts_node_named_child(value, 0));
        return;
      }
      if (type(value) == "expression_list" && ts_node_named_child_count(value) == 1) value = ts_node_named_child(value, 0);
      remember_value(name, value);
    };
    if (own & kAssignment) remember(field(node, "left"), field(node, "right"));
    else if (own & kDeclarator) remember(field(node, "name"), field(node, "value"));
    if (own & kFunction) {
      TSNode params = field(node, "parameters");
      TSNode name = field(node, "name");
      if (!ts_node_is_null(params) && ts_node_named_child_count(params) == 0 && !ts_node_is_null(name))
        if (auto returned = returned_expression(field(node, "body"))) returners_.emplace_back(std::string(text(name)), *returned);
      remember_decoder(name, params, field(node, "body"));
    }
    if (own & kDeclarator) {
      TSNode value = field(node, "value");
      TSNode name = field(node, "name");
      if (!ts_node_is_null(value) && type(value) == "arrow_function" && !ts_node_is_null(name)) {
        TSNode params = field(value, "parameters");
        TSNode body = field(value, "body");
        if (!ts_node_is_null(params) && ts_node_named_child_count(params) == 0 && !ts_node_is_null(body))
          if (auto returned = type(body) == "statement_block" ? returned_expression(body) : std::optional<TSNode>(body))
            returners_.emplace_back(std::string(text(name)), *returned);
        remember_decoder(name, ts_node_is_null(params) ? field(value, "parameter") : params, body);
      }
    }
  }

  void remember_value(TSNode name, TSNode value) {
    if (!ts_node_is_null(name) && !ts_node_is_null(value) && type(name) == "identifier")
      values_.emplace_back(std::string(text(name)), value);
  }

  // def _n(h): return bytes.fromhex(h).decode() — a helper that decodes its one argument, folded at each call.
  void remember_decoder(TSNode name, TSNode params, TSNode body) {
    if (ts_node_is_null(name) || ts_node_is_null(params) || ts_node_is_null(body) || decoders_.size() >= 32) return;
    TSNode param = params;
    if (type(params) != "identifier") {
      if (ts_node_named_child_count(params) != 1) return;
      param = ts_node_named_child(params, 0);
      if (type(param) == "typed_parameter") param = ts_node_named_child(param, 0);
      else if (type(param) == "required_parameter") param = field(param, "pattern");
    }
    if (ts_node_is_null(param) || type(param) != "identifier") return;
    auto returned = one_of(type(body), {"block", "statement_block"}) ? returned_expression(body) : std::optional<TSNode>(body);
    if (returned) decoders_[std::string(text(name))] = {std::string(text(param)), *returned};
  }

  // What a function body returns when its last statement is `return expr`.
  std::optional<TSNode> returned_expression(TSNode body) const {
    if (ts_node_is_null(body)) return std::nullopt;
    uint32_t count = ts_node_named_child_count(body);
    if (count == 0) return std::nullopt;
    TSNode last = ts_node_named_child(body, count - 1);
    if (type(last) != "return_statement" || ts_node_named_child_count(last) != 1) return std::nullopt;
    return ts_node_named_child(last, 0);
  }

  void settle_constants() {
    for (int round = 0; round < kMaxRounds; ++round) {
      bool grew = false;
      for (const auto& [name, value] : values_) {
        if (constants_.count(name) || !bound_once(name)) continue;
        if (auto folded = fold(value, 0)) {
          // KEY = codecs.decode(".ffu", "rot13"): a name the code had to compute is written out where it is read.
          if (!plain_literal(value) && name_like(*folded)) computed_.insert(name);
          constants_.emplace(name, std::move(*folded));
          grew = true;
        }
      }
      if (!grew) break;
    }
    settle_lists();
  }

  // _CMD = [b"git".decode(), bytes([99, …]).decode(), "fi" + "ll"]: a list bound once, never changed in
  // place, some of whose strings the code computes, is written out where it is read (subprocess.run(_CMD)).
  void settle_lists() {
    std::string_view source = tree_.text();
    for (const auto& [name, value] : values_) {
      if (!bound_once(name) || !one_of(type(value), {"list", "tuple", "array"}) || lists_.count(name)) continue;
      if (has(source, name + ".") || has(source, name + "[")) continue;  // append, push, item assignment
      bool computed = false;
      std::string out;
      for (uint32_t i = 0; i < ts_node_named_child_count(value) && i < kMaxParts; ++i) {
        TSNode element = ts_node_named_child(value, i);
        auto folded = fold(element, 0);
        if (!folded || !name_like(*folded)) {
          out.clear();
          break;
        }
        computed = computed || !plain_literal(element);
        out += (out.empty() ? "" : ", ") + quoted(*folded);
      }
      if (computed && !out.empty())
        lists_.emplace(name, (type(value) == "tuple" ? "(" : "[") + out + (type(value) == "tuple" ? ")" : "]"));
    }
  }

  // A name bound once to a name the file computes (`_mod = importlib.import_module("o" + "s")`,
  // `const p = g['pro' + 'cess']`) or to the global object is read as what it stands for.
  void settle_aliases() {
    for (int round = 0; round < kMaxRounds; ++round) {
      bool grew = false;
      auto consider = [&](std::unordered_map<std::string, std::string>& into, const std::string& name, TSNode value) {
        if (!bound_once(name) || !resolves_a_name(value, 0)) return;
        std::string spelled = emitted(value);
        bool global_object = !python_ && one_of(spelled, {"globalThis", "global", "window"});
        if (!dotted_name(spelled) || spelled == name || (spelled == text(value) && !global_object)) return;
        auto [at, added] = into.try_emplace(name, spelled);
        if (!added && at->second == spelled) return;
        at->second = spelled;
        grew = true;
      };
      for (const auto& [name, value] : values_) consider(aliases_, name, value);
      for (const auto& [name, value] : returners_) consider(returned_aliases_, name, value);
      if (!grew || visits_ > kMaxVisits) break;
    }
  }

  // ---- constant strings ------------------------------------------------------------------------

  std::optional<std::string> fold(TSNode node, int depth) {
    if (ts_node_is_null(node) || depth > kMaxDepth || ++visits_ > kMaxVisits) return std::nullopt;
    auto value = fold_any(node, depth);
    if (value && value->size() > kMaxValue) return std::nullopt;
    return value;
  }

  // A call as every language's folder reads it.
  struct Call {
    TSNode callee;
    std::vector<TSNode> args;
    std::string_view callee_text;
  };

  // What every language folds alike — a name bound to a constant, brackets, a call of one of the file's
  // decoding helpers —, then each language's own literals, operators and library calls.
  std::optional<std::string> fold_any(TSNode node, int depth) {
    std::string_view t = type(node);
    if (t == "identifier") return constant_named(text(node));
    if (t == "parenthesized_expression" && ts_node_named_child_count(node) == 1) return fold(ts_node_named_child(node, 0), depth + 1);
    if (t == "call" || t == "call_expression") {
      TSNode callee = field(node, "function");
      Call call{callee, arguments(node), text(callee)};
      if (auto decoded = fold_decoder_call(call.callee, call.args, depth)) return decoded;
      return python_ ? fold_python_call(call, depth) : go_ ? fold_go_call(call, depth) : fold_javascript_call(call, depth);
    }
    return python_ ? fold_python(node, t, depth) : go_ ? fold_go(node, t, depth) : fold_javascript(node, t, depth);
  }

  // A name's constant value: a decoder's argument while it is folded, or a name bound once to a constant.
  std::optional<std::string> constant_named(std::string_view name) const {
    if (auto argument = argument_value(name)) return argument;
    auto found = constants_.find(std::string(name));
    if (found == constants_.end()) return std::nullopt;
    return found->second;
  }

  std::optional<std::string> argument_value(std::string_view name) const {
    for (auto it = arguments_.rbegin(); it != arguments_.rend(); ++it)
      if (it->first == name) return it->second;
    return std::nullopt;
  }

  // f(C) for a one-argument helper f that builds a string from its argument.
  std::optional<std::string> fold_decoder_call(TSNode callee, const std::vector<TSNode>& args, int depth) {
    if (type(callee) != "identifier" || args.size() != 1 || arguments_.size() >= 8) return std::nullopt;
    auto decoder = decoders_.find(std::string(text(callee)));
    if (decoder == decoders_.end()) return std::nullopt;
    auto argument = fold(args[0], depth + 1);
    if (!argument) return std::nullopt;
    arguments_.emplace_back(decoder->second.parameter, *argument);
    auto value = fold(decoder->second.returned, depth + 1);
    arguments_.pop_back();
    return value;
  }

  std::optional<std::string> fold_python(TSNode node, std::string_view t, int depth) {
    if (t == "string") return python_string(node, depth);
    if (t == "concatenated_string" || (t == "binary_operator" && operator_is(node, "+"))) return concatenation(node, depth);
    if (t == "binary_operator" && operator_is(node, "%")) return percent_formatted(node, depth);
    if (t == "subscript") {  // "ssecorp"[::-1]
      TSNode slice = field(node, "subscript");
      if (!ts_node_is_null(slice) && type(slice) == "slice" && text(slice) == "::-1")
        if (auto v = fold(field(node, "value"), depth + 1)) return std::string(v->rbegin(), v->rend());
      return std::nullopt;
    }
    return std::nullopt;
  }

  std::optional<std::string> fold_python_call(const Call& call, int depth) {
    const auto& [callee, args, callee_text] = call;
    if (type(callee) == "attribute") {
      TSNode object = field(callee, "object");
      std::string_view method = text(field(callee, "attribute"));
      if (method == "join" && args.size() == 1) {
        auto separator = fold(object, depth + 1);
        auto parts = fold_list(args[0], depth + 1);
        if (separator && parts) return joined(*parts, *separator);
      }
      if (one_of(method, {"decode", "encode"}) && args.size() <= 1 && (args.empty() || type(args[0]) == "string"))
        if (auto v = fold(object, depth + 1)) return v;
      if (one_of(method, {"upper", "lower", "strip"}) && args.empty())
        if (auto v = fold(object, depth + 1)) return cased(*v, method);
      if (method == "replace" && args.size() == 2) {
        auto v = fold(object, depth + 1), from = fold(args[0], depth + 1), to = fold(args[1], depth + 1);
        if (v && from && to) return replaced(*v, *from, *to);
      }
      if (method == "format" && !args.empty())
        if (auto template_text = fold(object, depth + 1))
          if (auto values = folded_all(args, depth + 1)) return brace_formatted(*template_text, *values);
    }
    if (one_of(callee_text, {"codecs.decode", "codecs.encode"}) && args.size() == 2) {
      auto v = fold(args[0], depth + 1), codec = fold(args[1], depth + 1);
      if (v && codec && one_of(*codec, {"rot13", "rot_13", "rot-13", "ROT13"})) return rot13(*v);
    }
    if (one_of(callee_text, {"base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode", "b64decode"}) &&
        args.size() == 1)
      if (auto v = fold(args[0], depth + 1)) return printable(shell::decode_base64(*v, 2));
    if (callee_text == "bytes.fromhex" && args.size() == 1)
      if (auto v = fold(args[0], depth + 1)) return printable(shell::decode_hex(*v));
    if (callee_text == "chr" && args.size() == 1) return character(args[0]);
    if (one_of(callee_text, {"bytes", "bytearray"}) && args.size() == 1)  // bytes([99, 114]).decode()
      if (auto codes = characters_of(args[0])) return joined(*codes, "");
    if (callee_text == "str" && args.size() == 1) return fold(args[0], depth + 1);
    return std::nullopt;
  }

  std::optional<std::string> fold_go(TSNode node, std::string_view t, int depth) {
    if (t == "interpreted_string_literal") return decode_escapes(unquote_literal(text(node)));
    if (t == "raw_string_literal") return unquote_literal(text(node));
    if (t == "binary_expression" && operator_is(node, "+")) return concatenation(node, depth);
    return std::nullopt;
  }

  std::optional<std::string> fold_go_call(const Call& call, int depth) {
    const auto& [callee, args, callee_text] = call;
    if (callee_text == "string" && args.size() == 1) {  // string([]rune{'.', 'n'}), string(decoded)
      if (type(args[0]) == "composite_literal") {
        auto parts = go_elements(args[0], depth, true);
        if (parts) return joined(*parts, "");
        return std::nullopt;
      }
      return fold(args[0], depth + 1);
    }
    if (callee_text == "strings.Join" && args.size() == 2) {
      auto parts = fold_list(args[0], depth + 1);
      auto separator = fold(args[1], depth + 1);
      if (parts && separator) return joined(*parts, *separator);
    }
    if (one_of(callee_text, {"base64.StdEncoding.DecodeString", "base64.URLEncoding.DecodeString", "base64.RawStdEncoding.DecodeString",
                             "base64.RawURLEncoding.DecodeString"}) &&
        args.size() == 1)
      if (auto v = fold(args[0], depth + 1)) return printable(shell::decode_base64(*v, 2));
    if (callee_text == "hex.DecodeString" && args.size() == 1)
      if (auto v = fold(args[0], depth + 1)) return printable(shell::decode_hex(*v));
    if (one_of(callee_text, {"strings.ToLower", "strings.ToUpper", "strings.TrimSpace"}) && args.size() == 1)
      if (auto v = fold(args[0], depth + 1))
        return cased(*v, callee_text == "strings.ToLower" ? "lower" : callee_text == "strings.ToUpper" ? "upper" : "strip");
    return std::nullopt;
  }

  // The elements of a Go composite literal ([]string{"a", "b"}, or as characters []byte{46, 'n'}).
  std::optional<std::vector<std::string>> go_elements(TSNode literal, int depth, bool as_characters) {
    TSNode body = field(literal, "body");
    if (ts_node_is_null(body)) return std::nullopt;
    std::vector<std::string> out;
    for (uint32_t i = 0; i < ts_node_named_child_count(body) && out.size() < kMaxParts; ++i) {
      TSNode element = ts_node_named_child(body, i);
      if (type(element) == "comment") continue;
      if (type(element) == "literal_element" && ts_node_named_child_count(element) == 1) element = ts_node_named_child(element, 0);
      auto value = as_characters ? character(element) : fold(element, depth + 1);
      if (!value) return std::nullopt;
      out.push_back(std::move(*value));
    }
    return out;
  }

  std::optional<std::string> spelled_go(TSNode node, std::string_view t) {
    // reflect.ValueOf(os.Environ).Call(nil) is os.Environ(); .Call([]reflect.Value{reflect.ValueOf(x)}) is F(x).
    // reflect.ValueOf(F).Call(args)[0]: the first value F returns, F(args) itself.
    if (t == "index_expression") {
      TSNode operand = field(node, "operand");
      if (text(field(node, "index")) != "0" || ts_node_is_null(operand) || type(operand) != "call_expression") return std::nullopt;
      return spelled_go(operand, "call_expression");
    }
    if (t != "call_expression") return std::nullopt;
    TSNode callee = field(node, "function");
    if (type(callee) != "selector_expression" || text(field(callee, "field")) != "Call") return std::nullopt;
    TSNode value_of = field(callee, "operand");
    if (type(value_of) != "call_expression" || text(field(value_of, "function")) != "reflect.ValueOf") return std::nullopt;
    auto function = arguments(value_of);
    auto args = arguments(node);
    if (function.size() != 1 || args.size() != 1) return std::nullopt;
    std::string call = emitted(function[0]) + "(";
    if (type(args[0]) == "composite_literal") {
      TSNode body = field(args[0], "body");
      for (uint32_t i = 0; !ts_node_is_null(body) && i < ts_node_named_child_count(body); ++i) {
        TSNode element = ts_node_named_child(body, i);
        if (type(element) == "literal_element" && ts_node_named_child_count(element) == 1) element = ts_node_named_child(element, 0);
        if (type(element) != "call_expression" || text(field(element, "function")) != "reflect.ValueOf") return std::nullopt;
        auto inner = arguments(element);
        if (inner.size() != 1) return std::nullopt;
        call += (i ? ", " : "") + emitted(inner[0]);
      }
    } else if (text(args[0]) != "nil") {
      return std::nullopt;
    }
    return call + ")";
  }

  std::optional<std::string> fold_javascript(TSNode node, std::string_view t, int depth) {
    if (t == "string") return decode_escapes(unquote_literal(text(node)));
    if (t == "template_string") return template_string(node, depth);
    if (one_of(t, {"as_expression", "satisfies_expression", "non_null_expression"})) return fold(ts_node_named_child(node, 0), depth + 1);
    if (t == "binary_expression" && operator_is(node, "+")) return concatenation(node, depth);
    return std::nullopt;
  }

  std::optional<std::string> fold_javascript_call(const Call& call, int depth) {
    const auto& [callee, args, callee_text] = call;
    if (callee_text == "String.fromCharCode") {
      std::string out;
      for (TSNode arg : args) {
        auto c = character(arg);
        if (!c) return std::nullopt;
        out += *c;
      }
      return out;
    }
    if (callee_text == "atob" && args.size() == 1)
      if (auto v = fold(args[0], depth + 1)) return printable(shell::decode_base64(*v, 2));
    if (type(callee) != "member_expression") return std::nullopt;
    TSNode object = field(callee, "object");
    std::string_view method = text(field(callee, "property"));
    if (method == "join" && args.size() <= 1) {
      auto parts = fold_list(object, depth + 1);
      auto separator = args.empty() ? std::optional<std::string>(",") : fold(args[0], depth + 1);
      if (parts && separator) return joined(*parts, *separator);
    }
    if (one_of(method, {"toUpperCase", "toLowerCase", "trim"}) && args.empty())
      if (auto v = fold(object, depth + 1)) return cased(*v, method == "toUpperCase" ? "upper" : method == "toLowerCase" ? "lower" : "strip");
    if (method == "toString" && type(object) == "call_expression" && text(field(object, "function")) == "Buffer.from") {
      auto from = arguments(object);
      if (from.size() == 2) {  // Buffer.from(s, 'base64').toString()
        auto v = fold(from[0], depth + 1), encoding = fold(from[1], depth + 1);
        if (v && encoding && (*encoding == "base64" || *encoding == "base64url")) return printable(shell::decode_base64(*v, 2));
        if (v && encoding && *encoding == "hex") return printable(shell::decode_hex(*v));
      }
    }
    return std::nullopt;
  }

  bool operator_is(TSNode binary, std::string_view op) const {
    TSNode o = field(binary, "operator");
    return !ts_node_is_null(o) && text(o) == op;
  }

  std::optional<std::string> concatenation(TSNode node, int depth) {
    std::string out;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode part = ts_node_named_child(node, i);
      if (type(part) == "comment") continue;
      auto v = fold(part, depth + 1);
      if (!v || out.size() + v->size() > kMaxValue) return std::nullopt;
      out += *v;
    }
    return out;
  }

  // Every node folded, or nothing (keyword arguments and unpacking are not).
  std::optional<std::vector<std::string>> folded_all(const std::vector<TSNode>& nodes, int depth) {
    std::vector<std::string> out;
    for (TSNode node : nodes) {
      auto v = fold(node, depth);
      if (!v) return std::nullopt;
      out.push_back(std::move(*v));
    }
    return out;
  }

  // "~/.{}/{}".format("aws", "credentials"): positional fields only ({} and {0}); a name, a conversion
  // or a format spec leaves the call as written.
  static std::optional<std::string> brace_formatted(std::string_view pattern, const std::vector<std::string>& values) {
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if ((c == '{' || c == '}') && i + 1 < pattern.size() && pattern[i + 1] == c) {
        out += c;
        ++i;
        continue;
      }
      if (c == '}') return std::nullopt;
      if (c != '{') {
        out += c;
        continue;
      }
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos) return std::nullopt;
      std::string_view field_text = pattern.substr(i + 1, close - i - 1);
      size_t index = next++;
      if (!field_text.empty()) {
        if (field_text.size() > 2 || !std::all_of(field_text.begin(), field_text.end(), [](char d) { return d >= '0' && d <= '9'; }))
          return std::nullopt;
        index = static_cast<size_t>(std::stoi(std::string(field_text)));
      }
      if (index >= values.size() || out.size() + values[index].size() > kMaxValue) return std::nullopt;
      out += values[index];
      i = close;
    }
    return out;
  }

  // "%s/.%s" % (home, "aws"): %s and %% only.
  std::optional<std::string> percent_formatted(TSNode node, int depth) {
    auto pattern = fold(field(node, "left"), depth + 1);
    TSNode right = field(node, "right");
    if (!pattern || ts_node_is_null(right)) return std::nullopt;
    std::vector<TSNode> parts;
    if (type(right) == "tuple")
      for (uint32_t i = 0; i < ts_node_named_child_count(right) && parts.size() < kMaxParts; ++i) parts.push_back(ts_node_named_child(right, i));
    else
      parts.push_back(right);
    auto values = folded_all(parts, depth + 1);
    if (!values) return std::nullopt;
    std::string out;
    size_t next = 0;
    for (size_t i = 0; i < pattern->size(); ++i) {
      char c = (*pattern)[i];
      if (c != '%') {
        out += c;
        continue;
      }
      if (i + 1 >= pattern->size()) return std::nullopt;
      char conversion = (*pattern)[++i];
      if (conversion == '%') {
        out += '%';
        continue;
      }
      if (conversion != 's' || next >= values->size() || out.size() + (*values)[next].size() > kMaxValue) return std::nullopt;
      out += (*values)[next++];
    }
    if (next != values->size()) return std::nullopt;
    return out;
  }

  std::optional<std::string> character(TSNode node) const {
    std::string_view written = text(node);
    if (type(node) == "rune_literal") {  // Go's '.'
      std::string value = decode_escapes(unquote_literal(written));
      return value.size() == 1 && static_cast<unsigned char>(value[0]) < 0x80 && value[0] > 0 ? std::optional<std::string>(value)
                                                                                             : std::nullopt;
    }
    auto code = integer_of(written);
    if (!code || *code <= 0 || *code >= 0x80) return std::nullopt;
    return std::string(1, static_cast<char>(*code));
  }

  static std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : std::string()) + parts[i];
    return out;
  }

  static std::string cased(std::string v, std::string_view how) {
    if (how == "strip") {
      size_t b = v.find_first_not_of(" \t\r\n"), e = v.find_last_not_of(" \t\r\n");
      return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
    }
    for (char& c : v) c = static_cast<char>(how == "upper" ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    return v;
  }

  static std::string replaced(std::string v, const std::string& from, const std::string& to) {
    if (from.empty()) return v;
    size_t at = 0;
    while ((at = v.find(from, at)) != std::string::npos && v.size() <= kMaxValue) {
      v.replace(at, from.size(), to);
      at += to.size();
    }
    return v;
  }

  // The characters of a literal list of character codes.
  std::optional<std::vector<std::string>> characters_of(TSNode list) const {
    if (ts_node_is_null(list) || !one_of(type(list), {"list", "tuple", "array"})) return std::nullopt;
    std::vector<std::string> out;
    for (uint32_t i = 0; i < ts_node_named_child_count(list) && out.size() < kMaxParts; ++i) {
      auto c = character(ts_node_named_child(list, i));
      if (!c) return std::nullopt;
      out.push_back(*c);
    }
    return out;
  }

  static std::vector<std::string> characters(const std::string& s) {
    std::vector<std::string> out;
    for (char c : s) out.emplace_back(1, c);
    return out;
  }

  static std::vector<std::string> split(const std::string& s, const std::string& separator) {
    if (separator.empty()) return characters(s);
    std::vector<std::string> out;
    size_t start = 0;
    while (out.size() < kMaxParts) {
      size_t at = s.find(separator, start);
      out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
      if (at == std::string::npos) break;
      start = at + separator.size();
    }
    return out;
  }

  // The strings of a list the code joins (a list named elsewhere may have grown since: push, append): a literal list, map(chr, [...]), reversed(s), s.split(sep),
  // [...].reverse(), Array.from(s).
  std::optional<std::vector<std::string>> fold_list(TSNode node, int depth) {
    if (ts_node_is_null(node) || depth > kMaxDepth || ++visits_ > kMaxVisits) return std::nullopt;
    std::string_view t = type(node);
    if (t == "composite_literal") return go_elements(node, depth, false);
    if (one_of(t, {"list", "tuple", "array"})) {
      std::vector<std::string> out;
      for (uint32_t i = 0; i < ts_node_named_child_count(node) && out.size() < kMaxParts; ++i) {
        TSNode element = ts_node_named_child(node, i);
        if (type(element) == "comment") continue;
        auto v = fold(element, depth + 1);
        if (!v) return std::nullopt;
        out.push_back(std::move(*v));
      }
      return out;
    }
    if (t == "parenthesized_expression" && ts_node_named_child_count(node) == 1) return fold_list(ts_node_named_child(node, 0), depth + 1);
    // chr(c) for c in (101, 110, …)
    if (one_of(t, {"generator_expression", "list_comprehension"}) && text(field(node, "body")).starts_with("chr(")) {
      TSNode clause = ts_node_named_child(node, 1);
      if (!ts_node_is_null(clause) && type(clause) == "for_in_clause" && ts_node_named_child_count(node) == 2)
        return characters_of(field(clause, "right"));
      return std::nullopt;
    }
    if (t != "call" && t != "call_expression") return std::nullopt;
    TSNode callee = field(node, "function");
    auto args = arguments(node);
    std::string_view callee_text = text(callee);
    // [101, 110].map((c) => String.fromCharCode(c))
    if (type(callee) == "member_expression" && text(field(callee, "property")) == "map" && args.size() == 1 &&
        type(args[0]) == "arrow_function" && type(field(callee, "object")) == "array" &&
        text(field(args[0], "body")).starts_with("String.fromCharCode("))
      return characters_of(field(callee, "object"));
    if (callee_text == "map" && args.size() == 2 && text(args[0]) == "chr" && one_of(type(args[1]), {"list", "tuple"})) {
      std::vector<std::string> out;
      for (uint32_t i = 0; i < ts_node_named_child_count(args[1]) && out.size() < kMaxParts; ++i) {
        auto c = character(ts_node_named_child(args[1], i));
        if (!c) return std::nullopt;
        out.push_back(*c);
      }
      return out;
    }
    if (one_of(callee_text, {"reversed", "list", "Array.from"}) && args.size() == 1) {
      std::optional<std::vector<std::string>> parts = fold_list(args[0], depth + 1);
      if (!parts)
        if (auto v = fold(args[0], depth + 1)) parts = characters(*v);
      if (parts && callee_text == "reversed") std::reverse(parts->begin(), parts->end());
      return parts;
    }
    std::string_view kind = type(callee);
    if (kind != "attribute" && kind != "member_expression") return std::nullopt;
    TSNode object = field(callee, "object");
    std::string_view method = text(field(callee, python_ ? "attribute" : "property"));
    if (method == "split" && args.size() == 1) {
      auto v = fold(object, depth + 1), separator = fold(args[0], depth + 1);
      if (v && separator) return split(*v, *separator);
    }
    if (method == "reverse" && args.empty()) {
      auto parts = fold_list(object, depth + 1);
      if (parts) std::reverse(parts->begin(), parts->end());
      return parts;
    }
    return std::nullopt;
  }

  std::optional<std::string> python_string(TSNode node, int depth) {
    std::string_view whole = text(node);
    size_t prefix = 0;
    while (prefix < whole.size() && std::isalpha(static_cast<unsigned char>(whole[prefix]))) ++prefix;
    std::string_view letters = whole.substr(0, prefix);
    bool raw = has(letters, "r") || has(letters, "R");
    bool formatted = has(letters, "f") || has(letters, "F");
    bool interpolated = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i)
      if (type(ts_node_named_child(node, i)) == "interpolation") interpolated = true;
    if (!interpolated) {
      std::string body = unquote_literal(whole);
      if (formatted) body = replaced(replaced(body, "{{", "{"), "}}", "}");
      return raw ? body : decode_escapes(body);
    }
    std::string out;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode part = ts_node_named_child(node, i);
      std::string_view t = type(part);
      if (t == "string_content") {
        std::string body = replaced(replaced(std::string(text(part)), "{{", "{"), "}}", "}");
        out += raw ? body : decode_escapes(body);
      } else if (t == "interpolation") {
        if (ts_node_named_child_count(part) != 1) return std::nullopt;  // a format spec or conversion
        auto v = fold(ts_node_named_child(part, 0), depth + 1);
        if (!v) return std::nullopt;
        out += *v;
      } else if (t != "string_start" && t != "string_end") {
        return std::nullopt;
      }
      if (out.size() > kMaxValue) return std::nullopt;
    }
    return out;
  }

  std::optional<std::string> template_string(TSNode node, int depth) {
    std::string out;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode part = ts_node_named_child(node, i);
      std::string_view t = type(part);
      if (t == "string_fragment") {
        out += text(part);
      } else if (t == "escape_sequence") {
        out += decode_escapes(text(part));
      } else if (t == "template_substitution" && ts_node_named_child_count(part) == 1) {
        auto v = fold(ts_node_named_child(part, 0), depth + 1);
        if (!v) return std::nullopt;
        out += *v;
      } else {
        return std::nullopt;
      }
      if (out.size() > kMaxValue) return std::nullopt;
    }
    return out;
  }

  // A value written as a literal needs no spelling out.
  bool plain_literal(TSNode node) const {
    std::string_view t = type(node);
    if (t == "string") {
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i)
        if (type(ts_node_named_child(node, i)) == "interpolation") return false;
      return true;
    }
    if (t == "template_string") {
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i)
        if (type(ts_node_named_child(node, i)) == "template_substitution") return false;
      return true;
    }
    return false;
  }

  bool may_fold(TSNode node) const {
    std::string_view t = type(node);
    if (plain_literal(node)) return false;
    return one_of(t, {"string", "template_string", "binary_operator", "binary_expression", "call",
                      "call_expression", "subscript"});
  }

  // A name: a literal, a constant the file computes, or a name bound once to one.
  std::optional<std::string> name_value(TSNode node) {
    if (ts_node_is_null(node)) return std::nullopt;
    return fold(node, 0);
  }

  // ---- computed names --------------------------------------------------------------------------

  // An expression that looks a name up: getattr, import_module, sys.modules[…], Reflect.get, g['…'],
  // or an alias of one.
  bool resolves_a_name(TSNode node, int depth) {
    if (ts_node_is_null(node) || depth > 16) return false;
    std::string_view t = type(node);
    if (t == "identifier") {
      std::string name(text(node));
      if (aliases_.count(name)) return true;
      return !python_ && one_of(name, {"globalThis", "global", "window", "process"});
    }
    if (t == "parenthesized_expression" && ts_node_named_child_count(node) == 1) return resolves_a_name(ts_node_named_child(node, 0), depth + 1);
    if (t == "call" || t == "call_expression") {
      std::string_view callee = text(field(node, "function"));
      if (returned_aliases_.count(std::string(callee)) && arguments(node).empty()) return true;
      if (!python_ && global_object_getter(field(node, "function"))) return true;
      if (callee == "vars") {  // vars(__import__("o" "s"))
        auto args = arguments(node);
        return args.size() == 1 && resolves_a_name(args[0], depth + 1);
      }
      return imports_by_name(callee) || one_of(callee, {"getattr", "sys.modules.get", "globals().get", "Reflect.get"});
    }
    if (t == "subscript") {
      std::string_view value = text(field(node, "value"));
      return one_of(value, {"sys.modules", "globals()", "vars()", "locals()", "__builtins__"}) || value.ends_with(".__dict__") ||
             resolves_a_name(field(node, "value"), depth + 1);
    }
    if (t == "subscript_expression" || t == "member_expression" || t == "attribute")
      return resolves_a_name(field(node, "object"), depth + 1);
    return false;
  }

  // os.path.join(home, *_PARTS) with _PARTS = [".config", "gh", "hosts.yml"] bound once and never changed
  // in place: the parts themselves.
  std::optional<std::string> spread_list(TSNode splat) {
    TSNode name = ts_node_named_child(splat, 0);
    if (ts_node_is_null(name) || type(name) != "identifier" || !bound_once(std::string(text(name)))) return std::nullopt;
    std::string variable(text(name));
    std::string_view source = tree_.text();
    if (has(source, variable + ".") || has(source, variable + "[")) return std::nullopt;  // append, push, item assignment
    for (const auto& [bound, value] : values_) {
      if (bound != variable || !one_of(type(value), {"list", "tuple", "array"})) continue;
      auto parts = fold_list(value, 0);
      if (!parts || parts->empty()) return std::nullopt;
      std::string out;
      for (const auto& part : *parts) {
        if (!name_like(part)) return std::nullopt;
        out += (out.empty() ? "" : ", ") + quoted(part);
      }
      return out;
    }
    return std::nullopt;
  }

  // _n("2e6e65747263") for a helper _n that decodes its argument: a computed constant wherever it stands.
  bool decoder_call(TSNode node) const {
    if (decoders_.empty() || !one_of(type(node), {"call", "call_expression"})) return false;
    TSNode callee = field(node, "function");
    return type(callee) == "identifier" && decoders_.count(std::string(text(callee)));
  }

  // (Deno as unknown as Record<…>), x!, (x): the expression the TypeScript casts and parentheses hold.
  TSNode without_casts(TSNode node) const {
    for (int hops = 0; hops < 8 && !ts_node_is_null(node); ++hops) {
      std::string_view t = type(node);
      if (!one_of(t, {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}) ||
          ts_node_named_child_count(node) == 0)
        break;
      node = ts_node_named_child(node, 0);
    }
    return node;
  }

  // new Function('return this') (or Function('return this')): called, it returns the global object.
  bool global_object_getter(TSNode callee) {
    callee = without_casts(callee);
    if (!one_of(type(callee), {"new_expression", "call_expression"})) return false;
    TSNode constructor = field(callee, type(callee) == "new_expression" ? "constructor" : "function");
    if (text(constructor) != "Function") return false;
    auto args = arguments(callee);
    if (args.size() != 1) return false;
    auto body = fold(args[0], 0);
    return body && (*body == "return this" || *body == "return this;" || *body == "return globalThis");
  }

  // An expression's spelling where it may compute a name, else its text (spelling every callee and
  // object would copy method chains over and over).
  std::string spelled_if_computed(TSNode node) {
    return resolves_a_name(node, 0) ? emitted(node) : std::string(text(node));
  }

  std::string emitted(TSNode node) {
    std::string out;
    emit(node, out, false, 0);
    return out;
  }

  static std::string member(const std::string& object, const std::string& name) {
    if (one_of(object, {"globalThis", "global", "window", "builtins", "__builtins__"})) return name;
    // getattr(__builtins__ if … else __import__("builtins"), "ex" + "ec"): the builtin, however the
    // module is reached.
    if (one_of(name, {"exec", "eval", "compile", "__import__"}) && object.find("builtins") != std::string::npos &&
        object.find('.') == std::string::npos)
      return name;
    return object + "." + name;
  }

  // The spelling of an expression that computes a name, or nothing when it computes none.
  std::optional<std::string> spelled(TSNode node, bool passed) {
    std::string_view t = type(node);
    if (one_of(t, {"list_splat", "spread_element"})) return spread_list(node);
    if (t == "identifier") {
      std::string name(text(node));
      auto alias = aliases_.find(name);
      if (alias != aliases_.end()) return alias->second;
      if (computed_.count(name)) return quoted(constants_.at(name));
      auto list = lists_.find(name);
      if (list != lists_.end()) return list->second;
      return std::nullopt;
    }
    if ((passed || decoder_call(node)) && may_fold(node))
      if (auto value = fold(node, 0); value && name_like(*value)) return quoted(*value);
    if (python_) return spelled_python(node, t);
    if (go_) return spelled_go(node, t);
    return spelled_javascript(node, t);
  }

  std::optional<std::string> spelled_python(TSNode node, std::string_view t) {
    if (t == "call") {
      TSNode callee = field(node, "function");
      std::string callee_text = spelled_if_computed(callee);
      auto args = arguments(node);
      if (returned_aliases_.count(std::string(text(callee))) && args.empty()) return returned_aliases_[std::string(text(callee))];
      if (args.empty() || type(args[0]) == "keyword_argument") return std::nullopt;
      if (callee_text == "getattr" && (args.size() == 2 || args.size() == 3)) {
        auto name = name_value(args[1]);
        std::string object = emitted(args[0]);
        if (name && identifier_like(*name) && (!plain_literal(args[1]) || object != text(args[0])))  // the literal: aliases.cpp
          return member(object, *name);
      }
      if (imports_by_name(callee_text) || one_of(callee_text, {"sys.modules.get", "globals().get"})) {
        auto name = name_value(args[0]);
        if (name && dotted_name(*name) && (args.size() == 1 || callee_text != "__import__") &&
            (!plain_literal(args[0]) || sensitive_module(*name)))
          return *name;
      }
      // os.getenv(_K) with _K computed: the variable's name as a literal.
      if (one_of(callee_text, {"os.getenv", "os.environ.get", "os.environ.pop", "os.environ.setdefault", "getenv", "environ.get"}) &&
          type(args[0]) == "identifier")
        if (auto name = name_value(args[0])) return call_with_first_argument(node, callee_text, quoted(*name));
      return std::nullopt;
    }
    if (t == "subscript") {
      TSNode value = field(node, "value");
      auto name = name_value(field(node, "subscript"));
      if (!name || ts_node_is_null(value)) return std::nullopt;
      TSNode index = field(node, "subscript");
      std::string object = spelled_if_computed(value);
      if (plain_literal(index) && object == text(value) && !one_of(object, {"sys.modules", "globals()", "vars()", "locals()", "__builtins__"}))
        return std::nullopt;  // d["key"] as written
      bool computed = !plain_literal(index) || object != text(value);
      if (one_of(object, {"sys.modules"}) && dotted_name(*name) && (computed || sensitive_module(*name))) return *name;
      if (one_of(object, {"globals()", "vars()", "locals()", "__builtins__", "builtins.__dict__"}) && identifier_like(*name) &&
          (computed || sensitive_module(*name)))
        return *name;
      if (object.ends_with(".__dict__") && identifier_like(*name)) return member(object.substr(0, object.size() - 9), *name);
      if (object.starts_with("vars(") && object.ends_with(")") && identifier_like(*name)) return member(object.substr(5, object.size() - 6), *name);
      if (one_of(object, {"os.environ", "environ"}) && type(index) == "identifier") return object + "[" + quoted(*name) + "]";
    }
    return std::nullopt;
  }

  std::optional<std::string> spelled_javascript(TSNode node, std::string_view t) {
    if (t == "call_expression") {
      TSNode callee = field(node, "function");
      auto args = arguments(node);
      std::string callee_name(text(callee));
      if (returned_aliases_.count(callee_name) && args.empty()) return returned_aliases_[callee_name];
      if (global_object_getter(callee) && args.empty()) return std::string("globalThis");
      if (callee_name == "Reflect.get" && args.size() >= 2) {
        auto name = name_value(args[1]);
        if (name && identifier_like(*name)) return member(emitted(args[0]), *name);
      }
      // Object.getOwnPropertyDescriptor(process, 'env').value is process.env
      if (one_of(callee_name, {"Object.getOwnPropertyDescriptor", "Reflect.getOwnPropertyDescriptor"}) && args.size() == 2) {
        auto name = name_value(args[1]);
        if (name && identifier_like(*name)) return "{ value: " + member(emitted(args[0]), *name) + " }";
      }
      if (callee_name == "require" && args.size() == 1 && !plain_literal(args[0]))
        if (auto name = name_value(args[0])) {
          // require(['ax', 'ios'].join('')) is the client itself, as the detectors and the follower know it.
          static const std::unordered_map<std::string_view, std::string_view> kModules{
              {"axios", "axios"}, {"got", "got"}, {"node-fetch", "fetch"}, {"child_process", "child_process"},
              {"node:child_process", "child_process"}, {"https", "https"}, {"node:https", "https"}, {"http", "http"},
              {"node:http", "http"}, {"net", "net"}, {"node:net", "net"}, {"fs", "fs"}, {"node:fs", "fs"}, {"vm", "vm"},
              {"node:vm", "vm"}, {"dns", "dns"}, {"node:dns", "dns"}, {"undici", "undici"}};
          auto known = kModules.find(*name);
          if (known != kModules.end()) return std::string(known->second);
          return "require(" + quoted(*name) + ")";
        }
      return std::nullopt;
    }
    if (t == "subscript_expression") {
      TSNode object = field(node, "object");
      TSNode index = field(node, "index");
      auto name = name_value(index);
      if (!name || !identifier_like(*name)) return std::nullopt;
      std::string spelled_object = spelled_if_computed(without_casts(object));
      // obj['x'] as written stays; a key the code computes, or any key of the global object, is spelled.
      bool cast = !ts_node_eq(object, without_casts(object));  // (Deno as Record<…>)['env'] is Deno.env
      if (plain_literal(index) && !cast && !one_of(spelled_object, {"globalThis", "global", "window"}) && spelled_object == text(object))
        return std::nullopt;
      return member(spelled_object, *name);
    }
    if (t == "member_expression") {
      TSNode object = field(node, "object");
      if (!resolves_a_name(object, 0)) return std::nullopt;
      std::string spelled_object = emitted(object);
      if (spelled_object != text(object) && one_of(spelled_object, {"globalThis", "global", "window"}))
        return std::string(text(field(node, "property")));
    }
    return std::nullopt;
  }

  std::string call_with_first_argument(TSNode call, const std::string& callee, const std::string& first) {
    std::string out = callee + "(" + first;
    auto args = arguments(call);
    for (size_t i = 1; i < args.size(); ++i) out += ", " + emitted(args[i]);
    return out + ")";
  }

  // ---- the text, spelled out -------------------------------------------------------------------

  void emit(TSNode node, std::string& out, bool as_written, int depth, bool passing = true) {
    std::string_view source = tree_.text();
    uint32_t at = ts_node_start_byte(node), end = ts_node_end_byte(node);
    bool copy = as_written || depth >= kMaxEmitDepth || ++visits_ > kMaxVisits;
    if (!copy && ts_node_is_named(node)) {
      if (auto spelling = spelled(node, passing); spelling && *spelling != text(node)) {
        append_spelling(out, *spelling, node);
        return;
      }
    }
    if (copy || ts_node_child_count(node) == 0) {
      out.append(source.substr(at, end - at));
      return;
    }
    uint32_t parent = traits(node);
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      do {
        TSNode child = ts_tree_cursor_current_node(&cursor);
        uint32_t child_start = ts_node_start_byte(child);
        if (child_start > at) out.append(source.substr(at, child_start - at));
        Role role = role_of(parent, ts_tree_cursor_current_field_id(&cursor), traits_);
        emit(child, out, role != Role::expression, depth + 1, (parent & kPasses) != 0);
        at = std::max(at, ts_node_end_byte(child));
      } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    if (end > at) out.append(source.substr(at, end - at));
  }
};

// Cheap tests first: most files compute no name, and those skip the walk (which costs about as much
// as parsing). The tests look for the forms a computed name takes, not for the functions alone:
// getattr(obj, "name") and ", ".join(names) are everywhere and compute nothing.

// Whether some occurrence of needle is followed (after spaces) by text the test accepts.
template <typename Test>
bool any_followed_by(std::string_view text, std::string_view needle, Test&& test) {
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) {
    size_t next = text.find_first_not_of(" \t", at + needle.size());
    if (next != std::string_view::npos && test(text.substr(next, 64))) return true;
  }
  return false;
}

// getattr(x, <not a literal alone>): a name built in place, or a variable the file binds to a string.
bool getattr_computes(std::string_view text) {
  for (size_t at = text.find("getattr("); at != std::string_view::npos; at = text.find("getattr(", at + 8)) {
    size_t i = at + 8;
    int depth = 0;
    for (; i < text.size() && i < at + 400; ++i) {
      char c = text[i];
      if (c == '(' || c == '[' || c == '{') ++depth;
      else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) break;
      else if (c == ',' && depth == 0) break;
    }
    if (i >= text.size() || text[i] != ',') continue;
    size_t name = text.find_first_not_of(" \t\r\n", i + 1);
    if (name == std::string_view::npos) return false;
    char quote = text[name];
    if (quote == '"' || quote == '\'') {
      size_t close = text.find(quote, name + 1);
      size_t after = close == std::string_view::npos ? close : text.find_first_not_of(" \t\r\n", close + 1);
      if (after != std::string_view::npos && text[after] != ')' && text[after] != ',') return true;  // "env" + "iron"
      continue;
    }
    size_t end = name;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    std::string_view variable = text.substr(name, end - name);
    if (variable.empty()) return true;
    for (std::string_view bound : {" = \"", " = '", "=\"", "='"})
      if (has(text, std::string(variable) + std::string(bound))) return true;
  }
  return false;
}

// A string literal starting at text[at], and where it ends (one past the closing quote).
std::optional<std::pair<std::string_view, size_t>> literal_at(std::string_view text, size_t at) {
  if (at >= text.size() || (text[at] != '"' && text[at] != '\'' && text[at] != '`')) return std::nullopt;
  size_t close = text.find(text[at], at + 1);
  if (close == std::string_view::npos || close - at > 80) return std::nullopt;
  return std::make_pair(text.substr(at + 1, close - at - 1), close + 1);
}

// What follows a name lookup (`sys.modules[`, `import_module(`): a literal joined with more, a
// sensitive module's name, or a variable the file binds to a string.
bool lookup_computes(std::string_view text, std::string_view needle) {
  for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) {
    size_t next = text.find_first_not_of(" \t\r\n", at + needle.size());
    if (next == std::string_view::npos) return false;
    if (auto literal = literal_at(text, next)) {
      size_t after = text.find_first_not_of(" \t\r\n", literal->second);
      if (sensitive_module(literal->first) ||
          (after != std::string_view::npos && (text[after] == '+' || text[after] == '"' || text[after] == '\'')))
        return true;  // "o" + "s", "o" "s"
      continue;
    }
    size_t end = next;
    while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
    std::string_view variable = text.substr(next, end - next);
    if (variable.empty() || variable == "__name__") continue;
    for (std::string_view bound : {" = \"", " = '", "=\"", "='"})
      if (has(text, std::string(variable) + std::string(bound))) return true;
  }
  return false;
}

// "." + "aws": short literals that could be a name or a path, joined in place (a message wrapped over
// lines has spaces in it).
bool joins_name_literals(std::string_view text) {
  for (size_t at = text.find('+'); at != std::string_view::npos; at = text.find('+', at + 1)) {
    size_t left_end = text.find_last_not_of(" \t", at == 0 ? 0 : at - 1);
    size_t right = text.find_first_not_of(" \t", at + 1);
    if (left_end == std::string_view::npos || right == std::string_view::npos) continue;
    char quote = text[left_end];
    if (quote != '"' && quote != '\'') continue;
    size_t left_open = text.rfind(quote, left_end == 0 ? 0 : left_end - 1);
    if (left_open == std::string_view::npos || left_end - left_open > 41) continue;
    auto right_literal = literal_at(text, right);
    if (!right_literal) continue;
    if (name_like(text.substr(left_open + 1, left_end - left_open - 1)) && name_like(right_literal->first)) return true;
  }
  return false;
}

// '~/.{}/{}'.format('aws', 'credentials'), "%s%s" % ("AWS_SECRET", "_ACCESS_KEY"): a template filled
// with literals.
bool formats_name_literals(std::string_view text) {
  for (std::string_view needle : {"}'.format('", "}\".format(\"", "}\".format('", "}'.format(\""})
    if (has(text, needle)) return true;
  for (std::string_view needle : {"' % ", "\" % "})
    for (size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
      size_t value = at + needle.size();
      if (value < text.size() && text[value] == '(') ++value;
      if (value >= text.size() || (text[value] != '\'' && text[value] != '"')) continue;
      size_t from = at > 40 ? at - 40 : 0;
      if (has(text.substr(from, at - from), "%s")) return true;
    }
  return false;
}

bool go_may_compute_names(std::string_view text) {
  for (std::string_view needle : {"DecodeString(", "[]byte{", "[]rune{", "strings.Join([]string{", "reflect.ValueOf("})
    if (has(text, needle)) return true;
  return joins_name_literals(text);
}

bool may_compute_names(std::string_view text, bool python) {
  auto literal_list = [](std::string_view next) {  // what a join joins, written out
    return !next.empty() && (next[0] == '[' || next[0] == '(' || next.starts_with("map(") || next.starts_with("reversed(") ||
                             next.starts_with("list(") || next.starts_with("chr("));
  };
  if (joins_name_literals(text)) return true;
  if (python) {
    for (std::string_view needle : {"b64decode", "fromhex", "[::-1]", "codecs.decode(", "codecs.encode(", ") + chr(", ")+chr("})
      if (has(text, needle)) return true;
    if (formats_name_literals(text)) return true;
    for (std::string_view needle : {"import_module(", "__import__(", "sys.modules[", "sys.modules.get(", "globals()[", "globals().get(",
                                    "vars()[", "locals()[", "__dict__["})
      if (lookup_computes(text, needle)) return true;
    for (std::string_view join : {"\"\".join(", "''.join(", "\"_\".join(", "'_'.join(", "\"/\".join(", "'/'.join(", "\".\".join(",
                                  "'.'.join("})
      if (any_followed_by(text, join, literal_list)) return true;
    return getattr_computes(text);
  }
  for (std::string_view needle : {"Reflect.get", "globalThis[", "= globalThis;", "= globalThis\n", "global[", "window[",
                                  "'].join(", "\"].join(", ".reverse().join(", "fromCharCode", "atob(", "'base64').toString(",
                                  "\"base64\").toString(", "'hex').toString(", "${'", "${\"", "getOwnPropertyDescriptor("})
    if (has(text, needle)) return true;
  // g['pro' + 'cess']: a key joined from pieces
  for (size_t at = text.find('['); at != std::string_view::npos; at = text.find('[', at + 1)) {
    size_t close = text.find_first_of("]\n", at);
    if (close == std::string_view::npos) break;
    std::string_view inside = text.substr(at + 1, close - at - 1);
    if (!inside.empty() && (inside.front() == '\'' || inside.front() == '"' || inside.front() == '`') && has(inside, "+")) return true;
  }
  return false;
}

}  // namespace

SpelledNames spell_computed_names(Language language, const SyntaxTree& tree) {
  if (!may_compute_names(language, tree.text())) return SpelledNames{};
  return Speller(tree, language).run();
}

bool may_compute_names(Language language, std::string_view text) {
  bool javascript = language == Language::javascript || language == Language::typescript || language == Language::tsx;
  if (language == Language::go) return go_may_compute_names(text);
  if (language == Language::python || javascript) return may_compute_names(text, language == Language::python);
  return false;
}

}  // namespace toolwall::code
