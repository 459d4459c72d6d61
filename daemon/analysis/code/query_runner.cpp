#include "analysis/code/query_runner.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <span>
#include <unordered_map>

#include "analysis/code/secret_vendor.h"
#include "analysis/code/syntax_walk.h"

namespace toolwall::code {

namespace {

constexpr size_t kNodeTextClip = 400;
constexpr size_t kPlaceholderClip = 80;
constexpr size_t kScopeClip = size_t{64} * 1024;
// How many ancestors enclosing_function and the other climbs look at.
constexpr int kMaxAncestorHops = 256;

// The captures of one match, looked up by capture id without copying them.
struct Captures {
  const TSQueryCapture* items;
  uint16_t count;

  TSNode first(uint32_t id) const {
    for (uint16_t i = 0; i < count; ++i)
      if (items[i].index == id) return items[i].node;
    return TSNode{};
  }
};

struct Deadline {
  uint64_t at_cpu_micros;
  uint32_t calls = 0;
};

bool past_deadline(TSQueryCursorState* state) {
  // tree-sitter asks every hundred steps; reading the thread's CPU clock is a system call, so the
  // clock is read every 16th ask.
  auto* deadline = static_cast<Deadline*>(state->payload);
  return deadline->calls++ % 16 == 0 && thread_cpu_micros() >= deadline->at_cpu_micros;
}

std::string one_line(std::string_view text, size_t clip) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (out.size() >= clip) {
      out += "…";
      break;
    }
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

bool holds(const Predicate& p, const Captures& captures, const SyntaxTree& tree) {
  // An optional capture that did not match constrains nothing; every node of a quantified capture
  // must satisfy.
  for (uint16_t i = 0; i < captures.count; ++i) {
    if (captures.items[i].index != p.capture) continue;
    std::string_view text = tree.text_of(captures.items[i].node);
    bool ok = false;
    switch (p.op) {
      case Predicate::Op::eq:
        if (p.other_capture) {
          TSNode other = captures.first(*p.other_capture);
          ok = !ts_node_is_null(other) && tree.text_of(other) == text;
        } else {
          ok = !p.values.empty() && p.values.front() == text;
        }
        break;
      case Predicate::Op::match:
        ok = p.regex && p.regex->search(text);
        break;
      case Predicate::Op::any_of:
        ok = std::find(p.values.begin(), p.values.end(), text) != p.values.end();
        break;
    }
    if (ok == p.negated) return false;
  }
  return true;
}

// Finds the assignment of `name` in scope and returns its right-hand side text (one level deep).
std::vector<std::string> assigned_values(std::string_view scope, const std::string& name, WorkBudget& budget) {
  std::vector<std::string> out;
  if (name.empty()) return out;  // an empty name is found everywhere and would never advance
  size_t pos = 0;
  // The current line's bounds, its first "for" and the next '=' are kept between occurrences, so a
  // long line full of the name costs one pass over it rather than one per occurrence.
  size_t line_start = 0, eol = 0, first_for = std::string_view::npos, next_eq = 0;
  bool line_known = false;
  while ((pos = scope.find(name, pos)) != std::string_view::npos && out.size() < 8 &&
         !budget.exhausted()) {
    size_t end = pos + name.size();
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
    bool word_start = pos == 0 || (!is_word(scope[pos - 1]) && scope[pos - 1] != '.');
    bool word_end = end >= scope.size() || !is_word(scope[end]);
    size_t at = pos;
    pos = end;
    if (!word_start || !word_end) continue;
    if (!line_known || at >= eol) {
      size_t newline = scope.rfind('\n', at);
      line_start = newline == std::string_view::npos ? 0 : newline + 1;
      eol = scope.find('\n', end);
      if (eol == std::string_view::npos) eol = scope.size();
      first_for = scope.substr(line_start, eol - line_start).find("for");
      if (first_for != std::string_view::npos) first_for += line_start;
      next_eq = line_start;
      line_known = true;
    }
    // Skip `, other` names of a tuple assignment and type annotations up to the operator on this line.
    std::string_view rest = scope.substr(end, eol - end);
    // Loop variables take their values from what they iterate: `for k, v in X:`,
    // `for (const [k, v] of X)`, `for (const k in X)`.
    if (first_for != std::string_view::npos && first_for + 3 <= at) {
      for (std::string_view keyword : {" in ", " of "}) {
        size_t k = rest.find(keyword);
        if (k != std::string_view::npos) {
          out.emplace_back(rest.substr(k + keyword.size()));
          break;
        }
      }
    }
    // `with open(path) as f:` binds f to what the with-statement opens (up to " as ").
    if (at >= line_start + 4 && scope.substr(at - 4, 4) == " as ") {
      std::string_view head = scope.substr(line_start, at - 4 - line_start);
      size_t with = head.find("with ");
      if (with != std::string_view::npos) out.emplace_back(head.substr(with + 5));
    }
    if (next_eq < end) {
      next_eq = scope.substr(0, eol).find('=', end);
      if (next_eq == std::string_view::npos) next_eq = eol;
    }
    if (next_eq >= eol) continue;
    size_t op = next_eq - end;
    std::string_view before = rest.substr(0, op);
    if (before.find('(') != std::string_view::npos || before.find('"') != std::string_view::npos) continue;
    if (op + 1 < rest.size() && rest[op + 1] == '=') continue;  // ==
    if (op > 0 && (rest[op - 1] == '!' || rest[op - 1] == '<' || rest[op - 1] == '>' || rest[op - 1] == '='))
      continue;
    // A value whose brackets stay open continues on the next lines, up to a bounded size.
    size_t value_begin = end + op + 1;
    size_t value_end = eol;
    int depth = 0;
    for (size_t i = value_begin; i < scope.size() && i < value_begin + 2048; ++i) {
      char c = scope[i];
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') --depth;
      if (c == '\n' && depth <= 0) break;
      value_end = i + 1;
    }
    out.emplace_back(scope.substr(value_begin, std::max(value_end, eol) - value_begin));
  }
  return out;
}

// Names that look like variables in a value's text (for the second hop of flows_from).
std::vector<std::string> names_in(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size() && out.size() < 16) {
    if (std::isalpha(static_cast<unsigned char>(text[i])) || text[i] == '_') {
      size_t start = i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
      bool member = start > 0 && text[start - 1] == '.';
      std::string name(text.substr(start, i - start));
      if (!member && std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    } else {
      ++i;
    }
  }
  return out;
}

// The body of a helper function defined in the file (`def name(`, `function name(`, `func name(`),
// so a value returned by a local helper can be followed.
std::string_view helper_body(std::string_view file, const std::string& name, WorkBudget& budget) {
  if (name.empty()) return {};
  for (std::string_view keyword : {"def ", "function ", "func ", "async def ", "async function "}) {
    std::string needle = std::string(keyword) + name;
    size_t at = file.find(needle);
    while (at != std::string_view::npos) {
      size_t after = at + needle.size();
      bool starts_word =
          at == 0 || !(std::isalnum(static_cast<unsigned char>(file[at - 1])) || file[at - 1] == '_');
      while (after < file.size() && file[after] == ' ') ++after;
      if (starts_word && after < file.size() && (file[after] == '(' || file[after] == '<')) {
        std::string_view body = file.substr(at, std::min<size_t>(1500, file.size() - at));
        // The helper ends where the next top-level definition starts.
        size_t end = std::string_view::npos;
        for (std::string_view next :
             {"\ndef ", "\nasync ", "\nfunction ", "\nfunc ", "\nclass ", "\nexport ", "\nconst "})
          end = std::min(end, body.find(next, 1));
        return body.substr(0, end);
      }
      if (budget.exhausted()) return {};
      at = file.find(needle, at + 1);
    }
  }
  return {};
}

// True when a `return` in the helper's body gives a value the pattern matches (what the helper
// merely reads, such as proxy settings from the environment, does not count).
bool returns_match(const TextRegex& pattern, std::string_view body, WorkBudget& budget) {
  size_t at = 0;
  while ((at = body.find("return", at)) != std::string_view::npos && !budget.exhausted()) {
    // The returned value runs to the end of its line, or further while its brackets stay open
    // (`return {` … `}` over several lines).
    size_t end = at;
    int depth = 0;
    for (; end < body.size() && end < at + 2048; ++end) {
      char c = body[end];
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') --depth;
      if (c == '\n' && depth <= 0) break;
    }
    if (pattern.search(body.substr(at, end - at))) return true;
    at += 6;
  }
  return false;
}

// True when a variable named in the checked node was assigned (directly, or through one more
// variable) a value the pattern matches somewhere in scope, or is a call of a helper function of
// this file whose body matches.
bool flows_through_assignments(const TextRegex& pattern, std::string_view scope, std::string_view file,
                               const std::vector<std::string>& names, WorkBudget& budget) {
  std::vector<std::string> second_hop;
  for (const auto& name : names) {
    if (budget.exhausted()) return false;
    if (returns_match(pattern, helper_body(file, name, budget), budget)) return true;
    // A module constant (MASTER_PASSWORD = "…") is assigned outside the function that uses it.
    bool constant = name.size() > 1 && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_';
    });
    for (const auto& value : assigned_values(constant ? file : scope, name, budget)) {
      if (budget.exhausted()) return false;
      if (pattern.search(value)) return true;
      for (auto& next : names_in(value))
        if (next != name && second_hop.size() < 32) second_hop.push_back(std::move(next));
    }
  }
  for (const auto& name : second_hop) {
    if (budget.exhausted()) return false;
    if (returns_match(pattern, helper_body(file, name, budget), budget)) return true;
    for (const auto& value : assigned_values(scope, name, budget))
      if (!budget.exhausted() && pattern.search(value)) return true;
  }
  return false;
}

bool binds_word(std::string_view parameters, const std::string& name) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (size_t at = parameters.find(name); at != std::string_view::npos; at = parameters.find(name, at + 1)) {
    size_t end = at + name.size();
    if ((at == 0 || !is_word(parameters[at - 1])) && (end >= parameters.size() || !is_word(parameters[end])))
      return true;
  }
  return false;
}

// A promise callback's parameter holds what the promise resolves to: in
// `fetch(u).then(r => r.text()).then(code => eval(code))` the value of `code` is the chain before `.then`.
// ancestors: the node's, root first.
std::vector<std::string_view> promise_values(const SyntaxTree& tree, std::span<const TSNode> ancestors,
                                             const std::vector<std::string>& names) {
  std::vector<std::string_view> out;
  for (size_t hops = 0; hops < 48 && hops < ancestors.size(); ++hops) {
    size_t index = ancestors.size() - 1 - hops;
    TSNode at = ancestors[index];
    std::string_view type = ts_node_type(at);
    if (type != "arrow_function" && type != "function_expression" && type != "function") continue;
    TSNode parameters = ts_node_child_by_field_name(at, "parameters", 10);
    if (ts_node_is_null(parameters)) parameters = ts_node_child_by_field_name(at, "parameter", 9);
    if (ts_node_is_null(parameters)) continue;
    std::string_view bound = tree.text_of(parameters);
    if (std::none_of(names.begin(), names.end(), [&](const std::string& n) { return binds_word(bound, n); }))
      continue;
    if (index < 2) break;  // no call around the function's arguments
    TSNode arguments = ancestors[index - 1];
    TSNode call = ancestors[index - 2];
    if (std::string_view(ts_node_type(arguments)) != "arguments" ||
        std::string_view(ts_node_type(call)) != "call_expression")
      break;
    TSNode callee = ts_node_child_by_field_name(call, "function", 8);
    if (ts_node_is_null(callee) || std::string_view(ts_node_type(callee)) != "member_expression") break;
    TSNode property = ts_node_child_by_field_name(callee, "property", 8);
    TSNode object = ts_node_child_by_field_name(callee, "object", 6);
    if (!ts_node_is_null(property) && !ts_node_is_null(object) && tree.text_of(property) == "then")
      out.push_back(tree.text_of(object));
    break;  // the innermost function binding the name decides
  }
  return out;
}

// Values of the quoted literals in a piece of source text (quotes stripped; no escapes decoded).
std::vector<std::string> quoted_values(std::string_view text) {
  std::vector<std::string> out;
  for (size_t i = 0; i < text.size() && out.size() < 64; ++i) {
    char quote = text[i];
    if (quote != '"' && quote != '\'' && quote != '`') continue;
    size_t close = text.find(quote, i + 1);
    if (close == std::string_view::npos) break;
    out.emplace_back(text.substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}

// The names a piece of source text reads, outside its quoted literals (`ASYMMETRIC + LEGACY`,
// `env.JWT_ALGS?.split(',') ?? DEFAULT_ALGS`).
std::vector<std::string> names_read(std::string_view text) {
  std::vector<std::string> out;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (size_t i = 0; i < text.size() && out.size() < 16; ++i) {
    char c = text[i];
    if (c == '"' || c == '\'' || c == '`') {
      size_t close = text.find(c, i + 1);
      if (close == std::string_view::npos) break;
      i = close;
      continue;
    }
    if (!word(c) || std::isdigit(static_cast<unsigned char>(c))) continue;
    size_t end = i;
    while (end < text.size() && word(text[end])) ++end;
    if (i == 0 || text[i - 1] != '.') out.emplace_back(text.substr(i, end - i));  // not an attribute of another name
    i = end - 1;
  }
  return out;
}

// The literals a list named by a variable holds: `algorithms=ACCEPTED` with `ACCEPTED = ["RS256", …]`
// anywhere in the file (module constants sit outside the function that uses them), and what the names
// in that value hold in turn (`SUPPORTED = ASYMMETRIC + LEGACY`), three hops at most.
void collect_literals_assigned(std::string_view file, const std::string& name, WorkBudget& budget, int hops,
                               std::vector<std::string>& seen, std::vector<std::string>& out) {
  if (hops > 3 || seen.size() >= 16 || std::find(seen.begin(), seen.end(), name) != seen.end()) return;
  seen.push_back(name);
  for (const auto& value : assigned_values(file, name, budget)) {
    for (auto& literal : quoted_values(value)) out.push_back(std::move(literal));
    for (const auto& next : names_read(value)) collect_literals_assigned(file, next, budget, hops + 1, seen, out);
  }
}

// The literals under a node, with the values of the names it reads, and each comma-separated list
// written as one string ("RS256,HS256" from an environment default) taken apart.
std::vector<std::string> literal_values_resolved(const SyntaxTree& tree, TSNode node, WorkBudget& budget) {
  auto values = literal_values(tree, node);
  std::string_view file = tree.text();
  if (file.size() > kScopeClip) file = file.substr(0, kScopeClip);
  std::vector<std::string> seen;
  for (const auto& name : names_read(tree.text_of(node))) collect_literals_assigned(file, name, budget, 1, seen, values);
  std::vector<std::string> out;
  for (auto& value : values) {
    if (value.find(',') != std::string::npos && value.size() <= 256)
      for (size_t from = 0; from <= value.size();) {
        size_t comma = std::min(value.find(',', from), value.size());
        std::string part = value.substr(from, comma - from);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty()) out.push_back(std::move(part));
        from = comma + 1;
      }
    out.push_back(std::move(value));
  }
  return out;
}

// True when a quoted literal (a path, not a URL) in the arguments of a call in scope to one of the
// named functions occurs in text: `urlretrieve(u, "/tmp/i.sh")` … `os.system("sh /tmp/i.sh")`.
bool shares_call_literal(std::string_view scope, const std::vector<std::string>& callees, std::string_view text,
                         WorkBudget& budget) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (const auto& callee : callees) {
    std::string needle = callee + "(";
    for (size_t at = scope.find(needle); at != std::string_view::npos && !budget.exhausted();
         at = scope.find(needle, at + 1)) {
      if (at > 0 && is_word(scope[at - 1])) continue;
      size_t open = at + callee.size();
      size_t end = open;
      int depth = 0;
      for (; end < scope.size() && end < open + 512; ++end) {
        if (scope[end] == '(') ++depth;
        if (scope[end] == ')' && --depth == 0) break;
      }
      for (const auto& literal : quoted_values(scope.substr(open, end - open)))
        if (literal.size() >= 4 && literal.find("://") == std::string::npos &&
            text.find(literal) != std::string_view::npos)
          return true;
    }
  }
  return false;
}

struct MatchContext {
  const SyntaxTree& tree;
  const Captures& captures;
  TSNode match_node;
  const std::string& path;
  WorkBudget& budget;
};

TSNode capture_node(const MatchContext& m, const std::string& name, const TSQuery* query) {
  if (name.empty()) return m.match_node;
  uint32_t count = ts_query_capture_count(query);
  for (uint32_t id = 0; id < count; ++id) {
    uint32_t len = 0;
    const char* n = ts_query_capture_name_for_id(query, id, &len);
    if (std::string_view(n, len) == name) return m.captures.first(id);  // capture names are unique
  }
  return TSNode{};
}

// True when the node is a name whose definition in the file (any assignment to it, or a function
// declared by it) matches: `setInterval(poll, …)` with `const poll = async () => …` passes a function.
// The whole file is searched, not the scope, so a name bound anywhere to a function rules the match out.
bool names_definition_matching(const TextRegex& pattern, const MatchContext& m, TSNode node, std::string_view text) {
  std::string_view type = ts_node_type(node);
  if (type != "identifier" && type != "shorthand_property_identifier") return false;
  std::string name(text);
  std::string_view file = m.tree.text();
  if (file.size() > kScopeClip) file = file.substr(0, kScopeClip);
  std::string_view helper = helper_body(file, name, m.budget);
  if (!helper.empty() && pattern.search(helper)) return true;
  for (const auto& value : assigned_values(file, name, m.budget))
    if (!m.budget.exhausted() && pattern.search(value)) return true;
  return false;
}

// True when the node is a name assigned a value that matches (one hop: what that value names is not
// followed). The enclosing function decides when it assigns the name; otherwise the file does (a
// module-level `const tick = '…'` used inside a function).
bool name_assigned_matching(const TextRegex& pattern, const MatchContext& m, TSNode node, std::string_view scope) {
  std::string_view type = ts_node_type(node);
  if (type != "identifier" && type != "shorthand_property_identifier") return false;
  std::string name(m.tree.text_of(node));
  auto values = assigned_values(scope, name, m.budget);
  if (values.empty()) {
    std::string_view file = m.tree.text();
    values = assigned_values(file.substr(0, std::min(file.size(), kScopeClip)), name, m.budget);
  }
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& value) { return !m.budget.exhausted() && pattern.search(value); });
}

// The decorators written on a function: Python's `@router.post(…)` lines (a decorated_definition
// around it) or TypeScript's `@Post()` on a method (just before it, or its own first children).
std::string_view decorators_of(const SyntaxTree& tree, TSNode function) {
  uint32_t begin = ts_node_start_byte(function);
  TSNode parent = ts_node_parent(function);
  if (!ts_node_is_null(parent) && std::string_view(ts_node_type(parent)) == "decorated_definition")
    return tree.text().substr(ts_node_start_byte(parent), begin - ts_node_start_byte(parent));
  // TypeScript's class body holds a method's decorators just before it.
  uint32_t first = begin;
  for (TSNode before = ts_node_prev_named_sibling(function);
       !ts_node_is_null(before) && std::string_view(ts_node_type(before)) == "decorator";
       before = ts_node_prev_named_sibling(before))
    first = ts_node_start_byte(before);
  uint32_t end = begin;
  uint32_t count = ts_node_named_child_count(function);
  for (uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(function, i);
    if (std::string_view(ts_node_type(child)) != "decorator") break;
    end = ts_node_end_byte(child);
  }
  return tree.text().substr(first, end - first);
}

// The names a function's caller hands it. FastAPI's `= Depends(…)` / `Security(…)` parameters are
// the server's own objects (a session, the current user), and self/cls the object: not handed in.
std::vector<std::string> parameter_names(const SyntaxTree& tree, TSNode function) {
  std::vector<std::string> names;
  TSNode parameters = ts_node_child_by_field_name(function, "parameters", 10);
  if (ts_node_is_null(parameters)) parameters = ts_node_child_by_field_name(function, "parameter", 9);
  if (ts_node_is_null(parameters)) return names;
  auto add = [&](TSNode name) {
    if (ts_node_is_null(name) || std::string_view(ts_node_type(name)) != "identifier") return;
    std::string text(tree.text_of(name));
    if (text != "self" && text != "cls" && text.find('$') == std::string::npos) names.push_back(std::move(text));
  };
  if (std::string_view(ts_node_type(parameters)) == "identifier") {  // x => …
    add(parameters);
    return names;
  }
  uint32_t count = ts_node_named_child_count(parameters);
  for (uint32_t i = 0; i < count && names.size() < 32; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    std::string_view whole = tree.text_of(parameter);
    if (whole.find("Depends(") != std::string_view::npos || whole.find("Security(") != std::string_view::npos) continue;
    if (std::string_view(ts_node_type(parameter)) == "identifier") {
      add(parameter);
      continue;
    }
    TSNode name = ts_node_child_by_field_name(parameter, "name", 4);                     // Python, Go
    if (ts_node_is_null(name)) name = ts_node_child_by_field_name(parameter, "pattern", 7);  // TypeScript
    if (ts_node_is_null(name)) name = ts_node_child_by_field_name(parameter, "left", 4);     // a = 1
    if (ts_node_is_null(name) && ts_node_named_child_count(parameter) > 0) name = ts_node_named_child(parameter, 0);
    add(name);
  }
  return names;
}

// True when the node names one of its function's parameters, or a variable assigned from one (two
// hops, as flows_from): the data is whatever the caller handed in.
// The regex of a parameter list's names, compiled once per list on each thread: route handlers share
// their parameter lists (`request`, `db`, `payload`), and every match in a handler asks again.
const TextRegex* parameter_regex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::optional<TextRegex>> compiled;
  if (auto found = compiled.find(pattern); found != compiled.end()) return found->second ? &*found->second : nullptr;
  if (compiled.size() >= 256) compiled.clear();
  std::string error;
  auto& slot = compiled[pattern];
  slot = TextRegex::compile(pattern, &error);
  return slot ? &*slot : nullptr;
}

bool flows_from_parameters(const MatchContext& m, TSNode function, TSNode node, std::string_view text) {
  if (ts_node_is_null(function)) return false;
  auto names = parameter_names(m.tree, function);
  if (names.empty()) return false;
  // A parameter's name, not an attribute of that name (`settings.cmd` is not the parameter `cmd`).
  std::string pattern = "(^|[^.\\w])(";
  for (size_t i = 0; i < names.size(); ++i) pattern += (i ? "|" : "") + names[i];
  pattern += ")\\b";
  const TextRegex* parameter = parameter_regex(pattern);
  if (!parameter) return false;
  if (parameter->search(text)) return true;
  // Assignments in the body only: the parameter list's defaults (`s = Depends(f), verbose = False`)
  // would read as one parameter assigned the others.
  TSNode body = ts_node_child_by_field_name(function, "body", 4);
  if (ts_node_is_null(body)) return false;
  std::string_view statements = m.tree.text_of(body);
  if (statements.size() > kScopeClip) statements = statements.substr(0, kScopeClip);
  return flows_through_assignments(*parameter, statements, m.tree.text(), identifiers(m.tree, node), m.budget);
}

// False when the budget runs out on the way: the caller reports the run as cut short.
bool check_where(const WhereCheck& w, const MatchContext& m, const TSQuery* query) {
  if (m.budget.exhausted()) return false;
  if (!w.any.empty() && !std::any_of(w.any.begin(), w.any.end(),
                                     [&](const WhereCheck& alt) { return check_where(alt, m, query); }))
    return false;
  if (w.path_matches && !w.path_matches->search(m.path)) return false;
  if (w.path_not_matches && w.path_not_matches->search(m.path)) return false;
  TSNode node = capture_node(m, w.capture, query);
  if (ts_node_is_null(node)) return false;  // a check on a capture that did not match cannot hold
  std::string_view text = m.tree.text_of(node);
  // The node's ancestors, found once (one descent from the root) for every climb below that needs them.
  std::optional<std::vector<TSNode>> node_ancestors;
  auto ancestors = [&]() -> std::span<const TSNode> {
    if (!node_ancestors) node_ancestors = ancestors_of(m.tree, node);
    return *node_ancestors;
  };

  if (!w.contains_all_of.empty() || !w.contains_any_of.empty()) {
    auto values = literal_values_resolved(m.tree, node, m.budget);
    auto covers = [&](const std::string& cls) {
      return std::any_of(values.begin(), values.end(),
                         [&](const std::string& v) { return in_value_class(cls, v); });
    };
    if (!std::all_of(w.contains_all_of.begin(), w.contains_all_of.end(), covers)) return false;
    if (!w.contains_any_of.empty() &&
        !std::any_of(w.contains_any_of.begin(), w.contains_any_of.end(), covers))
      return false;
  }
  if (w.text_matches && !w.text_matches->search(text)) return false;
  if (w.text_not_matches && w.text_not_matches->search(text)) return false;

  if (w.secret_shape || w.entropy_at_least || w.min_length) {
    std::string value = literal_or_text(m.tree, node);
    if (w.secret_shape && known_secret_shape(value).empty() == *w.secret_shape) return false;
    if (w.min_length && value.size() < *w.min_length) return false;
    if (w.entropy_at_least && shannon_entropy(value) < *w.entropy_at_least) return false;
  }

  if (w.branch_matches || w.branch_not_matches) {
    // Outside an if-condition there is no branch: branch_matches fails, branch_not_matches holds.
    TSNode branch = if_consequence(node, ancestors(), kMaxAncestorHops);
    std::string_view taken = ts_node_is_null(branch) ? std::string_view() : m.tree.text_of(branch);
    if (w.branch_matches && (ts_node_is_null(branch) || !w.branch_matches->search(taken))) return false;
    if (w.branch_not_matches && !ts_node_is_null(branch) && w.branch_not_matches->search(taken)) return false;
  }

  if (w.assigned_not_matches && names_definition_matching(*w.assigned_not_matches, m, node, text)) return false;
  bool assigned_directly = w.assigned_matches && w.assigned_matches->search(text);

  // A capture whose own text shows where it comes from needs no look at its function.
  bool flows_directly = w.flows_from && w.flows_from->search(text);
  bool needs_function = w.function_matches || w.function_not_matches || w.scope_matches || w.secret_to_other_vendor ||
                        w.scope_not_matches || (w.flows_from && !flows_directly) || w.decorated_matches ||
                        w.flows_from_parameters ||
                        !w.shares_literal_with.empty() || (w.assigned_matches && !assigned_directly);
  if (!needs_function) return true;
  EnclosingFunction fn = enclosing_function(m.tree, ancestors(), kMaxAncestorHops);
  if (w.function_matches && (fn.name.empty() || !w.function_matches->search(fn.name))) {
    auto outer = enclosing_function_names(m.tree, ancestors(), 4, kMaxAncestorHops);
    // Code in no function (an edit snippet inside one, or top-level code) is judged by its file's
    // name: `if token == "debug-7f3a": return True` edited into src/auth.py.
    std::string_view file = std::string_view(m.path).substr(m.path.find_last_of('/') + 1);
    bool file_decides = ts_node_is_null(fn.node) && outer.empty() && w.function_matches->search(file);
    if (!file_decides && std::none_of(outer.begin(), outer.end(),
                                      [&](const std::string& name) { return w.function_matches->search(name); }))
      return false;
  }
  if (w.function_not_matches && !fn.name.empty() && w.function_not_matches->search(fn.name)) return false;
  std::string_view scope = ts_node_is_null(fn.node) ? m.tree.text() : m.tree.text_of(fn.node);
  if (scope.size() > kScopeClip) scope = scope.substr(0, kScopeClip);
  if (w.scope_matches && !w.scope_matches->search(scope)) return false;
  if (w.scope_not_matches && w.scope_not_matches->search(scope)) return false;
  if (w.decorated_matches &&
      (ts_node_is_null(fn.node) || !w.decorated_matches->search(decorators_of(m.tree, fn.node))))
    return false;
  if (w.flows_from_parameters && *w.flows_from_parameters != flows_from_parameters(m, fn.node, node, text))
    return false;
  if (!w.shares_literal_with.empty() && !shares_call_literal(scope, w.shares_literal_with, text, m.budget))
    return false;
  if (w.assigned_matches && !assigned_directly && !name_assigned_matching(*w.assigned_matches, m, node, scope))
    return false;
  if (w.secret_to_other_vendor) {
    std::vector<std::string> hosts = url_hosts(scope);
    for (const auto& name : names_in(text))  // WEBHOOK = "https://…" at module level
      for (const auto& value : assigned_values(m.tree.text(), name, m.budget))
        for (auto& host : url_hosts(value))
          if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(std::move(host));
    if (sent_to_other_vendor(secret_env_names(scope), hosts) != *w.secret_to_other_vendor) return false;
  }
  if (w.flows_from && !flows_directly) {
    auto names = identifiers(m.tree, node);
    auto promised = promise_values(m.tree, ancestors(), names);
    bool from_promise = std::any_of(promised.begin(), promised.end(),
                                    [&](std::string_view value) { return w.flows_from->search(value); });
    if (!from_promise && !flows_through_assignments(*w.flows_from, scope, m.tree.text(), names, m.budget))
      return false;
  }
  return true;
}

std::string fill_message(const std::string& message, const MatchContext& m, const TSQuery* query) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '{') {
      out += message[i];
      continue;
    }
    size_t close = message.find('}', i);
    if (close == std::string::npos) {
      out += message.substr(i);
      break;
    }
    std::string name = message.substr(i + 1, close - i - 1);
    if (name == "path") {
      out += m.path;
    } else {
      TSNode node = capture_node(m, name, query);
      out += ts_node_is_null(node) ? "{" + name + "}" : one_line(m.tree.text_of(node), kPlaceholderClip);
    }
    i = close;
  }
  return out;
}

}  // namespace

Marker marker_in_file(std::string name, std::string detail, const std::string& path, std::string_view content, uint32_t at,
                      uint32_t length) {
  Marker marker;
  marker.name = std::move(name);
  marker.detail = std::move(detail);
  marker.span = Span{at, at + length};
  auto [line, column] = line_column(content, at);
  marker.location = Location{path, "", line, column};
  return marker;
}

std::pair<uint32_t, uint32_t> line_column(std::string_view text, uint32_t offset) {
  uint32_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

namespace {

// Which byte pairs occur in a text: a literal with a pair the text lacks cannot be in it, which rules
// out most literals without a substring search.
class PairSet {
 public:
  explicit PairSet(std::string_view text) {
    for (size_t i = 0; i + 1 < text.size(); ++i) set(pair(text[i], text[i + 1]));
  }
  bool may_contain(std::string_view literal) const {
    for (size_t i = 0; i + 1 < literal.size(); ++i)
      if (!has(pair(literal[i], literal[i + 1]))) return false;
    return true;
  }

 private:
  std::array<uint64_t, 1024> bits_{};
  static uint32_t pair(char a, char b) {
    return static_cast<uint32_t>(static_cast<unsigned char>(a)) << 8 | static_cast<unsigned char>(b);
  }
  void set(uint32_t p) { bits_[p >> 6] |= uint64_t{1} << (p & 63); }
  bool has(uint32_t p) const { return (bits_[p >> 6] >> (p & 63)) & 1; }
};

// Which literals of a prefilter one file holds, each searched for once, when a pattern first asks.
// A pattern is possible when each of its sets has a literal in the file (node text is a substring of
// it). Most detectors name a function or key, so most patterns are ruled out before any tree walk.
class LiteralScan {
 public:
  LiteralScan(const LiteralPrefilter& prefilter, std::string_view text)
      : prefilter_(prefilter), text_(text), pairs_(text), found_(prefilter.literals.size(), kUnknown) {}

  bool pattern_possible(uint32_t pattern) {
    if (pattern >= prefilter_.needs.size()) return true;
    for (const auto& any_of : prefilter_.needs[pattern])
      if (std::none_of(any_of.begin(), any_of.end(), [&](uint32_t literal) { return holds(literal); }))
        return false;
    return true;
  }

 private:
  static constexpr int8_t kUnknown = -1;
  const LiteralPrefilter& prefilter_;
  std::string_view text_;
  PairSet pairs_;
  std::optional<std::string> lower_;
  std::optional<PairSet> lower_pairs_;
  std::vector<int8_t> found_;

  bool holds(uint32_t literal) {
    if (found_[literal] == kUnknown) {
      const auto& l = prefilter_.literals[literal];
      if (l.ignore_case && !lower_) {
        lower_ = ascii_lower(text_);
        lower_pairs_.emplace(*lower_);
      }
      std::string_view in = l.ignore_case ? std::string_view(*lower_) : text_;
      const PairSet& pairs = l.ignore_case ? *lower_pairs_ : pairs_;
      found_[literal] = pairs.may_contain(l.text) && in.find(l.text) != std::string_view::npos;
    }
    return found_[literal] == 1;
  }
};

// One cursor per thread, reused: creating one per detector and file was a measurable share of a call.
TSQueryCursor* thread_cursor() {
  struct CursorHolder {
    TSQueryCursor* cursor = ts_query_cursor_new();
    ~CursorHolder() { ts_query_cursor_delete(cursor); }
  };
  thread_local CursorHolder holder;
  return holder.cursor;
}

// What one detector has found so far in one run.
struct DetectorRun {
  std::vector<CodeMatch> matches;
  std::vector<std::pair<uint32_t, uint32_t>> seen;  // spans already reported
};

// Checks one match against the pattern's predicates and the detector's where-checks and records it.
void take_match(const Detector& detector, const CompiledQuery& compiled, uint32_t own_pattern,
                const TSQueryMatch& match, const SyntaxTree& tree, Language language, const std::string& path,
                WorkBudget& budget, DetectorRun& run) {
  Captures captures{match.captures, match.capture_count};
  const auto& predicates = compiled.predicates[own_pattern];
  if (!std::all_of(predicates.begin(), predicates.end(),
                   [&](const Predicate& p) { return holds(p, captures, tree); }))
    return;
  TSNode match_node = compiled.match_capture ? captures.first(*compiled.match_capture) : TSNode{};
  if (ts_node_is_null(match_node)) {
    uint32_t widest = 0;
    for (uint16_t i = 0; i < captures.count; ++i) {
      TSNode n = captures.items[i].node;
      uint32_t width = ts_node_end_byte(n) - ts_node_start_byte(n);
      if (ts_node_is_null(match_node) || width > widest) match_node = n, widest = width;
    }
  }
  if (ts_node_is_null(match_node)) return;
  const TSQuery* query = compiled.query.get();
  MatchContext context{tree, captures, match_node, path, budget};
  if (!std::all_of(detector.where.begin(), detector.where.end(),
                   [&](const WhereCheck& w) { return check_where(w, context, query); }))
    return;
  std::pair<uint32_t, uint32_t> span{ts_node_start_byte(match_node), ts_node_end_byte(match_node)};
  if (std::find(run.seen.begin(), run.seen.end(), span) != run.seen.end()) return;
  run.seen.push_back(span);
  CodeMatch found;
  found.detector = detector.id;
  found.message = fill_message(detector.message, context, query);
  found.severity = detector.severity;
  found.language = std::string(to_string(language));
  found.node_text = one_line(tree.text_of(match_node), kNodeTextClip);
  found.node_type = ts_node_type(match_node);
  found.span = Span{span.first, span.second};
  auto [line, column] = line_column(tree.text(), span.first);
  found.location = Location{path, "", line, column};
  run.matches.push_back(std::move(found));
}

// Runs one compiled query over the tree; detector_of(own pattern) names the detector a match goes to
// (or null to drop it) and its slot in runs. Returns true when a limit or the budget cut the run short.
template <class DetectorOf>
bool run_query(const CompiledQuery& compiled, const SyntaxTree& tree, Language language, const std::string& path,
               const QueryLimits& limits, DetectorOf&& detector_of, std::vector<DetectorRun>& runs) {
  TSQueryCursor* cursor = thread_cursor();
  ts_query_cursor_set_match_limit(cursor, limits.match_limit);
  Deadline deadline{thread_cpu_micros() + limits.timeout_micros};
  TSQueryCursorOptions options{&deadline, &past_deadline};
  ts_query_cursor_exec_with_options(cursor, compiled.query.get(), tree.root(), &options);
  WorkBudget budget(deadline.at_cpu_micros);
  TSQueryMatch match;
  while (!budget.exhausted() && ts_query_cursor_next_match(cursor, &match)) {
    std::optional<uint32_t> own = compiled.own_pattern(match.pattern_index);
    if (!own) continue;
    auto [detector, slot] = detector_of(*own);
    if (!detector) continue;
    DetectorRun& run = runs[slot];
    if (run.matches.size() >= limits.max_matches) continue;
    take_match(*detector, compiled, *own, match, tree, language, path, budget, run);
  }
  return ts_query_cursor_did_exceed_match_limit(cursor) || budget.exhausted() ||
         thread_cpu_micros() >= deadline.at_cpu_micros;
}

}  // namespace

LiteralPrefilter build_prefilter(const CompiledQuery& compiled) {
  LiteralPrefilter out;
  auto index_of = [&](const std::string& text, bool ignore_case) {
    for (uint32_t i = 0; i < out.literals.size(); ++i)
      if (out.literals[i].text == text && out.literals[i].ignore_case == ignore_case) return i;
    out.literals.push_back({text, ignore_case});
    return static_cast<uint32_t>(out.literals.size() - 1);
  };
  const TSQuery* query = compiled.query.get();
  out.needs.resize(compiled.predicates.size());
  for (uint32_t pattern = 0; pattern < compiled.predicates.size(); ++pattern) {
    for (const Predicate& p : compiled.predicates[pattern]) {
      // A negated test, or one on a capture that may be absent, requires nothing of the file.
      if (p.negated || p.other_capture) continue;
      TSQuantifier quantifier =
          ts_query_capture_quantifier_for_id(query, compiled.first_pattern + pattern, p.capture);
      if (quantifier != TSQuantifierOne && quantifier != TSQuantifierOneOrMore) continue;
      if (p.op == Predicate::Op::match) {
        if (!p.regex) continue;
        const RequiredLiterals& required = p.regex->required();
        for (const auto& set : required.all_of_any) {
          std::vector<uint32_t> any_of;
          for (const auto& literal : set) any_of.push_back(index_of(literal, required.ignore_case));
          out.needs[pattern].push_back(std::move(any_of));
        }
      } else if (!p.values.empty()) {
        std::vector<uint32_t> any_of;
        for (const auto& value : p.values) any_of.push_back(index_of(value, false));
        out.needs[pattern].push_back(std::move(any_of));
      }
    }
  }
  return out;
}

RunResult run_detector(const Detector& detector, const SyntaxTree& tree, Language language,
                       const std::string& path, const QueryLimits& limits) {
  RunResult result;
  const CompiledQuery* compiled = detector.query_for(language);
  if (!compiled) return result;
  std::vector<uint32_t> patterns_possible;
  LiteralScan scan(compiled->prefilter, tree.text());
  for (uint32_t p = 0; p < compiled->predicates.size(); ++p)
    if (scan.pattern_possible(p)) patterns_possible.push_back(p);
  if (patterns_possible.empty()) return result;
  std::vector<DetectorRun> runs(1);
  auto detector_of = [&](uint32_t pattern) -> std::pair<const Detector*, size_t> {
    bool possible = std::binary_search(patterns_possible.begin(), patterns_possible.end(), pattern);
    return {possible ? &detector : nullptr, 0};
  };
  result.hit_limit = run_query(*compiled, tree, language, path, limits, detector_of, runs);
  result.matches = std::move(runs[0].matches);
  return result;
}

SetRunResult run_detectors(const DetectorSet& set, const SyntaxTree& tree, Language language,
                           const std::string& path, const QueryLimits& limits,
                           const std::vector<bool>* only) {
  SetRunResult result;
  result.matches.resize(set.detectors.size());
  auto wanted = [&](size_t d) { return !only || (d < only->size() && (*only)[d]); };
  const LanguagePlan* plan = set.plan_for(language);
  if (!plan) {  // no combined query: each detector's own, sharing the time limit
    const uint64_t deadline = thread_cpu_micros() + limits.timeout_micros;
    for (size_t d = 0; d < set.detectors.size(); ++d) {
      if (!wanted(d) || !set.detectors[d].query_for(language)) continue;
      uint64_t now = thread_cpu_micros();
      if (now >= deadline) {
        result.hit_limit = true;
        break;
      }
      QueryLimits left = limits;
      left.timeout_micros = deadline - now;
      RunResult one = run_detector(set.detectors[d], tree, language, path, left);
      result.hit_limit |= one.hit_limit;
      result.matches[d] = std::move(one.matches);
    }
    return result;
  }
  const CompiledQuery& combined = plan->combined;
  std::vector<char> possible(plan->pattern_detector.size(), 0);
  bool any = false;
  LiteralScan scan(combined.prefilter, tree.text());
  for (uint32_t p = 0; p < possible.size(); ++p) {
    possible[p] = wanted(plan->pattern_detector[p]) && scan.pattern_possible(p);
    any |= possible[p] != 0;
  }
  if (!any) return result;
  std::vector<DetectorRun> runs(set.detectors.size());
  QueryLimits combined_limits = limits;
  // Every detector's in-progress matches share one cursor.
  combined_limits.match_limit = limits.match_limit * 8;
  auto detector_of = [&](uint32_t pattern) -> std::pair<const Detector*, size_t> {
    if (pattern >= possible.size() || !possible[pattern]) return {nullptr, 0};
    uint32_t d = plan->pattern_detector[pattern];
    return {&set.detectors[d], d};
  };
  result.hit_limit = run_query(combined, tree, language, path, combined_limits, detector_of, runs);
  for (size_t d = 0; d < runs.size(); ++d) result.matches[d] = std::move(runs[d].matches);
  return result;
}

bool WorkBudget::exhausted() {
  // Reading the thread's CPU clock is a system call; the steps between reads are small and bounded.
  if (!exhausted_ && calls_++ % 16 == 0) exhausted_ = thread_cpu_micros() >= deadline_;
  return exhausted_;
}

const CompiledQuery* Detector::query_for(Language language) const {
  for (const auto& q : queries)
    if (q.language == language) return &q;
  return nullptr;
}

}  // namespace toolwall::code
