#pragma once
// A script that is one simple command of plain literal words ("npm test -- --shard=3") means the
// same to bash and to the grammar without a parse: no quoting, expansion, operator, redirection or
// reserved word can hide in it. Most tool calls are such commands, and the parse was half their cost.
#include <optional>
#include <string_view>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// The words of script when it is such a command (at most max_bytes long); nullopt otherwise.
std::optional<std::vector<Span>> plain_command_words(std::string_view script, size_t max_bytes = 4096);

}  // namespace toolwall::shell
