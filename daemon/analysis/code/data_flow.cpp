#include "analysis/code/data_flow.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "analysis/code/query_runner.h"
#include "analysis/code/secret_vendor.h"
#include "analysis/code/syntax_walk.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

// What a value may hold. Bits only ever get added, so following names to a fixed point ends.
using Mask = uint16_t;
constexpr Mask kEnvironment = 1;      // the whole environment
constexpr Mask kCredential = 2;       // a credential file's content, a credential helper's output, SDK credentials
constexpr Mask kCredentialPath = 4;   // the path of a credential file, not yet read
constexpr Mask kFetched = 8;          // a response body downloaded over HTTP
constexpr Mask kSecretVariable = 16;  // secret-named environment variables (which ones: Bits::secrets)
constexpr Mask kIncomingAuth = 32;    // the Authorization (or cookie) header of a request the code serves
constexpr Mask kConnection = 64;      // an outbound socket or request object, which sends what it is given
constexpr Mask kEncoded = 128;        // hex/base64 of something: the shape data takes to fit in a DNS label
constexpr Mask kDownloadedFile = 256; // the path of a file written with a download
constexpr Mask kHeldEnvironment = 512; // a container one of whose values is the whole environment: an element of it may be


// The kinds of data a value may hold and, for secret variables, which of the file's (by index).
struct Bits {
  Mask mask = 0;
  uint64_t secrets = 0;
  Bits() = default;
  Bits(Mask m) : mask(m) {}  // NOLINT: kinds convert implicitly, so `bits |= kFetched` reads as it means
  Bits(Mask m, uint64_t s) : mask(m), secrets(s) {}
  explicit operator bool() const { return mask != 0; }
  Bits operator|(const Bits& other) const { return Bits(mask | other.mask, secrets | other.secrets); }
  Bits& operator|=(const Bits& other) { return *this = *this | other; }
  Bits operator&(int keep) const {
    Mask kept = static_cast<Mask>(mask & keep);
    return Bits(kept, (kept & kSecretVariable) ? secrets : 0);
  }
  Bits& operator&=(int keep) { return *this = *this & keep; }
  bool operator==(const Bits&) const = default;
};

// A container given the whole environment as one value holds it whole (an element read back may be it).
Bits holding(Bits given) { return (given.mask & kEnvironment) ? given | Bits(kHeldEnvironment) : given; }

// One element of a container: one variable of the environment, unless the container holds it whole as a value.
Bits element_of(Bits container) {
  return (container.mask & kHeldEnvironment) ? container : Bits(static_cast<Mask>(container.mask & ~kEnvironment), container.secrets);
}

enum class Family { python, javascript, go };

// Ordinary files settle in two to four passes and under 400,000 steps (the largest of 5,156 real files);
// a file that needs more is built to outlast the follower, and says so (incomplete: the fail mode decides).
constexpr int kMaxDepth = 200;          // recursion into nested expressions and statements
constexpr int kMaxRounds = 64;          // passes over the file until no name gains a bit
constexpr size_t kMaxSteps = 2'000'000; // node visits and evaluations over all rounds

constexpr uint32_t kModuleScope = UINT32_MAX;

struct Function {
  TSNode node{};
  std::string name;
  std::vector<std::vector<std::string>> params;  // names per position (a destructuring binds several)
  bool method = false;                            // called as obj.name(…)
};

enum class FlowKind { environment, credentials, secret_elsewhere, server_secret, dns, fetched_code };

struct Finding {
  FlowKind kind;
  TSNode sink{};
  Bits bits = 0;
  std::string host;
};

bool is_function_node(std::string_view type) {
  return type == "function_definition" || type == "function_declaration" || type == "function_expression" ||
         type == "function" || type == "generator_function_declaration" || type == "generator_function" ||
         type == "method_definition" || type == "arrow_function" || type == "method_declaration" ||
         type == "func_literal";
}

bool is_call_node(std::string_view type) {
  return type == "call" || type == "call_expression" || type == "new_expression";
}

bool is_member_node(std::string_view type) {
  return type == "attribute" || type == "member_expression" || type == "selector_expression";
}

bool is_index_node(std::string_view type) {
  return type == "subscript" || type == "subscript_expression" || type == "index_expression";
}

TSNode field(TSNode node, const char* name) { return field_child(node, name); }

bool in(std::string_view word, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool secret_name(std::string_view name) {
  std::string upper;
  for (char c : name.substr(0, 96)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view part : {"KEY", "SECRET", "TOKEN", "PASSW", "PWD", "CREDENTIAL", "DATABASE_URL", "DSN", "PRIVATE",
                                "AUTH", "COOKIE", "SESSION"})
    if (upper.find(part) != std::string::npos) return true;
  return false;
}

// The environment as an object: os.environ, process.env, and Bun's and Deno's (Deno.env.toObject() is all of it).
bool environment_object(std::string_view text) {
  return text == "os.environ" || text == "process.env" || text == "Bun.env" || text == "Deno.env" || text == "import.meta.env";
}

// A web framework's settings object: Django's settings (django.conf.settings), Flask's app.config.
bool framework_settings(std::string_view text) {
  return text == "settings" || ends_with(text, ".settings") || text == "app.config" || text == "current_app.config" ||
         text == "self.app.config";
}

// Django's database settings: settings.DATABASES["default"] (its PASSWORD is the database's).
bool database_settings(std::string_view text) {
  return starts_with(text, "settings.DATABASES[") || starts_with(text, "django.conf.settings.DATABASES[");
}

bool incoming_credential_header(std::string_view name) {
  std::string l = lower(name);
  return l == "authorization" || l == "cookie" || l == "proxy-authorization" || l == "x-api-key" ||
         l == "http_authorization" || l == "http_cookie";
}

// The credential files code reads to steal them, named whole or joined from pieces; public keys are not,
// and neither are a dotenv file's templates (.env.example), as the shell analyser reads them.
bool credential_path(std::string_view joined) {
  static const std::regex kPath(
      R"((^|/)\.env(?!\.(example|sample|template|dist|defaults|schema))(\.[A-Za-z0-9_-]+)?$|(^|/)\.aws/+credentials|\.ssh/+id_[A-Za-z0-9_*]+(?!\.pub)(/|$)|(^|/)\.ssh(/+\*?)?$|(^|/)\.(npmrc|netrc|git-credentials|pypirc)(/|$)|\.docker/+config\.json|\.kube/+config|\.config/+gh/+hosts\.yml|application_default_credentials\.json)");
  std::string text(joined.substr(0, 512));
  return std::regex_search(text, kPath);
}

// Library functions whose result carries what they were given: serialisation, encoding, joining,
// conversion, wrapping into a request. Anything else (verify(token), sha256(x), len(x)) is a new value.
bool transparent_call(std::string_view name) {
  static const std::unordered_set<std::string_view> kNames{
      "dumps", "loads", "stringify", "parse", "encode", "decode", "b64encode", "b64decode", "urlsafe_b64encode",
      "standard_b64encode", "encodebytes", "b32encode", "b16encode", "hexlify", "str", "bytes", "bytearray", "repr",
      "dict", "list", "tuple", "set", "frozenset", "sorted", "reversed", "map", "filter", "zip", "enumerate", "chain",
      "join", "format", "format_map", "Sprintf", "Sprint", "Sprintln", "Marshal", "MarshalIndent", "NewReader", "NewDecoder",
      "NewBuffer", "NewBufferString", "NewScanner", "ReadAll", "Cut", "Split", "SplitN", "Fields", "TrimSpace", "Join", "string",
      "EncodeToString", "from", "concat", "assign", "entries", "fromEntries", "values", "String", "btoa",
      "encodeURIComponent", "encodeURI", "escape", "quote", "quote_plus", "urlencode", "compress", "gzip",
      "deflateSync", "gzipSync", "NewRequest", "NewRequestWithContext", "Request", "Blob", "URLSearchParams",
      "field", "deepcopy", "copy", "merge", "jsonify", "asdict", "vars", "Buffer", "hex", "Values", "Encode",
      "Sprintln", "Fprintf", "NewEncoder", "ReadFile", "readFileSync", "readFile", "read_text", "read_bytes",
      "open", "load", "safe_load", "Unmarshal", "JSON", "Object", "Array", "fromkeys", "structuredClone",
      "partial", "MappingProxyType", "ChainMap", "OrderedDict", "defaultdict", "Map", "Set", "BytesIO", "StringIO", "append", "pathToFileURL", "fileURLToPath",
      "normalize", "abspath", "realpath", "Abs", "Clean", "Proxy", "ownKeys", "getOwnPropertyNames",
      "Glob", "glob", "iglob", "rglob"};
  return kNames.count(name) > 0;
}

bool encoding_call(std::string_view name) {
  return in(name, {"b64encode", "urlsafe_b64encode", "standard_b64encode", "b32encode", "b16encode", "hexlify", "hex",
                   "btoa", "EncodeToString", "encodebytes"});
}

// Methods whose result holds nothing of the receiver's data.
bool derives_nothing(std::string_view method) {
  return in(method, {"keys", "len", "length", "count", "size", "startswith", "endswith", "startsWith", "endsWith", "has",
                     "includes", "hasOwnProperty", "exists", "existsSync", "is_file", "isfile", "is_dir", "close",
                     "test", "raise_for_status", "Close", "Stat", "stat", "indexOf", "find", "index", "isdigit",
                     "status", "ok", "Err", "Error", "cancel"});
}

// Methods that read one value out of a mapping: one variable of the environment is not all of it.
bool reads_one_value(std::string_view method) {
  return in(method, {"get", "pop", "getenv", "Get", "Getenv", "LookupEnv", "setdefault", "__getitem__", "getattr"});
}

// Methods that put their arguments into the receiver.
bool mutator(std::string_view method) {
  return in(method, {"append", "extend", "push", "unshift", "update", "add", "insert", "set", "put", "setdefault",
                     "Add", "Set", "Store", "appendleft", "concat", "assign", "writelines", "put_nowait", "add_attachment",
                     "attach", "set_content", "set_payload", "enqueue", "offer", "send_nowait"});
}

// fetch() itself, not a class's own fetch method.
bool global_fetch(std::string_view callee) {
  return in(callee, {"fetch", "window.fetch", "globalThis.fetch", "self.fetch", "global.fetch", "nodeFetch", "undici.fetch"});
}


bool reads_file(std::string_view name) {
  return in(name, {"open", "read_text", "read_bytes", "readFileSync", "readFile", "ReadFile", "Open", "createReadStream",
                   "OpenFile", "read"});
}

// What the follower reads of loops over literal tables: each loop's variable and what it ranges over,
// and the names bound to list literals.
struct LiteralTables {
  std::vector<std::pair<std::string, TSNode>> loops;
  std::unordered_map<std::string, TSNode> lists;
};

class Flow {
 public:
  // What the file says as a whole is read once here, not at every node that asks.
  Flow(const SyntaxTree& tree, Family family, std::string_view text) : tree_(tree), family_(family), text_(text) {
    credential_words_ = contains_any({".aws", ".ssh", "npmrc", "netrc", "pypirc", "git-credentials", ".docker", ".kube", ".env",
                                      "hosts.yml", "application_default"});
    serves_requests_ = family == Family::javascript ||
                       (family == Family::python && contains_any({"flask", "django", "fastapi", "starlette"})) ||
                       (family == Family::go && contains_any({"http.ResponseWriter"}));
    remote_log_handler_ = family == Family::javascript ? contains_any({"transports.Http("})
                                                       : contains_any({"HTTPHandler(", "SocketHandler(", "DatagramHandler("});
  }

  // The first pass walks the tree and records every node that acts on names, with its scopes; later passes
  // replay those in the same order instead of walking the whole tree again.
  std::vector<Finding> run() {
    collect_functions(tree_.root(), false, 0);
    settled_ = false;
    for (int round = 0; round < kMaxRounds && steps_ < kMaxSteps; ++round) {
      changed_ = false;
      memo_.clear();
      if (round == 0) {
        recording_ = true;
        std::vector<uint32_t> chain{kModuleScope};
        visit(tree_.root(), chain, false, 0);
        recording_ = false;
      } else {
        replay();
      }
      if (!changed_ && steps_ < kMaxSteps) {
        settled_ = true;
        break;
      }
    }
    check_error_reporting_hooks();
    return findings_;
  }

  // An axios request interceptor (client.interceptors.request.use(fn)) returns the config every request
  // is then sent with.
  bool request_interceptor(TSNode function) const {
    TSNode args = ts_node_parent(function);
    if (ts_node_is_null(args) || std::string_view(ts_node_type(args)) != "arguments") return false;
    TSNode call = ts_node_parent(args);
    return !ts_node_is_null(call) && ends_with(text(callee_of(call)), "interceptors.request.use");
  }

  // Sentry's beforeSend (before_send) returns the event the SDK then sends: what the hook puts in it
  // leaves with every error report. So does what a request interceptor puts in the request.
  void check_error_reporting_hooks() {
    for (const auto& f : functions_) {
      if (!in(f.name, {"beforeSend", "before_send", "beforeSendTransaction", "before_send_transaction", "beforeBreadcrumb",
                       "before_breadcrumb"}) &&
          !(family_ == Family::javascript && f.name.empty() && request_interceptor(f.node)))
        continue;
      auto returned = returns_.find(id(f.node));
      if (returned == returns_.end()) continue;
      const Bits& bits = returned->second;
      if (bits & kEnvironment) report(FlowKind::environment, f.node, bits, "");
      if (bits & kCredential) report(FlowKind::credentials, f.node, bits, "");
    }
  }

  void replay() {
    for (const Event& event : events_) {
      if (++steps_ > kMaxSteps) return;
      std::vector<uint32_t>& chain = chains_[event.chain];
      if (event.arrow_return) {
        add_return(id(event.node), eval(field(event.node, "body"), chain, event.depth + 1));
        continue;
      }
      act(event.node, ts_node_type(event.node), chain, event.class_body, event.depth);
    }
  }

  // Every name reached what it may hold within the bounds.
  bool settled() const { return settled_; }

  std::vector<std::string> secret_names(const Bits& bits) const { return secrets_in(bits); }

 private:
  const SyntaxTree& tree_;
  Family family_;
  std::string_view text_;
  bool credential_words_ = false;
  bool serves_requests_ = false;     // a web framework's request handlers are in the file (served_request)
  bool remote_log_handler_ = false;  // a logging handler or transport that sends records over the network
  bool changed_ = false;
  bool settled_ = false;
  size_t steps_ = 0;
  std::unordered_map<std::string, Bits> names_;   // "name@scope" for variables, ".name" for attributes
  std::unordered_map<uint32_t, Bits> returns_;    // function start byte → what its returns carry
  std::unordered_map<uint32_t, size_t> function_at_;  // function start byte → index into functions_
  std::vector<Function> functions_;
  std::unordered_multimap<std::string, size_t> functions_by_name_;
  mutable std::unordered_map<std::string, bool> imported_whole_;  // names_module's answers, per name
  std::set<std::string> archives_;  // names given a zipfile.ZipFile or tarfile archive
  std::set<std::string> entry_splits_;  // names given a NAME=value entry split on '=' (parts := strings.SplitN(kv, "=", 2))
  std::unordered_map<std::string, std::vector<std::string>> aliases_;  // a dispatch table's functions
  std::unordered_map<std::string, std::string> constants_;             // name → string value (hosts, URLs)
  std::vector<std::string> secret_names_;                              // secret variables read, by Bits::secrets index
  std::unordered_set<std::string> globals_;                            // "name@function" a `global` statement names
  std::unordered_map<std::string, std::vector<std::string>> handlers_; // event name → functions registered for it
  std::unordered_map<std::string, uint32_t> resolvers_;  // "resolve@executor" → the executor of a new Promise
  std::unordered_map<uint32_t, Bits> promise_values_;    // executor → what its resolve() was given
  std::unordered_map<std::string, std::string> file_handles_;  // handle name → the name of the path it was opened on
  std::unordered_map<std::string, std::string> client_hosts_;  // a client made with a base URL → its host
  std::unordered_map<std::string, TSNode> callee_aliases_;     // a name bound to a callee (a bound method, a partial)
  std::unordered_set<std::string> partials_;                   // names bound by partial(…)
  std::unordered_set<std::string> mutated_;                    // "name@scope" of containers written in place
  std::unordered_set<std::string> classes_;                    // classes the file defines
  std::unordered_set<std::string> receivers_;                  // "r@method" of Go method receivers
  std::unordered_map<uint64_t, Bits> memo_;                    // this pass's reading of each expression
  std::unordered_map<std::string, std::vector<std::string>> loop_literals_;  // loop variable → the literals it takes
  std::optional<LiteralTables> literal_tables_;
  struct Event {
    TSNode node;
    uint32_t chain;  // index into chains_: the scopes around the node
    bool class_body;
    int depth;
    bool arrow_return;  // an arrow's expression body, which it returns
  };
  std::vector<Event> events_;
  // Cursors for walking children, one per level of nested walks (they nest strictly): a cursor steps to the
  // next sibling in place, where ts_node_named_child(node, i) starts again from the first child.
  std::vector<TSTreeCursor> cursors_;
  size_t cursor_level_ = 0;
  std::vector<std::vector<uint32_t>> chains_;
  std::map<std::vector<uint32_t>, uint32_t> chain_ids_;
  bool recording_ = false;

  template <class Visit>
  void for_each_named_child(TSNode node, Visit&& visit) {
    if (ts_node_child_count(node) == 0) return;
    if (cursor_level_ == cursors_.size()) cursors_.push_back(ts_tree_cursor_new(node));
    TSTreeCursor* cursor = &cursors_[cursor_level_++];
    ts_tree_cursor_reset(cursor, node);
    if (ts_tree_cursor_goto_first_child(cursor)) {
      do {
        TSNode child = ts_tree_cursor_current_node(cursor);
        if (ts_node_is_named(child)) {
          visit(child);
          cursor = &cursors_[cursor_level_ - 1];  // a nested walk may have grown the vector
        }
      } while (ts_tree_cursor_goto_next_sibling(cursor));
    }
    --cursor_level_;
  }

 public:
  ~Flow() {
    for (auto& cursor : cursors_) ts_tree_cursor_delete(&cursor);
  }

 private:
  uint32_t chain_id(const std::vector<uint32_t>& chain) {
    auto [at, added] = chain_ids_.emplace(chain, static_cast<uint32_t>(chains_.size()));
    if (added) chains_.push_back(chain);
    return at->second;
  }
  std::vector<Finding> findings_;

  bool contains_any(std::initializer_list<std::string_view> needles) const {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view n) { return text_.find(n) != std::string_view::npos; });
  }

  std::string_view text(TSNode node) const { return tree_.text_of(node); }
  static uint32_t id(TSNode node) { return ts_node_start_byte(node); }

  // ---- functions of the file -------------------------------------------------------------------

  // The names a binding pattern introduces: `{ stdout }`, `[k, v]`, `{ a: b, ...rest }`, `(x, y)`; not the
  // keys of a pair pattern nor default values.
  std::vector<std::string> pattern_names(TSNode pattern) const {
    std::vector<std::string> out;
    collect_pattern_names(pattern, out, 0);
    return out;
  }

  void collect_pattern_names(TSNode pattern, std::vector<std::string>& out, int depth) const {
    if (ts_node_is_null(pattern) || depth > 16 || out.size() > 64) return;
    std::string_view type = ts_node_type(pattern);
    if (type == "identifier" || type == "shorthand_property_identifier_pattern") {
      out.emplace_back(text(pattern));
      return;
    }
    if (type == "pair_pattern") return collect_pattern_names(field(pattern, "value"), out, depth + 1);
    if (type == "assignment_pattern" || type == "object_assignment_pattern")
      return collect_pattern_names(field(pattern, "left"), out, depth + 1);
    for (uint32_t i = 0; i < ts_node_named_child_count(pattern); ++i)
      collect_pattern_names(ts_node_named_child(pattern, i), out, depth + 1);
  }

  std::vector<std::vector<std::string>> parameters_of(TSNode function) const {
    std::vector<std::vector<std::string>> params;
    TSNode list = field(function, "parameters");
    if (ts_node_is_null(list)) {
      TSNode single = field(function, "parameter");  // x => …
      if (!ts_node_is_null(single)) params.push_back({std::string(text(single))});
      return params;
    }
    uint32_t count = ts_node_named_child_count(list);
    for (uint32_t i = 0; i < count && i < 64; ++i) {
      TSNode p = ts_node_named_child(list, i);
      std::string_view type = ts_node_type(p);
      if (type == "comment") continue;
      if (type == "parameter_declaration" || type == "variadic_parameter_declaration") {  // Go: a, b int
        uint32_t children = ts_node_child_count(p);
        bool named = false;
        for (uint32_t c = 0; c < children; ++c) {
          const char* f = ts_node_field_name_for_child(p, c);
          if (f && std::strcmp(f, "name") == 0) {
            params.push_back({std::string(text(ts_node_child(p, c)))});
            named = true;
          }
        }
        if (!named) params.push_back({});
        continue;
      }
      TSNode target = p;
      for (const char* name : {"pattern", "name", "left"}) {
        TSNode f = field(p, name);
        if (!ts_node_is_null(f)) {
          target = f;
          break;
        }
      }
      if (type == "typed_parameter" || type == "list_splat_pattern" || type == "dictionary_splat_pattern" ||
          type == "rest_pattern")
        target = ts_node_named_child(p, 0);
      if (ts_node_is_null(target)) continue;
      params.push_back(pattern_names(target));
    }
    return params;
  }

  // The name an anonymous function takes from what it is bound to.
  std::string bound_name(TSNode parent, TSNode function) const {
    std::string_view type = ts_node_type(parent);
    TSNode name{};
    if (type == "variable_declarator" || type == "var_spec") name = field(parent, "name");
    else if (type == "pair") name = field(parent, "key");
    else if (type == "assignment" || type == "assignment_expression" || type == "short_var_declaration")
      name = field(parent, "left");
    if (ts_node_is_null(name)) return {};
    std::string_view t = text(name);
    if (is_member_node(ts_node_type(name))) t = text(member_property(name));
    if (t.size() > 128 || t.find_first_of(" ,\n") != std::string_view::npos) return {};
    return std::string(t);
  }

  void collect_functions(TSNode node, bool in_class, int depth) {
    if (depth > kMaxDepth || ++steps_ > kMaxSteps) return;
    std::string_view type = ts_node_type(node);
    bool function_like = is_function_node(type) || type == "lambda";
    if (function_like) {
      Function f;
      f.node = node;
      TSNode name = field(node, "name");
      if (!ts_node_is_null(name)) f.name = std::string(text(name));
      f.method = type == "method_definition" || type == "method_declaration" || (in_class && type == "function_definition");
      f.params = parameters_of(node);
      // Parameters are the function's own names even before a call gives them bits, so an inner
      // callback that marks one (a download written to `dest`) marks the parameter, not a new local.
      for (const auto& names : f.params)
        for (const auto& param : names) names_.try_emplace(key(param, id(node)), 0);
      function_at_[id(node)] = functions_.size();
      functions_.push_back(std::move(f));
    }
    if ((type == "class_definition" || type == "class_declaration") && !ts_node_is_null(field(node, "name")))
      classes_.insert(std::string(text(field(node, "name"))));
    bool class_body = type == "class_definition" || type == "class_declaration" || type == "class" ||
                      type == "class_body" || (in_class && (type == "block" || type == "decorated_definition"));
    for_each_named_child(node, [&](TSNode child) {
      collect_functions(child, class_body && !function_like, depth + 1);
      // `const f = () => …`, `f: function () {}`, `f := func() {}` name the function they hold.
      for (uint32_t hop = 0; hop < 2 && !ts_node_is_null(child); ++hop) {
        std::string_view child_type = ts_node_type(child);
        if (is_function_node(child_type) || child_type == "lambda") {
          auto at = function_at_.find(id(child));
          if (at != function_at_.end() && functions_[at->second].name.empty()) {
            functions_[at->second].name = bound_name(node, child);
            if (!functions_[at->second].name.empty()) functions_by_name_.emplace(functions_[at->second].name, at->second);
          }
          break;
        }
        if (std::string_view(ts_node_type(child)) != "expression_list") break;
        child = ts_node_named_child(child, 0);
      }
    });
    if (function_like) {
      const Function& f = functions_[function_at_[id(node)]];
      if (!f.name.empty()) functions_by_name_.emplace(f.name, function_at_[id(node)]);
    }
  }

  // ---- names -----------------------------------------------------------------------------------

  // A variable's key: its name, a NUL and its scope's four bytes (short names stay in the string's own
  // buffer, so a lookup allocates nothing; attribute keys start with '.' and have no NUL).
  static std::string key(std::string_view name, uint32_t scope) {
    std::string out;
    out.reserve(name.size() + 5);
    out.append(name);
    out.push_back('\0');
    for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<char>((scope >> shift) & 0xff));
    return out;
  }

  Bits lookup(std::string_view name, const std::vector<uint32_t>& chain) const {
    for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope) {
      auto at = names_.find(key(name, *scope));
      if (at != names_.end()) return at->second;
    }
    return 0;
  }

  void add(const std::string& k, Bits bits) {
    if (!bits) return;
    Bits& slot = names_[k];
    if ((slot | bits) != slot) {
      slot |= bits;
      changed_ = true;
    }
  }

  // declare: a new local (Python, `let`, `:=`); otherwise the nearest scope that already has the name.
  // A container written in place (append, push, out <- v, m[k] = v): remembered, so a parameter filled by
  // its function flows back to the caller's argument.
  void mutate(std::string_view name, Bits bits, const std::vector<uint32_t>& chain) {
    bind_name(name, bits, chain, false);
    for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope)
      if (names_.count(key(name, *scope))) {
        mutated_.insert(key(name, *scope));
        return;
      }
    mutated_.insert(key(name, chain.back()));
  }

  void bind_name(std::string_view name, Bits bits, const std::vector<uint32_t>& chain, bool declare) {
    if (name.empty()) return;
    if (declare && globals_.count(key(name, chain.back()))) {  // Python's `global x` in this function
      add(key(name, kModuleScope), bits);
      return;
    }
    if (declare) names_.try_emplace(key(name, chain.back()), 0);  // so later writes from inner functions find it
    if (!bits) return;
    if (!declare)
      for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope)
        if (names_.count(key(name, *scope))) return add(key(name, *scope), bits);
    add(key(name, chain.back()), bits);
  }

  TSNode member_object(TSNode member) const {
    for (const char* name : {"object", "operand", "value"}) {
      TSNode f = field(member, name);
      if (!ts_node_is_null(f)) return f;
    }
    return ts_node_named_child(member, 0);
  }

  TSNode member_property(TSNode member) const {
    for (const char* name : {"attribute", "property", "field"}) {
      TSNode f = field(member, name);
      if (!ts_node_is_null(f)) return f;
    }
    return ts_node_named_child(member, ts_node_named_child_count(member) - 1);
  }

  // The variable an expression like a.b[c].d starts from.
  TSNode root_identifier(TSNode node) const {
    for (int hops = 0; hops < 32 && !ts_node_is_null(node); ++hops) {
      std::string_view type = ts_node_type(node);
      if (type == "identifier" || type == "this") return node;
      if (is_member_node(type) || is_index_node(type)) node = member_object(node);
      else return TSNode{};
    }
    return TSNode{};
  }

  static bool self_like(std::string_view name) { return name == "self" || name == "this" || name == "cls"; }

  // A Go method's receiver, read as self is: r.field is that field, r whole is everything.
  bool go_receiver(std::string_view name, const std::vector<uint32_t>& chain) const {
    if (family_ != Family::go || receivers_.empty()) return false;
    for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope)
      if (receivers_.count(key(name, *scope))) return true;
    return false;
  }
  static constexpr const char* kSelfAttributes = "self.*";

  // Everything the file's objects hold in their attributes: what vars(self), asdict(self), self.__dict__,
  // JSON.stringify(this) and { ...this } take. Classes are not told apart, so only those forms read it.
  Bits all_of_self() const {
    auto all = names_.find(kSelfAttributes);
    return all == names_.end() ? Bits() : all->second;
  }

  // A secret-named variable, remembered by name so a sink can ask whose it is.
  Bits secret_variable(std::string_view name) {
    if (!secret_name(name)) return 0;
    auto at = std::find(secret_names_.begin(), secret_names_.end(), name);
    size_t index = static_cast<size_t>(at - secret_names_.begin());
    if (at == secret_names_.end()) {
      index = std::min<size_t>(secret_names_.size(), 63);
      if (secret_names_.size() < 64) secret_names_.emplace_back(name);
    }
    return Bits(kSecretVariable, uint64_t{1} << index);
  }

  std::vector<std::string> secrets_in(const Bits& bits) const {
    std::vector<std::string> out;
    for (size_t i = 0; i < secret_names_.size(); ++i)
      if (bits.secrets & (uint64_t{1} << i)) out.push_back(secret_names_[i]);
    return out;
  }

  void bind(TSNode target, Bits bits, const std::vector<uint32_t>& chain, bool declare, bool class_body) {
    if (ts_node_is_null(target)) return;
    std::string_view type = ts_node_type(target);
    if (type == "identifier" || type == "shorthand_property_identifier_pattern" || type == "property_identifier") {
      if (class_body) add("." + std::string(text(target)), bits);
      else bind_name(text(target), bits, chain, declare);
      return;
    }
    if (is_member_node(type)) {
      add("." + std::string(text(member_property(target))), bits);
      TSNode root = root_identifier(target);
      if (ts_node_is_null(root)) return;
      // What an object holds is known by its attributes; vars(self) or JSON.stringify(this) is all of them.
      if (self_like(text(root))) add(kSelfAttributes, bits);
      else bind_name(text(root), bits, chain, false);
      return;
    }
    if (is_index_node(type)) {
      TSNode object = member_object(target);
      // self.values[k] = v: the attribute holds it (and so does the object, taken whole).
      if (!ts_node_is_null(object) && is_member_node(ts_node_type(object))) add("." + std::string(text(member_property(object))), bits);
      TSNode root = root_identifier(target);
      if (ts_node_is_null(root)) return;
      if (self_like(text(root))) add(kSelfAttributes, bits);
      else mutate(text(root), holding(bits), chain);
      return;
    }
    for (const auto& name : pattern_names(target)) bind_name(name, bits, chain, declare);
  }

  // ---- what an expression holds ----------------------------------------------------------------

  Bits union_children(TSNode node, const std::vector<uint32_t>& chain, int depth) {
    Bits bits = 0;
    for_each_named_child(node, [&](TSNode child) { bits |= eval(child, chain, depth + 1); });
    return bits;
  }

  Bits path_bits(TSNode node) const {
    if (!credential_words_) return 0;
    std::string joined;
    for (const auto& value : literal_values(tree_, node)) {
      if (joined.size() > 512) break;
      joined += "/" + value;
    }
    return credential_path(joined) ? kCredentialPath : 0;
  }

  bool names_public_ssh_file(TSNode node) const {
    auto values = literal_values(tree_, node);
    if (values.empty()) return false;
    const std::string& last = values.back();
    return ends_with(last, ".pub") || ends_with(last, "known_hosts") || ends_with(last, "authorized_keys") ||
           ends_with(last, "config");
  }

  std::string literal_at(TSNode node) const {
    if (ts_node_is_null(node) || !is_literal_type(ts_node_type(node))) return {};
    auto values = literal_values(tree_, node);
    return values.empty() ? std::string() : values.front();
  }

  // What an expression holds, remembered for the rest of the pass: a node is read in one scope only, and a
  // pass that changed nothing read every node in the final state.
  Bits eval(TSNode node, const std::vector<uint32_t>& chain, int depth) {
    if (ts_node_is_null(node) || depth > kMaxDepth || ++steps_ > kMaxSteps) return 0;
    if (ts_node_named_child_count(node) == 0) return evaluate(node, chain, depth);
    uint64_t memo_key = (uint64_t{ts_node_start_byte(node)} << 32) ^ ts_node_end_byte(node) ^ (uint64_t{ts_node_symbol(node)} << 20);
    auto known = memo_.find(memo_key);
    if (known != memo_.end()) return known->second;
    Bits bits = evaluate(node, chain, depth);
    memo_.emplace(memo_key, bits);
    return bits;
  }

  Bits evaluate(TSNode node, const std::vector<uint32_t>& chain, int depth) {
    std::string_view type = ts_node_type(node);
    if (type == "identifier" || type == "shorthand_property_identifier" || type == "this") {
      if (self_like(text(node))) return {};  // self as a whole is read only where it is taken whole (all_of_self)
      return lookup(text(node), chain);
    }
    if (type == "spread_element" && self_like(text(ts_node_named_child(node, 0)))) return all_of_self();  // { ...this }
    if (is_member_node(type)) return eval_member(node, chain, depth);
    if (is_index_node(type)) return eval_index(node, chain, depth);
    if (is_call_node(type)) return eval_call(node, chain, depth);
    if (type == "lambda") return eval(field(node, "body"), chain, depth + 1);
    if (is_function_node(type) || type == "comment" || type == "class_definition" || type == "class_declaration")
      return 0;
    if (type == "composite_literal" && family_ == Family::go &&
        (ends_with(text(field(node, "type")), "http.Client") || ends_with(text(field(node, "type")), "net.Resolver")))
      return kConnection;
    if (type == "pair" || type == "keyword_argument" || type == "keyed_element")
      return eval(ts_node_named_child(node, ts_node_named_child_count(node) - 1), chain, depth + 1);
    Bits bits = union_children(node, chain, depth);
    if (is_literal_type(type) || type == "binary_operator" || type == "binary_expression") {
      // Path.home() / ".ssh" is the key directory, but / "id_ed25519.pub" after it names a public key.
      Bits path = path_bits(node);
      if (!path && (bits & kCredentialPath) && names_public_ssh_file(node)) bits &= ~kCredentialPath;
      bits |= path;
    }
    return bits;
  }

  Bits eval_member(TSNode node, const std::vector<uint32_t>& chain, int depth) {
    std::string_view whole = text(node);
    if (environment_object(whole)) return kEnvironment;
    TSNode object = member_object(node);
    std::string_view property = text(member_property(node));
    std::string_view object_text = text(object);
    if (environment_object(object_text) && object_text != "os.environ") return secret_variable(property);
    // settings.SECRET_KEY, app.config.JWT_SECRET: the server's secrets, named as its variables would be.
    if (framework_settings(object_text)) return secret_variable(property);
    if (incoming_credential_header(property) && lower(object_text.substr(object_text.size() > 7 ? object_text.size() - 7 : 0)) == "headers")
      return kIncomingAuth;
    // self.x is the attribute x, not everything self holds (self.__dict__ is).
    if (self_like(object_text) && property == "__dict__") return all_of_self();
    bool own_attribute = self_like(object_text) || go_receiver(object_text, chain);
    Bits bits = own_attribute ? Bits() : eval(object, chain, depth + 1);
    auto attribute = names_.find("." + std::string(property));
    if (attribute != names_.end()) bits |= attribute->second;
    // All of a served request's headers carry its Authorization and cookies.
    if (in(property, {"headers", "Header"}) && served_request(object_text)) bits |= kIncomingAuth;
    else if (in(property, {"length", "status", "status_code", "ok", "statusCode", "StatusCode", "headers", "Header"}))
      bits &= kConnection;
    return bits;
  }

  Bits eval_index(TSNode node, const std::vector<uint32_t>& chain, int depth) {
    TSNode object = member_object(node);
    TSNode index = field(node, "subscript");
    if (ts_node_is_null(index)) index = field(node, "index");
    std::string_view object_text = text(object);
    std::string index_value = literal_at(index);
    if (environment_object(object_text)) {
      // A key taken from the environment itself (for k in os.environ: copy[k] = os.environ[k]) copies all of it.
      if (index_value.empty() && !ts_node_is_null(index) && (eval(index, chain, depth + 1) & kEnvironment))
        return kEnvironment;
      return secret_variable(index_value);
    }
    if (framework_settings(object_text)) return secret_variable(index_value);  // app.config["SECRET_KEY"]
    if (database_settings(object_text) && index_value == "PASSWORD") return secret_variable("DB_PASSWORD");
    if (incoming_credential_header(index_value)) {
      std::string o = lower(object_text);
      if (ends_with(o, "headers") || ends_with(o, "header") || ends_with(o, "meta")) return kIncomingAuth;
    }
    Bits container = eval(object, chain, depth + 1);
    // NAME=value split on '=': element 0 is the variable's name, not its value.
    bool split_entry = splits_entry(object) || (std::string_view(ts_node_type(object)) == "identifier" &&
                                                entry_splits_.count(std::string(object_text)));
    if (split_entry && !ts_node_is_null(index) && text(index) == "0")
      return Bits(static_cast<Mask>(container.mask & ~(kEnvironment | kHeldEnvironment)), container.secrets);
    // view[k] for every k of Reflect.ownKeys(view), with view the environment (a copy, a Proxy of it):
    // read key by key, all of it.
    if ((container & kEnvironment) && index_value.empty() && !ts_node_is_null(index) && (eval(index, chain, depth + 1) & kEnvironment))
      return container;
    return element_of(container);
  }

  // What a call calls: its callee as written or, for a name bound to another callee (`_push = session.post`,
  // `ship = partial(requests.post, url)`, `send = fetch.bind(globalThis)`, `run = (0, eval)`), that callee.
  TSNode callee_of(TSNode call) const {
    TSNode callee = written_callee(call);
    if (!ts_node_is_null(callee) && std::string_view(ts_node_type(callee)) == "identifier") {
      auto alias = callee_aliases_.find(std::string(text(callee)));
      if (alias != callee_aliases_.end() && !functions_by_name_.count(alias->first)) return alias->second;
    }
    return callee;
  }

  static TSNode written_callee(TSNode call) {
    TSNode callee = field(call, "function");
    if (ts_node_is_null(callee)) callee = field(call, "constructor");
    return callee;
  }

  void remember_callee_alias(TSNode target, TSNode value) {
    if (ts_node_is_null(target) || ts_node_is_null(value) || std::string_view(ts_node_type(target)) != "identifier") return;
    for (int hops = 0; hops < 4; ++hops) {  // (0, eval), ((fetch))
      std::string_view type = ts_node_type(value);
      if (type != "parenthesized_expression" && type != "sequence_expression" && type != "expression_list") break;
      uint32_t count = ts_node_named_child_count(value);
      if (count == 0) return;
      value = ts_node_named_child(value, count - 1);
    }
    std::string_view type = ts_node_type(value);
    TSNode callee{};
    if (is_member_node(type)) {
      callee = value;
    } else if (type == "identifier") {
      std::string_view name = text(value);
      if (in(name, {"eval", "exec", "fetch", "Function", "compile"}) || callee_aliases_.count(std::string(name))) callee = value;
    } else if (is_call_node(type)) {
      TSNode inner = written_callee(value);
      std::string inner_name = callee_name(inner);
      TSNode args = arguments_of(value);
      if (inner_name == "promisify" && !ts_node_is_null(args) && ts_node_named_child_count(args) > 0)
        callee = ts_node_named_child(args, 0);  // run = promisify(execFile)
      else if (inner_name == "partial" && !ts_node_is_null(args) && ts_node_named_child_count(args) > 0) {
        callee = ts_node_named_child(args, 0);
        partials_.insert(std::string(text(target)));  // its bound arguments are part of what it returns
      }
      else if (inner_name == "bind" && is_member_node(ts_node_type(inner)))
        callee = member_object(inner);
    }
    if (ts_node_is_null(callee) || ts_node_eq(callee, target)) return;
    auto [at, added] = callee_aliases_.emplace(std::string(text(target)), callee);
    if (added) changed_ = true;  // calls read before this binding are read again
  }

  TSNode arguments_of(TSNode call) const { return field(call, "arguments"); }

  // The callee as written without the line breaks and indentation of a chained call (`https\n  .get(…)`).
  std::string callee_spelling(TSNode callee) const {
    std::string out;
    if (ts_node_is_null(callee)) return out;
    for (char c : text(callee).substr(0, 200))
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r') out += c;
    // require('https').request(…): the module's own function.
    if (family_ == Family::javascript && starts_with(out, "require(") && out.size() > 12) {
      char quote = out[8];
      size_t close = (quote == '\'' || quote == '"' || quote == '`') ? out.find(quote, 9) : std::string::npos;
      if (close != std::string::npos && out.compare(close + 1, 2, ").") == 0) {
        std::string module = out.substr(9, close - 9);
        if (starts_with(module, "node:")) module.erase(0, 5);
        out = module + out.substr(close + 2);
      }
    }
    return out;
  }

  Bits eval_arguments(TSNode call, const std::vector<uint32_t>& chain, int depth, bool drop_header_auth = false) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return 0;
    Bits bits = 0;
    uint32_t count = ts_node_named_child_count(args);
    for (uint32_t i = 0; i < count; ++i) {
      TSNode arg = ts_node_named_child(args, i);
      std::string_view type = ts_node_type(arg);
      if (!drop_header_auth) {
        bits |= eval(arg, chain, depth + 1);
        continue;
      }
      // Forwarding the caller's Authorization as a header is what a proxy does, and a key in a header is
      // how a client signs in (the secret_to_other_vendor detector judges its host); in a body or a URL it is a copy.
      if (type == "keyword_argument") {
        std::string_view name = text(field(arg, "name"));
        Bits b = eval(arg, chain, depth + 1);
        bits |= in(name, {"headers", "auth", "cookies"}) ? b & ~(kIncomingAuth | kSecretVariable) : b;
      } else if (type == "object" || type == "dictionary") {
        uint32_t pairs = ts_node_named_child_count(arg);
        for (uint32_t p = 0; p < pairs; ++p) {
          TSNode pair = ts_node_named_child(arg, p);
          Bits b = eval(pair, chain, depth + 1);
          std::string_view key_text = ts_node_type(pair) == std::string_view("pair") ? text(field(pair, "key")) : text(pair);
          std::string k = lower(key_text);
          if (k.find("header") != std::string::npos) b &= ~(kIncomingAuth | kSecretVariable);
          bits |= b;
        }
      } else {
        bits |= eval(arg, chain, depth + 1);
      }
    }
    return bits;
  }

  std::string callee_name(TSNode callee) const {
    if (ts_node_is_null(callee)) return {};
    std::string_view type = ts_node_type(callee);
    if (is_member_node(type)) return std::string(text(member_property(callee)));
    if (type == "identifier") return std::string(text(callee));
    return {};
  }

  // The string literals a loop variable takes: `for n in ["A", "B"]`, `for _, n := range names` with
  // names a literal list the file binds, `for (const n of NAMES)`.
  const std::vector<std::string>& loop_literals(std::string_view variable) {
    auto [at, added] = loop_literals_.try_emplace(std::string(variable));
    if (!added) return at->second;
    const LiteralTables& tables = literal_tables();
    std::vector<std::string>& out = at->second;
    for (const auto& [name, range] : tables.loops) {
      if (name != variable || out.size() >= 64) continue;
      TSNode list = range;
      if (std::string_view(ts_node_type(range)) == "identifier") {
        auto bound = tables.lists.find(std::string(text(range)));
        list = bound == tables.lists.end() ? TSNode{} : bound->second;
      }
      if (!ts_node_is_null(list))
        for (auto& value : literal_values(tree_, list)) out.push_back(std::move(value));
    }
    return out;
  }

  // Loops and the names bound to list literals (`var names = []string{…}`, `NAMES = […]`,
  // `const NAMES = […]`), read in one walk of the file the first time a loop variable is asked about.
  const LiteralTables& literal_tables() {
    if (literal_tables_) return *literal_tables_;
    LiteralTables& tables = literal_tables_.emplace();
    std::vector<TSNode> pending{tree_.root()};
    size_t visited = 0;
    while (!pending.empty() && ++visited < 200'000) {
      TSNode node = pending.back();
      pending.pop_back();
      std::string_view type = ts_node_type(node);
      if (type == "range_clause" || type == "for_statement" || type == "for_in_clause" || type == "for_in_statement") {
        TSNode left = field(node, "left"), right = field(node, "right");
        if (!ts_node_is_null(left) && !ts_node_is_null(right))
          if (auto names = identifiers(tree_, left); !names.empty()) tables.loops.emplace_back(std::move(names.back()), right);
      }
      TSNode target{}, value{};
      if (type == "var_spec" || type == "const_spec" || type == "variable_declarator") {
        target = field(node, "name");
        value = field(node, "value");
      } else if (type == "assignment" || type == "short_var_declaration") {
        target = field(node, "left");
        value = field(node, "right");
      }
      if (!ts_node_is_null(target) && !ts_node_is_null(value)) {
        if (std::string_view(ts_node_type(value)) == "expression_list" && ts_node_named_child_count(value) == 1)
          value = ts_node_named_child(value, 0);
        std::string_view kind = ts_node_type(value);
        if (kind == "composite_literal" || kind == "list" || kind == "tuple" || kind == "array")
          tables.lists.try_emplace(std::string(text(target)), value);  // the first binding, as written
      }
      for (uint32_t i = ts_node_named_child_count(node); i-- > 0;) pending.push_back(ts_node_named_child(node, i));
    }
    return tables;
  }

  // Vite's loadEnv(mode, dir, '') loads every variable, the .env files' secrets included; its default
  // prefix (VITE_) loads the ones meant for the browser only.
  bool loads_every_variable(TSNode call, std::string_view callee_text) const {
    if (callee_text != "loadEnv" && callee_text != "vite.loadEnv") return false;
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) < 3) return false;
    std::string_view prefix = text(ts_node_named_child(args, 2));
    return prefix == "''" || prefix == "\"\"" || prefix == "``";
  }

  // The first argument's literal value, when it is one.
  std::string first_literal_argument(TSNode call) const {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return {};
    return literal_at(ts_node_named_child(args, 0));
  }

  std::string argument_words(TSNode call) const {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return {};
    std::string words;
    for (const auto& value : literal_values(tree_, args)) {
      if (words.size() > 256) break;
      words += value + " ";
    }
    return words;
  }

  bool fetches(std::string_view callee_text, std::string_view name, std::string_view receiver) const {
    std::string r = lower(receiver);
    switch (family_) {
      case Family::python:
        return in(callee_text, {"requests.get", "requests.post", "requests.request", "httpx.get", "httpx.post",
                                "httpx.request", "urlopen", "urllib.request.urlopen", "request.urlopen", "urllib2.urlopen"}) ||
               (in(name, {"get", "request"}) &&
                (r.find("session") != std::string::npos || r.find("client") != std::string::npos || r == "http"));
      case Family::javascript:
        return global_fetch(callee_text) || callee_text == "axios" || starts_with(callee_text, "axios.") || callee_text == "got" ||
               starts_with(callee_text, "got.") || starts_with(callee_text, "ky.");
      case Family::go:
        return in(callee_text, {"http.Get", "http.Post", "http.DefaultClient.Do", "http.DefaultClient.Get"}) ||
               (in(name, {"Do", "Get"}) && r.find("client") != std::string::npos);
    }
    return false;
  }

  Bits sources_of_call(TSNode call, std::string_view callee_text, std::string_view name, TSNode receiver,
                       const std::vector<uint32_t>& chain, int depth) {
    Bits bits = 0;
    std::string_view receiver_text = ts_node_is_null(receiver) ? std::string_view() : text(receiver);
    if (fetches(callee_text, name, receiver_text)) bits |= kFetched;
    // c.Get(url) / session.get(url) on a client made in the file downloads.
    if (!ts_node_is_null(receiver) && in(name, {"Get", "Do", "get", "request", "Post", "post"}) && client_like(receiver) &&
        (eval(receiver, chain, depth + 1) & kConnection))
      bits |= kFetched;
    if (in(callee_text, {"os.Environ", "syscall.Environ"})) bits |= kEnvironment;
    if (loads_every_variable(call, callee_text)) bits |= kEnvironment;
    // settings.DATABASES["default"].get("PASSWORD"), app.config.get("SECRET_KEY")
    if (name == "get" && (database_settings(receiver_text) || framework_settings(receiver_text))) {
      std::string key = first_literal_argument(call);
      bits |= secret_variable(key == "PASSWORD" && database_settings(receiver_text) ? "DB_PASSWORD" : key);
    }
    if (in(callee_text, {"os.getenv", "os.Getenv", "os.environ.get", "os.LookupEnv", "env::var", "getenv"})) {
      std::string key_name = first_literal_argument(call);
      if (key_name.empty() && (eval_arguments(call, chain, depth) & kEnvironment)) bits |= kEnvironment;
      bits |= secret_variable(key_name);
      // for _, n := range []string{"AWS_SECRET_ACCESS_KEY", …} { os.LookupEnv(n) }: each name the loop takes.
      TSNode args = arguments_of(call);
      if (key_name.empty() && !ts_node_is_null(args) && ts_node_named_child_count(args) > 0 &&
          std::string_view(ts_node_type(ts_node_named_child(args, 0))) == "identifier")
        for (const auto& name : loop_literals(text(ts_node_named_child(args, 0)))) bits |= secret_variable(name);
    }
    if (in(name, {"get_credentials", "get_frozen_credentials", "getCredentials", "fromIni", "fromEnv", "getAccessToken",
                  "getIdToken", "get_access_token"}) ||
        in(callee_text, {"google.auth.default", "auth.default", "credentials.Token"}))
      bits |= kCredential;
    if (in(name, {"get", "header", "getHeader", "Get", "get_header"}) && incoming_credential_header(first_literal_argument(call))) {
      std::string r = lower(receiver_text);
      if (r.find("header") != std::string::npos || in(r, {"req", "request", "ctx", "c", "r"})) bits |= kIncomingAuth;
    }
    if (in(name, {"run", "check_output", "Popen", "execSync", "execFileSync", "spawnSync", "Command", "CommandContext", "Output",
                  "getoutput", "getstatusoutput", "execFile", "exec", "spawn", "execa", "execaSync", "$"})) {
      // What a credential helper prints (gh auth token, git credential fill, aws configure export-credentials,
      // vault read …), by the shell catalog's own list.
      std::vector<std::string> argv;
      for (const auto& value : literal_values(tree_, arguments_of(call))) {
        if (argv.size() > 16) break;
        size_t at = 0;
        while (at < value.size()) {  // "gh auth token" as one string is three words
          size_t end = value.find(' ', at);
          if (end == std::string::npos) end = value.size();
          if (end > at) argv.push_back(value.substr(at, end - at));
          at = end + 1;
        }
      }
      if (!argv.empty() && argv.front() == "sh" && argv.size() > 2) argv.erase(argv.begin(), argv.begin() + 2);  // sh -c "…"
      if (!argv.empty() && shell::credential_helper(shell::base_name(argv.front()), {argv.begin() + 1, argv.end()})) bits |= kCredential;
    }
    if (reads_file(name)) {
      Bits given = eval_arguments(call, chain, depth);
      if (!ts_node_is_null(receiver)) given |= eval(receiver, chain, depth + 1);
      if (given & kCredentialPath) bits |= kCredential;
      if (given & kDownloadedFile) bits |= kFetched;  // a downloaded file read back is the download
    }
    switch (family_) {
      case Family::python:
        if (in(callee_text, {"socket.socket", "socket.create_connection", "http.client.HTTPSConnection",
                             "http.client.HTTPConnection", "HTTPSConnection", "HTTPConnection", "create_connection",
                             "requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient",
                             "aiohttp.ClientSession", "urllib3.PoolManager", "smtplib.SMTP", "smtplib.SMTP_SSL",
                             "SMTP", "SMTP_SSL", "ftplib.FTP", "websocket.create_connection", "websockets.connect"}))
          bits |= kConnection;
        break;
      case Family::javascript:
        if (in(callee_text, {"https.request", "http.request", "net.connect", "net.createConnection", "tls.connect",
                             "WebSocket", "XMLHttpRequest", "net.Socket", "axios.create", "got.extend", "dgram.createSocket",
                             "tls.connect"}))
          bits |= kConnection;
        break;
      case Family::go:
        // json.NewEncoder(conn), bufio.NewWriter(conn): a writer onto a connection sends what it is given.
        if (in(callee_text, {"json.NewEncoder", "gob.NewEncoder", "xml.NewEncoder", "bufio.NewWriter", "bufio.NewWriterSize",
                             "gzip.NewWriter", "zlib.NewWriter", "csv.NewWriter", "io.MultiWriter", "tls.Client",
                             "base64.NewEncoder"}) &&
            (eval_arguments(call, chain, depth) & kConnection))
          bits |= kConnection;
        if (in(callee_text, {"net.Dial", "net.DialTimeout", "tls.Dial", "net.DialTCP", "net.DialUDP", "websocket.Dial"}) ||
            (in(name, {"Dial", "DialContext"}) && receiver_text.find("Dialer") != std::string_view::npos))
          bits |= kConnection;
        break;
    }
    return bits;
  }

  std::vector<size_t> resolve(TSNode callee) const {
    std::vector<size_t> out;
    if (ts_node_is_null(callee)) return out;
    std::string_view type = ts_node_type(callee);
    auto add_named = [&](const std::string& name, bool methods_only) {
      auto range = functions_by_name_.equal_range(name);
      for (auto it = range.first; it != range.second; ++it)
        if (!methods_only || functions_[it->second].method) out.push_back(it->second);
    };
    if (type == "identifier") {
      std::string name(text(callee));
      add_named(name, false);
      auto alias = aliases_.find(name);
      if (alias != aliases_.end())
        for (const auto& target : alias->second) add_named(target, false);
    } else if (is_member_node(type)) {
      // metrics.Push(fields), telemetry.send_event(…): a module's function, when the object names a module.
      add_named(std::string(text(member_property(callee))), !names_module(member_object(callee)));
    } else if (is_index_node(type)) {
      TSNode root = root_identifier(callee);
      if (!ts_node_is_null(root)) {
        auto alias = aliases_.find(std::string(text(root)));
        if (alias != aliases_.end())
          for (const auto& target : alias->second) add_named(target, false);
      }
    }
    if (out.size() > 16) out.resize(16);
    return out;
  }

  Bits eval_call(TSNode call, const std::vector<uint32_t>& chain, int depth) {
    TSNode callee = callee_of(call);
    std::string callee_text = callee_spelling(callee);
    std::string name = callee_name(callee);
    TSNode receiver = !ts_node_is_null(callee) && is_member_node(ts_node_type(callee)) ? member_object(callee) : TSNode{};
    Bits bits = sources_of_call(call, callee_text, name, receiver, chain, depth);
    if (callee_text == "getattr") {  // getattr(record, "context", {}) is record.context
      TSNode args = arguments_of(call);
      std::string attribute = ts_node_named_child_count(args) > 1 ? literal_at(ts_node_named_child(args, 1)) : std::string();
      auto held = names_.find("." + attribute);
      if (!attribute.empty() && held != names_.end()) bits |= held->second;
    }
    if (in(name, {"vars", "asdict", "astuple", "stringify", "dumps", "Marshal", "model_dump", "dict", "deepcopy", "copy",
                  "to_dict", "toJSON", "jsonify"})) {
      TSNode args = arguments_of(call);
      if (!ts_node_is_null(args) && ts_node_named_child_count(args) > 0 && self_like(text(ts_node_named_child(args, 0))))
        bits |= all_of_self();
    }
    // An instance of the file's own class holds what it was made with (AccessInfo(secret_key=…), new Session(env)).
    if (transparent_call(name) || (!ts_node_is_null(callee) && std::string_view(ts_node_type(callee)) == "identifier" &&
                                   classes_.count(name))) {
      Bits given = eval_arguments(call, chain, depth);
      bits |= given;
      if (given & ~kConnection && encoding_call(name)) bits |= kEncoded;
    }
    auto local = resolve(callee);
    for (size_t f : local) {
      auto at = returns_.find(id(functions_[f].node));
      if (at != returns_.end()) bits |= at->second;
    }
    // A name that holds data and is called (context = partial(dict, os.environ); context()) gives it back.
    TSNode written = written_callee(call);
    if (local.empty() && !ts_node_is_null(written) && std::string_view(ts_node_type(written)) == "identifier" &&
        (ts_node_eq(written, callee) || partials_.count(std::string(text(written)))))  // a bound method is read as its callee
      bits |= lookup(text(written), chain) & ~(kConnection | kCredentialPath | kDownloadedFile);
    TSNode executor = promise_executor(call);
    if (!ts_node_is_null(executor)) {
      auto value = promise_values_.find(id(executor));
      if (value != promise_values_.end()) bits |= value->second;
    }
    // keys.map(k => read(k)), promise.then(r => r.text()): what the callback returns is the result.
    if (in(name, {"map", "flatMap", "reduce", "then", "pipe", "Map", "apply", "transform"})) {
      TSNode args = arguments_of(call);
      for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args) && i < 4; ++i) {
        auto returned = returns_.find(id(ts_node_named_child(args, i)));
        if (returned != returns_.end() && function_at_.count(id(ts_node_named_child(args, i)))) bits |= returned->second;
      }
    }
    if (!ts_node_is_null(receiver) && !derives_nothing(name) && !self_like(text(receiver))) {
      Bits held = eval(receiver, chain, depth + 1) & ~kConnection;
      // env.get("KEY") is one variable; queue.get() or a lookup by a computed key may be the whole value,
      // but os.environ.get(name) is one variable unless the name comes from the environment itself.
      std::string_view receiver_text = text(receiver);
      if (reads_one_value(name) && environment_object(receiver_text)) {
        held = (eval_arguments(call, chain, depth) & kEnvironment) ? Bits(kEnvironment) : secret_variable(first_literal_argument(call));
      } else if (reads_one_value(name) && !first_literal_argument(call).empty()) {
        if (held & kEnvironment) held |= secret_variable(first_literal_argument(call));
        held = element_of(held);
      }
      if (name == "toString" || name == "encode") {
        std::string how = lower(first_literal_argument(call));
        if ((how == "hex" || how == "base64" || how == "base64url" || how == "hex_codec") && held) held |= kEncoded;
      }
      if (encoding_call(name) && held) held |= kEncoded;  // secret.encode().hex()
      bits |= held;
      // req.on('error', …).end(body): Node's chainable methods return the request itself.
      if (family_ == Family::javascript &&
          in(name, {"on", "once", "addListener", "setTimeout", "setHeader", "setNoDelay", "setKeepAlive", "setEncoding"}))
        bits |= eval(receiver, chain, depth + 1) & kConnection;
    }
    return bits | path_bits_if_builder(call, name);
  }

  Bits path_bits_if_builder(TSNode call, std::string_view name) const {
    if (!in(name, {"join", "Join", "resolve", "expanduser", "Path", "joinpath", "homedir", "expandvars", "format"})) return 0;
    return path_bits(call);
  }

  // ---- statements ------------------------------------------------------------------------------

  void visit(TSNode node, std::vector<uint32_t>& chain, bool class_body, int depth) {
    if (ts_node_is_null(node) || depth > kMaxDepth || ++steps_ > kMaxSteps) return;
    if (ts_node_child_count(node) == 0) return;  // a name or a literal: read where it is used
    std::string_view type = ts_node_type(node);
    bool scope = is_function_node(type) || type == "lambda";
    if (scope) {
      chain.push_back(id(node));
      TSNode body = field(node, "body");
      // An arrow with an expression body returns it.
      if (!ts_node_is_null(body) && (type == "arrow_function" || type == "lambda") &&
          std::string_view(ts_node_type(body)) != "statement_block") {
        add_return(id(node), eval(body, chain, depth + 1));
        if (recording_) events_.push_back(Event{node, chain_id(chain), class_body, depth, true});
      }
    }
    if (act(node, type, chain, class_body, depth) && recording_) events_.push_back(Event{node, chain_id(chain), class_body, depth, false});
    bool next_class_body = type == "class_definition" || type == "class_body" ||
                           (class_body && (type == "block" || type == "expression_statement")) ||
                           type == "class_declaration" || type == "class" || (class_body && type == "decorated_definition");
    for_each_named_child(node, [&](TSNode child) { visit(child, chain, next_class_body && !scope, depth + 1); });
    if (scope) chain.pop_back();
  }

  void add_return(uint32_t function, Bits bits) {
    if (!bits || function == kModuleScope) return;
    Bits& slot = returns_[function];
    if ((slot | bits) != slot) {
      slot |= bits;
      changed_ = true;
    }
  }

  void remember_constant(TSNode target, TSNode value) {
    if (ts_node_is_null(target) || ts_node_is_null(value) || std::string_view(ts_node_type(target)) != "identifier") return;
    std::string_view type = ts_node_type(value);
    std::string constant;
    if (is_literal_type(type)) {
      constant = literal_at(value);
    } else if (is_call_node(type)) {  // ['cfg', 'cloudsync', 'dev'].join('.'), strings.Join([]string{…}, "")
      std::string name = callee_name(callee_of(value));
      if (name != "join" && name != "Join") return;
      auto values = literal_values(tree_, value);
      if (values.size() < 2 || values.size() > 24) return;
      std::string separator = values.back();
      bool separator_first = family_ == Family::python;  // ".".join([…])
      if (separator_first) separator = values.front();
      for (size_t i = separator_first ? 1 : 0; i + (separator_first ? 0 : 1) < values.size(); ++i)
        constant += (constant.empty() ? "" : separator) + values[i];
    }
    if (!constant.empty() && constant.size() < 512) constants_[std::string(text(target))] = constant;
  }

  void remember_aliases(TSNode target, TSNode value) {
    if (ts_node_is_null(target) || ts_node_is_null(value) || std::string_view(ts_node_type(target)) != "identifier") return;
    std::string_view type = ts_node_type(value);
    if (!(type == "dictionary" || type == "object" || type == "list" || type == "array" || type == "identifier" ||
          type == "composite_literal"))
      return;
    std::vector<std::string> names = identifiers(tree_, value);
    if (type == "object" || type == "dictionary")  // { sshKey: () => read(…) }: the functions it holds, by their keys
      for (uint32_t i = 0; i < ts_node_named_child_count(value) && i < 256; ++i) {
        TSNode pair = ts_node_named_child(value, i);
        TSNode held = std::string_view(ts_node_type(pair)) == "pair" ? field(pair, "value") : TSNode{};
        if (!ts_node_is_null(held) && function_at_.count(id(held))) names.push_back(functions_[function_at_.at(id(held))].name);
      }
    for (const auto& name : names) {
      if (name.empty() || !functions_by_name_.count(name)) continue;
      auto& targets = aliases_[std::string(text(target))];
      if (std::find(targets.begin(), targets.end(), name) == targets.end() && targets.size() < 32) targets.push_back(name);
    }
  }

  // Pairs of (target, value) for one assignment-like node; Go and Python assign lists pairwise.
  void assign(TSNode left, TSNode right, std::vector<uint32_t>& chain, bool declare, bool class_body, int depth) {
    if (ts_node_is_null(left)) return;
    if (ts_node_is_null(right)) {  // `let cache;`: declared here, so later writes from functions land here
      if (declare) bind(left, Bits(), chain, true, class_body);
      return;
    }
    std::string_view left_type = ts_node_type(left), right_type = ts_node_type(right);
    bool lists = (left_type == "expression_list" && right_type == "expression_list") ||
                 ((left_type == "pattern_list" || left_type == "tuple_pattern") &&
                  (right_type == "expression_list" || right_type == "tuple"));
    if (lists && ts_node_named_child_count(left) == ts_node_named_child_count(right)) {
      for (uint32_t i = 0; i < ts_node_named_child_count(left); ++i)
        assign(ts_node_named_child(left, i), ts_node_named_child(right, i), chain, declare, class_body, depth);
      return;
    }
    if (right_type == "expression_list" && ts_node_named_child_count(right) == 1) right = ts_node_named_child(right, 0);
    if (left_type == "expression_list" && ts_node_named_child_count(left) == 1) left = ts_node_named_child(left, 0);
    remember_constant(left, right);
    remember_aliases(left, right);
    remember_file_handle(left, right);
    remember_client_host(left, right);
    remember_callee_alias(left, right);
    if (splits_entry(right) && std::string_view(ts_node_type(left)) == "identifier") entry_splits_.insert(std::string(text(left)));
    if (left_type == "object_pattern" && destructure_environment(left, right, chain)) return;
    Bits bits = eval(right, chain, depth + 1);
    bind(left, bits, chain, declare, class_body);
    // A log record's attributes go wherever the logging handlers send the record.
    // (Python's logging records; winston's info objects, in a format whose records an Http transport posts.)
    if ((bits & (kEnvironment | kCredential)) && is_member_node(ts_node_type(left)) && remote_log_handler_ &&
        text(member_object(left)) == (family_ == Family::python ? "record" : "info"))
      report(FlowKind::environment, left, bits, log_handler_host());
  }

  // const { env } = process; const { STRIPE_KEY, ...rest } = process.env: the names hold what the
  // member accesses would.
  bool destructure_environment(TSNode pattern, TSNode value, const std::vector<uint32_t>& chain) {
    std::string_view from = text(value);
    if (from != "process" && from != "process.env") return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(pattern); ++i) {
      TSNode entry = ts_node_named_child(pattern, i);
      std::string_view type = ts_node_type(entry);
      TSNode key = entry, target = entry;
      if (type == "pair_pattern") {
        key = field(entry, "key");
        target = field(entry, "value");
      } else if (type == "rest_pattern") {
        bind(ts_node_named_child(entry, 0), from == "process.env" ? Bits(kEnvironment) : Bits(), chain, true, false);
        continue;
      } else if (type == "object_assignment_pattern") {
        key = target = field(entry, "left");
      }
      if (ts_node_is_null(key) || ts_node_is_null(target)) continue;
      std::string_view name = text(key);
      Bits bits = from == "process" ? (name == "env" ? Bits(kEnvironment) : Bits()) : secret_variable(name);
      bind(target, bits, chain, true, false);
    }
    return true;
  }

  // A request this code serves, by the names web frameworks give it (a client library's own `request`
  // objects are outgoing): Express/Koa/Hono's req, ctx.request, c.req; Flask/Django/FastAPI's request; Go's r
  // beside an http.ResponseWriter.
  bool served_request(std::string_view object) const {
    if (!serves_requests_) return false;
    switch (family_) {
      case Family::javascript: return in(object, {"req", "ctx.request", "ctx.req", "c.req"});
      case Family::python: return object == "request" || object == "self.request";
      case Family::go: return object == "r";
    }
    return false;
  }

  std::string log_handler_host() const {
    static const std::regex kHost(R"re((?:Handler\(\s*(?:host\s*=\s*)?|\bhost\s*:\s*)['"]([A-Za-z0-9.-]+))re");
    std::string copy(text_.substr(0, std::min<size_t>(text_.size(), 65536)));
    std::smatch m;
    return std::regex_search(copy, m, kHost) ? lower(m[1].str()) : std::string();
  }

  // What a statement or expression does to the names (true), or nothing to remember it for (false).
  bool act(TSNode node, std::string_view type, std::vector<uint32_t>& chain, bool class_body, int depth) {
    if (type == "assignment" || type == "augmented_assignment") {
      assign(field(node, "left"), field(node, "right"), chain, true, class_body, depth);
    } else if (type == "assignment_expression" || type == "augmented_assignment_expression" || type == "assignment_statement") {
      assign(field(node, "left"), field(node, "right"), chain, false, false, depth);
    } else if (type == "variable_declarator" || type == "var_spec" || type == "const_spec") {
      assign(field(node, "name"), field(node, "value"), chain, true, false, depth);
    } else if (type == "short_var_declaration") {
      assign(field(node, "left"), field(node, "right"), chain, true, false, depth);
    } else if (type == "field_definition") {
      assign(field(node, "property"), field(node, "value"), chain, true, true, depth);
    } else if (type == "public_field_definition") {
      assign(field(node, "name"), field(node, "value"), chain, true, true, depth);
    } else if (type == "as_pattern") {  // with open(p) as f
      TSNode alias = field(node, "alias");
      if (!ts_node_is_null(alias)) {
        bind(ts_node_named_child(alias, 0), eval(ts_node_named_child(node, 0), chain, depth + 1), chain, true, false);
        remember_file_handle(ts_node_named_child(alias, 0), ts_node_named_child(node, 0));
      }
    } else if (type == "for_statement" || type == "for_in_statement" || type == "range_clause" || type == "for_in_clause") {
      // An item of a loop over the whole environment stands for all of it: what the body copies out of
      // each (for _, kv := range os.Environ() { fields[k] = parts[1] }) is every variable.
      TSNode left = field(node, "left"), right = field(node, "right");
      if (!ts_node_is_null(left) && !ts_node_is_null(right))
        bind(left, holding(eval(right, chain, depth + 1)), chain, true, false);
    } else if (type == "yield" || type == "yield_expression") {  // a generator's items are what it returns
      Bits bits = 0;
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) bits |= eval(ts_node_named_child(node, i), chain, depth + 1);
      add_return(chain.back(), bits);
    } else if (type == "global_statement" && chain.back() != kModuleScope) {
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i)
        globals_.insert(key(text(ts_node_named_child(node, i)), chain.back()));
    } else if (is_call_node(type) && family_ == Family::go) {
      act_on_call(node, chain, depth);
      // fmt.Fprintf(&buf, …): the writer holds what was printed into it.
      std::string callee_text = callee_spelling(callee_of(node));
      TSNode args = arguments_of(node);
      if (in(callee_text, {"fmt.Fprintf", "fmt.Fprint", "fmt.Fprintln", "io.WriteString"}) && !ts_node_is_null(args) &&
          ts_node_named_child_count(args) > 1) {
        TSNode writer = ts_node_named_child(args, 0);
        if (std::string_view(ts_node_type(writer)) == "unary_expression") writer = ts_node_named_child(writer, 0);
        TSNode root = ts_node_is_null(writer) ? TSNode{} : root_identifier(writer);
        Bits printed;
        for (uint32_t i = 1; i < ts_node_named_child_count(args); ++i) printed |= eval(ts_node_named_child(args, i), chain, depth + 1);
        if (!ts_node_is_null(root) && !(eval(root, chain, depth + 1) & kConnection)) mutate(text(root), printed, chain);
      }
    } else if (type == "default_parameter" || type == "typed_default_parameter" || type == "required_parameter" ||
               type == "optional_parameter") {
      // def f(ctx=dict(os.environ)), constructor(private config = loadConfig()): the default is the value
      // when no caller gives one, and a TypeScript parameter property is an attribute too.
      TSNode name = field(node, type == "required_parameter" || type == "optional_parameter" ? "pattern" : "name");
      TSNode value = field(node, "value");
      if (!ts_node_is_null(name) && !ts_node_is_null(value) && std::string_view(ts_node_type(name)) == "identifier") {
        Bits bits = eval(value, chain, depth + 1);
        add(key(text(name), chain.back()), bits);
        bool property = ts_node_named_child_count(node) > 0 &&
                        std::string_view(ts_node_type(ts_node_named_child(node, 0))) == "accessibility_modifier";
        if (property || text(node).find("readonly ") == 0) add("." + std::string(text(name)), bits);
      }
    } else if (type == "composite_literal" && family_ == Family::go) {
      // Reporter{Env: os.Environ()}: the struct's fields hold it, and so does every value of the type (a method's
      // receiver marshalled whole).
      std::string type_name(text(field(node, "type")));
      if (type_name.rfind('.') != std::string::npos) type_name = type_name.substr(type_name.rfind('.') + 1);
      TSNode body = field(node, "body");
      for (uint32_t i = 0; !ts_node_is_null(body) && i < ts_node_named_child_count(body) && i < 128; ++i) {
        TSNode element = ts_node_named_child(body, i);
        if (std::string_view(ts_node_type(element)) != "keyed_element") continue;
        Bits bits = eval(element, chain, depth + 1);
        add("." + std::string(text(ts_node_named_child(element, 0))), bits);
        if (!type_name.empty()) add(type_name + ".*", bits);
      }
    } else if (type == "method_declaration" && family_ == Family::go) {
      // func (r *Reporter) Send(): r holds what values of Reporter were made with.
      TSNode receiver = field(node, "receiver");
      TSNode declaration = ts_node_is_null(receiver) ? TSNode{} : ts_node_named_child(receiver, 0);
      TSNode name = ts_node_is_null(declaration) ? TSNode{} : field(declaration, "name");
      TSNode type_node = ts_node_is_null(declaration) ? TSNode{} : field(declaration, "type");
      if (!ts_node_is_null(name) && !ts_node_is_null(type_node)) {
        std::string type_name(text(type_node));
        while (!type_name.empty() && type_name.front() == '*') type_name.erase(0, 1);
        receivers_.insert(key(text(name), id(node)));
        auto held = names_.find(type_name + ".*");
        if (held != names_.end()) add(key(text(name), id(node)), held->second);
      }
    } else if (type == "send_statement") {  // out <- value: the channel carries it to whoever ranges over it
      TSNode root = root_identifier(field(node, "channel"));
      if (!ts_node_is_null(root)) mutate(text(root), eval(field(node, "value"), chain, depth + 1), chain);
    } else if (type == "return_statement") {
      Bits bits = 0;
      for (uint32_t i = 0; i < ts_node_named_child_count(node); ++i) bits |= eval(ts_node_named_child(node, i), chain, depth + 1);
      add_return(chain.back(), bits);
    } else if (is_call_node(type)) {
      act_on_call(node, chain, depth);
    } else {
      return false;
    }
    return true;
  }

  void bind_parameters(const Function& f, TSNode call, bool attribute_call, const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return;
    size_t shift = 0;
    if (attribute_call && family_ == Family::python && !f.params.empty() && f.params[0].size() == 1 && self_like(f.params[0][0]))
      shift = 1;
    uint32_t scope = id(f.node);
    size_t position = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
      TSNode arg = ts_node_named_child(args, i);
      std::string_view type = ts_node_type(arg);
      if (type == "comment") continue;
      if (type == "keyword_argument") {
        add(key(text(field(arg, "name")), scope), eval(arg, chain, depth + 1));
        continue;
      }
      size_t at = position++ + shift;
      if (at >= f.params.size()) continue;
      Bits bits = eval(arg, chain, depth + 1);
      for (const auto& name : f.params[at]) {
        add(key(name, scope), bits);
        // A path the callee downloads into is a downloaded file for the caller too (the file outlives the
        // call), and a container or channel the callee fills holds what it put there.
        auto param = names_.find(key(name, scope));
        TSNode given = arg;
        if (std::string_view(ts_node_type(given)) == "unary_expression") given = ts_node_named_child(given, 0);  // &wg
        if (param == names_.end() || ts_node_is_null(given) || std::string_view(ts_node_type(given)) != "identifier") continue;
        if (param->second & kDownloadedFile) bind_name(text(given), kDownloadedFile, chain, false);
        if (mutated_.count(param->first)) bind_name(text(given), param->second & ~kConnection, chain, false);
      }
    }
  }

  // Threading.Thread(target=f, args=(x,)), executor.submit(f, x), atexit.register(f, x), setTimeout(f, ms, x):
  // f is called later with those arguments.
  void bind_deferred_call(TSNode call, const std::string& name, const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return;
    TSNode target{}, target_args{};
    std::vector<TSNode> positional;
    for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
      TSNode arg = ts_node_named_child(args, i);
      std::string_view type = ts_node_type(arg);
      if (type == "keyword_argument") {
        std::string_view key_name = text(field(arg, "name"));
        if (key_name == "target") target = field(arg, "value");
        if (key_name == "args") target_args = field(arg, "value");
      } else if (type != "comment") {
        positional.push_back(arg);
      }
    }
    if (name == "Timer" && ts_node_is_null(target) && positional.size() >= 2) target = positional[1];  // Timer(delay, f, args=…)
    size_t skip = name == "setTimeout" || name == "setInterval" ? 2 : name == "run_in_executor" ? 2 : 1;
    if (ts_node_is_null(target)) {
      if (!in(name, {"submit", "register", "setTimeout", "setInterval", "run_in_executor", "call_soon", "call_later", "start_new_thread"}) ||
          positional.size() <= skip - 1)
        return;
      size_t at = name == "run_in_executor" || name == "call_later" ? 1 : 0;
      if (at >= positional.size()) return;
      target = positional[at];
      if (name == "call_later") skip = 2;
      positional.erase(positional.begin(), positional.begin() + static_cast<long>(std::min(skip, positional.size())));
    } else {
      positional.clear();
      if (!ts_node_is_null(target_args))
        for (uint32_t i = 0; i < ts_node_named_child_count(target_args); ++i) positional.push_back(ts_node_named_child(target_args, i));
    }
    if (std::string_view(ts_node_type(target)) != "identifier") return;
    auto range = functions_by_name_.equal_range(std::string(text(target)));
    for (auto it = range.first; it != range.second; ++it) {
      const Function& f = functions_[it->second];
      for (size_t p = 0; p < positional.size() && p < f.params.size(); ++p) {
        Bits bits = eval(positional[p], chain, depth + 1);
        for (const auto& param : f.params[p]) add(key(param, id(f.node)), bits);
      }
    }
  }

  // emitter.on('flush', send) … emitter.emit('flush', data): send is called with data.
  void bind_event(TSNode call, const std::string& name, const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) < 2) return;
    std::string event = literal_at(ts_node_named_child(args, 0));
    if (event.empty()) return;
    TSNode second = ts_node_named_child(args, 1);
    if (in(name, {"on", "once", "addListener", "prependListener", "subscribe"})) {
      std::vector<std::string> targets;
      if (std::string_view(ts_node_type(second)) == "identifier") targets.emplace_back(text(second));
      auto at = function_at_.find(id(second));
      if (at != function_at_.end()) targets.push_back("@" + std::to_string(id(second)));
      auto& registered = handlers_[event];
      for (auto& target : targets)
        if (std::find(registered.begin(), registered.end(), target) == registered.end() && registered.size() < 32)
          registered.push_back(std::move(target));
      return;
    }
    if (name != "emit" && name != "publish") return;
    auto registered = handlers_.find(event);
    if (registered == handlers_.end()) return;
    for (const auto& target : registered->second) {
      std::vector<size_t> functions;
      if (target[0] == '@') {
        auto at = function_at_.find(static_cast<uint32_t>(std::stoul(target.substr(1))));
        if (at != function_at_.end()) functions.push_back(at->second);
      } else {
        auto range = functions_by_name_.equal_range(target);
        for (auto it = range.first; it != range.second; ++it) functions.push_back(it->second);
      }
      for (size_t f : functions)
        for (uint32_t i = 1; i < ts_node_named_child_count(args) && i - 1 < functions_[f].params.size(); ++i) {
          Bits bits = eval(ts_node_named_child(args, i), chain, depth + 1);
          for (const auto& param : functions_[f].params[i - 1]) add(key(param, id(functions_[f].node)), bits);
        }
    }
  }

  // The function a new Promise(executor) is given, or null.
  TSNode promise_executor(TSNode call) const {
    if (std::string_view(ts_node_type(call)) != "new_expression" || text(callee_of(call)) != "Promise") return TSNode{};
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return TSNode{};
    TSNode executor = ts_node_named_child(args, 0);
    return function_at_.count(id(executor)) ? executor : TSNode{};
  }

  // new Promise((resolve) => … resolve(data)): the promise is worth what resolve was given; a Node
  // callback API (https.get(url, (res) => …)) hands its callback the response.
  void follow_promises_and_callbacks(TSNode call, TSNode callee, const std::vector<uint32_t>& chain, int depth) {
    TSNode executor = promise_executor(call);
    if (!ts_node_is_null(executor)) {
      const Function& f = functions_[function_at_[id(executor)]];
      if (!f.params.empty())
        for (const auto& param : f.params[0]) resolvers_.emplace(key(param, id(executor)), id(executor));
    }
    std::string callee_text = callee_spelling(callee);
    if (std::string_view(ts_node_type(callee)) == "identifier") {
      for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope) {
        auto resolver = resolvers_.find(key(callee_text, *scope));
        if (resolver == resolvers_.end()) continue;
        Bits given = eval_arguments(call, chain, depth);
        Bits& slot = promise_values_[resolver->second];
        if (given && (slot | given) != slot) {
          slot |= given;
          changed_ = true;
        }
        break;
      }
    }
    if (family_ == Family::javascript && in(callee_text, {"https.get", "http.get", "https.request", "http.request"})) {
      TSNode args = arguments_of(call);
      for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); ++i) {
        auto at = function_at_.find(id(ts_node_named_child(args, i)));
        if (at == function_at_.end() || functions_[at->second].params.empty()) continue;
        for (const auto& param : functions_[at->second].params[0]) add(key(param, id(functions_[at->second].node)), kFetched);
      }
    }
  }

  // axios.create({ baseURL }), httpx.Client(base_url=…), smtplib.SMTP(host): requests through it go there.
  void remember_client_host(TSNode target, TSNode value) {
    if (ts_node_is_null(target) || ts_node_is_null(value) || !is_call_node(ts_node_type(value)) ||
        std::string_view(ts_node_type(target)) != "identifier")
      return;
    std::string name = callee_name(callee_of(value));
    if (!in(name, {"create", "Client", "AsyncClient", "Session", "SMTP", "SMTP_SSL", "extend", "HTTPSConnection",
                   "HTTPConnection", "create_connection", "WebSocket", "connect", "Dial"}))
      return;
    TSNode args = arguments_of(value);
    std::string host = ts_node_is_null(args) ? std::string() : host_in(args);
    if (host.empty() && !ts_node_is_null(args)) {  // smtplib.SMTP("smtp.relay.net", 587): a bare host name
      for (const auto& literal : literal_values(tree_, args))
        if (literal.find('.') != std::string::npos && literal.find_first_of(" /:") == std::string::npos) {
          host = lower(literal);
          break;
        }
    }
    if (!host.empty()) client_hosts_[std::string(text(target))] = host;
  }

  // A file opened for writing: remembered by its handle, so a download written through it marks the path.
  void remember_file_handle(TSNode target, TSNode value) {
    if (ts_node_is_null(target) || ts_node_is_null(value) || !is_call_node(ts_node_type(value))) return;
    if (std::string_view(ts_node_type(target)) == "expression_list") target = ts_node_named_child(target, 0);
    std::string name = callee_name(callee_of(value));
    if (!in(name, {"open", "Create", "OpenFile", "createWriteStream", "NamedTemporaryFile", "ZipFile", "TarFile"}) ||
        std::string_view(ts_node_type(target)) != "identifier")
      return;
    if (in(name, {"ZipFile", "TarFile"}) || callee_spelling(callee_of(value)) == "tarfile.open")
      archives_.insert(std::string(text(target)));
    TSNode args = arguments_of(value);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0) return;
    TSNode path = root_identifier(ts_node_named_child(args, 0));
    if (!ts_node_is_null(path)) file_handles_[std::string(text(target))] = std::string(text(path));
  }

  // A file written with a download: target.write_text(resp.text), writeFile(file, body), os.WriteFile(p, b, m),
  // urlretrieve(url, path), io.Copy(f, resp.Body), f.write(data) on a handle open(p, "wb") gave.
  void mark_downloaded_files(TSNode call, std::string_view callee_text, const std::string& name, TSNode receiver,
                             const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return;
    uint32_t count = ts_node_named_child_count(args);
    auto arg = [&](uint32_t i) { return i < count ? ts_node_named_child(args, i) : TSNode{}; };
    auto fetched = [&](TSNode node) { return !ts_node_is_null(node) && (eval(node, chain, depth + 1) & kFetched); };
    auto mark_path = [&](TSNode path) { mark_file_at(path, kDownloadedFile, chain); };
    auto mark_handle = [&](TSNode handle) {
      if (!ts_node_is_null(handle)) mark_file_opened_by(text(handle), kDownloadedFile, chain);
    };
    if (in(name, {"write_text", "write_bytes"}) && !ts_node_is_null(receiver)) {
      if (fetched(arg(0))) mark_path(receiver);
    } else if (in(name, {"writeFile", "writeFileSync", "WriteFile", "outputFile", "outputFileSync"})) {
      if (fetched(arg(1))) mark_path(arg(0));
    } else if (name == "urlretrieve" || name == "download_file") {
      mark_path(arg(1));
    } else if (in(name, {"write", "Write", "WriteString", "writelines"}) && !ts_node_is_null(receiver)) {
      if (fetched(arg(0))) mark_handle(receiver);
    } else if (callee_text == "io.Copy" || name == "copyfileobj") {
      if (callee_text == "io.Copy" ? fetched(arg(1)) : fetched(arg(0))) mark_handle(callee_text == "io.Copy" ? arg(0) : arg(1));
    } else if (name == "pipe" && !ts_node_is_null(receiver) && fetched(receiver)) {
      TSNode stream = arg(0);  // res.pipe(fs.createWriteStream(path))
      if (!ts_node_is_null(stream) && is_call_node(ts_node_type(stream)) && callee_name(callee_of(stream)) == "createWriteStream") {
        TSNode stream_args = arguments_of(stream);
        if (!ts_node_is_null(stream_args) && ts_node_named_child_count(stream_args) > 0) mark_path(ts_node_named_child(stream_args, 0));
      } else {
        mark_handle(stream);
      }
    }
  }

  // The file at `path` (the variable it starts from: target in target.write_text(…)) now holds `what`.
  void mark_file_at(TSNode path, Mask what, const std::vector<uint32_t>& chain) {
    TSNode root = ts_node_is_null(path) ? TSNode{} : root_identifier(path);
    if (!ts_node_is_null(root)) bind_name(text(root), what, chain, false);
  }

  // The file a handle was opened on (f = open(p, "wb"): p) now holds `what`.
  void mark_file_opened_by(std::string_view handle, Mask what, const std::vector<uint32_t>& chain) {
    auto path = file_handles_.find(std::string(handle));
    if (path != file_handles_.end()) bind_name(path->second, what, chain, false);
  }

  // A file a credential is written into is a credential file: dest.write_bytes(blob), f.write(key) on a
  // handle open(p, "wb") gave. An archive a credential file is added to (zf.write(kubeconfig) on a
  // zipfile.ZipFile, tar.add(…)) holds the credential, and so does the buffer it writes into
  // (zipfile.ZipFile(buf) with buf an io.BytesIO), or the archive's path is a credential file.
  void mark_secret_files(TSNode call, const std::string& name, TSNode receiver, const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args) || ts_node_named_child_count(args) == 0 || ts_node_is_null(receiver)) return;
    TSNode first = ts_node_named_child(args, 0);
    TSNode root = root_identifier(receiver);
    if (ts_node_is_null(root) || self_like(text(root))) return;
    std::string holder(text(root));
    Bits given = eval(first, chain, depth + 1);
    auto handle = file_handles_.find(holder);
    if (in(name, {"write_text", "write_bytes"}) && (given & kCredential)) {
      mark_file_at(receiver, kCredentialPath, chain);
    } else if (archives_.count(holder) && in(name, {"write", "add", "writestr"})) {
      Bits added = name == "writestr" && ts_node_named_child_count(args) > 1 ? eval(ts_node_named_child(args, 1), chain, depth + 1) : given;
      if (!(added & (kCredentialPath | kCredential))) return;
      mutate(holder, kCredential, chain);
      if (handle == file_handles_.end()) return;
      bool buffer = text_.find(handle->second + " = io.BytesIO(") != std::string_view::npos ||
                    text_.find(handle->second + " = BytesIO(") != std::string_view::npos;
      if (buffer) mutate(handle->second, kCredential, chain);
      else bind_name(handle->second, kCredentialPath, chain, false);
    } else if (in(name, {"write", "writelines"}) && (given & kCredential)) {
      mark_file_opened_by(holder, kCredentialPath, chain);
    }
  }

  // Go decodes into the value a pointer names: json.Unmarshal(raw, &cfg) gives cfg what raw holds.
  void decode_into(TSNode target, Bits bits, std::vector<uint32_t>& chain) {
    if (!bits || ts_node_is_null(target)) return;
    if (std::string_view(ts_node_type(target)) == "unary_expression" && ts_node_named_child_count(target) == 1)
      target = ts_node_named_child(target, 0);
    TSNode root = root_identifier(target);
    if (!ts_node_is_null(root)) mutate(text(root), bits, chain);
  }

  void act_on_call(TSNode call, std::vector<uint32_t>& chain, int depth) {
    TSNode callee = callee_of(call);
    if (ts_node_is_null(callee)) return;
    if (family_ == Family::go && callee_name(callee) == "Unmarshal") {
      TSNode args = arguments_of(call);
      if (!ts_node_is_null(args) && ts_node_named_child_count(args) == 2)
        decode_into(ts_node_named_child(args, 1), eval(ts_node_named_child(args, 0), chain, depth + 1) & ~kConnection, chain);
    }
    follow_promises_and_callbacks(call, callee, chain, depth);
    bool attribute_call = is_member_node(ts_node_type(callee));
    for (size_t f : resolve(callee)) bind_parameters(functions_[f], call, attribute_call, chain, depth);
    std::string name = callee_name(callee);
    bind_deferred_call(call, name, chain, depth);
    mark_downloaded_files(call, callee_spelling(callee), name, attribute_call ? member_object(callee) : TSNode{}, chain, depth);
    if (family_ == Family::python && attribute_call) mark_secret_files(call, name, member_object(callee), chain, depth);
    if (attribute_call) bind_event(call, name, chain, depth);
    TSNode receiver = attribute_call ? member_object(callee) : TSNode{};
    TSNode args = arguments_of(call);
    if (!ts_node_is_null(receiver) && !ts_node_is_null(args)) {
      Bits held = eval(receiver, chain, depth + 1) & ~kConnection;
      // items.map(c => …), promise.then(body => …): the callback's first parameter is the receiver's data.
      if (held)
        for (uint32_t i = 0; i < ts_node_named_child_count(args); ++i) {
          TSNode arg = ts_node_named_child(args, i);
          std::vector<size_t> callbacks;
          auto at = function_at_.find(id(arg));
          if (at != function_at_.end()) callbacks.push_back(at->second);
          else if (std::string_view(ts_node_type(arg)) == "identifier")  // paths.map(upload)
            for (auto range = functions_by_name_.equal_range(std::string(text(arg))); range.first != range.second; ++range.first)
              callbacks.push_back(range.first->second);
          for (size_t f : callbacks) {
            const Function& callback = functions_[f];
            if (!callback.params.empty())
              for (const auto& param : callback.params[0]) add(key(param, id(callback.node)), held);
          }
        }
      // list.append(x), queue.push(x), form.append('f', x): the container now holds x. Headers set on a
      // request are what it forwards, not its content.
      std::string receiver_lower = lower(text(receiver).substr(0, 200));
      if (mutator(name) && receiver_lower.find("header") == std::string::npos) {
        Bits given = eval_arguments(call, chain, depth) & ~kConnection;
        if (!in(name, {"update", "extend", "assign"})) given = holding(given);  // update(os.environ) merges the variables
        if (is_member_node(ts_node_type(receiver))) add("." + std::string(text(member_property(receiver))), given);
        TSNode root = root_identifier(receiver);
        if (!ts_node_is_null(root) && !self_like(text(root))) mutate(text(root), given, chain);
      }
      // json.NewDecoder(file).Decode(&cfg): the decoder's data lands in what it decodes into.
      if (family_ == Family::go && name == "Decode" && ts_node_named_child_count(args) == 1)
        decode_into(ts_node_named_child(args, 0), eval(receiver, chain, depth + 1) & ~kConnection, chain);
      // cfg.read(Path.home() / ".aws" / "credentials"): a parser loading a credential file holds it.
      if (reads_file(name) && credential_words_ && (eval_arguments(call, chain, depth) & kCredentialPath)) {
        TSNode root = root_identifier(receiver);
        if (!ts_node_is_null(root) && !self_like(text(root))) bind_name(text(root), kCredential, chain, false);
      }
    }
    check_sink(call, callee, name, receiver, chain, depth);
  }

  // ---- where data leaves or runs ---------------------------------------------------------------

  enum class Sink { none, network, dns, exec, program };

  // A receiver that reads as a client: a local variable (client = httpx.Client()), or an attribute named
  // like one (self.session); `get` on anything else is a mapping's.
  bool client_like(TSNode receiver) const {
    if (std::string_view(ts_node_type(receiver)) == "identifier") return true;
    if (!is_member_node(ts_node_type(receiver))) return false;
    std::string property = lower(text(member_property(receiver)));
    for (std::string_view word : {"session", "client", "http", "conn", "api", "sock", "ws", "agent", "axios"})
      if (property.find(word) != std::string::npos) return true;
    return false;
  }  // program: runs a program or module named by a path

  // Analytics and error-tracking SDKs send what they are given to their service: analytics.track(…),
  // posthog.capture(…), Sentry.setContext(…), sentry_sdk.set_extra(…), bugsnag.notify(…).
  static bool telemetry_send(const std::string& callee_text, const std::string& name, const std::string& receiver_lower) {
    static const std::unordered_set<std::string_view> kSentry{
        "setContext", "setExtra", "setExtras", "setUser", "setTag", "setTags", "captureException", "captureMessage",
        "captureEvent", "addBreadcrumb", "set_context", "set_extra", "set_user", "set_tag", "capture_exception",
        "capture_message", "capture_event", "add_breadcrumb"};
    std::string_view receiver = receiver_lower;
    if ((receiver == "sentry" || receiver == "sentry_sdk" || receiver == "scope") && kSentry.count(name)) return true;
    bool analytics = receiver.find("analytics") != std::string_view::npos || receiver.find("posthog") != std::string_view::npos ||
                     receiver.find("mixpanel") != std::string_view::npos || receiver.find("amplitude") != std::string_view::npos ||
                     receiver.find("segment") != std::string_view::npos || receiver == "rudderanalytics";
    if (analytics && in(name, {"track", "identify", "capture", "page", "group", "alias", "screen"})) return true;
    if ((receiver == "bugsnag" || receiver == "rollbar" || receiver == "honeybadger" || receiver == "airbrake") &&
        in(name, {"notify", "error", "critical", "warning", "report_message", "report_exc_info", "setContext", "set_context"}))
      return true;
    return callee_text == "newrelic.addCustomAttributes" || callee_text == "newrelic.noticeError" ||
           callee_text == "newrelic.agent.add_custom_attributes";
  }

  Sink sink_of(TSNode call, TSNode callee, const std::string& name, TSNode receiver, const std::vector<uint32_t>& chain,
               int depth) {
    std::string callee_text = callee_spelling(callee);
    std::string receiver_lower = ts_node_is_null(receiver) ? std::string() : lower(text(receiver).substr(0, 200));
    bool receiver_connects = !ts_node_is_null(receiver) && (eval(receiver, chain, depth + 1) & kConnection);
    bool new_expression = std::string_view(ts_node_type(call)) == "new_expression";
    if (family_ != Family::go && telemetry_send(callee_text, name, receiver_lower)) return Sink::network;
    switch (family_) {
      case Family::python: {
        static const std::regex kLibrarySend(R"(^(requests|httpx)\.(post|put|patch|get|request|delete|stream)$)");
        if (std::regex_search(std::string(callee_text), kLibrarySend)) return Sink::network;
        if (in(name, {"post", "put", "patch"}) && receiver_connects) return Sink::network;
        if (in(name, {"get", "request"}) && receiver_connects && client_like(receiver)) return Sink::network;
        if (in(name, {"post", "put", "patch"}) &&
            (receiver_lower.find("session") != std::string::npos || receiver_lower.find("client") != std::string::npos ||
             receiver_lower.find("http") != std::string::npos))
          return Sink::network;
        if (name == "urlopen" || (receiver_connects && in(name, {"send", "sendall", "sendto", "request", "sendmail", "putrequest",
                                                                 "send_message", "storbinary", "storlines"})))
          return Sink::network;
        if (in(callee_text, {"socket.gethostbyname", "socket.gethostbyname_ex", "socket.getaddrinfo", "gethostbyname",
                             "dns.resolver.resolve", "dns.resolver.query", "resolver.resolve", "resolver.query"}))
          return Sink::dns;
        if (in(callee_text, {"exec", "eval", "compile", "builtins.exec", "builtins.eval", "os.system", "os.popen"})) return Sink::exec;
        // Unpickling runs whatever the bytes say.
        if (in(callee_text, {"pickle.load", "pickle.loads", "cPickle.loads", "dill.load", "dill.loads", "cloudpickle.loads",
                             "marshal.loads", "joblib.load", "shelve.open", "torch.load"}))
          return Sink::exec;
        if (starts_with(callee_text, "subprocess.") || in(name, {"Popen", "check_output", "run", "call"})) {
          static const std::regex kShellTrue(R"(shell\s*=\s*True)");
          static const std::regex kShellList(R"re(^\(\s*\[\s*['"](/bin/)?(ba)?sh['"]\s*,\s*['"]-c['"])re");
          std::string args_text(text(arguments_of(call)).substr(0, 400));
          if (starts_with(callee_text, "subprocess.") &&
              (std::regex_search(args_text, kShellTrue) || std::regex_search(args_text, kShellList)))
            return Sink::exec;
          if (starts_with(callee_text, "subprocess.")) return Sink::program;
        }
        if (in(name, {"spec_from_file_location", "run_path", "SourceFileLoader", "load_source", "startfile"}) ||
            starts_with(callee_text, "os.exec") || starts_with(callee_text, "os.spawn") || callee_text == "os.posix_spawn")
          return Sink::program;
        return Sink::none;
      }
      case Family::javascript: {
        bool client_factory = in(callee_text, {"axios.create", "got.extend", "ky.create", "ky.extend"});
        if ((global_fetch(callee_text) || callee_text == "axios" || starts_with(callee_text, "axios.") || callee_text == "got" ||
             starts_with(callee_text, "got.") || starts_with(callee_text, "ky.") || name == "sendBeacon") && !client_factory)
          return Sink::network;
        if (in(callee_text, {"$.post", "$.ajax", "jQuery.post"})) return Sink::network;
        if (receiver_connects && in(name, {"write", "end", "send", "post", "put", "patch"})) return Sink::network;
        if (receiver_connects && in(name, {"get", "request"}) && client_like(receiver)) return Sink::network;
        if ((receiver_lower == "dns" || ends_with(receiver_lower, "dns.promises") || receiver_lower == "resolver") &&
            (starts_with(name, "resolve") || name == "lookup" || name == "reverse"))
          return Sink::dns;
        if (callee_text == "eval" || callee_text == "Function" || (new_expression && callee_text == "Function")) return Sink::exec;
        if (starts_with(callee_text, "vm.") && (starts_with(name, "run") || name == "Script" || name == "compileFunction"))
          return Sink::exec;
        if ((in(callee_text, {"exec", "execSync"}) ||
             (in(name, {"exec", "execSync"}) && in(receiver_lower, {"child_process", "cp", "childprocess", "proc"}))))
          return Sink::exec;
        bool child_process = ts_node_is_null(receiver) || in(receiver_lower, {"child_process", "cp", "childprocess", "proc"});
        if (child_process && in(name, {"spawn", "spawnSync", "execFile", "execFileSync", "fork"})) return Sink::program;
        if ((callee_text == "require" || callee_text == "import") && first_literal_argument(call).empty()) return Sink::program;
        if (in(name, {"post", "put", "patch"}) &&
            (ends_with(receiver_lower, "http") || ends_with(receiver_lower, "httpservice") || ends_with(receiver_lower, "client") ||
             ends_with(receiver_lower, "axios") || ends_with(receiver_lower, "api")))
          return Sink::network;
        return Sink::none;
      }
      case Family::go: {
        if (in(callee_text, {"http.Post", "http.PostForm", "http.Get", "http.Head"})) return Sink::network;
        if (in(name, {"Post", "PostForm", "Do", "Get"}) && (receiver_connects || receiver_lower.find("client") != std::string::npos))
          return Sink::network;
        if (receiver_connects && in(name, {"Write", "WriteString", "WriteTo", "WriteJSON", "WriteMessage", "Encode", "WriteAll"}))
          return Sink::network;
        if (callee_text == "smtp.SendMail") return Sink::network;
        if (in(callee_text, {"fmt.Fprintf", "fmt.Fprint", "fmt.Fprintln", "io.WriteString", "io.Copy"})) {
          TSNode args = arguments_of(call);
          if (!ts_node_is_null(args) && ts_node_named_child_count(args) > 1 &&
              (eval(ts_node_named_child(args, 0), chain, depth + 1) & kConnection))
            return Sink::network;
        }
        if (starts_with(callee_text, "net.Lookup") ||
            (starts_with(name, "Lookup") && (receiver_connects || receiver_lower.find("resolver") != std::string::npos)))
          return Sink::dns;
        if (in(callee_text, {"exec.Command", "exec.CommandContext"})) {
          static const std::regex kShellC(R"((^|\s)(/bin/)?(ba)?sh -c(\s|$))");
          if (std::regex_search(argument_words(call), kShellC)) return Sink::exec;
          return Sink::program;
        }
        if (callee_text == "plugin.Open" || callee_text == "syscall.Exec") return Sink::program;
        return Sink::none;
      }
    }
    return Sink::none;
  }

  // `api.example.com`, not a template like `${process.platform}-${process.arch}` that merely has a dot.
  static bool looks_like_host_name(std::string_view value) {
    if (value.find('.') == std::string_view::npos || value.front() == '.' || value.back() == '.') return false;
    return std::all_of(value.begin(), value.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
    });
  }

  // A URL host, or a constant the node names that holds a URL or a host name.
  std::string host_in(TSNode node) const {
    for (const auto& value : literal_values(tree_, node))
      for (const auto& host : url_hosts(value)) return host;
    for (const auto& name : identifiers(tree_, node)) {
      auto constant = constants_.find(name);
      if (constant == constants_.end()) continue;
      auto hosts = url_hosts(constant->second);
      if (!hosts.empty()) return hosts.front();
      if (looks_like_host_name(constant->second)) return lower(constant->second);
    }
    return {};
  }

  // A call that splits a NAME=value entry on '=' (strings.SplitN(kv, "=", 2), kv.split("=", 1)).
  bool splits_entry(TSNode node) const {
    if (ts_node_is_null(node) || !is_call_node(ts_node_type(node))) return false;
    std::string callee = callee_spelling(written_callee(node));
    if (!ends_with(callee, "SplitN") && !ends_with(callee, "Split") && !ends_with(callee, "split") && !ends_with(callee, "partition"))
      return false;
    TSNode args = arguments_of(node);
    for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); ++i)
      if (literal_at(ts_node_named_child(args, i)) == "=") return true;
    return false;
  }

  // Whether `object` (of a member call) names a module rather than a value: a Go package (an identifier
  // the file never assigns, before an exported name), or a Python module the file imports whole
  // (`import telemetry`, `from app.utils import telemetry`).
  bool names_module(TSNode object) const {
    if (ts_node_is_null(object) || std::string_view(ts_node_type(object)) != "identifier") return false;
    std::string_view name = text(object);
    if (family_ == Family::go) {
      TSNode member = ts_node_parent(object);
      std::string_view function = ts_node_is_null(member) ? std::string_view() : text(member_property(member));
      if (function.empty() || !std::isupper(static_cast<unsigned char>(function.front()))) return false;
    } else if (family_ != Family::python) {
      return false;
    }
    auto known = imported_whole_.find(std::string(name));
    if (known != imported_whole_.end()) return known->second;
    if (family_ == Family::go) {
      bool package = text_.find(std::string(name) + " :=") == std::string_view::npos &&
                     text_.find(std::string(name) + " =") == std::string_view::npos &&
                     text_.find("var " + std::string(name)) == std::string_view::npos;
      imported_whole_.emplace(std::string(name), package);
      return package;
    }
    auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    bool imported = false;
    for (size_t at = text_.find(name); at != std::string_view::npos && !imported; at = text_.find(name, at + 1)) {
      bool word = (at == 0 || !word_char(text_[at - 1])) && (at + name.size() >= text_.size() || !word_char(text_[at + name.size()]));
      if (!word) continue;
      size_t line = text_.rfind('\n', at);
      line = line == std::string_view::npos ? 0 : line + 1;
      std::string_view before = text_.substr(line, at - line);
      while (!before.empty() && before.front() == ' ') before.remove_prefix(1);
      imported = before.rfind("import ", 0) == 0 || (before.rfind("from ", 0) == 0 && before.find(" import ") != std::string_view::npos);
    }
    imported_whole_.emplace(std::string(name), imported);
    return imported;
  }

  // The host a request's arguments or the function around it (a request object made there) name.
  std::string named_host_of(TSNode call, const std::vector<uint32_t>& chain) const {
    TSNode args = arguments_of(call);
    std::string host = ts_node_is_null(args) ? std::string() : host_in(args);
    if (!host.empty()) return host;
    // client.Get(statsURL(b)): the URL a helper of the file builds.
    for (const auto& name : ts_node_is_null(args) ? std::vector<std::string>() : identifiers(tree_, args)) {
      auto range = functions_by_name_.equal_range(name);
      for (auto it = range.first; it != range.second && host.empty(); ++it) host = host_in(functions_[it->second].node);
      if (!host.empty()) return host;
    }
    TSNode callee = callee_of(call);
    if (!ts_node_is_null(callee) && is_member_node(ts_node_type(callee))) {  // api.post(…) with api = axios.create({ baseURL })
      TSNode root = root_identifier(member_object(callee));
      auto client = ts_node_is_null(root) ? client_hosts_.end() : client_hosts_.find(std::string(text(root)));
      if (client != client_hosts_.end()) return client->second;
    }
    if (chain.back() == kModuleScope) return host;
    auto at = function_at_.find(chain.back());
    return at == function_at_.end() ? std::string() : host_in(functions_[at->second].node);
  }

  // Where a request goes: named_host_of, else the file's first remote host.
  std::string host_of(TSNode call, const std::vector<uint32_t>& chain) const {
    std::string host = named_host_of(call, chain);
    if (!host.empty()) return host;
    auto file_hosts = url_hosts(text_.substr(0, 65536));
    for (const auto& candidate : file_hosts)
      if (candidate != "localhost" && !starts_with(candidate, "127.")) return candidate;
    return file_hosts.empty() ? std::string() : file_hosts.front();
  }

  // A server-side secret (a database URL, a signing key) authenticates to nothing over HTTP; a deploy or
  // provisioning API may still be given one, so it is a question rather than a verdict.
  static bool server_side_secret(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      std::string upper;
      for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (std::string_view server_side : {"DATABASE_URL", "JWT_SECRET", "SECRET_KEY_BASE", "SESSION_SECRET", "ENCRYPTION_KEY",
                                           "SIGNING_KEY", "DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_PASSWORD", "PRIVATE_KEY"}) {
        std::string_view u = upper;
        if (u == server_side || (u.size() > server_side.size() && ends_with(u, server_side) && u[u.size() - server_side.size() - 1] == '_'))
          return true;
      }
      if (upper == "SECRET_KEY" || upper == "DJANGO_SECRET_KEY" || upper == "FLASK_SECRET_KEY") return true;
    }
    return false;
  }

  // Credentials handed to their own vendor are how SDKs and CLIs sign in.
  static bool vendor_of_credentials(const std::string& host) {
    for (std::string_view own : {"amazonaws.com", "github.com", "googleapis.com", "azure.com", "microsoftonline.com",
                                 "githubusercontent.com", "npmjs.org", "pypi.org"})
      if (host == own || ends_with(host, "." + std::string(own))) return true;
    return false;
  }

  // What a program-running call runs: its program (the first argument or argv element) or, when that is an
  // interpreter (sh, python, node …), the script after it; an argument to another program is data, not code.
  Bits program_run(TSNode call, const std::string& name, const std::vector<uint32_t>& chain, int depth) {
    TSNode args = arguments_of(call);
    if (ts_node_is_null(args)) return {};
    std::vector<TSNode> words;
    for (uint32_t i = 0; i < ts_node_named_child_count(args) && words.size() < 8; ++i) {
      TSNode arg = ts_node_named_child(args, i);
      std::string_view type = ts_node_type(arg);
      if (type == "comment" || type == "keyword_argument") continue;
      if (type == "list" || type == "array" || type == "tuple" || type == "composite_literal") {
        TSNode elements = type == "composite_literal" ? field(arg, "body") : arg;
        for (uint32_t e = 0; !ts_node_is_null(elements) && e < ts_node_named_child_count(elements) && words.size() < 8; ++e) {
          TSNode element = ts_node_named_child(elements, e);
          if (std::string_view(ts_node_type(element)) == "literal_element") element = ts_node_named_child(element, 0);
          words.push_back(element);
        }
        continue;
      }
      words.push_back(arg);
    }
    if (name == "spec_from_file_location" || name == "SourceFileLoader" || name == "load_source")
      return words.size() > 1 ? eval(words[1], chain, depth + 1) : Bits();
    if (callee_spelling(callee_of(call)) == "exec.CommandContext" && !words.empty()) words.erase(words.begin());  // ctx
    size_t at = 0;
    while (at < words.size()) {
      std::string program(shell::base_name(literal_at(words[at])));
      bool interpreter = in(program, {"sh", "bash", "zsh", "dash", "python", "python3", "node", "perl", "ruby", "pwsh", "env"});
      if (!interpreter) break;
      ++at;
      while (at < words.size() && starts_with(literal_at(words[at]), "-")) ++at;  // sh -e script, python -u script
    }
    // A command picked from a table of argv lists (commands[vcs]) holds its arguments too: not a program.
    if (at >= words.size() || is_index_node(ts_node_type(words[at]))) return {};
    return eval(words[at], chain, depth + 1);
  }


  void check_sink(TSNode call, TSNode callee, const std::string& name, TSNode receiver, const std::vector<uint32_t>& chain,
                  int depth) {
    Sink sink = sink_of(call, callee, name, receiver, chain, depth);
    if (sink == Sink::none) return;
    if (sink == Sink::exec || sink == Sink::program) {
      Bits bits = sink == Sink::exec ? eval_arguments(call, chain, depth) : program_run(call, name, chain, depth);
      Mask runs = sink == Sink::exec ? (kFetched | kDownloadedFile) : kDownloadedFile;
      if (bits & runs) report(FlowKind::fetched_code, call, bits, host_of(call, chain));
      return;
    }
    Bits bits = eval_arguments(call, chain, depth, sink == Sink::network);
    if (sink == Sink::dns) {
      if ((bits & kEncoded) && (bits & (kSecretVariable | kEnvironment | kCredential | kIncomingAuth)))
        report(FlowKind::dns, call, bits, "");
      return;
    }
    if (bits & kEnvironment) report(FlowKind::environment, call, bits, host_of(call, chain));
    if (bits & kSecretVariable) {
      // Only where the request names its host: a vendor's key to a base URL from configuration is the norm.
      std::string host = named_host_of(call, chain);
      auto names = secrets_in(bits);
      if (!host.empty() && sent_to_other_vendor(names, {host}))
        report(FlowKind::secret_elsewhere, call, Bits(kSecretVariable, bits.secrets), host);
      else if (!host.empty() && server_side_secret(names))
        report(FlowKind::server_secret, call, Bits(kSecretVariable, bits.secrets), host);
    }
    if (bits & (kCredential | kIncomingAuth)) {
      std::string host = host_of(call, chain);
      if (!vendor_of_credentials(host)) report(FlowKind::credentials, call, bits, host);
    }
  }

  void report(FlowKind kind, TSNode sink, Bits bits, std::string host) {
    for (const auto& found : findings_)
      if (found.kind == kind) return;
    findings_.push_back(Finding{kind, sink, bits, std::move(host)});
  }
};

std::optional<Family> family_of(Language language) {
  switch (language) {
    case Language::python: return Family::python;
    case Language::javascript:
    case Language::typescript:
    case Language::tsx: return Family::javascript;
    case Language::go: return Family::go;
    default: return std::nullopt;
  }
}

// Only files that hold both halves of some flow are followed.

std::string collapse_whitespace(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  return out;
}

std::string describe(Bits bits) {
  std::vector<std::string> parts;
  if (bits & kEnvironment) parts.emplace_back("the whole environment");
  if (bits & kCredential) parts.emplace_back("credentials read from a credential file, helper or SDK");
  if (bits & kIncomingAuth) parts.emplace_back("the Authorization header of requests this code serves");
  if (bits & kSecretVariable) parts.emplace_back("a secret environment variable");
  if (bits & kFetched) parts.emplace_back("a downloaded response body");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : "") + parts[i];
  return out;
}

}  // namespace

bool worth_following(std::string_view text) {
  auto has = [&](std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(), [&](std::string_view n) { return text.find(n) != std::string_view::npos; });
  };
  bool sources = has({"environ", "process.env", "Bun.env", "Deno.env", "Environ(", "hosts.yml", ".aws", ".ssh", "npmrc", "netrc", "pypirc", "credential", ".docker",
                      ".kube", "auth token", "uthorization", "ookie", "Credentials", "fromIni", "AUTHORIZATION", "x-api-key",
                      "getenv", "Getenv", "LookupEnv", "headers", "Header", "process", "getAccessToken", "get_access_token",
                      "credentials", "boto3", "google.auth", "settings.", "app.config", "loadEnv("});
  bool downloads = has({"fetch(", "requests", "httpx", "urlopen", "http", "axios", "got(", "Session(", "Client(", ".Do("});
  bool sends = downloads || has({"http.Post", ".Post(", "sendBeacon", "socket", "net.Dial", "dns", "Lookup", "HTTPHandler",
                                 "SocketHandler", "WebSocket", "XMLHttpRequest", "urllib", "smtplib", "SMTP", "smtp", "ftplib", "connect(", "createConnection", "transports.Http",
                                 "websocket", "Sentry", "sentry", "nalytics", "posthog", "mixpanel", "amplitude", "bugsnag", "ollbar",
                                 "newrelic", "interceptors"});
  bool runs = has({"exec", "eval", "Function(", "vm.", "os.system", "popen", "shell=True", "\"-c\"", "'-c'", "pickle",
                   "marshal", "dill", "joblib", "torch.load", "shelve", "spawn", "fork(", "spec_from_file_location",
                   "run_path", "subprocess", "exec.Command", "plugin.Open", "require(", "import(", "startfile", "os.exec"});
  return (sources && sends) || (downloads && runs);
}

DataFlow follow_data_flow(const SyntaxTree& tree, Language language, const std::string& path) {
  DataFlow result;
  auto family = family_of(language);
  if (!family || !worth_following(tree.text())) return result;
  Flow flow(tree, *family, tree.text());
  auto findings = flow.run();
  result.complete = flow.settled();
  for (const auto& found : findings) {
    std::string where = collapse_whitespace(tree.text_of(found.sink).substr(0, 80));
    std::string secrets;  // the secret variables by name, for the findings about them
    for (const auto& secret : flow.secret_names(found.bits)) secrets += (secrets.empty() ? "" : ", ") + secret;
    std::string name, what;
    switch (found.kind) {
      case FlowKind::environment:
        name = "environment_to_network";
        what = describe(found.bits & (kEnvironment | kCredential)) + " reaches a request: " + where;
        break;
      case FlowKind::credentials:
        name = "credentials_to_network";
        what = describe(found.bits & (kCredential | kIncomingAuth)) + " reaches a request: " + where;
        break;
      case FlowKind::secret_elsewhere:
        name = "credentials_to_network";
        what = "the secret variable " + secrets + " reaches a request to a host it does not belong to: " + where;
        break;
      case FlowKind::server_secret:
        name = "server_secret_to_network";
        what = "the server-side secret " + secrets + " is sent in a request: " + where;
        break;
      case FlowKind::dns:
        name = "secret_in_dns";
        what = describe(found.bits & (kSecretVariable | kEnvironment | kCredential | kIncomingAuth)) +
               ", encoded, becomes a name to resolve: " + where;
        break;
      case FlowKind::fetched_code:
        name = "fetched_code_runs";
        what = "a downloaded response body is run: " + where;
        break;
    }
    if (!found.host.empty()) what += " (" + found.host + ")";
    Marker marker = marker_in_file(name, what, path, tree.text(), ts_node_start_byte(found.sink),
                                   ts_node_end_byte(found.sink) - ts_node_start_byte(found.sink));
    marker.host = found.host;
    result.markers.push_back(std::move(marker));
  }
  return result;
}

}  // namespace toolwall::code
