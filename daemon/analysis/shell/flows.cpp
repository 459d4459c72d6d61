// What each command does with data: sources it reads, what it prints, which sinks it feeds.
// Member functions of Walker that model one Invocation (the tree walk is in walker.cpp).
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "analysis/shell/ambient.h"
#include "analysis/shell/catalog.h"
#include "analysis/shell/interpreters.h"
#include "analysis/shell/markers.h"
#include "analysis/shell/name_set.h"
#include "analysis/shell/walker.h"
#include "analysis/shell/words.h"
#include "core/hosts.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

// $SHELL, ${SHELL}, ${SHELL##*/} or ${SHELL:-bash}, quoted or not.
bool names_login_shell(std::string_view word) {
  if (word.size() >= 2 && word.front() == '"' && word.back() == '"') word = word.substr(1, word.size() - 2);
  if (word == "$SHELL") return true;
  if (word.rfind("${SHELL", 0) != 0 || word.back() != '}') return false;
  std::string_view rest = word.substr(7, word.size() - 8);
  return rest.empty() || rest.front() == '#' || rest.front() == '%' || rest.front() == ':';
}

// A file written earlier lies under a directory given to `git add` (".": the working tree, every
// relative path).
bool path_under_directory(std::string_view path, std::string_view directory) {
  auto relative = [](std::string_view p) {
    while (starts_with(p, "./")) p.remove_prefix(2);
    return p;
  };
  path = relative(path);
  directory = relative(directory);
  while (directory.size() > 1 && directory.back() == '/') directory.remove_suffix(1);
  if (directory.empty() || directory == ".")
    return !path.empty() && path[0] != '/' && path[0] != '~' && path[0] != '$';
  return path.size() > directory.size() && starts_with(path, directory) && path[directory.size()] == '/';
}

// make -f - / -f /dev/stdin / --file=- : the makefile is read from stdin.
bool makefile_from_stdin(const std::vector<std::string>& args) {
  auto is_stdin = [](std::string_view file) { return file == "-" || file == "/dev/stdin"; };
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if ((arg == "-f" || arg == "--file" || arg == "--makefile") && i + 1 < args.size() && is_stdin(args[i + 1])) return true;
    if ((starts_with(arg, "-f") && is_stdin(arg.substr(2))) || (starts_with(arg, "--file=") && is_stdin(arg.substr(7))) ||
        (starts_with(arg, "--makefile=") && is_stdin(arg.substr(11))))
      return true;
  }
  return false;
}

// The recipe lines of a makefile as one script: each tab-indented line without make's @, - and +
// prefixes, $$ as the shell's $.
std::string makefile_recipes(std::string_view makefile) {
  std::string out;
  size_t start = 0;
  while (start < makefile.size()) {
    size_t end = std::min(makefile.find('\n', start), makefile.size());
    std::string_view line = makefile.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] != '\t') continue;
    line.remove_prefix(line.find_first_not_of("\t @-+") == std::string_view::npos ? line.size()
                                                                                    : line.find_first_not_of("\t @-+"));
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '$' && i + 1 < line.size() && line[i + 1] == '$') ++i;
      out += line[i];
    }
    out += '\n';
  }
  return out;
}

// One option of a command line: "-d" / "--data" with its value, and which word the value sits in.
struct Option {
  std::string name;
  std::string value;
  int word = -1;  // argv index holding the value (-1: none)
};

struct ParsedArgs {
  std::vector<Option> options;
  std::vector<size_t> positionals;  // argv indices
  const Option* find(std::initializer_list<std::string_view> names) const {
    for (const auto& option : options)
      for (auto name : names)
        if (option.name == name) return &option;
    return nullptr;
  }
  bool has(std::initializer_list<std::string_view> names) const { return find(names) != nullptr; }
};

// getopt-like: short options in clusters, values attached or in the next word; long options with = or next word.
ParsedArgs parse_args(const std::vector<Word>& argv, size_t first, std::string_view short_with_value,
                      std::initializer_list<std::string_view> long_with_value) {
  ParsedArgs parsed;
  bool options_done = false;
  for (size_t i = first; i < argv.size(); ++i) {
    const std::string& arg = argv[i].text;
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      parsed.positionals.push_back(i);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg[1] == '-') {
      size_t equals = arg.find('=');
      std::string key = arg.substr(0, equals);
      Option option{key, {}, -1};
      if (equals != std::string::npos) {
        option.value = arg.substr(equals + 1);
        option.word = static_cast<int>(i);
      } else if (std::find(long_with_value.begin(), long_with_value.end(), key) != long_with_value.end() &&
                 i + 1 < argv.size()) {
        option.value = argv[++i].text;
        option.word = static_cast<int>(i);
      }
      parsed.options.push_back(std::move(option));
      continue;
    }
    for (size_t k = 1; k < arg.size(); ++k) {
      Option option{std::string("-") + arg[k], {}, -1};
      if (short_with_value.find(arg[k]) != std::string_view::npos) {
        if (k + 1 < arg.size()) {
          option.value = arg.substr(k + 1);
          option.word = static_cast<int>(i);
        } else if (i + 1 < argv.size()) {
          option.value = argv[++i].text;
          option.word = static_cast<int>(i);
        }
        parsed.options.push_back(std::move(option));
        break;
      }
      parsed.options.push_back(std::move(option));
    }
  }
  return parsed;
}

std::string join_texts(const std::vector<Word>& argv, size_t first, size_t max_words = 12) {
  std::string out;
  for (size_t i = first; i < argv.size() && i < first + max_words; ++i) out += (out.empty() ? "" : " ") + argv[i].text;
  return out;
}

std::string url_file_name(const std::string& url) {
  std::string path = url;
  size_t query = path.find_first_of("?#");
  if (query != std::string::npos) path.resize(query);
  std::string_view base = base_name(path);
  if (base.empty() || path.find('/', path.find("://") + 3) == std::string::npos) return "index.html";
  return std::string(base);
}

Taints word_taints(const std::vector<Word>& argv, size_t first) {
  Taints out;
  for (size_t i = first; i < argv.size(); ++i) {
    Taints taints = argv[i].taint;
    add_via(taints, "argument");
    merge_taints(out, taints);
  }
  return out;
}

// tar's operands: old-style "czf out.tgz dir" or "-czf out.tgz dir" or "--create --file=out.tgz dir".
struct TarLayout {
  bool create = false;
  bool extract = false;
  std::string archive;
  std::string directory;  // -C DIR: where it extracts
  std::vector<std::string> inputs;  // members to archive, each resolved against the -C given before it
};

// A member named after -C DIR is DIR/member (tar czf - -C ~ .ssh reads ~/.ssh).
std::string tar_member(const std::string& directory, const std::string& member) {
  if (directory.empty() || member.empty() || member[0] == '/' || member[0] == '~' || member[0] == '$') return member;
  std::string base = directory;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return member == "." ? base : base + "/" + member;
}
TarLayout tar_layout(const std::vector<Word>& argv) {
  TarLayout layout;
  bool wants_archive = false;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i].text;
    bool cluster = (i == 1 && !arg.empty() && arg[0] != '-' && arg.find_first_not_of("cxtruvzjJfpaOSkCP") == std::string::npos) ||
                   (arg.size() > 1 && arg[0] == '-' && arg[1] != '-');
    if (wants_archive) {
      layout.archive = arg;
      wants_archive = false;
      continue;
    }
    if (cluster) {
      size_t f = arg.find('f');
      if (arg.find('c') != std::string::npos) layout.create = true;
      if (arg.find('x') != std::string::npos) layout.extract = true;
      if (arg == "-C" && i + 1 < argv.size()) layout.directory = argv[i + 1].text;
      if (f != std::string::npos) {
        if (f + 1 < arg.size() && arg[0] == '-') layout.archive = arg.substr(f + 1);
        else wants_archive = true;
      }
      if (arg == "-C" || arg == "-T" || arg == "-X") ++i;
      continue;
    }
    if (arg.rfind("--", 0) == 0) {
      if (arg == "--create") layout.create = true;
      if (arg == "--extract" || arg == "--get") layout.extract = true;
      if (arg.rfind("--directory=", 0) == 0) layout.directory = arg.substr(12);
      if (arg.rfind("--file=", 0) == 0) layout.archive = arg.substr(7);
      if (arg == "--file") wants_archive = true;
      continue;
    }
    layout.inputs.push_back(tar_member(layout.directory, arg));
  }
  return layout;
}

// The text a sed script inserts, appends or puts in place of lines (`1i TEXT`, `$a\\TEXT`, `/re/c TEXT`).
std::string sed_inserted_text(const std::string& script) {
  std::string out;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    std::string line = script.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? script.size() : end + 1;
    size_t i = 0;
    // Address: line numbers, $, /regex/, and a range of them.
    for (int part = 0; part < 2 && i < line.size(); ++part) {
      if (line[i] == '/') {
        size_t close = line.find('/', i + 1);
        if (close == std::string::npos) break;
        i = close + 1;
      } else {
        while (i < line.size() && (std::isdigit(static_cast<unsigned char>(line[i])) || line[i] == '$')) ++i;
      }
      if (i < line.size() && line[i] == ',') ++i;
      else break;
    }
    while (i < line.size() && line[i] == ' ') ++i;
    if (i >= line.size() || (line[i] != 'i' && line[i] != 'a' && line[i] != 'c')) continue;
    ++i;
    if (i < line.size() && line[i] == '\\') ++i;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    out += line.substr(i) + "\n";
  }
  return out;
}

// An awk program that prints every input line as it is.
bool prints_whole_lines(std::string program) {
  program.erase(std::remove_if(program.begin(), program.end(), [](char c) { return c == ' ' || c == '\t' || c == ';'; }),
                program.end());
  return program == "1" || program == "{print}" || program == "{print$0}" || program == "//" || program == "NF" ||
         program == "{print$0}1" || program.empty();
}

// A pattern that names secret-looking data (KEY, TOKEN …): what it keeps is the secret part.
bool names_secret(const std::string& pattern) {
  std::string upper = pattern;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::string_view part : {"KEY", "TOKEN", "SECRET", "PASS", "AUTH", "CRED", "AWS", "PRIVATE", "SESSION", "COOKIE"})
    if (upper.find(part) != std::string::npos) return true;
  return false;
}

// jq '.client_email, .project_id': named fields only, none of them secret-looking (a grep for plain words
// of the JSON). `.`, `.[]`, recursion and functions print more than they name.
bool jq_picks_plain_fields(std::string_view program) {
  size_t fields = 0;
  for (size_t i = 0; i < program.size();) {
    char c = program[i];
    if (c == ' ' || c == ',' || c == '|' || c == '\t') {
      ++i;
      continue;
    }
    if (c != '.' || i + 1 >= program.size()) return false;
    size_t end = i + 1;
    // .items[].metadata.name: iteration and indexes between the names.
    while (end < program.size() && (std::isalnum(static_cast<unsigned char>(program[end])) || program[end] == '_' ||
                                    program[end] == '.' || program[end] == '-' || program[end] == '[' ||
                                    program[end] == ']'))
      ++end;
    std::string path(program.substr(i, end - i));
    if (path.size() < 2 || path.find("..") != std::string::npos || names_secret(path)) return false;
    // What a secret store keeps its values under: Kubernetes' .data and .stringData, AWS's SecretString
    // and Parameter.Value, a vault's .data.data.
    std::string segment;
    for (size_t k = 1; k <= path.size(); ++k) {
      if (k < path.size() && path[k] != '.' && path[k] != '[') {
        if (path[k] != ']') segment += path[k];
        continue;
      }
      static const NameSet values{"data", "stringData", "SecretString", "SecretBinary", "Value", "value", "values",
                                  "Plaintext", "auths", "secrets", "credentials"};
      if (values.count(segment)) return false;
      segment.clear();
    }
    ++fields;
    i = end;
  }
  return fields > 0;
}

// String literals an interpreter one-liner prints (print "…", print('…'), console.log(…), puts, echo, say),
// with backslash escapes decoded, one line each.
std::string printed_literals(const std::string& code) {
  std::string out;
  for (std::string_view call : {"print", "console.log", "puts", "echo", "say", "printf", "process.stdout.write"}) {
    for (size_t at = code.find(call); at != std::string::npos && out.size() < 65536; at = code.find(call, at + 1)) {
      if (at > 0 && (std::isalnum(static_cast<unsigned char>(code[at - 1])) || code[at - 1] == '_')) continue;
      size_t k = at + call.size();
      while (k < code.size() && (code[k] == ' ' || code[k] == '(')) ++k;
      if (k >= code.size() || (code[k] != '"' && code[k] != '\'' && code[k] != '`')) continue;
      char quote = code[k];
      size_t end = k + 1;
      while (end < code.size() && code[end] != quote) end += code[end] == '\\' ? 2 : 1;
      if (end >= code.size()) continue;
      std::string text = decode_printf(code.substr(k + 1, end - k - 1));
      out += text;
      if (call != "printf" && call != "process.stdout.write" && (text.empty() || text.back() != '\n')) out += "\n";
    }
  }
  return out;
}

// Items of a launchd plist's <string> elements, each single-quoted: ProgramArguments as a command line.
std::string plist_command(const std::string& text) {
  std::string out;
  for (size_t at = text.find("<string>"); at != std::string::npos; at = text.find("<string>", at + 8)) {
    size_t end = text.find("</string>", at + 8);
    if (end == std::string::npos) break;
    if (!out.empty()) out += ' ';
    out += single_quoted(std::string_view(text).substr(at + 8, end - at - 8));
  }
  return out;
}

// A jq program that prints the whole environment: `env` or `$ENV` not followed by a field or index.
bool jq_dumps_environment(const std::vector<Word>& argv) {
  ParsedArgs parsed = parse_args(argv, 1, "fL", {"--arg", "--argjson", "--slurpfile", "--rawfile", "--indent",
                                                 "--from-file"});
  if (parsed.has({"-f", "--from-file"}) || parsed.positionals.empty()) return false;
  const std::string& program = argv[parsed.positionals.front()].text;
  for (std::string_view token : {"$ENV", "env"}) {
    for (size_t at = program.find(token); at != std::string::npos; at = program.find(token, at + 1)) {
      size_t end = at + token.size();
      char before = at > 0 ? program[at - 1] : ' ';
      char after = end < program.size() ? program[end] : ' ';
      bool word_start = token[0] == '$' || !(std::isalnum(static_cast<unsigned char>(before)) || before == '_' ||
                                             before == '.' || before == '$');
      bool whole = !(std::isalnum(static_cast<unsigned char>(after)) || after == '_' || after == '.' || after == '[');
      if (word_start && whole) return true;
    }
  }
  return false;
}

// Words from argv[first] on, each single-quoted, as a command line a shell would read back the same.
std::string quoted_words(const std::vector<Word>& argv, size_t first) {
  std::string out;
  for (size_t i = first; i < argv.size(); ++i) {
    if (!out.empty()) out += ' ';
    out += single_quoted(argv[i].text);
  }
  return out;
}

// The files that `put FILE [REMOTE]` / `mput FILE…` lines of an sftp, ftp or smbclient batch upload.
std::vector<std::string> put_commands(const std::string& batch) {
  std::vector<std::string> paths;
  size_t start = 0;
  while (start < batch.size() && paths.size() < 16) {
    size_t end = batch.find_first_of("\n;", start);
    std::string line = batch.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? batch.size() : end + 1;
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    for (std::string_view verb : {"put ", "mput ", "reput ", "append "})
      if (line.rfind(verb, 0) == 0) {
        std::string rest = line.substr(verb.size());
        rest = rest.substr(rest.find_first_not_of(' ') == std::string::npos ? 0 : rest.find_first_not_of(' '));
        if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) rest = rest.substr(1, rest.find(rest[0], 1) - 1);
        else rest = rest.substr(0, rest.find(' '));
        if (!rest.empty()) paths.push_back(rest);
      }
  }
  return paths;
}

// Where `login` sits in a container registry login (docker login, podman login, helm registry login …).
std::optional<size_t> registry_login_index(const std::string& name, const std::vector<std::string>& args) {
  static const NameSet clients{"docker", "podman", "nerdctl", "buildah", "skopeo", "oras", "crane",
                               "helm", "regctl"};
  if (!clients.count(name)) return std::nullopt;
  for (size_t i = 0; i < args.size() && i < 3; ++i) {
    if (args[i] == "login") return i + 1;  // argv index: args start at argv[1]
    if (args[i] != "registry" && (args[i].empty() || args[i][0] != '-')) return std::nullopt;
  }
  return std::nullopt;
}

// The pattern a grep-like filter searches for: -e PATTERN, else its first operand.
std::string filter_pattern(const std::vector<Word>& argv, const ParsedArgs& parsed) {
  if (const Option* option = parsed.find({"-e", "--regexp"})) return option->value;
  return parsed.positionals.empty() ? std::string() : argv[parsed.positionals[0]].text;
}

// grep -l PATTERN …: when PATTERN looks for secret content, or the search runs where every file is a
// credential (~/.ssh, ~/.aws), a description of the files it lists.
std::string files_with_secret_content(const std::vector<Word>& argv, const ParsedArgs& parsed) {
  std::string pattern = filter_pattern(argv, parsed);
  std::string folded = lower(pattern);
  for (std::string_view part : {"private key", "secret", "token", "password", "passwd", "api_key", "apikey", "akia",
                                "begin rsa", "begin openssh", "begin ec", "credential", "aws_"})
    if (folded.find(part) != std::string::npos) return "files matching '" + pattern + "'";
  bool pattern_is_operand = !parsed.has({"-e", "--regexp", "-f", "--file"});
  for (size_t k = pattern_is_operand ? 1 : 0; k < parsed.positionals.size(); ++k) {
    const std::string& root = argv[parsed.positionals[k]].text;
    if (classify_path(root) == PathClass::credential || classify_path(root + "/x") == PathClass::credential)
      return "files under " + root;
  }
  return {};
}

struct BindMount {
  std::string source;  // on the host
  std::string target;  // in the container
};

// docker/podman run -v SRC:DST[:ro], --volume=…, --mount type=bind,source=…,target=…
std::vector<BindMount> bind_mounts(const std::vector<std::string>& args) {
  std::vector<BindMount> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string spec;
    if ((arg == "-v" || arg == "--volume" || arg == "--mount") && i + 1 < args.size()) spec = args[i + 1];
    else if (starts_with(arg, "--volume=") || starts_with(arg, "--mount=")) spec = arg.substr(arg.find('=') + 1);
    else if (starts_with(arg, "-v") && arg.size() > 2) spec = arg.substr(2);
    if (spec.empty()) continue;
    BindMount mount;
    if (arg == "--mount" || starts_with(arg, "--mount=")) {
      for (size_t start = 0; start <= spec.size();) {
        size_t comma = spec.find(',', start);
        std::string field = spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        size_t equals = field.find('=');
        std::string key = field.substr(0, equals), value = equals == std::string::npos ? "" : field.substr(equals + 1);
        if (key == "source" || key == "src") mount.source = value;
        if (key == "target" || key == "dst" || key == "destination") mount.target = value;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else {
      size_t colon = spec.find(':');
      if (colon == std::string::npos) continue;
      mount.source = spec.substr(0, colon);
      mount.target = spec.substr(colon + 1, spec.find(':', colon + 1) - colon - 1);
    }
    if (!mount.source.empty() && !mount.target.empty() && mount.target[0] == '/') out.push_back(std::move(mount));
  }
  return out;
}

// docker|podman|nerdctl run IMAGE CMD…: the index in args of CMD, or nullopt (no command, or not run).
std::optional<size_t> container_command_index(const std::vector<std::string>& args) {
  static const NameSet with_value{"-v", "--volume", "--mount", "-e", "--env", "--env-file", "-p", "--publish", "--name",
                                  "-w", "--workdir", "-u", "--user", "--network", "--net", "--entrypoint", "-l",
                                  "--label", "--platform", "--pull", "--restart", "-m", "--memory", "--cpus", "-h",
                                  "--hostname", "--add-host", "--device", "--cap-add", "--cap-drop", "--security-opt",
                                  "--log-driver", "--log-opt", "--ulimit", "--tmpfs", "--dns", "--ipc", "--pid", "--gpus",
                                  "--runtime", "--stop-signal", "-a", "--attach", "--cidfile", "--shm-size", "--group-add"};
  size_t i = 0;
  auto is_option = [](const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; };
  while (i < args.size() && is_option(args[i])) i += 1;  // docker's own options (--context x is rare here)
  if (i >= args.size() || (args[i] != "run" && !(args[i] == "container" && i + 1 < args.size() && args[i + 1] == "run")))
    return std::nullopt;
  i += args[i] == "run" ? 1 : 2;
  while (i < args.size() && is_option(args[i])) i += with_value.count(args[i]) ? 2 : 1;
  if (i + 1 >= args.size()) return std::nullopt;  // the image and nothing after it
  return i + 1;
}

// A host path whose contents matter when a container reads it: the home, credentials, /etc, the root.
bool sensitive_mount_source(const std::string& source) {
  std::string path = home_relative(source);
  return path == "/" || path == "~" || starts_with(path, "~/") || path == "/etc" || starts_with(path, "/etc/") ||
         starts_with(path, "/root") || classify_path(path) != PathClass::ordinary;
}

// The container's script with paths under a sensitive mount's target written as the host paths they are
// (`-v ~/.aws:/a … cat /a/credentials` reads ~/.aws/credentials). Only whole path starts are replaced.
std::string with_host_paths(std::string script, const std::vector<BindMount>& mounts) {
  for (const auto& mount : mounts) {
    if (!sensitive_mount_source(mount.source) || mount.target == "/") continue;
    std::string host = home_relative(mount.source);
    for (size_t at = script.find(mount.target); at != std::string::npos; at = script.find(mount.target, at)) {
      size_t end = at + mount.target.size();
      bool starts_word = at == 0 || std::string_view(" \t\n'\"=<>(:;|&").find(script[at - 1]) != std::string_view::npos;
      bool ends_path = end == script.size() || script[end] == '/' ||
                       std::string_view(" \t\n'\";|&)>").find(script[end]) != std::string_view::npos;
      if (!starts_word || !ends_path) {
        at = end;
        continue;
      }
      // -v /:/host: /host/etc is /etc, not //etc.
      std::string replacement = host == "/" && end < script.size() && script[end] == '/' ? std::string() : host;
      script.replace(at, mount.target.size(), replacement);
      at += replacement.size();
    }
  }
  return script;
}

}  // namespace

void Walker::drop_secrets_sent_to_their_service(Taints& taints, std::string_view url) const {
  std::string variable = host_variable_of(url);
  if (variable.empty() || variables_.count(variable)) return;
  std::erase_if(taints, [&](const Taint& t) {
    return t.from == "secret_var" && t.source.size() > 1 && t.source[0] == '$' && names_one_service(t.source.substr(1), variable);
  });
}

void Walker::emit_secret_flows(const Taints& taints, std::string_view to, const std::string& sink,
                               const std::string& host, Span span, std::string_view last_via, bool include_network) {
  for (const auto& taint : taints) {
    bool wanted = is_secret_class(taint.from) || (taint.from == "local_file" && to == "network") ||
                  (include_network && taint.from == "network");
    if (!wanted) continue;
    Flow flow;
    flow.from = taint.from;
    flow.to = std::string(to);
    flow.via = taint.via;
    if (!last_via.empty() && (flow.via.empty() || flow.via.back() != last_via)) flow.via.push_back(std::string(last_via));
    flow.source = taint.source;
    flow.sink = sink;
    flow.host = host.empty() && to == "exec" ? std::string() : host;
    if (to == "exec" && host.empty()) flow.host = taint.host;
    flow.span = span;
    add_flow(std::move(flow));
  }
}

Taints Walker::read_paths_with_contents(const std::vector<std::string>& paths) {
  Taints out;
  for (const auto& named : paths) {
    merge_taints(out, read_path(named, nullptr));
    for (const auto& [path, file] : files_)
      if (!file.taint.empty() && path_under_directory(path, named)) {
        Taints taints = file.taint;
        add_via(taints, "file");
        merge_taints(out, taints);
      }
  }
  return out;
}

Walker::FileState* Walker::find_file(const std::string& path, bool* by_suffix) {
  if (by_suffix) *by_suffix = false;
  auto file = files_.find(path);
  if (file == files_.end() && starts_with(path, "./")) file = files_.find(path.substr(2));
  if (file == files_.end() && !path.empty() && path[0] != '/' && path[0] != '.' && path[0] != '~')
    file = files_.find("./" + path);
  if (file != files_.end()) return &file->second;
  // "$PWD/tools/watch.sh" is tools/watch.sh.
  for (std::string_view here : {"$PWD/", "${PWD}/"})
    if (starts_with(path, here) && path.size() > here.size()) return find_file(path.substr(here.size()), by_suffix);
  // ~/.pythonrc.py and /home/me/.pythonrc.py, $HOME/x and ~/x: one file.
  if (!path.empty() && (path[0] == '~' || path[0] == '$' || starts_with(path, "/home/") || starts_with(path, "/root/"))) {
    std::string home = home_relative(path);
    if (starts_with(home, "~/"))
      for (auto& [name, state] : files_)
        if ((name[0] == '~' || name[0] == '$' || starts_with(name, "/home/") || starts_with(name, "/root/")) &&
            home_relative(name) == home)
          return &state;
  }
  // An earlier call's editor tool wrote /home/me/app/run.sh; the shell, in the project, names run.sh.
  std::string_view relative = starts_with(path, "./") ? std::string_view(path).substr(2) : std::string_view(path);
  if (relative.empty() || relative[0] == '/' || relative[0] == '~' || starts_with(relative, "../")) return nullptr;
  for (auto& [name, state] : files_)
    if (name.size() > relative.size() && name[0] == '/' && ends_with(name, relative) &&
        name[name.size() - relative.size() - 1] == '/') {
      if (by_suffix) *by_suffix = true;
      return &state;
    }
  return nullptr;
}

Taints Walker::read_path(const std::string& path, std::optional<std::string>* literal) {
  Taints out;
  bool by_suffix = false;
  FileState* file = find_file(path, &by_suffix);
  if (!file && path.find_first_of("*?[") != std::string::npos) {
    // for f in /tmp/e_*: a glob reads every file written earlier that it matches.
    Taints matched;
    for (const auto& [name, state] : files_)
      if (glob_match(path, name)) merge_taints(matched, state.taint);
    if (!matched.empty()) {
      add_via(matched, "file");
      return matched;
    }
  }
  // A path matched only by its end (an editor tool's /home/me/app/.env for the shell's .env) may be
  // another file: one at a credential path stays a credential.
  if (file && !by_suffix) {
    out = file->taint;
    add_via(out, "file");
    if (literal) *literal = file->literal;
    return out;
  }
  if (file) {
    out = file->taint;
    add_via(out, "file");
    if (literal) *literal = file->literal;
  }
  std::string where = path;
  PathClass kind = classify_path(path);
  if (kind == PathClass::ordinary && !working_directory_.empty() && !path.empty() && path[0] != '/' && path[0] != '~' &&
      path[0] != '$') {
    // `cd ~/.aws && curl -T credentials …`: a relative path is read from the directory a literal cd moved to.
    std::string resolved = working_directory_ + "/" + (starts_with(path, "./") ? path.substr(2) : path);
    if (classify_path(resolved) != PathClass::ordinary) {
      kind = classify_path(resolved);
      where = resolved;
    }
  }
  switch (kind) {
    case PathClass::credential: out.push_back(Taint{"credential_file", where, {}, {}, false}); break;
    case PathClass::environment: out.push_back(Taint{"env_dump", where, {}, {}, false}); break;
    case PathClass::ordinary: break;
  }
  return out;
}

void Walker::write_file(const std::string& path, const Stream& content, Span span, int depth, bool append) {
  // `> /etc/passwd`, `cp x /etc/shadow`: overwriting the accounts or boot files breaks the system.
  if (!append && is_critical_system_file(path)) add_marker("destructive_target", path + " (overwritten)", span);
  FileState& file = files_[path];
  bool extends = append && file.literal.has_value();
  if (append) {
    merge_taints(file.taint, content.taint);
    if (file.literal && content.literal) *file.literal += *content.literal;
    else if (!content.literal) file.literal.reset();
    else if (!file.literal) file.literal = content.literal;
  } else {
    file.taint = content.taint;
    file.literal = content.literal;
  }
  record_file_change(path, content, append, extends);
  check_persistence(path, content, span, depth);
  check_served_file(path, content, span);
  check_netrc_file(path, content, span);
}

void Walker::mark_secret_login(const Invocation& inv, const std::string& host) {
  Taints login;
  for (std::string_view variable : {"PGPASSWORD", "MYSQL_PWD", "REDISCLI_AUTH"})
    if (auto set = variables_.find(std::string(variable)); set != variables_.end()) merge_taints(login, set->second.value.taint);
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const Word& word = inv.argv[i];
    bool password_option = word.text == "-a" || word.text == "--pass" || word.text == "--password" || word.text == "-p";
    if (password_option && i + 1 < inv.argv.size() && (word.text != "-p" || inv.name == "redis-cli"))
      merge_taints(login, inv.argv[i + 1].taint);
    else if (starts_with(word.text, "--password=") || (starts_with(word.text, "-p") && inv.name != "redis-cli") ||
             is_url(word.text))
      merge_taints(login, word.taint);  // mysql -pSECRET, postgres://u:SECRET@host/db
  }
  for (const auto& taint : login)
    if (is_secret_class(taint.from)) {
      add_marker("secret_login", inv.name + " logs in to " + host + " with " + taint.source, inv.span, host);
      return;
    }
}

void Walker::check_netrc_file(const std::string& path, const Stream& content, Span span) {
  std::string_view name = base_name(path);
  if (name != ".netrc" && name != "_netrc") return;
  Taints secrets;
  for (const auto& taint : content.taint)
    if (is_secret_class(taint.from)) secrets.push_back(taint);
  if (secrets.empty()) return;
  add_via(secrets, "file");
  // Each `machine HOST …` entry up to the next is that host's: a secret goes to the hosts whose entries
  // hold it (every entry's when the text does not show where it went; unresolved when none is known).
  struct Entry {
    std::string host;  // empty for `default`
    std::string_view text;
  };
  std::vector<Entry> entries;
  std::string_view text = content.literal ? std::string_view(*content.literal) : std::string_view();
  std::vector<std::string_view> tokens;
  for (size_t at = 0; at < text.size() && tokens.size() < 512;) {
    size_t begin = text.find_first_not_of(" \t\r\n", at);
    if (begin == std::string_view::npos) break;
    size_t end = std::min(text.find_first_of(" \t\r\n", begin), text.size());
    tokens.push_back(text.substr(begin, end - begin));
    at = end;
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] != "machine" && tokens[i] != "default") continue;
    if (!entries.empty())  // the previous entry ends where this one starts
      entries.back().text = text.substr(entries.back().text.data() - text.data(), tokens[i].data() - entries.back().text.data());
    std::string host = tokens[i] == "machine" && i + 1 < tokens.size() ? lower(tokens[i + 1]) : std::string();
    entries.push_back(Entry{host, text.substr(tokens[i].data() - text.data())});
  }
  for (const auto& secret : secrets) {
    std::vector<std::string> hosts;
    for (const auto& entry : entries)
      if (entry.text.find(secret.source) != std::string_view::npos) hosts.push_back(entry.host);
    if (hosts.empty())
      for (const auto& entry : entries) hosts.push_back(entry.host);
    if (hosts.empty()) hosts.emplace_back();
    for (const auto& host : hosts) {
      add_host(host);
      emit_secret_flows({secret}, "network", path, host, span, "");
    }
  }
}

// A web root (public/, static/, www/, htdocs/ …) is served to anyone: a secret written there is sent.
void Walker::check_served_file(const std::string& path, const Stream& content, Span span) {
  std::string normal = "/" + path;
  bool served = false;
  for (std::string_view root : {"/public/", "/static/", "/www/", "/htdocs/", "/wwwroot/", "/_site/"})
    served = served || normal.find(root) != std::string::npos;
  if (!served) return;
  Taints secrets;
  for (const auto& taint : content.taint)
    if (is_secret_class(taint.from)) secrets.push_back(taint);
  add_via(secrets, "served file");
  emit_secret_flows(secrets, "network", path, "", span, "");
}

void Walker::record_file_change(const std::string& path, const Stream& content, bool append, bool extends) {
  // Literal content written into a file is code analysis' business (the engine composes): record it as
  // the same FileChange a Write tool call would give. Devices and unknown bytes are not files to read.
  if (path.empty() || path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0) return;
  auto& files = root_facts_.files;
  auto existing = std::find_if(files.rbegin(), files.rend(), [&](const FileChange& f) { return f.path == path; });
  if (!content.literal) {
    if (existing != files.rend() && !extends) files.erase(std::next(existing).base());
    return;
  }
  if (existing != files.rend()) {
    // > then >> on one path: one file whose content is known whole; a second > replaces it.
    if (extends) existing->new_text += *content.literal;
    else {
      existing->new_text = *content.literal;
      existing->whole_file = true;
    }
    return;
  }
  if (files.size() >= 64) return;
  FileChange change;
  change.path = path;
  change.new_text = *content.literal;
  change.whole_file = !append;  // >> onto a file not written here: an addition, not the whole file
  files.push_back(std::move(change));
}

// Python and JavaScript given on the command line are code like a file's: the engine has code analysis
// follow their data (the token reading above sees names, not where values go).
void Walker::record_inline_code(std::string_view language, const std::string& code) {
  if ((language != "python" && language != "node") || code.empty() || root_facts_.inline_code.size() >= 16) return;
  FileChange change;
  change.path = language == "python" ? "(python code on the command line).py" : "(node code on the command line).js";
  change.new_text = code;
  root_facts_.inline_code.push_back(std::move(change));
}

// A directory named by `git config core.hooksPath DIR` holds hooks git runs, like .git/hooks.
bool Walker::in_hooks_directory(const std::string& path) const {
  if (hooks_dirs_.empty()) return false;
  std::string normal = path.rfind("./", 0) == 0 ? path.substr(2) : path;
  size_t slash = normal.find_last_of('/');
  if (slash == std::string::npos) return false;
  std::string directory = home_relative(normal.substr(0, slash));
  return std::any_of(hooks_dirs_.begin(), hooks_dirs_.end(),
                     [&](const std::string& hooks) { return home_relative(hooks) == directory; });
}

void Walker::check_persistence(const std::string& path, const Stream& content, Span span, int depth) {
  auto kind = persistence_kind(path);
  if (!kind && in_hooks_directory(path)) kind = "git_hook";
  if (!kind) return;
  add_marker("persistence_write", std::string(*kind), span);
  Taints taints = content.taint;
  add_via(taints, "file");
  emit_secret_flows(taints, "persist", path, "", span, "", true);
  if (content.literal && *kind != "authorized_keys") analyse_payload(*content.literal, *kind, path, span, depth);
}

void Walker::analyse_payload(const std::string& text, std::string_view kind, const std::string& path, Span span,
                             int depth) {
  std::string script;
  if (kind == "cron") {
    // Each crontab line: five schedule fields (or @reboot …) then the command.
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      start = end == std::string::npos ? text.size() : end + 1;
      size_t pos = line.find_first_not_of(" \t");
      if (pos == std::string::npos || line[pos] == '#') continue;
      int fields = line[pos] == '@' ? 1 : 5;
      for (int f = 0; f < fields && pos != std::string::npos; ++f) {
        pos = line.find_first_of(" \t", pos);
        if (pos != std::string::npos) pos = line.find_first_not_of(" \t", pos);
      }
      if (pos != std::string::npos && line.find('=') > pos) script += line.substr(pos) + "\n";
    }
  } else if (text.find("<plist") != std::string::npos) {
    script = plist_command(text);
  } else {
    script = text;
  }
  if (script.empty()) return;
  Facts scratch;
  Facts* saved = facts_;
  facts_ = &scratch;
  auto saved_files = files_;
  auto saved_aliases = aliases_;
  auto saved_functions = functions_;
  analyse_nested(script, Stream{}, "persist", span, "persist", depth);
  // An rc file's functions run whenever their names are typed (aliases' bodies were judged where defined:
  // `alias sudo='curl … | sh; sudo'`).
  std::vector<std::string> defined;
  for (const auto& [name, function] : functions_)
    if (!saved_functions.count(name)) defined.push_back(name);
  for (size_t k = 0; k < defined.size() && k < 16; ++k)
    analyse_nested(defined[k], Stream{}, "persist", span, "persist", depth);
  aliases_ = std::move(saved_aliases);
  functions_ = std::move(saved_functions);
  files_ = std::move(saved_files);
  facts_ = saved;
  for (const auto& inner : scratch.flows) {
    if (inner.to == "output") continue;
    Flow flow;
    flow.from = inner.from;
    flow.to = "persist";
    flow.via = inner.via;
    flow.via.push_back("file");
    flow.source = inner.source;
    flow.sink = path;
    flow.host = inner.host;
    flow.span = span;
    add_flow(std::move(flow));
  }
  for (const auto& marker : scratch.markers)
    if (marker.name == "reverse_shell") {
      Flow flow;
      flow.from = "network";
      flow.to = "persist";
      flow.via = {"file"};
      flow.source = marker.detail;
      flow.sink = path;
      flow.span = span;
      add_flow(std::move(flow));
    }
  persisted_network_client(scratch, path, span);
  for (const auto& host : scratch.hosts) add_host(host);
}

// A beacon needs no secret to be harm: an rc file, cron line or hook that calls out to a remote host
// runs that request (and whatever it sends or fetches) every time it fires.
void Walker::persisted_network_client(const Facts& scratch, const std::string& path, Span span) {
  static const NameSet clients{"curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh",
                               "scp", "rsync", "sftp", "ftp", "tftp", "aria2c", "http", "https"};
  auto remote = std::find_if(scratch.hosts.begin(), scratch.hosts.end(),
                             [](const std::string& host) { return !is_local_host(host); });
  if (remote == scratch.hosts.end()) return;
  for (const auto& command : scratch.commands) {
    if (command.argv.empty() || !clients.count(command.name)) continue;
    Flow flow;
    flow.from = "network";
    flow.to = "persist";
    flow.via = {"file"};
    flow.source = command.name + " " + *remote;
    flow.sink = path;
    flow.host = *remote;
    flow.span = span;
    add_flow(std::move(flow));
    return;
  }
}

std::vector<std::pair<std::string, std::optional<Walker::Variable>>> Walker::bind_positionals(
    const std::vector<Word>& argv, size_t first) {
  std::vector<std::pair<std::string, std::optional<Variable>>> saved;
  Word all;
  std::vector<Word> elements;  // "$@": one word per argument
  for (size_t k = first; k < argv.size() && k < first + 64; ++k) elements.push_back(argv[k]);
  for (size_t n = 1; n <= 9; ++n) {
    std::string name = std::to_string(n);
    auto found = variables_.find(name);
    saved.emplace_back(name, found == variables_.end() ? std::nullopt : std::optional<Variable>(found->second));
    size_t index = first + n - 1;
    if (index < argv.size()) {
      variables_[name] = Variable{argv[index], {}, {}};
      all.text += (all.text.empty() ? "" : " ") + argv[index].text;
      all.dynamic = all.dynamic || argv[index].dynamic;
      all.obfuscated = all.obfuscated || argv[index].obfuscated;
      merge_taints(all.taint, argv[index].taint);
    } else {
      variables_.erase(name);
    }
  }
  for (std::string name : {"@", "*"}) {
    auto found = variables_.find(name);
    saved.emplace_back(name, found == variables_.end() ? std::nullopt : std::optional<Variable>(found->second));
    if (first < argv.size()) variables_[name] = Variable{all, name == "@" ? elements : std::vector<Word>{}, {}};
    else variables_.erase(name);
  }
  return saved;
}

void Walker::restore_positionals(std::vector<std::pair<std::string, std::optional<Variable>>> saved) {
  for (auto& [name, value] : saved) {
    if (value) variables_[name] = std::move(*value);
    else variables_.erase(name);
  }
}

Stream Walker::run(Invocation inv, const Stream& in, int depth) {
  if (stopped_) return {};
  if (depth > limits_.max_tree_depth) {
    limit("syntax tree deeper than " + std::to_string(limits_.max_tree_depth));
    return {};
  }
  // Words that expand to nothing are not the command ($EMPTY curl … runs curl).
  while (!inv.argv.empty() && inv.argv[0].text.empty() && !inv.argv[0].dynamic) inv.argv.erase(inv.argv.begin());
  // Peel wrappers: sudo, env, timeout, nohup … run the command in their arguments.
  size_t start = 0;
  std::string coproc;  // the array naming the coprocess's streams, when this command is one
  for (int guard = 0; start < inv.argv.size() && guard < 32; ++guard) {
    const Word& word = inv.argv[start];
    if (word.dynamic) break;
    std::string name(base_name(word.text));
    if (name == "coproc") {
      // coproc NAME { commands; } or coproc command: tree-sitter-bash has no coproc, so the words
      // `coproc NAME {` come first in what it takes for a command.
      size_t skip = 1;
      coproc = "COPROC";
      if (start + 2 < inv.argv.size() && inv.argv[start + 2].text == "{" && !inv.argv[start + 1].dynamic) {
        coproc = inv.argv[start + 1].text;
        skip = 3;
      } else if (start + 1 < inv.argv.size() && inv.argv[start + 1].text == "{") {
        skip = 2;
      }
      inv.wrappers.push_back(name);
      start += skip;
      continue;
    }
    if (name == "xargs") {
      inv.argv.erase(inv.argv.begin(), inv.argv.begin() + static_cast<long>(start));
      return model_xargs(inv, in, depth);
    }
    bool python = interpreter_family(name) == "python";
    if (!python && !is_wrapper(name)) break;
    std::vector<std::string> rest;
    for (size_t j = start + 1; j < inv.argv.size(); ++j) rest.push_back(inv.argv[j].text);
    if (python) {
      auto module = python_module_command(name, rest);
      if (!module) break;
      inv.wrappers.push_back(name);
      start += 1 + module->index;
      inv.argv[start].text = module->command;
      continue;
    }
    auto skip = wrapper_prefix(name, rest);
    if (!skip) break;
    if (name == "command" && !rest.empty() && (rest[0] == "-v" || rest[0] == "-V")) break;
    if (*skip >= rest.size()) break;  // nothing wrapped: the wrapper is the command (bare `env`)
    if (name == "sudo" || name == "doas" || name == "pkexec")
      add_marker("privilege", name + " " + join_texts(inv.argv, start + 1, 6), inv.span);
    if (name == "systemd-run" &&
        std::any_of(rest.begin(), rest.end(), [](const std::string& arg) { return starts_with(arg, "--on-"); })) {
      // A transient timer runs the command later, again and again: persistence.
      add_marker("persistence_write", "systemd timer", inv.span);
      analyse_payload(quoted_words(inv.argv, start + 1 + *skip), "timer", "systemd-run timer", inv.span, depth);
    }
    if (name == "env")
      for (size_t j = 0; j < *skip; ++j) {
        size_t equals = rest[j].find('=');
        if (equals == std::string::npos || rest[j][0] == '-') continue;
        std::string variable = rest[j].substr(0, equals);
        if (auto detail = assignment_security_off(variable, rest[j].substr(equals + 1)))
          add_marker("security_off", *detail, inv.span);
        // env LD_PRELOAD=F cmd: the wrapped command loads F as if the shell had set it.
        if (is_ambient_variable(variable)) {
          Word value = inv.argv[start + 1 + j];
          value.text = rest[j].substr(equals + 1);
          assign(variable, "", false, Variable{std::move(value), {}, {}}, inv.span, depth);
        }
      }
    mark_remote_package(name, rest, inv.span);  // uv run --with URL …: the runner fetches it first
    inv.wrappers.push_back(name);
    start += 1 + *skip;
  }
  if (start >= inv.argv.size()) return {};
  inv.argv.erase(inv.argv.begin(), inv.argv.begin() + static_cast<long>(start));
  for (auto& word : inv.argv) merge_taints(word.taint, {});

  Word& head = inv.argv[0];
  // $SHELL, ${SHELL##*/} or ${SHELL:-bash} as the command word is the user's login shell.
  if (head.dynamic && names_login_shell(head.source)) head.dynamic = false, head.text = "sh";
  inv.name = head.dynamic ? std::string() : std::string(base_name(head.text));
  if (!head.dynamic && inv.name.find_first_of("*?[") != std::string::npos) {
    // A glob as the command word (/???/c?rl) runs whatever it matches: resolve it against commands that matter.
    static const std::vector<std::string> known{"curl", "wget", "nc", "ncat", "netcat", "bash", "sh", "zsh", "dash",
                                                "python", "python3", "perl", "ruby", "php", "node", "socat", "telnet",
                                                "ssh", "scp", "rsync", "cat", "env", "printenv", "base64", "rm", "dd",
                                                "chmod", "crontab", "openssl", "xxd", "eval"};
    std::string match;
    for (const auto& candidate : known)
      if (glob_match(inv.name, candidate)) {
        match = candidate;
        break;
      }
    if (match.empty()) {
      head.dynamic = true;
    } else {
      add_marker("obfuscated_name", head.source + " -> " + match, inv.span);
      inv.name = match;
    }
  }
  if (facts_->commands.size() >= limits_.max_commands) {
    limit("more than " + std::to_string(limits_.max_commands) + " commands");
    stopped_ = true;
    return {};
  }
  Command command;
  command.name = head.dynamic ? head.text : inv.name;
  if (head.dynamic) inv.name.clear();
  for (const auto& word : inv.argv) command.argv.push_back(word.text);
  command.span = inv.span;
  command.statement = statement_;
  command.context = current_context();
  for (const auto& extra : inv.extra_context) command.context.push_back(extra);
  command.wrappers = inv.wrappers;
  command.dynamic_name = head.dynamic;
  facts_->commands.push_back(std::move(command));

  if (head.dynamic) {
    add_marker("dynamic_command_name", head.source, inv.span);
    // A command word made of fetched data runs that data.
    std::string sink = frame_.exec_sink.empty() ? "shell" : frame_.exec_sink;
    emit_secret_flows(head.taint, "exec", sink, "", inv.span, "", true);
    for (const auto& taint : head.taint)
      if (taint.from == "network" && taint.source.rfind("/dev/tcp/", 0) == 0)
        add_marker("reverse_shell", "runs commands read from " + taint.source, inv.span);
    return {};
  }
  if (head.obfuscated && inv.name != head.source) add_marker("obfuscated_name", head.source + " -> " + inv.name, inv.span);
  // NODE_OPTIONS=--require F npm test, LD_PRELOAD=F make …: what the environment makes this program load.
  if (!ambient_set_.empty()) emit_output(follow_ambient_variables(inv, depth), inv.span);
  if (!files_.empty()) follow_config_files(inv, depth);

  // Functions and aliases defined earlier in the script run their bodies.
  auto function = functions_.find(inv.name);
  if (function != functions_.end() && !active_functions_.count(inv.name) && head.text.find('/') == std::string::npos) {
    active_functions_.insert(inv.name);
    Frame saved = frame_;
    Frame target = function->second.frame;
    frame_ = target;
    if (saved.nested) {
      frame_.nested = true;
      frame_.anchor = saved.anchor;
    }
    context_.push_back("function");
    auto saved_positionals = bind_positionals(inv.argv, 1);
    Stream out = walk(function->second.body, in, depth + 1);
    restore_positionals(std::move(saved_positionals));
    context_.pop_back();
    frame_ = saved;
    active_functions_.erase(inv.name);
    return out;
  }
  if (function != functions_.end()) return {};
  auto alias = aliases_.find(inv.name);
  if (alias != aliases_.end() && !active_functions_.count("alias " + inv.name)) {
    std::string text = alias->second;
    for (size_t i = 1; i < inv.argv.size(); ++i) text += " " + inv.argv[i].source;
    active_functions_.insert("alias " + inv.name);
    Stream out = analyse_nested(text, in, "alias", inv.span, inv.name, depth);
    active_functions_.erase("alias " + inv.name);
    return out;
  }
  Stream out = model(inv, in, depth);
  last_command_ = inv.name;
  if (!coproc.empty()) connect_coproc(coproc, out);
  return out;
}

// A coprocess holding a network connection (coproc N { nc host port; }): ${N[0]} and ${N[1]} are
// descriptors on that socket, so `bash -i <&"${N[0]}" >&"${N[1]}"` is a shell served to the peer.
void Walker::connect_coproc(const std::string& name, const Stream& out) {
  if (!out.network_peer) return;
  std::string host = "coprocess";
  for (const auto& taint : out.taint)
    if (taint.from == "network" && !taint.host.empty()) host = taint.host;
  if (host == "coprocess" && !facts_->hosts.empty()) host = facts_->hosts.back();
  // Stand-in descriptor numbers, as for zsh's ztcp: what matters is that they name the socket.
  Variable streams;
  for (const char* descriptor : {"62", "63"}) {
    socket_fds_[descriptor] = "/dev/tcp/" + host + "/coproc";
    Word element;
    element.text = descriptor;
    streams.elements.push_back(element);
    streams.keys.emplace_back();
  }
  streams.value = streams.elements[0];
  variables_[name] = std::move(streams);
}

// `cd ~ && rm -rf ./*` destroys the home: relative targets are judged from the directory a literal
// `cd` moved to earlier in the script (`./build` when it moved inside the project). A dynamic target
// (`cd "$DIR"`, `cd -`) makes it unknown again, judged as before any `cd`.
void Walker::track_directory_change(const std::vector<std::string>& args) {
  std::vector<std::string> targets;
  for (const auto& arg : args)
    if (arg.empty() || arg[0] != '-' || arg == "-") targets.push_back(arg);
  if (targets.empty()) { working_directory_ = "~"; return; }
  const std::string& target = targets.front();
  if (target == "$HOME" || target == "${HOME}" || target == "$HOME/" || target == "${HOME}/") { working_directory_ = "~"; return; }
  if (target == "-") { working_directory_.clear(); return; }
  if (target.find('$') != std::string::npos) {
    // cd "$(dirname "$PWD")/../..": wherever it starts, it ends that many levels further up.
    std::string climb;
    std::string_view rest = target;
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    while (ends_with(rest, "/..")) {
      climb += climb.empty() ? ".." : "/..";
      rest.remove_suffix(3);
    }
    working_directory_ = climb.empty() ? std::string() : "./" + climb;
    return;
  }
  if (target[0] == '/' || target[0] == '~') { working_directory_ = target; return; }
  working_directory_ = (working_directory_.empty() ? std::string(".") : working_directory_) + "/" + target;
}

namespace {

// /home/dev/work/app/../../.. is /home, ~/a/.. is ~: `..` steps taken lexically where the path says where
// it starts (absolute or from the home); a relative path keeps its leading `..`s.
std::string without_dot_segments(const std::string& path) {
  bool absolute = starts_with(path, "/"), home = starts_with(path, "~");
  if (!absolute && !home) return path;
  std::vector<std::string> parts;
  size_t start = home ? 1 : 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      else if (home) return path;  // above the home: left as written
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out = home ? "~" : "";
  for (const auto& part : parts) out += "/" + part;
  if (out.empty()) out = "/";
  return out;
}

}  // namespace

void Walker::track_symlink(const std::vector<std::string>& args) {
  bool symbolic = false;
  std::vector<std::string> operands;
  for (const auto& arg : args) {
    if (arg.size() > 1 && arg[0] == '-' && arg[1] != '-') symbolic = symbolic || arg.find('s') != std::string::npos;
    else if (arg == "--symbolic") symbolic = true;
    else if (!arg.empty() && arg[0] != '-') operands.push_back(arg);
  }
  if (!symbolic || operands.size() != 2 || symlinks_.size() >= 16) return;
  std::string link = operands[1];
  while (starts_with(link, "./")) link.erase(0, 2);
  while (link.size() > 1 && link.back() == '/') link.pop_back();
  symlinks_[link] = operands[0];
}

std::optional<std::vector<std::string>> Walker::paths_from_working_directory(
    const std::string& name, const std::vector<std::string>& args) const {
  static const NameSet path_takers{"rm", "shred", "find"};
  if ((working_directory_.empty() && symlinks_.empty()) || !path_takers.count(name)) return std::nullopt;  // args as they are
  std::vector<std::string> resolved = args;
  for (auto& arg : resolved) {
    // ln -s / build; rm -rf build/: a path through a link made earlier is a path in what it points to
    // (the link alone, without the slash, is only the link).
    for (const auto& [link, target] : symlinks_) {
      std::string_view path = arg;
      while (starts_with(path, "./")) path.remove_prefix(2);
      if (starts_with(path, link + "/"))
        arg = target + (ends_with(target, "/") ? "" : "/") + std::string(path.substr(link.size() + 1));
    }
    if (working_directory_.empty()) continue;
    // "$HOME"/* names its own directory wherever the shell stands: it is judged as written.
    if (arg.empty() || arg[0] == '-' || arg[0] == '/' || arg[0] == '~' || arg[0] == '$' || arg.find('=') != std::string::npos)
      continue;
    if (arg == "." || arg == "./") arg = working_directory_;
    else arg = working_directory_ + "/" + (arg.rfind("./", 0) == 0 ? arg.substr(2) : arg);
    arg = without_dot_segments(arg);
  }
  return resolved;
}

namespace {

// Whether a program's text reads its command-line arguments, or its standard input.
bool reads_arguments(std::string_view code) {
  for (std::string_view reader : {"sys.argv", "process.argv", "ARGV", "os.Args", "Deno.args", "$argv", "argparse", "commandArgs("})
    if (code.find(reader) != std::string_view::npos) return true;
  return false;
}

bool reads_stdin(std::string_view code) {
  for (std::string_view reader : {"sys.stdin", "process.stdin", "STDIN", "$stdin", "/dev/stdin", "readFileSync(0", "os.Stdin",
                                  "input()", "fileinput", "php://stdin", "Deno.stdin"})
    if (code.find(reader) != std::string_view::npos) return true;
  return false;
}

// Fields of a line as read -a splits them: runs of IFS whitespace separate once, any other IFS
// character separates each time.
std::vector<std::string> read_fields(std::string_view line, std::string_view separators) {
  std::vector<std::string> fields;
  if (separators.empty()) return {std::string(line)};
  auto is_separator = [&](char c) { return separators.find(c) != std::string_view::npos; };
  auto is_blank = [&](char c) { return is_separator(c) && (c == ' ' || c == '\t' || c == '\n'); };
  size_t at = 0;
  while (at < line.size() && is_blank(line[at])) ++at;
  std::string field;
  bool pending = false;
  for (; at < line.size() && fields.size() < 4096; ++at) {
    char c = line[at];
    if (!is_separator(c)) {
      field += c;
      pending = true;
      continue;
    }
    fields.push_back(std::move(field));
    field.clear();
    pending = false;
    if (is_blank(c)) {
      while (at + 1 < line.size() && is_blank(line[at + 1])) ++at;
      if (at + 1 < line.size() && is_separator(line[at + 1]) && !is_blank(line[at + 1])) ++at;  // " , " is one
    }
  }
  if (pending) fields.push_back(std::move(field));
  return fields;
}

// A word that is one command substitution and nothing else: "$(…)", $(…), `…`.
bool output_alone(std::string_view source) {
  if (source.size() >= 2 && source.front() == '"' && source.back() == '"') source = source.substr(1, source.size() - 2);
  if (source.size() >= 2 && source.front() == '`' && source.back() == '`') return source.find('`', 1) == source.size() - 1;
  if (source.size() < 3 || !starts_with(source, "$(") || source.back() != ')' || starts_with(source, "$((")) return false;
  int depth = 0;
  for (size_t i = 1; i < source.size(); ++i) {
    if (source[i] == '(') ++depth;
    if (source[i] == ')' && --depth == 0) return i == source.size() - 1;  // the first $( closes at the end
  }
  return false;
}

}  // namespace

// rm -rf "$DIR"/* with DIR never set here: in the agent's shell it may well be empty, and the command
// is then rm -rf /*. Variables the shell or login always sets, ${DIR:?} guards, `set -u`, and a
// test of the variable in the same script are not marked.
void Walker::mark_unguarded_removal(const Invocation& inv) {
  bool recursive = false;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (arg == "--recursive" || (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find_first_of("rR") != std::string::npos))
      recursive = true;
  }
  if (!recursive) return;
  static const NameSet always_set{"HOME", "PWD", "OLDPWD", "USER", "LOGNAME", "SHELL", "PATH", "TMPDIR"};
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    std::string_view source = inv.argv[i].source;
    if (!source.empty() && source.front() == '"') source.remove_prefix(1);
    if (!starts_with(source, "$")) continue;
    source.remove_prefix(1);
    bool braced = starts_with(source, "{");
    if (braced) source.remove_prefix(1);
    size_t end = 0;
    while (end < source.size() && (std::isalnum(static_cast<unsigned char>(source[end])) || source[end] == '_')) ++end;
    std::string variable(source.substr(0, end));
    std::string_view rest = source.substr(end);
    if (braced) {
      if (!starts_with(rest, "}")) continue;  // ${DIR:?}, ${DIR:-x}: guarded or defaulted
      rest.remove_prefix(1);
    }
    if (!rest.empty() && rest.front() == '"') rest.remove_prefix(1);
    if (variable.empty() || std::isdigit(static_cast<unsigned char>(variable[0])) || !starts_with(rest, "/")) continue;
    if (always_set.count(variable)) continue;
    // Set here to a value, it is not empty; set to a command's output alone (ROOT=$(cd … && pwd)), it is
    // empty whenever that command fails or prints nothing.
    auto set = variables_.find(variable);
    bool from_output = set != variables_.end() && output_alone(set->second.value.source) &&
                       set->second.value.source.find("mktemp") == std::string::npos;  // prints a path or fails the script
    if (set != variables_.end() && !from_output) continue;
    std::string_view script = frame_.text;
    bool guarded = script.find("set -u") != std::string_view::npos || script.find("set -eu") != std::string_view::npos ||
                   script.find("nounset") != std::string_view::npos ||
                   script.find("-n \"$" + variable) != std::string_view::npos ||
                   script.find("-z \"$" + variable) != std::string_view::npos ||
                   script.find("-d \"$" + variable) != std::string_view::npos;
    if (!guarded)
      add_marker("unguarded_removal",
                 "rm " + std::string(inv.argv[i].source) + " with " + variable +
                     (from_output ? " set only from a command's output, empty when it fails" : " never set"),
                 inv.span);
  }
}

void Walker::mark_remote_package(const std::string& name, const std::vector<std::string>& args, Span span) {
  if (auto url = remote_package_url(name, args)) {
    add_host(host_of(*url));
    add_marker("remote_package", name + " fetches and runs " + *url, span, host_of(*url));
  }
  if (auto url = remote_manifest_url(name, args)) {
    add_host(host_of(*url));
    add_marker("remote_manifest", name + " applies or installs what " + *url + " lists", span);
  }
}

Stream Walker::model(Invocation& inv, const Stream& in, int depth) {
  CommandName name{inv.name};
  std::vector<std::string> args;
  for (size_t i = 1; i < inv.argv.size(); ++i) args.push_back(inv.argv[i].text);
  if (name == "cd" || name == "pushd") track_directory_change(args);
  if (name == "ln") track_symlink(args);
  // cd / && git init && git clean -xffd: everything below the directory that git does not track goes.
  if (name == "git" && !working_directory_.empty() && is_destructive_target(working_directory_)) {
    size_t verb = git_subcommand_index(args);
    bool force = false, directories = false;
    for (size_t k = verb + 1; k < args.size(); ++k)
      if (args[k].size() > 1 && args[k][0] == '-' && args[k][1] != '-') {
        force = force || args[k].find('f') != std::string::npos;
        directories = directories || args[k].find('d') != std::string::npos;
      }
    if (verb < args.size() && args[verb] == "clean" && force && directories)
      add_marker("destructive_target", "git clean in " + working_directory_, inv.span);
  }
  // npm config set script-shell P: every later npm script runs through P (the persistence marker is
  // command_markers'); a P written here runs its content each time, like an rc file.
  // npm config set node-options/script-shell V: npm reads it as it reads npm_config_node_options and
  // npm_config_script_shell, for every later npm of the conversation.
  if ((name == "npm" || name == "pnpm" || name == "yarn") && args.size() >= 4 && args[0] == "config" && args[1] == "set") {
    std::string key = lower(args[2]);
    if (key == "node-options" || key == "script-shell") {
      Word value = inv.argv[4];
      assign(key == "node-options" ? "npm_config_node_options" : "npm_config_script_shell", "", false,
             Variable{std::move(value), {}, {}}, inv.span, depth);
    }
  }
  if ((name == "npm" || name == "pnpm" || name == "yarn") && args.size() >= 4 && args[0] == "config" && args[1] == "set" &&
      lower(args[2]) == "script-shell")
    for (const auto& file : root_facts_.files)
      if (home_relative(file.path) == home_relative(args[3])) {
        analyse_payload(file.new_text, "script_shell", args[3], inv.span, depth);
        break;
      }
  auto from_cd = paths_from_working_directory(inv.name, args);
  std::vector<std::string> marker_args = from_cd ? *from_cd : args;
  for (auto& hit : command_markers(inv.name, marker_args, working_directory_)) {
    // cd infra/envs/prod && terraform destroy: the directory says which environment goes.
    if (hit.name == "infrastructure_teardown" && names_production(working_directory_)) {
      hit.name = "production_teardown";
      hit.detail += " in " + working_directory_;
    }
    add_marker(std::move(hit.name), std::move(hit.detail), inv.span);
  }
  if (auto source = registry_redirect(inv.name, args); source && is_url(*source)) {
    add_host(host_of(*source));
    add_marker("registry_redirect", inv.name + " sends later installs or fetches to " + *source, inv.span);
  }
  if (auto credentials_host = registry_credentials_host(inv.name, args)) {
    add_host(*credentials_host);
    add_marker("registry_credentials", inv.name + " gives its registry credentials to " + *credentials_host, inv.span,
               *credentials_host);
  }
  mark_remote_package(inv.name, args, inv.span);
  if (name == "rm") {
    mark_unguarded_removal(inv);
    // rm -f /tmp/h.js: what was written there is gone for later commands and calls. (A recursive
    // removal clears build and cache directories, not the files a later call would meet.)
    bool recursive = std::any_of(args.begin(), args.end(), [](const std::string& arg) {
      return arg == "--recursive" || (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find_first_of("rR") != std::string::npos);
    });
    for (const auto& arg : args)
      if (!arg.empty() && arg[0] != '-') {
        files_.erase(arg);
        if (!recursive) cleared_.push_back(arg);
      }
  }
  if (name == "gcc" || name == "cc" || name == "clang" || name == "g++" || name == "c++" || name == "clang++" ||
      name == "tcc")
    model_compiler(inv);

  // A downloaded package, jar, module or makefile installed or loaded runs the download (a library
  // preloaded into every program is ambient.cpp's).
  std::vector<std::string> loaded;
  for (size_t index : loaded_file_indexes(inv.name, args)) loaded.push_back(args[index]);
  // make -C DIR reads DIR's Makefile: a cloned repository's recipes are that host's code.
  if (name == "make" || name == "gmake")
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "-C" || args[i] == "--directory") loaded.push_back(args[i + 1] + "/Makefile");
  for (const std::string& file : loaded) {
    Taints taints = read_path(file, nullptr);
    merge_taints(taints, extracted_taint(file));
    keep_network(taints);
    emit_secret_flows(taints, "exec", inv.name, "", inv.span, "", true);
  }
  if ((name == "make" || name == "gmake") && makefile_from_stdin(args)) {
    // The makefile comes from stdin: a fetched one runs that host's recipes, a literal one (here-string,
    // here-document, echo) its recipe lines.
    for (const auto& taint : in.taint)
      if (taint.from == "network") emit_secret_flows({taint}, "exec", inv.name, "", inv.span, "pipe", true);
    if (in.literal) {
      std::string recipes = makefile_recipes(*in.literal);
      if (!recipes.empty()) return analyse_nested(recipes, Stream{}, in.heredoc ? "heredoc" : "stdin", inv.span, name, depth);
    }
  }
  if (auto escape = tool_shell_escape(inv.name, args))
    return analyse_nested(*escape, in, "shell_string", inv.span, name, depth);
  if (name == "ssh" || name == "scp" || name == "sftp" || name == "autossh") {
    // -o ProxyCommand=CMD / LocalCommand=CMD: ssh runs CMD here through a shell, as a config file's would.
    for (size_t i = 0; i < args.size(); ++i) {
      std::string option = args[i] == "-o" && i + 1 < args.size() ? args[i + 1] : starts_with(args[i], "-o") ? args[i].substr(2) : "";
      std::string key = lower(option.substr(0, option.find_first_of("= ")));
      if ((key == "proxycommand" || key == "localcommand") && option.size() > key.size() + 1)
        analyse_nested(option.substr(key.size() + 1), Stream{}, "shell_string", inv.span, name, depth);
    }
  }
  // rsync -e runs its remote shell here (with the host and rsync's command appended), zip -T tests the
  // archive with -TT's command line: shell strings, and the copy or the archive is still modelled.
  if (name == "rsync" || name == "zip") {
    for (size_t i = 0; i < args.size(); ++i) {
      bool rsh = name == "rsync" && (args[i] == "-e" || args[i] == "--rsh"),
           test = name == "zip" && (args[i] == "-TT" || args[i] == "--unzip-command");
      std::string_view option = name == "rsync" ? "--rsh=" : "--unzip-command=";
      if ((rsh || test) && i + 1 < args.size())
        analyse_nested(script_text(inv.argv[i + 2], depth), Stream{}, "shell_string", inv.span, name, depth);
      else if (starts_with(args[i], option))
        analyse_nested(args[i].substr(option.size()), Stream{}, "shell_string", inv.span, name, depth);
    }
  }
  if (auto script = script_option_index(inv.name, args))
    return analyse_nested(script_text(inv.argv[*script + 1], depth), in, "shell_string", inv.span, name, depth);

  // `docker run IMAGE sh -c "…"`, `kubectl exec POD -- bash -c "…"`: the script runs (in a container,
  // but with whatever the host mounted into it) and its output comes back on this side's stdout.
  static const NameSet container_runners{"docker", "podman", "nerdctl", "kubectl", "oc", "lxc"};
  if (container_runners.count(name)) {
    // -w /work: the container's command starts there (a mounted home, when /work is one).
    std::string workdir;
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "-w" || args[i] == "--workdir") workdir = args[i + 1];
      else if (starts_with(args[i], "--workdir=")) workdir = args[i].substr(10);
    std::string enter = workdir.empty() || workdir.find('\'') != std::string::npos ? std::string() : "cd '" + workdir + "'; ";
    for (size_t i = 0; i + 2 < args.size(); ++i) {
      if (!is_shell(base_name(args[i]))) continue;
      size_t flag = i + 1;
      while (flag < args.size() && args[flag].size() > 1 && args[flag][0] == '-' && args[flag].find('c') == std::string::npos) ++flag;
      if (flag + 1 >= args.size() || args[flag].empty() || args[flag][0] != '-' || args[flag].find('c') == std::string::npos) continue;
      return analyse_nested(with_host_paths(enter + args[flag + 1], bind_mounts(args)), in, "container", inv.span, name, depth);
    }
    // docker run -v ~/.ssh:/k IMAGE cat /k/id_ed25519: the command reads the host's files through the mount.
    auto mounts = bind_mounts(args);
    auto command = container_command_index(args);
    if (command && std::any_of(mounts.begin(), mounts.end(), [](const BindMount& m) { return sensitive_mount_source(m.source); })) {
      std::string text;
      for (size_t k = *command; k < args.size(); ++k) {
        std::string word = args[k];
        for (size_t q = word.find('\''); q != std::string::npos; q = word.find('\'', q + 4)) word.replace(q, 1, "'\\''");
        text += (text.empty() ? "'" : " '") + word + "'";
      }
      std::string mapped = with_host_paths(enter + text, mounts);
      if (mapped != enter + text) return analyse_nested(mapped, in, "container", inv.span, name, depth);
    }
  }
  // `$(which curl)`, `$(command -v curl)`: the path of a command, which then runs as that command.
  bool locates = name == "which" || name == "whereis" ||
                 ((name == "command" || name == "type") && !args.empty() && (args[0] == "-v" || args[0] == "-p" || args[0] == "-P"));
  if (locates && !args.empty() && args.back().find('/') == std::string::npos && args.back()[0] != '-') {
    Stream out;
    out.literal = "/usr/bin/" + args.back() + "\n";
    return out;
  }
  // Shell history holds whatever was typed, tokens included: as secret as the history file.
  if (name == "history" || (name == "fc" && !args.empty() && args[0] == "-l")) {
    Stream out;
    out.taint.push_back(Taint{"credential_file", "~/.bash_history", {}, {}, false});
    return out;
  }
  if (auto helper = credential_helper(name, args)) {
    Stream out;
    out.taint.push_back(Taint{"credential_helper", *helper, {}, {}, false});
    return out;
  }
  if (is_env_dump_command(name, args)) {
    Stream out;
    out.taint.push_back(Taint{"env_dump", join_texts(inv.argv, 0, 4), {}, {}, false});
    return out;
  }
  if (name == "printenv") {
    Stream out;
    for (const auto& arg : args)
      if (is_secret_variable(arg)) out.taint.push_back(Taint{"secret_var", "$" + arg, {}, {}, false});
    return out;
  }
  if (name == "read" || name == "mapfile" || name == "readarray") {
    // read VAR takes a line of stdin, mapfile ARRAY all of its lines: the variable now holds that data.
    // mapfile's -t is a flag (read's takes a timeout), and with no name its lines are MAPFILE's.
    bool lines = name != "read";
    ParsedArgs parsed = lines ? parse_args(inv.argv, 1, "dnOsuCc", {}) : parse_args(inv.argv, 1, "adnNpt", {});
    Word value;
    value.dynamic = !in.literal;
    value.taint = in.taint;
    // read -s from the terminal: what is typed without echo is a password.
    if (name == "read" && parsed.has({"-s"}) && !in.literal && in.taint.empty())
      value.taint.push_back(Taint{"secret_var", "a password typed at read -s", {}, {}, false});
    add_via(value.taint, "variable");
    std::string line = in.literal ? in.literal->substr(0, in.literal->find('\n')) : std::string();
    for (size_t index : parsed.positionals) {
      value.text = in.literal ? line : "$" + inv.argv[index].text;
      variables_[inv.argv[index].text] = Variable{value, {}, {}};
    }
    if (const Option* array = parsed.find({"-a"}); array && !lines) {
      // read -a ARRAY: the line's fields, split on IFS, are its elements (IFS=, read -ra p <<< "curl,-d,…"
      // then "${p[@]}" runs curl -d …).
      Variable fields{value, {}, {}};
      if (in.literal) {
        std::string separators = " \t\n";
        if (auto ifs = variables_.find("IFS"); ifs != variables_.end() && !ifs->second.value.dynamic)
          separators = ifs->second.value.text;
        for (auto& field : read_fields(line, separators)) {
          Word element = value;
          element.text = std::move(field);
          fields.elements.push_back(std::move(element));
        }
      }
      variables_[array->value] = std::move(fields);
    }
    if (lines && parsed.positionals.empty()) variables_["MAPFILE"] = Variable{value, {}, {}};
    return {};
  }
  if (name == "trap" && inv.argv.size() > 2 && inv.argv[1].text != "-" && inv.argv[1].text != "--" &&
      inv.argv[1].text != "-p" && inv.argv[1].text != "-l") {
    // trap 'commands' SIGNAL: the string runs later in this shell.
    return analyse_nested(script_text(inv.argv[1], depth), Stream{}, "trap", inv.span, "trap", depth);
  }
  if (name == "hash" && inv.argv.size() >= 4 && inv.argv[1].text == "-p") {
    // hash -p PATH NAME: from now on NAME runs the program at PATH (hash -p /usr/bin/curl ls).
    for (size_t i = 3; i < inv.argv.size(); ++i) aliases_[inv.argv[i].text] = inv.argv[2].text;
    return {};
  }
  if (name == "alias") {
    // The body runs whenever the name is typed (in this shell once aliases expand, or where the
    // definition is kept): what it would do is judged now, as trap's string is.
    size_t judged = 0;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& arg = inv.argv[i].text;
      size_t equals = arg.find('=');
      if (equals == std::string::npos || equals == 0) continue;
      aliases_[arg.substr(0, equals)] = arg.substr(equals + 1);
      if (judged++ >= 16) continue;
      std::string definition = script_text(inv.argv[i], depth);
      size_t body = definition.find('=');
      if (body != std::string::npos) analyse_nested(definition.substr(body + 1), Stream{}, "alias", inv.span, "alias", depth);
    }
    return {};
  }
  if (name == "printf" && inv.argv.size() > 3 && inv.argv[1].text == "-v") {
    // printf -v VAR FORMAT ARGS assigns instead of printing.
    std::string variable = inv.argv[2].text;
    inv.argv.erase(inv.argv.begin() + 1, inv.argv.begin() + 3);
    Stream printed = model_echo(inv);
    Word value;
    value.text = printed.literal.value_or(std::string());
    value.taint = printed.taint;
    value.dynamic = std::any_of(inv.argv.begin() + 1, inv.argv.end(), [](const Word& w) { return w.dynamic; });
    variables_[variable] = Variable{value, {}, {}};
    return {};
  }
  if (name == "echo" || name == "printf") return model_echo(inv);
  if (name == "print") return model_print(inv);
  if (name == "ztcp") {
    model_ztcp(inv);
    return {};
  }
  if (name == "eval") {
    add_marker("eval", join_texts(inv.argv, 0, 6), inv.span);
    std::string text;
    for (size_t i = 1; i < inv.argv.size(); ++i) text += (i > 1 ? " " : "") + script_text(inv.argv[i], depth);
    Taints taints = word_taints(inv.argv, 1);
    emit_secret_flows(taints, "exec", "eval", "", inv.span, "", true);
    return analyse_nested(text, in, "eval", inv.span, "eval", depth);
  }
  if (name == "source" || name == ".") {
    if (inv.argv.size() < 2) return {};
    const Word& script = inv.argv[1];
    if (script.stream) {
      Taints taints = script.stream->taint;
      emit_secret_flows(taints, "exec", inv.name, "", inv.span, "", true);
      if (script.stream->literal) return analyse_nested(*script.stream->literal, in, "source", inv.span, name, depth);
      return {};
    }
    if (script.text == "/dev/stdin" || script.text == "/proc/self/fd/0") {
      // source /dev/stdin <<< "$(curl …)": the shell runs what arrives on stdin.
      Invocation reader = inv;
      reader.argv.resize(1);
      reader.name = "sh";
      return model_shell(reader, in, depth);
    }
    return run_script_file(inv, script.text, in, depth, "source");
  }
  if (name == "script") {
    // script -qc 'COMMAND' LOGFILE runs COMMAND through a shell, recording its terminal.
    ParsedArgs parsed = parse_args(inv.argv, 1, "cEIOTt", {"--command", "--log-io", "--log-in", "--log-out", "--echo"});
    if (const Option* command = parsed.find({"-c", "--command"}); command && command->word > 0)
      return analyse_nested(script_text(inv.argv[static_cast<size_t>(command->word)], depth), in, "shell_string",
                            inv.span, name, depth);
    return {};
  }
  if (is_shell(name) || name == "su") return model_shell(inv, in, depth);
  // `claude mcp add NAME -- CMD …` (codex, gemini and qwen alike) registers CMD as an MCP server the agent
  // starts by itself from then on: CMD is judged as if it ran.
  if ((name == "claude" || name == "codex" || name == "gemini" || name == "qwen") && args.size() > 3 &&
      args[0] == "mcp" && args[1] == "add") {
    auto dashes = std::find_if(inv.argv.begin(), inv.argv.end(), [](const Word& w) { return w.text == "--"; });
    size_t first = dashes != inv.argv.end() ? static_cast<size_t>(dashes - inv.argv.begin()) + 1 : 0;
    if (first == 0) {  // gemini mcp add NAME COMMAND ARGS…: the words after the name
      size_t k = 3;
      while (k < inv.argv.size() && inv.argv[k].text.size() > 1 && inv.argv[k].text[0] == '-') k += 2;  // -e K=V, -s scope
      first = k + 1;
    }
    Invocation server;
    server.span = inv.span;
    server.extra_context = inv.extra_context;
    server.extra_context.push_back("mcp_server");
    for (size_t k = first; k < inv.argv.size(); ++k) server.argv.push_back(inv.argv[k]);
    if (!server.argv.empty() && !is_url(server.argv[0].text)) run(std::move(server), Stream{}, depth + 1);
    return {};
  }
  std::string family = interpreter_family(name);
  if (family == "awk") return model_awk(inv, in, depth);
  if (!family.empty()) return model_interpreter(inv, in, depth);
  static const NameSet network_tools{
      "curl", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ssh", "scp", "rsync", "sftp", "ftp", "tftp",
      "openssl", "gh", "mail", "mailx", "sendmail", "mutt", "msmtp", "aws", "gsutil", "gcloud", "az", "http",
      "https", "xh", "aria2c", "lftp", "smbclient", "rclone", "s3cmd", "ssmtp", "websocat", "mosquitto_pub",
      "redis-cli", "psql", "mysql", "mariadb", "kubectl", "oc"};
  if (network_tools.count(name) || is_browser(name)) {
    if (name == "openssl" && (args.empty() || (args[0] != "s_client" && args[0] != "s_server"))) {
      Stream out = model_readers(inv, in);
      // openssl enc -in A -out B: what it would print goes to B (encrypted, still the secret for its sender).
      for (size_t k = 1; k + 1 < inv.argv.size(); ++k)
        if (inv.argv[k].text == "-out") {
          write_file(inv.argv[k + 1].text, out, inv.span, 0);
          return {};
        }
      return out;
    }
    if ((name == "gcloud" || name == "az" || name == "aws") && in.taint.empty() &&
        std::none_of(inv.argv.begin(), inv.argv.end(), [](const Word& w) { return !w.taint.empty(); })) {
      // Cloud CLIs only matter as sinks when they upload local files.
      Stream out = model_network(inv, in);
      return out;
    }
    return model_network(inv, in);
  }
  if (is_dns_tool(name)) return model_dns(inv);
  if (auto login = registry_login_index(inv.name, args)) {
    model_registry_login(inv, *login + 1, in);
    return {};
  }
  if (name == "find") return model_find(inv, in, depth);
  if (name == "patch") {
    model_patch(inv, in, depth);
    return {};
  }
  if (name == "git") {
    model_patch(inv, in, depth);
    model_git(inv, depth);
    Stream out = git_trace_output(inv, depth);
    merge_stream(out, git_content_output(inv));
    return out;
  }
  if (name == "watch" || name == "parallel") {
    std::string text;
    size_t i = 1;
    while (i < inv.argv.size() && inv.argv[i].text.size() > 1 && inv.argv[i].text[0] == '-') {
      std::string_view option = inv.argv[i].text;
      bool takes = option == "-n" || option == "--interval" || option == "-j" || option == "--jobs" || option == "-S";
      i += takes ? 2 : 1;
    }
    std::string first_input;
    for (size_t j = i; j < inv.argv.size(); ++j) {
      if (inv.argv[j].text == ":::" || inv.argv[j].text == "::::") {
        if (j + 1 < inv.argv.size()) first_input = inv.argv[j + 1].text;
        break;
      }
      text += (text.empty() ? "" : " ") + inv.argv[j].text;
    }
    bool piped = std::any_of(inv.argv.begin(), inv.argv.end(),
                             [](const Word& w) { return w.text == "--pipe" || w.text == "--pipepart"; });
    if (name == "parallel" && first_input.empty() && !piped && i < inv.argv.size()) {
      // No ::: list: parallel reads its arguments from stdin, one per line, as xargs does.
      Invocation as_xargs = inv;
      as_xargs.argv.assign(1, inv.argv[0]);
      as_xargs.argv[0].text = "xargs";
      bool placeholder = text.find("{}") != std::string::npos;
      if (placeholder) {
        Word flag = inv.argv[0], marker = inv.argv[0];
        flag.text = "-I";
        marker.text = "{}";
        as_xargs.argv.push_back(flag);
        as_xargs.argv.push_back(marker);
      }
      as_xargs.argv.insert(as_xargs.argv.end(), inv.argv.begin() + static_cast<long>(i), inv.argv.end());
      return model_xargs(as_xargs, in, depth);
    }
    if (!first_input.empty())
      for (size_t at = 0; (at = text.find("{}", at)) != std::string::npos; at += first_input.size())
        text.replace(at, 2, first_input);
    return analyse_nested(text, in, name, inv.span, name, depth);
  }
  if ((name == "jq" || name == "gojq" || name == "jaq") && jq_dumps_environment(inv.argv)) {
    // jq's `env` and `$ENV` are the whole environment.
    Stream out = model_readers(inv, in);
    out.taint.push_back(Taint{"env_dump", "jq env", {}, {}, false});
    return out;
  }
  if (name == "crontab") return model_crontab(inv, in, depth);
  if (name == "at" || name == "batch") {
    // at TIME reads the job from stdin (or -f FILE) and runs it later.
    ParsedArgs parsed = parse_args(inv.argv, 1, "fqtm", {});
    if (parsed.has({"-l", "-r", "-d", "-c"})) return {};
    Stream job = in;
    if (const Option* file = parsed.find({"-f"})) {
      job = Stream{};
      job.taint = read_path(file->value, &job.literal);
    }
    add_marker("persistence_write", "at job", inv.span);
    Taints taints = job.taint;
    add_via(taints, "file");
    emit_secret_flows(taints, "persist", inv.name, "", inv.span, "", true);
    if (job.literal) analyse_payload(*job.literal, "at", inv.name, inv.span, depth);
    return {};
  }
  if (name == "sg" && inv.argv.size() >= 3) {
    // sg GROUP [-c] 'COMMAND' runs COMMAND through a shell.
    size_t command = inv.argv[2].text == "-c" ? 3 : 2;
    if (command < inv.argv.size())
      return analyse_nested(script_text(inv.argv[command], depth), in, "shell_string", inv.span, name, depth);
    return {};
  }
  if (name == "tmux" && !args.empty()) {
    // tmux new -d 'COMMAND', send-keys 'COMMAND' Enter, run-shell 'COMMAND': a shell runs it.
    static const NameSet runs{"new", "new-session", "new-window", "neww", "split-window", "splitw",
                              "respawn-pane", "run-shell", "run", "send-keys", "send"};
    size_t sub = 1;
    while (sub < inv.argv.size() && !inv.argv[sub].text.empty() && inv.argv[sub].text[0] == '-') ++sub;
    if (sub < inv.argv.size() && runs.count(inv.argv[sub].text)) {
      ParsedArgs parsed = parse_args(inv.argv, sub + 1, "sntcxyFeTw", {});
      std::string text;
      for (size_t index : parsed.positionals) {
        const std::string& word = inv.argv[index].text;
        if (word == "Enter" || word == "C-m" || word == "KPEnter") continue;
        text += (text.empty() ? "" : " ") + script_text(inv.argv[index], depth);
      }
      if (!text.empty()) return analyse_nested(text, Stream{}, "shell_string", inv.span, name, depth);
    }
    return {};
  }
  if ((name == "npm" || name == "pnpm" || name == "yarn") && args.size() >= 3 && args[0] == "pkg" && args[1] == "set") {
    // npm pkg set scripts.postinstall="…": a lifecycle script runs on every install.
    static const NameSet lifecycle{"preinstall", "install", "postinstall", "prepare", "prepublish",
                                   "prepack", "postpack", "dependencies"};
    for (size_t k = 2; k < args.size(); ++k) {
      const std::string& setting = args[k];
      size_t equals = setting.find('=');
      if (setting.rfind("scripts.", 0) != 0 || equals == std::string::npos) continue;
      if (!lifecycle.count(std::string_view(setting).substr(8, equals - 8))) continue;
      analyse_payload(setting.substr(equals + 1), "npm_script", "package.json " + setting.substr(0, equals), inv.span, depth);
    }
    return {};
  }
  if (model_package_publish(inv.name, args, inv.span)) return {};
  if (name == "cp" || name == "mv" || name == "install" || name == "ln" || name == "rsync") return model_copy(inv);
  if (name == "tee") {
    bool append = false;
    for (const auto& arg : args)
      if (arg == "--append" || (arg.size() > 1 && arg[0] == '-' && arg[1] != '-' && arg.find('a') != std::string::npos))
        append = true;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& path = inv.argv[i].text;
      if (path.empty() || path[0] == '-') continue;
      if (path.rfind("/dev/tcp/", 0) == 0) {
        std::string host = lower(path.substr(9, path.find('/', 9) - 9));
        emit_secret_flows(in.taint, "network", "/dev/tcp", host, inv.span, "pipe");
        continue;
      }
      if (is_block_device(path)) add_marker("destructive_target", "tee " + path, inv.span);
      write_file(path, in, inv.span, depth, append);
    }
    return in;
  }
  if (name == "sed") {
    bool in_place = false;
    for (const auto& arg : args)
      if (starts_with(arg, "-i") || arg == "--in-place" || starts_with(arg, "--in-place=")) in_place = true;
    if (in_place) {
      ParsedArgs parsed = parse_args(inv.argv, 1, "ef", {"--expression", "--file"});
      std::vector<std::string> scripts;
      for (const auto& option : parsed.options)
        if (option.name == "-e" || option.name == "--expression") scripts.push_back(option.value);
      size_t first_file = 0;
      if (scripts.empty() && !parsed.positionals.empty()) scripts.push_back(inv.argv[parsed.positionals[0]].text), first_file = 1;
      std::string inserted;
      for (const auto& script : scripts) inserted += sed_inserted_text(script);
      for (size_t k = first_file; k < parsed.positionals.size(); ++k) {
        const std::string& path = inv.argv[parsed.positionals[k]].text;
        Stream content;
        if (!inserted.empty()) content.literal = inserted;
        if (auto kind = persistence_kind(path)) {
          add_marker("persistence_write", std::string(*kind), inv.span);
          if (content.literal && *kind != "authorized_keys") analyse_payload(*content.literal, *kind, path, inv.span, depth);
        }
      }
      return {};
    }
  }
  if (name == "chmod") {
    bool executable = false;
    for (const auto& arg : args)
      if (arg.find("+x") != std::string::npos || arg == "755" || arg == "700" || arg == "775" || arg == "777" ||
          arg == "0755" || arg == "a+rx" || arg == "u+rx")
        executable = true;
    if (executable)
      for (const auto& arg : args)
        if (!arg.empty() && arg[0] != '-' && arg[0] != '+' && !std::isdigit(static_cast<unsigned char>(arg[0]))) {
          // The file written under another spelling of its path (an editor tool's absolute path) keeps its content.
          if (FileState* file = find_file(arg)) file->executable = true;
          else files_[arg].executable = true;
        }
    return {};
  }
  if (name == "unzip" || ((name == "7z" || name == "7za") && inv.argv.size() > 1 && (inv.argv[1].text == "x" || inv.argv[1].text == "e"))) {
    // unzip ARCHIVE [-d DIR], 7z x ARCHIVE [-oDIR]: what it unpacks carries the archive's origin.
    ParsedArgs parsed = parse_args(inv.argv, 1, name == "unzip" ? "dPx" : "", {});
    size_t first = name == "unzip" ? 0 : 1;
    std::string directory;
    if (const Option* given = parsed.find({"-d"})) directory = given->value;
    for (const auto& word : inv.argv)
      if (name != "unzip" && starts_with(word.text, "-o") && word.text.size() > 2) directory = word.text.substr(2);
    if (parsed.positionals.size() > first) record_extraction(read_path(inv.argv[parsed.positionals[first]].text), directory);
    return {};
  }
  if (name == "split" || name == "csplit") {
    // split [FILE [PREFIX]]: the input goes into files PREFIXaa, PREFIXab … (default prefix x).
    ParsedArgs parsed = parse_args(inv.argv, 1, name == "split" ? "lbnCat" : "bfn",
                                   {"--lines", "--bytes", "--number", "--line-bytes", "--suffix-length",
                                    "--additional-suffix", "--separator", "--prefix", "--digits", "--suffix-format"});
    std::vector<std::string> operands;
    for (size_t index : parsed.positionals) operands.push_back(inv.argv[index].text);
    Stream content = in;
    if (!operands.empty() && operands[0] != "-") content.taint = read_path(operands[0], &content.literal);
    size_t prefix_at = name == "split" ? 1 : 0;
    std::string prefix = name == "split" ? (operands.size() > prefix_at ? operands[prefix_at] : "x") : "xx";
    if (name == "csplit")
      if (const Option* given = parsed.find({"-f", "--prefix"})) prefix = given->value;
    add_via(content.taint, "file");
    for (const char* suffix : {"aa", "ab", "00", "01"}) write_file(prefix + suffix, content, inv.span, depth);
    return {};
  }
  if (name == "tar" || name == "zip" || name == "7z" || name == "7za" || name == "7zr") {
    // An archive built from credential files carries them, to a file or to stdout.
    Taints carried;
    std::string archive;
    std::vector<std::string> members;  // tar's, named in a flow's source when the archive goes to stdout
    if (name == "tar") {
      TarLayout layout = tar_layout(inv.argv);
      if (layout.extract && !layout.archive.empty() && layout.archive != "-")
        record_extraction(read_path(layout.archive), layout.directory);
      if (layout.extract && (layout.archive.empty() || layout.archive == "-")) record_extraction(in.taint, layout.directory);
      if (!layout.create) return model_readers(inv, in);
      for (const auto& input : layout.inputs) merge_taints(carried, read_path(input));
      archive = layout.archive;
      members = layout.inputs;
    } else {
      ParsedArgs parsed = parse_args(inv.argv, 1, "", {});
      for (size_t k = 0; k < parsed.positionals.size(); ++k) {
        if (k == 0 && name == "zip") archive = inv.argv[parsed.positionals[k]].text;
        else if (k == 1 && name != "zip") archive = inv.argv[parsed.positionals[k]].text;
        else if (k >= 1) merge_taints(carried, read_path(inv.argv[parsed.positionals[k]].text));
      }
      // 7z a -so: the archive goes to stdout; its name is only a label.
      if (name != "zip" && std::any_of(inv.argv.begin(), inv.argv.end(), [](const Word& w) { return w.text == "-so"; }))
        archive = "-";
    }
    add_via(carried, "encoder");
    Stream content;
    content.taint = carried;
    if (archive.empty() || archive == "-") {
      // An archive to stdout is its members' content, whatever they are: piped to an upload, they leave.
      if (!std::any_of(carried.begin(), carried.end(), [](const Taint& t) { return is_secret_class(t.from); })) {
        std::string named;
        for (const auto& member : members) named += (named.empty() ? "" : " ") + member;
        content.taint.push_back(Taint{"local_file", named.empty() ? "an archive (" + std::string(name) + ")" : named, {"encoder"}, {}, false});
      }
      return content;
    }
    write_file(archive, content, inv.span, depth);
    return {};
  }
  if (is_pass_through(name) || is_file_reader(name) || is_selective_filter(name) || is_summariser(name))
    return model_readers(inv, in);
  // pip install --index-url https://u:$TOKEN@host/…: a URL argument carrying a secret sends it to that host.
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const Word& word = inv.argv[i];
    if (word.taint.empty()) continue;
    size_t scheme = word.text.find("://");
    if (scheme == std::string::npos) continue;
    size_t begin = scheme;
    while (begin > 0 && (std::isalnum(static_cast<unsigned char>(word.text[begin - 1])) || word.text[begin - 1] == '+'))
      --begin;
    std::string url = word.text.substr(begin);
    std::string scheme_name = lower(url.substr(0, url.find("://")));
    // Database and cache URLs (postgres://, redis://) carry a password to the service it opens.
    static const NameSet fetch_schemes{"http", "https", "ftp", "ftps", "git+http", "git+https",
                                       "ws", "wss", "git", "ssh", "git+ssh"};
    if (!fetch_schemes.count(scheme_name) || !is_url(url)) continue;
    Taints taints = word.taint;
    add_via(taints, "argument");
    add_host(host_of(url));
    if (host_of(url).empty()) drop_secrets_sent_to_their_service(taints, url);
    emit_secret_flows(taints, "network", inv.name, host_of(url), inv.span, "");
  }
  // A path run as a command: a script written or downloaded earlier in the script.
  if (inv.argv[0].text.find('/') != std::string::npos || files_.count(inv.argv[0].text))
    return run_script_file(inv, inv.argv[0].text, in, depth, "script_file");
  return {};
}

Stream Walker::model_echo(Invocation& inv) {
  Stream out;
  size_t i = 1;
  bool interpret = inv.name == "printf";
  bool newline = inv.name == "echo";
  if (inv.name == "echo") {
    while (i < inv.argv.size() && inv.argv[i].text.size() > 1 && inv.argv[i].text[0] == '-' &&
           inv.argv[i].text.find_first_not_of("neE", 1) == std::string::npos) {
      if (inv.argv[i].text.find('e') != std::string::npos) interpret = true;
      if (inv.argv[i].text.find('n') != std::string::npos) newline = false;
      ++i;
    }
  }
  std::string text;
  if (inv.name == "printf") {
    if (i < inv.argv.size() && inv.argv[i].text == "-v") i += 2;
    if (i < inv.argv.size() && inv.argv[i].text == "--") ++i;
    if (i < inv.argv.size()) {
      std::string format = decode_printf(inv.argv[i].text);
      size_t next = i + 1;
      // Fill %s / %b / %d in order with the remaining arguments; as bash does, the format is used again
      // while arguments remain (printf -v c '%s' c u r l is "curl").
      std::string filled;
      do {
        size_t before = next;
        for (size_t k = 0; k < format.size(); ++k) {
          if (format[k] == '%' && k + 1 < format.size() && std::strchr("sbdqc", format[k + 1])) {
            if (next < inv.argv.size()) filled += format[k + 1] == 'b' ? decode_printf(inv.argv[next].text) : inv.argv[next].text;
            ++next;
            ++k;
          } else {
            filled += format[k];
          }
        }
        if (next == before) break;  // a format without conversions prints once
      } while (next < inv.argv.size() && filled.size() < 65536);
      text = filled;
    }
  } else {
    for (size_t k = i; k < inv.argv.size(); ++k) text += (k > i ? " " : "") + inv.argv[k].text;
    if (interpret) text = decode_printf(text);
    if (newline) text += "\n";
  }
  if (spend_expansion(text.size())) out.literal = text;
  out.taint = word_taints(inv.argv, i);
  // GitHub Actions' `echo "::add-mask::$TOKEN"` is the runner's instruction to hide the value from its log:
  // not a print of it (piped or written elsewhere, the bytes still carry it).
  if (starts_with(text, "::add-mask::"))
    for (auto& taint : out.taint) taint.filtered = true;
  return out;
}

// A digest of a secret identifies it and, cut into DNS labels, carries it out: `dig $(md5sum ~/.ssh/id_rsa
// | cut -c1-30).x.example`. Its labels go on, marked filtered, since a digest printed is no leak by itself.
Stream Walker::model_digest(Invocation& inv, const Stream& in) {
  Stream out;
  bool named_file = false;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (arg.empty() || (arg[0] == '-' && arg != "-")) continue;
    if (arg == "-") {
      merge_taints(out.taint, in.taint);
    } else {
      named_file = true;
      merge_taints(out.taint, read_path(arg, nullptr));
    }
  }
  if (!named_file) merge_taints(out.taint, in.taint);
  add_via(out.taint, "digest");
  for (auto& taint : out.taint) taint.filtered = true;
  return out;
}

Stream Walker::model_readers(Invocation& inv, const Stream& in) {
  CommandName name{inv.name};
  Stream out;
  if (is_digest(name)) return model_digest(inv, in);
  bool is_awk = name == "awk" || name == "gawk" || name == "mawk" || name == "nawk";
  if (is_summariser(name)) return out;
  bool filter = is_selective_filter(name);
  std::string_view values;
  std::initializer_list<std::string_view> long_values{};
  if (filter) values = "efmABCd";
  else if (name == "head" || name == "tail") values = "nc";
  else if (name == "cut") values = "dfcb";
  else if (name == "sed") values = "ef";
  else if (name == "jq") values = "";
  else if (name == "base64" || name == "fold") values = "w";
  else if (name == "tar") values = "fCT";
  else if (name == "openssl") values = "";
  else if (name == "sort") values = "tko";
  else if (name == "xxd") values = "lcgs";
  else if (is_awk) values = "vFf";
  bool gpg = name == "gpg" || name == "gpg2";
  ParsedArgs parsed = gpg ? parse_args(inv.argv, 1, "oruRf",
                                       {"--output", "--recipient", "--local-user", "--homedir", "--default-key",
                                        "--keyring", "--passphrase-file"})
                          : parse_args(inv.argv, 1, values, long_values);
  bool pattern_from_option = parsed.has({"-e", "-f", "--regexp", "--file", "--expression"});
  size_t skip_positionals = 0;
  if ((filter || name == "sed" || name == "jq" || name == "yq") && !pattern_from_option) skip_positionals = 1;
  if (name == "tr") skip_positionals = 2;
  // jq '.credHelpers | keys' ~/.docker/config.json: names, counts and types, not the values.
  bool picks_plain_fields = false;
  if (name == "jq" && !parsed.positionals.empty()) {
    std::string filter = inv.argv[parsed.positionals.front()].text;
    while (!filter.empty() && filter.back() == ' ') filter.pop_back();
    for (std::string_view summary : {"keys", "keys[]", "keys_unsorted", "keys_unsorted[]", "length", "type", "to_entries | length"})
      if (ends_with(filter, summary) && (filter.size() == summary.size() || std::string_view(" |.[(").find(filter[filter.size() - summary.size() - 1]) != std::string_view::npos))
        return out;
    picks_plain_fields = jq_picks_plain_fields(filter);
  }
  if (is_awk && !parsed.has({"-f", "--file"})) skip_positionals = 1;
  if (name == "openssl") skip_positionals = 1;

  if (filter) {
    if (parsed.has({"-c", "-q", "-l", "-L", "--count", "--quiet", "--files-with-matches", "--files-without-match", "-s"}) &&
        !parsed.has({"-o"}) && parsed.has({"-c", "-q", "-l", "-L", "--count", "--quiet", "--files-with-matches",
                                            "--files-without-match"})) {
      if (parsed.has({"-l", "--files-with-matches"}) && !parsed.has({"-c", "-q", "--count", "--quiet"}))
        out.secret_file_names = files_with_secret_content(inv.argv, parsed);
      return out;
    }
  }
  bool secret_pattern = false;
  if (filter) {
    std::string pattern = filter_pattern(inv.argv, parsed);
    secret_pattern = names_secret(pattern);
    if (pattern.empty() || pattern == "." || pattern == "^" || pattern == ".*" || pattern == "=")
      secret_pattern = true;
  }

  bool reads_stdin = true;
  std::vector<std::string> files;
  for (size_t k = skip_positionals; k < parsed.positionals.size(); ++k) files.push_back(inv.argv[parsed.positionals[k]].text);
  if (name == "openssl") {
    // openssl takes single-dash long options: only -in names a file, otherwise it reads stdin.
    files.clear();
    for (size_t k = 1; k + 1 < inv.argv.size(); ++k)
      if (inv.argv[k].text == "-in") files.push_back(inv.argv[k + 1].text);
  }
  if (name == "tar") files.clear();
  if (!files.empty()) reads_stdin = std::find(files.begin(), files.end(), "-") != files.end();
  if (name == "tee") reads_stdin = true, files.clear();
  // Clipboard tools take their options' values as words (xclip -selection clipboard); they copy stdin.
  if (is_clipboard_tool(name)) reads_stdin = true, files.clear();
  if (name == "dd") {
    files.clear();
    for (size_t k = 1; k < inv.argv.size(); ++k)
      if (starts_with(inv.argv[k].text, "if=")) files.push_back(inv.argv[k].text.substr(3));
    reads_stdin = files.empty();
  }
  if (is_file_reader(name) || name == "tar" || name == "openssl" || name == "dd") {
    // cat <(env): a process substitution names a stream, not a file on disk.
    for (size_t k = skip_positionals; k < parsed.positionals.size(); ++k)
      if (const auto& stream = inv.argv[parsed.positionals[k]].stream) {
        merge_taints(out.taint, stream->taint);
        if (stream->literal && name == "cat") out.literal = out.literal.value_or("") + *stream->literal;
      }
    for (const auto& path : files) {
      if (path == "-") continue;
      std::optional<std::string> literal;
      Taints taints = read_path(path, &literal);
      merge_taints(out.taint, taints);
      if (literal && (name == "cat" || name == "head" || name == "tail")) out.literal = out.literal.value_or("") + *literal;
    }
  }
  // base64 -d /tmp/p, rev FILE, xxd -r -p FILE: a decoder reading a file written earlier decodes its bytes.
  static const NameSet decoders{"base64", "base32", "basenc", "xxd", "rev", "tr", "openssl"};
  Stream file_input;
  const Stream* input = &in;
  if (decoders.count(name) && files.size() == 1 && files[0] != "-") {
    file_input.taint = read_path(files[0], &file_input.literal);
    if (file_input.literal) {
      input = &file_input;
      reads_stdin = true;
    }
  }
  if (reads_stdin && (is_pass_through(name) || filter)) {
    Taints carried = input->taint;
    static const NameSet encoders{"base64", "base32", "basenc", "xxd", "od", "hexdump", "gzip",
                                  "bzip2", "xz", "zstd", "lz4", "brotli", "tar", "zip", "openssl",
                                  "rev", "tr", "sed", "awk", "cut", "jq", "gpg", "uuencode", "yq",
                                  "iconv", "gunzip", "bunzip2", "unxz", "unzstd"};
    if (encoders.count(name)) add_via(carried, "encoder");
    merge_taints(out.taint, carried);
    out.decoded = input->decoded;
    out.heredoc = input->heredoc;
    out.secret_file_names = input->secret_file_names;  // sort, head, grep -v over the names keep them names
    bool decode = parsed.has({"-d", "--decode", "-D"});
    if (name == "cat" || name == "tee" || name == "head" || name == "tail" || name == "sort" || name == "uniq" ||
        name == "stdbuf" || name == "dd") {
      if (name == "cat" || name == "tee" || name == "dd" || name == "stdbuf") out.literal = input->literal;
    } else if ((name == "base64" || name == "base32" || name == "basenc") && decode) {
      out.decoded = true;
      if (input->literal) {
        auto decoded = decode_base64(*input->literal);
        if (decoded && looks_like_text(*decoded)) out.literal = *decoded;
      }
    } else if (name == "rev") {
      out.decoded = true;
      if (input->literal) {
        std::string reversed;
        size_t start = 0;
        const std::string& text = *input->literal;
        while (start <= text.size()) {
          size_t end = text.find('\n', start);
          std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
          std::reverse(line.begin(), line.end());
          reversed += line;
          if (end == std::string::npos) break;
          reversed += '\n';
          start = end + 1;
        }
        out.literal = reversed;
      }
    } else if (name == "xxd" && parsed.has({"-r", "--revert"})) {
      out.decoded = true;
      if (input->literal) {
        auto decoded = decode_hex(*input->literal);
        if (decoded && looks_like_text(*decoded)) out.literal = *decoded;
      }
    } else if ((name == "openssl" && (decode || (inv.argv.size() > 1 && inv.argv[1].text == "base64" && decode))) ||
               name == "gunzip" || name == "zcat" || name == "uudecode" || name == "bunzip2" || name == "unxz" ||
               ((name == "gzip" || name == "xz" || name == "bzip2" || name == "zstd") && decode) ||
               (name == "tr" && !input->literal)) {
      out.decoded = true;
    } else if (name == "tr" && input->literal && parsed.positionals.size() >= 2 && !parsed.has({"-d", "-s", "-c"})) {
      // tr SET1 SET2 over plain character lists (rot13 and friends).
      std::string from = inv.argv[parsed.positionals[0]].text, to = inv.argv[parsed.positionals[1]].text;
      auto expand = [](const std::string& set) {
        std::string out;
        for (size_t k = 0; k < set.size(); ++k) {
          if (k + 2 < set.size() && set[k + 1] == '-') {
            for (char c = set[k]; c <= set[k + 2] && out.size() < 512; ++c) out += c;
            k += 2;
          } else {
            out += set[k];
          }
        }
        return out;
      };
      std::string a = expand(from), b = expand(to);
      if (!a.empty() && !b.empty()) {
        std::string mapped = *input->literal;
        for (char& c : mapped) {
          size_t at = a.find(c);
          if (at != std::string::npos) c = b[std::min(at, b.size() - 1)];
        }
        out.literal = mapped;
        out.decoded = true;
      }
    }
  }
  if ((filter && !secret_pattern) || picks_plain_fields)
    for (auto& taint : out.taint) taint.filtered = true;
  if (name == "head" || name == "tail" || name == "cut" || name == "awk") {
    // A slice of a secret is still a secret: only grep-like filters are selective.
  }
  // gpg -o FILE writes its result there (gpg --dearmor -o /etc/apt/keyrings/docker.gpg): nothing is printed.
  if (const Option* output = parsed.find({"-o", "--output"});
      output && gpg && !output->value.empty() && output->value != "-") {
    write_file(output->value, out, inv.span, 0);
    return {};
  }
  return out;
}

namespace {

// A curl config file's lines as the options they stand for: `url = "https://…"`, `data-binary = "@file"`,
// `--header @file` (a leading -- and the = are optional, values may be quoted).
void append_curl_config_options(const std::string& config, std::vector<Option>& options) {
  size_t start = 0;
  while (start < config.size() && options.size() < 256) {
    size_t end = config.find('\n', start);
    std::string line = config.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? config.size() : end + 1;
    size_t key_begin = line.find_first_not_of(" \t");
    if (key_begin == std::string::npos || line[key_begin] == '#') continue;
    size_t key_end = line.find_first_of(" \t=:", key_begin);
    std::string key = line.substr(key_begin, key_end == std::string::npos ? std::string::npos : key_end - key_begin);
    while (starts_with(key, "-")) key.erase(0, 1);
    size_t value_begin = key_end == std::string::npos ? std::string::npos : line.find_first_not_of(" \t=:", key_end);
    std::string value = value_begin == std::string::npos ? std::string() : line.substr(value_begin);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.pop_back();
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (key.empty()) continue;
    Option option;
    option.name = key.size() == 1 ? "-" + key : "--" + key;
    option.value = value;
    options.push_back(std::move(option));
  }
}

// zsh's glob qualifiers after a glob word (src/**/*.ts(.N), *(om[1])) are no bash syntax: blanked, the
// glob reads as bash would read it, and the script's other words keep their places.
void blank_zsh_glob_qualifiers(std::string& text) {
  for (size_t open = text.find('('); open != std::string::npos; open = text.find('(', open + 1)) {
    size_t word = text.find_last_of(" \t\n;|&<>(", open - (open > 0 ? 1 : 0));
    word = word == std::string::npos ? 0 : word + 1;
    if (open == 0 || word >= open || text.substr(word, open - word).find_first_of("*?[") == std::string::npos) continue;
    size_t close = text.find(')', open);
    if (close == std::string::npos || close - open > 32) continue;
    bool qualifiers = std::all_of(text.begin() + static_cast<long>(open) + 1, text.begin() + static_cast<long>(close), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(".@/*%=^+-:,[]").find(c) != std::string_view::npos;
    });
    if (qualifiers) std::fill(text.begin() + static_cast<long>(open), text.begin() + static_cast<long>(close) + 1, ' ');
  }
}

}  // namespace

Stream Walker::model_network(Invocation& inv, const Stream& in) {
  const std::string& name = inv.name;
  Stream out;
  std::string host;
  std::vector<std::string> upload_paths;
  bool reads_stdin = false;
  bool stdout_network = false;
  std::string download_path;
  std::string url;
  std::optional<Taints> payload_taints;  // when only some arguments are sent (not a client's own credentials)
  bool secrets_only = false;             // ordinary local files sent are no finding (the user's own storage)
  Taints printed;                        // what the client prints of its own request (curl -v's headers)

  if (name == "curl") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "AbcCdDeEFHKmoPQrTuUwxXyYz",
                                   {"--data", "--data-binary", "--data-raw", "--data-ascii", "--data-urlencode", "--json",
                                    "--form", "--form-string", "--header", "--output", "--upload-file", "--user",
                                    "--request", "--url", "--user-agent", "--referer", "--cookie", "--cookie-jar",
                                    "--config", "--max-time", "--connect-timeout", "--write-out", "--proxy", "--cert",
                                    "--key", "--cacert", "--resolve", "--connect-to", "--retry", "--limit-rate",
                                    "--range", "--output-dir", "--dump-header", "--variable", "--oauth2-bearer"});
    std::vector<std::string> urls;
    for (size_t index : parsed.positionals) urls.push_back(inv.argv[index].text);
    std::vector<Option> options = parsed.options;
    // -K FILE: a config file written earlier holds more options, one `name = "value"` a line.
    for (const auto& option : parsed.options) {
      if (option.name != "-K" && option.name != "--config") continue;
      std::optional<std::string> config;
      read_path(option.value, &config);
      if (config) append_curl_config_options(*config, options);
    }
    for (const auto& option : options) {
      if (option.name == "--url") urls.push_back(option.value);
      bool data = option.name == "-d" || starts_with(option.name, "--data") || option.name == "--json";
      if (data) {
        std::string value = option.value;
        size_t at = option.name == "--data-urlencode" ? value.find('@') : (value.rfind('@', 0) == 0 ? 0 : std::string::npos);
        if (option.name != "--data-raw" && at != std::string::npos) {
          std::string path = value.substr(at + 1);
          if (path == "-") reads_stdin = true;
          else upload_paths.push_back(path);
        }
      }
      if (option.name == "-F" || option.name == "--form") {
        size_t equals = option.value.find('=');
        if (equals != std::string::npos && equals + 1 < option.value.size() &&
            (option.value[equals + 1] == '@' || option.value[equals + 1] == '<')) {
          std::string path = option.value.substr(equals + 2);
          path = path.substr(0, path.find(';'));
          if (path == "-") reads_stdin = true;
          else upload_paths.push_back(path);
        }
      }
      if (option.name == "-T" || option.name == "--upload-file") {
        if (option.value == "-" || option.value == ".") reads_stdin = true;
        else upload_paths.push_back(option.value);
      }
      // -H @FILE sends the file's lines as headers; --variable NAME@FILE reads it for {{NAME}} expansion.
      if ((option.name == "-H" || option.name == "--header") && starts_with(option.value, "@")) {
        if (option.value == "@-") reads_stdin = true;
        else upload_paths.push_back(option.value.substr(1));
      }
      if (option.name == "--variable") {
        size_t at = option.value.find('@'), equals = option.value.find('=');
        if (at != std::string::npos && (equals == std::string::npos || at < equals)) {
          std::string path = option.value.substr(at + 1);
          if (path == "-") reads_stdin = true;
          else upload_paths.push_back(path);
        }
      }
      if (option.name == "-o" || option.name == "--output") download_path = option.value;
      if (option.name == "-O" || option.name == "--remote-name" || option.name == "--remote-name-all")
        download_path = "\x01";
    }
    // -v and --trace print the request's headers, credentials included, where the caller reads them.
    bool verbose = std::any_of(inv.argv.begin() + 1, inv.argv.end(), [](const Word& w) {
      return w.text == "-v" || w.text == "--verbose" || starts_with(w.text, "--trace") ||
             (w.text.size() > 2 && w.text[0] == '-' && w.text[1] != '-' && w.text.find('v') != std::string::npos &&
              w.text.find_first_not_of("sSfLkvi", 1) == std::string::npos);
    });
    if (verbose)
      for (const auto& option : options)
        if (option.word > 0 && (option.name == "-H" || option.name == "--header" || option.name == "-u" ||
                                option.name == "--user" || option.name == "--oauth2-bearer" || option.name == "-b" ||
                                option.name == "--cookie"))
          merge_taints(printed, inv.argv[static_cast<size_t>(option.word)].taint);
    add_via(printed, "verbose");
    if (!urls.empty()) url = urls[0];
    for (const auto& each : urls) add_host(host_of(each));
    if (download_path == "-" || download_path == "/dev/stdout") download_path.clear();
    stdout_network = download_path.empty();
    if (download_path == "\x01") download_path = url_file_name(url);
  } else if (name == "wget") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "OoaPeUTtwQiBYDIXl",
                                   {"--output-document", "--post-data", "--post-file", "--body-data", "--body-file",
                                    "--header", "--user", "--password", "--directory-prefix", "--user-agent", "--method",
                                    "--input-file", "--output-file", "--tries", "--timeout"});
    for (size_t index : parsed.positionals) {
      if (url.empty()) url = inv.argv[index].text;
      add_host(host_of(inv.argv[index].text));
    }
    const Option* document = parsed.find({"-O", "--output-document"});
    for (const auto& option : parsed.options)
      if (option.name == "--post-file" || option.name == "--body-file") upload_paths.push_back(option.value);
    if (document && (document->value == "-" || document->value == "/dev/stdout")) stdout_network = true;
    else if (document) download_path = document->value;
    else if (!parsed.has({"--spider"})) download_path = url_file_name(url);
    // wget -P DIR URL saves DIR/name.
    if (const Option* prefix = parsed.find({"-P", "--directory-prefix"}); prefix && !document && !download_path.empty())
      download_path = prefix->value + (prefix->value.empty() || prefix->value.back() == '/' ? "" : "/") + download_path;
  } else if (name == "nc" || name == "ncat" || name == "netcat" || name == "telnet") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "ecpsiwqxXPgGOITm",
                                   {"--exec", "--sh-exec", "--lua-exec", "--source", "--proxy", "--wait"});
    if (!parsed.positionals.empty()) url = inv.argv[parsed.positionals[0]].text;
    if (const Option* exec = parsed.find({"-e", "-c", "--exec", "--sh-exec", "--lua-exec"}))
      add_marker("reverse_shell", name + " " + exec->name + " " + exec->value, inv.span);
    reads_stdin = true;
    stdout_network = true;
    out.network_peer = true;
    if (in.interactive_shell) add_marker("reverse_shell", "a shell piped to " + name, inv.span);
  } else if (name == "socat") {
    bool network = false, exec = false;
    bool unidirectional = std::any_of(inv.argv.begin(), inv.argv.end(), [](const Word& w) { return w.text == "-u"; });
    std::vector<std::string> socat_files;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      std::string address = inv.argv[i].text;
      std::string kind = lower(address.substr(0, address.find(':')));
      if (kind.rfind("tcp", 0) == 0 || kind.rfind("udp", 0) == 0 || kind == "openssl" || kind == "ssl" ||
          kind.rfind("sctp", 0) == 0) {
        network = true;
        size_t colon = address.find(':');
        std::string rest = colon == std::string::npos ? "" : address.substr(colon + 1);
        if (url.empty()) url = rest.substr(0, rest.find(':'));
      }
      if (kind == "exec" || kind == "system") exec = true;
      // FILE:~/.aws/credentials TCP:host:port sends the file's bytes to the peer.
      if ((kind == "file" || kind == "open" || kind == "gopen") && address.find(':') != std::string::npos) {
        std::string path = address.substr(address.find(':') + 1);
        std::string options = path.find(',') == std::string::npos ? std::string() : path.substr(path.find(','));
        path = path.substr(0, path.find(','));
        // Opened for writing (create, append, wronly) or as the receiving end of -u: data comes in, not out.
        bool written = options.find("create") != std::string::npos || options.find("append") != std::string::npos ||
                       options.find("wronly") != std::string::npos || (unidirectional && i + 1 == inv.argv.size());
        if (!path.empty() && !written) socat_files.push_back(path);
      }
      if (address == "-" || kind == "stdin" || kind == "stdio" || kind == "stdout") reads_stdin = true;
    }
    if (network && exec) add_marker("reverse_shell", join_texts(inv.argv, 0, 4), inv.span);
    // Connecting, it sends the file; listening, it serves it to whoever connects.
    if (network) upload_paths.insert(upload_paths.end(), socat_files.begin(), socat_files.end());
    stdout_network = true;
    out.network_peer = true;
    if (in.interactive_shell) add_marker("reverse_shell", "a shell piped to socat", inv.span);
  } else if (name == "ssh" || name == "sftp" || name == "ftp" || name == "tftp" || name == "lftp") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "bcDEeFIiJLlmOopQRSWwP", {});
    if (!parsed.positionals.empty()) url = inv.argv[parsed.positionals[0]].text;
    reads_stdin = true;
    stdout_network = true;
    // sftp host <<< "put FILE": the batch commands upload FILE.
    if (name != "ssh" && in.literal)
      for (auto& path : put_commands(*in.literal)) upload_paths.push_back(std::move(path));
    if (const Option* commands = parsed.find({"-e", "-c"}); commands && name == "lftp")
      for (auto& path : put_commands(commands->value)) upload_paths.push_back(std::move(path));
    // sftp -b BATCH: the batch file's commands (a process substitution's text, or a file written earlier).
    if (const Option* batch = parsed.find({"-b"}); batch && name == "sftp" && batch->word >= 0) {
      const Word& word = inv.argv[static_cast<size_t>(batch->word)];
      std::optional<std::string> commands;
      if (word.stream) commands = word.stream->literal;
      else if (auto file = files_.find(word.text); file != files_.end()) commands = file->second.literal;
      if (commands)
        for (auto& path : put_commands(*commands)) upload_paths.push_back(std::move(path));
    }
  } else if (name == "smbclient") {
    // smbclient //HOST/share -c "put FILE": the -c commands upload.
    ParsedArgs parsed = parse_args(inv.argv, 1, "cUWAIpnmsOdtDT", {"--command", "--user", "--authentication-file"});
    if (!parsed.positionals.empty()) {
      std::string service = inv.argv[parsed.positionals[0]].text;
      size_t begin = service.find_first_not_of("/\\");
      if (begin != std::string::npos) host = lower(service.substr(begin, service.find_first_of("/\\", begin) - begin));
      url = service;
    }
    if (const Option* commands = parsed.find({"-c", "--command"}))
      for (auto& path : put_commands(commands->value)) upload_paths.push_back(std::move(path));
    if (in.literal)
      for (auto& path : put_commands(*in.literal)) upload_paths.push_back(std::move(path));
  } else if (name == "scp" || name == "rsync" || name == "rclone" || name == "s3cmd" || name == "smbclient") {
    ParsedArgs parsed = parse_args(inv.argv, 1, name == "scp" ? "PiolSFcJ" : "eB",
                                   {"--rsh", "--exclude", "--include", "--port", "--password-file", "--log-file"});
    std::vector<std::string> operands;
    for (size_t index : parsed.positionals) operands.push_back(inv.argv[index].text);
    if (operands.size() >= 2) {
      std::string destination_host = remote_host_of(operands.back());
      if (name == "rclone" && operands.back().find(':') != std::string::npos) destination_host = lower(operands.back().substr(0, operands.back().find(':')));
      if (!destination_host.empty()) {
        url = operands.back();
        host = destination_host;
        for (size_t k = 0; k + 1 < operands.size(); ++k)
          if (remote_host_of(operands[k]).empty()) upload_paths.push_back(operands[k]);
      } else {
        for (size_t k = 0; k + 1 < operands.size(); ++k)
          if (!remote_host_of(operands[k]).empty()) add_host(remote_host_of(operands[k]));
        return {};
      }
    }
  } else if (name == "openssl") {
    ParsedArgs parsed = parse_args(inv.argv, 2, "", {"-connect", "-servername", "-CAfile", "-cert", "-key", "-port"});
    for (size_t i = 2; i + 1 < inv.argv.size(); ++i)
      if (inv.argv[i].text == "-connect") url = inv.argv[i + 1].text;
    reads_stdin = true;
    stdout_network = true;
    out.network_peer = true;
    if (in.interactive_shell) add_marker("reverse_shell", "a shell piped to openssl s_client", inv.span);
  } else if (name == "gh") {
    std::string sub = inv.argv.size() > 1 ? inv.argv[1].text : "";
    std::string action = inv.argv.size() > 2 ? inv.argv[2].text : "";
    host = sub == "gist" ? "gist.github.com" : "api.github.com";
    // gh signs in from its own configuration, never from an argument: a secret in the text of an issue,
    // comment, gist or release is published there, GitHub's own token included.
    static const NameSet publishing{"issue", "pr", "gist", "release", "discussion", "repo"};
    if (publishing.count(sub))
      for (const auto& taint : word_taints(inv.argv, 2))
        if (is_secret_class(taint.from)) {
          add_marker("secret_published", "gh " + sub + " " + action + " publishes " + taint.source, inv.span);
          break;
        }
    if (sub == "gist" && action == "create") {
      ParsedArgs parsed = parse_args(inv.argv, 3, "df", {"--desc", "--filename"});
      for (size_t index : parsed.positionals) {
        if (inv.argv[index].text == "-") reads_stdin = true;
        else upload_paths.push_back(inv.argv[index].text);
      }
      if (parsed.positionals.empty()) reads_stdin = true;
    } else if (sub == "release" && action == "upload") {
      ParsedArgs parsed = parse_args(inv.argv, 3, "", {});
      for (size_t k = 1; k < parsed.positionals.size(); ++k) upload_paths.push_back(inv.argv[parsed.positionals[k]].text);
    } else if (sub == "api") {
      ParsedArgs parsed = parse_args(inv.argv, 2, "FfHXpq", {"--field", "--raw-field", "--header", "--method", "--input"});
      for (const auto& option : parsed.options) {
        if ((option.name == "-F" || option.name == "--field") && option.value.find("=@") != std::string::npos)
          upload_paths.push_back(option.value.substr(option.value.find("=@") + 2));
        if (option.name == "--input") {
          if (option.value == "-") reads_stdin = true;
          else upload_paths.push_back(option.value);
        }
      }
    } else if (sub != "issue" && sub != "pr" && sub != "secret" && sub != "variable") {
      return {};
    }
  } else if (name == "mail" || name == "mailx" || name == "sendmail" || name == "mutt" || name == "msmtp" || name == "ssmtp") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "sacbrAFfe", {});
    for (const auto& option : parsed.options)
      if (option.name == "-a" || option.name == "-A") upload_paths.push_back(option.value);
    for (size_t index : parsed.positionals) {
      const std::string& address = inv.argv[index].text;
      size_t at = address.find('@');
      if (at != std::string::npos) host = lower(address.substr(at + 1));
    }
    reads_stdin = true;
  } else if (name == "aws" || name == "gsutil" || name == "gcloud" || name == "az") {
    std::vector<std::string> texts = inv.texts();
    bool copy = false;
    for (const auto& text : texts)
      if (text == "cp" || text == "sync" || text == "mv" || text == "upload" || text == "upload-batch" || text == "rsync")
        copy = true;
    if (!copy) return {};
    ParsedArgs parsed = parse_args(inv.argv, 1, "fscn", {"--file", "--source", "--destination", "--container-name", "--name",
                                                         "--account-name", "--profile", "--region", "--bucket", "--key"});
    // The user's own cloud storage, reached with their own login: an upload of ordinary files there is a
    // deploy, not a leak; secrets and credential files sent there still are.
    secrets_only = true;
    std::string destination;
    for (size_t index : parsed.positionals) {
      const std::string& text = inv.argv[index].text;
      if (text.find("://") != std::string::npos) destination = text;
    }
    for (const auto& option : parsed.options)
      if (option.name == "--file" || option.name == "-f" || option.name == "--source" || option.name == "-s")
        upload_paths.push_back(option.value);
    // Local paths before a remote URL are uploaded to it (option values the table above does not know,
    // --acl public-read, may follow the destination).
    bool destination_remote = false;
    std::vector<std::string> local;
    for (size_t k = 0; k < parsed.positionals.size(); ++k) {
      const std::string& text = inv.argv[parsed.positionals[k]].text;
      bool verb = text == "cp" || text == "sync" || text == "mv" || text == "s3" || text == "storage" || text == "blob" ||
                  text == "upload" || text == "rsync" || text == "upload-batch";
      if (text.find("://") == std::string::npos) {
        if (!verb && !destination_remote) local.push_back(text);
      } else if (!local.empty()) {
        destination_remote = true;
      }
    }
    if (destination_remote) upload_paths.insert(upload_paths.end(), local.begin(), local.end());
    if (!destination_remote && !destination.empty() && upload_paths.empty()) return {};
    if (!destination.empty()) {
      host = host_of(destination);
      url = destination;
    }
    if (!destination_remote && parsed.find({"--file", "-f", "--source", "-s"}) == nullptr) return {};
  } else if (name == "http" || name == "https" || name == "xh") {
    // HTTPie and xh send what is piped or redirected into them as the request body.
    reads_stdin = true;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& text = inv.argv[i].text;
      if (text == "--ignore-stdin" || text == "-I") reads_stdin = false;
      if (text.empty() || text[0] == '-') continue;
      if (url.empty() && (is_url(text) || text.find('.') != std::string::npos || text[0] == ':') &&
          text != "GET" && text != "POST") {
        url = text;
        continue;
      }
      // field=@path and field:=@path embed a file, field@path uploads it, a bare @path is the body.
      size_t at = text.find('@');
      bool before_is_plain_field =
          at != std::string::npos && text.find_first_of("=:", 0) > at && text.find('=') == std::string::npos;
      if (at != std::string::npos && (at == 0 || text[at - 1] == '=' || text[at - 1] == ':' || before_is_plain_field))
        upload_paths.push_back(text.substr(at + 1));
    }
    stdout_network = true;
  } else if (name == "websocat") {
    // websocat URL: stdin goes out as messages, replies come back on stdout.
    for (size_t i = 1; i < inv.argv.size(); ++i)
      if (url.empty() && (starts_with(inv.argv[i].text, "ws://") || starts_with(inv.argv[i].text, "wss://")))
        url = inv.argv[i].text;
    reads_stdin = true;
    stdout_network = true;
  } else if (name == "mosquitto_pub") {
    ParsedArgs parsed = parse_args(inv.argv, 1, "hptmfiuPqkLAoT", {"--host", "--port", "--topic", "--message", "--file",
                                                                 "--username", "--pw", "--id", "--url"});
    if (const Option* server = parsed.find({"-h", "--host"})) host = lower(server->value);
    if (const Option* address = parsed.find({"-L", "--url"})) url = address->value;
    if (const Option* file = parsed.find({"-f", "--file"})) upload_paths.push_back(file->value);
    reads_stdin = parsed.has({"-s", "--stdin-file", "-l", "--stdin-line"});
    if ((host.empty() && url.empty()) || is_local_host(host.empty() ? host_of(url) : host)) return {};  // the local broker
  } else if (name == "kubectl" || name == "oc") {
    // A cluster client sends its bearer token or password to the API server it is given on the command
    // line (--server, oc login URL); without one, to the kubeconfig's own cluster: nothing to follow.
    Taints sent;
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& text = inv.argv[i].text;
      auto value_at = [&](std::string_view option) -> std::optional<size_t> {
        if (text == option && i + 1 < inv.argv.size()) return i + 1;
        if (starts_with(text, std::string(option) + "=")) return i;
        return std::nullopt;
      };
      if (auto at = value_at("--server")) url = inv.argv[*at].text.substr(*at == i ? 9 : 0);
      else if (auto at = value_at("-s")) url = inv.argv[*at].text.substr(*at == i ? 3 : 0);
      else if (name == "oc" && is_url(text) && url.empty()) url = text;
      for (std::string_view option : {"--token", "--password", "--client-key", "-p"})
        if (auto at = value_at(option)) merge_taints(sent, inv.argv[*at].taint);
    }
    if (url.empty()) return {};
    if (!is_url(url)) url = "https://" + url;
    payload_taints = std::move(sent);
  } else if (name == "redis-cli" || name == "psql" || name == "mysql" || name == "mariadb") {
    // A database client talks to another machine only when given one (-h HOST, a URL): then what
    // its arguments and stdin carry (-x, -c "… $(cat …)") is sent there.
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& text = inv.argv[i].text;
      if ((text == "-h" || text == "--host") && i + 1 < inv.argv.size()) host = lower(inv.argv[i + 1].text);
      else if (starts_with(text, "--host=")) host = lower(text.substr(7));
      else if (is_url(text) && url.empty()) url = text;  // redis://…, postgres://…
    }
    if (host.empty() && url.empty()) return {};
    if (is_local_host(host.empty() ? host_of(url) : host)) return {};
    mark_secret_login(inv, host.empty() ? host_of(url) : host);
    reads_stdin = name != "redis-cli" || std::any_of(inv.argv.begin(), inv.argv.end(), [](const Word& w) { return w.text == "-x"; });
    stdout_network = true;
    // What is sent: SQL given with -c/-e, redis-cli's command words; not the password or URL that logs in.
    Taints sent;
    static const NameSet connection{"-h", "--host", "-p", "--port", "-a", "--pass", "-u", "-U", "--user", "--username",
                                    "-d", "--dbname", "-n"};
    for (size_t i = 1; i < inv.argv.size(); ++i) {
      const std::string& text = inv.argv[i].text;
      if (connection.count(text)) {
        ++i;
        continue;
      }
      bool sql = (text == "-c" || text == "--command" || text == "-e" || text == "--execute") && i + 1 < inv.argv.size();
      if (sql) merge_taints(sent, inv.argv[++i].taint);
      else if (name == "redis-cli" && !is_url(text) && !text.empty() && text[0] != '-') merge_taints(sent, inv.argv[i].taint);
    }
    payload_taints = std::move(sent);
  } else if (is_browser(name)) {
    // A browser requests the URL it opens: what the URL carries (?t=$TOKEN) is sent; a local file is not.
    for (size_t i = 1; i < inv.argv.size() && url.empty(); ++i)
      if (is_url(inv.argv[i].text)) {
        url = inv.argv[i].text;
        payload_taints = inv.argv[i].taint;
      }
    if (url.empty()) return {};
  } else {
    // aria2c and friends: the first URL.
    for (size_t i = 1; i < inv.argv.size(); ++i)
      if (is_url(inv.argv[i].text)) {
        url = inv.argv[i].text;
        break;
      }
  }

  // Uploading /dev/stdin is reading the pipe.
  for (auto it = upload_paths.begin(); it != upload_paths.end();) {
    if (*it == "/dev/stdin" || *it == "/dev/fd/0" || *it == "/proc/self/fd/0") {
      reads_stdin = true;
      it = upload_paths.erase(it);
    } else {
      ++it;
    }
  }
  if (host.empty() && !url.empty()) {
    host = (name == "scp" || name == "rsync") ? remote_host_of(url) : host_of(url);
    if (host.find_first_of("$`") != std::string::npos) host.clear();
  }
  add_host(host);

  Taints argument_taints = payload_taints ? *payload_taints : word_taints(inv.argv, 1);
  merge_taints(argument_taints, inv.argument_taint);
  if (host.empty()) drop_secrets_sent_to_their_service(argument_taints, url);
  emit_secret_flows(argument_taints, "network", name, host, inv.span, "");
  for (const auto& path : upload_paths) {
    Taints taints = read_path(path);
    if (!secrets_only &&
        (taints.empty() || std::none_of(taints.begin(), taints.end(), [](const Taint& t) { return is_secret_class(t.from); })))
      taints.push_back(Taint{"local_file", path, {}, {}, false});
    add_via(taints, "file");
    emit_secret_flows(taints, "network", name, host, inv.span, "");
  }
  if (reads_stdin) {
    Taints piped = in.taint;
    if (host.empty()) drop_secrets_sent_to_their_service(piped, url);
    emit_secret_flows(piped, "network", name, host, inv.span, "pipe");
  }

  if (!download_path.empty() && download_path != "/dev/null") {
    Stream content;
    content.taint.push_back(Taint{"network", url, {"file"}, host, false});
    write_file(download_path, content, inv.span, 0);
    add_marker("download_to_disk", host.empty() ? url : host, inv.span);
  }
  if (stdout_network) out.taint.push_back(Taint{"network", url.empty() ? name : url, {}, host, false});
  merge_taints(out.taint, printed);
  if (stdout_network && is_cloud_metadata_credential_url(host, url))
    out.taint.push_back(Taint{"credential_helper", "cloud metadata " + url, {}, {}, false});
  return out;
}

// `docker login REGISTRY -p "$TOKEN"` and `echo "$TOKEN" | docker login REGISTRY --password-stdin` hand the
// secret to REGISTRY (Docker Hub when none is named): a network sink like curl's -u.
void Walker::model_registry_login(Invocation& inv, size_t first, const Stream& in) {
  ParsedArgs parsed = parse_args(inv.argv, first, "up", {"--username", "--password", "--password-file"});
  std::string host = "docker.io";
  if (!parsed.positionals.empty()) {
    const std::string& registry = inv.argv[parsed.positionals.front()].text;
    host = is_url(registry) ? host_of(registry) : lower(registry.substr(0, registry.find('/')));
  }
  add_host(host);
  Taints sent;
  for (const auto& option : parsed.options) {
    if (option.word < 0) continue;
    if (option.name == "--password-file") merge_taints(sent, read_path(option.value, nullptr));
    Taints taints = inv.argv[static_cast<size_t>(option.word)].taint;
    add_via(taints, "argument");
    merge_taints(sent, taints);
  }
  for (size_t index : parsed.positionals) {
    Taints taints = inv.argv[index].taint;
    add_via(taints, "argument");
    merge_taints(sent, taints);
  }
  if (parsed.has({"--password-stdin"})) {
    Taints piped = in.taint;
    add_via(piped, "pipe");
    merge_taints(sent, piped);
  }
  // A helper's token piped into a login (`aws ecr get-login-password | docker login …`, `gh auth token | …`)
  // is judged like a token variable: by whether the registry is that token's home.
  for (auto& taint : sent)
    if (taint.from == "credential_helper") taint.from = "secret_var";
  // GitLab CI's predefined login ($CI_REGISTRY_PASSWORD to "$CI_REGISTRY") and the like: credentials to the
  // registry the environment names for them.
  if (!parsed.positionals.empty()) drop_secrets_sent_to_their_service(sent, inv.argv[parsed.positionals.front()].text);
  emit_secret_flows(sent, "network", inv.name + " login", host, inv.span, "");
}

Stream Walker::model_dns(Invocation& inv) {
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const Word& word = inv.argv[i];
    if (word.text.empty() || word.text[0] == '-' || word.text[0] == '@' || word.text[0] == '+') continue;
    std::string host;
    if (!word.dynamic) {
      host = lower(word.text);
    } else {
      // The literal tail of a built name: "$(…).x.example.net" → x.example.net
      size_t cut = word.text.find_last_of(")}`");
      std::string tail = cut == std::string::npos ? std::string() : word.text.substr(cut + 1);
      while (!tail.empty() && tail[0] == '.') tail.erase(0, 1);
      if (tail.find('$') == std::string::npos) host = lower(tail);
    }
    if (!word.taint.empty()) {
      Taints taints = word.taint;
      add_via(taints, "argument");
      emit_secret_flows(taints, "dns", inv.name, host, inv.span, "");
    }
    add_host(host);
  }
  Taints extra = inv.argument_taint;
  if (!extra.empty()) emit_secret_flows(extra, "dns", inv.name, "", inv.span, "");
  return {};
}

Stream Walker::model_shell(Invocation& inv, const Stream& in, int depth) {
  const std::string& name = inv.name;
  Stream out;
  bool command_mode = false, interactive = false, stdin_mode = false;
  size_t i = 1;
  for (; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--command") {
      command_mode = true;
      ++i;
      break;
    }
    if (arg.size() < 2 || (arg[0] != '-' && arg[0] != '+')) {
      if (name == "su" && !command_mode) continue;  // su USER
      break;
    }
    if (arg[1] == '-') {
      if (arg == "--rcfile" || arg == "--init-file") ++i;
      continue;
    }
    if (arg.find('c') != std::string::npos && arg[0] == '-') command_mode = true;
    if (arg.find('i') != std::string::npos && arg[0] == '-') interactive = true;
    if (arg.find('s') != std::string::npos && arg[0] == '-') stdin_mode = true;
    if (arg.find('o') != std::string::npos || arg.find('O') != std::string::npos) ++i;
    if (command_mode) {
      ++i;
      break;
    }
  }
  if (command_mode) {
    if (i >= inv.argv.size()) return out;
    const Word* script_word = &inv.argv[i];
    // sh -c "$1" _ 'PAYLOAD': the script is one of its own positional parameters.
    std::string_view source = script_word->source;
    if (source.size() >= 2 && source.front() == '"' && source.back() == '"') source = source.substr(1, source.size() - 2);
    if (source.size() == 2 && source[0] == '$' && source[1] >= '1' && source[1] <= '9') {
      size_t index = i + 1 + static_cast<size_t>(source[1] - '0');
      if (index < inv.argv.size()) script_word = &inv.argv[index];
    }
    const Word& script = *script_word;
    add_marker("shell_string", name + " -c " + script.text.substr(0, 80), inv.span);
    Taints taints = script.taint;
    add_via(taints, "argument");
    for (auto& taint : taints)
      if (taint.from == "network") emit_secret_flows({taint}, "exec", name, "", inv.span, "", true);
    // sh -c 'curl -d @"$1" …' _ FILE: the words after the script are $0, $1 …
    auto saved_positionals = bind_positionals(inv.argv, i + 2);
    std::string text = script_text(script, depth);
    if (name == "zsh") blank_zsh_glob_qualifiers(text);
    out = analyse_nested(text, in, "shell_string", inv.span, name, depth);
    restore_positionals(std::move(saved_positionals));
    out.interactive_shell = out.interactive_shell || interactive;
    return out;
  }
  if (i < inv.argv.size() && !stdin_mode) {
    const Word& script = inv.argv[i];
    if (script.stream) {
      emit_secret_flows(script.stream->taint, "exec", name, "", inv.span, "", true);
      if (script.stream->literal)
        return analyse_nested(*script.stream->literal, in, "process_substitution", inv.span, name, depth);
      if (script.stream->decoded) add_marker("decoded_exec", name + " " + script.source, inv.span);
      return out;
    }
    if (script.text == "-" || script.text == "/dev/stdin") {
      // falls through to stdin below
    } else {
      return run_script_file(inv, script.text, in, depth, "script_file");
    }
  }
  // The shell reads its commands from stdin.
  out.interactive_shell = true;
  if (in.network_peer) add_marker("reverse_shell", name + " reading commands from a socket", inv.span);
  for (const auto& taint : in.taint)
    if (taint.from == "network") emit_secret_flows({taint}, "exec", name, "", inv.span, "pipe", true);
  if (in.literal && !in.literal->empty()) {
    std::string_view context = in.heredoc ? "heredoc" : in.decoded ? "decoded" : "stdin";
    Stream nested = analyse_nested(*in.literal, Stream{}, context, inv.span, name, depth);
    merge_stream(out, nested);
  } else if (in.decoded) {
    add_marker("decoded_exec", name + " runs decoded data", inv.span);
  }
  return out;
}

Stream Walker::run_script_file(Invocation& inv, const std::string& path, const Stream& in, int depth, const char* context) {
  std::string family = interpreter_family(inv.name);
  bool as_shell = family.empty() || family == "awk";
  return run_file(inv, path, {as_shell ? "shell" : family, in, context, false}, depth);
}

Stream Walker::run_file(Invocation& inv, const std::string& path, const FileRun& run, int depth) {
  FileState* file = find_file(path);
  // ./pkg/install.sh after unpacking a downloaded archive runs what the archive held.
  Taints taints = file ? file->taint : extracted_taint(path);
  if (file) add_via(taints, "file");
  if (run.only_fetched) keep_network(taints);
  emit_secret_flows(taints, "exec", inv.name, "", inv.span, "", true);
  if (!file) return {};
  // ./a.out built from C that the conversation wrote runs what the C hands to a shell.
  if (file->program) {
    std::string commands = *file->program;  // a copy: the walk may rewrite files_
    return analyse_nested(commands, run.in, "ambient", inv.span, inv.name, depth);
  }
  if (!file->literal || file->literal->empty() || run.language.empty()) return {};
  std::string code = *file->literal;
  // The words after the script's path are its arguments: $1 … in a shell script.
  size_t script_at = 0;
  while (script_at < inv.argv.size() && inv.argv[script_at].text != path) ++script_at;
  if (run.language == "shell") {
    auto saved = bind_positionals(inv.argv, script_at + 1);
    Stream out = analyse_nested(code, run.in, run.context, inv.span, inv.name, depth);
    restore_positionals(std::move(saved));
    return out;
  }
  // A program that reads the files its arguments name, or its stdin, holds what they hold: a helper
  // written earlier that posts them is handed ~/.ssh/id_ed25519, or `cat ~/.config/gh/hosts.yml |` it.
  Taints handed;
  if (reads_arguments(code))
    for (size_t k = script_at + 1; k < inv.argv.size() && k < script_at + 17; ++k) {
      const Word& argument = inv.argv[k];
      merge_taints(handed, argument.taint);
      // deploy.py --key ~/.ssh/id_rsa signs in with the key: it does not send it.
      static const NameSet key_options{"-i", "-k", "--key", "--key-file", "--keyfile", "--identity", "--identity-file",
                                       "--ssh-key", "--private-key", "--cert", "--credentials"};
      bool key_option = key_options.count(inv.argv[k - 1].text) > 0;
      if (!argument.text.empty() && argument.text[0] != '-' && !key_option) merge_taints(handed, read_path(argument.text));
    }
  if (reads_stdin(code)) merge_taints(handed, run.in.taint);
  Stream out;
  apply_code_reading(inv, run.language, code, handed, out, depth);
  record_inline_code(run.language, code);  // a script written earlier is followed like a one-liner
  return out;
}

void Walker::apply_code_reading(Invocation& inv, std::string_view language, const std::string& code,
                                const Taints& code_taint, Stream& out, int depth) {
  CodeReading reading = read_code(language, code);
  std::string host = reading.hosts.empty() ? std::string() : reading.hosts.front();
  for (const auto& each : reading.hosts) add_host(each);
  // open('/tmp/n').read(): a file the code names that this script, or an earlier call, wrote holds what
  // was written there.
  Taints from_files;
  for (const auto& literal : reading.literals)
    if (FileState* file = find_file(literal)) {
      Taints taints = file->taint;
      add_via(taints, "file");
      merge_taints(from_files, taints);
    }
  add_via(from_files, "interpreter");
  // exec(open('/tmp/m.py').read()) after a download: the fetched code runs.
  if (reading.runs_code)
    for (const auto& taint : from_files)
      if (taint.from == "network") emit_secret_flows({taint}, "exec", inv.name, "", inv.span, "", true);
  // `export K=$SECRET; python -c '… os.environ["K"] …'`: the code reads what the shell put there.
  Taints from_environment;
  for (const auto& name : reading.environment_names) {
    auto variable = variables_.find(name);
    if (variable == variables_.end()) continue;
    Taints carried = variable->second.value.taint;
    add_via(carried, "environment");
    merge_taints(from_environment, carried);
  }
  add_via(from_environment, "interpreter");
  if (reading.network) {
    Taints taints;
    for (const auto& source : reading.sources) taints.push_back(Taint{source.first, source.second, {"interpreter"}, {}, false});
    Taints shell_taints = code_taint;
    add_via(shell_taints, "interpreter");
    merge_taints(taints, shell_taints);
    merge_taints(taints, from_environment);
    merge_taints(taints, from_files);
    emit_secret_flows(taints, "network", inv.name, host, inv.span, "");
  } else if (reading.prints) {
    for (const auto& source : reading.sources) out.taint.push_back(Taint{source.first, source.second, {"interpreter"}, {}, false});
    merge_taints(out.taint, from_environment);
    merge_taints(out.taint, from_files);
  }
  if (reading.exec_fetched) {
    Flow flow;
    flow.from = "network";
    flow.to = "exec";
    flow.via = {"interpreter"};
    flow.source = reading.network_api;
    flow.sink = inv.name;
    flow.host = host;
    flow.span = inv.span;
    add_flow(std::move(flow));
  }
  if (reading.reverse_shell) add_marker("reverse_shell", inv.name + " socket with a shell", inv.span);
  if (!reading.destroys.empty()) add_marker("destructive_target", inv.name + " removes " + reading.destroys, inv.span);
  if (reading.fork_bomb) add_marker("fork_bomb", inv.name + " forks in an endless loop", inv.span);
  if (reading.request_exec) add_marker("web_shell", inv.name + " runs web request input as a command", inv.span);
  if (!reading.security_off.empty()) add_marker("security_off", reading.security_off, inv.span);
  if (reading.network && !reading.reverse_shell) out.taint.push_back(Taint{"network", host, {"interpreter"}, host, false});
  for (const auto& text : reading.shell_strings) {
    Stream nested = analyse_nested(text, Stream{}, "interpreter", inv.span, inv.name, depth);
    merge_stream(out, nested);
  }
  // python3 -c 'print("env | curl …")' | sh: the printed literal is what the next command reads.
  if (!reading.network && reading.shell_strings.empty() && !out.literal) {
    std::string printed = printed_literals(code);
    if (!printed.empty() && spend_expansion(printed.size())) out.literal = printed;
  }
}

Stream Walker::model_interpreter(Invocation& inv, const Stream& in, int depth) {
  std::string family = interpreter_family(inv.name);
  Stream out;
  // The code option of each interpreter and the options that take a value.
  std::string_view code_options = family == "python" ? "c" : family == "node" ? "ep" : family == "perl" ? "eE"
                                  : family == "ruby" ? "e" : family == "php" ? "r" : "ce";
  std::string code;
  Taints code_taint;
  bool has_code = false;
  bool line_loop = false;  // perl -n/-p: the code runs on every line of the files named after it
  size_t script_index = 0;
  size_t i = 1;
  if (inv.name == "deno" && i < inv.argv.size() && inv.argv[i].text == "eval") {
    if (i + 1 < inv.argv.size()) {
      code = inv.argv[i + 1].text;
      code_taint = inv.argv[i + 1].taint;
      has_code = true;
    }
  }
  for (; i < inv.argv.size() && !has_code; ++i) {
    const std::string& arg = inv.argv[i].text;
    if (family == "powershell") {
      // pwsh -Command TEXT… (every word after it), -EncodedCommand BASE64 (UTF-16LE), -File SCRIPT.
      std::string option = lower(arg);
      if (option == "-command" || option == "-c" || option == "-com") {
        for (size_t k = i + 1; k < inv.argv.size(); ++k) {
          code += (k > i + 1 ? " " : "") + inv.argv[k].text;
          merge_taints(code_taint, inv.argv[k].taint);
        }
        has_code = !code.empty();
        break;
      }
      if ((option == "-encodedcommand" || option == "-enc" || option == "-e" || option == "-ec") && i + 1 < inv.argv.size()) {
        if (auto decoded = decode_base64(inv.argv[i + 1].text)) {
          for (size_t k = 0; k < decoded->size(); k += 2) code += (*decoded)[k];  // UTF-16LE, ASCII code points
          has_code = !code.empty();
        }
        break;
      }
      static const NameSet with_value{"-executionpolicy", "-ep", "-ex", "-windowstyle", "-w", "-configurationname",
                                      "-workingdirectory", "-wd", "-outputformat", "-of", "-inputformat", "-if",
                                      "-version", "-v", "-settingsfile"};
      if (with_value.count(option)) {
        ++i;
        continue;
      }
      if (option == "-file" || option == "-f") {
        if (i + 1 < inv.argv.size()) script_index = i + 1;
        break;
      }
      if (arg.size() > 1 && arg[0] == '-') continue;
      script_index = i;
      break;
    }
    if (arg == "--eval" || arg == "--print" || arg == "-e" || arg == "-E" || arg == "-c" || arg == "-r" || arg == "-p" ||
        (arg.size() == 2 && arg[0] == '-' && code_options.find(arg[1]) != std::string_view::npos)) {
      if (i + 1 < inv.argv.size()) {
        // node -p EXPR prints the expression's value.
        bool prints_value = family == "node" && (arg == "-p" || arg == "--print");
        code += prints_value ? "console.log(" + inv.argv[i + 1].text + ")\n" : inv.argv[i + 1].text + "\n";
        merge_taints(code_taint, inv.argv[i + 1].taint);
        has_code = true;
        ++i;
      }
      continue;
    }
    bool perl_cluster = family == "perl" && arg.size() > 2 && arg.size() <= 6 && arg[0] == '-' &&
                        std::all_of(arg.begin() + 1, arg.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    if (perl_cluster && code_options.find(arg.back()) != std::string_view::npos) {
      // perl -ne / -pe / -lne 'code'
      if (i + 1 < inv.argv.size()) {
        code += inv.argv[i + 1].text + "\n";
        merge_taints(code_taint, inv.argv[i + 1].taint);
        has_code = true;
        line_loop = arg.find_first_of("np") != std::string::npos;
        ++i;
      }
      continue;
    }
    if (arg == "-m" && family == "python") break;  // python -m module
    // Modules loaded on the command line are part of what the code can do (perl -MLWP, ruby -rsocket).
    if ((family == "perl" && (starts_with(arg, "-M") || starts_with(arg, "-m"))) || (family == "ruby" && starts_with(arg, "-r"))) {
      code += "use " + arg.substr(2) + ";\n";
      continue;
    }
    if (arg == "-" ) {
      script_index = 0;
      break;
    }
    if (arg.size() > 1 && arg[0] == '-') continue;
    if (arg == "run" && (inv.name == "deno" || inv.name == "bun")) continue;
    script_index = i;
    break;
  }
  if (has_code) {
    // `python3 -c "$(curl …)"` runs fetched code, like `bash -c "$(curl …)"`.
    for (const auto& taint : code_taint)
      if (taint.from == "network") emit_secret_flows({taint}, "exec", inv.name, "", inv.span, "", true);
    apply_code_reading(inv, family, code, code_taint, out, depth);
    record_inline_code(family, code);
    // perl -ne 'print if /KEY|TOKEN/' .env: the files after the code are its input, printed as it goes.
    // A match that names no secret selects lines like grep does (print if /version=/).
    if (line_loop && (code.find("print") != std::string::npos || code.find("say") != std::string::npos)) {
      bool selective = std::count(code.begin(), code.end(), '/') >= 2 && !names_secret(code);
      for (size_t k = i; k < inv.argv.size(); ++k) {
        if (inv.argv[k].text.empty() || inv.argv[k].text[0] == '-') continue;
        Taints taints = read_path(inv.argv[k].text);
        for (auto& taint : taints) taint.filtered = taint.filtered || selective;
        merge_taints(out.taint, taints);
      }
    }
    // perl -MMIME::Base64 -e 'print decode_base64(<>)': the code decodes what it reads on stdin.
    bool reads_input = code.find("<>") != std::string::npos || code.find("STDIN") != std::string::npos ||
                       code.find("sys.stdin") != std::string::npos || code.find("$stdin") != std::string::npos ||
                       code.find("process.stdin") != std::string::npos || code.find("php://stdin") != std::string::npos ||
                       code.find("ARGF") != std::string::npos;
    bool decodes = code.find("decode_base64") != std::string::npos || code.find("b64decode") != std::string::npos ||
                   code.find("decode64") != std::string::npos || code.find("base64_decode") != std::string::npos ||
                   code.find("unpack(\"m") != std::string::npos || code.find("unpack('m") != std::string::npos ||
                   code.find("'base64')") != std::string::npos || code.find("atob(") != std::string::npos;
    if (reads_input && decodes) {
      out.decoded = true;
      merge_taints(out.taint, in.taint);
      if (in.literal)
        if (auto decoded = decode_base64(*in.literal); decoded && looks_like_text(*decoded)) out.literal = *decoded;
    }
    return out;
  }
  if (script_index > 0) {
    const Word& script = inv.argv[script_index];
    if (script.stream) {
      emit_secret_flows(script.stream->taint, "exec", inv.name, "", inv.span, "", true);
      if (script.stream->literal) {
        apply_code_reading(inv, family, *script.stream->literal, {}, out, depth);
        record_inline_code(family, *script.stream->literal);
      }
      return out;
    }
    return run_script_file(inv, script.text, in, depth, "script_file");
  }
  if (i < inv.argv.size() && inv.argv[i].text == "-m") return out;
  // Code from stdin: a here-doc or a pipe.
  for (const auto& taint : in.taint)
    if (taint.from == "network") emit_secret_flows({taint}, "exec", inv.name, "", inv.span, "pipe", true);
  if (in.literal && !in.literal->empty()) {
    context_.push_back(in.heredoc ? "heredoc" : "stdin");
    apply_code_reading(inv, family, *in.literal, in.taint, out, depth);
    record_inline_code(family, *in.literal);
    context_.pop_back();
  } else if (in.decoded) {
    add_marker("decoded_exec", inv.name + " runs decoded data", inv.span);
  }
  return out;
}

Stream Walker::model_awk(Invocation& inv, const Stream& in, int depth) {
  ParsedArgs parsed = parse_args(inv.argv, 1, "vFf", {"--assign", "--field-separator", "--file"});
  Stream out;
  if (parsed.positionals.empty()) return out;
  bool program_from_file = parsed.has({"-f", "--file"});
  std::string program = program_from_file ? std::string() : inv.argv[parsed.positionals[0]].text;
  if (!program.empty()) {
    CodeReading reading = read_code("awk", program);
    for (const auto& source : reading.sources) out.taint.push_back(Taint{source.first, source.second, {"interpreter"}, {}, false});
    for (const auto& text : reading.shell_strings) {
      Stream nested = analyse_nested(text, Stream{}, "awk_system", inv.span, "awk", depth);
      merge_stream(out, nested);
    }
    if (reading.network) emit_secret_flows(out.taint, "network", "awk", "", inv.span, "");
    if (reading.reverse_shell) add_marker("reverse_shell", "awk /inet socket running what it reads", inv.span);
  }
  Stream read = model_readers(inv, in);
  // Like grep: a program that picks lines or fields keeps part of the data (filtered), unless it prints
  // whole lines (`awk 1`) or picks secret-looking ones (`/TOKEN/`).
  if (!program_from_file && !prints_whole_lines(program) && !names_secret(program))
    for (auto& taint : read.taint) taint.filtered = true;
  merge_taints(out.taint, read.taint);
  return out;
}

namespace {

// find visits its start points first: with no test before the action (only -maxdepth, -depth, -xdev …)
// and no -mindepth, `{}` is the root itself (find / -maxdepth 0 -exec rm -rf {} \; is rm -rf /).
bool visits_root_unfiltered(const std::vector<Word>& argv, size_t first_expression) {
  static const NameSet neutral{"-depth", "-xdev", "-mount", "-follow", "-ignore_readdir_race",
                               "-noleaf", "-daystart"};
  for (size_t k = first_expression; k < argv.size(); ++k) {
    const std::string& word = argv[k].text;
    if (word == "-exec" || word == "-execdir" || word == "-ok" || word == "-okdir") return true;
    if (word == "-maxdepth") {
      ++k;
      continue;
    }
    if (neutral.count(word) == 0) return false;
  }
  return false;
}

}  // namespace

Stream Walker::model_find(Invocation& inv, const Stream& in, int depth) {
  (void)in;
  std::vector<std::string> patterns;
  std::vector<std::string> roots;
  size_t i = 1;
  for (; i < inv.argv.size() && !inv.argv[i].text.empty() && inv.argv[i].text[0] != '-' && inv.argv[i].text != "(" &&
         inv.argv[i].text != "!";
       ++i)
    roots.push_back(inv.argv[i].text);
  for (size_t k = i; k + 1 < inv.argv.size(); ++k) {
    const std::string& test = inv.argv[k].text;
    if (test == "-name" || test == "-iname" || test == "-path" || test == "-ipath" || test == "-wholename" || test == "-regex")
      patterns.push_back(inv.argv[k + 1].text);
  }
  // What {} stands for: a sample credential file the tests would match, when one does; every dotfile of
  // the home when the search is the home's dotfiles (find ~ -maxdepth 1 -name '.*').
  std::string found = "{}";
  for (const auto& root : roots)
    for (const auto& pattern : patterns)
      if (home_relative(root) == "~" || home_relative(root) == "~/")
        if (pattern == ".*" || pattern == ".[!.]*" || pattern == ".??*" || pattern == ".[^.]*") found = "~/.*";
  if (found == "~/.*") patterns.clear();
  static const std::vector<std::string> samples{".env", ".env.local", ".env.production", "id_rsa", "id_ed25519",
                                                "credentials", ".netrc", ".npmrc", ".pypirc", ".git-credentials",
                                                "server.key", "private.pem", ".ssh/id_rsa", ".aws/credentials"};
  for (const auto& pattern : patterns) {
    for (const auto& sample : samples) {
      std::string_view name = base_name(sample);
      if (glob_match(pattern, name) || glob_match(pattern, "./" + sample) || glob_match(pattern, "/home/u/" + sample)) {
        found = sample;
        break;
      }
    }
    if (found != "{}") break;
  }
  for (const auto& root : roots)
    if (found == "{}" && classify_path(root) == PathClass::credential) found = root + "/id_rsa";
  if (found == "{}" && !roots.empty() && visits_root_unfiltered(inv.argv, i)) found = roots.front();
  Stream out;
  bool has_action = false;
  for (; i < inv.argv.size(); ++i) {
    const std::string& action = inv.argv[i].text;
    if (action == "-delete" || action == "-fprint" || action == "-fls") has_action = true;
    if (action != "-exec" && action != "-execdir" && action != "-ok" && action != "-okdir") continue;
    Invocation inner;
    inner.span = inv.span;
    inner.extra_context = inv.extra_context;
    inner.extra_context.push_back("find_exec");
    size_t k = i + 1;
    for (; k < inv.argv.size() && inv.argv[k].text != ";" && inv.argv[k].text != "+"; ++k) {
      Word word = inv.argv[k];
      for (size_t at = 0; (at = word.text.find("{}", at)) != std::string::npos; at += found.size())
        word.text.replace(at, 2, found);
      inner.argv.push_back(std::move(word));
    }
    i = k;
    if (!inner.argv.empty()) merge_stream(out, run(std::move(inner), Stream{}, depth + 1));
    has_action = true;
  }
  // Without an action find prints what it found: `find ~/.aws -type f | xargs -I{} curl -T {} …`.
  if (!has_action && found != "{}") out.literal = found + "\n";
  return out;
}

Stream Walker::model_xargs(Invocation& inv, const Stream& in_stream, int depth) {
  size_t i = 1;
  std::string replace;
  Stream from_file;  // `xargs -a FILE`: the items come from FILE, not stdin
  bool reads_file = false;
  while (i < inv.argv.size()) {
    const std::string& arg = inv.argv[i].text;
    std::string arg_file;
    if ((arg == "-a" || arg == "--arg-file") && i + 1 < inv.argv.size()) arg_file = inv.argv[i + 1].text;
    else if (starts_with(arg, "--arg-file=")) arg_file = arg.substr(11);
    else if (starts_with(arg, "-a") && arg.size() > 2) arg_file = arg.substr(2);
    if (!arg_file.empty()) {
      from_file.taint = read_path(arg_file, &from_file.literal);
      reads_file = true;
    }
    if (arg.size() < 2 || arg[0] != '-') break;
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "-I") {
      if (i + 1 < inv.argv.size()) replace = inv.argv[i + 1].text;
      i += 2;
      continue;
    }
    if (starts_with(arg, "-I")) replace = arg.substr(2);
    else if (arg == "-i") replace = "{}";
    else if (starts_with(arg, "--replace")) replace = arg.size() > 10 ? arg.substr(10) : "{}";
    if (arg == "-n" || arg == "-P" || arg == "-L" || arg == "-s" || arg == "-d" || arg == "-E" || arg == "-a" ||
        arg == "--arg-file") {
      i += 2;
      continue;
    }
    ++i;
  }
  Invocation inner;
  inner.span = inv.span;
  inner.wrappers = inv.wrappers;
  inner.wrappers.push_back("xargs");
  inner.extra_context = inv.extra_context;
  inner.extra_context.push_back("xargs");
  const Stream& in = reads_file ? from_file : in_stream;
  std::string item;
  if (in.literal) {
    item = in.literal->substr(0, in.literal->find('\n'));
    item = item.substr(0, item.find(' '));
  }
  Taints carried = in.taint;
  add_via(carried, "xargs");
  // grep -rl TOKEN ~ | xargs -I{} curl -T {} …: each {} is one of the files the search picked, so
  // while the command runs its placeholder name reads as such a file (the name says which search).
  std::string picked;
  if (!replace.empty() && item.empty() && !in.secret_file_names.empty()) {
    picked = "{" + in.secret_file_names + "}";
    item = picked;
    files_[picked] = FileState{{Taint{"credential_file", in.secret_file_names, {"xargs"}, {}, false}}, std::nullopt, false, std::nullopt};
  }
  for (; i < inv.argv.size(); ++i) {
    Word word = inv.argv[i];
    if (!replace.empty() && word.text.find(replace) != std::string::npos) {
      for (size_t at = 0; (at = word.text.find(replace, at)) != std::string::npos; at += item.size())
        word.text.replace(at, replace.size(), item);
      merge_taints(word.taint, carried);
    }
    inner.argv.push_back(std::move(word));
  }
  if (inner.argv.empty()) {
    Word echo;
    echo.text = "echo";
    echo.source = "echo";
    inner.argv.push_back(echo);
  }
  if (replace.empty()) {
    Word appended;
    appended.text = item.empty() ? "{stdin}" : item;
    appended.source = appended.text;
    appended.dynamic = item.empty();
    appended.taint = carried;
    inner.argv.push_back(std::move(appended));
  }
  std::string reader = in.secret_file_names.empty() ? std::string() : std::string(base_name(inner.argv[0].text));
  Stream out = run(std::move(inner), Stream{}, depth + 1);
  if (!picked.empty()) files_.erase(picked);
  // grep -rl TOKEN ~ | xargs cat: the command reads the files the search picked for their secrets.
  static const NameSet packers{"tar", "zip", "7z", "7za", "gzip", "base64", "xxd", "od", "gpg", "openssl"};
  if (!reader.empty() && (is_file_reader(reader) || packers.count(reader)))
    merge_taints(out.taint, {Taint{"credential_file", in.secret_file_names, {"xargs"}, {}, false}});
  return out;
}

Stream Walker::model_copy(Invocation& inv) {
  ParsedArgs parsed = parse_args(inv.argv, 1, inv.name == "install" ? "mogt" : "tS", {"--target-directory", "--suffix"});
  std::vector<std::string> operands;
  for (size_t index : parsed.positionals) operands.push_back(inv.argv[index].text);
  if (const Option* target = parsed.find({"-t", "--target-directory"})) operands.push_back(target->value + "/");
  if (operands.size() < 2) return {};
  std::string destination = operands.back();
  for (size_t k = 0; k + 1 < operands.size(); ++k) {
    std::optional<std::string> literal;
    Stream content;
    content.taint = read_path(operands[k], &literal);
    content.literal = literal;
    std::string target = destination;
    if (!target.empty() && target.back() == '/') target += std::string(base_name(operands[k]));
    write_file(target, content, inv.span, 0);
    if (inv.name == "mv") files_.erase(operands[k]);
  }
  return {};
}

Stream Walker::model_crontab(Invocation& inv, const Stream& in, int depth) {
  std::vector<std::string> args;
  for (size_t i = 1; i < inv.argv.size(); ++i) args.push_back(inv.argv[i].text);
  for (const auto& arg : args)
    if (arg == "-l" || arg == "-r" || arg == "-e") return {};
  Stream content = in;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-u") {
      ++i;
      continue;
    }
    if (args[i] == "-") break;
    if (!args[i].empty() && args[i][0] != '-') {
      std::optional<std::string> literal;
      content = Stream{};
      content.taint = read_path(args[i], &literal);
      content.literal = literal;
      break;
    }
  }
  add_marker("persistence_write", "cron", inv.span);
  Taints taints = content.taint;
  add_via(taints, "file");
  emit_secret_flows(taints, "persist", "crontab", "", inv.span, "", true);
  if (content.literal) analyse_payload(*content.literal, "cron", "crontab", inv.span, depth);
  return {};
}

// `git config [--global] KEY VALUE` stores a setting that runs later: a shell command (core.fsmonitor,
// core.sshCommand, alias.x=!…) is a persisted payload, and core.hooksPath makes a directory's files hooks.
void Walker::model_git_config(const std::vector<std::string>& rest, Span span, int depth) {
  std::vector<std::string> operands;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == "--file" || rest[i] == "-f" || rest[i] == "--blob" || rest[i] == "--type") {
      ++i;
      continue;
    }
    if (!rest[i].empty() && rest[i][0] == '-') continue;
    operands.push_back(rest[i]);
  }
  if (operands.size() < 2) return;
  std::string key = lower(operands[0]);
  const std::string& value = operands[1];
  if (value.empty()) return;
  // A template directory's hooks are copied into every repository cloned or created after.
  if (key == "init.templatedir") hooks_dirs_.push_back(home_relative(value) + "/hooks");
  if (key == "core.hookspath") {
    std::string directory = value.rfind("./", 0) == 0 ? value.substr(2) : value;
    while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
    hooks_dirs_.push_back(directory);
    // Hooks written before the setting: their content now runs on every commit, push or checkout.
    std::vector<std::pair<std::string, FileState>> hooks;
    for (const auto& [path, file] : files_)
      if (in_hooks_directory(path)) hooks.emplace_back(path, file);
    for (const auto& [path, file] : hooks) {
      Stream content;
      content.taint = file.taint;
      content.literal = file.literal;
      check_persistence(path, content, span, depth);
    }
    return;
  }
  bool included = key == "include.path" || (starts_with(key, "includeif.") && ends_with(key, ".path"));
  if ((included || git_setting_runs_command(key, value)) && git_settings_.size() < 64) git_settings_.emplace_back(key, value);
  // include.path F: F's settings are git's too.
  if (included) {
    read_git_config_file(value, false, span, depth);
    return;
  }
  if (git_setting_runs_command(key, value)) analyse_payload(value[0] == '!' ? value.substr(1) : value, "git_config", "git config " + key, span, depth);
}

Stream Walker::git_trace_output(const Invocation& inv, int depth) {
  auto value_of = [&](const char* name) -> std::optional<std::string> {
    auto variable = variables_.find(name);
    if (variable == variables_.end()) return std::nullopt;
    return lower(variable->second.value.text);
  };
  auto off = [](const std::string& v) { return v.empty() || is_off_value(v); };
  auto redact = value_of("GIT_TRACE_REDACT");
  if (!redact || !off(*redact)) return {};
  auto trace = value_of("GIT_TRACE_CURL");
  auto verbose = value_of("GIT_CURL_VERBOSE");
  bool tracing = (trace && !off(*trace)) || (verbose && !off(*verbose));
  if (!tracing) return {};
  Stream out;
  out.taint.push_back(Taint{"credential_helper", "git's HTTP trace with GIT_TRACE_REDACT=0 (Authorization headers)", {}, {}, false});
  // GIT_TRACE_CURL=/tmp/t.log: the trace goes to that file instead.
  if (trace && !trace->empty() && (*trace)[0] == '/') {
    write_file(variables_.find("GIT_TRACE_CURL")->second.value.text, out, inv.span, depth, true);
    return {};
  }
  return out;
}

// What git prints that is the project itself: its files (archive, bundle to stdout) or its changes
// (diff, show, log -p, format-patch --stdout). Piped to an upload, it is the code leaving.
Stream Walker::git_content_output(const Invocation& inv) const {
  std::vector<std::string> args;
  for (size_t i = 1; i < inv.argv.size(); ++i) args.push_back(inv.argv[i].text);
  size_t sub = git_subcommand_index(args);
  if (sub >= args.size()) return {};
  const std::string& command = args[sub];
  std::vector<std::string> rest(args.begin() + static_cast<long>(sub) + 1, args.end());
  auto has = [&](std::initializer_list<std::string_view> options) {
    return std::any_of(rest.begin(), rest.end(), [&](const std::string& arg) {
      return std::any_of(options.begin(), options.end(), [&](std::string_view o) {
        return arg == o || (o.size() > 2 && starts_with(arg, std::string(o) + "="));
      });
    });
  };
  // Names, counts and status lines are not the content.
  if (has({"--stat", "--shortstat", "--numstat", "--name-only", "--name-status", "--summary", "--quiet", "--check",
           "--exit-code", "--oneline", "--format", "--pretty", "-s", "--no-patch"}) && !has({"-p", "--patch"}))
    return {};
  std::string what;
  if (command == "archive" && !has({"-o", "--output"})) what = "the repository's files (git archive)";
  else if (command == "bundle" && rest.size() >= 2 && rest[0] == "create" && rest[1] == "-")
    what = "the repository's history (git bundle)";
  else if (command == "diff" || command == "show" || (command == "format-patch" && has({"--stdout"})) ||
           (command == "log" && has({"-p", "--patch"})))
    what = "the repository's changes (git " + command + ")";
  if (what.empty()) return {};
  Stream out;
  out.taint.push_back(Taint{"local_file", what, {}, {}, false});
  return out;
}

void Walker::model_git(Invocation& inv, int depth) {
  std::vector<std::string> args;
  for (size_t i = 1; i < inv.argv.size(); ++i) args.push_back(inv.argv[i].text);
  // -c alias.NAME=!command defines a command that runs through the shell.
  std::map<std::string, std::string> aliases;
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "-c" && starts_with(lower(args[i + 1]), "alias.")) {
      const std::string& setting = args[i + 1];
      size_t equals = setting.find('=');
      if (equals != std::string::npos) aliases[setting.substr(6, equals - 6)] = setting.substr(equals + 1);
    }
  // Settings whose value git runs through a shell: -c core.sshCommand=…, core.pager, core.fsmonitor …
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "-c") continue;
    const std::string& setting = args[i + 1];
    size_t equals = setting.find('=');
    if (equals == std::string::npos) continue;
    std::string key = lower(setting.substr(0, equals));
    std::string value = setting.substr(equals + 1);
    // An alias given with -c runs only when invoked (below).
    if (!starts_with(key, "alias.") && git_setting_runs_command(key, value))
      analyse_nested(value[0] == '!' ? value.substr(1) : value, Stream{}, "git_config", inv.span, "git", depth);
  }
  size_t sub = git_subcommand_index(args);
  if (sub >= args.size()) return;
  const std::string& command = args[sub];
  auto alias = aliases.find(command);
  if (alias != aliases.end() && !alias->second.empty() && alias->second[0] == '!') {
    std::string text = alias->second.substr(1);
    for (size_t k = sub + 1; k < args.size(); ++k) text += " " + args[k];
    analyse_nested(text, Stream{}, "git_alias", inv.span, "git", depth);
    return;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(sub) + 1, args.end());
  std::vector<std::string> operands;
  for (const auto& arg : rest)
    if (!arg.empty() && arg[0] != '-') operands.push_back(arg);
  std::string destination_host;  // where push/clone/fetch/pull talk to, when a URL or known remote says
  if (command == "config") model_git_config(rest, inv.span, depth);
  else follow_git_settings(inv, command, depth);
  if (command == "add") {
    // Staged secret files travel with the next push: named, or under a directory named (., -A).
    bool everything = std::any_of(rest.begin(), rest.end(), [](const std::string& a) { return a == "-A" || a == "--all"; });
    if (everything) operands.push_back(".");
    merge_taints(git_staged_secrets_, read_paths_with_contents(operands));
    git_added_ = true;
    git_added_tree_ = git_added_tree_ || std::any_of(operands.begin(), operands.end(), [](const std::string& operand) {
                        return operand == "." || operand == "./" || operand == ":/";
                      });
  } else if (command == "commit" || command == "tag" || command == "notes" || command == "merge") {
    // A commit, tag or note message travels with the next push like a staged file.
    merge_taints(git_staged_secrets_, git_message_taints(inv, sub + 1));
  } else if (command == "remote" && operands.size() >= 3 && (operands[0] == "add" || operands[0] == "set-url")) {
    git_remotes_[operands[1]] = operands[2];
    add_host(host_of(operands[2]).empty() ? remote_host_of(operands[2]) : host_of(operands[2]));
  } else if (command == "push") {
    std::string target = operands.empty() ? std::string() : operands[0];
    auto known = git_remotes_.find(target);
    bool new_destination = known != git_remotes_.end() || is_url(target) || !remote_host_of(target).empty();
    if (known != git_remotes_.end()) target = known->second;
    std::string host = !new_destination ? std::string() : is_url(target) ? host_of(target) : remote_host_of(target);
    // Whatever the remote (origin's host is not known here), staged secrets leave with the push.
    Taints staged = git_staged_secrets_;
    add_via(staged, "file");
    emit_secret_flows(staged, "network", "git push", host, inv.span, "");
    if (new_destination) {
      destination_host = host;
      add_host(host);
      Flow flow;
      flow.from = "local_file";
      flow.to = "network";
      flow.via = {"argument"};
      flow.source = "git repository";
      flow.sink = "git push";
      flow.host = host;
      flow.span = inv.span;
      add_flow(std::move(flow));
    }
  } else if (command == "send-email") {
    model_git_send_email(rest, inv.span);
  } else if ((command == "clone" || command == "fetch" || command == "pull" || command == "ls-remote") && !operands.empty()) {
    for (size_t k = 0; k < operands.size(); ++k) {
      if (!is_url(operands[k])) continue;
      add_host(host_of(operands[k]));
      if (destination_host.empty()) destination_host = host_of(operands[k]);
      if (command == "clone") record_clone(operands[k], k + 1 < operands.size() ? operands[k + 1] : std::string());
    }
  }
  // Secrets in git arguments (a token in a push URL's userinfo, an http.extraHeader) reach that host too;
  // one written into a remote's URL reaches it at the next fetch or push.
  bool names_remote = command == "remote" && operands.size() >= 3 && (operands[0] == "add" || operands[0] == "set-url");
  // git config url.BASE.insteadOf PREFIX: every later fetch of PREFIX goes to BASE, with what BASE carries.
  std::string rewritten_to;
  if (command == "config")
    for (const auto& arg : rest) {
      std::string key = lower(arg);
      for (std::string_view suffix : {".insteadof", ".pushinsteadof"})
        if (starts_with(key, "url.") && ends_with(key, suffix) && key.size() > 4 + suffix.size())
          rewritten_to = host_of(arg.substr(4, arg.size() - 4 - suffix.size()));
    }
  if (command == "push" || command == "clone" || command == "fetch" || command == "pull" || command == "ls-remote" ||
      names_remote || !rewritten_to.empty()) {
    Taints taints = word_taints(inv.argv, 1);
    if (names_remote) destination_host = host_of(operands[2]).empty() ? remote_host_of(operands[2]) : host_of(operands[2]);
    if (!rewritten_to.empty()) destination_host = rewritten_to;
    if (destination_host.empty())
      for (const auto& operand : operands)
        if (is_url(operand)) drop_secrets_sent_to_their_service(taints, operand);
    emit_secret_flows(taints, "network", "git", destination_host, inv.span, "");
  }
}

Taints Walker::git_message_taints(const Invocation& inv, size_t first) {
  Taints taints;
  std::vector<std::string> message_files;
  for (size_t i = first + 1; i < inv.argv.size(); ++i) {  // argv[0] is git: args[k] is argv[k + 1]
    const std::string& arg = inv.argv[i].text;
    bool next = i + 1 < inv.argv.size();
    // -m MSG, -amMSG, -qm MSG: short options cluster; what follows m (or the next word) is the message.
    size_t m = arg.size() > 1 && arg[0] == '-' && arg[1] != '-' ? arg.find('m') : std::string::npos;
    if ((arg == "--message" || (m != std::string::npos && m + 1 == arg.size())) && next) merge_taints(taints, inv.argv[++i].taint);
    else if (starts_with(arg, "--message=") || m != std::string::npos) merge_taints(taints, inv.argv[i].taint);
    else if ((arg == "-F" || arg == "--file") && next) message_files.push_back(inv.argv[++i].text);
    else if (starts_with(arg, "--file=")) message_files.push_back(arg.substr(7));
  }
  merge_taints(taints, read_paths_with_contents(message_files));
  Taints secrets;
  for (const auto& taint : taints)
    if (is_secret_class(taint.from)) secrets.push_back(taint);
  add_via(secrets, "commit message");
  return secrets;
}

void Walker::model_ztcp(const Invocation& inv) {
  std::vector<std::string> operands;
  std::string descriptor;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (arg == "-l" || arg == "-a" || arg == "-c" || arg == "-L" || arg == "-v") return;  // listen, accept, close, list
    if (arg == "-d" && i + 1 < inv.argv.size()) {
      descriptor = inv.argv[++i].text;
    } else if (starts_with(arg, "-d")) {
      descriptor = arg.substr(2);
    } else if (!arg.empty() && arg[0] != '-') {
      operands.push_back(arg);
    }
  }
  if (operands.empty()) return;
  std::string host = lower(operands[0]);
  add_host(host);
  // The descriptor number zsh picks is not known here: a stand-in that >&$REPLY and print -u $REPLY name.
  if (descriptor.empty()) {
    descriptor = "57";
    Word reply;
    reply.text = descriptor;
    variables_["REPLY"] = Variable{reply, {}, {}};
  }
  socket_fds_[descriptor] = "/dev/tcp/" + host + "/" + (operands.size() > 1 ? operands[1] : std::string("23"));
}

Stream Walker::model_print(const Invocation& inv) {
  Invocation echo = inv;
  echo.name = "echo";
  echo.argv.assign(1, inv.argv[0]);
  std::string descriptor;
  bool options = true;
  for (size_t i = 1; i < inv.argv.size(); ++i) {
    const std::string& arg = inv.argv[i].text;
    if (options && (arg == "--" || arg == "-")) {
      options = false;
      continue;
    }
    if (options && arg.size() > 1 && arg[0] == '-') {
      size_t u = arg.find('u');
      if (u != std::string::npos)
        descriptor = u + 1 < arg.size() ? arg.substr(u + 1) : (i + 1 < inv.argv.size() ? inv.argv[++i].text : "");
      continue;
    }
    options = false;
    echo.argv.push_back(inv.argv[i]);
  }
  Stream printed = model_echo(echo);
  if (descriptor.empty()) return printed;
  auto socket = socket_fds_.find(descriptor);
  if (socket != socket_fds_.end() && !socket_path_host(socket->second).empty()) {
    std::string host = socket_path_host(socket->second);
    add_host(host);
    emit_secret_flows(printed.taint, "network", "print -u", host, inv.span, "redirect");
  }
  return {};
}

// A package published goes to its registry with every file in it (public, for npm, by default): a
// secret written into the package directory earlier in the script goes too. npm publish [DIR],
// twine upload FILE…; --registry / --repository-url name another host.
bool Walker::model_package_publish(const std::string& name, const std::vector<std::string>& args, Span span) {
  bool node = (name == "npm" || name == "pnpm" || name == "yarn" || name == "bun") && !args.empty() && args[0] == "publish";
  bool twine = name == "twine" && !args.empty() && args[0] == "upload";
  if (!node && !twine) return false;
  std::string host = node ? "registry.npmjs.org" : "upload.pypi.org";
  std::vector<std::string> operands;
  for (size_t i = 1; i < args.size(); ++i) {
    std::string option = args[i].substr(0, args[i].find('='));
    if (option == "--registry" || option == "--repository-url") {
      std::string url = args[i].find('=') != std::string::npos ? args[i].substr(args[i].find('=') + 1)
                                                               : (i + 1 < args.size() ? args[++i] : std::string());
      if (!host_of(url).empty()) host = host_of(url);
      continue;
    }
    if (option == "--tag" || option == "--access" || option == "--otp" || option == "-r" || option == "--repository" ||
        option == "-u" || option == "-p" || option == "--username" || option == "--password") {
      if (args[i].find('=') == std::string::npos) ++i;
      continue;
    }
    if (!args[i].empty() && args[i][0] != '-') operands.push_back(args[i]);
  }
  if (node && operands.empty()) operands.push_back(".");  // the package in the working directory
  Taints published = read_paths_with_contents(operands);
  // The registry credential the environment hands the publisher goes to that registry, wherever it is.
  // The flow names the variable it went through: the policy knows $TWINE_* and $NPM_TOKEN as logins to
  // their own registries, whichever vault or helper the value came from.
  for (std::string_view credential : {"TWINE_PASSWORD", "TWINE_USERNAME", "NODE_AUTH_TOKEN", "NPM_TOKEN"}) {
    auto variable = variables_.find(std::string(credential));
    if (variable == variables_.end()) continue;
    Taints carried = variable->second.value.taint;
    for (auto& taint : carried)
      if (taint.source.rfind("$" + std::string(credential), 0) != 0)
        taint.source = "$" + std::string(credential) + " (" + taint.source + ")";
    add_via(carried, "environment");
    merge_taints(published, carried);
  }
  add_host(host);
  emit_secret_flows(published, "network", name + " " + args[0], host, span, "");
  return true;
}

// git send-email FILE…: each named file goes out as mail, to the SMTP server (or the recipients' domain).
void Walker::model_git_send_email(const std::vector<std::string>& rest, Span span) {
  std::string server, recipient_domain;
  std::vector<std::string> files;
  for (size_t i = 0; i < rest.size(); ++i) {
    const std::string& arg = rest[i];
    std::string value;
    std::string option = arg.substr(0, arg.find('='));
    bool takes_value = option == "--to" || option == "--cc" || option == "--bcc" || option == "--smtp-server" ||
                       option == "--from" || option == "--smtp-user" || option == "--smtp-server-port" ||
                       option == "--subject" || option == "--in-reply-to";
    if (takes_value) value = arg.find('=') != std::string::npos ? arg.substr(arg.find('=') + 1)
                                                                : (i + 1 < rest.size() ? rest[++i] : std::string());
    if (option == "--smtp-server") server = lower(value);
    if ((option == "--to" || option == "--cc" || option == "--bcc") && recipient_domain.empty() &&
        value.find('@') != std::string::npos)
      recipient_domain = lower(value.substr(value.rfind('@') + 1));
    if (!takes_value && !arg.empty() && arg[0] != '-') files.push_back(arg);
  }
  std::string host = server.empty() || server[0] == '/' ? recipient_domain : server;
  while (!host.empty() && (host.back() == '>' || host.back() == ' ')) host.pop_back();
  add_host(host);
  for (const auto& file : files) {
    Flow flow;
    flow.from = "local_file";
    flow.to = "network";
    flow.via = {"argument"};
    flow.source = file;
    flow.sink = "git send-email";
    flow.host = host;
    flow.span = span;
    add_flow(std::move(flow));
    emit_secret_flows(read_path(file), "network", "git send-email", host, span, "argument");
  }
}

// A cloned repository is fetched content, like an unpacked download: what runs from its directory
// later (tools/install.sh) runs code from that host.
void Walker::record_clone(const std::string& url, std::string directory) {
  if (directory.empty()) {
    std::string path = url;
    while (!path.empty() && path.back() == '/') path.pop_back();
    directory = std::string(base_name(path));
    if (directory.size() > 4 && directory.compare(directory.size() - 4, 4, ".git") == 0) directory.resize(directory.size() - 4);
  }
  record_extraction({Taint{"network", url, {"git clone"}, host_of(url), false}}, directory);
}

void Walker::record_extraction(Taints taints, const std::string& directory) {
  // Only an archive that came from the network changes what later paths mean.
  if (!has_class(taints, "network")) return;
  add_via(taints, "archive");
  std::string where = directory;
  while (starts_with(where, "./")) where.erase(0, 2);
  while (!where.empty() && where.back() == '/') where.pop_back();
  if (where == ".") where.clear();
  extracted_.push_back({where, std::move(taints)});
}

Taints Walker::extracted_taint(const std::string& path) const {
  std::string relative = path;
  while (starts_with(relative, "./")) relative.erase(0, 2);
  Taints out;
  for (const auto& [directory, taints] : extracted_) {
    bool inside = directory.empty() ? !relative.empty() && relative[0] != '/' && relative[0] != '~' && relative[0] != '$'
                                    : starts_with(relative, directory + "/");
    if (inside) merge_taints(out, taints);
  }
  add_via(out, "file");
  return out;
}

}  // namespace toolwall::shell
