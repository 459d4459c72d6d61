// The engine as shipped (rules/default.yaml + config/agents.yaml), loaded once per test binary.
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include "engine/engine.h"

namespace toolwall::testing {

// Null (with the load error on stderr) when the shipped policy or profiles do not load.
inline std::shared_ptr<const engine::Engine> default_engine() {
  static std::shared_ptr<const engine::Engine> engine = [] {
    engine::EngineOptions options;
    options.policy_path = std::string(TOOLWALL_SOURCE_DIR) + "/rules/default.yaml";
    options.profiles_path = std::string(TOOLWALL_SOURCE_DIR) + "/config/agents.yaml";
    auto loaded = engine::Engine::load(options);
    if (!loaded) std::cerr << to_string(loaded.error());
    return loaded ? *loaded : nullptr;
  }();
  return engine;
}

}  // namespace toolwall::testing
