#include "engine/earlier_programs.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "analysis/shell/shell_analyzer.h"
#include "analysis/shell/words.h"

namespace toolwall::engine {
namespace {

// Bounds: a written file may hold thousands of commands, and each followed one is analysed twice.
constexpr size_t kMostCommandsLooked = 256;
constexpr size_t kMostCommandsFollowed = 16;
constexpr size_t kMostScriptBytes = 4096;

// A word as the shell reads it back: plain words stay bare (a leading ~ must still expand), others
// are single-quoted.
std::string quoted(const std::string& word) {
  bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_./~:=@%+,-").find(c) != std::string_view::npos;
  });
  return plain ? word : shell::single_quoted(word);
}

std::string script_of(const Command& command) {
  std::string script;
  for (const auto& word : command.argv) {
    if (!script.empty()) script += ' ';
    script += quoted(word);
  }
  return script;
}

// The newest whole content of each file the earlier calls wrote, by the last part of its path.
std::multimap<std::string, const FileChange*, std::less<>> by_base_name(const std::vector<FileChange>& earlier) {
  std::multimap<std::string, const FileChange*, std::less<>> out;
  std::set<std::string_view> seen;
  for (const auto& change : earlier) {
    if (!seen.insert(change.path).second) continue;  // newest first: an older content of the path is gone
    if (change.deleted || !change.whole_file || change.new_text.empty()) continue;
    out.emplace(std::string(shell::base_name(change.path)), &change);
  }
  return out;
}

}  // namespace

Facts run_with_earlier_files(const std::vector<Command>& commands, const std::vector<FileChange>& earlier) {
  Facts added;
  if (earlier.empty()) return added;
  auto files = by_base_name(earlier);
  size_t followed = 0;
  std::vector<Marker> taken;  // as the shell analyser told them, before they were placed
  for (size_t i = 0; i < commands.size() && i < kMostCommandsLooked && followed < kMostCommandsFollowed; ++i) {
    const Command& command = commands[i];
    if (command.location.path.empty()) continue;  // the call's own command: the shell analyser replayed its history
    std::vector<shell::EarlierStep> steps;
    std::set<const FileChange*> named;
    for (const auto& word : command.argv) {
      auto [first, last] = files.equal_range(shell::base_name(word));
      for (auto it = first; it != last; ++it)
        if (named.insert(it->second).second) steps.push_back(shell::EarlierStep{"", it->second->path, it->second->new_text, ""});
    }
    if (steps.empty()) continue;
    std::string script = script_of(command);
    if (script.size() > kMostScriptBytes) continue;
    ++followed;
    Facts alone = shell::analyze(script);
    Facts together = shell::analyze(script, steps);
    // The earlier file was judged when it was written: what cannot be read of it now adds nothing,
    // and does not make this call's analysis incomplete.
    const std::string why = " (runs " + command.argv.front() + ", which an earlier call wrote)";
    for (auto& flow : together.flows) {
      bool known = std::any_of(alone.flows.begin(), alone.flows.end(), [&](const Flow& f) { return same_flow(f, flow); }) ||
                   std::any_of(added.flows.begin(), added.flows.end(), [&](const Flow& f) { return same_flow(f, flow); });
      if (known) continue;
      flow.span = command.span;
      flow.statement = command.statement;
      flow.location = command.location;
      flow.via.push_back("earlier call");
      added.flows.push_back(std::move(flow));
    }
    for (auto& marker : together.markers) {
      if (marker.name == "analysis_limit") continue;
      bool known =
          std::any_of(alone.markers.begin(), alone.markers.end(), [&](const Marker& m) { return same_marker(m, marker); }) ||
          std::any_of(taken.begin(), taken.end(), [&](const Marker& m) { return same_marker(m, marker); });
      if (known) continue;
      taken.push_back(marker);
      marker.span = command.span;
      marker.statement = command.statement;
      marker.location = command.location;
      marker.detail += why;
      added.markers.push_back(std::move(marker));
    }
    for (auto& host : together.hosts)
      if (std::find(added.hosts.begin(), added.hosts.end(), host) == added.hosts.end()) added.hosts.push_back(host);
  }
  return added;
}

}  // namespace toolwall::engine
