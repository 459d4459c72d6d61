#pragma once
// The upstream provider key the proxy holds, so agent environments never see it.
#include <map>
#include <string>

#include "core/expected.h"
#include "proxy/config.h"
#include "proxy/team_config.h"

namespace toolwall::proxy {

// The key from `upstream_api_key_env` or `upstream_api_key_file` ("" when neither is set).
Expected<std::string, std::string> load_upstream_key(const TeamConfig& team);
// A key from an environment variable or a file ("" when both are empty); `setting` names it in errors.
Expected<std::string, std::string> load_api_key(const std::string& env, const std::string& file,
                                                const std::string& setting);
// The key of each named upstream that sets api_key_env or api_key_file, by upstream name.
Expected<std::map<std::string, std::string, std::less<>>, std::string> load_named_upstream_keys(const RoutingConfig& routing);
// Whether a request path is an Anthropic route (key goes in x-api-key, not Authorization).
bool anthropic_route(std::string_view path);

}  // namespace toolwall::proxy
