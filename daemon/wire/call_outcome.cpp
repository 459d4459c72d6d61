#include "wire/call_outcome.h"

namespace toolwall::wire {

std::optional<OrderedJson> parse_bounded(std::string_view text, const WireLimits& limits) {
  if (json_depth_exceeds(text, limits.max_json_depth)) return std::nullopt;
  OrderedJson parsed = OrderedJson::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string dump_compact(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::string dump_compact(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json to_plain(const OrderedJson& value) {
  // Both types share one parser and dumper, so a round trip through text is exact.
  return nlohmann::json::parse(dump_compact(value), nullptr, false);
}

OrderedJson to_ordered(const nlohmann::json& value) {
  return OrderedJson::parse(dump_compact(value), nullptr, false);
}

std::string string_member(const OrderedJson& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

ToolCall oversized_call(std::string id, std::string tool, const JudgeContext& ctx,
                        std::optional<Verdict>& preset) {
  preset = oversized_call_verdict(ctx.limits);
  if (ctx.counters) ++ctx.counters->limit_exceeded;
  ToolCall call;
  call.id = std::move(id);
  call.agent = ctx.exchange.agent;
  call.tool = std::move(tool);
  call.arguments_valid = false;
  call.arguments_error = preset->error;
  return call;
}

Verdict judge_call(const ToolCall& call, const std::optional<Verdict>& preset, const JudgeContext& ctx) {
  if (preset) return *preset;
  if (!ctx.judge) return wire_block("no policy is loaded");
  return judge_safely(*ctx.judge, call);
}

void report_call(ToolCall call, const Verdict& verdict, std::string sent_instead, int choice, const JudgeContext& ctx) {
  if (ctx.counters) ctx.counters->count(verdict.action);
  if (!ctx.sink) return;
  JudgedCall judged{std::move(call), verdict, ctx.exchange.model, choice, std::move(sent_instead)};
  ctx.sink(judged);
}

SettledCall settle_call(ToolCall call, const std::optional<Verdict>& preset, const JudgeContext& ctx,
                        const ApplyRewrite& apply_rewrite, int choice) {
  SettledCall settled;
  settled.verdict = judge_call(call, preset, ctx);
  Verdict& verdict = settled.verdict;
  if (verdict.action <= Action::flag) {
    report_call(std::move(call), verdict, {}, choice, ctx);
    return settled;
  }
  if (verdict.action == Action::rewrite) {
    std::string sent_instead;
    if (verdict.arguments && verdict.arguments->is_object() &&
        apply_rewrite(*verdict.arguments, sent_instead)) {
      settled.settlement = Settlement::rewrite;
      report_call(std::move(call), verdict, std::move(sent_instead), choice, ctx);
      return settled;
    }
    // The audit log must say what the client got: the call did not pass, so it is a block.
    verdict.action = Action::block;
    if (verdict.error.empty()) verdict.error = "the rewrite could not be applied to this call";
  }
  settled.settlement = Settlement::replace;
  settled.explanation = verdict.explanation(call.tool);
  report_call(std::move(call), verdict, settled.explanation, choice, ctx);
  return settled;
}

Verdict oversized_call_verdict(const WireLimits& limits) {
  return wire_block("tool-call arguments exceed " + std::to_string(limits.max_tool_argument_bytes) + " bytes");
}

Verdict incomplete_call_verdict(const std::string& why) {
  return wire_block("the stream ended before the call was complete: " + why);
}

}  // namespace toolwall::wire
