#pragma once
// Responses output items that run on the client (function_call, custom_tool_call, local_shell_call,
// and the hosted-tool items shell_call and apply_patch_call):
// reading them as ToolCalls and building what the client receives instead. Internal to the dialect.
#include <optional>
#include <string>
#include <string_view>

#include "wire/call_outcome.h"

namespace toolwall::wire::responses {

// Whether an output item of this type is executed by the client, and so must be judged.
bool is_call_item_type(std::string_view type);

// A judged call item: what the client receives in its place.
struct SettledItem {
  Settlement settlement = Settlement::pass;
  OrderedJson item;         // the item as sent: unchanged, rewritten, or a message item
  std::string explanation;  // when replaced
};

// A call item read as the ToolCall it would be judged as (an oversized one is invalid).
ToolCall read_call_item(const OrderedJson& item, const JudgeContext& ctx);

// Judges one complete call item; `preset` is a verdict the wire already took (limits, cut streams).
SettledItem settle_item(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict> preset = {});

// An assistant message item holding one output_text part.
OrderedJson message_item(const std::string& id, const std::string& text, bool completed);

// The id of the message that replaces a call item.
std::string replacement_id(const OrderedJson& call_item);

// Filters an `output` array in place; true when anything changed.
bool filter_output(OrderedJson& output, const JudgeContext& ctx);

}  // namespace toolwall::wire::responses
