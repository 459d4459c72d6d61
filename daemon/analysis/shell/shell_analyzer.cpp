#include "analysis/shell/shell_analyzer.h"

#include <exception>
#include <string>

#include "analysis/shell/ambient.h"
#include "analysis/shell/walker.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

// Index of the first byte that breaks UTF-8, or npos.
size_t invalid_utf8_at(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t length = utf8_sequence_at(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

void mark_incomplete(Facts& facts, const std::string& reason) {
  if (!facts.complete) return;
  facts.complete = false;
  facts.incomplete_reason = reason;
  Marker marker;
  marker.name = "analysis_limit";
  marker.detail = reason;
  facts.markers.push_back(std::move(marker));
}

// Whether an ambient variable's value may name a file, a program or a host: a path, a URL, a command
// line, a module (-MDbg). A bare word or number (EDITOR=vim, -Xmx2g, --max-old-space-size=4096) names
// nothing the conversation could have written.
bool may_name_something(std::string_view name, std::string_view value) {
  if (value.find_first_of("/ \t$~") != std::string_view::npos) return true;
  if (name == "PERL5OPT" || name == "RUBYOPT") return true;
  // GIT_CONFIG_COUNT=1 and the git config variables: their keys and values are read with them.
  return starts_with(name, "GIT_CONFIG") || name == "PYTHONPATH" || name == "BASH_ENV" || name == "ENV";
}

// A script too large to walk, or holding NUL bytes, is not replayed: what it left is not known.
bool replayable(std::string_view script, const Limits& limits) {
  return script.size() <= limits.max_script_bytes && script.find('\0') == std::string_view::npos;
}

// What a script leaves when it runs after `start`. Its own facts are dropped (its call was judged
// when it was made), except the files it wrote when `written` asks for them.
Walker::Carried walk_leaving(std::string_view script, const Limits& limits, Walker::Carried start,
                             const std::string& via, std::vector<FileChange>* written = nullptr) {
  Facts scratch;
  Walker walker(script, limits, scratch);
  walker.adopt(std::move(start));
  walker.run();
  if (written) *written = std::move(scratch.files);
  return walker.carried(via);
}

// What the earlier steps leave, each walked from what the ones before it left.
Walker::Carried carried_from(const std::vector<EarlierStep>& earlier, const Limits& limits) {
  static const std::string kVia = "earlier call";
  Walker::Carried carried;
  for (const auto& step : earlier) {
    if (step.script.empty()) {
      carried.files[step.path] = Walker::FileState{{}, step.content, false, std::nullopt};
      continue;
    }
    if (replayable(step.script, limits)) carried = walk_leaving(step.script, limits, std::move(carried), kVia);
  }
  return carried;
}

}  // namespace

static Facts analyze_script(std::string_view script, const std::vector<EarlierStep>& earlier, const ScriptInput* input,
                            const Limits& limits);

Facts analyze(std::string_view script, const Limits& limits) { return analyze_script(script, {}, nullptr, limits); }

LeftBehind left_behind(std::string_view script, const Limits& limits) {
  LeftBehind out;
  if (!replayable(script, limits)) return out;
  try {
    Walker::Carried left = walk_leaving(script, limits, {}, "", &out.written);
    for (const auto& [path, file] : left.files) out.files.push_back(path);
    for (const auto& [name, variable] : left.variables) {
      out.variables.push_back(name);
      if (is_ambient_variable(name) && may_name_something(name, variable.value.text)) out.ambient.push_back(name);
    }
    for (const auto& [directory, taints] : left.extracted) out.directories.push_back(directory);
    out.moved = !left.working_directory.empty();
    out.staged = left.staged;
    out.staged_tree = left.staged_tree;
    // unset NODE_OPTIONS decides the variable as much as an export does.
    for (const auto& name : left.cleared)
      if (is_ambient_variable(name)) out.ambient.push_back(name);
    out.cleared = std::move(left.cleared);
    // A setting that names no path and has no shell syntax (core.pager "less -R", credential.helper
    // store) runs a program from PATH, nothing the conversation wrote.
    for (const auto& [key, value] : left.git_settings)
      if (value.find_first_of("/|;&$`<>(") != std::string::npos) out.git_settings.push_back(key);
    for (const auto& directory : left.hooks_dirs) out.git_settings.push_back("hooks " + directory);
  } catch (...) {
    return LeftBehind{};
  }
  return out;
}

Facts analyze(std::string_view script, const ScriptInput& input, const Limits& limits) {
  return analyze_script(script, {}, &input, limits);
}

Facts analyze(std::string_view script, const std::vector<EarlierStep>& earlier, const Limits& limits) {
  return analyze_script(script, earlier, nullptr, limits);
}

static Facts analyze_script(std::string_view script, const std::vector<EarlierStep>& earlier, const ScriptInput* input,
                            const Limits& limits) {
  Facts facts;
  try {
    std::string cleaned;
    if (script.size() > limits.max_script_bytes) {
      mark_incomplete(facts, "script larger than " + std::to_string(limits.max_script_bytes) + " bytes");
      script = script.substr(0, limits.max_script_bytes);
    }
    if (script.find('\0') != std::string_view::npos) {
      // bash drops NUL bytes; blank them (offsets stay those of the original) and say the input was odd.
      mark_incomplete(facts, "NUL byte in the script");
      cleaned.reserve(script.size());
      for (char c : script)
        cleaned += c == '\0' ? ' ' : c;
      script = cleaned;
    }
    if (size_t bad = invalid_utf8_at(script); bad != std::string_view::npos)
      mark_incomplete(facts, "invalid UTF-8 at byte " + std::to_string(bad));
    Walker walker(script, limits, facts);
    if (!earlier.empty()) walker.adopt(carried_from(earlier, limits));
    if (input) walker.read_stdin_from(Taint{input->from, input->source, {"stdin"}, {}, false});
    walker.run();
  } catch (const std::exception& error) {
    mark_incomplete(facts, std::string("analysis failed: ") + error.what());
  } catch (...) {
    mark_incomplete(facts, "analysis failed");
  }
  return facts;
}

}  // namespace toolwall::shell
