#pragma once
// Removes credentials from text and JSON before they are written anywhere (the audit log).
// Hand-written scanners, not std::regex: linear time and no recursion on hostile input.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace toolwall::audit {

// Replaces known secret shapes with "[REDACTED:<kind>]": OpenAI/Anthropic keys (sk-…), GitHub
// tokens (ghp_/gho_/ghu_/ghs_/ghr_/github_pat_), AWS key ids (AKIA/ASIA…), Slack tokens (xox?-…),
// JWTs, PEM private-key blocks, Bearer/Basic credentials, and values assigned to secret-named variables.
std::string redact_text(std::string_view text);
// Whether a key or variable name names a secret (password, token, api_key, secret, …).
bool is_secret_name(std::string_view name);
// Redacts every string in a JSON value; values under secret-named keys are replaced whole.
nlohmann::json redact_json(const nlohmann::json& value);

}  // namespace toolwall::audit
