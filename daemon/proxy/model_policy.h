#pragma once
// Trusted models only: the request body's `model` checked against allow/deny globs.
#include <optional>
#include <string>
#include <string_view>

#include "proxy/team_config.h"

namespace toolwall::proxy {

// The top-level "model" string of a JSON request body, without building nested values.
std::optional<std::string> request_model(std::string_view body);
// Why the model may not be used, or nullopt when it may. A missing model fails an allow list.
std::optional<std::string> model_refusal(const ModelRules& rules, const std::optional<std::string>& model);

}  // namespace toolwall::proxy
