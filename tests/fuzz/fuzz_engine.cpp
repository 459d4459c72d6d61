// Engine::judge end to end with rules/default.yaml: a fuzzed call as the corpus writes it
// ({"agent","tool","arguments"} JSON), or, when the input is not such JSON, a command for a Bash tool.
#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "fuzz_common.h"
#include "wire/dialect.h"

using namespace toolwall;

namespace {

const engine::Engine& loaded_engine() {
  static auto engine = [] {
    engine::EngineOptions options;
    options.policy_path = TOOLWALL_SOURCE_DIR "/rules/default.yaml";
    options.profiles_path = TOOLWALL_SOURCE_DIR "/config/agents.yaml";
    auto loaded = engine::Engine::load(options);
    if (!loaded) toolwall::fuzz::fail("the default engine did not load");
    return loaded.value();
  }();
  return *engine;
}

ToolCall bash(std::string_view command) {
  return ToolCall::from_json("call_fuzz", "claude-code", "Bash", nlohmann::json{{"command", std::string(command)}});
}

// {"agent","tool","arguments"[,"earlier":[{"tool","arguments"}…]]}, or commands separated by \x1e: the
// earlier calls of the conversation, then the call judged.
ToolCall call_of(std::string_view input) {
  if (!wire::json_depth_exceeds(input, 128)) {
    auto json = nlohmann::json::parse(input, nullptr, false);
    if (json.is_object() && json.contains("tool") && json["tool"].is_string()) {
      std::string agent = json.value("agent", nlohmann::json("")).is_string() ? json.value("agent", "") : "";
      auto arguments = json.contains("arguments") ? json["arguments"] : nlohmann::json::object();
      ToolCall call = ToolCall::from_json("call_fuzz", agent, json["tool"].get<std::string>(), arguments);
      if (auto earlier = json.find("earlier"); earlier != json.end() && earlier->is_array()) {
        auto calls = std::make_shared<std::vector<ToolCall>>();
        for (const auto& item : *earlier)
          if (item.is_object() && item.contains("tool") && item["tool"].is_string())
            calls->push_back(ToolCall::from_json("", agent, item["tool"].get<std::string>(),
                                                 item.contains("arguments") ? item["arguments"] : nlohmann::json()));
        call.earlier = std::move(calls);
      }
      return call;
    }
  }
  size_t last = input.rfind('\x1e');
  if (last == std::string_view::npos) return bash(input);
  ToolCall call = bash(input.substr(last + 1));
  auto calls = std::make_shared<std::vector<ToolCall>>();
  for (size_t at = 0; at <= last;) {
    size_t end = input.find('\x1e', at);
    calls->push_back(bash(input.substr(at, end - at)));
    at = end + 1;
  }
  call.earlier = std::move(calls);
  return call;
}

}  // namespace

// Loads before fuzzing starts, so the one-time load (compiling every detector query) is not timed as an input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)loaded_engine();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto call = call_of(input);
  auto verdict = loaded_engine().judge(call);
  if (!verdict.error.empty() && verdict.action < loaded_engine().policy().fail_mode())
    fuzz::fail("an analysis failure got a verdict weaker than the fail mode");
  if (verdict.action == Action::rewrite && !verdict.arguments) fuzz::fail("a rewrite without arguments");
  (void)verdict.to_json(call.id);
  (void)verdict.explanation(call.tool);
  return 0;
}
