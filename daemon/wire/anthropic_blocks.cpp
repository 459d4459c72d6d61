#include "wire/anthropic_blocks.h"

#include "wire/arguments_json.h"

namespace toolwall::wire::anthropic {

namespace {

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

ToolCall tool_use_call(const OrderedJson& block, std::string_view input_json, const JudgeContext& ctx,
                       std::optional<Verdict>& preset) {
  std::string id = string_member(block, "id");
  std::string name = string_member(block, "name");
  if (!blank(input_json)) {
    if (input_json.size() > ctx.limits.max_tool_argument_bytes) return oversized_call(id, name, ctx, preset);
    return tool_call_from_wire(id, ctx.exchange.agent, name, input_json);
  }
  auto input = block.find("input");
  if (input == block.end()) return ToolCall::from_json(id, ctx.exchange.agent, name, nlohmann::json());
  if (dump_compact(*input).size() > ctx.limits.max_tool_argument_bytes)
    return oversized_call(id, name, ctx, preset);
  return ToolCall::from_json(id, ctx.exchange.agent, name, to_plain(*input));
}

}  // namespace

bool is_tool_use(const OrderedJson& block) {
  return block.is_object() && string_member(block, "type") == "tool_use";
}

ToolCall read_tool_use(const OrderedJson& block, const JudgeContext& ctx) {
  std::optional<Verdict> preset;
  return tool_use_call(block, "", ctx, preset);
}

OrderedJson text_block(const std::string& text) {
  return OrderedJson{{"type", "text"}, {"text", text}};
}

SettledBlock settle_tool_use(const OrderedJson& block, std::string_view input_json, const JudgeContext& ctx,
                             std::optional<Verdict> preset) {
  SettledBlock result;
  result.block = block;
  ToolCall call = tool_use_call(block, input_json, ctx, preset);
  bool streamed = !blank(input_json);
  std::string original_text =
      streamed ? std::string(input_json) : dump_compact(block.value("input", OrderedJson::object()));
  SettledCall settled = settle_call(std::move(call), preset, ctx,
                                    [&result](const nlohmann::json& new_input, std::string& sent) {
                                      sent = dump_compact(new_input);
                                      result.block["input"] = to_ordered(new_input);
                                      result.input_json = sent;
                                      return true;
                                    });
  result.settlement = settled.settlement;
  if (settled.settlement == Settlement::pass) {
    result.block = block;
    result.input_json = original_text;
    if (streamed) {
      OrderedJson parsed = OrderedJson::parse(original_text, nullptr, false);
      if (!parsed.is_discarded()) result.block["input"] = std::move(parsed);
    }
  } else if (settled.settlement == Settlement::replace) {
    result.explanation = settled.explanation;
    result.block = text_block(settled.explanation);
    result.input_json.clear();
  }
  return result;
}

ContentOutcome filter_content(OrderedJson& content, const JudgeContext& ctx) {
  ContentOutcome outcome;
  if (!content.is_array()) return outcome;
  for (auto& block : content) {
    if (!is_tool_use(block)) continue;
    SettledBlock settled = settle_tool_use(block, {}, ctx);
    if (settled.settlement == Settlement::replace)
      ++outcome.tool_uses_replaced;
    else
      ++outcome.tool_uses_kept;
    if (settled.settlement == Settlement::pass) continue;
    block = std::move(settled.block);
    outcome.changed = true;
  }
  return outcome;
}

}  // namespace toolwall::wire::anthropic
