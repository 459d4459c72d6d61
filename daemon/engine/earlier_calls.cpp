#include "engine/earlier_calls.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <set>

#include "analysis/code/change_parsers.h"
#include "analysis/shell/ambient.h"
#include "analysis/shell/cargo_config.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::engine {
namespace {

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_break(char c) {
  static const auto table = [] {
    std::array<bool, 256> breaks{};
    for (unsigned char b : std::string_view(" \t\r\n;|&()<>'\"`=,{}$:@\\")) breaks[b] = true;
    return breaks;
  }();
  return table[static_cast<unsigned char>(c)];
}

// The words a call (and the steps chosen for it) names, the globs among them kept apart: each word an
// earlier call left is looked up here, and most scripts name no glob.
struct Words {
  std::set<std::string, std::less<>> all;
  std::set<std::string, std::less<>> last;  // the last component of each path word: tests/fixtures → fixtures
  std::vector<std::string> globs;
  void emplace(std::string_view word) {
    auto [at, added] = all.emplace(word);
    if (added && at->find_first_of("*?[") != std::string::npos) globs.push_back(*at);
  }
  size_t count(std::string_view word) const { return all.count(word); }
};

// Calls each(word, leads) for each word of text: the runs between blanks, quotes, operators and
// `=`/`@`/`$`; `leads` when it begins the text or follows `;`, `|`, `&`, a subshell's `(`, a backquote
// or a line break (where a command name usually stands).
template <class Each>
void for_each_word(std::string_view text, Each each) {
  size_t at = 0;
  bool leads = true;
  while (at < text.size()) {
    while (at < text.size() && is_break(text[at])) {
      // `(` opens a subshell or $( … ), not a call in code (open('creds.sh')).
      bool opens = text[at] == '(' && (at == 0 || !is_name_char(text[at - 1]));
      if (opens || std::string_view(";|&`\n").find(text[at]) != std::string_view::npos) leads = true;
      ++at;
    }
    size_t end = at;
    while (end < text.size() && !is_break(text[end])) ++end;
    if (end > at) each(text.substr(at, end - at), leads);
    leads = false;
    at = end;
  }
}

void add_variable_names(std::string_view script, Words& out) {
  for (size_t at = script.find('$'); at != std::string_view::npos; at = script.find('$', at + 1)) {
    size_t begin = at + 1;
    if (begin < script.size() && script[begin] == '{') ++begin;
    size_t end = begin;
    while (end < script.size() && is_name_char(script[end])) ++end;
    if (end > begin && !(script[begin] >= '0' && script[begin] <= '9'))
      out.emplace(script.substr(begin, end - begin));
  }
}

// The value glued to an option word (-r/tmp/hook → /tmp/hook, --require=x.js → x.js,
// -javaagent:/tmp/a.jar → /tmp/a.jar, -MDbg → Dbg); empty when there is none.
std::string_view joined_option_value(std::string_view word) {
  size_t dashes = word.find_first_not_of('-');
  if (dashes == std::string_view::npos) return {};
  size_t separator = word.find_first_of("=:", dashes);
  std::string_view value = separator != std::string_view::npos ? word.substr(separator + 1)
                           : dashes == 1 && word.size() > 2     ? word.substr(2)
                                                                : std::string_view();
  // A path or a module name; not the rest of a cluster of flags (-fsSL, -rf).
  bool names_something = value.find_first_of("/.") != std::string_view::npos ||
                         (!value.empty() && value.front() >= 'A' && value.front() <= 'Z');
  return names_something ? value : std::string_view();
}

// A config file later programs read and run commands from, named or not: python startup files,
// .npmrc (node-options, script-shell), ~/.ssh/config (ProxyCommand, LocalCommand).
bool read_by_later_programs(std::string_view path) {
  return shell::is_python_startup_file(path) || shell::base_name(path) == ".npmrc" ||
         ends_with(shell::home_relative(path), "/.ssh/config") || shell::is_cargo_config(path) ||
         shell::base_name(path) == "conftest.py" || shell::base_name(path) == ".envrc" ||
         shell::base_name(path) == ".curlrc";
}

// A code file's name without its extension: a loader option names warmup for warmup.rb, Dbg for
// Dbg.pm. Empty for other files (dev.log is not met by /dev/null).
std::string_view stem_of(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return {};
  static const std::set<std::string_view> code{".rb", ".pm", ".py", ".js", ".cjs", ".mjs", ".ts", ".so", ".jar", ".dll"};
  return code.count(name.substr(dot)) ? name.substr(0, dot) : std::string_view();
}

// What a script names: the variables it expands and each path component of every other word
// (tmp and notes.txt for @/tmp/notes.txt, n for `curl -T n`), options and bare command names aside.
void add_named(std::string_view script, Words& out) {
  add_variable_names(script, out);
  for_each_word(script, [&](std::string_view word, bool leads) {
    // Options name files only in their joined values (-r/tmp/hook, -javaagent:/tmp/a.jar, -MDbg);
    // command names looked up in PATH (npm, git) name none: a file an earlier call wrote is run by
    // its path.
    if (word.front() == '-') word = joined_option_value(word);
    else if (leads && word.find('/') == std::string_view::npos) return;
    std::string_view last;
    for (size_t at = 0; at < word.size();) {
      size_t slash = std::min(word.find('/', at), word.size());
      std::string_view part = word.substr(at, slash - at);
      if (!part.empty() && part.find_first_not_of('.') != std::string_view::npos) {
        out.emplace(part);
        last = part;
      }
      at = slash + 1;
    }
    if (!last.empty()) out.last.emplace(last);
  });
}

// Whether what a step left is named: by a word, or by a glob (for f in /tmp/part_*).
bool named_by(const std::string& left, const Words& named) {
  if (named.count(left)) return true;
  return std::any_of(named.globs.begin(), named.globs.end(),
                     [&](const std::string& glob) { return shell::glob_match(glob, left); });
}

// Whether an apply_patch text adds a file by a name the call uses: patches are parsed only then.
bool adds_a_named_file(std::string_view patch, const Words& named) {
  static constexpr std::string_view kAdd = "*** Add File: ";
  for (size_t at = patch.find(kAdd); at != std::string_view::npos; at = patch.find(kAdd, at + kAdd.size())) {
    size_t end = std::min(patch.find('\n', at), patch.size());
    std::string_view path = patch.substr(at + kAdd.size(), end - at - kAdd.size());
    while (!path.empty() && (path.back() == '\r' || path.back() == ' ')) path.remove_suffix(1);
    if (named_by(std::string(shell::base_name(path)), named)) return true;
  }
  return false;
}

shell::EarlierStep file_step(std::string path, std::string content) {
  shell::EarlierStep step;
  step.path = std::move(path);
  step.content = std::move(content);
  return step;
}

// The steps of an earlier call the shell can see, in order: a command it ran, or files it wrote whole
// (a Write, an apply_patch's Add File, an edit of new text with no "existing code" marker in it).
std::vector<shell::EarlierStep> steps_of(const Profiles& profiles, const ToolCall& earlier, const std::string& agent,
                                         const Words& named) {
  std::vector<shell::EarlierStep> out;
  if (!earlier.arguments_valid) return out;
  ResolvedCall resolved;
  if (earlier.agent.empty() && !agent.empty()) {
    ToolCall as_agent = earlier;
    as_agent.agent = agent;
    as_agent.earlier.reset();
    resolved = profiles.resolve(as_agent);
  } else {
    resolved = profiles.resolve(earlier);
  }
  if (!resolved.error.empty()) return out;
  if (resolved.kind == ToolKind::shell && !resolved.command.empty()) {
    shell::EarlierStep step;
    step.script = std::move(resolved.command);
    out.push_back(std::move(step));
  } else if (resolved.shape == FileShape::write && !resolved.path.empty()) {
    out.push_back(file_step(std::move(resolved.path), std::move(resolved.content)));
  } else if (resolved.shape == FileShape::edit && resolved.edits.size() == 1 && resolved.edits[0].old_text.empty() &&
             !resolved.path.empty() && resolved.edits[0].new_text.find("existing code") == std::string::npos) {
    out.push_back(file_step(std::move(resolved.path), std::move(resolved.edits[0].new_text)));
  } else if (resolved.shape == FileShape::patch && adds_a_named_file(resolved.diff, named)) {
    for (auto& file : code::parse_apply_patch(resolved.diff).files)
      if (file.whole_file && !file.path.empty()) out.push_back(file_step(std::move(file.path), std::move(file.new_text)));
  }
  for (auto& step : out) step.call_id = earlier.id;
  return out;
}

}  // namespace

std::vector<std::string> meeting_words(std::string_view script) {
  Words words;
  add_named(script, words);
  return {words.all.begin(), words.all.end()};
}

std::shared_ptr<const LeftBehindMemo::Left> LeftBehindMemo::of(const std::string& script) const {
  {
    std::lock_guard lock(mutex_);
    if (auto known = known_.find(script); known != known_.end()) return known->second;
  }
  // Outside the lock: a walk takes microseconds.
  shell::LeftBehind behind = shell::left_behind(script);
  auto left = std::make_shared<Left>();
  for (const auto& path : behind.files) {
    left->words.emplace_back(shell::base_name(path));
    // `git add tests/fixtures`, `cd packages/sdk && npm publish`: a later call may name the directory
    // the file was written in (as the last part of a path: /tmp/notes.txt names no directory).
    std::string_view base = shell::base_name(path);
    if (std::string_view parent = shell::base_name(std::string_view(path).substr(0, path.size() - base.size()));
        !parent.empty() && parent != "/" && parent != "." && parent != "..")
      left->directories.emplace_back(parent);
    if (auto stem = stem_of(shell::base_name(path)); !stem.empty()) left->words.emplace_back(stem);
    // env > $SNAP, walked alone, writes "$SNAP": a later call names it by the variable.
    Words variables;
    add_variable_names(path, variables);
    left->words.insert(left->words.end(), variables.all.begin(), variables.all.end());
  }
  for (const auto& directory : behind.directories)
    if (!directory.empty()) left->words.emplace_back(shell::base_name(directory));
  if (behind.staged) left->words.emplace_back("push");  // what git add staged leaves with the next push
  for (const auto& name : behind.variables) left->words.push_back(name);
  left->ambient = behind.ambient;
  // unset NODE_OPTIONS, rm /tmp/h.js: a later call meets what was taken away too.
  for (const auto& cleared : behind.cleared) left->words.emplace_back(shell::base_name(cleared));
  left->moved = behind.moved;
  left->stages_tree = behind.staged_tree;
  left->git_settings = behind.git_settings;
  left->configures_programs = std::any_of(behind.files.begin(), behind.files.end(),
                                          [](const std::string& path) { return read_by_later_programs(path); });
  size_t kept_bytes = script.size();
  for (const auto& file : behind.written) kept_bytes += file.path.size() + file.new_text.size();
  left->written = std::move(behind.written);
  if (kept_bytes > most_bytes_ / 64) return left;
  std::lock_guard lock(mutex_);
  if (bytes_ + kept_bytes > most_bytes_) {
    known_.clear();
    bytes_ = 0;
  }
  if (known_.emplace(script, left).second) bytes_ += kept_bytes;
  return left;
}

std::vector<shell::EarlierStep> earlier_steps(const Profiles& profiles, const ToolCall& call, std::string_view script,
                                              const EarlierReading& reading, const LeftBehindMemo* memo) {
  std::vector<shell::EarlierStep> steps;
  if (!call.earlier || call.earlier->empty()) return steps;
  Words named;
  add_named(script, named);
  bool directory_known = false;  // a later step already chose the directory the script starts in
  // git config core.fsmonitor CMD, alias.x '!CMD', a hooks directory: every later git command may run them.
  bool runs_git = script.find("git") != std::string_view::npos;
  std::set<std::string, std::less<>> ambient_claimed;  // ambient variables and git settings a newer chosen step sets
  const auto& calls = *call.earlier;
  size_t first = calls.size() > reading.most_calls_read ? calls.size() - reading.most_calls_read : 0;
  // Whether a step left something the script (or a step already chosen) names.
  auto bears_on_the_call = [&](const shell::EarlierStep& step) {
    if (step.script.empty()) {
      // sitecustomize.py or a .pth runs in every later python, named or not.
      std::string_view base = shell::base_name(step.path);
      // A file in a directory the call (or a chosen step) names: a hook in .githooks, a module in
      // /tmp/pyhooks.
      std::string_view stem = stem_of(base);
      std::string_view parent = shell::base_name(std::string_view(step.path).substr(0, step.path.size() - base.size()));
      return named_by(std::string(base), named) || (!stem.empty() && named_by(std::string(stem), named)) ||
             (!parent.empty() && named_by(std::string(parent), named)) || read_by_later_programs(step.path) ||
             (runs_git && step.path.find(".git/hooks/") != std::string::npos);
    }
    auto left = memo ? memo->of(step.script) : LeftBehindMemo(0).of(step.script);
    // A variable that changes what every later program loads, runs or fetches (NODE_OPTIONS,
    // LD_PRELOAD, GIT_SSH …) bears on the call whether or not it names it.
    // A name a newer step claimed (below) does not choose this one.
    bool chosen = left->configures_programs ||
                  std::any_of(left->words.begin(), left->words.end(), [&](const std::string& word) {
                    return named_by(word, named) && !ambient_claimed.count(word);
                  }) ||
                  std::any_of(left->directories.begin(), left->directories.end(),
                              [&](const std::string& directory) { return named.last.count(directory) > 0; });
    // The newest step that sets an ambient variable decides its value, and older ones setting only
    // the same variables are not replayed, unless it builds on the old value
    // (NODE_OPTIONS="$NODE_OPTIONS …").
    for (const auto& name : left->ambient) {
      bool extends = step.script.find("$" + name) != std::string::npos || step.script.find("${" + name) != std::string::npos;
      if (!ambient_claimed.count(name)) chosen = true;
      if (!extends) ambient_claimed.insert(name);
    }
    // Likewise the newest step that sets a git setting, for a call that runs git.
    if (runs_git)
      for (const auto& setting : left->git_settings)
        if (ambient_claimed.insert("git " + setting).second) chosen = true;
    if (chosen && left->stages_tree) named.emplace("*");  // the files written before it are all staged
    if (left->moved && !directory_known) {
      directory_known = true;
      return true;
    }
    return chosen;
  };
  // Newest first, so that a step chosen adds what it names before older steps are looked at (a file
  // copied in one call from a file written in the one before).
  size_t bytes_read = 0;
  for (size_t i = calls.size(); i-- > first && steps.size() < reading.most_steps && bytes_read < reading.most_bytes_read;) {
    auto call_steps = steps_of(profiles, calls[i], call.agent, named);
    for (auto step = call_steps.rbegin(); step != call_steps.rend() && steps.size() < reading.most_steps; ++step) {
      size_t bytes = step->script.size() + step->content.size();
      bytes_read += bytes;
      if (bytes > reading.most_step_bytes || !bears_on_the_call(*step)) continue;
      if (!step->script.empty()) add_named(step->script, named);
      else if (read_by_later_programs(step->path)) add_named(step->content, named);  // node-options=--require F
      steps.push_back(std::move(*step));
    }
  }
  std::reverse(steps.begin(), steps.end());
  return steps;
}

}  // namespace toolwall::engine
