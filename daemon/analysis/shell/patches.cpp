// `git apply`, `git am` and `patch`: the files a patch writes, read like the same files written by a
// here-document (the engine has code analysis read them). A patch whose text is not known here (fetched,
// or from a file no call wrote) writes what nobody can see: nothing is recorded.
#include <algorithm>

#include "analysis/shell/markers.h"
#include "analysis/shell/unified_diff.h"
#include "analysis/shell/walker.h"
#include "analysis/shell/words.h"
#include "core/text.h"

namespace toolwall::shell {
namespace {

// What the options of the patching command say: how to read the patch, and where it comes from.
struct PatchCall {
  DiffReading reading;
  std::vector<std::string> patch_files;  // empty: the patch is read from stdin
  bool writes = true;                    // false for --check, --stat, --dry-run …
};

std::optional<int> strip_count(std::string_view digits) {
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      digits.size() > 3)
    return std::nullopt;
  return std::stoi(std::string(digits));
}

PatchCall read_git_apply(const std::vector<std::string>& rest) {
  PatchCall call;
  bool applies_anyway = false;  // --stat --apply still applies
  bool reports_only = false;
  for (const auto& arg : rest) {
    if (arg == "--check" || arg == "--stat" || arg == "--numstat" || arg == "--summary") reports_only = true;
    else if (arg == "--apply") applies_anyway = true;
    else if (arg == "-R" || arg == "--reverse") call.reading.reverse = true;
    else if (starts_with(arg, "-p")) call.reading.strip = strip_count(std::string_view(arg).substr(2));
    else if (starts_with(arg, "--directory=")) call.reading.directory = arg.substr(12);
    else if (arg == "-") call.patch_files.clear();
    else if (!arg.empty() && arg[0] != '-') call.patch_files.push_back(arg);
  }
  call.writes = !reports_only || applies_anyway;
  return call;
}

PatchCall read_patch(const std::vector<Word>& argv) {
  PatchCall call;
  std::vector<std::string> operands;
  for (size_t i = 1; i < argv.size(); ++i) {
    const std::string& arg = argv[i].text;
    auto value = [&]() -> std::string { return i + 1 < argv.size() ? argv[++i].text : std::string(); };
    if (arg == "--dry-run" || arg == "-C" || arg == "--check") call.writes = false;
    else if (arg == "-R" || arg == "--reverse") call.reading.reverse = true;
    else if (arg == "-p") call.reading.strip = strip_count(value());
    else if (starts_with(arg, "-p")) call.reading.strip = strip_count(std::string_view(arg).substr(2));
    else if (starts_with(arg, "--strip=")) call.reading.strip = strip_count(std::string_view(arg).substr(8));
    else if (arg == "-i") call.patch_files.push_back(value());
    else if (starts_with(arg, "--input=")) call.patch_files.push_back(arg.substr(8));
    else if (arg == "-d") call.reading.directory = value();
    else if (starts_with(arg, "--directory=")) call.reading.directory = arg.substr(12);
    else if (arg == "-o" || arg == "-r" || arg == "-B" || arg == "-z" || arg == "-V" || arg == "-D" || arg == "-F") value();
    else if (!arg.empty() && arg[0] != '-') operands.push_back(arg);
  }
  // patch [options] [originalfile [patchfile]]: without -p, GNU patch keeps base names of plain paths.
  if (!operands.empty()) call.reading.only_file = operands[0];
  if (operands.size() > 1 && call.patch_files.empty()) call.patch_files.push_back(operands[1]);
  return call;
}

}  // namespace

void Walker::model_patch(const Invocation& inv, const Stream& in, int depth) {
  std::vector<std::string> args;
  for (size_t i = 1; i < inv.argv.size(); ++i) args.push_back(inv.argv[i].text);
  PatchCall call;
  if (inv.name == "patch") {
    call = read_patch(inv.argv);
  } else {
    size_t sub = git_subcommand_index(args);
    if (sub >= args.size() || (args[sub] != "apply" && args[sub] != "am")) return;
    call = read_git_apply(std::vector<std::string>(args.begin() + static_cast<long>(sub) + 1, args.end()));
  }
  if (!call.writes) return;
  std::vector<Stream> patches;
  if (call.patch_files.empty()) {
    patches.push_back(in);
  } else {
    for (const auto& path : call.patch_files) {
      Stream text;
      if (const FileState* file = find_file(path)) {
        text.literal = file->literal;
        text.taint = file->taint;
      }
      patches.push_back(std::move(text));
    }
  }
  for (const auto& patch : patches) {
    if (!patch.literal) continue;
    for (const auto& change : unified_diff_changes(*patch.literal, call.reading)) write_patched_file(change, patch, inv.span, depth);
  }
}

void Walker::write_patched_file(const FileChange& change, const Stream& patch, Span span, int depth) {
  if (change.path.empty()) return;
  if (change.deleted) {
    files_.erase(change.path);
    return;
  }
  Stream content;
  content.taint = patch.taint;
  content.literal = change.new_text;
  if (change.whole_file) {
    write_file(change.path, content, span, depth);  // a new file: its whole content is known
    return;
  }
  // Hunks of a file that was there: what it holds after is not known, only the lines around the change.
  FileState& file = files_[change.path];
  merge_taints(file.taint, patch.taint);
  file.literal.reset();
  auto& files = root_facts_.files;
  if (files.size() < 64) files.push_back(change);
  check_persistence(change.path, content, span, depth);
}

}  // namespace toolwall::shell
