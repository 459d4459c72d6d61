#include "analysis/shell/interpreters.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>

#include "analysis/shell/catalog.h"
#include "analysis/shell/decoded_literals.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

// String literals in the code ('…', "…", `…`), escapes kept simple.
std::vector<std::pair<size_t, std::string>> string_literals(std::string_view code) {
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t i = 0; i < code.size() && out.size() < 256; ++i) {
    char quote = code[i];
    if (quote != '\'' && quote != '"' && quote != '`') continue;
    std::string value;
    size_t j = i + 1;
    for (; j < code.size() && code[j] != quote; ++j) {
      if (code[j] == '\\' && j + 1 < code.size()) {
        char next = code[++j];
        auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
        if (next == 'x' && j + 2 < code.size() && hex(code[j + 1]) && hex(code[j + 2])) {
          // \x63: a byte by its hex code (Perl, Ruby, PHP, Python, JavaScript).
          value += static_cast<char>(std::stoi(std::string(code.substr(j + 1, 2)), nullptr, 16));
          j += 2;
        } else if (next >= '0' && next <= '7' && j + 2 < code.size() && code[j + 1] >= '0' && code[j + 1] <= '7' &&
                   code[j + 2] >= '0' && code[j + 2] <= '7') {
          // \143: a byte by its octal code.
          value += static_cast<char>(std::stoi(std::string(code.substr(j, 3)), nullptr, 8) & 0xff);
          j += 2;
        } else {
          value += next == 'n' ? '\n' : next == 't' ? '\t' : next;
        }
      } else {
        value += code[j];
      }
    }
    out.push_back({i, value});
    i = j;
  }
  return out;
}

// The name right after an environment accessor: process.env.NAME, os.environ['NAME'], getenv("NAME") …
std::string accessor_name(std::string_view code, size_t after) {
  while (after < code.size() && (code[after] == '.' || code[after] == '[' || code[after] == '(' || code[after] == '{' ||
                                 code[after] == '\'' || code[after] == '"' || code[after] == ' '))
    ++after;
  std::string name;
  while (after < code.size() && (std::isalnum(static_cast<unsigned char>(code[after])) || code[after] == '_'))
    name += code[after++];
  return name;
}

void add_source(CodeReading& reading, std::string from, std::string what) {
  for (const auto& existing : reading.sources)
    if (existing.first == from && existing.second == what) return;
  reading.sources.push_back({std::move(from), std::move(what)});
}

void read_environment(std::string_view code, CodeReading& reading) {
  struct Accessor {
    std::string_view token;
    std::string_view label;
  };
  // Accessors that name one variable when followed by a name, the whole environment otherwise.
  static const std::array<Accessor, 15> accessors{{{"os.environ.get", "os.environ"},
                                                   {"os.environ", "os.environ"},
                                                   {"os.getenv", "os.getenv"},
                                                   {"process.env", "process.env"},
                                                   {"Deno.env.get", "Deno.env"},
                                                   {"Deno.env.toObject", "Deno.env"},
                                                   {"Bun.env", "Bun.env"},
                                                   {"$ENV{", "%ENV"},
                                                   {"ENV[", "ENV"},
                                                   {"ENV.fetch", "ENV"},
                                                   {"getenv(", "getenv"},
                                                   {"ENVIRON[", "ENVIRON"},
                                                   {"$env(", "env"},  // Tcl's env array
                                                   {"GetEnvironmentVariable(", "Environment"},  // C#
                                                   {"env::var(", "env::var"}}};                 // Rust
  for (const auto& accessor : accessors) {
    size_t at = 0;
    while ((at = code.find(accessor.token, at)) != std::string_view::npos) {
      size_t after = at + accessor.token.size();
      std::string name = accessor.token.back() == '[' || accessor.token.back() == '{' || accessor.token.back() == '('
                             ? accessor_name(code, after)
                             : (after < code.size() && (code[after] == '.' || code[after] == '[' || code[after] == '('))
                                   ? accessor_name(code, after)
                                   : std::string();
      if (name == "get" || name == "fetch") {
        // os.environ.get("NAME"), ENV.fetch("NAME"): the name is the argument.
        size_t call = code.find(name, after);
        std::string argument = call == std::string_view::npos ? std::string() : accessor_name(code, call + name.size());
        if (!argument.empty()) name = argument;
      }
      if (name == "get" || name == "copy" || name == "items" || name == "keys" || name == "values" ||
          name == "toObject" || name == "to_h" || name == "to_a" || name == "each")
        name.clear();
      if (accessor.token == "Deno.env.toObject") name.clear();
      if (name.empty()) add_source(reading, "env_dump", std::string(accessor.label));
      else if (is_secret_variable(name)) add_source(reading, "secret_var", "$" + name);
      if (!name.empty() && std::find(reading.environment_names.begin(), reading.environment_names.end(), name) ==
                               reading.environment_names.end())
        reading.environment_names.push_back(name);
      at = after;
    }
  }
  for (std::string_view whole : {"%ENV", "dict(os.environ)", "JSON.stringify(process.env)", "ENV.to_h", "ENV.to_a",
                                 "$_ENV", "$_SERVER", "getenv()", "ENV.inspect", "for k in ENVIRON", "in ENVIRON",
                                 "array get env", "Sys.getenv()", "GetEnvironmentVariables()", "env::vars()",
                                 "env::vars_os()", "ENV.sort", "ENV.each", "ENV.map", "ENV.select", "ENV.filter",
                                 "ENV.reject", "ENV.to_hash", "ENV.each_pair"})
    if (contains(code, whole)) add_source(reading, "env_dump", std::string(whole));
}

// Index just past the string literal that opens at `start`.
size_t literal_end(std::string_view code, size_t start) {
  char quote = code[start];
  size_t j = start + 1;
  for (; j < code.size() && code[j] != quote; ++j)
    if (code[j] == '\\') ++j;
  return std::min(j + 1, code.size());
}

// A gap between literals that only joins them: whitespace and at most one + or . operator.
bool only_joins(std::string_view gap) {
  size_t operators = 0;
  return std::all_of(gap.begin(), gap.end(), [&](char c) {
    if (c == '+' || c == '.') return ++operators <= 1;
    return c == ' ' || c == '\t' || c == '\n';
  });
}

std::string_view trim_joins(std::string_view gap) {
  while (!gap.empty() && std::string_view(" \t\n+.").find(gap.front()) != std::string_view::npos) gap.remove_prefix(1);
  while (!gap.empty() && std::string_view(" \t\n+.").find(gap.back()) != std::string_view::npos) gap.remove_suffix(1);
  return gap;
}

// An environment read whose name is the next literal: awk's ENVIRON["X"], Python's os.environ["X"] and
// os.getenv("X"), Perl's $ENV{"X"}, Ruby's ENV["X"], PHP's getenv("X"), node's process.env["X"].
bool opens_environment_read(std::string_view gap) {
  gap = trim_joins(gap);
  for (std::string_view opening : {"ENVIRON[", "os.environ[", "os.environ.get(", "os.getenv(", "getenv(", "$ENV{", "ENV[",
                                   "ENV.fetch(", "process.env["})
    if (gap.size() >= opening.size() && gap.substr(gap.size() - opening.size()) == opening) return true;
  return false;
}

// `process.env.X` (no literal) standing between two literals: its name.
std::string_view environment_member(std::string_view gap) {
  gap = trim_joins(gap);
  if (gap.substr(0, 12) != "process.env.") return {};
  std::string_view name = gap.substr(12);
  bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  return plain ? name : std::string_view();
}

// The first literal of a call's arguments, joined with the literals concatenated to it
// ("cu" + "rl …" in Python/JS/Ruby, "cu" . "rl" in Perl/PHP, "cu" "rl" in Python and awk): the command it
// runs. An environment variable read in between is spelled as the shell would read it (`${X}`), so
// `system("curl …?t=" ENVIRON["TOKEN"])` sends $TOKEN.
std::string joined_literal(std::string_view arguments, const std::vector<std::pair<size_t, std::string>>& literals) {
  std::string joined = literals.front().second;
  auto gap_after = [&](size_t k) {
    size_t begin = literal_end(arguments, literals[k].first);
    size_t end = k + 1 < literals.size() ? literals[k + 1].first : arguments.size();
    return begin > end ? std::string_view() : arguments.substr(begin, end - begin);
  };
  auto valid_name = [](std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
  };
  for (size_t k = 0; k + 1 < literals.size(); ++k) {
    std::string_view gap = gap_after(k);
    if (only_joins(gap)) {
      joined += literals[k + 1].second;
      continue;
    }
    if (std::string_view member = environment_member(gap); !member.empty()) {
      joined += "${" + std::string(member) + "}" + literals[k + 1].second;
      continue;
    }
    if (!opens_environment_read(gap) || !valid_name(literals[k + 1].second)) break;
    // The read's closing bracket, then a join to the next literal or the end of the call.
    std::string_view after = gap_after(k + 1);
    size_t close = after.find_first_not_of(" \t");
    if (close == std::string_view::npos || std::string_view("])}").find(after[close]) == std::string_view::npos) break;
    joined += "${" + literals[k + 1].second + "}";
    std::string_view rest = after.substr(close + 1);
    if (k + 2 >= literals.size()) break;
    if (!only_joins(rest)) break;
    joined += literals[k + 2].second;
    ++k;
  }
  return joined;
}

bool has_any(std::string_view code, std::initializer_list<std::string_view> tokens) {
  return std::any_of(tokens.begin(), tokens.end(), [&](std::string_view token) { return contains(code, token); });
}

// token (a name and its parenthesis, "exec(") as a call of its own: not the end of a longer name
// (PHP's curl_exec(, preg_match_exec().
bool has_call(std::string_view code, std::string_view token) {
  for (size_t at = code.find(token); at != std::string_view::npos; at = code.find(token, at + 1)) {
    char before = at == 0 ? ' ' : code[at - 1];
    if (!std::isalnum(static_cast<unsigned char>(before)) && before != '_') return true;
  }
  return false;
}

// The first string argument after `token(`, or the words of a list literal joined by spaces.
std::vector<std::string> call_strings(std::string_view code, std::string_view token) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = code.find(token, at)) != std::string_view::npos && out.size() < 16) {
    size_t open = at + token.size();
    while (open < code.size() && code[open] == ' ') ++open;
    bool backtick_form = token == "`" || token == "%x(" || token == "qx(" || token == "qx{";
    if (backtick_form) {
      char close = token == "`" ? '`' : token.back() == '(' ? ')' : '}';
      size_t end = code.find(close, open);
      if (end == std::string_view::npos) break;
      out.push_back(std::string(code.substr(open, end - open)));
      at = end + 1;
      continue;
    }
    if (open >= code.size() || (code[open] != '(' && code[open] != ' ' && code[open] != '\'' && code[open] != '"')) {
      at = open;
      continue;
    }
    // Scan to the matching parenthesis (or end of statement) and collect literals inside.
    int depth = 0;
    size_t end = open;
    for (; end < code.size(); ++end) {
      char c = code[end];
      if (c == '\'' || c == '"') {
        char quote = c;
        for (++end; end < code.size() && code[end] != quote; ++end)
          if (code[end] == '\\') ++end;
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      else if (c == ')' || c == ']') {
        if (--depth <= 0 && c == ')') break;
      } else if ((c == ';' || c == '\n') && depth <= 0) break;
    }
    auto literals = string_literals(code.substr(open, end - open));
    bool list_form = code.substr(open, std::min<size_t>(3, code.size() - open)).find('[') != std::string_view::npos;
    if (!literals.empty()) {
      if (list_form) {
        std::string joined;
        for (const auto& literal : literals) {
          if (!joined.empty()) joined += ' ';
          joined += single_quoted(literal.second);
        }
        // ["bash", "-c", "cmd"] → the shell's own argument is the script.
        out.push_back(joined);
      } else {
        out.push_back(joined_literal(code.substr(open, end - open), literals));
      }
    }
    at = end;
  }
  return out;
}

// The text of a call's first argument, from just after its "(" to the "," or ")" that closes it at depth 0.
std::string first_argument(std::string_view code, size_t begin) {
  int depth = 0;
  char quote = 0;
  size_t i = begin;
  for (; i < code.size() && i < begin + 512; ++i) {
    char c = code[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    else if (c == '(' || c == '[' || c == '{') ++depth;
    else if ((c == ')' || c == ']' || c == '}') && depth > 0) --depth;
    else if ((c == ')' || c == ',') && depth == 0) break;
  }
  std::string argument(code.substr(begin, i - begin));
  size_t first = argument.find_first_not_of(" \t");
  size_t last = argument.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : argument.substr(first, last - first + 1);
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

// `require('https').request(…)` reads as `https.request(…)`, so one list of API names covers both.
std::string inline_module_requires(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  size_t at = 0;
  while (at < code.size()) {
    size_t call = code.find("require(", at);
    if (call == std::string_view::npos) break;
    size_t open = call + 8;
    while (open < code.size() && code[open] == ' ') ++open;
    char quote = open < code.size() ? code[open] : '\0';
    size_t close = (quote == '\'' || quote == '"' || quote == '`') ? code.find(quote, open + 1) : std::string_view::npos;
    size_t paren = close == std::string_view::npos ? close : code.find_first_not_of(' ', close + 1);
    if (paren == std::string_view::npos || code[paren] != ')' || close - open > 64) {
      out.append(code.substr(at, open - at));
      at = open;
      continue;
    }
    std::string_view module = code.substr(open + 1, close - open - 1);
    if (module.substr(0, 5) == "node:") module.remove_prefix(5);
    out.append(code.substr(at, call - at));
    out.append(module);
    at = paren + 1;
  }
  out.append(code.substr(std::min(at, code.size())));
  return out;
}

// Literals given as a connection's host (`{host: 'evil.example'}`, `host="…"`).
bool follows_host_key(std::string_view code, size_t quote_at) {
  if (quote_at == 0) return false;
  size_t before = code.find_last_not_of(" \t", quote_at - 1);
  if (before == std::string_view::npos || before == 0 || (code[before] != ':' && code[before] != '=')) return false;
  size_t key_end = code.find_last_not_of(" \t'\"", before - 1);
  if (key_end == std::string_view::npos) return false;
  for (std::string_view key : {"hostname", "host"})
    if (key_end + 1 >= key.size() && code.substr(key_end + 1 - key.size(), key.size()) == key) return true;
  return false;
}

}  // namespace

std::string interpreter_family(std::string_view name) {
  if (name.substr(0, 6) == "python" || name == "pypy" || name == "pypy3") return "python";
  if (name == "node" || name == "nodejs" || name == "deno" || name == "bun") return "node";
  if (name.substr(0, 4) == "perl") return "perl";
  if (name == "ruby" || name == "irb") return "ruby";
  if (name == "php") return "php";
  if (name == "awk" || name == "gawk" || name == "mawk" || name == "nawk") return "awk";
  if (name == "pwsh" || name == "powershell" || name == "powershell.exe" || name == "pwsh.exe") return "powershell";
  if (name == "tclsh" || name == "wish" || starts_with(name, "tclsh8")) return "tcl";
  if (name == "julia") return "julia";
  // REPLs that read a program in that language on stdin: how Java, C# and Rust files are read here.
  if (name == "jshell") return "java";
  if (name == "csi" || name == "dotnet-script") return "csharp";
  if (name == "evcxr") return "rust";
  if (is_interpreter(name)) return std::string(name);
  return {};
}

std::optional<ModuleCommand> python_module_command(std::string_view name, const std::vector<std::string>& args) {
  if (interpreter_family(name) != "python") return std::nullopt;
  static const std::vector<std::pair<std::string_view, std::string_view>> modules{
      {"pip", "pip"}, {"pip3", "pip3"}, {"pipx", "pipx"}, {"uv", "uv"}, {"twine", "twine"}, {"httpie", "http"},
      {"webbrowser", "xdg-open"}, {"pytest", "pytest"}};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-W" || arg == "-X") {
      ++i;
      continue;
    }
    if (arg.size() > 2 && arg.rfind("-m", 0) == 0) {  // -mpip
      for (const auto& [module, command] : modules)
        if (arg.substr(2) == module) return ModuleCommand{i, std::string(command)};
      return std::nullopt;
    }
    if (arg != "-m") {
      // Options come before -m (-I, -u, -Bq, -Wignore); anything else (a script, -c code) means no module.
      bool attached_value = arg.rfind("-W", 0) == 0 || arg.rfind("-X", 0) == 0;
      bool flags = arg.size() > 1 && arg[0] == '-' && arg.find('c') == std::string::npos &&
                   std::all_of(arg.begin() + 1, arg.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
      if (attached_value || flags) continue;
      return std::nullopt;
    }
    for (const auto& [module, command] : modules)
      if (i + 1 < args.size() && args[i + 1] == module) return ModuleCommand{i + 1, std::string(command)};
    return std::nullopt;
  }
  return std::nullopt;
}

namespace {
CodeReading read_code_at(std::string_view language, std::string_view original_code, int nesting);
}  // namespace

CodeReading read_code(std::string_view language, std::string_view original_code) {
  return read_code_at(language, original_code, 0);
}

namespace {

// A literal of hex digit pairs (bytes.fromhex('…'), binascii.unhexlify, Buffer.from('…', 'hex')) as bytes.
std::optional<std::string> decode_hex(std::string_view text) {
  if (text.size() < 16 || text.size() % 2 != 0 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }))
    return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
  return out;
}

// exec(base64.b64decode('…')), eval(atob('…')), exec(bytes.fromhex('…')): the decoded literal is more
// code in the same language.
void read_decoded_code(std::string_view language, const std::vector<std::pair<size_t, std::string>>& literals,
                       int nesting, CodeReading& reading) {
  for (const auto& literal : literals) {
    if (literal.second.size() < 8 || literal.second.size() > 65536) continue;
    auto decoded = decode_hex(literal.second);
    if (!decoded) decoded = decode_base64(literal.second);
    if (!decoded || decoded->empty()) continue;
    bool printable = std::all_of(decoded->begin(), decoded->end(), [](char c) {
      return c == '\n' || c == '\t' || c == '\r' || (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
    });
    if (!printable) continue;
    CodeReading inner = read_code_at(language, *decoded, nesting + 1);
    for (auto& source : inner.sources) reading.sources.push_back(std::move(source));
    for (auto& host : inner.hosts) add_unique(reading.hosts, host);
    for (auto& text : inner.shell_strings) add_unique(reading.shell_strings, text);
    if (inner.network && !reading.network) {
      reading.network = true;
      reading.network_api = inner.network_api;
    }
    reading.exec_fetched = reading.exec_fetched || inner.exec_fetched;
    reading.reverse_shell = reading.reverse_shell || inner.reverse_shell;
  }
}

// Perl's quote-like operators (q{…}, qq(…), q|…|) as plain quoted strings, so the literal readers see them.
std::string perl_plain_quotes(std::string_view code) {
  if (code.find("q") == std::string_view::npos) return std::string(code);
  std::string out;
  out.reserve(code.size());
  for (size_t i = 0; i < code.size(); ++i) {
    bool word_start = i == 0 || !(std::isalnum(static_cast<unsigned char>(code[i - 1])) || code[i - 1] == '_' || code[i - 1] == '$');
    size_t length = code.compare(i, 2, "qq") == 0 ? 2 : code[i] == 'q' ? 1 : 0;
    if (word_start && length > 0 && i + length < code.size()) {
      char open = code[i + length];
      static const std::string_view kOpens = "{([<|/!#";
      if (kOpens.find(open) != std::string_view::npos) {
        char close = open == '{' ? '}' : open == '(' ? ')' : open == '[' ? ']' : open == '<' ? '>' : open;
        size_t end = code.find(close, i + length + 1);
        if (end != std::string_view::npos) {
          char quote = length == 2 ? '"' : '\'';
          out += quote;
          out += code.substr(i + length + 1, end - i - length - 1);
          out += quote;
          i = end;
          continue;
        }
      }
    }
    out += code[i];
  }
  return out;
}

// PowerShell (case-insensitive, its own names): the env: drive listed whole, $env:NAME, the web cmdlets
// and WebClient, and Invoke-Expression / iex of what they fetched.
void read_powershell(std::string_view code, CodeReading& reading) {
  static const std::regex kWholeEnvironment(
      R"((\b(get-childitem|gci|ls|dir|get-item)\s+env:)|GetEnvironmentVariables\s*\()", std::regex::icase);
  static const std::regex kOneVariable(R"(\$env:([A-Za-z_][A-Za-z0-9_]*))", std::regex::icase);
  static const std::regex kNetwork(
      R"(\b(invoke-restmethod|invoke-webrequest|irm|iwr|start-bitstransfer|net\.webclient|downloadstring|downloadfile|)"
      R"(uploadstring|uploadvalues|system\.net\.http|net\.sockets\.tcpclient|send-mailmessage)\b)",
      std::regex::icase);
  static const std::regex kInvoke(R"(\b(iex|invoke-expression)\b)", std::regex::icase);
  std::string text(code);
  if (std::regex_search(text, kWholeEnvironment)) add_source(reading, "env_dump", "env:");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kOneVariable); it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    if (is_secret_variable(name)) add_source(reading, "secret_var", "$" + name);
    add_unique(reading.environment_names, name);
  }
  std::smatch network;
  if (std::regex_search(text, network, kNetwork)) {
    reading.network = true;
    reading.network_api = network[1].str();
    if (std::regex_search(text, kInvoke)) reading.exec_fetched = true;
  }
  // What a pipeline leaves unassigned is printed (Get-ChildItem env: | Format-Table).
  reading.prints = reading.prints || contains(code, "Write-Output") || contains(code, "Write-Host") ||
                   (!reading.network && !contains(lower(code), "out-null") && !contains(code, "$null ="));
  static const std::regex kReadFile(R"re(\b(get-content|gc|cat|type)\s+(-raw\s+|-path\s+)*["']?([^\s"')|;]+))re",
                                    std::regex::icase);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kReadFile); it != std::sregex_iterator(); ++it) {
    std::string path = (*it)[3].str();
    if (starts_with(lower(path), "$home")) path = "~" + path.substr(5);
    if (starts_with(lower(path), "$env:userprofile")) path = "~" + path.substr(16);
    if (classify_path(path) == PathClass::credential) add_source(reading, "credential_file", path);
  }
  static const std::regex kDefenderOff(
      R"(\b(set-mppreference\s+[^;\n]*-disable\w*\s+\$?(true|1)|add-mppreference\s+[^;\n]*-exclusion\w+))", std::regex::icase);
  std::smatch off;
  if (std::regex_search(text, off, kDefenderOff)) reading.security_off = "Windows Defender: " + off.str().substr(0, 80);
}

// Tcl: `socket HOST PORT` connects, `exec cmd args` runs a command (the words up to ] or ;), and a
// socket whose lines (gets) are exec'ed is a shell served to the peer.
void read_tcl(std::string_view code, CodeReading& reading) {
  static const std::regex kSocket(R"(\bsocket\s+(-\S+\s+)*([A-Za-z0-9.:-]+)\s+\d+)");
  static const std::regex kExec(R"(\bexec\s+([^\]\n;]+))");
  std::string text(code);
  std::smatch socket;
  bool connects = std::regex_search(text, socket, kSocket) && socket[2].str() != "-server";
  if (connects) {
    reading.network = true;
    reading.network_api = "socket";
    add_unique(reading.hosts, socket[2].str());
  }
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kExec); it != std::sregex_iterator(); ++it)
    add_unique(reading.shell_strings, (*it)[1].str());
  if (connects && contains(code, "gets") && contains(code, "exec")) reading.reverse_shell = true;
}

// Julia: `cmd` literals are commands; run(pipeline(`a`, `b`)) runs a | b.
void read_julia(std::string_view code, CodeReading& reading) {
  std::vector<std::string> commands;
  for (size_t open = code.find('`'); open != std::string_view::npos && commands.size() < 16; open = code.find('`', open + 1)) {
    size_t close = code.find('`', open + 1);
    if (close == std::string_view::npos) break;
    commands.emplace_back(code.substr(open + 1, close - open - 1));
    open = close;
  }
  if (commands.empty()) return;
  if (contains(code, "pipeline(")) {
    std::string joined;
    for (const auto& command : commands) joined += (joined.empty() ? "" : " | ") + command;
    add_unique(reading.shell_strings, joined);
  } else {
    for (const auto& command : commands) add_unique(reading.shell_strings, command);
  }
}

CodeReading read_code_at(std::string_view language, std::string_view original_code, int nesting) {
  CodeReading reading;

  if (language == "powershell") {
    read_powershell(original_code, reading);
    static const std::regex kUrl(R"(https?://[A-Za-z0-9.-]+)", std::regex::icase);
    std::string text(original_code);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kUrl); it != std::sregex_iterator(); ++it)
      add_unique(reading.hosts, host_of(it->str()));
    return reading;
  }
  const std::string unquoted = language == "perl" ? perl_plain_quotes(original_code) : std::string();
  if (language == "perl") original_code = unquoted;
  const std::string inlined = fold_decoded_literals(inline_module_requires(original_code));
  std::string_view code = inlined;
  read_environment(code, reading);
  auto literals = string_literals(code);
  for (const auto& literal : literals) {
    const std::string& value = literal.second;
    if (value.size() < 256 && classify_path(value) == PathClass::credential && value.find(' ') == std::string::npos)
      add_source(reading, "credential_file", value);
    bool address_like = !value.empty() && value.size() < 256 && value.find_first_not_of("0123456789.") == std::string::npos &&
                        std::count(value.begin(), value.end(), '.') == 3;
    if (address_like && has_any(code, {"connect", "Socket", "socket", "fsockopen"})) {
      add_unique(reading.hosts, value);
    }
    bool host_value = value.size() < 256 && value.find_first_of(" /:") == std::string::npos &&
                      value.find('.') != std::string::npos && follows_host_key(code, literal.first);
    if (host_value) add_unique(reading.hosts, value);
    if (is_url(value)) {
      std::string host = host_of(value);
      if (!host.empty()) add_unique(reading.hosts, host);
    }
  }
  static const std::array<std::string_view, 49> network_apis{
      "urlopen", "urllib", "requests.", "http.client", "httpx", "aiohttp", "urllib3", "pycurl", "socket",
      "fetch(", "http.request", "https.request", "http.get", "https.get", "net.connect", "net.Socket",
      "XMLHttpRequest", "axios", "Net::HTTP", "LWP", "IO::Socket", "HTTP::Tiny", "TCPSocket", "curl_exec",
      "fsockopen", "URI.open", "open-uri", "smtplib", "ftplib", "Deno.connect", "WebSocket", "/inet/tcp/",
      "stream_socket_client", "http.post",
      // R (httr, curl, download.file, sockets) and Tcl (http::geturl; `socket` is above).
      "httr::", "curl::", "RCurl::", "download.file(", "socketConnection(", "http::geturl",
      // Java, C# and Rust clients.
      "HttpClient", "HttpURLConnection", "openConnection(", "OkHttpClient", "WebClient", "TcpClient", "reqwest::",
      "TcpStream::connect", "ureq::"};
  for (auto api : network_apis)
    if (contains(code, api)) {
      reading.network = true;
      if (reading.network_api.empty()) reading.network_api = std::string(api);
    }
  if (contains(code, "file_get_contents(") && (contains(code, "'http") || contains(code, "\"http"))) {
    reading.network = true;
    if (reading.network_api.empty()) reading.network_api = "file_get_contents";
  }
  if (language == "awk" && contains(code, "/inet/")) reading.network = true;
  // A URL literal handed to something that fetches (require('https').get(url), loaders under other names).
  bool url_literal = std::any_of(literals.begin(), literals.end(), [](const auto& l) { return is_url(l.second); });
  if (!reading.network && url_literal &&
      has_any(code, {"get(", "request(", "open(", "load(", "fetch", "download", "'https'", "\"https\"", "'http'",
                     "\"http\"", "node:http"})) {
    reading.network = true;
    reading.network_api = "url";
  }

  bool socket = has_any(code, {"socket", "IO::Socket", "TCPSocket", "fsockopen", "net.connect", "net.Socket",
                               "Socket.new", "/inet/tcp/", "stream_socket_client", "Deno.connect"});
  bool takeover = has_call(code, "exec(") ||
                  has_any(code, {"dup2", "pty.spawn", "/bin/sh", "/bin/bash", "sh -i", "bash -i", "spawn(",
                                 "popen", "subprocess", "child_process", "STDIN->fdopen", "open(STDIN", "exec {",
                                 "proc_open", "pipe(", "cmd.exe", "\"sh\"", "'sh'", "\"bash\"", "'bash'"});
  reading.reverse_shell = socket && takeover;
  // awk over /inet/tcp: reading lines from the socket and running them (`s |& getline c; … c |& getline`).
  if (language == "awk" && socket) {
    size_t getlines = 0;
    for (size_t at = code.find("getline"); at != std::string_view::npos; at = code.find("getline", at + 7)) ++getlines;
    if (getlines >= 2 || contains(code, "system(")) reading.reverse_shell = true;
  }

  // Java, C# and Rust compile ahead: their exec( (Runtime.exec) runs a command, which the shell strings
  // below read; none evaluates fetched text as code.
  bool compiled = language == "java" || language == "csharp" || language == "rust";
  bool runs_code = !compiled && (has_call(code, "exec(") || has_call(code, "eval(") || has_call(code, "compile(") ||
                                 has_any(code, {"Function(", "vm.run", "runInThisContext", "instance_eval", "eval ",
                                                "eval)", "require_relative", "import(", "__import__"}) ||
                                 // PHP runs a file it includes: one just written from a download runs the download.
                                 (language == "php" && has_any(code, {"include ", "include(", "require ", "require(",
                                                                      "include_once", "require_once"})));
  bool reads_remote = reading.network && has_any(code, {".read()", ".read(", "text()", ".text", ".content", "body",
                                                        "urlopen(", "fetch(", "get(", "->content", "file_get_contents",
                                                        ".get(", "URI.open", "Net::HTTP.get"});
  reading.exec_fetched = runs_code && reads_remote && !reading.reverse_shell;
  reading.runs_code = runs_code;
  for (const auto& literal : literals)
    if (!literal.second.empty() && literal.second.size() < 1024 && literal.second.find('\n') == std::string::npos)
      reading.literals.push_back(literal.second);
  // import('https://…') (node, deno) fetches a module and runs it.
  static const std::regex kRemoteImport(R"(\bimport\s*\(\s*['"`]https?://)");
  if (contains(code, "import") && std::regex_search(code.begin(), code.end(), kRemoteImport)) {
    reading.exec_fetched = true;
    reading.network = true;
    if (reading.network_api.empty()) reading.network_api = "import()";
  }

  // Gradle's `apply from: 'https://…'` / `apply(from = "https://…")` downloads a build script and runs it
  // in the build (Groovy and Kotlin build files read as the JVM family here).
  static const std::regex kRemoteBuildScript(R"re(\bapply\s*(\(\s*from\s*=|from\s*:)\s*(uri\s*\()?\s*['"]https?://)re");
  if (language == "java" && contains(code, "apply") && std::regex_search(code.begin(), code.end(), kRemoteBuildScript)) {
    reading.exec_fetched = true;
    reading.network = true;
    if (reading.network_api.empty()) reading.network_api = "apply from";
  }

  reading.prints = has_any(code, {"print", "console.log", "puts", "say ", "echo ", "printf", "stdout.write", "p(",
                                  "var_dump", "pp "});

  static const std::array<std::string_view, 21> shell_calls{
      "os.system", "os.popen", "subprocess.run", "subprocess.call", "subprocess.Popen", "subprocess.check_output",
      "subprocess.check_call", "subprocess.getoutput", "execSync", "exec(", "spawnSync", "system(", "system ",
      "shell_exec", "passthru", "popen(", "`", "%x(", "qx(", "qx{", "os.execute"};
  for (auto call : shell_calls) {
    if (call == "`" && (language == "python" || language == "node" || language == "awk")) continue;
    if (call == "exec(" && language == "python") continue;  // python's exec runs Python, not a shell
    for (auto& text : call_strings(code, call))
      if (!text.empty()) add_unique(reading.shell_strings, text);
  }
  // A shell and -c as literal words, then the script: ProcessBuilder("sh", "-c", S), Command::new("sh")
  // .arg("-c").arg(S), new String[]{"bash", "-c", S}, Process.Start("bash", "-c \"S\"").
  for (size_t k = 0; k + 2 < literals.size(); ++k) {
    std::string_view shell = literals[k].second;
    if (shell.rfind('/') != std::string_view::npos) shell.remove_prefix(shell.rfind('/') + 1);
    if (is_shell(shell) && literals[k + 1].second == "-c" && !literals[k + 2].second.empty())
      add_unique(reading.shell_strings, literals[k + 2].second);
  }
  // Rake's sh 'command' (a Rakefile task's line): a statement of its own that starts with sh.
  if (language == "ruby" && contains(code, "sh")) {
    static const std::regex kRakeSh(R"((^|\n)[ \t]*sh[ (])");
    for (auto it = std::cregex_iterator(code.data(), code.data() + code.size(), kRakeSh); it != std::cregex_iterator(); ++it) {
      size_t at = static_cast<size_t>(it->position(0)) + static_cast<size_t>(it->length(0)) - 3;
      auto found = call_strings(code.substr(at), "sh");
      if (!found.empty() && !found.front().empty()) add_unique(reading.shell_strings, found.front());
    }
  }
  // os.system(base64.b64decode('…').decode()), execSync(atob('…')): a payload decoded inside the code
  // and handed to a shell is that shell command, like `echo … | base64 -d | sh`.
  bool decodes = has_any(code, {"b64decode", "atob(", "'base64'", "\"base64\"", "decode64", "decode_base64", "base64_decode", "unpack('m",
                                "fromhex", "unhexlify", "'hex'", "\"hex\"", "hex2bin", "pack('H", "pack(\"H"});
  bool runs_shell = !reading.shell_strings.empty() ||
                    has_any(code, {"system(", "popen", "subprocess", "execSync", "exec(", "spawn", "shell_exec", "passthru"});
  if (decodes && runs_code && nesting < 2) read_decoded_code(language, literals, nesting, reading);
  // shutil.rmtree(os.path.expanduser('~')), fs.rmSync(os.homedir(), {recursive: true}), rmtree($ENV{HOME}):
  // the first argument of a tree removal is the home itself or a destructive literal ('/', '/etc').
  for (std::string_view removal : {"rmtree(", "rmSync(", "rm_rf(", "rm_r(", "remove_tree(", "rimraf(", "rimraf.sync(",
                                   "removedirs(", "rmdirSync(", "remove_all(", "RemoveAll(", "rmdir("}) {
    for (size_t at = code.find(removal); at != std::string_view::npos && reading.destroys.empty();
         at = code.find(removal, at + 1)) {
      std::string argument = first_argument(code, at + removal.size());
      if (argument.find("join") != std::string::npos || argument.find('+') != std::string::npos) continue;
      for (std::string_view home : {"expanduser('~')", "expanduser(\"~\")", "homedir()", "$ENV{HOME}", "ENV['HOME']",
                                    "ENV[\"HOME\"]", "Dir.home", "Path.home()", "environ['HOME']", "environ[\"HOME\"]",
                                    "getenv('HOME')", "getenv(\"HOME\")", "process.env.HOME"})
        if (contains(argument, home)) reading.destroys = "the home directory";
      if (argument.size() >= 3 && (argument[0] == '\'' || argument[0] == '"') && argument.back() == argument[0] &&
          is_destructive_target(argument.substr(1, argument.size() - 2)))
        reading.destroys = argument.substr(1, argument.size() - 2);
    }
  }
  // A web shell: the request's input is the whole command or code (system($_GET['c']), eval(params[:x]),
  // `#{params[:cmd]}`), also once decoded (eval(base64_decode($_POST['p'])), gzinflate, str_rot13 …);
  // spliced into a longer command it is an injection bug, not this.
  if (language == "php" || language == "ruby") {
    static const std::regex kRequestExec(
        R"(\b(system|exec|shell_exec|passthru|popen|proc_open|eval|assert|pcntl_exec|spawn|instance_eval|IO\.popen)\s*\(?\s*)"
        R"(((base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|urldecode|rawurldecode|stripslashes|Base64\.decode64)\s*\(\s*){0,3})"
        R"((\$_(GET|POST|REQUEST|COOKIE)(\s*\[[^\]]*\])?|params\s*\[[^\]]*\])(\s*\)){0,3}\s*([,);]|$))"
        R"(|`\s*(\$_(GET|POST|REQUEST|COOKIE)\s*\[[^\]]*\]|#\{\s*params\s*\[[^\]]*\]\s*\})\s*`)");
    if ((contains(code, "$_") || contains(code, "params")) &&
        std::regex_search(code.begin(), code.end(), kRequestExec, std::regex_constants::match_not_null))
      reading.request_exec = true;
  }
  // perl -e 'fork while fork', python -c 'while True: os.fork()': processes multiply until the machine stalls.
  static const std::regex kForkBomb(
      R"((fork\s*(\(\s*\))?\s*(while|until)\s*fork)|((while|loop|until)\s*[({]?\s*(True|1|true)?\s*\)?\s*[:{]?\s*(do\s*)?(os\.)?fork\b)|(for\s*\(\s*;\s*;\s*\)\s*\{?\s*(pcntl_)?fork\s*\())");
  if (code.find("fork") != std::string_view::npos && std::regex_search(code.begin(), code.end(), kForkBomb))
    reading.fork_bomb = true;
  if (decodes && runs_shell) {
    for (const auto& literal : literals) {
      if (literal.second.size() < 8 || literal.second.size() > 65536) continue;
      auto decoded = decode_base64(literal.second);
      if (!decoded || decoded->empty()) continue;
      bool printable = std::all_of(decoded->begin(), decoded->end(), [](char c) {
        return c == '\n' || c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f);
      });
      if (printable) add_unique(reading.shell_strings, *decoded);
    }
  }
  if (language == "tcl") read_tcl(code, reading);
  if (language == "julia") read_julia(code, reading);
  if (language == "awk") {
    // "cmd" | getline, print … | "cmd"
    for (const auto& literal : literals) {
      size_t after = literal.first + literal.second.size() + 2;
      size_t next = code.find_first_not_of(' ', after);
      if (next != std::string_view::npos && code.substr(next, 8).substr(0, 1) == "|" &&
          code.substr(next).find("getline") != std::string_view::npos)
        reading.shell_strings.push_back(literal.second);
      size_t before = code.find_last_not_of(' ', literal.first == 0 ? 0 : literal.first - 1);
      if (literal.first > 0 && before != std::string_view::npos && code[before] == '|')
        reading.shell_strings.push_back(literal.second);
    }
  }
  return reading;
}

}  // namespace

}  // namespace toolwall::shell
