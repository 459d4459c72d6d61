#pragma once
// The upstream provider key the proxy holds, so agent environments never see it.
#include <string>

#include "core/expected.h"
#include "proxy/team_config.h"

namespace toolwall::proxy {

// The key from `upstream_api_key_env` or `upstream_api_key_file` ("" when neither is set).
Expected<std::string, std::string> load_upstream_key(const TeamConfig& team);
// Whether a request path is an Anthropic route (key goes in x-api-key, not Authorization).
bool anthropic_route(std::string_view path);

}  // namespace toolwall::proxy
