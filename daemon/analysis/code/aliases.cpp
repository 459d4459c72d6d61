#include "analysis/code/aliases.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <regex>
#include <utility>
#include <vector>

namespace toolwall::code {

namespace {

constexpr size_t kMaxLine = 2000;
constexpr size_t kMaxAliases = 32;

// Modules whose renaming would hide a sink or a source from the detectors.
constexpr std::array<std::string_view, 16> kPythonModules{
    "os", "subprocess", "requests", "httpx", "urllib.request", "urllib", "builtins", "pickle",
    "marshal", "yaml", "socket", "jwt", "aiohttp", "urllib3", "runpy", "pty"};
constexpr std::array<std::string_view, 6> kJsModules{"child_process", "vm", "https", "http", "jsonwebtoken", "fs"};

// Names imported `from module import name` that detectors look for as module.name.
constexpr std::array<std::string_view, 30> kSinkNames{
    "system", "popen", "environ", "run", "call", "check_output", "check_call", "Popen", "getoutput",
    "getstatusoutput", "urlopen", "Request", "urlretrieve", "get", "post", "put", "patch", "request",
    "loads", "load", "decode", "exec", "eval", "spawn", "dup2", "create_connection", "unsafe_load",
    "run_path", "execv", "execvp"};

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

bool known(std::string_view module, const auto& list) {
  return std::find(list.begin(), list.end(), module) != list.end();
}

using Aliases = std::vector<std::pair<std::string, std::string>>;  // name in the file → canonical text

void add(Aliases& aliases, std::string name, std::string canonical) {
  if (name.empty() || name == canonical || aliases.size() >= kMaxAliases) return;
  aliases.emplace_back(std::move(name), std::move(canonical));
}

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r"), e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// `import a as b, c as d` and `from m import x as y, z`.
void python_imports(std::string_view line, Aliases& aliases) {
  std::string t = trim(line.substr(0, line.find(';')));  // import urllib.request as u; u.urlopen(…)
  if (t.rfind("import ", 0) == 0) {
    std::string rest = t.substr(7);
    size_t start = 0;
    while (start <= rest.size()) {
      size_t comma = rest.find(',', start);
      std::string item = trim(std::string_view(rest).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      size_t as = item.find(" as ");
      if (as != std::string::npos) {
        std::string module = trim(std::string_view(item).substr(0, as));
        if (known(module, kPythonModules)) add(aliases, trim(std::string_view(item).substr(as + 4)), module);
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else if (t.rfind("from ", 0) == 0) {
    size_t imp = t.find(" import ");
    if (imp == std::string::npos) return;
    std::string module = trim(std::string_view(t).substr(5, imp - 5));
    if (!known(module, kPythonModules)) return;
    std::string names = t.substr(imp + 8);
    names.erase(std::remove_if(names.begin(), names.end(), [](char c) { return c == '(' || c == ')'; }), names.end());
    size_t start = 0;
    while (start <= names.size()) {
      size_t comma = names.find(',', start);
      std::string item = trim(std::string_view(names).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      size_t as = item.find(" as ");
      std::string name = as == std::string::npos ? item : trim(std::string_view(item).substr(0, as));
      std::string local = as == std::string::npos ? item : trim(std::string_view(item).substr(as + 4));
      if (!name.empty() && known(name, kSinkNames))
        add(aliases, local, (module == "builtins" ? "" : module + ".") + name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
}

// Whether a line may bind a watched module (kJsModules): the regexes below run only on such lines.
bool names_js_module(std::string_view line) {
  return std::any_of(kJsModules.begin(), kJsModules.end(),
                     [&](std::string_view module) { return line.find(module) != std::string_view::npos; });
}

// `{ exec: run, spawn }` (require) or `{ execSync as run }` (import): each renamed member → module.member.
void renamed_members(const std::string& list, std::string_view separator, const std::string& module, Aliases& aliases) {
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string item = trim(std::string_view(list).substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    size_t at = item.find(separator);
    if (at != std::string::npos)
      add(aliases, trim(std::string_view(item).substr(at + separator.size())), module + "." + trim(std::string_view(item).substr(0, at)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

// `NAME = TARGET` at the start of text, TARGET a name or a dotted path ended by the line, `;`, `,` or a
// comment: a name bound to another, not to a call or an expression (`==` and `=>` are no binding).
struct Binding {
  std::string name, target;
};
std::optional<Binding> read_binding(std::string_view rest) {
  size_t i = 0;
  while (i < rest.size() && is_word(rest[i])) ++i;
  std::string name(rest.substr(0, i));
  while (i < rest.size() && rest[i] == ' ') ++i;
  if (name.empty() || i >= rest.size() || rest[i] != '=' || (i + 1 < rest.size() && (rest[i + 1] == '=' || rest[i + 1] == '>')))
    return std::nullopt;
  ++i;
  while (i < rest.size() && rest[i] == ' ') ++i;
  size_t target_start = i;
  while (i < rest.size() && (is_word(rest[i]) || rest[i] == '.')) ++i;
  std::string target(rest.substr(target_start, i - target_start));
  std::string_view tail = rest.substr(i);
  while (!tail.empty() && tail.front() == ' ') tail.remove_prefix(1);
  bool ends = tail.empty() || tail.front() == ';' || tail.front() == ',' || tail.front() == '#' || tail.rfind("//", 0) == 0;
  if (target.empty() || !ends) return std::nullopt;
  return Binding{std::move(name), std::move(target)};
}

// `const m = child_process;`: what `const m = require(['child', 'process'].join('_'))` reads once the
// computed module name is spelled (computed_names.h). The declaration may follow other statements.
void bound_to_module(std::string_view line, Aliases& aliases) {
  for (std::string_view keyword : {"const ", "let ", "var "}) {
    size_t at = line.find(keyword);
    if (at == std::string_view::npos || (at > 0 && is_word(line[at - 1]))) continue;
    auto binding = read_binding(line.substr(at + keyword.size()));
    if (binding && known(binding->target, kJsModules)) add(aliases, binding->name, binding->target);
  }
}

// A watched module bound to a name of the file's choosing: `const cp = require("child_process")`,
// `const { exec: run, spawn } = require('child_process')`, `import * as m from 'node:child_process'`,
// `import m, { execSync as run } from 'child_process'`; and `const { env } = process`.
void js_module_bindings(std::string_view line, Aliases& aliases) {
  static const std::regex kDestructured(
      R"((?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*['"](?:node:)?([\w]+)['"]\s*\))");
  static const std::regex kBound(R"((?:const|let|var)\s+([A-Za-z_]\w*)\s*=\s*require\(\s*['"](?:node:)?(\w+)['"]\s*\))");
  static const std::regex kImported(
      R"(^\s*import\s+(?:\*\s*as\s+([A-Za-z_]\w*)|([A-Za-z_]\w*))?\s*,?\s*(?:\{([^}]*)\})?\s*from\s*['"](?:node:)?(\w+)['"])");
  static const std::regex kEnv(R"((?:const|let|var)\s*\{([^}]*)\}\s*=\s*process\b)");
  std::string text(line);
  std::smatch m;
  bound_to_module(line, aliases);
  bool has_require = line.find("require(") != std::string_view::npos;
  bool imports = line.find("import") != std::string_view::npos;
  if ((has_require || imports) && names_js_module(line)) {
    if (has_require && std::regex_search(text, m, kDestructured) && known(m[2].str(), kJsModules))
      renamed_members(m[1].str(), ":", m[2].str(), aliases);
    if (has_require && std::regex_search(text, m, kBound) && known(m[2].str(), kJsModules)) add(aliases, m[1].str(), m[2].str());
    if (imports && std::regex_search(text, m, kImported) && known(m[4].str(), kJsModules)) {
      std::string module = m[4].str();
      if (m[1].matched) add(aliases, m[1].str(), module);
      if (m[2].matched) add(aliases, m[2].str(), module);
      if (m[3].matched) renamed_members(m[3].str(), " as ", module, aliases);
    }
  }
  if (line.find("} = process") != std::string_view::npos && std::regex_search(text, m, kEnv) &&
      m[1].str().find("env") != std::string::npos)
    add(aliases, "env", "process.env");
}

// `runner = os.system`, `const run = cp.execSync;`: a module's function bound to a local name, read on
// the text with imports and computed names already spelled canonically (so `getattr(__import__("os"),
// "system")` and `import os as o; r = o.system` end here too).
void assigned_aliases(std::string_view text, bool python, Aliases& aliases) {
  size_t start = 0;
  while (start < text.size() && aliases.size() < kMaxAliases) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    // Most lines bind nothing: no copy of them.
    if (raw.size() > kMaxLine || raw.find('=') == std::string_view::npos || raw.find('.') == std::string_view::npos) continue;
    std::string line = trim(raw);
    std::string_view rest(line);
    if (!python)
      for (std::string_view keyword : {"const ", "let ", "var "})
        if (rest.rfind(keyword, 0) == 0) rest.remove_prefix(keyword.size());
    auto binding = read_binding(rest);
    if (!binding) continue;
    const std::string& name = binding->name;
    const std::string& target = binding->target;
    size_t dot = target.rfind('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == target.size()) continue;
    std::string module = target.substr(0, dot), function = target.substr(dot + 1);
    bool sink = python ? known(module, kPythonModules) && known(function, kSinkNames)
                       : known(module, kJsModules) || module == "cp";
    if (sink) add(aliases, name, target);
  }
}

// Replaces whole-word uses of each alias (not after a '.', not in `import` lines) with its canonical text.
std::string respell(std::string_view text, const Aliases& aliases) {
  std::string out;
  out.reserve(text.size() + 64);
  size_t i = 0;
  while (i < text.size()) {
    if (i == 0 || text[i - 1] == '\n') {  // the lines that define the aliases stay as written
      size_t eol = text.find('\n', i);
      if (eol == std::string_view::npos) eol = text.size();
      std::string_view line = text.substr(i, eol - i);
      std::string t = trim(line);
      bool python_import = t.rfind("import ", 0) == 0 || t.rfind("from ", 0) == 0;
      if (python_import && line.find(';') != std::string_view::npos) {  // import os as o; o.system(c): only the import stays
        size_t semicolon = i + line.find(';') + 1;
        out.append(text.substr(i, semicolon - i));
        i = semicolon;
        continue;
      }
      if (python_import || (line.find("require(") != std::string_view::npos && line.find('}') != std::string_view::npos) ||
          line.find("} = process") != std::string_view::npos) {
        out.append(line);
        i = eol;
        continue;
      }
    }
    if (is_word(text[i]) && (i == 0 || (!is_word(text[i - 1]) && text[i - 1] != '.'))) {
      size_t end = i;
      while (end < text.size() && is_word(text[end])) ++end;
      std::string_view word = text.substr(i, end - i);
      auto found = std::find_if(aliases.begin(), aliases.end(), [&](const auto& a) { return a.first == word; });
      // a declaration `name =`, `name:` or a keyword argument keeps its name
      size_t next = end;
      while (next < text.size() && text[next] == ' ') ++next;
      bool binding = next < text.size() && ((text[next] == '=' && (next + 1 >= text.size() || text[next + 1] != '=')) || text[next] == ':');
      if (found != aliases.end() && !binding) {
        out += found->second;
      } else {
        out.append(word);
      }
      i = end;
      continue;
    }
    out += text[i++];
  }
  return out;
}

constexpr std::array<std::string_view, 8> kBracketRoots{"process[", "globalThis[", "window[", "global[",
                                                         "self[", "cp[", "child_process[", "vm["};

bool has_bracket_root(std::string_view line) {
  return std::any_of(kBracketRoots.begin(), kBracketRoots.end(),
                     [&](std::string_view root) { return line.find(root) != std::string_view::npos; });
}

bool has_inline_client(std::string_view text) {
  for (std::string_view client : {"requests.Session(", "httpx.Client(", "httpx.AsyncClient(", "aiohttp.ClientSession(",
                                   "urllib3.PoolManager("})
    if (text.find(client) != std::string_view::npos) return true;
  return false;
}

bool has_required_client(std::string_view text) {
  for (std::string_view client : {"require('axios').", "require(\"axios\").", "require('got').", "require(\"got\").",
                                   "require('superagent').", "require('needle').", "require('request').",
                                   "require('node-fetch')(", "require(\"node-fetch\")("})
    if (text.find(client) != std::string_view::npos) return true;
  return false;
}

// Spellings that need no alias table: __import__("os") → os, getattr(builtins, "exec") → exec,
// getattr(os, "system") → os.system, x['name'] → x.name, (0, eval) → eval.
std::string direct_spellings(std::string_view text, bool python) {
  static const std::regex kDunderImport(R"(__import__\(\s*['"]([\w.]+)['"]\s*\))");
  static const std::regex kGetattrBuiltins(R"(getattr\(\s*(?:builtins|__builtins__)\s*,\s*['"](\w+)['"]\s*\))");
  static const std::regex kGetattr(R"(getattr\(\s*([A-Za-z_][\w.]*)\s*,\s*['"](\w+)['"]\s*\))");
  // An HTTP client made or required inline is the module's own call: requests.Session().post → requests.post,
  // require('axios').post → axios.post, require('node-fetch')(u) → fetch(u).
  static const std::regex kInlineClient(R"(\b(requests|httpx|aiohttp|urllib3)\.(?:Session|Client|AsyncClient|ClientSession|PoolManager)\([^()]*\)\.(get|post|put|patch|request|delete|stream|send)\()");
  static const std::regex kRequiredClient(R"(require\(\s*['"](axios|got|superagent|needle|request)['"]\s*\)\.)");
  static const std::regex kRequiredFetch(R"(require\(\s*['"]node-fetch['"]\s*\)\()");
  static const std::regex kBracket(R"(\b(process|globalThis|window|global|self|cp|child_process|vm)\[\s*['"](\w+)['"]\s*\])");
  // (0, eval)(code): the indirect eval runs code in the global scope, an eval all the same.
  static const std::regex kIndirectEval(R"(\(\s*\d+\s*,\s*(?:(?:window|globalThis|global|self)\.)?eval\s*\))");
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (line.size() <= kMaxLine) {
      if (python) {
        if (line.find("__import__") != std::string::npos) line = std::regex_replace(line, kDunderImport, "$1");
        if (line.find("getattr") != std::string::npos) {
          line = std::regex_replace(line, kGetattrBuiltins, "$1");
          line = std::regex_replace(line, kGetattr, "$1.$2");
        }
        if (has_inline_client(line))
          line = std::regex_replace(line, kInlineClient, "$1.$2(");
      } else {
        if (has_bracket_root(line)) line = std::regex_replace(line, kBracket, "$1.$2");
        if (line.find("eval)") != std::string::npos) line = std::regex_replace(line, kIndirectEval, "eval");
        if (has_required_client(line)) {
          line = std::regex_replace(line, kRequiredClient, "$1.");
          line = std::regex_replace(line, kRequiredFetch, "fetch(");
        }
      }
    }
    out += line;
    if (end == text.size()) break;
    out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> canonical_aliases(Language language, std::string_view text) {
  bool python = language == Language::python;
  bool js = language == Language::javascript || language == Language::typescript || language == Language::tsx;
  if (!python && !js) return std::nullopt;
  // Most files rename nothing: decide on cheap substring tests before any work.
  auto has = [&](std::string_view needle) { return text.find(needle) != std::string_view::npos; };
  bool needs_direct = python ? (has("__import__") || has("getattr(") || has_inline_client(text))
                             : (has_bracket_root(text) || has_required_client(text) || has("eval)"));
  bool may_alias = python ? (has(" as ") || has("from ")) : (has("require(") || has("import ") || has("} = process") || names_js_module(text));
  Aliases aliases;
  size_t start = 0;
  while (may_alias && start < text.size() && aliases.size() < kMaxAliases) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (line.size() <= kMaxLine) {
      if (python && line.find("import ") != std::string_view::npos) python_imports(line, aliases);
      if (js && (line.find("require(") != std::string_view::npos || line.find("import ") != std::string_view::npos ||
                 line.find("} = process") != std::string_view::npos || names_js_module(line)))
        js_module_bindings(line, aliases);
    }
    start = end + 1;
  }
  // Most files rename nothing: no copy of the text unless something is respelled.
  std::string direct, respelled;
  std::string_view current = text;
  if (needs_direct) current = direct = direct_spellings(text, python);
  if (!aliases.empty()) current = respelled = respell(current, aliases);
  Aliases assigned;
  assigned_aliases(current, python, assigned);
  if (!assigned.empty()) {
    std::string again = respell(current, assigned);
    current = respelled = std::move(again);
  }
  if (current == text) return std::nullopt;
  return std::string(current);
}

}  // namespace toolwall::code
