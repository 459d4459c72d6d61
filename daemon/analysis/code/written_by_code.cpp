#include "analysis/code/written_by_code.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <regex>
#include <string_view>
#include <unordered_map>

#include "analysis/code/syntax_walk.h"
#include "analysis/code/text_checks.h"

namespace toolwall::code {

namespace {

constexpr size_t kMaxWrites = 8;
constexpr size_t kMaxVisits = 200'000;
constexpr size_t kMaxContent = 64 * 1024;
constexpr int kMaxHops = 4;

const std::regex& runs_later_pattern() {
  static const std::regex pattern(
      R"(\.(bashrc|bash_profile|bash_login|profile|zshrc|zprofile|zshenv|zlogin)\b|authorized_keys|crontab|/etc/cron|/var/spool/cron|\.git/hooks|hooks/(pre|post)-|systemd/(system|user)|/etc/init\.d|rc\.local|LaunchAgents|\.config/autostart)");
  return pattern;
}

bool runs_later(std::string_view path) {
  return std::regex_search(path.begin(), path.end(), runs_later_pattern());
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}


class WriteReader {
 public:
  WriteReader(Language language, const SyntaxTree& tree)
      : tree_(tree), python_(language == Language::python), go_(language == Language::go) {}

  std::vector<FileWrittenByCode> run() {
    collect();
    std::vector<FileWrittenByCode> out;
    for (TSNode call : calls_) {
      if (out.size() >= kMaxWrites) break;
      if (auto write = python_ ? python_write(call) : go_ ? go_write(call) : javascript_write(call)) out.push_back(std::move(*write));
    }
    return out;
  }

 private:
  const SyntaxTree& tree_;
  bool python_, go_;
  std::unordered_map<std::string, TSNode> bound_;    // a name and the first value the file binds it to
  std::unordered_map<std::string, TSNode> handles_;  // with open(P, "a") as f: f and the call that opened it
  std::vector<TSNode> calls_;

  std::string_view text(TSNode node) const { return tree_.text_of(node); }
  static std::string_view type(TSNode node) { return ts_node_is_null(node) ? std::string_view() : ts_node_type(node); }
  static TSNode field(TSNode node, const char* name) { return field_child(node, name); }

  std::vector<TSNode> arguments(TSNode call) const {
    std::vector<TSNode> out;
    TSNode args = field(call, "arguments");
    for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args) && out.size() < 8; ++i) {
      TSNode arg = ts_node_named_child(args, i);
      if (type(arg) != "comment") out.push_back(arg);
    }
    return out;
  }

  void bind(TSNode name, TSNode value) {
    if (ts_node_is_null(name) || ts_node_is_null(value)) return;
    if (type(name) == "expression_list" && ts_node_named_child_count(name) > 0) name = ts_node_named_child(name, 0);
    if (type(value) == "expression_list" && ts_node_named_child_count(value) > 0) value = ts_node_named_child(value, 0);
    if (type(name) == "identifier") bound_.try_emplace(std::string(text(name)), value);
  }

  void collect() {
    std::vector<TSNode> pending{tree_.root()};
    size_t visits = 0;
    while (!pending.empty() && ++visits < kMaxVisits) {
      TSNode node = pending.back();
      pending.pop_back();
      std::string_view t = type(node);
      if (t == "call" || t == "call_expression") calls_.push_back(node);
      else if (t == "assignment" || t == "short_var_declaration") bind(field(node, "left"), field(node, "right"));
      else if (t == "variable_declarator" || t == "var_spec" || t == "const_spec") bind(field(node, "name"), field(node, "value"));
      else if (t == "as_pattern" && ts_node_named_child_count(node) > 0) {  // with open(P, "a") as f
        TSNode alias = field(node, "alias");
        TSNode opened = ts_node_named_child(node, 0);
        if (!ts_node_is_null(alias) && ts_node_named_child_count(alias) > 0) alias = ts_node_named_child(alias, 0);
        if (type(alias) == "identifier" && type(opened) == "call") handles_.try_emplace(std::string(text(alias)), opened);
      }
      for (uint32_t i = ts_node_named_child_count(node); i-- > 0;) pending.push_back(ts_node_named_child(node, i));
    }
  }

  // ---- what a write names and writes ----------------------------------------------------------

  std::optional<FileWrittenByCode> written(TSNode call, TSNode path_node, TSNode content_node, bool appended) {
    if (ts_node_is_null(path_node) || ts_node_is_null(content_node)) return std::nullopt;
    std::string path = path_of(path_node);
    if (!runs_later(path)) return std::nullopt;
    auto content = constant_text(content_node, 0);
    if (!content || content->empty()) return std::nullopt;
    FileWrittenByCode out;
    out.path = std::move(path);
    out.content = std::move(*content);
    out.appended = appended;
    out.begin = ts_node_start_byte(call);
    out.end = ts_node_end_byte(call);
    return out;
  }

  // open(P, "a"), io.open(P, "w"), Path(P).open("a"): the path and whether it writes or appends.
  struct Opened {
    TSNode path;
    bool writes = false;
    bool appends = false;
  };
  std::optional<Opened> opened_file(TSNode call) const {
    if (type(call) != "call") return std::nullopt;
    TSNode callee = field(call, "function");
    auto args = arguments(call);
    Opened out;
    TSNode mode{};
    if (type(callee) == "identifier" && text(callee) == "open") {
      if (args.empty()) return std::nullopt;
      out.path = args[0];
      if (args.size() > 1) mode = args[1];
    } else if (type(callee) == "attribute" && text(field(callee, "attribute")) == "open") {
      TSNode object = field(callee, "object");
      bool module = type(object) == "identifier" && (text(object) == "io" || text(object) == "codecs");
      if (module && args.empty()) return std::nullopt;
      out.path = module ? args[0] : object;
      if (module ? args.size() > 1 : !args.empty()) mode = module ? args[1] : args[0];
    } else {
      return std::nullopt;
    }
    if (type(mode) == "keyword_argument") mode = field(mode, "value");
    std::string flags = ts_node_is_null(mode) ? std::string("r") : literal_or_text(tree_, mode);
    out.appends = flags.find('a') != std::string::npos;
    out.writes = out.appends || flags.find('w') != std::string::npos || flags.find('x') != std::string::npos;
    return out;
  }

  std::optional<FileWrittenByCode> python_write(TSNode call) {
    TSNode callee = field(call, "function");
    if (type(callee) != "attribute") return std::nullopt;
    std::string_view method = text(field(callee, "attribute"));
    TSNode object = field(callee, "object");
    auto args = arguments(call);
    if (args.empty()) return std::nullopt;
    if (method == "write_text" || method == "write_bytes") return written(call, object, args[0], false);
    if (method != "write" && method != "writelines") return std::nullopt;
    TSNode opener = object;
    if (type(object) == "identifier") {
      auto handle = handles_.find(std::string(text(object)));
      if (handle != handles_.end()) opener = handle->second;
      else if (auto bound = bound_.find(std::string(text(object))); bound != bound_.end()) opener = bound->second;
    }
    auto opened = opened_file(opener);
    if (!opened || !opened->writes) return std::nullopt;
    return written(call, opened->path, args[0], opened->appends);
  }

  std::optional<FileWrittenByCode> javascript_write(TSNode call) {
    std::string_view callee = text(field(call, "function"));
    std::string_view last = callee.substr(callee.rfind('.') == std::string_view::npos ? 0 : callee.rfind('.') + 1);
    if (last != "writeFileSync" && last != "writeFile" && last != "appendFileSync" && last != "appendFile") return std::nullopt;
    auto args = arguments(call);
    if (args.size() < 2) return std::nullopt;
    return written(call, args[0], args[1], last.starts_with("append"));
  }

  std::optional<FileWrittenByCode> go_write(TSNode call) {
    std::string_view callee = text(field(call, "function"));
    if (callee != "os.WriteFile" && callee != "ioutil.WriteFile") return std::nullopt;
    auto args = arguments(call);
    if (args.size() < 2) return std::nullopt;
    return written(call, args[0], args[1], false);
  }

  // ---- paths -------------------------------------------------------------------------------------

  // The path as the code builds it: literals joined, the home directory as "~".
  std::string path_of(TSNode node) {
    std::vector<std::string> pieces;
    path_pieces(node, 0, pieces);
    std::string path;
    for (const auto& piece : pieces) {
      if (piece.empty()) continue;
      if (piece[0] == '/' || piece[0] == '~') path = piece;  // an absolute part starts the path again
      else path += (path.empty() || path.back() == '/' ? "" : "/") + piece;
    }
    return path;
  }

  bool names_home(std::string_view callee_or_text) const {
    for (std::string_view home : {"homedir", "UserHomeDir", "Path.home", "expanduser(\"~\")", "expanduser('~')"})
      if (callee_or_text.find(home) != std::string_view::npos) return true;
    return ends_with(callee_or_text, "\"HOME\"") || ends_with(callee_or_text, "'HOME'") ||
           ends_with(callee_or_text, "\"HOME\"]") || ends_with(callee_or_text, "'HOME']") ||
           ends_with(callee_or_text, ".HOME") || ends_with(callee_or_text, "\"HOME\")") || ends_with(callee_or_text, "'HOME')");
  }

  void path_pieces(TSNode node, int hops, std::vector<std::string>& out) {
    if (ts_node_is_null(node) || hops > kMaxHops || out.size() > 16) return;
    std::string_view t = type(node);
    if (t == "string" || t == "interpreted_string_literal" || t == "raw_string_literal" || t == "template_string") {
      std::string value = literal_or_text(tree_, node);
      // f"{Path.home()}/.bashrc", `${os.homedir()}/.zshrc`: an interpolated home directory
      size_t open = value.find('{');
      if (open != std::string::npos && value.find('}', open) != std::string::npos) {
        size_t close = value.find('}', open);
        std::string inside = value.substr(open + 1, close - open - 1);
        size_t start = open > 0 && value[open - 1] == '$' ? open - 1 : open;
        if (names_home(inside) || inside == "HOME" || inside == "home") value = value.substr(0, start) + "~" + value.substr(close + 1);
      }
      out.push_back(std::move(value));
      return;
    }
    if (t == "identifier") {
      auto bound = bound_.find(std::string(text(node)));
      if (bound != bound_.end()) path_pieces(bound->second, hops + 1, out);
      return;
    }
    if (t == "parenthesized_expression" || t == "await" || t == "await_expression" || t == "expression_list") {
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) path_pieces(ts_node_named_child(node, i), hops, out);
      return;
    }
    if (t == "binary_operator" || t == "binary_expression") {  // Path.home() / ".bashrc", home + "/.zshrc"
      std::string_view op = text(field(node, "operator"));
      if (op == "||" || op == "??") {  // rc ?? path.join(os.homedir(), '.zshrc'): the default is the path written
        path_pieces(field(node, "right"), hops, out);
        return;
      }
      path_pieces(field(node, "left"), hops, out);
      path_pieces(field(node, "right"), hops, out);
      return;
    }
    if (t == "boolean_operator") {  // rc = rc or Path.home() / ".bashrc"
      path_pieces(field(node, "right"), hops, out);
      return;
    }
    if (names_home(text(node)) && t != "call" && t != "call_expression") {  // os.environ["HOME"], process.env.HOME
      out.push_back("~");
      return;
    }
    if (t == "call" || t == "call_expression") {
      TSNode callee = field(node, "function");
      if (names_home(text(callee))) {
        out.push_back("~");
        if (text(callee).find("expanduser") == std::string_view::npos) return;
      }
      std::string_view ct = type(callee);
      if (ct == "attribute" || ct == "member_expression" || ct == "selector_expression") {
        TSNode object = field(callee, "object");
        if (ts_node_is_null(object)) object = field(callee, "operand");
        if (type(object) == "call" || type(object) == "call_expression" || type(object) == "identifier" ||
            type(object) == "binary_operator" || type(object) == "parenthesized_expression")
          path_pieces(object, hops, out);
      }
      for (TSNode arg : arguments(node)) {
        if (type(arg) == "keyword_argument") continue;
        path_pieces(arg, hops, out);
      }
    }
  }

  // ---- content -----------------------------------------------------------------------------------

  // f"\n{LINE}\n", `${HOOK}\n`: a name the file binds to a constant is written out; anything else stays.
  std::string interpolated(const std::string& value, int hops) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
      bool dollar = value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{';
      if (value[i] != '{' && !dollar) {
        out += value[i];
        continue;
      }
      size_t open = dollar ? i + 1 : i;
      size_t close = value.find('}', open);
      std::string name = close == std::string::npos ? std::string() : value.substr(open + 1, close - open - 1);
      bool identifier = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      });
      auto bound = identifier ? bound_.find(name) : bound_.end();
      std::optional<std::string> constant;
      if (bound != bound_.end()) constant = constant_text(bound->second, hops + 1);
      if (!constant || out.size() + constant->size() > kMaxContent) {
        out += value[i];
        continue;
      }
      out += *constant;
      i = close;
    }
    return out;
  }

  std::optional<std::string> constant_text(TSNode node, int hops) {
    if (ts_node_is_null(node) || hops > kMaxHops) return std::nullopt;
    std::string_view t = type(node);
    if (t == "string" || t == "interpreted_string_literal" || t == "template_string") {
      std::string_view written = text(node);
      bool raw = python_ && !written.empty() && (written[0] == 'r' || written[0] == 'R');
      std::string value = literal_or_text(tree_, node);
      bool interpolates = (python_ && !written.empty() && (written[0] == 'f' || written[0] == 'F')) || t == "template_string";
      if (interpolates) value = interpolated(value, hops);
      return raw ? value : decode_escapes(value);
    }
    if (t == "raw_string_literal") return literal_or_text(tree_, node);
    if (t == "identifier") {
      auto bound = bound_.find(std::string(text(node)));
      return bound == bound_.end() ? std::nullopt : constant_text(bound->second, hops + 1);
    }
    if (t == "parenthesized_expression" && ts_node_named_child_count(node) == 1) return constant_text(ts_node_named_child(node, 0), hops);
    if (t == "concatenated_string" || ((t == "binary_operator" || t == "binary_expression") && text(field(node, "operator")) == "+")) {
      std::string out;
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
        TSNode part = ts_node_named_child(node, i);
        if (type(part) == "comment") continue;
        auto value = constant_text(part, hops);
        if (!value || out.size() + value->size() > kMaxContent) return std::nullopt;
        out += *value;
      }
      return out;
    }
    if (t == "type_conversion_expression") return constant_text(field(node, "operand"), hops);  // []byte(unit)
    if (t == "call" || t == "call_expression") {
      TSNode callee = field(node, "function");
      std::string_view callee_text = text(callee);
      auto args = arguments(node);
      // textwrap.dedent(T), T.encode(), T.strip(), T.trim()
      if ((callee_text == "string" || ends_with(callee_text, "dedent")) && args.size() == 1) return constant_text(args[0], hops);
      std::string_view ct = type(callee);
      if (ct == "attribute" || ct == "member_expression") {
        std::string_view method = text(field(callee, ct == "attribute" ? "attribute" : "property"));
        TSNode object = field(callee, "object");
        if ((method == "encode" || method == "strip" || method == "lstrip" || method == "trim" || method == "trimStart" ||
             method == "format") && ts_node_named_child_count(field(node, "arguments")) <= 4)
          return constant_text(object, hops);
        if (method == "join" && args.size() == 1 && (type(args[0]) == "list" || type(args[0]) == "array")) {
          auto separator = constant_text(object, hops);
          if (!separator) return std::nullopt;
          std::string out;
          for (uint32_t i = 0; i < ts_node_named_child_count(args[0]); ++i) {
            auto line = constant_text(ts_node_named_child(args[0], i), hops);
            if (!line || out.size() + line->size() > kMaxContent) return std::nullopt;
            out += (i ? *separator : std::string()) + *line;
          }
          return out;
        }
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::vector<FileWrittenByCode> startup_files_written_by_code(Language language, const SyntaxTree& tree) {
  if (language != Language::python && language != Language::javascript && language != Language::typescript &&
      language != Language::tsx && language != Language::go)
    return {};
  // Cheap test first: a file that names no file that runs later, or writes no file, writes none of them.
  std::string_view source = tree.text();
  auto has_any = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return source.find(n) != std::string_view::npos; });
  };
  if (!has_any({"bashrc", "zshrc", ".profile", "_profile", "zprofile", "zshenv", "zlogin", "authorized_keys", "cron",
                ".git/hooks", "hooks/pre-", "hooks/post-", "\"hooks\"", "'hooks'", "systemd", "init.d", "rc.local",
                "LaunchAgents", "autostart"}))
    return {};
  if (!has_any({"write_text", "write_bytes", ".write(", ".writelines(", "writeFile", "appendFile", "WriteFile"})) return {};
  return WriteReader(language, tree).run();
}

}  // namespace toolwall::code
