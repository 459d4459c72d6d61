// The shipped engine's action for a Claude Code Bash call, with the engine's explanation attached to
// any failing check, for verdict tests over shell commands.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "default_engine.h"

namespace toolwall::testing {

inline Action bash_verdict(const std::string& command) {
  auto engine = default_engine();
  REQUIRE(engine);
  auto call = ToolCall::from_json("t", "claude-code", "Bash", nlohmann::json{{"command", command}});
  INFO(engine->explain(call));
  return engine->judge(call).action;
}

}  // namespace toolwall::testing
