#pragma once
// Model SDK clients that code points at a fixed endpoint: `OpenAI(base_url="https://…")`,
// `new Anthropic({ baseURL: "https://…" })`, `option.WithBaseURL("https://…")`. The client sends its API
// key (read from the environment when not given) and every prompt there, so the endpoint is judged like
// an agent's or SDK's base URL in a configuration file (the `model_endpoint` marker, against the
// policy's model API hosts).
#include <string>
#include <vector>

#include "analysis/code/file_kind.h"
#include "analysis/code/syntax.h"
#include "core/facts.h"

namespace toolwall::code {

// One model_endpoint marker, host set, for each client constructed with a literal endpoint URL. An
// endpoint from configuration or the environment is the norm and not marked.
std::vector<Marker> model_client_endpoints(const SyntaxTree& tree, Language language, const std::string& path);

}  // namespace toolwall::code
