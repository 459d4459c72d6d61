#pragma once
// Anthropic `tool_use` content blocks: reading them as ToolCalls and building what the client
// receives instead. Internal to the Messages dialect.
#include <optional>
#include <string>
#include <string_view>

#include "wire/call_outcome.h"

namespace toolwall::wire::anthropic {

bool is_tool_use(const OrderedJson& block);

// A judged tool_use block: what the client receives in its place.
struct SettledBlock {
  Settlement settlement = Settlement::pass;
  OrderedJson block;        // the block as sent: unchanged, with new input, or a text block
  std::string input_json;   // the input as JSON text, when the block is (still) a tool_use
  std::string explanation;  // when replaced
};

// Judges a tool_use block whose input is `input_json` (streams: the joined partial_json), or the
// block's own `input` when input_json is empty or whitespace.
SettledBlock settle_tool_use(const OrderedJson& block, std::string_view input_json, const JudgeContext& ctx,
                             std::optional<Verdict> preset = {});

// A tool_use block (its own `input`) read as the ToolCall it would be judged as.
ToolCall read_tool_use(const OrderedJson& block, const JudgeContext& ctx);

OrderedJson text_block(const std::string& text);

struct ContentOutcome {
  bool changed = false;
  int tool_uses_kept = 0;
  int tool_uses_replaced = 0;
};

// Judges every tool_use block of a content array in place.
ContentOutcome filter_content(OrderedJson& content, const JudgeContext& ctx);

}  // namespace toolwall::wire::anthropic
