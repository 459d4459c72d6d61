#include "analysis/code/embedded_commands.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <optional>
#include <regex>
#include <set>

#include "analysis/code/change_parsers.h"
#include "analysis/code/query_runner.h"
#include "analysis/code/secret_vendor.h"
#include "analysis/code/syntax.h"
#include "analysis/code/syntax_walk.h"
#include "analysis/shell/cargo_config.h"
#include "analysis/shell/systemd_unit.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/git_config.h"
#include "analysis/shell/name_set.h"
#include "analysis/shell/shell_analyzer.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

constexpr size_t kMaxScripts = 512;

// What an extractor reads: the file, and its syntax tree when the analyser already parsed it.
struct ScriptSource {
  const FileKind& kind;
  const std::string& path;
  std::string_view content;
  bool fragment;           // an edit snippet, not the whole file
  const SyntaxTree* tree;  // content parsed in kind.language, or null
};

// The content's tree in `language`: the analyser's when it parsed this text in that language (no second
// parse of the same bytes), else parsed here into `own`. Null when the content does not parse.
const SyntaxTree* tree_in(const ScriptSource& source, Language language, std::optional<SyntaxTree>& own) {
  if (source.tree && source.kind.language == language && source.tree->text() == source.content)
    return source.tree;
  auto parsed = parse(language, source.content);
  if (!parsed) return nullptr;
  own.emplace(std::move(*parsed));
  return &*own;
}

class ScriptBuilder {
 public:
  void add(std::string_view piece, uint32_t file_offset) {
    for (size_t i = 0; i < piece.size(); ++i) add_char(piece[i], file_offset + static_cast<uint32_t>(i));
  }
  void add_char(char c, uint32_t file_offset) {
    script_.text.push_back(c);
    script_.offsets.push_back(file_offset);
  }
  bool empty() const { return script_.text.find_first_not_of(" \t\r\n") == std::string::npos; }
  const std::string& text() const { return script_.text; }
  uint32_t end_offset() const { return script_.offsets.empty() ? 0 : script_.offsets.back() + 1; }
  void append(const ScriptBuilder& other) {
    script_.text += other.script_.text;
    script_.offsets.insert(script_.offsets.end(), other.script_.offsets.begin(), other.script_.offsets.end());
  }
  // A line continued into nothing (the next line is not part of it) ends without its backslash.
  void drop_trailing_continuation() {
    while (!script_.text.empty() && (script_.text.back() == '\n' || script_.text.back() == '\\')) {
      script_.text.pop_back();
      script_.offsets.pop_back();
    }
  }
  EmbeddedScript finish(std::string origin, std::string label) {
    script_.offsets.push_back(script_.offsets.empty() ? 0 : script_.offsets.back() + 1);
    script_.origin = std::move(origin);
    script_.label = std::move(label);
    return std::move(script_);
  }

 private:
  EmbeddedScript script_;
};

std::vector<std::pair<std::string_view, uint32_t>> lines_with_offsets(std::string_view text) {
  std::vector<std::pair<std::string_view, uint32_t>> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.emplace_back(line, static_cast<uint32_t>(start));
    if (end == text.size()) break;
    start = end + 1;
  }
  return out;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

// ---- package.json ----------------------------------------------------------------------------

bool is_install_lifecycle(std::string_view name) {
  // npm's, and composer's (pre/post-install-cmd … run by composer install and update).
  static constexpr std::array<std::string_view, 20> kNames{
      "preinstall", "install",  "postinstall",  "prepare",   "preprepare",    "postprepare", "prepublish",
      "prepack",    "postpack", "preuninstall", "uninstall", "postuninstall", "dependencies",
      "pre-install-cmd", "post-install-cmd", "pre-update-cmd", "post-update-cmd", "post-autoload-dump",
      "post-root-package-install", "post-create-project-cmd"};
  return std::find(kNames.begin(), kNames.end(), name) != kNames.end();
}

// Decodes a JSON string literal node's escapes, mapping each byte to its source offset.
void decode_json_string(const SyntaxTree& tree, TSNode string_node, int32_t shift, ScriptBuilder& out) {
  std::string_view raw = tree.text_of(string_node);
  uint32_t base = ts_node_start_byte(string_node);
  if (raw.size() < 2) return;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    uint32_t at = static_cast<uint32_t>(static_cast<int64_t>(base + i) + shift);
    if (raw[i] != '\\' || i + 2 >= raw.size()) {
      out.add_char(raw[i], at);
      continue;
    }
    char e = raw[i + 1];
    ++i;
    switch (e) {
      case 'n':
        out.add_char('\n', at);
        break;
      case 't':
        out.add_char('\t', at);
        break;
      case 'r':
        out.add_char('\r', at);
        break;
      case 'b':
      case 'f':
        out.add_char(' ', at);
        break;
      case 'u': {
        // Only ASCII escapes matter to the shell; others become a placeholder byte.
        unsigned value = 0;
        size_t digits = 0;
        while (digits < 4 && i + 1 < raw.size() - 1 &&
               std::isxdigit(static_cast<unsigned char>(raw[i + 1]))) {
          char h = raw[i + 1];
          value = value * 16 +
                  static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(h))
                                            ? h - '0'
                                            : (std::tolower(static_cast<unsigned char>(h)) - 'a' + 10));
          ++i, ++digits;
        }
        out.add_char(value < 0x80 ? static_cast<char>(value) : '?', at);
        break;
      }
      default:
        out.add_char(e, at);
        break;
    }
  }
}

std::string json_string_value(const SyntaxTree& tree, TSNode string_node) {
  ScriptBuilder b;
  decode_json_string(tree, string_node, 0, b);
  return b.finish("", "").text;
}

TSNode field(TSNode node, const char* name) { return field_child(node, name); }

// A member of an edit snippet of package.json that reads as a script: a command line (a word, then a space)
// under a key that is not one of the manifest's own fields. Dependencies' versions and URLs have no spaces.
bool looks_like_script_member(std::string_view key, std::string_view value) {
  static const std::array<std::string_view, 14> kManifestFields{
      "name", "version", "description", "main", "module", "types", "typings", "license", "author", "homepage",
      "type", "engines", "packageManager", "browser"};
  if (std::find(kManifestFields.begin(), kManifestFields.end(), key) != kManifestFields.end()) return false;
  if (value.empty() || !std::isalpha(static_cast<unsigned char>(value.front()))) return false;
  return value.find(' ') != std::string_view::npos;
}

void package_json_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::string_view content = source.content;
  bool fragment = source.fragment;
  // An edit snippet of package.json is a run of members; braces make it parse as an object.
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = nullptr;
  int32_t shift = 0;
  std::string wrapped;
  if (fragment && !trim_left(content).empty() && trim_left(content).front() != '{') {
    wrapped = "{" + std::string(content) + "\n}";
    shift = -1;
    if (auto parsed = parse(Language::json, wrapped)) tree = &own.emplace(std::move(*parsed));
  } else {
    tree = tree_in(source, Language::json, own);
  }
  if (!tree) return;
  std::string base = lower(normalize_path(source.path));
  base = base.substr(base.rfind('/') == std::string::npos ? 0 : base.rfind('/') + 1);
  const char* scripts_key = base == "deno.json" || base == "deno.jsonc" ? "tasks" : "scripts";
  std::vector<TSNode> stack{tree->root()};
  bool found_scripts = false;
  std::vector<TSNode> loose_pairs;
  size_t visited = 0;
  while (!stack.empty() && visited++ < kMaxWalkNodes) {
    TSNode node = stack.back();
    stack.pop_back();
    if (std::string_view(ts_node_type(node)) == "pair") {
      TSNode key = field(node, "key"), value = field(node, "value");
      if (!ts_node_is_null(key) && !ts_node_is_null(value)) {
        std::string name = json_string_value(*tree, key);
        if (name == scripts_key && std::string_view(ts_node_type(value)) == "object") {
          found_scripts = true;
          for (uint32_t i = 0; i < ts_node_named_child_count(value) && out.size() < kMaxScripts; ++i) {
            TSNode pair = ts_node_named_child(value, i);
            TSNode k = field(pair, "key"), v = field(pair, "value");
            if (ts_node_is_null(k) || ts_node_is_null(v)) continue;
            std::string_view value_type = ts_node_type(v);
            if (value_type == "object") {  // deno: {"command": "…", "dependencies": […]}
              for (uint32_t j = 0; j < ts_node_named_child_count(v); ++j) {
                TSNode member = ts_node_named_child(v, j), name = field(member, "key"), command = field(member, "value");
                if (!ts_node_is_null(name) && !ts_node_is_null(command) && json_string_value(*tree, name) == "command")
                  v = command;
              }
              value_type = ts_node_type(v);
            }
            if (value_type != "string" && value_type != "array") continue;
            std::string script_name = json_string_value(*tree, k);
            ScriptBuilder b;
            if (value_type == "string") {
              decode_json_string(*tree, v, shift, b);
            } else {  // composer.json: a list of command lines
              for (uint32_t j = 0; j < ts_node_named_child_count(v); ++j) {
                TSNode line = ts_node_named_child(v, j);
                if (std::string_view(ts_node_type(line)) != "string") continue;
                ScriptBuilder one;
                decode_json_string(*tree, line, shift, one);
                EmbeddedScript decoded = one.finish("", "");
                // A PHP callback (Vendor\\Class::method) or another script's name (@other) runs no command.
                static const std::regex kCallback(R"(^\\?[A-Za-z_][A-Za-z0-9_\\]*::[A-Za-z_][A-Za-z0-9_]*$)");
                if (std::regex_match(decoded.text, kCallback) ||
                    (starts_with(decoded.text, "@") && decoded.text.find(' ') == std::string::npos))
                  continue;
                // @php and @composer are composer's own names for the PHP binary and itself.
                size_t skip = starts_with(decoded.text, "@php ") || starts_with(decoded.text, "@composer ") ? 1 : 0;
                for (size_t k = skip; k < decoded.text.size(); ++k) b.add_char(decoded.text[k], decoded.offsets[k]);
                b.add_char('\n', static_cast<uint32_t>(static_cast<int64_t>(ts_node_end_byte(line)) + shift));
              }
              if (b.empty()) continue;
            }
            bool lifecycle = is_install_lifecycle(script_name) && std::string_view(scripts_key) == "scripts";
            out.push_back(b.finish(lifecycle ? "install_hook" : "package_script", std::string(scripts_key) + "." + script_name));
          }
          continue;
        }
        if (std::string_view(ts_node_type(value)) == "string" && (is_install_lifecycle(name) || looks_like_script_member(name, json_string_value(*tree, value))))
          loose_pairs.push_back(node);
      }
    }
    for (uint32_t i = ts_node_child_count(node); i-- > 0;) stack.push_back(ts_node_child(node, i));
  }
  // A snippet showing only `"postinstall": "…"` still installs a hook once placed in "scripts"; one showing
  // `"test": "jest && …"` changes what `npm test` runs.
  if (!found_scripts && fragment) {
    for (TSNode pair : loose_pairs) {
      ScriptBuilder b;
      decode_json_string(*tree, field(pair, "value"), shift, b);
      std::string name = json_string_value(*tree, field(pair, "key"));
      out.push_back(b.finish(is_install_lifecycle(name) ? "install_hook" : "package_script", "scripts." + name));
    }
  }
}

// ---- Makefile ----------------------------------------------------------------------------------

// A Makefile's variables: name, then value and where it is set.
using MakeVariables = std::vector<std::pair<std::string, std::pair<std::string, uint32_t>>>;

// The file's variables set once to a plain value (no $ in it): name, value and where it is set.
MakeVariables plain_make_variables(std::string_view content) {
  static const std::regex kPlain(R"(^\s*(export\s+|override\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*(\?|:|::|!)?=\s*(.*)$)");
  MakeVariables out;
  std::vector<std::string> unusable;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    if (line.empty() || line[0] == '\t' || line.back() == '\\') continue;
    std::cmatch m;
    if (!std::regex_match(line.data(), line.data() + line.size(), m, kPlain)) continue;
    std::string name = m[2].str(), value = m[4].str();
    while (!value.empty() && (value.back() == ' ' || value.back() == '\r')) value.pop_back();
    if (m[3].str() == "!") continue;  // != runs a shell command: its output is not known here
    auto known = std::find_if(out.begin(), out.end(), [&](const auto& v) { return v.first == name; });
    if (m[3].str() == "?" && known != out.end()) continue;  // ?= keeps an earlier value
    if (value.find_first_of("$'\\`") != std::string::npos || value.find('#') != std::string::npos) {
      unusable.push_back(name);
      continue;
    }
    if (known != out.end()) known->second = {value, static_cast<uint32_t>(offset + m.position(4))};
    else out.push_back({name, {value, static_cast<uint32_t>(offset + m.position(4))}});
    if (out.size() >= 64) break;
  }
  std::erase_if(out, [&](const auto& v) { return std::find(unusable.begin(), unusable.end(), v.first) != unusable.end(); });
  return out;
}

// Make syntax in a recipe becomes the shell text make would hand to sh: "$$" is "$", "$(VAR)" a
// variable. Lengths are kept where possible so the byte map stays exact.
void add_make_text(std::string_view text, uint32_t base, ScriptBuilder& b, int depth = 0,
                   const MakeVariables* variables = nullptr) {
  auto put = [&](std::string_view piece, uint32_t at) {
    for (char c : piece) b.add_char(c, at);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    uint32_t at = base + static_cast<uint32_t>(i);
    if (text[i] != '$' || i + 1 >= text.size()) {
      b.add_char(text[i], at);
      continue;
    }
    char next = text[i + 1];
    if (next == '$') {  // "$$" is a literal "$" for the shell
      b.add_char('$', at);
      ++i;
      continue;
    }
    if (next == '(' || next == '{') {
      char close = next == '(' ? ')' : '}';
      size_t j = i + 2;
      int open = 1;
      for (; j < text.size() && open > 0; ++j) {
        if (text[j] == next) ++open;
        if (text[j] == close) --open;
      }
      if (open != 0) {
        b.add_char(text[i], at);
        continue;
      }
      std::string_view inner = text.substr(i + 2, j - 1 - (i + 2));
      bool simple = !inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      const std::string* value = nullptr;
      if (simple && variables)
        for (const auto& [name, set] : *variables)
          if (name == inner) value = &set.first;
      if (value) {
        put(*value, at);  // make puts the value in the line; the shell never sees the variable
      } else if (simple && variables && inner == "SHELL") {
        put("/bin/sh", at);  // make's default
      } else if (simple) {
        put("${", at);
        b.add(inner, at + 2);
        b.add_char('}', at + 2 + static_cast<uint32_t>(inner.size()));
      } else if (inner.substr(0, 6) == "shell " && depth < 4) {  // $(shell cmd) runs cmd
        put("$(", at);
        add_make_text(inner.substr(6), at + 8, b, depth + 1, variables);
        b.add_char(')', base + static_cast<uint32_t>(j - 1));
      } else {  // a make function ($(if …), $(patsubst …)) is make's business, not the shell's
        put("${MAKE_EXPR}", at);
      }
      i = j - 1;
      continue;
    }
    // Automatic variables: $@ $? $* read as shell; $< $^ $+ $| $% become $@ so the line parses.
    if (next == '<' || next == '^' || next == '+' || next == '|' || next == '%') {
      put("$@", at);
      ++i;
      continue;
    }
    b.add_char(text[i], at);
  }
}

// The command inside each `$(shell …)` of a line, found by balancing parentheses.
void add_shell_calls(std::string_view line, uint32_t offset, ScriptBuilder& b, const MakeVariables* variables) {
  size_t pos = 0;
  while ((pos = line.find("$(shell ", pos)) != std::string_view::npos) {
    size_t begin = pos + 8, i = begin;
    int depth = 1;
    for (; i < line.size() && depth > 0; ++i) {
      if (line[i] == '(') ++depth;
      if (line[i] == ')') --depth;
    }
    if (depth != 0) break;
    add_make_text(line.substr(begin, i - 1 - begin), offset + static_cast<uint32_t>(begin), b, 0, variables);
    b.add_char('\n', offset + static_cast<uint32_t>(i));
    pos = i;
  }
}

// Recipe lines (tab-indented lines that follow a rule) run in a shell; so does every `$(shell …)`.
// Tab-indented continuation lines of a variable definition are not recipes, nor are define blocks.
void makefile_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kAssignment(
      R"(^\s*(export\s+|override\s+)?[A-Za-z0-9_.\-${}()]+\s*(\?|\+|:|::|!)?=)");
  static const std::regex kDirective(
      R"(^\s*(-?include|sinclude|ifeq|ifneq|ifdef|ifndef|else|endif|export|unexport|override|vpath|\.RECIPEPREFIX)\b)");
  // Each logical recipe line is its own script, as make runs it, so one odd line cannot hide the
  // others; `$(shell …)` calls are gathered into one more script. The file's plain variables are
  // expanded as make expands them before the shell runs the line.
  MakeVariables variables = plain_make_variables(content);
  ScriptBuilder recipe, shell_calls;
  auto flush = [&] {
    if (!recipe.empty() && out.size() < kMaxScripts) out.push_back(recipe.finish("build_recipe", "recipe"));
    recipe = ScriptBuilder();
  };
  bool in_rule = false, in_define = false, continued_recipe = false, continued_other = false;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    bool ends_with_backslash = !line.empty() && line.back() == '\\';
    if (in_define) {
      if (std::string_view(trim_left(line)).substr(0, 5) == "endef") in_define = false;
      continue;
    }
    if (!line.empty() && line[0] == '\t' && in_rule && !continued_other) {
      std::string_view body = line.substr(1);
      uint32_t at = offset + 1;
      if (!continued_recipe) {
        while (!body.empty() && (body[0] == '@' || body[0] == '-' || body[0] == '+' || body[0] == ' ')) {
          body.remove_prefix(1);
          ++at;
        }
      }
      add_make_text(body, at, recipe, 0, &variables);
      recipe.add_char('\n', offset + static_cast<uint32_t>(line.size()));
      continued_recipe = ends_with_backslash;
      if (!continued_recipe) flush();  // make runs each logical recipe line in its own shell
      continue;
    }
    static const std::regex kConditional(R"(^\s*(ifeq|ifneq|ifdef|ifndef|else|endif)\b)");
    if (continued_recipe && std::regex_search(std::string(line), kConditional))
      continue;  // make resolves conditionals inside a continued recipe line before the shell sees it
    if (continued_recipe) recipe.drop_trailing_continuation();
    continued_recipe = false;
    flush();
    add_shell_calls(line, offset, shell_calls, &variables);  // runs when make reads the file
    if (continued_other) {
      continued_other = ends_with_backslash;
      continue;
    }
    std::string_view t = trim_left(line);
    if (t.empty() || t[0] == '#') continue;
    continued_other = ends_with_backslash;
    if (t.substr(0, 6) == "define") {
      in_define = true;
      in_rule = false;
      flush();
      continue;
    }
    std::string text(line);
    if (std::regex_search(text, kDirective)) continue;  // conditionals keep the current rule
    flush();
    if (std::regex_search(text, kAssignment)) {
      in_rule = false;
      continue;
    }
    in_rule = t.find(':') != std::string_view::npos;  // target: prerequisites
  }
  flush();
  if (!shell_calls.empty()) out.push_back(shell_calls.finish("build_recipe", "$(shell)"));
}

// ---- justfile ---------------------------------------------------------------------------------

// Indented lines under a recipe header run in sh, one line per shell (`{{expr}}` is just's
// interpolation: an opaque value to the shell).
void justfile_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  bool in_recipe = false;
  for (auto [line, offset] : lines_with_offsets(content)) {
    if (out.size() >= kMaxScripts) break;
    std::string_view t = trim_left(line);
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    if (!indented) {
      // `name arg:` or `name: deps` starts a recipe; `x := value` and `set …` do not.
      in_recipe = !t.empty() && t[0] != '#' && t.find(":=") == std::string_view::npos &&
                  t.find(':') != std::string_view::npos && !starts_with(t, "set ");
      continue;
    }
    if (!in_recipe || t.empty() || t[0] == '#') continue;
    ScriptBuilder b;
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (t[0] == '@' || t[0] == '-') t.remove_prefix(1), ++at;  // quiet / ignore-error markers
    for (size_t i = 0; i < t.size(); ++i) {
      if (t.compare(i, 2, "{{") == 0) {
        size_t close = t.find("}}", i + 2);
        if (close != std::string_view::npos) {
          for (char c : std::string_view("${JUST_EXPRESSION}")) b.add_char(c, at + static_cast<uint32_t>(i));
          i = close + 1;
          continue;
        }
      }
      b.add_char(t[i], at + static_cast<uint32_t>(i));
    }
    if (!b.empty()) out.push_back(b.finish("build_recipe", "recipe"));
  }
}

// ---- Dockerfile --------------------------------------------------------------------------------

// A file an earlier instruction downloaded (ADD <url>, or curl/wget -o in a RUN) stays in the image,
// so a later RUN that names it is analysed after that download: fetch-then-run across instructions is
// one flow. `script` is the download's text with its file offsets (no end marker).
struct ImageDownload {
  std::string path;
  EmbeddedScript script;
};

bool starts_with_word_ci(std::string_view t, std::string_view word) {
  if (t.size() <= word.size() || (t[word.size()] != ' ' && t[word.size()] != '\t')) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(t[i])) != word[i]) return false;
  return true;
}

// ADD [--flags] https://… dest: the download as the curl command it amounts to.
std::optional<ImageDownload> add_from_url(std::string_view t, uint32_t at) {
  std::vector<std::string_view> words;
  size_t i = 3;
  while (i < t.size() && words.size() < 16) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    size_t start = i;
    while (i < t.size() && t[i] != ' ' && t[i] != '\t') ++i;
    if (i > start && t[start] != '-') words.push_back(t.substr(start, i - start));
  }
  if (words.size() != 2 || !(starts_with(words[0], "http://") || starts_with(words[0], "https://"))) return {};
  std::string path(words[1]);
  if (!path.empty() && path.back() == '/') {
    std::string_view url = words[0];
    size_t slash = url.rfind('/');
    path += std::string(url.substr(slash + 1));
  }
  ScriptBuilder b;
  b.add("curl -fsSL -o " + path + " " + std::string(words[0]), at);
  EmbeddedScript script = b.finish("build_recipe", "ADD");
  script.offsets.pop_back();
  return ImageDownload{path, std::move(script)};
}

// The script with the earlier downloads of the files it names run before it.
EmbeddedScript after_downloads(EmbeddedScript script, const std::vector<ImageDownload>& downloads) {
  EmbeddedScript out;
  for (const auto& d : downloads) {
    if (d.path.size() < 3 || script.text.find(d.path) == std::string::npos || d.script.offsets.empty()) continue;
    out.text += d.script.text;
    out.offsets.insert(out.offsets.end(), d.script.offsets.begin(), d.script.offsets.end());
    out.text.push_back('\n');
    out.offsets.push_back(d.script.offsets.back());
  }
  if (out.text.empty()) return script;
  out.text += script.text;
  out.offsets.insert(out.offsets.end(), script.offsets.begin(), script.offsets.end());
  out.origin = std::move(script.origin);
  out.label = std::move(script.label);
  return out;
}

void dockerfile_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  auto lines = lines_with_offsets(content);
  std::vector<ImageDownload> downloads;
  static const std::regex kDownloadTo(
      R"(\b(curl|wget)\b[^\n;&|]*?\s(-o|-O|--output|--output-document)(=|\s+)([^\s;&|'"]+))");
  for (size_t i = 0; i < lines.size() && out.size() < kMaxScripts; ++i) {
    auto [line, offset] = lines[i];
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (starts_with_word_ci(t, "ADD") && downloads.size() < 16) {
      if (auto d = add_from_url(t, at)) downloads.push_back(std::move(*d));
      continue;
    }
    if (t.size() < 4 ||
        !(std::toupper(static_cast<unsigned char>(t[0])) == 'R' &&
          std::toupper(static_cast<unsigned char>(t[1])) == 'U' &&
          std::toupper(static_cast<unsigned char>(t[2])) == 'N' && (t[3] == ' ' || t[3] == '\t')))
      continue;
    t.remove_prefix(4);
    at += 4;
    auto skip_space = [&] {
      while (!t.empty() && (t[0] == ' ' || t[0] == '\t')) t.remove_prefix(1), ++at;
    };
    skip_space();
    while (starts_with(t, "--")) {  // --mount=…, --network=…
      size_t space = t.find_first_of(" \t");
      if (space == std::string_view::npos) space = t.size();
      t.remove_prefix(space);
      at += static_cast<uint32_t>(space);
      skip_space();
    }
    ScriptBuilder b;
    if (starts_with(t, "<<")) {  // RUN <<EOF … EOF (BuildKit heredoc)
      std::string delimiter(t.substr(2));
      delimiter.erase(std::remove_if(delimiter.begin(), delimiter.end(),
                                     [](char c) { return c == '-' || c == '"' || c == '\''; }),
                      delimiter.end());
      while (!delimiter.empty() && std::isspace(static_cast<unsigned char>(delimiter.back())))
        delimiter.pop_back();
      for (++i; i < lines.size() && trim_left(lines[i].first) != delimiter; ++i) {
        b.add(lines[i].first, lines[i].second);
        b.add_char('\n', lines[i].second + static_cast<uint32_t>(lines[i].first.size()));
      }
    } else if (starts_with(t, "[")) {  // exec form: ["sh", "-c", "…"] — the strings, space-joined
      static const std::regex item(R"("((?:[^"\\]|\\.)*)\")");
      std::string text(t);
      for (auto it = std::sregex_iterator(text.begin(), text.end(), item); it != std::sregex_iterator();
           ++it) {
        b.add((*it)[1].str(), at + static_cast<uint32_t>(it->position(1)));
        b.add_char(' ', at + static_cast<uint32_t>(it->position(0) + it->length(0)));
      }
    } else {
      // Shell form: continuation lines are kept as written; the shell reads "\\\n" the same way.
      b.add(t, at);
      while (!line.empty() && line.back() == '\\' && i + 1 < lines.size()) {
        b.add_char('\n', offset + static_cast<uint32_t>(line.size()));
        ++i;
        line = lines[i].first;
        offset = lines[i].second;
        if (trim_left(line).substr(0, 1) == "#") {  // Docker drops comment lines inside a RUN
          line = "\\";
          continue;
        }
        b.add(line, offset);
      }
    }
    if (b.empty()) continue;
    EmbeddedScript script = b.finish("build_recipe", "RUN");
    std::smatch m;
    std::optional<ImageDownload> fetched;
    if (downloads.size() < 16 && std::regex_search(script.text, m, kDownloadTo)) {
      fetched = ImageDownload{m[4].str(), script};
      fetched->script.offsets.pop_back();
    }
    out.push_back(after_downloads(std::move(script), downloads));
    if (fetched) downloads.push_back(std::move(*fetched));
  }
}

// ---- CI workflows --------------------------------------------------------------------------

bool is_ci_script_key(std::string_view key) {
  return key == "run" || key == "script" || key == "before_script" || key == "after_script" ||
         key == "install" || key == "before_install" || key == "commands" || key == "command" ||
         key == "pre_build" || key == "build" || key == "entry" || key == "cmds" || key == "cmd" ||
         key == "init" || key == "before";  // Gitpod tasks
}

// A YAML scalar's value with its byte map: quotes, escapes, block indentation and folding undone.
void decode_yaml_scalar(const SyntaxTree& tree, TSNode node, ScriptBuilder& b) {
  std::string_view type = ts_node_type(node);
  std::string_view raw = tree.text_of(node);
  uint32_t base = ts_node_start_byte(node);
  if (type == "block_scalar") {
    size_t header_end = raw.find('\n');
    if (header_end == std::string_view::npos) return;
    bool folded = raw[0] == '>';
    auto lines = lines_with_offsets(raw.substr(header_end + 1));
    size_t indent = std::string_view::npos;
    for (const auto& [l, o] : lines) {
      size_t first = l.find_first_not_of(' ');
      if (first != std::string_view::npos) indent = std::min(indent, first);
    }
    if (indent == std::string_view::npos) return;
    uint32_t body = base + static_cast<uint32_t>(header_end + 1);
    for (const auto& [l, o] : lines) {
      if (l.size() > indent) b.add(l.substr(indent), body + o + static_cast<uint32_t>(indent));
      b.add_char(folded && l.size() > indent ? ' ' : '\n', body + o + static_cast<uint32_t>(l.size()));
    }
    return;
  }
  size_t begin = 0, end = raw.size();
  bool dq = type == "double_quote_scalar", sq = type == "single_quote_scalar";
  if ((dq || sq) && raw.size() >= 2) begin = 1, end = raw.size() - 1;
  for (size_t i = begin; i < end; ++i) {
    uint32_t at = base + static_cast<uint32_t>(i);
    char c = raw[i];
    if (c == '\n') {  // a multi-line flow scalar folds its line breaks into spaces
      b.add_char(' ', at);
      while (i + 1 < end && (raw[i + 1] == ' ' || raw[i + 1] == '\t')) ++i;
      continue;
    }
    if (dq && c == '\\' && i + 1 < end) {
      char e = raw[++i];
      b.add_char(e == 'n' ? '\n' : e == 't' ? '\t' : e, at);
      continue;
    }
    if (sq && c == '\'' && i + 1 < end && raw[i + 1] == '\'') {
      b.add_char('\'', at);
      ++i;
      continue;
    }
    b.add_char(c, at);
  }
}

TSNode scalar_under(TSNode node) {
  for (int depth = 0; depth < 4 && !ts_node_is_null(node); ++depth) {
    std::string_view type = ts_node_type(node);
    if (type == "plain_scalar" || type == "double_quote_scalar" || type == "single_quote_scalar" ||
        type == "block_scalar")
      return node;
    if (type != "flow_node" && type != "block_node") break;
    TSNode next{};
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      std::string_view t = ts_node_type(ts_node_named_child(node, i));
      if (t != "tag" && t != "anchor") next = ts_node_named_child(node, i);
    }
    node = next;
  }
  return TSNode{};
}

bool secret_like_name(std::string_view name) {
  static const std::regex kSecret("(TOKEN|SECRET|KEY|PASS|PWD|CREDENTIAL|AUTH|PRIVATE|CERT)",
                                  std::regex::icase);
  return std::regex_search(name.begin(), name.end(), kSecret);
}

// GitHub expressions are not shell: `${{ secrets.X }}` becomes the secret-named variable $X so the
// shell analyser sees a secret source; other expressions become an opaque variable.
EmbeddedScript replace_ci_expressions(EmbeddedScript script) {
  if (script.text.find("${{") == std::string::npos) return script;
  EmbeddedScript out;
  out.origin = script.origin;
  out.label = script.label;
  out.shell = script.shell;
  out.secrets_to_tests = std::move(script.secrets_to_tests);
  static const std::regex kSecretRef(
      R"(^\s*secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*'([^']+)'\s*\])\s*$)");
  static const std::regex kEnvRef(R"(^\s*env\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*$)");
  static const std::regex kAllSecrets(R"(^\s*(toJSON|toJson|tojson)\s*\(\s*secrets\s*\)\s*$)");
  // Event fields anyone who opens an issue, comments or pushes a branch writes.
  static const std::regex kUntrusted(
      R"(github\.(head_ref|event\.(issue\.(title|body)|comment\.body|review\.body|review_comment\.body|)"
      R"(pull_request\.(title|body|head\.(ref|label))|discussion\.(title|body)|head_commit\.(message|author\.(name|email))|)"
      R"(commits\b.*\.(message|author)|pages\b.*\.page_name|workflow_run\.head_branch)))");
  const std::string& t = script.text;
  // The runner substitutes expressions before the shell reads the line, so a quoted '${{ secrets.X }}'
  // still carries the secret: inside single quotes the variable is spliced in as '"${X}"'.
  bool in_single = false, in_double = false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\\' && !in_single && i + 1 < t.size()) {
      out.text.push_back(c);
      out.offsets.push_back(script.offsets[i]);
      ++i;
      out.text.push_back(t[i]);
      out.offsets.push_back(script.offsets[i]);
      continue;
    }
    if (c == '\'' && !in_double) in_single = !in_single;
    if (c == '"' && !in_single) in_double = !in_double;
    if (t.compare(i, 3, "${{") == 0) {
      size_t close = t.find("}}", i + 3);
      if (close != std::string::npos) {
        std::string expr = t.substr(i + 3, close - i - 3);
        std::smatch m;
        std::string replacement = "${CI_EXPRESSION}";
        if (std::regex_match(expr, m, kSecretRef)) {
          std::string name = m[1].matched ? m[1].str() : m[2].str();
          replacement = "${" + (secret_like_name(name) ? name : name + "_SECRET") + "}";
        } else if (std::regex_match(expr, m, kEnvRef)) {
          replacement = "${" + m[1].str() + "}";
        } else if (expr.find("github.token") != std::string::npos) {
          replacement = "${GITHUB_TOKEN}";
        } else if (std::regex_match(expr, m, kAllSecrets)) {
          replacement = "${ALL_SECRETS}";  // every repository secret
        }
        if (std::regex_search(expr, kUntrusted)) out.untrusted.emplace_back(script.offsets[i], expr);
        if (in_single) replacement = "'\"" + replacement + "\"'";
        for (char r : replacement) {
          out.text.push_back(r);
          out.offsets.push_back(script.offsets[i]);
        }
        i = close + 1;
        continue;
      }
    }
    out.text.push_back(t[i]);
    out.offsets.push_back(script.offsets[i]);
  }
  out.offsets.push_back(script.offsets.back());
  return out;
}

bool is_shell_name(const std::string& name) {
  return name == "sh" || name == "bash" || name == "zsh" || name == "/bin/sh" || name == "/bin/bash" ||
         name == "/usr/bin/bash" || name == "/usr/bin/env bash";
}

// Calls visit(key, value) for every mapping pair of a YAML file, in document order, while out has room.
template <typename Visit>
void for_each_yaml_pair(const SyntaxTree& tree, const std::vector<EmbeddedScript>& out, Visit visit) {
  std::vector<TSNode> stack{tree.root()};
  size_t visited = 0;
  while (!stack.empty() && visited++ < kMaxWalkNodes && out.size() < kMaxScripts) {
    TSNode node = stack.back();
    stack.pop_back();
    std::string_view type = ts_node_type(node);
    if (type == "block_mapping_pair" || type == "flow_pair") {
      TSNode key = field(node, "key"), value = field(node, "value");
      TSNode key_scalar = scalar_under(key);
      if (!ts_node_is_null(key_scalar) && !ts_node_is_null(value)) visit(tree.text_of(key_scalar), value);
    }
    for (uint32_t i = ts_node_named_child_count(node); i-- > 0;)
      stack.push_back(ts_node_named_child(node, i));
  }
}

// The key of the mapping pair that holds the mapping value sits in (with: for with: {script: …}).
std::string_view parent_key(const SyntaxTree& tree, TSNode value) {
  TSNode node = ts_node_parent(value);  // value's own pair
  for (int climb = 0; climb < 8 && !ts_node_is_null(node); ++climb) {
    node = ts_node_parent(node);
    if (ts_node_is_null(node)) break;
    std::string_view type = ts_node_type(node);
    if (type == "block_mapping_pair" || type == "flow_pair") {
      TSNode key = scalar_under(field(node, "key"));
      return ts_node_is_null(key) ? std::string_view() : tree.text_of(key);
    }
  }
  return {};
}

// The scalar items of a YAML sequence (block or flow), in order; nested mappings are skipped.
std::vector<TSNode> yaml_sequence_scalars(TSNode value) {
  std::vector<TSNode> scalars;
  std::vector<TSNode> items{value};
  size_t seen = 0;
  while (!items.empty() && seen++ < 4096) {
    TSNode n = items.back();
    items.pop_back();
    TSNode s = scalar_under(n);
    std::string_view t = ts_node_type(n);
    if (!ts_node_is_null(s) && (t == "flow_node" || t == "block_node")) {
      scalars.push_back(s);
      continue;
    }
    if (t == "block_mapping" || t == "flow_mapping") continue;  // `run: {name, command}`: its pairs come later
    for (uint32_t i = ts_node_named_child_count(n); i-- > 0;) items.push_back(ts_node_named_child(n, i));
  }
  return scalars;
}

// A step's env: secrets (${{ secrets.X }}) when its script runs a test suite or build that executes
// the project's and its dependencies' code (npm test, pytest, go test, make test …): any of that code
// can read them. Publishing and deploying with a secret is what it is for and is not listed.
std::vector<std::pair<uint32_t, std::string>> secrets_given_to_tests(const SyntaxTree& tree, TSNode run_value,
                                                                     std::string_view script) {
  static const std::regex kTestRun(
      R"((^|[\s;&|(])((npm|pnpm|yarn|bun)\s+(run\s+)?(test|build)\b|npx\s+(jest|vitest|mocha|playwright)\b|pytest\b|python3?\s+-m\s+pytest\b|tox\b|)"
      R"(go\s+test\b|cargo\s+(test|build)\b|make(\s+(test|check|build))?\s*($|[;&|])|mvn\s|gradle\w*\s|\./gradlew\s|rspec\b|bundle\s+exec\s+rspec\b|jest\b|vitest\b))");
  std::vector<std::pair<uint32_t, std::string>> out;
  std::string text(script);
  std::smatch test;
  if (!std::regex_search(text, test, kTestRun)) return out;
  TSNode pair = ts_node_parent(run_value);  // the run: pair, whose parent mapping is the step
  TSNode step = ts_node_is_null(pair) ? pair : ts_node_parent(pair);
  if (ts_node_is_null(step)) return out;
  for (uint32_t i = 0; i < ts_node_named_child_count(step); ++i) {
    TSNode sibling = ts_node_named_child(step, i);
    std::string_view type = ts_node_type(sibling);
    if (type != "block_mapping_pair" && type != "flow_pair") continue;
    TSNode key = scalar_under(field(sibling, "key"));
    TSNode env = field(sibling, "value");
    if (ts_node_is_null(key) || ts_node_is_null(env) || tree.text_of(key) != "env") continue;
    std::string_view block = tree.text_of(env);
    for (size_t at = block.find("secrets."); at != std::string_view::npos && out.size() < 8;
         at = block.find("secrets.", at + 8)) {
      size_t end = at + 8;
      while (end < block.size() && (std::isalnum(static_cast<unsigned char>(block[end])) || block[end] == '_')) ++end;
      std::string name(block.substr(at + 8, end - at - 8));
      if (name.empty() || name == "GITHUB_TOKEN") continue;  // the job's own token, scoped by permissions:
      out.push_back({ts_node_start_byte(env) + static_cast<uint32_t>(at),
                     "secrets." + name + " given to " + test.str(2)});
    }
  }
  return out;
}

// A step's env that hands the script every repository secret at once (CTX: ${{ toJSON(secrets) }}) is
// written before the script as an assignment, mapped to where the expression is. Single secrets given
// through env: are left to the variable's own name: CI steps hand their service its token, or a
// webhook URL to post to, all the time, and the shell reading would take the name for a leak.
void prepend_step_env(const SyntaxTree& tree, TSNode run_value, EmbeddedScript& script) {
  TSNode pair = ts_node_parent(run_value);
  TSNode step = ts_node_is_null(pair) ? pair : ts_node_parent(pair);
  if (ts_node_is_null(step)) return;
  EmbeddedScript assignments;
  for (uint32_t i = 0; i < ts_node_named_child_count(step); ++i) {
    TSNode sibling = ts_node_named_child(step, i);
    if (std::string_view(ts_node_type(sibling)) != "block_mapping_pair") continue;
    TSNode key = scalar_under(field(sibling, "key"));
    if (ts_node_is_null(key) || tree.text_of(key) != "env") continue;
    TSNode mapping = field(sibling, "value");
    if (!ts_node_is_null(mapping) && ts_node_named_child_count(mapping) == 1) mapping = ts_node_named_child(mapping, 0);
    for (uint32_t j = 0; !ts_node_is_null(mapping) && j < ts_node_named_child_count(mapping) && j < 32; ++j) {
      TSNode entry = ts_node_named_child(mapping, j);
      TSNode name = scalar_under(field(entry, "key"));
      TSNode value = scalar_under(field(entry, "value"));
      if (ts_node_is_null(name) || ts_node_is_null(value)) continue;
      std::string_view variable = tree.text_of(name), expression = tree.text_of(value);
      bool plain_name = !variable.empty() && std::all_of(variable.begin(), variable.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      static const std::regex kAllSecrets(R"(^"?\$\{\{\s*(toJSON|toJson|tojson)\s*\(\s*secrets\s*\)\s*\}\}"?$)");
      if (!plain_name || !std::regex_search(expression.begin(), expression.end(), kAllSecrets)) continue;
      if (expression.size() >= 2 && (expression.front() == '"') && expression.back() == '"') expression = expression.substr(1, expression.size() - 2);
      uint32_t at = ts_node_start_byte(value);
      for (char c : std::string(variable) + "='") assignments.text.push_back(c), assignments.offsets.push_back(at);
      for (char c : expression) assignments.text.push_back(c), assignments.offsets.push_back(at);
      for (char c : std::string("'\n")) assignments.text.push_back(c), assignments.offsets.push_back(at);
    }
  }
  if (assignments.text.empty()) return;
  script.text = assignments.text + script.text;
  assignments.offsets.insert(assignments.offsets.end(), script.offsets.begin(), script.offsets.end());
  script.offsets = std::move(assignments.offsets);
}

void ci_workflow_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = tree_in(source, Language::yaml, own);
  if (!tree) return;
  for_each_yaml_pair(*tree, out, [&](std::string_view name, TSNode value) {
    if (!is_ci_script_key(name)) return;
    ScriptBuilder b;
    TSNode scalar = scalar_under(value);
    if (!ts_node_is_null(scalar)) {
      decode_yaml_scalar(*tree, scalar, b);
    } else {  // a list of command lines (GitLab script:, Travis install:)
      for (TSNode line : yaml_sequence_scalars(value)) {
        decode_yaml_scalar(*tree, line, b);
        b.add_char('\n', ts_node_end_byte(line));
      }
    }
    if (b.empty()) return;
    EmbeddedScript script = b.finish("ci_workflow", std::string(name));
    // with: script: is an action's input (actions/github-script's JavaScript), not a shell step.
    script.shell = !(name == "script" && parent_key(*tree, value) == "with");
    if (script.shell) script.secrets_to_tests = secrets_given_to_tests(*tree, value, script.text);
    if (script.shell) prepend_step_env(*tree, value, script);
    out.push_back(replace_ci_expressions(std::move(script)));
  });
}

// Adds a decoded word as one single-quoted shell word ('\'' for its own quotes), so that an argv array
// reads as the argv it is (["-c", "curl … | sh"] stays one word). open/close: the quotes' source bytes.
void add_as_quoted_word(ScriptBuilder word, uint32_t open, uint32_t close, ScriptBuilder& b) {
  EmbeddedScript decoded = word.finish("", "");
  b.add_char('\'', open);
  for (size_t i = 0; i < decoded.text.size(); ++i) {
    if (decoded.text[i] == '\'') b.add("'\\''", decoded.offsets[i]);
    else b.add_char(decoded.text[i], decoded.offsets[i]);
  }
  b.add_char('\'', close);
}

void add_quoted_yaml_word(const SyntaxTree& tree, TSNode scalar, ScriptBuilder& b) {
  ScriptBuilder word;
  decode_yaml_scalar(tree, scalar, word);
  add_as_quoted_word(std::move(word), ts_node_start_byte(scalar), ts_node_end_byte(scalar), b);
}

// ---- container definitions: docker compose --------------------------------------------------

// Compose writes a literal `$` as `$$` ($VAR is compose's own interpolation, from the host's
// environment and .env, which the shell reading of ${VAR} stands for).
EmbeddedScript unescape_compose_dollars(EmbeddedScript script) {
  EmbeddedScript out;
  out.origin = std::move(script.origin);
  out.label = std::move(script.label);
  for (size_t i = 0; i < script.text.size(); ++i) {
    if (script.text[i] == '$' && i + 1 < script.text.size() && script.text[i + 1] == '$') ++i;
    out.text.push_back(script.text[i]);
    out.offsets.push_back(script.offsets[i]);
  }
  out.offsets.push_back(script.offsets.back());
  return out;
}

// A service's command:, entrypoint: and healthcheck test: run when the stack comes up (`docker compose
// up`), inside a container that gets the env_file and volumes the file gives it. A string is a shell
// line; a list is an argv (["sh", "-c", SCRIPT] runs SCRIPT; a healthcheck's ["CMD-SHELL", SCRIPT] too).
void compose_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = tree_in(source, Language::yaml, own);
  if (!tree) return;
  for_each_yaml_pair(*tree, out, [&](std::string_view name, TSNode value) {
    if (name != "command" && name != "entrypoint" && name != "test") return;
    ScriptBuilder b;
    TSNode scalar = scalar_under(value);
    if (!ts_node_is_null(scalar)) {
      decode_yaml_scalar(*tree, scalar, b);
    } else {
      std::vector<TSNode> words = yaml_sequence_scalars(value);
      auto word = [&](size_t i) { return i < words.size() ? unquote_literal(tree->text_of(words[i])) : std::string(); };
      size_t first = 0;
      if (word(0) == "CMD") first = 1;
      if (word(0) == "CMD-SHELL" || word(0) == "NONE") first = words.size() == 2 ? 1 : words.size();
      bool script = word(0) == "CMD-SHELL";
      if (is_shell_name(word(first)) && starts_with(word(first + 1), "-") && word(first + 1).find('c') != std::string::npos) {
        first += 2;
        script = true;
      }
      // A script is shell text; the words of an argv are each one word.
      for (size_t i = first; i < words.size(); ++i) {
        if (script) decode_yaml_scalar(*tree, words[i], b);
        else add_quoted_yaml_word(*tree, words[i], b);
        b.add_char(' ', ts_node_end_byte(words[i]));
      }
    }
    if (!b.empty()) out.push_back(unescape_compose_dollars(b.finish("build_recipe", "services." + std::string(name))));
  });
}

// ---- tox.ini ---------------------------------------------------------------------------------

// Adds one tox command line; {env:NAME} and {env:NAME:default} are the environment variable NAME.
void add_tox_line(std::string_view line, uint32_t at, ScriptBuilder& b) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line.compare(i, 5, "{env:") == 0) {
      size_t close = line.find('}', i);
      size_t name_end = line.find_first_of(":}", i + 5);
      if (close != std::string_view::npos && name_end > i + 5) {
        uint32_t from = at + static_cast<uint32_t>(i);
        b.add("${", from);
        b.add(line.substr(i + 5, name_end - i - 5), from + 5);
        b.add_char('}', at + static_cast<uint32_t>(close));
        i = close;
        continue;
      }
    }
    b.add_char(line[i], at + static_cast<uint32_t>(i));
  }
  b.add_char('\n', at + static_cast<uint32_t>(line.size()));
}

// tox runs the commands / commands_pre / commands_post of [testenv…] sections on `tox`: the first line
// after the `=` and the indented lines that continue it, one command each.
void tox_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  bool testenv = false, in_commands = false;
  ScriptBuilder b;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    bool continuation = !t.empty() && t.size() < line.size();
    if (in_commands && continuation && t[0] != '#' && t[0] != ';') {
      add_tox_line(t, at, b);
      continue;
    }
    if (in_commands && t.empty()) continue;
    in_commands = false;
    if (starts_with(t, "[")) {
      testenv = starts_with(t, "[testenv") || starts_with(t, "[tox:testenv");
      continue;
    }
    size_t eq = t.find('=');
    if (!testenv || eq == std::string_view::npos) continue;
    std::string_view key = t.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    if (key != "commands" && key != "commands_pre" && key != "commands_post") continue;
    in_commands = true;
    std::string_view first = trim_left(t.substr(eq + 1));
    if (!first.empty()) add_tox_line(first, at + static_cast<uint32_t>(t.size() - first.size()), b);
  }
  if (!b.empty()) out.push_back(b.finish("build_recipe", "tox commands"));
}

// ---- crontab, systemd ------------------------------------------------------------------------

void crontab_scripts(const std::string& path, std::string_view content, std::vector<EmbeddedScript>& out) {
  // System crontabs name a user between the schedule and the command.
  bool system = path == "/etc/crontab" || path.find("/etc/cron.d/") != std::string::npos ||
                starts_with(path, "etc/cron.d/");
  ScriptBuilder b;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('='), space = t.find_first_of(" \t");
    if (eq != std::string_view::npos && (space == std::string_view::npos || eq < space))
      continue;  // VAR=value
    size_t fields = t[0] == '@' ? 1 : 5;
    if (system) ++fields;
    for (size_t f = 0; f < fields && !t.empty(); ++f) {
      size_t end = t.find_first_of(" \t");
      if (end == std::string_view::npos) end = t.size();
      t.remove_prefix(end);
      at += static_cast<uint32_t>(end);
      while (!t.empty() && (t[0] == ' ' || t[0] == '\t')) t.remove_prefix(1), ++at;
    }
    if (t.empty()) continue;
    b.add(t, at);
    b.add_char('\n', at + static_cast<uint32_t>(t.size()));
  }
  if (!b.empty()) out.push_back(b.finish("cron", "crontab"));
}

// ssh_config: ProxyCommand, LocalCommand and KnownHostsCommand run through the user's shell on every
// connection they apply to (Host * is every one), as does `Match exec "cmd"`.
void ssh_config_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kCommand(R"(^\s*(ProxyCommand|LocalCommand|KnownHostsCommand)(\s*=\s*|\s+))",
                                   std::regex::icase);
  static const std::regex kMatchExec(R"re(^\s*Match\s.*\bexec\s+("([^"]*)"|(\S+)))re", std::regex::icase);
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    if (out.size() >= kMaxScripts) return;
    std::cmatch m;
    ScriptBuilder b;
    if (std::regex_search(line.data(), line.data() + line.size(), m, kCommand)) {
      size_t start = static_cast<size_t>(m.length(0));
      b.add(line.substr(start), offset + static_cast<uint32_t>(start));
      if (!b.empty()) out.push_back(b.finish("ssh_config", std::string(m.str(1))));
    } else if (std::regex_search(line.data(), line.data() + line.size(), m, kMatchExec)) {
      int group = m[2].matched ? 2 : 3;
      b.add(line.substr(static_cast<size_t>(m.position(group)), static_cast<size_t>(m.length(group))),
            offset + static_cast<uint32_t>(m.position(group)));
      if (!b.empty()) out.push_back(b.finish("ssh_config", "Match exec"));
    }
  }
}

// The unit's Exec*= lines (shell/systemd_unit.h), one script.
void systemd_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  ScriptBuilder b;
  for (const auto& command : shell::unit_commands(content)) {
    b.add(command.command, command.offset);
    b.add_char('\n', command.offset + static_cast<uint32_t>(command.command.size()));
  }
  if (!b.empty()) out.push_back(b.finish("service", "Exec"));
}

// ---- launchd jobs -----------------------------------------------------------------------------

// An XML element's text (a plist <string>, a pom <argument>) with XML's five entities decoded, each byte
// at its source offset.
ScriptBuilder xml_text(std::string_view content, size_t begin, size_t end) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  ScriptBuilder word;
  for (size_t i = begin; i < end;) {
    bool decoded = false;
    for (const auto& [entity, c] : kEntities)
      if (content.substr(i, entity.size()) == entity) {
        word.add_char(c, static_cast<uint32_t>(i));
        i += entity.size();
        decoded = true;
        break;
      }
    if (!decoded) word.add_char(content[i], static_cast<uint32_t>(i)), ++i;
  }
  return word;
}

// launchd runs ProgramArguments as an argv (["/bin/sh", "-c", SCRIPT] runs SCRIPT) or, without it,
// Program alone, at load and, with RunAtLoad or KeepAlive, at every login.
void launchd_plist_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  auto after_key = [&](std::string_view key) {
    size_t at = content.find(key);
    return at == std::string_view::npos ? at : at + key.size();
  };
  ScriptBuilder b;
  size_t arguments = after_key("<key>ProgramArguments</key>");
  if (arguments != std::string_view::npos) {
    size_t array_end = content.find("</array>", arguments);
    if (array_end == std::string_view::npos) array_end = content.size();
    for (size_t open = content.find("<string>", arguments); open < array_end && open != std::string_view::npos;
         open = content.find("<string>", open + 1)) {
      size_t begin = open + 8, close = content.find("</string>", begin);
      if (close == std::string_view::npos || close > array_end) break;
      if (!b.empty()) b.add_char(' ', static_cast<uint32_t>(open));
      add_as_quoted_word(xml_text(content, begin, close), static_cast<uint32_t>(open),
                         static_cast<uint32_t>(close), b);
    }
  } else if (size_t program = after_key("<key>Program</key>"); program != std::string_view::npos) {
    size_t open = content.find("<string>", program), close = content.find("</string>", program);
    if (open != std::string_view::npos && close != std::string_view::npos && open < close)
      add_as_quoted_word(xml_text(content, open + 8, close), static_cast<uint32_t>(open),
                         static_cast<uint32_t>(close), b);
  }
  if (!b.empty()) out.push_back(b.finish("service", "ProgramArguments"));
}

// ---- git config ------------------------------------------------------------------------------

// Settings whose values git runs through a shell: `core.fsmonitor` and `core.pager` on every
// status or log, `core.sshCommand` on fetch, `!`-aliases and `!`-helpers when invoked.
void git_config_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  for (auto& entry : shell::git_config_entries(content)) {
    if (!shell::git_setting_runs_command(entry.key, entry.value)) continue;
    size_t skip = entry.value.front() == '!' ? 1 : 0;
    ScriptBuilder b;
    for (size_t i = skip; i < entry.value.size(); ++i) b.add_char(entry.value[i], entry.offsets[i]);
    out.push_back(b.finish("git_hook", entry.key));
  }
}

// ---- IDE configuration ---------------------------------------------------------------------

// The words of a JSON command value: a string, an array of strings (argv), or an object of
// named commands (devcontainer lifecycle objects).
void add_json_command(const SyntaxTree& tree, TSNode value, const std::string& origin,
                      const std::string& label, std::vector<EmbeddedScript>& out, int depth = 0) {
  std::string_view type = ts_node_type(value);
  if (type == "string") {
    ScriptBuilder b;
    decode_json_string(tree, value, 0, b);
    out.push_back(b.finish(origin, label));
  } else if (type == "array") {
    ScriptBuilder b;
    for (uint32_t i = 0; i < ts_node_named_child_count(value); ++i) {
      TSNode item = ts_node_named_child(value, i);
      if (std::string_view(ts_node_type(item)) != "string") continue;
      decode_json_string(tree, item, 0, b);
      b.add_char(' ', ts_node_end_byte(item));
    }
    if (!b.empty()) out.push_back(b.finish(origin, label));
  } else if (type == "object" && depth == 0) {
    for (uint32_t i = 0; i < ts_node_named_child_count(value) && out.size() < kMaxScripts; ++i) {
      TSNode v = field(ts_node_named_child(value, i), "value");
      if (!ts_node_is_null(v)) add_json_command(tree, v, origin, label, out, depth + 1);
    }
  }
}

void add_quoted_json_word(const SyntaxTree& tree, TSNode item, ScriptBuilder& b) {
  ScriptBuilder word;
  decode_json_string(tree, item, 0, word);
  add_as_quoted_word(std::move(word), ts_node_start_byte(item), ts_node_end_byte(item) - 1, b);
}

// A command given as a program and its argument list: {command, args}, {runtimeExecutable,
// runtimeArgs}, a terminal profile's {path, args}; the program may itself be an argv array
// (opencode's "command": ["npx", "-y", "server"]).
void add_command_with_args(const SyntaxTree& tree, TSNode command, TSNode args, const std::string& origin,
                           const std::string& label, std::vector<EmbeddedScript>& out) {
  ScriptBuilder b;
  std::string_view type = ts_node_type(command);
  if (type == "string") {
    decode_json_string(tree, command, 0, b);
  } else if (type == "array") {
    for (uint32_t i = 0; i < ts_node_named_child_count(command); ++i) {
      TSNode item = ts_node_named_child(command, i);
      if (std::string_view(ts_node_type(item)) != "string") continue;
      if (i > 0) b.add_char(' ', ts_node_start_byte(item));
      add_quoted_json_word(tree, item, b);
    }
  } else {
    return;
  }
  if (!ts_node_is_null(args) && std::string_view(ts_node_type(args)) == "array") {
    for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
      TSNode item = ts_node_named_child(args, i);
      if (std::string_view(ts_node_type(item)) != "string") continue;
      b.add_char(' ', ts_node_start_byte(item));
      add_quoted_json_word(tree, item, b);
    }
  }
  if (!b.empty()) out.push_back(b.finish(origin, label));
}

// A remote MCP server is a URL the agent sends its headers to: `curl -H 'K: V' URL` is that request, with
// the configuration's ${VAR} and ${env:VAR} expanded from the environment as the agent does.
void add_remote_server_request(const SyntaxTree& tree, TSNode url, TSNode headers, std::vector<EmbeddedScript>& out) {
  ScriptBuilder b;
  uint32_t at = ts_node_start_byte(url);
  b.add("curl -s", at);
  for (uint32_t i = 0; i < ts_node_named_child_count(headers); ++i) {
    TSNode pair = ts_node_named_child(headers, i);
    TSNode k = field(pair, "key"), v = field(pair, "value");
    if (ts_node_is_null(k) || ts_node_is_null(v) || std::string_view(ts_node_type(v)) != "string") continue;
    std::string header = json_string_value(tree, k) + ": " + json_string_value(tree, v);
    for (size_t env = header.find("${env:"); env != std::string::npos; env = header.find("${env:", env)) header.erase(env + 2, 4);
    // opencode spells it {env:VAR}.
    for (size_t env = header.find("{env:"); env != std::string::npos; env = header.find("{env:", env))
      header.replace(env, 5, "${");
    // A vendor's key in the header of that vendor's own server (CONTEXT7_API_KEY to mcp.context7.com,
    // a GitHub token to api.githubcopilot.com) is how the key is used.
    std::vector<std::string> names;
    for (size_t open = header.find("${"); open != std::string::npos; open = header.find("${", open + 2))
      names.push_back(header.substr(open + 2, header.find('}', open) - open - 2));
    bool own_vendor = !names.empty() && std::all_of(names.begin(), names.end(), [](const std::string& n) {
      return !secret_vendor(n).empty();
    }) && !sent_to_other_vendor(names, {shell::host_of(json_string_value(tree, url))});
    if (own_vendor) continue;
    uint32_t value_at = ts_node_start_byte(v);
    b.add(" -H \"", value_at);
    for (char c : header) {
      if (c == '"' || c == '\\' || c == '`') b.add_char('\\', value_at);
      b.add_char(c, value_at);
    }
    b.add_char('"', value_at);
  }
  b.add_char(' ', at);
  add_quoted_json_word(tree, url, b);
  out.push_back(b.finish("build_recipe", "remote MCP server"));
}

// The string literals of a list ("a", 'b', …) as quoted shell words, each mapped to its place. A backslash
// escapes the next character in double-quoted strings, and in single-quoted ones when single_escapes.
void add_literal_words(std::string_view list, uint32_t at, ScriptBuilder& b, bool single_escapes = true) {
  bool first = true;
  for (size_t i = 0; i < list.size(); ++i) {
    char quote = list[i];
    if (quote != '"' && quote != '\'') continue;
    ScriptBuilder word;
    size_t j = i + 1;
    for (; j < list.size() && list[j] != quote; ++j) {
      if (list[j] == '\\' && j + 1 < list.size() && (quote == '"' || single_escapes)) ++j;
      word.add_char(list[j], at + static_cast<uint32_t>(j));
    }
    if (!first) b.add_char(' ', at + static_cast<uint32_t>(i));
    add_as_quoted_word(std::move(word), at + static_cast<uint32_t>(i), at + static_cast<uint32_t>(std::min(j, list.size() - 1)), b);
    first = false;
    i = j;
  }
}

std::pair<std::string_view, size_t> first_quoted(std::string_view text);

// The index of the quote that closes the TOML string opened at `open` (text.size() when none does):
// basic strings ("…") take backslash escapes, literal ones ('…') do not.
size_t toml_string_end(std::string_view text, size_t open) {
  char quote = text[open];
  size_t i = open + 1;
  for (; i < text.size() && text[i] != quote; ++i)
    if (quote == '"' && text[i] == '\\') ++i;
  return std::min(i, text.size());
}

// How far a TOML value's brackets and braces stay open at the end of text (quoted strings skipped).
int toml_open_brackets(std::string_view text) {
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') break;
    if (c == '"' || c == '\'') {
      i = toml_string_end(text, i);
      continue;
    }
    depth += c == '[' || c == '{' ? 1 : c == ']' || c == '}' ? -1 : 0;
  }
  return depth;
}

// Line-based TOML: visit(section, key, value, value_at) for each `key = value`, section being the last
// [header]'s name ("" before any) and value_at the file offset just after the `=`. An array or inline
// table left open runs on over the lines that close it (at most 64).
template <typename Visit>
void for_each_toml_key(std::string_view content, Visit visit) {
  std::string section;
  auto lines = lines_with_offsets(content);
  for (size_t k = 0; k < lines.size(); ++k) {
    auto [line, offset] = lines[k];
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (starts_with(t, "[")) {
      size_t close = t.find(']');
      section = std::string(t.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
      continue;
    }
    size_t equals = t.find('=');
    if (equals == std::string_view::npos || starts_with(t, "#")) continue;
    std::string_view key = t.substr(0, equals);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.remove_suffix(1);
    std::string_view value = t.substr(equals + 1);
    uint32_t value_at = at + static_cast<uint32_t>(equals + 1);
    for (int open = toml_open_brackets(value); open > 0 && k + 1 < lines.size() && value.size() < 16384;) {
      ++k;
      open += toml_open_brackets(lines[k].first);
      value = content.substr(value_at, lines[k].second + lines[k].first.size() - value_at);
    }
    visit(std::string_view(section), key, value, value_at);
  }
}

// Codex's ~/.codex/config.toml: [mcp_servers.NAME] with command = "…" and args = ["…", …], started
// with the agent. TOML basic and literal strings on one line each.
void codex_mcp_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  bool in_server = false;
  ScriptBuilder command, args;
  // A streamable-HTTP server: url = "…" and bearer_token_env_var = "NAME", the variable's value sent as
  // its bearer token (a vendor's key to that vendor's own server is how the key is used).
  std::string url, bearer;
  uint32_t url_at = 0;
  auto flush_remote = [&] {
    if (!url.empty() && !bearer.empty() &&
        (secret_vendor(bearer).empty() || sent_to_other_vendor({bearer}, {shell::host_of(url)}))) {
      ScriptBuilder b;
      b.add("curl -s -H \"Authorization: Bearer ${" + bearer + "}\" '" + url + "'", url_at);
      out.push_back(b.finish("build_recipe", "remote MCP server"));
    }
    url.clear();
    bearer.clear();
  };
  auto flush = [&] {
    flush_remote();
    if (!command.empty()) {
      EmbeddedScript head = command.finish("", "");
      EmbeddedScript rest = args.finish("", "");
      ScriptBuilder b;
      for (size_t i = 0; i < head.text.size(); ++i) b.add_char(head.text[i], head.offsets[i]);
      if (!rest.text.empty()) b.add_char(' ', rest.offsets.front());
      for (size_t i = 0; i < rest.text.size(); ++i) b.add_char(rest.text[i], rest.offsets[i]);
      out.push_back(b.finish("build_recipe", "mcp_servers command"));
    }
    command = ScriptBuilder();
    args = ScriptBuilder();
  };
  std::string current;
  for_each_toml_key(content, [&](std::string_view section, std::string_view key, std::string_view value, uint32_t value_at) {
    if (section != current) {  // a new table: the previous server is complete
      flush();
      current = std::string(section);
      in_server = starts_with(section, "mcp_servers.") && !ends_with(section, ".env");
    }
    if (!in_server) return;
    // TOML: basic strings ("…") take backslash escapes, literal strings ('…') none.
    if (key == "command") add_literal_words(value, value_at, command, false);
    else if (key == "args") add_literal_words(value, value_at, args, false);
    else if (key == "url" || key == "bearer_token_env_var") {
      auto [text, quote_at] = first_quoted(value);
      bool plain = std::all_of(text.begin(), text.end(), [](char c) { return c != '\'' && c != '"' && c != '$' && c != '`'; });
      if (!plain) return;
      if (key == "url") {
        url = std::string(text);
        url_at = value_at + static_cast<uint32_t>(quote_at);
      } else {
        bearer = std::string(text);
      }
    }
  });
  flush();
}

void ide_config_json_scripts(const SyntaxTree& parsed, std::vector<EmbeddedScript>& out);

// `{ SCRIPT\n} >/dev/null`: the script as run by a program that reads its output itself.
void discard_output(EmbeddedScript& script) {
  if (script.text.empty() || script.offsets.empty()) return;
  uint32_t first = script.offsets.front(), last = script.offsets.back();
  script.text = "{ " + script.text + "\n} >/dev/null";
  script.offsets.insert(script.offsets.begin(), 2, first);
  script.offsets.insert(script.offsets.end() - 1, 13, last);
}

void ide_config_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  if (ends_with(lower(normalize_path(source.path)), ".toml")) {
    codex_mcp_scripts(source.content, out);
    return;
  }
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = tree_in(source, Language::json, own);
  // An edit's JSON snippet is read as the object it belongs in; one that starts right at its first key
  // gets a blank before it, and its offsets are moved back by that byte.
  std::string whole;
  int32_t shift = 0;
  if (source.fragment && (!tree || ts_node_has_error(tree->root()))) {
    whole = json_snippet_made_whole(source.content);
    if (whole.empty()) {
      whole = json_snippet_made_whole(" " + std::string(source.content));
      shift = whole.empty() ? 0 : -1;
    }
  }
  if (whole.empty()) {
    if (tree) ide_config_json_scripts(*tree, out);
    return;
  }
  auto object = parse(Language::json, whole);
  if (!object) return;
  size_t first = out.size();
  ide_config_json_scripts(*object, out);
  if (shift == 0) return;
  uint32_t last = source.content.empty() ? 0 : static_cast<uint32_t>(source.content.size() - 1);
  for (size_t i = first; i < out.size(); ++i) {
    for (auto& offset : out[i].offsets) offset = std::min(offset == 0 ? 0 : offset - 1, last);
    for (auto& [offset, expression] : out[i].untrusted) offset = std::min(offset == 0 ? 0 : offset - 1, last);
    for (auto& [offset, secret] : out[i].secrets_to_tests) offset = std::min(offset == 0 ? 0 : offset - 1, last);
  }
}

void ide_config_json_scripts(const SyntaxTree& parsed, std::vector<EmbeddedScript>& out) {
  const SyntaxTree* tree = &parsed;
  static const std::array<std::string_view, 6> kLifecycle{"initializeCommand",    "onCreateCommand",
                                                          "updateContentCommand", "postCreateCommand",
                                                          "postStartCommand",     "postAttachCommand"};
  // Claude Code settings whose string value is a command it runs for credentials or telemetry headers.
  static const std::array<std::string_view, 4> kHelpers{"apiKeyHelper", "awsCredentialExport", "awsAuthRefresh",
                                                        "otelHeadersHelper"};
  std::vector<TSNode> stack{tree->root()};
  size_t visited = 0;
  while (!stack.empty() && visited++ < kMaxWalkNodes && out.size() < kMaxScripts) {
    TSNode node = stack.back();
    stack.pop_back();
    for (uint32_t i = ts_node_named_child_count(node); i-- > 0;)
      stack.push_back(ts_node_named_child(node, i));
    if (std::string_view(ts_node_type(node)) != "object") continue;
    TSNode command{}, args{}, runtime{}, runtime_args{}, path{}, url{}, headers{};
    bool on_open = false, agent_hook = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode pair = ts_node_named_child(node, i);
      TSNode k = field(pair, "key"), v = field(pair, "value");
      if (ts_node_is_null(k) || ts_node_is_null(v)) continue;
      std::string key = json_string_value(*tree, k);
      if (std::find(kLifecycle.begin(), kLifecycle.end(), key) != kLifecycle.end())
        add_json_command(*tree, v, "install_hook", key, out);  // runs when the container is created or opened
      if (std::find(kHelpers.begin(), kHelpers.end(), key) != kHelpers.end() &&
          std::string_view(ts_node_type(v)) == "string") {
        size_t before = out.size();
        add_json_command(*tree, v, "install_hook", key, out);
        // What a helper prints goes to the agent's own requests (its API key, AWS credentials, telemetry
        // headers), not into the conversation: its output is kept, anything it sends is still followed.
        if (out.size() > before) discard_output(out.back());
      }
      if (key == "command") command = v;
      // Claude Code's and Gemini CLI's hooks: {"type": "command", "command": "…"}.
      if (key == "type" && std::string_view(ts_node_type(v)) == "string" && json_string_value(*tree, v) == "command")
        agent_hook = true;
      if (key == "args") args = v;
      if (key == "runtimeExecutable") runtime = v;
      if (key == "runtimeArgs") runtime_args = v;
      if (key == "path") path = v;
      if ((key == "url" || key == "serverUrl" || key == "httpUrl") && std::string_view(ts_node_type(v)) == "string") url = v;
      if ((key == "headers" || key == "http_headers") && std::string_view(ts_node_type(v)) == "object") headers = v;
      // VS Code's terminal environment: PROMPT_COMMAND runs before every prompt of every terminal it opens.
      if (starts_with(key, "terminal.integrated.env.") && std::string_view(ts_node_type(v)) == "object")
        for (uint32_t j = 0; j < ts_node_named_child_count(v); ++j) {
          TSNode variable = ts_node_named_child(v, j);
          TSNode name = field(variable, "key"), command_text = field(variable, "value");
          if (!ts_node_is_null(name) && !ts_node_is_null(command_text) && json_string_value(*tree, name) == "PROMPT_COMMAND" &&
              std::string_view(ts_node_type(command_text)) == "string")
            add_json_command(*tree, command_text, "shell_rc", key + ".PROMPT_COMMAND", out);
        }
      if (key == "runOptions" && tree->text_of(v).find("folderOpen") != std::string_view::npos)
        on_open = true;
    }
    // A VS Code task runs when invoked, or by itself when the folder opens (runOn: folderOpen); an MCP
    // server or agent hook whenever the agent starts or uses a tool.
    if (!ts_node_is_null(command)) {
      size_t before = out.size();
      add_command_with_args(*tree, command, args, on_open ? "install_hook" : "build_recipe", "command", out);
      // A hook reads, on stdin, the tool call or prompt it fires on: every command and file the agent handles.
      if (agent_hook && out.size() > before) out.back().stdin_source = "the agent's tool calls and prompts (hook input)";
    }
    if (!ts_node_is_null(runtime))
      add_command_with_args(*tree, runtime, runtime_args, "build_recipe", "runtimeExecutable", out);
    if (!ts_node_is_null(path) && !ts_node_is_null(args))  // a terminal profile: runs when a terminal opens
      add_command_with_args(*tree, path, args, "install_hook", "terminal profile", out);
    if (!ts_node_is_null(url) && !ts_node_is_null(headers)) add_remote_server_request(*tree, url, headers, out);
  }
}

// ---- development environments ----------------------------------------------------------------

// A quoted string starting at text[open] ('…' or "…", backslash escapes in "…"), each byte at base plus its
// index; the index after its closing quote, or npos when it does not close in text. With
// `template_escapes` (HCL), `$${` and `%%{` are the literal `${` and `%{`.
size_t add_quoted_string(std::string_view text, size_t open, uint32_t base, ScriptBuilder& b,
                         bool template_escapes = false) {
  char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == quote) return i + 1;
    if (quote == '"' && text[i] == '\\' && i + 1 < text.size()) {
      ++i;
      b.add_char(text[i] == 'n' ? '\n' : text[i] == 't' ? '\t' : text[i], base + static_cast<uint32_t>(i));
      continue;
    }
    b.add_char(text[i], base + static_cast<uint32_t>(i));
    if (template_escapes && (text[i] == '$' || text[i] == '%') && i + 2 < text.size() && text[i + 1] == text[i] &&
        text[i + 2] == '{')
      ++i;  // the doubled sign is dropped, the brace follows as itself
  }
  return std::string_view::npos;
}

// Line-based TOML (mise, .replit): `key = "command"` or `key = ["command", …]` in the sections `wanted`
// accepts, each command one line of the script. wanted(section, key) gives the origin, or nothing.
template <typename Wanted>
void toml_command_scripts(std::string_view content, Wanted wanted, const std::string& label, std::vector<EmbeddedScript>& out) {
  for_each_toml_key(content, [&](std::string_view section, std::string_view key, std::string_view value, uint32_t value_at) {
    std::optional<std::string> origin = wanted(section, key);
    if (!origin || out.size() >= kMaxScripts) return;
    ScriptBuilder b;
    // An inline table ({cmd = "…", env = {…}}, pdm's and poe's task form): only its cmd or shell member.
    size_t from = 0, to = value.size();
    if (starts_with(trim_left(value), "{")) {
      static const std::regex kCommandMember(R"(\b(cmd|shell)\s*=\s*)");
      std::cmatch m;
      if (!std::regex_search(value.data(), value.data() + value.size(), m, kCommandMember)) return;
      from = static_cast<size_t>(m.position(0) + m.length(0));
      int depth = 0;
      for (to = from; to < value.size(); ++to) {
        char c = value[to];
        if (c == '"' || c == '\'') {
          to = toml_string_end(value, to);
          continue;
        }
        if (c == '[') ++depth;
        if (c == ']') --depth;
        if (depth <= 0 && (c == ',' || c == '}')) break;
      }
    }
    for (size_t i = from; i < to; ++i) {
      if (value[i] == '#') {  // a comment runs to the end of its line
        size_t eol = value.find('\n', i);
        if (eol == std::string_view::npos) break;
        i = eol;
        continue;
      }
      if (value[i] != '"' && value[i] != '\'') continue;
      size_t next = add_quoted_string(value, i, value_at, b);
      if (next == std::string_view::npos) break;
      b.add_char('\n', value_at + static_cast<uint32_t>(next - 1));
      i = next - 1;
    }
    if (!b.empty()) out.push_back(b.finish(*origin, label + " " + std::string(key)));
  });
}

// mise: [hooks] enter/cd/leave run in the user's shell on every cd into the project (the others on
// install); [tasks.x] run = … on `mise run x`.
void mise_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  toml_command_scripts(
      content,
      [](std::string_view section, std::string_view key) -> std::optional<std::string> {
        if (section == "hooks") return std::string(key == "enter" || key == "cd" || key == "leave" ? "shell_rc" : "install_hook");
        if (section == "tasks" || (starts_with(section, "tasks.") && (key == "run" || key == "run_windows")))
          return std::string("build_recipe");
        return std::nullopt;
      },
      "mise", out);
}

// pyproject.toml: the commands of the project's task runners. Hatch runs an environment's
// pre-/post-install-commands when it creates it (on the first `hatch run`) and its scripts by name;
// poe, pdm and taskipy run their tasks by name.
void pyproject_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kHatchEnv(R"(^tool\.hatch\.envs\.[^.]+$)");
  static const std::regex kHatchScripts(R"(^tool\.hatch\.envs\.[^.]+\.scripts$)");
  static const std::regex kTaskTable(R"(^tool\.(poe\.tasks|pdm\.scripts)\.[^.]+$)");
  toml_command_scripts(
      content,
      [](std::string_view section, std::string_view key) -> std::optional<std::string> {
        std::string s(section);
        if (std::regex_match(s, kHatchEnv) && (key == "pre-install-commands" || key == "post-install-commands"))
          return std::string("install_hook");
        if (std::regex_match(s, kHatchScripts) || section == "tool.poe.tasks" || section == "tool.taskipy.tasks" ||
            (section == "tool.pdm.scripts" && !starts_with(key, "_")))
          return std::string("build_recipe");
        if (std::regex_match(s, kTaskTable) && (key == "cmd" || key == "shell")) return std::string("build_recipe");
        return std::nullopt;
      },
      "pyproject", out);
}

// Replit: onBoot runs when the Repl boots, run and build on the Run button and deploys.
void replit_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  toml_command_scripts(
      content,
      [](std::string_view section, std::string_view key) -> std::optional<std::string> {
        if (section.empty() && key == "onBoot") return std::string("install_hook");
        if ((section.empty() || section == "deployment") && (key == "run" || key == "build")) return std::string("build_recipe");
        return std::nullopt;
      },
      ".replit", out);
}

// Nix dev shells: shellHook = '' … ''; (or "…") runs in the shell nix-shell or nix develop opens.
void nix_shell_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  constexpr std::string_view kHook = "shellHook";
  for (size_t at = content.find(kHook); at != std::string_view::npos && out.size() < kMaxScripts;
       at = content.find(kHook, at + kHook.size())) {
    size_t equals = content.find_first_not_of(" \t\n", at + kHook.size());
    if (equals == std::string_view::npos || content[equals] != '=') continue;
    size_t open = content.find_first_not_of(" \t\n", equals + 1);
    if (open == std::string_view::npos) break;
    ScriptBuilder b;
    if (content.substr(open, 2) == "''") {
      // An indented string ends at two single quotes not followed by a third (three are an escape).
      size_t close = open + 2;
      while ((close = content.find("''", close)) != std::string_view::npos && content.substr(close, 3) == "'''") close += 3;
      if (close == std::string_view::npos) break;
      b.add(content.substr(open + 2, close - open - 2), static_cast<uint32_t>(open + 2));
    } else if (content[open] == '"') {
      add_quoted_string(content, open, 0, b);
    }
    if (!b.empty()) out.push_back(b.finish("install_hook", "shellHook"));
  }
}

// Vagrant: shell provisioners run `inline:` scripts (a string or a here-document) in the machine, and
// triggers' run = { inline: … } run them on the host itself.
void vagrant_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kInline(R"(\binline\s*(:|=)\s*)");
  for (auto it = std::cregex_iterator(content.data(), content.data() + content.size(), kInline);
       it != std::cregex_iterator() && out.size() < kMaxScripts; ++it) {
    size_t open = static_cast<size_t>(it->position(0) + it->length(0));
    ScriptBuilder b;
    if (content.substr(open, 2) == "<<") {  // <<-SHELL … SHELL, <<~EOS … EOS
      size_t name_begin = open + 2;
      while (name_begin < content.size() && (content[name_begin] == '-' || content[name_begin] == '~')) ++name_begin;
      size_t name_end = name_begin;
      while (name_end < content.size() && (std::isalnum(static_cast<unsigned char>(content[name_end])) || content[name_end] == '_'))
        ++name_end;
      std::string_view terminator = content.substr(name_begin, name_end - name_begin);
      size_t body = content.find('\n', name_end);
      if (terminator.empty() || body == std::string_view::npos) continue;
      for (const auto& [line, offset] : lines_with_offsets(content.substr(body + 1))) {
        if (trim_left(line) == terminator) break;
        b.add(line, static_cast<uint32_t>(body + 1 + offset));
        b.add_char('\n', static_cast<uint32_t>(body + 1 + offset + line.size()));
      }
    } else if (open < content.size() && (content[open] == '"' || content[open] == '\'')) {
      add_quoted_string(content, open, 0, b);
    }
    if (!b.empty()) out.push_back(b.finish("install_hook", "Vagrantfile inline"));
  }
}

// JetBrains shell run configurations: the SCRIPT_TEXT option is the script.
void jetbrains_run_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  constexpr std::string_view kOption = "name=\"SCRIPT_TEXT\" value=\"";
  for (size_t at = content.find(kOption); at != std::string_view::npos && out.size() < kMaxScripts;
       at = content.find(kOption, at + kOption.size())) {
    size_t begin = at + kOption.size();
    size_t end = content.find('"', begin);
    if (end == std::string_view::npos) break;
    ScriptBuilder b = xml_text(content, begin, end);
    if (!b.empty()) out.push_back(b.finish("build_recipe", "SCRIPT_TEXT"));
  }
}

// lint-staged: each glob's command (or list of commands) runs on the staged files at every commit.
void lint_staged_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = tree_in(source, Language::json, own);
  if (!tree) return;
  TSNode object = ts_node_named_child(tree->root(), 0);
  if (ts_node_is_null(object) || std::string_view(ts_node_type(object)) != "object") return;
  for (uint32_t i = 0; i < ts_node_named_child_count(object) && out.size() < kMaxScripts; ++i) {
    TSNode value = field(ts_node_named_child(object, i), "value");
    if (ts_node_is_null(value)) continue;
    ScriptBuilder b;
    auto add_line = [&](TSNode command) {
      if (std::string_view(ts_node_type(command)) != "string") return;
      decode_json_string(*tree, command, 0, b);
      b.add_char('\n', ts_node_end_byte(command));
    };
    if (std::string_view(ts_node_type(value)) == "array")
      for (uint32_t j = 0; j < ts_node_named_child_count(value); ++j) add_line(ts_node_named_child(value, j));
    else
      add_line(value);
    if (!b.empty()) out.push_back(b.finish("ci_workflow", "lint-staged"));
  }
}

void dev_environment_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::string path = lower(normalize_path(source.path));
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  if (base == "pyproject.toml") pyproject_scripts(source.content, out);
  else if (ends_with(base, ".toml")) mise_scripts(source.content, out);
  else if (base == ".replit") replit_scripts(source.content, out);
  else if (ends_with(base, ".nix")) nix_shell_scripts(source.content, out);
  else if (base == "vagrantfile") vagrant_scripts(source.content, out);
  else if (ends_with(base, ".xml")) jetbrains_run_scripts(source.content, out);
  else lint_staged_scripts(source, out);
}

// ---- programs' rc files, AWS and kube configs ----------------------------------------------

// The first quoted string of text (single or double quotes), or text itself when unquoted.
std::pair<std::string_view, size_t> first_quoted(std::string_view text) {
  size_t open = text.find_first_of("'\"");
  if (open == std::string_view::npos) return {text, 0};
  size_t close = text.find(text[open], open + 1);
  if (close == std::string_view::npos) return {text.substr(open + 1), open + 1};
  return {text.substr(open + 1, close - open - 1), open + 1};
}

// vim: `!cmd` ex commands (also after silent / autocmd … / exe) and system('cmd'); tmux: run-shell / run /
// if-shell 'cmd'; psql: \! cmd. Each found command is one line of the script.
void program_rc_scripts(const std::string& path, std::string_view content, std::vector<EmbeddedScript>& out) {
  std::string lpath = lower(normalize_path(path));
  bool tmux = lpath.find("tmux") != std::string::npos, psql = ends_with(lpath, ".psqlrc");
  ScriptBuilder b;
  auto add_line = [&](std::string_view command, uint32_t at) {
    if (command.empty()) return;
    b.add(command, at);
    b.add_char('\n', at + static_cast<uint32_t>(command.size()));
  };
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (psql) {
      if (starts_with(t, "\\!")) add_line(trim_left(t.substr(2)), at + 2 + static_cast<uint32_t>(t.substr(2).size() - trim_left(t.substr(2)).size()));
      continue;
    }
    if (tmux) {
      for (std::string_view verb : {"run-shell ", "run ", "if-shell ", "if "}) {
        if (!starts_with(t, verb)) continue;
        std::string_view rest = t.substr(verb.size());
        while (starts_with(rest, "-")) {  // flags: -b, -F, -t target
          size_t space = rest.find(' ');
          if (space == std::string_view::npos) break;
          rest = trim_left(rest.substr(space + 1));
        }
        auto [command, shift] = first_quoted(rest);
        add_line(command, at + static_cast<uint32_t>(t.size() - rest.size() + shift));
        break;
      }
      continue;
    }
    if (starts_with(t, "\"")) continue;  // a vim comment
    // Mappings and user commands run on a key press or when invoked, not on start.
    static const std::array<std::string_view, 12> kMappings{"map ", "nmap ", "nnoremap ", "noremap ", "imap ",
                                                           "inoremap ", "vmap ", "vnoremap ", "xnoremap ", "cnoremap ",
                                                           "command ", "command! "};
    if (std::any_of(kMappings.begin(), kMappings.end(), [&](std::string_view m) { return starts_with(t, m); })) continue;
    size_t bang = t.find('!');
    // `!cmd` as an ex command: at the start, or after silent / an autocmd pattern, with a blank before.
    if (bang != std::string_view::npos && (bang == 0 || t[bang - 1] == ' ' || t[bang - 1] == ':') &&
        (bang == 0 || t.substr(0, bang).find("silent") != std::string_view::npos || starts_with(t, "autocmd") ||
         starts_with(t, "au ") || t[bang - 1] == ':'))
      add_line(t.substr(bang + 1), at + static_cast<uint32_t>(bang + 1));
    for (size_t call = t.find("system("); call != std::string_view::npos; call = t.find("system(", call + 7)) {
      auto [command, shift] = first_quoted(t.substr(call + 7));
      add_line(command, at + static_cast<uint32_t>(call + 7 + shift));
    }
  }
  if (!b.empty()) out.push_back(b.finish("shell_rc", "rc command"));
}

// ~/.aws/config: credential_process = COMMAND (any profile), run by every AWS CLI and SDK call.
void aws_config_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    if (!starts_with(t, "credential_process")) continue;
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view value = trim_left(t.substr(eq + 1));
    ScriptBuilder b;
    b.add(value, offset + static_cast<uint32_t>(line.size() - value.size()));
    if (!b.empty()) out.push_back(b.finish("shell_rc", "credential_process"));
  }
}

// ---- .cargo/config.toml ----------------------------------------------------------------------

// Each program cargo runs by itself (shell/cargo_config.h), its words quoted as a command line.
void cargo_config_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  for (const auto& program : shell::cargo_programs(content)) {
    ScriptBuilder b;
    for (const auto& [word, at] : program.words) {
      if (!b.empty()) b.add_char(' ', at);
      b.add_char('\'', at);
      for (size_t i = 0; i < word.size(); ++i) {
        if (word[i] == '\'') b.add("'\\''", at + static_cast<uint32_t>(i));
        else b.add_char(word[i], at + static_cast<uint32_t>(i));
      }
      b.add_char('\'', at + static_cast<uint32_t>(word.size()));
    }
    out.push_back(b.finish("build_recipe", "cargo " + program.key));
  }
}

// kubeconfig: users[].user.exec {command, args}: kubectl runs it for a token on every call.
void kubeconfig_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::optional<SyntaxTree> own;
  const SyntaxTree* tree = tree_in(source, Language::yaml, own);
  if (!tree) return;
  for_each_yaml_pair(*tree, out, [&](std::string_view name, TSNode value) {
    if (name != "exec") return;
    ScriptBuilder b;
    // The exec mapping's own pairs: command (a program) and args (its argv).
    std::vector<TSNode> pairs{value};
    TSNode command{}, args{};
    size_t seen = 0;
    while (!pairs.empty() && seen++ < 256) {
      TSNode n = pairs.back();
      pairs.pop_back();
      std::string_view type = ts_node_type(n);
      if (type == "block_mapping_pair" || type == "flow_pair") {
        TSNode key = scalar_under(field(n, "key"));
        if (ts_node_is_null(key)) continue;
        std::string_view key_text = tree->text_of(key);
        if (key_text == "command") command = field(n, "value");
        if (key_text == "args") args = field(n, "value");
        continue;
      }
      for (uint32_t i = ts_node_named_child_count(n); i-- > 0;) pairs.push_back(ts_node_named_child(n, i));
    }
    if (ts_node_is_null(command) || ts_node_is_null(scalar_under(command))) return;
    decode_yaml_scalar(*tree, scalar_under(command), b);
    if (!ts_node_is_null(args)) {
      for (TSNode word : yaml_sequence_scalars(args)) {
        b.add_char(' ', ts_node_start_byte(word));
        add_quoted_yaml_word(*tree, word, b);
      }
    }
    if (!b.empty()) out.push_back(b.finish("shell_rc", "users.exec"));
  });
}

// ---- build definitions: CMake and Maven ------------------------------------------------------

// node-gyp's binding.gyp, run at npm install: an action's argv ("action": ["sh", "-c", "…"]) and the
// <!(command) / <!@(command) expansions gyp runs while it reads the file.
void gyp_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kAction(R"(['"]action['"]\s*:\s*\[([^\]]*)\])");
  std::string_view text = content.substr(0, std::min(content.size(), kRegexInputCap));
  for (std::cregex_iterator it(text.data(), text.data() + text.size(), kAction), end; it != end && out.size() < kMaxScripts; ++it) {
    ScriptBuilder b;
    add_literal_words(text.substr(static_cast<size_t>(it->position(1)), static_cast<size_t>(it->length(1))),
                      static_cast<uint32_t>(it->position(1)), b);
    if (!b.empty()) out.push_back(b.finish("install_hook", "gyp action"));
  }
  for (size_t open = text.find("<!"); open != std::string_view::npos && out.size() < kMaxScripts;
       open = text.find("<!", open + 2)) {
    size_t paren = text.find('(', open);
    if (paren == std::string_view::npos || paren > open + 3) continue;
    int depth = 0;
    size_t close = paren;
    for (; close < text.size(); ++close) {
      if (text[close] == '(') ++depth;
      if (text[close] == ')' && --depth == 0) break;
    }
    if (close >= text.size()) break;
    ScriptBuilder b;
    std::string_view command = text.substr(paren + 1, close - paren - 1);
    for (size_t k = 0; k < command.size(); ++k) {
      if (command[k] == '\\' && k + 1 < command.size() && command[k + 1] == '"') ++k;  // \" inside a JSON string
      b.add_char(command[k], static_cast<uint32_t>(paren + 1 + k));
    }
    if (!b.empty()) out.push_back(b.finish("install_hook", "gyp <!( )"));
  }
}

// A Jenkinsfile's sh/bat/powershell steps: sh 'cmd', sh "cmd", sh '''…''', sh(script: "…").
void jenkinsfile_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kStep(R"re(\b(sh|bat|powershell|pwsh)\s*(\(\s*(script\s*:\s*)?)?('''|"""|'|"))re");
  std::string_view text = content.substr(0, std::min(content.size(), kRegexInputCap));
  for (std::cregex_iterator it(text.data(), text.data() + text.size(), kStep), end; it != end && out.size() < kMaxScripts; ++it) {
    std::string quote = (*it)[4].str();
    size_t begin = static_cast<size_t>(it->position(4) + it->length(4));
    size_t close = text.find(quote, begin);
    if (quote.size() == 1)  // a one-line string ends at its first quote not escaped
      while (close != std::string_view::npos && close > begin && text[close - 1] == '\\') close = text.find(quote, close + 1);
    if (close == std::string_view::npos) continue;
    ScriptBuilder b;
    for (size_t k = begin; k < close; ++k) {
      if (text[k] == '\\' && k + 1 < close && (text[k + 1] == '$' || text[k + 1] == quote[0] || text[k + 1] == '\\')) ++k;
      b.add_char(text[k], static_cast<uint32_t>(k));
    }
    if (!b.empty()) out.push_back(b.finish("ci_workflow", (*it)[1].str() + " step"));
  }
}

// ---- Terraform ----------------------------------------------------------------------------------

// A Terraform heredoc whose opener ("<<EOT" or "<<-EOT") is on line k: the lines after it up to the one
// holding only its tag (indented or not), added to b. Returns that closing line's index (lines.size()
// when none closes it).
size_t add_heredoc_lines(const std::vector<std::pair<std::string_view, uint32_t>>& lines, size_t k,
                         std::string_view opener, ScriptBuilder& b) {
  std::string_view tag = opener.substr(2);
  if (!tag.empty() && tag.front() == '-') tag.remove_prefix(1);
  tag = tag.substr(0, tag.find_first_of(" \t\r,]"));
  for (++k; k < lines.size(); ++k) {
    std::string_view body = lines[k].first;
    size_t first = body.find_first_not_of(" \t");
    if (first != std::string_view::npos && body.substr(first) == tag) break;
    b.add(body, lines[k].second);
    b.add_char('\n', lines[k].second + static_cast<uint32_t>(body.size()));
  }
  return k;
}

// What `terraform plan` and `apply` run on the machine they run on: a local-exec provisioner's command
// (a string or a heredoc) and an external data source's program (its `sh -c` script, or its words).
void terraform_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kCommand(R"(^\s*command\s*=\s*)");
  static const std::regex kProgram(R"(^\s*program\s*=\s*\[)");
  auto lines = lines_with_offsets(content);
  std::string block;  // "local-exec" or "external" while inside one
  int depth = 0, block_depth = 0;
  for (size_t k = 0; k < lines.size() && out.size() < kMaxScripts; ++k) {
    auto [line, offset] = lines[k];
    if (line.find("provisioner \"local-exec\"") != std::string_view::npos) block = "local-exec", block_depth = depth;
    if (line.find("data \"external\"") != std::string_view::npos) block = "external", block_depth = depth;
    std::cmatch m;
    if (block == "local-exec" && std::regex_search(line.data(), line.data() + line.size(), m, kCommand)) {
      size_t at = static_cast<size_t>(m.length(0));
      if (at < line.size() && line[at] == '"') {
        ScriptBuilder script;
        add_quoted_string(line, at, offset, script, true);
        if (!script.empty()) out.push_back(script.finish("build_recipe", "local-exec"));
      } else if (line.substr(at, 2) == "<<") {
        ScriptBuilder script;
        k = add_heredoc_lines(lines, k, line.substr(at), script);
        if (!script.empty()) out.push_back(script.finish("build_recipe", "local-exec"));
        continue;
      }
    }
    if (block == "external" && std::regex_search(line.data(), line.data() + line.size(), m, kProgram)) {
      // The program's words, up to the closing bracket (on this line or the ones after).
      std::vector<ScriptBuilder> words;
      for (size_t j = k; j < lines.size() && j < k + 256; ++j) {
        std::string_view text = lines[j].first;
        size_t at = j == k ? static_cast<size_t>(m.length(0)) : 0;
        bool closed = false;
        while (at < text.size() && !closed) {
          if (text[at] == '"') {
            size_t end = add_quoted_string(text, at, lines[j].second, words.emplace_back(), true);
            if (end == std::string_view::npos) break;
            at = end;
          } else if (text.substr(at, 2) == "<<") {  // a heredoc word: its lines are one word
            j = add_heredoc_lines(lines, j, text.substr(at), words.emplace_back());
            at = text.size();
          } else {
            closed = text[at] == ']';
            ++at;
          }
        }
        if (closed || j >= lines.size()) break;
      }
      static const std::set<std::string, std::less<>> kShells{"sh", "bash", "/bin/sh", "/bin/bash", "zsh", "/bin/zsh"};
      if (words.size() >= 3 && kShells.count(words[0].text()) && words[1].text() == "-c") {
        out.push_back(words[2].finish("build_recipe", "external program"));
      } else if (!words.empty()) {
        ScriptBuilder joined;
        for (auto& word : words) {
          joined.append(word);
          joined.add_char(' ', word.end_offset());
        }
        out.push_back(joined.finish("build_recipe", "external program"));
      }
    }
    for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (!block.empty() && depth <= block_depth) block.clear();
  }
}

// CMake's execute_process (at configure), add_custom_command/add_custom_target (at build) and add_test
// (run by ctest): the words after each COMMAND up to the next keyword, as an argv ("…" quoted words
// stay one word).
void cmake_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  static const std::regex kCall(R"((execute_process|add_custom_command|add_custom_target|add_test)\s*\()", std::regex::icase);
  static const std::regex kKeyword(
      R"(^(COMMAND|WORKING_DIRECTORY|OUTPUT_VARIABLE|RESULT_VARIABLE|RESULTS_VARIABLE|ERROR_VARIABLE|INPUT_FILE|)"
      R"(OUTPUT_FILE|ERROR_FILE|OUTPUT_QUIET|ERROR_QUIET|TIMEOUT|ECHO_OUTPUT_VARIABLE|ECHO_ERROR_VARIABLE|)"
      R"(COMMAND_ECHO|COMMAND_ERROR_IS_FATAL|ENCODING|OUTPUT_STRIP_TRAILING_WHITESPACE|ERROR_STRIP_TRAILING_WHITESPACE|)"
      R"(DEPENDS|OUTPUT|BYPRODUCTS|COMMENT|VERBATIM|USES_TERMINAL|ALL|MAIN_DEPENDENCY|IMPLICIT_DEPENDS|POST_BUILD|)"
      R"(PRE_BUILD|PRE_LINK|TARGET|SOURCES|JOB_POOL|APPEND|DEPFILE|COMMAND_EXPAND_LISTS|NAME|CONFIGURATIONS)$)");
  std::string text(content);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kCall); it != std::sregex_iterator() && out.size() < kMaxScripts;
       ++it) {
    size_t at = static_cast<size_t>(it->position(0) + it->length(0));
    ScriptBuilder b;
    bool in_command = false;
    // Words up to the call's closing parenthesis (quoted words may hold parentheses).
    while (at < text.size() && text[at] != ')') {
      if (std::isspace(static_cast<unsigned char>(text[at]))) {
        ++at;
        continue;
      }
      size_t begin = at;
      std::string word;
      if (text[at] == '"') {
        size_t close = at + 1;
        while (close < text.size() && text[close] != '"') close += text[close] == '\\' ? 2 : 1;
        close = std::min(close, text.size());
        word = text.substr(at + 1, close - at - 1);
        at = std::min(close + 1, text.size());
      } else {
        while (at < text.size() && !std::isspace(static_cast<unsigned char>(text[at])) && text[at] != ')') ++at;
        word = text.substr(begin, at - begin);
      }
      if (std::regex_match(word, kKeyword)) {
        if (in_command) b.add_char('\n', static_cast<uint32_t>(begin));
        in_command = word == "COMMAND";
        continue;
      }
      if (!in_command) continue;
      ScriptBuilder one;
      one.add(word, static_cast<uint32_t>(text[begin] == '"' ? begin + 1 : begin));
      add_as_quoted_word(std::move(one), static_cast<uint32_t>(begin), static_cast<uint32_t>(at == 0 ? 0 : at - 1), b);
      b.add_char(' ', static_cast<uint32_t>(at == 0 ? 0 : at - 1));
    }
    if (!b.empty()) out.push_back(b.finish("build_recipe", it->str(1)));
  }
}

// The text of each <tag>…</tag> between from and to, with XML's entities decoded, at its offsets.
std::vector<std::pair<ScriptBuilder, size_t>> xml_elements(std::string_view content, std::string_view tag, size_t from,
                                                           size_t to) {
  std::vector<std::pair<ScriptBuilder, size_t>> out;
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  for (size_t at = content.find(open, from); at != std::string_view::npos && at < to && out.size() < 64;
       at = content.find(open, at + 1)) {
    size_t begin = at + open.size(), end = content.find(close, begin);
    if (end == std::string_view::npos || end > to) break;
    out.emplace_back(xml_text(content, begin, end), at);
  }
  return out;
}

// Maven: the exec plugin's <executable> and its <arguments> run in the build's phase; antrun's <exec
// executable="…"> with <arg value="…"/> too.
void maven_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  for (size_t at = content.find("<executable>"); at != std::string_view::npos && out.size() < kMaxScripts;
       at = content.find("<executable>", at + 1)) {
    size_t end = content.find("</configuration>", at);
    if (end == std::string_view::npos) end = content.size();
    ScriptBuilder b;
    auto executable = xml_elements(content, "executable", at, end);
    if (executable.empty()) continue;
    add_as_quoted_word(std::move(executable.front().first), static_cast<uint32_t>(at), static_cast<uint32_t>(at), b);
    for (auto& [argument, offset] : xml_elements(content, "argument", at, end)) {
      b.add_char(' ', static_cast<uint32_t>(offset));
      add_as_quoted_word(std::move(argument), static_cast<uint32_t>(offset), static_cast<uint32_t>(offset), b);
    }
    if (!b.empty()) out.push_back(b.finish("build_recipe", "exec-maven-plugin"));
  }
  static const std::regex kExec(R"re(<exec\s[^>]*executable\s*=\s*"([^"]*)")re");
  static const std::regex kArg(R"re(<arg\s[^>]*(value|line)\s*=\s*"([^"]*)")re");
  std::string text(content);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kExec); it != std::sregex_iterator() && out.size() < kMaxScripts;
       ++it) {
    size_t begin = static_cast<size_t>(it->position(0));
    size_t end = std::min(text.find("</exec>", begin), text.size());
    ScriptBuilder b;
    b.add(it->str(1), static_cast<uint32_t>(it->position(1)));
    std::string element = text.substr(begin, end - begin);
    for (auto arg = std::sregex_iterator(element.begin(), element.end(), kArg); arg != std::sregex_iterator(); ++arg) {
      uint32_t offset = static_cast<uint32_t>(begin + static_cast<size_t>(arg->position(2)));
      b.add_char(' ', offset);
      ScriptBuilder word;
      word.add(arg->str(2), offset);
      if (arg->str(1) == "line") b.add(arg->str(2), offset);  // line="a b c": words as written
      else add_as_quoted_word(std::move(word), offset, offset, b);
    }
    if (!b.empty()) out.push_back(b.finish("build_recipe", "antrun exec"));
  }
}

// A Windows batch file: each line a command (cmd's own syntax, %VAR% and labels, is not shell's; lines
// are read one by one and what does not parse says nothing about the file).
void batch_scripts(std::string_view content, std::vector<EmbeddedScript>& out) {
  ScriptBuilder b;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (!t.empty() && t[0] == '@') {
      t.remove_prefix(1);
      ++at;
    }
    std::string lower_start = lower(t.substr(0, 5));
    if (t.empty() || t[0] == ':' || starts_with(lower_start, "rem ") || lower_start == "rem" ||
        starts_with(lower_start, "echo ") || starts_with(lower_start, "set ") || starts_with(lower_start, "if ") ||
        starts_with(lower_start, "goto ") || starts_with(lower_start, "for "))
      continue;
    while (!t.empty() && (t.back() == '\r' || t.back() == ' ')) t.remove_suffix(1);
    b.add(t, at);
    b.add_char('\n', offset + static_cast<uint32_t>(line.size()));
  }
  if (!b.empty()) out.push_back(b.finish("script_file", "batch"));
}

// ---- agents' instruction files ---------------------------------------------------------------

// The commands an instruction file tells an agent to run: fenced shell blocks (```bash, ```sh, ``` …,
// a console block's `$ ` lines), inline code spans that hold a command line, and a slash command's
// !`…` lines (run by Claude Code when the command is invoked).
void agent_instruction_scripts(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::string_view content = source.content;
  ScriptBuilder b;
  bool in_fence = false, shell_fence = false;
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    std::string_view t = trim_left(line);
    uint32_t at = offset + static_cast<uint32_t>(line.size() - t.size());
    if (starts_with(t, "```") || starts_with(t, "~~~")) {
      if (!in_fence) {
        std::string info = lower(trim_left(t.substr(3)));
        shell_fence = info.empty() || info == "bash" || info == "sh" || info == "shell" || info == "zsh" ||
                      info == "console" || info == "shell-session" || info == "terminal";
      }
      in_fence = !in_fence;
      continue;
    }
    if (in_fence) {
      if (!shell_fence) continue;
      std::string_view command = t;
      if (starts_with(command, "$ ")) command.remove_prefix(2), at += 2;
      b.add(command, at);
      b.add_char('\n', offset + static_cast<uint32_t>(line.size()));
      continue;
    }
    // A command line written as text (an indented block, after "Run:" or a list marker): a line or the rest
    // of it after ": " that starts with a command and pipes, redirects, chains or names a URL.
    static const shell::NameSet kStarters{"curl", "wget", "env", "printenv", "cat", "echo", "printf", "bash", "sh", "zsh",
                                   "python", "python3", "node", "nc", "ncat", "base64", "tar", "scp", "rsync",
                                   "export", "eval", "source", "sudo", "git", "npx", "pnpm", "npm", "pip", "uvx"};
    for (size_t start : {size_t{0}, t.find(": ") == std::string_view::npos ? std::string_view::npos : t.find(": ") + 2}) {
      if (start == std::string_view::npos || start >= t.size()) continue;
      std::string_view rest = t.substr(start);
      while (starts_with(rest, "- ") || starts_with(rest, "* ") || starts_with(rest, "+ ")) rest.remove_prefix(2);
      rest = trim_left(rest);
      std::string_view first = rest.substr(0, rest.find(' '));
      bool shaped = rest.find('|') != std::string_view::npos || rest.find(" > ") != std::string_view::npos ||
                    rest.find("&&") != std::string_view::npos || rest.find("://") != std::string_view::npos;
      if (kStarters.count(first) && shaped && rest.find('`') == std::string_view::npos) {
        b.add(rest, at + static_cast<uint32_t>(rest.data() - t.data()));
        b.add_char('\n', offset + static_cast<uint32_t>(line.size()));
        break;
      }
    }
    // Inline code spans: `pnpm test`, !`git status` (the ! runs it in a Claude Code command).
    for (size_t open = t.find('`'); open != std::string_view::npos && open + 1 < t.size(); open = t.find('`', open + 1)) {
      size_t close = t.find('`', open + 1);
      if (close == std::string_view::npos) break;
      std::string_view span = t.substr(open + 1, close - open - 1);
      if (span.find(' ') != std::string_view::npos) {
        b.add(span, at + static_cast<uint32_t>(open + 1));
        b.add_char('\n', at + static_cast<uint32_t>(close));
      }
      open = close;
    }
  }
  if (!b.empty()) out.push_back(b.finish(source.kind.origin, "agent instructions"));
}

// ---- programs: shell commands in code ---------------------------------------------------------

bool is_string_node(std::string_view type) {
  return type == "string" || type == "template_string" || type == "interpreted_string_literal" ||
         type == "raw_string_literal";
}

// The string literal children of a list/array node, in order.
std::vector<TSNode> string_items(TSNode list) {
  std::vector<TSNode> out;
  for (uint32_t i = 0; i < ts_node_named_child_count(list); ++i) {
    TSNode item = ts_node_named_child(list, i);
    if (std::string_view(ts_node_type(item)) == "literal_element" && ts_node_named_child_count(item) == 1)
      item = ts_node_named_child(item, 0);  // Go composite literal elements
    if (is_string_node(ts_node_type(item))) out.push_back(item);
  }
  return out;
}

// Which calls run a shell command, and where its text sits, per language.
struct RunnerCall {
  std::vector<TSNode> words;  // literal words of the command, or one literal holding a script
  bool argv = false;          // words are one argument each (["python", "-c", "…"]), not shell text
  std::vector<bool> printf_formats;  // per word: a printf format (fmt.Sprintf, "…" % x): its verbs are values
};

// The string a value is built from: a literal, or the format of fmt.Sprintf / "…".format / "…" % x
// (printf_format: its %s/%v/%d verbs stand for values).
struct StringValue {
  TSNode node;
  bool printf_format = false;
};

std::optional<StringValue> string_value(const SyntaxTree& tree, TSNode value) {
  std::string_view type = ts_node_type(value);
  if (is_string_node(type)) return StringValue{value, false};
  if (type == "call" || type == "call_expression") {
    TSNode function = field(value, "function");
    TSNode args = field(value, "arguments");
    if (ts_node_is_null(function) || ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return std::nullopt;
    std::string_view callee = tree.text_of(function);
    TSNode first = ts_node_named_child(args, 0);
    if ((callee == "fmt.Sprintf" || callee == "util.format") && is_string_node(ts_node_type(first)))
      return StringValue{first, true};
    // "curl {} | sh".format(url): the object of .format is the string, its {} the placeholders.
    std::string_view function_type = ts_node_type(function);
    if (function_type == "attribute" && callee.size() > 7 && callee.substr(callee.size() - 7) == ".format") {
      TSNode object = field(function, "object");
      if (!ts_node_is_null(object) && is_string_node(ts_node_type(object))) return StringValue{object, false};
    }
    return std::nullopt;
  }
  if (type == "binary_operator") {  // Python "curl %s | sh" % url
    TSNode left = field(value, "left");
    TSNode op = field(value, "operator");
    if (!ts_node_is_null(left) && !ts_node_is_null(op) && tree.text_of(op) == "%" && is_string_node(ts_node_type(left)))
      return StringValue{left, true};
  }
  return std::nullopt;
}

// The string value assigned to `name` in the file (cmd = "…", const cmd = `…`, script := fmt.Sprintf(…),
// const x = "…"): the first such assignment, one hop, no further names followed.
std::optional<StringValue> assigned_string(const SyntaxTree& tree, std::string_view name) {
  auto first_named = [](TSNode node) {
    if (ts_node_is_null(node)) return node;
    std::string_view type = ts_node_type(node);
    return type == "expression_list" && ts_node_named_child_count(node) > 0 ? ts_node_named_child(node, 0) : node;
  };
  std::vector<TSNode> stack{tree.root()};
  size_t visited = 0;
  while (!stack.empty() && visited++ < kMaxWalkNodes) {
    TSNode node = stack.back();
    stack.pop_back();
    std::string_view type = ts_node_type(node);
    TSNode target{}, value{};
    if (type == "assignment" || type == "assignment_expression" || type == "short_var_declaration" ||
        type == "assignment_statement") {
      target = first_named(field(node, "left"));
      value = first_named(field(node, "right"));
    } else if (type == "variable_declarator" || type == "const_spec" || type == "var_spec") {
      target = field(node, "name");
      value = first_named(field(node, "value"));
    }
    if (!ts_node_is_null(target) && !ts_node_is_null(value) && tree.text_of(target) == name)
      if (auto found = string_value(tree, value)) return found;
    for (uint32_t i = ts_node_named_child_count(node); i-- > 0;) stack.push_back(ts_node_named_child(node, i));
  }
  return std::nullopt;
}

// A command word as the program passes it: a literal, a formatted string, or a name holding either.
// "cu" + "rl -s …" + " | s" + "h": a command split into literals joined with +, its literals in order;
// empty when an operand is anything else (a variable, a call) or the chain is deeper than 64.
std::vector<TSNode> concatenated_literals(const SyntaxTree& tree, TSNode node, int depth = 0) {
  std::string_view type = ts_node_type(node);
  if (depth > 64) return {};
  if (type == "parenthesized_expression" && ts_node_named_child_count(node) == 1)
    return concatenated_literals(tree, ts_node_named_child(node, 0), depth + 1);
  if (is_string_node(type)) return {node};
  if (type == "concatenated_string") {  // Python's "a" "b", written across lines: one string
    std::vector<TSNode> pieces;
    for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode piece = ts_node_named_child(node, i);
      if (std::string_view(ts_node_type(piece)) == "comment") continue;
      if (!is_string_node(ts_node_type(piece))) return {};
      pieces.push_back(piece);
    }
    return pieces;
  }
  if (type != "binary_operator" && type != "binary_expression") return {};
  TSNode op = field(node, "operator");
  if (ts_node_is_null(op) || tree.text_of(op) != "+") return {};
  auto left = concatenated_literals(tree, field(node, "left"), depth + 1);
  if (left.empty()) return {};
  auto right = concatenated_literals(tree, field(node, "right"), depth + 1);
  if (right.empty()) return {};
  left.insert(left.end(), right.begin(), right.end());
  return left;
}

std::optional<StringValue> command_word(const SyntaxTree& tree, TSNode argument) {
  if (auto direct = string_value(tree, argument)) return direct;
  if (concatenated_literals(tree, argument).size() > 1) return StringValue{argument, false};
  if (std::string_view(ts_node_type(argument)) == "identifier") return assigned_string(tree, tree.text_of(argument));
  return std::nullopt;
}

// Callee names that run a command, compiled once. As TextRegex they skip, without running the regex,
// names that lack the literals a match needs (most calls).
struct RunnerPatterns {
  TextRegex python, python_argv, js_script, js_argv, go;
};

const RunnerPatterns& runner_patterns() {
  static const RunnerPatterns patterns{
      *TextRegex::compile(
          R"(^(os\.(system|popen|execl|execlp|spawnl)|subprocess\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|check_call|check_output|system|popen|Popen|getoutput|commands\.getoutput|(c|ctx|context)\.(run|sudo))$)",
          nullptr),
      // nox's session.run("bash", "-c", "…"): the positional arguments are the words.
      *TextRegex::compile(R"(^session\.(run|run_always|run_install)$)", nullptr),
      *TextRegex::compile(
          R"(^(exec|execSync|(child_process|cp|childProcess)\.(exec|execSync)|require\(["']child_process["']\)\.(exec|execSync))$)",
          nullptr),
      *TextRegex::compile(
          R"(^(spawn|spawnSync|execFile|execFileSync|(child_process|cp|childProcess)\.(spawn|spawnSync|execFile|execFileSync)|require\(["']child_process["']\)\.(spawn|spawnSync|execFile|execFileSync))$)",
          nullptr),
      *TextRegex::compile(R"(^exec\.Command(Context)?$)", nullptr),
  };
  return patterns;
}

std::optional<RunnerCall> runner_call(const SyntaxTree& tree, TSNode call, Language language) {
  const RunnerPatterns& runners = runner_patterns();
  std::string_view function = tree.text_of(field(call, "function"));
  bool js = language == Language::javascript || language == Language::typescript || language == Language::tsx;
  // Most calls run nothing: decide on the callee's name before looking at the arguments.
  bool python_runner = language == Language::python && runners.python.search(function);
  bool python_argv = language == Language::python && runners.python_argv.search(function);
  bool js_script = js && runners.js_script.search(function);
  bool js_argv = js && runners.js_argv.search(function);
  bool go_runner = language == Language::go && runners.go.search(function);
  if (!python_runner && !python_argv && !js_script && !js_argv && !go_runner) return std::nullopt;
  TSNode args = field(call, "arguments");
  if (ts_node_is_null(args)) return std::nullopt;
  std::vector<TSNode> positional;
  for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
    TSNode a = ts_node_named_child(args, i);
    std::string_view t = ts_node_type(a);
    if (t != "keyword_argument" && t != "comment") positional.push_back(a);
  }
  if (positional.empty()) return std::nullopt;
  RunnerCall out;
  auto add = [&](TSNode node, bool printf_format) {
    out.words.push_back(node);
    out.printf_formats.push_back(printf_format);
  };
  auto add_argument = [&](TSNode argument) {
    if (auto word = command_word(tree, argument)) add(word->node, word->printf_format);
  };
  std::string_view first_type = ts_node_type(positional[0]);
  if (python_runner) {
    if (first_type == "list" || first_type == "tuple") {
      for (TSNode w : string_items(positional[0])) add(w, false);
      out.argv = true;
    } else {
      add_argument(positional[0]);
    }
  } else if (js) {
    if (js_script) add_argument(positional[0]);
    if (js_argv && command_word(tree, positional[0])) {
      add_argument(positional[0]);
      if (positional.size() > 1 && std::string_view(ts_node_type(positional[1])) == "array")
        for (TSNode w : string_items(positional[1])) add(w, false);
      out.argv = true;
    }
  } else if (go_runner || python_argv) {
    for (TSNode a : positional) add_argument(a);
    out.argv = true;
  }
  if (out.words.empty()) return std::nullopt;
  // ["sh", "-c", "script"]: the script is what runs.
  if (out.words.size() >= 3) {
    std::string shell = unquote_literal(tree.text_of(out.words[0])),
                flag = unquote_literal(tree.text_of(out.words[1]));
    if (is_shell_name(shell) && flag == "-c") {
      out.words.erase(out.words.begin(), out.words.begin() + 2);
      out.printf_formats.erase(out.printf_formats.begin(), out.printf_formats.begin() + 2);
      out.argv = false;  // what is left is the script
    }
  }
  return out;
}

// What an interpolated expression puts into the command line, as shell text: the whole environment
// (os.environ, JSON.stringify(process.env)) reads as $(env), one variable (os.environ['K'],
// os.getenv("K"), process.env.K) as ${K}, anything else as an unknown value.
std::string interpolation_stand_in(std::string_view expression) {
  static const std::regex kOneVariable(
      R"(^\s*(?:os\.environ\s*\[\s*['"]([A-Za-z_]\w*)['"]\s*\]|os\.(?:environ\.get|getenv)\s*\(\s*['"]([A-Za-z_]\w*)['"][^)]*\))"
      R"(|process\.env\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*['"`]([A-Za-z_]\w*)['"`]\s*\]))\s*(?:!r|!s|!a)?\s*$)");
  // The environment as a whole: os.environ / process.env not narrowed to one key.
  static const std::regex kWholeEnvironment(R"((os\.environ|process\.env)(?!\s*(\[|\.\s*\w)))");
  std::string text(expression);
  std::smatch m;
  if (std::regex_match(text, m, kOneVariable))
    for (size_t g = 1; g < m.size(); ++g)
      if (m[g].matched) return "${" + m[g].str() + "}";
  if (std::regex_search(text, kWholeEnvironment)) return "$(env)";
  // os.environ.copy() and os.environ.items() still hand over everything.
  if (text.find("os.environ.copy") != std::string::npos || text.find("os.environ.items") != std::string::npos)
    return "$(env)";
  return "${FORMATTED}";
}

// Adds a literal's value to the command line, its interpolations replaced by their stand-ins: Python's
// "{…}" placeholders (f-strings and .format), JavaScript template literals' "${…}". Inside single quotes
// a stand-in is spliced in as '"…"', as the program puts the value there before the shell reads it.
void add_with_placeholders(std::string_view value, uint32_t base, Language language, bool template_literal,
                           bool printf_format, ScriptBuilder& b) {
  bool python = language == Language::python;
  bool in_single = false, in_double = false;
  for (size_t i = 0; i < value.size(); ++i) {
    uint32_t at = base + static_cast<uint32_t>(i);
    char c = value[i];
    if (c == '\'' && !in_double) in_single = !in_single;
    if (c == '"' && !in_single) in_double = !in_double;
    if (printf_format && c == '%' && i + 1 < value.size()) {
      if (value[i + 1] == '%') {  // %% is a literal %
        b.add_char('%', at);
        ++i;
        continue;
      }
      if (std::strchr("svdqxfr", value[i + 1])) {  // %s %v %d %q …: a value the program puts there
        std::string stand_in = in_single ? "'\"${FORMATTED}\"'" : "${FORMATTED}";
        for (char s : stand_in) b.add_char(s, at);
        ++i;
        continue;
      }
    }
    if (python && (c == '{' || c == '}') && i + 1 < value.size() && value[i + 1] == c) {  // {{ is a literal {
      b.add_char(c, at);
      ++i;
      continue;
    }
    size_t open = std::string_view::npos;
    if (python && c == '{' && (i == 0 || value[i - 1] != '$')) open = i + 1;
    if (template_literal && c == '$' && i + 1 < value.size() && value[i + 1] == '{') open = i + 2;
    if (open != std::string_view::npos) {
      size_t close = value.find('}', open);
      if (close != std::string_view::npos && value.substr(open, close - open).find('{') == std::string_view::npos) {
        std::string stand_in = interpolation_stand_in(value.substr(open, close - open));
        if (in_single) stand_in = "'\"" + stand_in + "\"'";
        for (char s : stand_in) b.add_char(s, at);
        i = close;
        continue;
      }
    }
    b.add_char(c, at);
  }
}

void program_scripts(const SyntaxTree& tree, Language language, const std::string& origin,
                     std::vector<EmbeddedScript>& out) {
  std::vector<TSNode> stack{tree.root()};
  size_t visited = 0;
  while (!stack.empty() && visited++ < kMaxWalkNodes && out.size() < kMaxScripts) {
    TSNode node = stack.back();
    stack.pop_back();
    for (uint32_t i = ts_node_named_child_count(node); i-- > 0;)
      stack.push_back(ts_node_named_child(node, i));
    std::string_view type = ts_node_type(node);
    if (type != "call" && type != "call_expression") continue;
    auto runner = runner_call(tree, node, language);
    if (!runner) continue;
    ScriptBuilder b;
    for (size_t k = 0; k < runner->words.size(); ++k) {
      TSNode word = runner->words[k];
      // A word joined from literals ("cu" + "rl …") is their values run together.
      std::vector<TSNode> pieces = concatenated_literals(tree, word);
      if (pieces.size() < 2) pieces = {word};
      // One argument of an argv with spaces or quotes in it (python -c "import os; …") stays one word;
      // one with interpolations is left as it is, so that its stand-ins ($(env), ${K}) still expand.
      std::string_view whole = tree.text_of(word);
      if (runner->argv && !runner->printf_formats[k] && whole.find('{') == std::string_view::npos &&
          whole.find('`') == std::string_view::npos) {
        ScriptBuilder one;
        std::string text;
        for (TSNode piece : pieces) {
          std::string_view raw = tree.text_of(piece);
          std::string value = unquote_literal(raw);
          size_t inner = raw.find(value);
          uint32_t base = ts_node_start_byte(piece) + static_cast<uint32_t>(inner == std::string_view::npos ? 0 : inner);
          for (size_t i = 0; i < value.size(); ++i) one.add_char(value[i], base + static_cast<uint32_t>(i));
          text += value;
        }
        if (text.find_first_of(" \t\n'\"$;&|<>()*?[]#~\\") != std::string::npos) {
          add_as_quoted_word(std::move(one), ts_node_start_byte(word), ts_node_end_byte(word) - 1, b);
          b.add_char(' ', ts_node_end_byte(word));
          continue;
        }
      }
      for (TSNode piece : pieces) {
        std::string_view raw = tree.text_of(piece);
        std::string value = unquote_literal(raw);
        size_t inner = raw.find(value);
        uint32_t base =
            ts_node_start_byte(piece) + static_cast<uint32_t>(inner == std::string_view::npos ? 0 : inner);
        add_with_placeholders(value, base, language, std::string_view(ts_node_type(piece)) == "template_string",
                              runner->printf_formats[k], b);
      }
      b.add_char(' ', ts_node_end_byte(word));
    }
    if (!b.empty()) out.push_back(b.finish(origin, std::string(tree.text_of(field(node, "function")))));
  }
}

// `//go:generate CMD ARGS…` lines run on `go generate` (go splits the words itself, quotes as in Go; no
// shell, so `sh -c "…"` is the way to a pipeline). Read as a command line, each one at its line.
void go_generate_directives(std::string_view content, std::vector<EmbeddedScript>& out) {
  for (const auto& [line, offset] : lines_with_offsets(content)) {
    if (out.size() >= kMaxScripts) return;
    std::string_view directive = "//go:generate ";
    if (line.substr(0, directive.size()) != directive) continue;
    ScriptBuilder b;
    b.add(line.substr(directive.size()), offset + static_cast<uint32_t>(directive.size()));
    if (!b.empty()) out.push_back(b.finish("build_recipe", "go:generate"));
  }
}

// IPython's shell escapes in a notebook cell or an ipython tool's code: `!cmd`, `files = !ls`, `%system cmd`,
// `%sx cmd` run one command each; a cell opening with `%%bash`, `%%sh` or `%%script bash` is a shell script.
// None of these is Python syntax, so plain Python files never carry them.
void ipython_shell_escapes(std::string_view content, const std::string& origin, std::vector<EmbeddedScript>& out) {
  auto lines = lines_with_offsets(content);
  size_t first = 0;
  while (first < lines.size() && trim_left(lines[first].first).empty()) ++first;
  if (first < lines.size()) {
    std::string_view magic = trim_left(lines[first].first);
    if (magic == "%%bash" || magic == "%%sh" || magic == "%%script bash" || magic == "%%script sh" ||
        magic == "%%script zsh" || magic == "%%system" || magic == "%%!") {
      ScriptBuilder b;
      if (first + 1 < lines.size()) b.add(content.substr(lines[first + 1].second), lines[first + 1].second);
      if (!b.empty()) out.push_back(b.finish(origin, std::string(magic)));
      return;
    }
  }
  for (const auto& [line, offset] : lines) {
    if (out.size() >= kMaxScripts) return;
    std::string_view code = trim_left(line);
    size_t at = std::string_view::npos;
    if (starts_with(code, "!") && !starts_with(code, "!=")) {
      at = 1;
    } else if (starts_with(code, "%system ") || starts_with(code, "%sx ")) {
      at = code.find(' ') + 1;
    } else {
      // name = !cmd (or %sx): the output captured into a variable.
      size_t equals = code.find('=');
      std::string_view target = code.substr(0, equals == std::string_view::npos ? 0 : equals);
      bool is_name = !target.empty() && std::all_of(target.begin(), target.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ' ';
      });
      std::string_view value = equals == std::string_view::npos ? std::string_view() : trim_left(code.substr(equals + 1));
      if (is_name && starts_with(value, "!") && !starts_with(value, "!=")) at = static_cast<size_t>(value.data() + 1 - code.data());
    }
    if (at == std::string_view::npos || at >= code.size()) continue;
    ScriptBuilder b;
    uint32_t base = offset + static_cast<uint32_t>(code.data() - line.data()) + static_cast<uint32_t>(at);
    b.add(code.substr(at), base);
    if (!b.empty()) out.push_back(b.finish(origin, "!"));
  }
}

Span map_span(const EmbeddedScript& script, Span span) {
  if (script.offsets.empty()) return span;
  size_t last = script.offsets.size() - 1;
  uint32_t begin = script.offsets[std::min<size_t>(span.begin, last)];
  uint32_t end = span.end == 0 ? begin : script.offsets[std::min<size_t>(span.end - 1, last)] + 1;
  return Span{begin, std::max(begin, end)};
}

// A Ruby, PHP or Perl file as the shell would run it: the interpreter reading the file's text from a
// quoted here-document (nothing expanded), so the interpreters' reading applies. Every fact points at
// the file's first byte.
void interpreted_program_script(const ScriptSource& source, std::vector<EmbeddedScript>& out) {
  std::string delimiter = "TOOLWALL_PROGRAM_END";
  while (source.content.find(delimiter) != std::string_view::npos) delimiter += "_";
  ScriptBuilder b;
  b.add(source.kind.interpreter + " <<'" + delimiter + "'\n", 0);
  b.add(source.content, 0);
  uint32_t end = static_cast<uint32_t>(source.content.size());
  b.add("\n" + delimiter + "\n", end == 0 ? 0 : end - 1);
  out.push_back(b.finish(source.kind.origin, source.kind.interpreter + " program"));
}

}  // namespace

std::vector<EmbeddedScript> extract_scripts(const FileKind& kind, const std::string& path,
                                            std::string_view content, bool fragment, const SyntaxTree* tree) {
  using Extractor = void (*)(const ScriptSource&, std::vector<EmbeddedScript>&);
  struct CarrierExtractor {
    CommandCarrier carrier;
    Extractor extract;
  };
  static constexpr CarrierExtractor kExtractors[] = {
      {CommandCarrier::shell_script,
       [](const ScriptSource& s, std::vector<EmbeddedScript>& out) {
         ScriptBuilder b;
         b.add(s.content, 0);
         out.push_back(b.finish(s.kind.origin, "script"));
       }},
      {CommandCarrier::package_json, package_json_scripts},
      {CommandCarrier::makefile, [](const ScriptSource& s, auto& out) { makefile_scripts(s.content, out); }},
      {CommandCarrier::justfile, [](const ScriptSource& s, auto& out) { justfile_scripts(s.content, out); }},
      {CommandCarrier::dockerfile, [](const ScriptSource& s, auto& out) { dockerfile_scripts(s.content, out); }},
      {CommandCarrier::ci_workflow, ci_workflow_scripts},
      {CommandCarrier::compose, compose_scripts},
      {CommandCarrier::tox, [](const ScriptSource& s, auto& out) { tox_scripts(s.content, out); }},
      {CommandCarrier::crontab,
       [](const ScriptSource& s, auto& out) { crontab_scripts(normalize_path(s.path), s.content, out); }},
      {CommandCarrier::systemd_unit, [](const ScriptSource& s, auto& out) { systemd_scripts(s.content, out); }},
      {CommandCarrier::launchd_plist, [](const ScriptSource& s, auto& out) { launchd_plist_scripts(s.content, out); }},
      {CommandCarrier::ssh_config, [](const ScriptSource& s, auto& out) { ssh_config_scripts(s.content, out); }},
      {CommandCarrier::git_config, [](const ScriptSource& s, auto& out) { git_config_scripts(s.content, out); }},
      {CommandCarrier::ide_config, ide_config_scripts},
      {CommandCarrier::program_rc, [](const ScriptSource& s, auto& out) { program_rc_scripts(s.path, s.content, out); }},
      {CommandCarrier::aws_config, [](const ScriptSource& s, auto& out) { aws_config_scripts(s.content, out); }},
      {CommandCarrier::kubeconfig, kubeconfig_scripts},
      {CommandCarrier::cargo_config, [](const ScriptSource& s, auto& out) { cargo_config_scripts(s.content, out); }},
      {CommandCarrier::build_definition,
       [](const ScriptSource& s, auto& out) {
         std::string path = normalize_path(s.path);
         bool pom = path == "pom.xml" || (path.size() > 8 && path.compare(path.size() - 8, 8, "/pom.xml") == 0);
         std::string base = lower(path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1));
         if (pom) maven_scripts(s.content, out);
         else if (ends_with(base, ".gyp") || ends_with(base, ".gypi")) gyp_scripts(s.content, out);
         else if (starts_with(base, "jenkinsfile") || ends_with(base, ".jenkinsfile")) jenkinsfile_scripts(s.content, out);
         else if (ends_with(base, ".tf")) terraform_scripts(s.content, out);
         else cmake_scripts(s.content, out);
       }},
      {CommandCarrier::batch_file, [](const ScriptSource& s, auto& out) { batch_scripts(s.content, out); }},
      {CommandCarrier::agent_instructions, agent_instruction_scripts},
      {CommandCarrier::dev_environment, dev_environment_scripts},
      {CommandCarrier::interpreted, interpreted_program_script},
      {CommandCarrier::program,
       [](const ScriptSource& s, auto& out) {
         std::optional<SyntaxTree> own;
         if (!s.kind.language) return;
         if (const SyntaxTree* tree = tree_in(s, *s.kind.language, own))
           program_scripts(*tree, *s.kind.language, s.kind.origin, out);
         if (*s.kind.language == Language::python) ipython_shell_escapes(s.content, s.kind.origin, out);
         if (*s.kind.language == Language::go) go_generate_directives(s.content, out);
       }},
  };
  std::vector<EmbeddedScript> out;
  ScriptSource source{kind, path, content, fragment, tree};
  for (const auto& extractor : kExtractors)
    if (extractor.carrier == kind.carrier) extractor.extract(source, out);
  return out;
}

namespace {

// An image build installs its tools into the image's own PATH (install kubectl /usr/local/bin/kubectl):
// that is what the image is for, not a program shadowing one of the user's commands on their machine.
void drop_image_tool_installs(Facts& shell) {
  auto shadows = [](std::string_view path) { return shell::persistence_kind(path) == std::optional<std::string_view>("path_shadow"); };
  std::erase_if(shell.flows, [&](const Flow& f) { return f.to == "persist" && shadows(f.sink); });
  std::erase_if(shell.markers, [](const Marker& m) { return m.name == "persistence_write" && m.detail == "path_shadow"; });
}

}  // namespace

Facts analyze_embedded_commands(const FileKind& kind, const std::string& path, std::string_view content,
                                bool fragment, const SyntaxTree* tree) {
  Facts facts;
  for (auto& script : extract_scripts(kind, path, content, fragment, tree)) {
    for (const auto& [offset, detail] : script.secrets_to_tests) {
      Marker marker;
      marker.name = "ci_secret_to_tests";
      marker.detail = detail;
      marker.span = Span{offset, offset + 8};
      marker.statement = marker.span;
      auto [line, column] = line_column(content, offset);
      marker.location = Location{path, script.origin, line, column};
      facts.markers.push_back(std::move(marker));
    }
    for (const auto& [offset, expression] : script.untrusted) {
      Marker marker;
      marker.name = "ci_injection";
      marker.detail = "${{" + expression + "}} in " + script.label;
      marker.span = Span{offset, offset + 3};
      marker.statement = marker.span;
      auto [line, column] = line_column(content, offset);
      marker.location = Location{path, script.origin, line, column};
      facts.markers.push_back(std::move(marker));
    }
    if (!script.shell) continue;
    Facts shell = script.stdin_source.empty()
                      ? shell::analyze(script.text)
                      : shell::analyze(script.text, shell::ScriptInput{"agent_input", script.stdin_source});
    if (kind.carrier == CommandCarrier::interpreted) {
      // A whole program reads its configuration from the environment and calls its own APIs: one named
      // variable and a network call in the same file are not a leak by themselves (the whole environment,
      // credential files, fetched code and reverse shells still are).
      auto& flows = shell.flows;
      flows.erase(std::remove_if(flows.begin(), flows.end(), [](const Flow& f) { return f.from == "secret_var"; }),
                  flows.end());
    }
    if (kind.carrier == CommandCarrier::dockerfile) drop_image_tool_installs(shell);
    auto locate = [&](Span& span, Span& statement, Location& location) {
      span = map_span(script, span);
      statement = map_span(script, statement);
      auto [line, column] = line_column(content, span.begin);
      location = Location{path, script.origin, line, column};
    };
    for (auto& c : shell.commands) locate(c.span, c.statement, c.location);
    for (auto& f : shell.flows) locate(f.span, f.statement, f.location);
    for (auto& m : shell.markers) locate(m.span, m.statement, m.location);
    shell.statements.clear();
    if (!shell.complete && (kind.carrier == CommandCarrier::program || kind.carrier == CommandCarrier::batch_file ||
                            kind.carrier == CommandCarrier::build_definition ||
                            kind.carrier == CommandCarrier::agent_instructions)) {
      // Commands pieced together from literals in code are a best effort; that one does not parse
      // as shell says nothing about the file, so it does not make the analysis incomplete.
      shell.complete = true;
      shell.incomplete_reason.clear();
    }
    if (!shell.complete && !shell.incomplete_reason.empty())
      shell.incomplete_reason = path + " (" + script.label + "): " + shell.incomplete_reason;
    facts.merge(std::move(shell));
  }
  return facts;
}

}  // namespace toolwall::code
