#pragma once
// What analysis found in one tool call: the vocabulary that policy rules are written in.
// Analysers (shell, code) produce Facts; the policy reads them and never sees a syntax tree.
#include <string>
#include <vector>

#include "core/span.h"

namespace toolwall {

// A command that would run, wherever it sits in the script.
struct Command {
  std::string name;               // normalised: quotes joined, escapes decoded, path stripped ("curl")
  std::vector<std::string> argv;  // normalised words; argv[0] is the name as resolved (may keep a path)
  Span span;                      // the command in the analysed text
  Span statement;                 // the top-level statement holding it: the unit a rewrite drops
  // How it is reached, outermost first: "pipeline", "substitution", "process_substitution",
  // "subshell", "function", "eval", "shell_string" (bash -c/sh -c), "source", "heredoc", "xargs",
  // "find_exec", "parallel", "watch", "awk_system", "git_alias", "interpreter" …
  std::vector<std::string> context;
  std::vector<std::string> wrappers;  // peeled wrappers: "sudo", "env", "timeout", "nohup" …
  bool dynamic_name = false;          // the name could not be resolved statically
  Location location;                  // set when the command comes from a written file
};

// Data moving from a source class to a sink class.
struct Flow {
  // Source classes: env_dump, secret_var, credential_file, credential_helper, local_file, network,
  // agent_input (what a coding agent hands its hooks on stdin: the tool calls, with their commands and
  // file contents).
  std::string from;
  // Sink classes: network, dns, exec (a shell or interpreter runs the data), persist (written into
  // something that runs later), output (printed into the model's context, unfiltered).
  std::string to;
  // Path taken: argument, pipe, substitution, variable, file, heredoc, herestring,
  // process_substitution, encoder, interpreter …
  std::vector<std::string> via;
  std::string source;  // what was read, as written: "env", "$AWS_SECRET_ACCESS_KEY", "~/.ssh/id_rsa"
  std::string sink;    // the sink command or device: "curl", "/dev/tcp", "bash"
  std::string host;    // destination host when it can be resolved (lower-case, no port)
  Span span;           // the sink (or the whole flow where one span covers it)
  Span statement;
  Location location;
};

// A risk or obfuscation marker that is not a flow.
// Names in use: decoded_exec, eval, dynamic_command_name, shell_string, reverse_shell,
// destructive_target, fork_bomb, persistence_write, security_off, privilege, world_writable,
// force_push, history_delete, new_remote, download_to_disk, remote_fetch_exec, secret_read,
// sensitive_path_write, analysis_limit …
struct Marker {
  std::string name;
  std::string detail;  // a short human-readable specific ("rm -rf /", "git config http.sslVerify false")
  std::string host;    // the destination it is about, when it names one (a registry a config file points to)
  Span span;
  Span statement;
  Location location;
};

// A match of a code detector (rules/code/*.yaml) in written code.
struct CodeMatch {
  std::string detector;  // detector id, e.g. "code.jwt.alg-confusion"
  std::string message;   // the detector's message with captures filled in
  std::string severity;  // the detector's suggested severity: low | medium | high | critical
  std::string language;  // "python", "javascript", …
  std::string node_text; // the matched node's source, clipped
  std::string node_type; // the matched node's type
  Span span;             // within the file's content
  Location location;     // path, line, column of the match
};

// One file a tool call writes, reconstructed from its arguments.
struct FileChange {
  std::string path;
  std::string new_text;   // whole new content, or the replacement text of an edit/hunk
  std::string old_text;   // the replaced text for edits (empty for whole-file writes)
  bool whole_file = true; // new_text is the file's complete content
  bool deleted = false;   // the call deletes the file
};

struct Facts {
  std::vector<Command> commands;
  std::vector<Flow> flows;
  std::vector<Marker> markers;
  std::vector<std::string> hosts;  // every network destination seen, resolved where possible
  std::vector<Span> statements;    // the shell script's top-level statements, in order
  std::vector<FileChange> files;   // for file-writing kinds
  std::vector<FileChange> inline_code;  // code an interpreter runs from the command line (python -c, node -e, a here-doc)
  std::vector<CodeMatch> code;     // code-detector matches
  bool complete = true;            // false: analysis hit a limit or could not parse; the fail mode decides
  std::string incomplete_reason;

  void merge(Facts other);  // appends other's facts (used when a file embeds commands)
};

// The same fact found twice (another reading of the same text), spans and locations aside.
bool same_flow(const Flow& a, const Flow& b);      // from, to, source, sink and host
bool same_marker(const Marker& a, const Marker& b);  // name and detail

}  // namespace toolwall
