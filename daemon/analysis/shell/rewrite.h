#pragma once
// Rewriting a shell script by dropping whole top-level statements (the unit Facts.statement names).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// The script with the given top-level statements removed and the separators left tidy
// ("a; b" minus b → "a"). std::nullopt when nothing but whitespace/comments would remain.
std::optional<std::string> drop_statements(std::string_view script, const std::vector<Span>& statements);

}  // namespace toolwall::shell
