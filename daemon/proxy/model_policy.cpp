#include "proxy/model_policy.h"

#include <fnmatch.h>

#include <nlohmann/json.hpp>

namespace toolwall::proxy {

std::optional<std::string> request_model(std::string_view body) {
  // Only top-level scalars are kept: nested values are discarded as they are parsed.
  auto keep_top = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    return depth <= 1 || event == nlohmann::json::parse_event_t::key;
  };
  auto parsed = nlohmann::json::parse(body.begin(), body.end(), keep_top, false);
  if (!parsed.is_object()) return std::nullopt;
  auto it = parsed.find("model");
  if (it == parsed.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

namespace {
bool matches_any(const std::vector<std::string>& globs, const std::string& model) {
  for (const auto& glob : globs)
    if (::fnmatch(glob.c_str(), model.c_str(), 0) == 0) return true;
  return false;
}
}  // namespace

std::optional<std::string> model_refusal(const ModelRules& rules, const std::optional<std::string>& model) {
  if (!rules.configured()) return std::nullopt;
  if (!model) {
    if (rules.allow.empty()) return std::nullopt;
    return std::string("the request names no model; this toolwall only forwards trusted models");
  }
  if (matches_any(rules.deny, *model))
    return "the model '" + *model + "' is denied by this toolwall's models.deny list";
  if (!rules.allow.empty() && !matches_any(rules.allow, *model))
    return "the model '" + *model + "' is not in this toolwall's models.allow list";
  return std::nullopt;
}

}  // namespace toolwall::proxy
