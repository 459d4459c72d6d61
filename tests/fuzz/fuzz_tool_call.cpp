// ToolCall::from_wire / from_json, the wire's own reading of the arguments (tool_call_from_wire, which
// must build the very call from_wire builds), the JSON depth pre-check, and the agent profiles'
// argument decoding (resolve: which field is the command, the path, the content) on fuzzed arguments.
#include <memory>

#include "../support/same_json_tree.h"
#include "engine/profiles.h"
#include "fuzz_common.h"
#include "wire/arguments_json.h"
#include "wire/dialect.h"

using namespace toolwall;

namespace {

const engine::Profiles& profiles() {
  static auto loaded = engine::Profiles::load_file(TOOLWALL_SOURCE_DIR "/config/agents.yaml");
  if (!loaded) toolwall::fuzz::fail("config/agents.yaml did not load");
  return *loaded.value();
}

}  // namespace

// Loads before fuzzing starts, so the one-time load (compiling every detector query) is not timed as an input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)profiles();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  static const std::vector<std::string> names = profiles().profile_names();
  uint8_t agent_pick = in.byte();
  std::string agent = names.empty() || agent_pick == 255 ? "" : names[agent_pick % names.size()];
  std::string tool(in.line(40));
  auto arguments = in.rest();

  if (wire::json_depth_exceeds(arguments, 128)) return 0;  // the wire refuses these before parsing
  auto call = ToolCall::from_wire("call_1", agent, tool, arguments);
  if (!call.arguments_valid && call.arguments_error.empty()) fuzz::fail("invalid arguments without a reason");
  if (call.arguments_valid && !call.arguments.is_object()) fuzz::fail("valid arguments that are not an object");
  auto read = wire::tool_call_from_wire("call_1", agent, tool, arguments);
  if (read.arguments_valid != call.arguments_valid || read.arguments_error != call.arguments_error ||
      read.raw_arguments != call.raw_arguments || !toolwall::test::same_json_tree(read.arguments, call.arguments))
    fuzz::fail("the wire's reading of the arguments differs from from_wire's");
  auto again = ToolCall::from_json("call_1", agent, tool, nlohmann::json(std::string(arguments)));
  if (again.arguments_valid != call.arguments_valid) fuzz::fail("from_json of a string differs from from_wire");
  (void)profiles().resolve(call);
  if (call.arguments_valid) {
    (void)engine::find_field(call.arguments, tool);
    auto copy = call.arguments;
    (void)engine::set_field(copy, tool, "x");
  }
  return 0;
}
