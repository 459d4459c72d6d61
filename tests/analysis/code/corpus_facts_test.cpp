// Every file-writing case of the labelled corpus yields the facts its label needs. The analyser owns
// facts, not verdicts: block cases need a block-class fact (a critical/high code match, or a
// download-to-exec / secret-to-network flow in a file that runs by itself), flag cases a flag-class
// fact and nothing block-class, allow cases nothing above low.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.h"

using namespace toolwall;

namespace {

const std::set<std::string> kAutoRunOrigins{"install_hook", "build_recipe", "ci_workflow", "shell_rc",
                                            "git_hook",     "cron",         "service"};
const std::set<std::string> kSecretSources{"env_dump", "secret_var", "credential_file", "credential_helper"};

bool dangerous(const Flow& f) {
  return (f.from == "network" && f.to == "exec") ||
         (kSecretSources.count(f.from) && (f.to == "network" || f.to == "dns"));
}

bool block_class(const Facts& facts) {
  for (const auto& m : facts.code)
    if (m.severity == "critical" || m.severity == "high") return true;
  for (const auto& f : facts.flows)
    if (dangerous(f) && kAutoRunOrigins.count(f.location.origin)) return true;
  return false;
}

bool flag_class(const Facts& facts) {
  for (const auto& m : facts.code)
    if (m.severity == "medium") return true;
  for (const auto& f : facts.flows)
    if (dangerous(f) && f.location.origin == "script_file") return true;
  return false;
}

bool above_low(const Facts& facts) {
  for (const auto& m : facts.code)
    if (m.severity != "low") return true;
  for (const auto& f : facts.flows)
    if (dangerous(f)) return true;
  return false;
}

std::string first_of(const nlohmann::json& args, std::initializer_list<const char*> keys) {
  for (const char* k : keys)
    if (args.contains(k) && args[k].is_string()) return args[k].get<std::string>();
  return {};
}

// The tool's arguments to the analyser call its shape implies (the engine's profiles do this in product).
std::optional<Facts> analyze_call(const code::Analyzer& analyzer, const std::string& tool,
                                  const nlohmann::json& args) {
  std::string path = first_of(args, {"file_path", "filePath", "path", "target_file"});
  if (tool == "apply_patch") return analyzer.analyze_patch(first_of(args, {"input", "patch"}));
  if (tool == "replace_in_file") return analyzer.analyze_search_replace(path, first_of(args, {"diff"}));
  if (tool == "Edit" || tool == "replace" || tool == "edit")
    return analyzer.analyze_edit(path, first_of(args, {"old_string", "oldString"}),
                                 first_of(args, {"new_string", "newString"}));
  if (tool == "Write" || tool == "write_file" || tool == "write_to_file" || tool == "write" ||
      tool == "edit_file")
    return analyzer.analyze_write(path, first_of(args, {"content", "code_edit"}));
  return std::nullopt;
}

std::string describe(const Facts& facts) {
  std::string out = "code: " + code::test::detectors_of(facts) + "\nflows: ";
  for (const auto& f : facts.flows) out += f.from + "->" + f.to + "(" + f.location.origin + ") ";
  out += "\nmarkers: ";
  for (const auto& m : facts.markers) out += m.name + ":" + m.detail + " ";
  return out;
}

}  // namespace

TEST_CASE("every file-writing corpus case yields the facts its label needs") {
  auto analyzer = code::test::shipped_analyzer();
  std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + "/tests/corpus/toolcalls.jsonl");
  REQUIRE(in);
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto item = nlohmann::json::parse(line);
    auto facts = analyze_call(*analyzer, item["tool"].get<std::string>(), item["arguments"]);
    if (!facts) continue;
    ++checked;
    std::string id = item["id"], label = item["label"];
    INFO(id << " (" << label << "): " << item["why"].get<std::string>() << "\n" << describe(*facts));
    CHECK(facts->complete);
    CHECK_FALSE(facts->files.empty());
    if (label == "block") {
      CHECK(block_class(*facts));
    } else if (label == "flag") {
      CHECK(flag_class(*facts));
      CHECK_FALSE(block_class(*facts));
    } else {
      CHECK_FALSE(above_low(*facts));
    }
  }
  CHECK(checked >= 30);
}
