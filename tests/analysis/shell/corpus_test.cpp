// Golden: every shell case of the labelled corpus yields the key fact its category needs.
// The policy engineer measures verdicts; this measures the facts those verdicts are built from.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "facts_query.h"

using namespace shell_test;

namespace {

struct ShellCase {
  std::string id;
  std::string label;
  std::string category;
  std::string command;
};

std::string shell_quote(const std::string& word) {
  if (!word.empty() && word.find_first_of(" \t\n'\"\\$`;&|<>(){}*?[]#~") == std::string::npos) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The command string as the engine hands it over: CMD of ["bash","-lc",CMD], or argv joined with quoting.
std::optional<std::string> command_of(const nlohmann::json& arguments) {
  for (const char* key : {"command", "cmd"}) {
    if (!arguments.contains(key)) continue;
    const auto& value = arguments[key];
    if (value.is_string()) return value.get<std::string>();
    if (!value.is_array()) continue;
    std::vector<std::string> argv;
    for (const auto& word : value) argv.push_back(word.get<std::string>());
    if (argv.size() == 3 && (argv[0] == "bash" || argv[0] == "sh" || argv[0] == "zsh") && argv[1].find('c') != std::string::npos)
      return argv[2];
    std::string joined;
    for (const auto& word : argv) joined += (joined.empty() ? "" : " ") + shell_quote(word);
    return joined;
  }
  return std::nullopt;
}

std::vector<ShellCase> shell_cases() {
  std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + "/tests/corpus/toolcalls.jsonl");
  std::vector<ShellCase> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto record = nlohmann::json::parse(line);
    auto command = command_of(record["arguments"]);
    if (!command) continue;
    cases.push_back({record["id"], record["label"], record.value("category", ""), *command});
  }
  return cases;
}

bool has_any_marker(const toolwall::Facts& facts, std::initializer_list<const char*> names) {
  for (auto name : names)
    if (has_marker(facts, name)) return true;
  return false;
}

// The fact a category's label rests on.
bool key_fact(const ShellCase& c, const toolwall::Facts& facts) {
  const std::string& category = c.category;
  if (category == "exfil_env" || category == "exfil_file") return secret_leaves(facts);
  if (category == "obfuscation") return secret_leaves(facts) || has_flow(facts, "network", "exec");
  if (category == "remote_exec") return has_flow(facts, "network", "exec");
  if (category == "reverse_shell") return has_marker(facts, "reverse_shell");
  if (category == "destructive") return has_any_marker(facts, {"destructive_target", "fork_bomb"});
  if (category == "persistence") return has_marker(facts, "persistence_write");
  if (category == "secret_read") return has_flow_to(facts, "output");
  if (category == "network_upload") return has_flow(facts, "local_file", "network") || has_marker(facts, "new_remote");
  if (category == "risky_git") return has_any_marker(facts, {"force_push", "history_delete"});
  if (category == "privilege") return has_any_marker(facts, {"privilege", "world_writable"});
  if (category == "remote_fetch") return has_marker(facts, "download_to_disk");
  if (category == "security_off") return has_marker(facts, "security_off");
  return true;
}

// Allowed cases carry nothing a block or flag rule keys on (trusted-host rules handle local uploads and downloads).
bool quiet(const toolwall::Facts& facts) {
  for (const auto& flow : facts.flows) {
    if (flow.from == "local_file" && (flow.host == "127.0.0.1" || flow.host == "localhost")) continue;
    return false;
  }
  return facts.complete && !has_any_marker(facts, {"reverse_shell", "destructive_target", "fork_bomb", "persistence_write",
                                                   "security_off", "privilege", "world_writable", "force_push",
                                                   "history_delete", "new_remote", "decoded_exec", "eval",
                                                   "shell_string", "obfuscated_name", "dynamic_command_name"});
}

}  // namespace

TEST_CASE("every shell case of the corpus yields the key fact of its category") {
  auto cases = shell_cases();
  REQUIRE(cases.size() >= 100);
  size_t blocked_or_flagged = 0;
  for (const auto& c : cases) {
    if (c.label == "allow") continue;
    ++blocked_or_flagged;
    auto facts = analyze(c.command);
    INFO(c.id << " [" << c.category << "] " << c.command);
    CHECK(key_fact(c, facts));
  }
  CHECK(blocked_or_flagged > 50);
}

TEST_CASE("the blocked persistence cases carry a payload flow or a key write") {
  for (const auto& c : shell_cases()) {
    if (c.category != "persistence" || c.label != "block") continue;
    auto facts = analyze(c.command);
    INFO(c.id << " " << c.command);
    bool key_write = marker_of(facts, "persistence_write") && marker_of(facts, "persistence_write")->detail == "authorized_keys";
    CHECK((has_flow_to(facts, "persist") || key_write));
  }
}

TEST_CASE("the allowed shell cases of the corpus yield no risky facts") {
  for (const auto& c : shell_cases()) {
    if (c.label != "allow") continue;
    auto facts = analyze(c.command);
    INFO(c.id << " [" << c.category << "] " << c.command);
    CHECK(quiet(facts));
  }
}

TEST_CASE("every corpus command is analysed completely") {
  for (const auto& c : shell_cases()) {
    INFO(c.id << " " << c.command);
    CHECK(analyze(c.command).complete);
  }
}
