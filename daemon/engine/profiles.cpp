#include "engine/profiles.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "policy/patterns.h"

namespace toolwall::engine {

namespace {

// One tool of one agent: its names, kind, and which argument fields hold what (first present wins).
struct ToolSpec {
  policy::StringMatcher names;
  ToolKind kind = ToolKind::other;
  std::vector<std::string> command, path, content, old_text, new_text, edits, diff, patch;
  // Code that runs without a file of its own (an IPython cell) or in a file whose name does not say
  // the language (a notebook cell): the name the code is analysed under, so it gets its language.
  std::string default_path;  // when no path field is present
  std::string path_suffix;   // appended to the path read ("#cell.py")
  std::string nested_calls;  // "javascript": code that calls other tools (Codex code mode)
};

// The path a file-kind call is analysed and reported under.
std::string analysed_path(const ToolSpec& spec, const std::string* path) {
  std::string out = path ? *path : spec.default_path;
  if (!spec.path_suffix.empty() && !out.empty()) out += spec.path_suffix;
  return out;
}

struct Profile {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<ToolSpec> tools;
};

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_shell_name(std::string_view name) {
  name = base_name(name);
  for (std::string_view shell : {"bash", "sh", "zsh", "dash", "ksh", "ash", "mksh", "fish"})
    if (name == shell) return true;
  return false;
}

const std::string* string_field(const nlohmann::json& args, const std::vector<std::string>& fields,
                                std::string* which) {
  for (const auto& f : fields) {
    const nlohmann::json* value = find_field(args, f);
    if (value && value->is_string()) {
      if (which) *which = f;
      return &value->get_ref<const std::string&>();
    }
  }
  return nullptr;
}

const nlohmann::json* any_field(const nlohmann::json& args, const std::vector<std::string>& fields,
                                std::string* which) {
  for (const auto& f : fields) {
    const nlohmann::json* value = find_field(args, f);
    if (value && !value->is_null()) {
      if (which) *which = f;
      return value;
    }
  }
  return nullptr;
}

std::string join_names(const std::vector<std::string>& fields) {
  std::string out;
  for (const auto& f : fields) out += (out.empty() ? "" : " or ") + f;
  return out.empty() ? std::string("(none configured)") : out;
}

// Reads the command of a shell call: a string, or an argv array run as its -c script or its words.
void read_command(const nlohmann::json& value, const std::string& field, ResolvedCall& out) {
  out.command_field = field;
  if (value.is_string()) {
    out.command = value.get<std::string>();
    return;
  }
  if (!value.is_array() || value.empty()) {
    out.error = "argument '" + field + "' must be a command string or a non-empty argv array";
    return;
  }
  out.command_is_argv = true;
  for (const auto& word : value) {
    if (!word.is_string()) {
      out.error = "argument '" + field + "' holds a non-string word";
      return;
    }
    out.argv.push_back(word.get<std::string>());
  }
  // Codex sends patches as ["apply_patch", PATCH]: that is a patch, not a command.
  auto name = base_name(out.argv[0]);
  if ((name == "apply_patch" || name == "applypatch") && out.argv.size() == 2) {
    out.kind = ToolKind::patch;
    out.shape = FileShape::patch;
    out.diff = out.argv[1];
    out.content_field = field;
    return;
  }
  out.argv_script_index = shell_script_index(out.argv);
  out.command = out.argv_script_index != SIZE_MAX ? out.argv[out.argv_script_index] : shell_join(out.argv);
}

// Fills `out` from the spec; false when the call does not have the fields this spec needs.
bool apply_spec(const ToolSpec& spec, const nlohmann::json& args, ResolvedCall& out) {
  out.kind = spec.kind;
  std::string which;
  switch (spec.kind) {
    case ToolKind::shell: {
      const nlohmann::json* value = any_field(args, spec.command, &which);
      if (!value) {
        out.error = "a shell tool call without its command (expected " + join_names(spec.command) + ")";
        return false;
      }
      read_command(*value, which, out);
      return true;
    }
    case ToolKind::file_write: {
      const std::string* path = string_field(args, spec.path, nullptr);
      const std::string* content = string_field(args, spec.content, &which);
      if ((!path && spec.default_path.empty()) || !content) {
        out.error =
            "a file write without " + std::string(!content ? join_names(spec.content) : join_names(spec.path));
        return false;
      }
      out.shape = FileShape::write;
      out.path = analysed_path(spec, path);
      out.nested_calls = spec.nested_calls;
      out.content = *content;
      out.content_field = which;
      return true;
    }
    case ToolKind::file_edit: {
      const std::string* path = string_field(args, spec.path, nullptr);
      if (!path && spec.default_path.empty()) {
        out.error = "a file edit without " + join_names(spec.path);
        return false;
      }
      out.path = analysed_path(spec, path);
      if (const std::string* diff = string_field(args, spec.diff, &which)) {
        out.shape = FileShape::search_replace;
        out.diff = *diff;
        out.content_field = which;
        return true;
      }
      if (const nlohmann::json* edits = any_field(args, spec.edits, &which)) {
        if (!edits->is_array()) {
          out.error = "argument '" + which + "' must be a list of edits";
          return false;
        }
        out.shape = FileShape::multi_edit;
        out.content_field = which;
        for (const auto& item : *edits) {
          const std::string* new_text =
              item.is_object() ? string_field(item, spec.new_text, nullptr) : nullptr;
          if (!new_text) {
            out.error = "an edit in '" + which + "' has no " + join_names(spec.new_text);
            return false;
          }
          const std::string* old_text = string_field(item, spec.old_text, nullptr);
          out.edits.push_back({old_text ? *old_text : std::string(), *new_text});
        }
        return true;
      }
      const std::string* new_text = string_field(args, spec.new_text, &which);
      if (!new_text) {
        out.error = "a file edit without " + join_names(spec.new_text);
        return false;
      }
      const std::string* old_text = string_field(args, spec.old_text, nullptr);
      out.shape = FileShape::edit;
      out.content_field = which;
      out.edits.push_back({old_text ? *old_text : std::string(), *new_text});
      return true;
    }
    case ToolKind::patch: {
      const std::string* patch = string_field(args, spec.patch, &which);
      if (!patch) {
        out.error = "a patch call without " + join_names(spec.patch);
        return false;
      }
      out.shape = FileShape::patch;
      out.diff = *patch;
      out.content_field = which;
      return true;
    }
    case ToolKind::other:
      return true;
  }
  return true;
}

class ProfileReader {
 public:
  ProfileReader(const std::string& file, Diagnostics& diagnostics) : file_(file), diagnostics_(diagnostics) {}

  std::vector<Profile> read(std::string_view text) {
    std::vector<Profile> out;
    YAML::Node loaded;
    try {
      loaded = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      diagnostics_.push_back({file_, e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg});
      return out;
    }
    const YAML::Node root = loaded;
    if (!root.IsMap()) {
      error(root, "the profiles file must be a mapping with `version: 1` and `profiles:`");
      return out;
    }
    check_keys(root, {"version", "profiles"}, "top level");
    const YAML::Node profiles = root["profiles"];
    if (!profiles.IsDefined() || !profiles.IsMap()) {
      error(root, "`profiles:` must map agent names to their tools");
      return out;
    }
    for (const auto& kv : profiles) {
      Profile profile{kv.first.Scalar(), {}, {}};
      const YAML::Node body = kv.second;
      if (!body.IsMap()) {
        error(body, "profile '" + profile.name + "' must be a mapping with `tools:`");
        continue;
      }
      check_keys(body, {"aliases", "tools"}, "profile");
      profile.aliases = strings(body["aliases"]);
      const YAML::Node tools = body["tools"];
      if (!tools.IsDefined() || !tools.IsSequence()) {
        error(body, "profile '" + profile.name + "' needs `tools:`, a list of {name, kind, fields}");
        continue;
      }
      for (const auto& t : tools) read_tool(t, profile);
      out.push_back(std::move(profile));
    }
    return out;
  }

 private:
  void error(const YAML::Node& node, std::string message) {
    auto mark = node.Mark();
    diagnostics_.push_back({file_, mark.line + 1, mark.column + 1, std::move(message)});
  }

  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                  std::string_view where) {
    for (const auto& kv : map) {
      if (std::find(known.begin(), known.end(), kv.first.Scalar()) != known.end()) continue;
      std::string expected;
      for (auto k : known) expected += (expected.empty() ? "" : ", ") + std::string(k);
      error(kv.first, "unknown key '" + kv.first.Scalar() + "' in " + std::string(where) +
                          "; expected one of: " + expected);
    }
  }

  std::vector<std::string> strings(const YAML::Node& node) {
    std::vector<std::string> out;
    if (!node.IsDefined() || node.IsNull()) return out;
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) {
      error(node, "expected a string or a list of strings");
      return out;
    }
    for (const auto& item : node) {
      if (item.IsScalar())
        out.push_back(item.Scalar());
      else
        error(item, "expected a string");
    }
    return out;
  }

  void read_tool(const YAML::Node& node, Profile& profile) {
    if (!node.IsMap()) return error(node, "a tool must be a mapping {name, kind, …fields}");
    check_keys(node,
               {"name", "kind", "command", "path", "content", "old", "new", "edits", "diff", "patch",
                "default_path", "path_suffix", "nested_calls"},
               "tool");
    ToolSpec spec;
    auto names = strings(node["name"]);
    if (names.empty()) error(node, "a tool needs `name:` (the agent's own tool name, or a list of names)");
    for (auto& n : names) spec.names.add(std::move(n));
    auto kind_node = node["kind"];
    auto kind =
        kind_node.IsDefined() && kind_node.IsScalar() ? parse_tool_kind(kind_node.Scalar()) : std::nullopt;
    if (!kind) {
      error(kind_node.IsDefined() ? kind_node : node,
            "a tool needs `kind:` shell, file_write, file_edit, patch or other");
      return;
    }
    spec.kind = *kind;
    spec.command = strings(node["command"]);
    spec.path = strings(node["path"]);
    spec.content = strings(node["content"]);
    spec.old_text = strings(node["old"]);
    spec.new_text = strings(node["new"]);
    spec.edits = strings(node["edits"]);
    spec.diff = strings(node["diff"]);
    spec.patch = strings(node["patch"]);
    if (auto value = strings(node["default_path"]); !value.empty()) spec.default_path = value.front();
    if (auto value = strings(node["path_suffix"]); !value.empty()) spec.path_suffix = value.front();
    if (auto value = strings(node["nested_calls"]); !value.empty()) {
      spec.nested_calls = value.front();
      if (spec.nested_calls != "javascript") error(node["nested_calls"], "nested_calls: only `javascript` is read");
    }
    bool complete = true;
    switch (spec.kind) {
      case ToolKind::shell:
        complete = !spec.command.empty();
        break;
      case ToolKind::file_write:
        complete = (!spec.path.empty() || !spec.default_path.empty()) && !spec.content.empty();
        break;
      case ToolKind::file_edit:
        complete = (!spec.path.empty() || !spec.default_path.empty()) && (!spec.new_text.empty() || !spec.diff.empty());
        break;
      case ToolKind::patch:
        complete = !spec.patch.empty();
        break;
      case ToolKind::other:
        break;
    }
    if (!complete)
      error(node,
            "tool of kind " + std::string(to_string(spec.kind)) +
                " needs its fields: shell → command; file_write → path, content; file_edit → path and new or "
                "diff; patch → patch");
    profile.tools.push_back(std::move(spec));
  }

  const std::string& file_;
  Diagnostics& diagnostics_;
};

}  // namespace

struct Profiles::Impl {
  std::vector<Profile> profiles;
};

Profiles::Profiles(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Profiles::~Profiles() = default;

Expected<std::shared_ptr<const Profiles>, Diagnostics> Profiles::load_text(std::string_view yaml,
                                                                           const std::string& name) {
  Diagnostics diagnostics;
  auto impl = std::make_unique<Impl>();
  impl->profiles = ProfileReader(name, diagnostics).read(yaml);
  if (!diagnostics.empty()) return unexpected(std::move(diagnostics));
  return std::make_shared<const Profiles>(std::move(impl));
}

Expected<std::shared_ptr<const Profiles>, Diagnostics> Profiles::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(Diagnostics{
        {path, 0, 0, "cannot read the agent profiles; check the path (or pass --profiles FILE)"}});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return load_text(buffer.str(), path);
}

std::vector<std::string> Profiles::profile_names() const {
  std::vector<std::string> out;
  for (const auto& p : impl_->profiles) out.push_back(p.name);
  return out;
}

ResolvedCall Profiles::resolve(const ToolCall& call) const {
  const auto& profiles = impl_->profiles;
  ResolvedCall first_error;
  bool have_error = false;
  auto try_profile = [&](const Profile& profile, ResolvedCall& out) {
    for (const auto& spec : profile.tools) {
      if (!spec.names.matches(call.tool)) continue;
      ResolvedCall attempt;
      attempt.profile = profile.name;
      if (apply_spec(spec, call.arguments, attempt)) {
        out = std::move(attempt);
        return true;
      }
      if (!have_error) {
        first_error = std::move(attempt);
        have_error = true;
      }
    }
    return false;
  };
  auto is_named = [&](const Profile& p) {
    return !call.agent.empty() && (p.name == call.agent || std::find(p.aliases.begin(), p.aliases.end(),
                                                                     call.agent) != p.aliases.end());
  };
  ResolvedCall out;
  for (const auto& p : profiles)
    if (is_named(p) && try_profile(p, out)) return out;
  for (const auto& p : profiles)
    if (!is_named(p) && p.name != "generic" && try_profile(p, out)) return out;
  for (const auto& p : profiles)
    if (p.name == "generic" && !is_named(p) && try_profile(p, out)) return out;
  // MCP tools reach the model as mcp__SERVER__TOOL (Claude Code, and agents following it): a filesystem
  // or shell server's write_file, edit_file or execute_command does what the agent's own tools do, so the
  // TOOL part is resolved as a tool of that name (one level: the part is not an MCP name again).
  if (call.tool.rfind("mcp__", 0) == 0) {
    size_t separator = call.tool.find("__", 5);
    if (separator != std::string::npos && separator + 2 < call.tool.size()) {
      ToolCall inner = call;
      inner.tool = call.tool.substr(separator + 2);
      if (inner.tool.rfind("mcp__", 0) != 0) {
        ResolvedCall resolved = resolve(inner);
        if (resolved.kind != ToolKind::other) return resolved;
      }
    }
  }
  // An unknown tool whose arguments look like a command is still analysed as one.
  for (const char* field : {"command", "cmd", "script"}) {
    const nlohmann::json* value = find_field(call.arguments, field);
    if (value && (value->is_string() || value->is_array())) {
      out = ResolvedCall{};
      out.profile = "detected";
      out.kind = ToolKind::shell;
      read_command(*value, field, out);
      return out;
    }
  }
  if (have_error) return first_error;
  out = ResolvedCall{};
  out.profile = "none";
  out.kind = ToolKind::other;
  return out;
}

const nlohmann::json* find_field(const nlohmann::json& arguments, std::string_view dotted_path) {
  const nlohmann::json* node = &arguments;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    std::string key(dotted_path.substr(0, dot));
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  return node;
}

bool set_field(nlohmann::json& arguments, std::string_view dotted_path, nlohmann::json value) {
  nlohmann::json* node = &arguments;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    std::string key(dotted_path.substr(0, dot));
    if (!node->is_object()) return false;
    auto it = node->find(key);
    if (it == node->end()) return false;
    node = &*it;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  *node = std::move(value);
  return true;
}

std::string shell_join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out.push_back(' ');
    bool safe = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             std::string_view("_@%+=:,./-").find(c) != std::string_view::npos;
    });
    if (safe) {
      out += word;
      continue;
    }
    out.push_back('\'');
    for (char c : word) {
      if (c == '\'')
        out += "'\\''";
      else
        out.push_back(c);
    }
    out.push_back('\'');
  }
  return out;
}

size_t shell_script_index(const std::vector<std::string>& argv) {
  if (argv.size() < 3 || !is_shell_name(argv[0])) return SIZE_MAX;
  // Options before the script: "-c", "-lc", "-ic", "-l -c", "-e -c" …; the word after the one with 'c'.
  for (size_t i = 1; i + 1 < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (word.size() < 2 || word[0] != '-' || word == "--") return SIZE_MAX;
    if (word[1] == '-') continue;  // --login, --norc …
    if (word.find('c') != std::string::npos) return i + 1;
  }
  return SIZE_MAX;
}

}  // namespace toolwall::engine
