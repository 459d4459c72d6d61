#pragma once
// Agent profiles (config/agents.yaml): data that maps each agent's tool names and argument shapes to a
// tool kind and the argument fields to read, so new agents and renamed tools need no code.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/expected.h"
#include "core/tool_call.h"
#include "core/verdict.h"

namespace toolwall::engine {

// How a file-kind call describes its change.
enum class FileShape { none, write, edit, multi_edit, search_replace, patch };

struct TextEdit {
  std::string old_text;
  std::string new_text;
};

// A tool call read through its profile: what to analyse, and where it came from in the arguments.
struct ResolvedCall {
  std::string profile;  // profile that matched ("claude-code", "generic", "detected")
  ToolKind kind = ToolKind::other;

  // shell
  std::string command;        // the script to analyse (for argv: the -c script, or the words quoted)
  std::string command_field;  // dotted path of the argument that held it ("command", "action.command")
  bool command_is_argv = false;
  std::vector<std::string> argv;        // the original argv when command_is_argv
  size_t argv_script_index = SIZE_MAX;  // index of the -c script in argv, when there is one

  // file kinds
  FileShape shape = FileShape::none;
  std::string path, content;  // write: path + content; edit: path + edits
  std::vector<TextEdit> edits;
  std::string diff;           // search/replace blocks, or an apply_patch text
  std::string content_field;  // argument holding the written text, for findings
  std::string nested_calls;   // "javascript": the content is code whose tools.NAME(...) calls are judged too

  std::string error;  // set when the arguments do not fit the tool's shape
};

class Profiles {
 public:
  // Loads config/agents.yaml; problems are reported with file:line:col.
  static Expected<std::shared_ptr<const Profiles>, Diagnostics> load_file(const std::string& path);
  static Expected<std::shared_ptr<const Profiles>, Diagnostics> load_text(std::string_view yaml,
                                                                          const std::string& name);

  // The named agent's profile, then every profile, then `generic`, then the argument shape. Thread-safe.
  ResolvedCall resolve(const ToolCall& call) const;

  std::vector<std::string> profile_names() const;

  struct Impl;
  ~Profiles();
  explicit Profiles(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// Reads a dotted path ("action.command") in an argument object; null when absent.
const nlohmann::json* find_field(const nlohmann::json& arguments, std::string_view dotted_path);
// Sets a dotted path in an argument object, creating nothing that is not there.
bool set_field(nlohmann::json& arguments, std::string_view dotted_path, nlohmann::json value);
// The words joined into one shell command line, quoted where needed.
std::string shell_join(const std::vector<std::string>& words);
// For ["bash", "-lc", CMD] and the like: the index of CMD; SIZE_MAX when argv does not run a -c script.
size_t shell_script_index(const std::vector<std::string>& argv);

}  // namespace toolwall::engine
