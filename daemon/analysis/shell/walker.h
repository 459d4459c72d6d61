#pragma once
// The walker: visits the syntax tree of a script (and of every string it re-parses), evaluates words,
// models what each command reads and writes, and records Commands, Flows and Markers.
#include <tree_sitter/api.h>

#include <deque>
#include <map>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/shell/model.h"
#include "analysis/shell/parser.h"
#include "analysis/shell/plain_script.h"
#include "analysis/shell/shell_analyzer.h"
#include "core/cpu_clock.h"
#include "core/facts.h"

namespace toolwall::shell {

// A command ready to be modelled: its words after expansion, where it is, how it is reached.
struct Invocation {
  std::vector<Word> argv;               // argv[0] is the command word
  std::vector<std::string> wrappers;    // peeled so far
  std::vector<std::string> extra_context;
  Taints argument_taint;                // data arriving as arguments from outside (xargs)
  Span span;
  std::string name;                     // normalised name, filled by the walker
  std::vector<std::string> texts() const;  // argv texts
};

class Walker {
 public:
  struct FileState {
    Taints taint;
    std::optional<std::string> literal;
    bool executable = false;
    // A program compiled from sources the conversation wrote: the shell commands it runs.
    std::optional<std::string> program;
  };
  struct Variable {
    Word value;
    std::vector<Word> elements;  // arrays
    std::vector<std::string> keys;  // associative arrays: the key of each element (empty when indexed)
  };
  // What a script leaves for the next tool call of the same conversation: the files it wrote, the
  // variables it set (a persistent shell keeps them) and the directory it moved to. Syntax nodes and
  // spans are gone: they belonged to the earlier script.
  struct Carried {
    std::map<std::string, FileState, std::less<>> files;
    std::map<std::string, Variable, std::less<>> variables;
    std::string working_directory;
    std::vector<std::pair<std::string, Taints>> extracted;  // directories a clone or a downloaded archive filled
    Taints staged_secrets;  // secret files `git add` staged: they leave with the next push
    bool staged = false;    // anything was staged
    bool staged_tree = false;  // the whole tree was (git add -A, git add .)
    std::vector<std::string> cleared;  // variables unset and files removed: what it took away
    std::vector<std::pair<std::string, std::string>> git_settings;  // git config KEY VALUE that runs a command
    std::vector<std::string> hooks_dirs;  // core.hooksPath and template hooks directories
  };

  Walker(std::string_view script, const Limits& limits, Facts& facts);
  ~Walker();
  Walker(const Walker&) = delete;
  Walker& operator=(const Walker&) = delete;
  // Starts from what earlier calls left (before run()).
  void adopt(Carried carried);
  void read_stdin_from(Taint taint) { script_stdin_.taint.push_back(std::move(taint)); }
  void run();
  // What this walk leaves for a later call (after run()); every taint gains the step `via`.
  Carried carried(const std::string& via) const;

 private:
  struct Frame {
    std::string_view text;       // the text being walked
    bool nested = false;         // spans map to anchor
    Span anchor;                 // enclosing span in the original script
    std::string exec_sink;       // what runs this text ("bash", "eval" …)
    int nesting = 0;
    bool tolerant = false;       // syntax errors here do not make the analysis incomplete
  };
  struct Function {
    TSNode body;
    std::string_view text;       // the text the body node belongs to
    Frame frame;
  };

  // -- tree walking (walker.cpp)
  Stream walk(TSNode node, const Stream& in, int depth);
  Stream walk_sequence(TSNode node, const Stream& in, int depth);
  Stream walk_pipeline(TSNode node, const Stream& in, int depth);
  Stream walk_redirected(TSNode node, const Stream& in, int depth);
  Stream walk_command(TSNode node, const Stream& in, int depth);
  Stream walk_command_core(TSNode node, const Stream& in, int depth);
  std::optional<Word> dash_left_out_after(TSNode command) const;
  Stream apply_redirects(const std::vector<TSNode>& redirects, TSNode body, bool body_is_command, const Stream& in,
                         int depth);
  // What a command's file redirections do, whichever reading found them: where its input comes from
  // and where its output goes.
  struct RedirectPlan {
    struct Target {
      std::string path;
      std::string host;  // /dev/tcp
      bool stdout_too = true;
      Span span;
      bool append = false;
    };
    Stream input;
    std::vector<Target> targets;
    bool input_from_socket = false;
    bool consumed = false;  // the output went somewhere other than the pipe
  };
  void open_file_redirect(std::string op, const std::string& descriptor, const Word& target, Span span,
                          RedirectPlan& plan);
  // The body's output after its redirections: files written, sockets reached, what is left for the pipe.
  Stream deliver_output(RedirectPlan& plan, Stream result, const std::string& runner, Span body_span, int depth);
  // Counts a step of the walk at depth; false (and the limit recorded) when a cap is reached.
  bool step(int depth);
  // The stages of a pipeline, each reading what the one before printed.
  template <class StageWalk>
  Stream through_pipeline(size_t stages, const Stream& in, StageWalk walk_stage);
  Stream walk_stage(const Stage& stage, const Stream& in, int depth);
  void walk_assignment(TSNode node, int depth, bool persistent);
  // What an assignment does, however it was read: markers, commands a variable will run, the value kept.
  void assign(const std::string& name, const std::string& index, bool appends, Variable variable, Span span, int depth);
  Stream walk_declaration(TSNode node, int depth);
  void walk_unset(TSNode node);
  void define_function(TSNode node);
  Stream walk_for(TSNode node, const Stream& in, int depth);
  Stream walk_generic(TSNode node, const Stream& in, int depth);
  void walk_top_level(TSNode root);
  // A statement's pipeline, whichever reading found it (a syntax tree's Stage or a PlainCommand).
  template <class Statement, class StageWalk>
  Stream walk_statement(const Statement& statement, const Stream& in, int depth, StageWalk walk_stage);
  // Each statement's pipeline with its output checked, whichever reading found the statements.
  template <class Statements, class StageWalk>
  void walk_statements(const Statements& statements, StageWalk walk_stage);
  // A command of a script read without a syntax tree (plain_script.h): the walk its command node would get.
  // A script read by read_script_stages: its plain stages walked as read, and the few other simple
  // commands each parsed alone, as the parsed script would be walked. False (nothing walked) where
  // that cannot be sure.
  bool walk_read_statements(const std::vector<PlainStatement>& statements);
  Stream walk_plain_stage(const PlainCommand& command, const Stream& in, int depth);
  Stream run_plain_command(const PlainCommand& command, const Stream& in, int depth);
  void assign_plain(const PlainAssignment& assignment, int depth);
  Word plain_word(const PlainWord& plain, int node_index);
  void check_errors(TSNode root);
  void emit_output(const Stream& out, Span span);
  void collect_script_nodes(const std::vector<Word>& fields, size_t begin, std::set<int>& nodes) const;
  Stream record_builtin(std::string name, std::vector<std::string> argv, TSNode node);

  // -- words (walker.cpp)
  Word eval_word(TSNode node, bool run_substitutions, bool in_quotes, int depth);
  // Argument nodes, those the grammar split out of one bash word joined again.
  std::vector<std::vector<TSNode>> glued_words(const std::vector<TSNode>& nodes) const;
  // One bash word the grammar may have split into glued nodes (a lone "$" then "NAME…": $NAME).
  Word eval_glued_word(const std::vector<TSNode>& nodes, bool run_substitutions, int depth);
  void eval_part(TSNode node, Word& word, bool run, bool in_quotes, int depth);
  Word lookup_variable(std::string_view name, std::string_view index, std::string_view source);
  // $IFS as a word part: one blank in quotes, a field break outside them. False for any other name.
  bool expand_ifs(std::string_view name, bool in_quotes, Word& word) const;
  // A variable's value (after any operator) appended to the word being expanded.
  void append_expansion(Word& word, Word value, bool in_quotes);
  Word indirect_variable(std::string_view name, std::string_view source);
  void bind_nameref(const std::string& name);
  std::vector<Word> split_fields(Word word) const;
  std::string field_separators() const;  // the IFS in force for unquoted expansions
  Stream run_substitution(TSNode node, const Stream& in, int depth);

  // -- commands (flows.cpp)
  Stream run(Invocation inv, const Stream& in, int depth);
  // Binds $1 … $9, $@ and $* to argv[first …] while a function or `sh -c` script runs; returns what they were.
  std::vector<std::pair<std::string, std::optional<Variable>>> bind_positionals(const std::vector<Word>& argv,
                                                                              size_t first);
  void restore_positionals(std::vector<std::pair<std::string, std::optional<Variable>>> saved);
  void persisted_network_client(const Facts& scratch, const std::string& path, Span span);
  void track_directory_change(const std::vector<std::string>& args);
  void track_symlink(const std::vector<std::string>& args);
  // The arguments with relative paths resolved against a `cd` target; nullopt when nothing changes.
  std::optional<std::vector<std::string>> paths_from_working_directory(const std::string& name,
                                                                       const std::vector<std::string>& args) const;
  Stream model(Invocation& inv, const Stream& in, int depth);
  Stream model_network(Invocation& inv, const Stream& in);
  Stream model_shell(Invocation& inv, const Stream& in, int depth);
  Stream model_interpreter(Invocation& inv, const Stream& in, int depth);
  Stream model_readers(Invocation& inv, const Stream& in);
  Stream model_digest(Invocation& inv, const Stream& in);
  Stream model_find(Invocation& inv, const Stream& in, int depth);
  Stream model_xargs(Invocation& inv, const Stream& in_stream, int depth);
  Stream model_echo(Invocation& inv);
  Stream model_copy(Invocation& inv);
  Stream model_crontab(Invocation& inv, const Stream& in, int depth);
  Stream model_awk(Invocation& inv, const Stream& in, int depth);
  Stream model_dns(Invocation& inv);
  void model_registry_login(Invocation& inv, size_t first, const Stream& in);
  void apply_code_reading(Invocation& inv, std::string_view language, const std::string& code, const Taints& code_taint,
                          Stream& out, int depth);
  void model_git(Invocation& inv, int depth);
  // GIT_TRACE_CURL (or GIT_CURL_VERBOSE) with GIT_TRACE_REDACT=0: git prints its HTTP exchange with the
  // Authorization header and cookies, which it redacts by default. What git prints, or nothing when the
  // trace goes to a file (then the file holds them).
  Stream git_trace_output(const Invocation& inv, int depth);
  Stream git_content_output(const Invocation& inv) const;
  void model_git_config(const std::vector<std::string>& rest, Span span, int depth);
  void model_git_send_email(const std::vector<std::string>& rest, Span span);
  // npm/pnpm/yarn/bun publish, twine upload: true when name publishes a package (its files go out).
  bool model_package_publish(const std::string& name, const std::vector<std::string>& args, Span span);
  // zsh: ztcp HOST PORT opens a connection whose descriptor lands in $REPLY (or -d FD).
  void model_ztcp(const Invocation& inv);
  void connect_coproc(const std::string& name, const Stream& out);
  // zsh print: echo's output, or, with -u FD on a socket, the peer's input.
  Stream model_print(const Invocation& inv);
  bool in_hooks_directory(const std::string& path) const;
  // A script file a shell or interpreter runs (./x.sh, python x.py, source x): read in the
  // interpreter's language, or as shell.
  Stream run_script_file(Invocation& inv, const std::string& path, const Stream& in, int depth, const char* context);
  // How a program runs a file it is given: the language it reads it in ("shell" walks it as a script,
  // "" reads no text: compiled code), the stdin the file gets, the origin of nested findings, and
  // whether only downloaded content counts (a file loaded through the environment: local secrets
  // in it were judged where it was written).
  struct FileRun {
    std::string language;
    const Stream& in;
    const char* context;
    bool only_fetched;
  };
  // What running the file at path does: the secrets its content carries are executed, a program built
  // from C the conversation wrote runs its commands, and its text is read in run.language.
  Stream run_file(Invocation& inv, const std::string& path, const FileRun& run, int depth);
  Taints read_path(const std::string& path, std::optional<std::string>* literal = nullptr);
  // A file written earlier (in this script or by an earlier call) that path names, or null.
  // by_suffix: set when only the end of a longer absolute path matched (another spelling, or another file).
  FileState* find_file(const std::string& path, bool* by_suffix = nullptr);
  // What the named paths hold, a directory (".": the working tree) with every file written under it
  // earlier in the script: what git add stages and npm publish sends.
  Taints read_paths_with_contents(const std::vector<std::string>& paths);
  // A downloaded archive unpacked into directory ("" = the working directory): paths there come from it.
  void record_extraction(Taints taints, const std::string& directory);
  Taints extracted_taint(const std::string& path) const;
  void record_clone(const std::string& url, std::string directory);
  void mark_remote_package(const std::string& name, const std::vector<std::string>& args, Span span);
  void write_file(const std::string& path, const Stream& content, Span span, int depth, bool append = false);
  void record_file_change(const std::string& path, const Stream& content, bool append, bool extends);
  void record_inline_code(std::string_view language, const std::string& code);
  // The secrets in a commit, tag or note message (-m, --message, -F FILE) given from argv[first] on.
  Taints git_message_taints(const Invocation& inv, size_t first);
  // git apply, git am, patch: the files of a patch known here are written (other commands: nothing).
  void model_patch(const Invocation& inv, const Stream& in, int depth);
  void write_patched_file(const FileChange& change, const Stream& patch, Span span, int depth);
  void check_persistence(const std::string& path, const Stream& content, Span span, int depth);
  // ~/.netrc gives each `machine` its login and password: a secret written there is sent to that host by
  // the next curl -n, git or ftp.
  // A database client given a secret to log in to host (PGPASSWORD, -p…, a URL's password): the
  // secret_login marker, which the policy judges by where host is (a public tunnel is nobody's database).
  void mark_secret_login(const Invocation& inv, const std::string& host);
  void check_netrc_file(const std::string& path, const Stream& content, Span span);
  void check_served_file(const std::string& path, const Stream& content, Span span);
  void mark_unguarded_removal(const Invocation& inv);
  void analyse_payload(const std::string& text, std::string_view kind, const std::string& path, Span span, int depth);
  // Drops the secret variables sent to a destination the environment names for their own service
  // (`$GRAFANA_TOKEN` to `$GRAFANA_URL/…`, a webhook secret posted to itself); a variable this script sets is
  // not the environment's.
  void drop_secrets_sent_to_their_service(Taints& taints, std::string_view url) const;
  void emit_secret_flows(const Taints& taints, std::string_view to, const std::string& sink, const std::string& host,
                         Span span, std::string_view last_via, bool include_network = false);

  // -- the environment's hold on programs (ambient.cpp)
  // Notes a variable that changes what later programs load, run or fetch (is_ambient_variable).
  void remember_ambient(const std::string& name);
  // Follows, once per value in this walk, what the ambient variables in force make `inv` load, run or
  // fetch (`only`: just that variable, for an export). What loaded code prints is returned.
  Stream follow_ambient_variables(Invocation& inv, int depth, std::string_view only = {});
  Stream follow_ambient(Invocation& inv, const std::string& name, const Word& value, int depth);
  // The settings of a git config file the conversation wrote: read by the git command running now
  // (GIT_CONFIG_GLOBAL=F git push), or kept for later ones (git config include.path F).
  void read_git_config_file(const std::string& path, bool now, Span span, int depth);
  void apply_git_setting(const std::string& key, const std::string& value, bool now, Span span, int depth);
  // What git settings made earlier (git config core.fsmonitor CMD, alias.X '!CMD', hooks in a hooks
  // directory) make this git command run, each once per walk.
  void follow_git_settings(const Invocation& inv, const std::string& command, int depth);
  // Config files the conversation wrote that this program reads and runs commands from: a project's or
  // the home's .npmrc (node-options, script-shell), ~/.ssh/config (ProxyCommand, LocalCommand), python
  // startup files (a .pth's import lines, sitecustomize.py). Each once per walk.
  void follow_config_files(Invocation& inv, int depth);
  // cc/gcc/clang -o OUT SRC.c: OUT runs the shell commands its sources hand to system() or popen().
  void model_compiler(const Invocation& inv);

  // -- nested scripts (walker.cpp)
  std::string script_text(const Word& word, int depth);
  Stream analyse_nested(const std::string& text, const Stream& in, std::string_view context, Span span,
                        std::string_view exec_sink, int depth);

  // -- facts
  Span span_of(TSNode node) const;
  std::string_view text_of(TSNode node) const;
  // host: the destination the marker is about, when it names one (the policy's host lists judge it).
  void add_marker(std::string name, std::string detail, Span span, std::string host = {});
  void add_flow(Flow flow);
  void add_host(const std::string& host);
  void limit(std::string reason);
  void add_limit_reason(const std::string& reason);  // to facts already incomplete
  std::vector<std::string> current_context() const;

  // Parses text as bash splits its lines (parse_bash_lines may write ';' over joined newlines).
  TSTree* parse(std::string& text);

  std::string_view script_;
  const Limits& limits_;
  Facts* facts_;
  Facts& root_facts_;
  Frame frame_;
  Span statement_;
  std::vector<std::string> context_;
  std::map<std::string, Variable, std::less<>> variables_;
  Taints git_staged_secrets_;       // secret files named to `git add` earlier in the script
  bool git_added_ = false;          // `git add` ran
  bool git_added_tree_ = false;     // `git add -A` or `git add .` ran
  std::map<std::string, std::string, std::less<>> symlinks_;  // ln -s TARGET LINK: link → target
  std::string working_directory_;  // set by a literal `cd`; empty = the project directory (unknown)
  std::map<std::string, Function, std::less<>> functions_;
  std::map<std::string, std::string, std::less<>> aliases_;
  std::map<std::string, FileState, std::less<>> files_;
  std::map<std::string, std::string, std::less<>> git_remotes_;
  std::vector<std::pair<std::string, Taints>> extracted_;  // downloaded archives unpacked: directory, origin
  std::vector<std::string> hooks_dirs_;
  std::vector<std::string> ambient_set_;               // ambient variables assigned (remember_ambient)
  std::set<std::string, std::less<>> ambient_followed_;  // NAME=value already followed in this walk
  int git_config_files_read_ = 0;
  std::vector<std::string> cleared_;  // variables unset and files removed in this walk
  std::vector<std::pair<std::string, std::string>> git_settings_;  // git config KEY VALUE that runs a command                      // include.path chains end  // git config core.hooksPath targets named earlier in the script
  std::set<std::string, std::less<>> active_functions_;
  std::deque<std::string> texts_;     // re-parsed strings, kept alive for their trees
  std::vector<TSTree*> trees_;
  CpuDeadline deadline_;  // the parse budget, in this thread's CPU time
  size_t steps_ = 0;
  size_t expanded_bytes_ = 0;         // text produced by expansions, capped (x=$x$x doubling)
  bool spend_expansion(size_t bytes);
  bool stopped_ = false;              // a hard limit was hit: stop walking
  std::string last_command_;
  Stream pending_stdin_;
  Stream script_stdin_;  // what the script itself reads on stdin (a hook's input), else nothing
  std::map<std::string, std::string, std::less<>> socket_fds_;  // exec 5<>/dev/tcp/h/p: fd → path              // what a command's >(…) substitutions receive (tee)          // name of the last command modelled (redirect checks)
};

}  // namespace toolwall::shell
