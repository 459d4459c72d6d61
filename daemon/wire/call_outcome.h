#pragma once
// Helpers every dialect shares: bounded JSON parsing, and the one place where a call is judged,
// counted, reported to the audit sink and settled into what the client receives.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "wire/dialect.h"

namespace toolwall::wire {

// Ordered, so that bodies we change keep their keys in the order the upstream wrote them.
using OrderedJson = nlohmann::ordered_json;

// Parses JSON under the depth cap; nullopt when the text is malformed, too deep or not UTF-8.
std::optional<OrderedJson> parse_bounded(std::string_view text, const WireLimits& limits);
// Compact JSON text; invalid UTF-8 (which parsing already rejects) is replaced, never thrown on.
std::string dump_compact(const OrderedJson& value);
std::string dump_compact(const nlohmann::json& value);
// Converts between the ordered JSON of the wire and the plain JSON of ToolCall and Verdict.
nlohmann::json to_plain(const OrderedJson& value);
OrderedJson to_ordered(const nlohmann::json& value);
// The string member `key`, or "" when absent or not a string.
std::string string_member(const OrderedJson& object, const char* key);

// A call whose arguments exceed the cap: judged as blocked without reading them.
ToolCall oversized_call(std::string id, std::string tool, const JudgeContext& ctx,
                        std::optional<Verdict>& preset);

// Judges the call, or takes the preset verdict of a wire limit; never throws.
Verdict judge_call(const ToolCall& call, const std::optional<Verdict>& preset, const JudgeContext& ctx);
// Counts the verdict and reports the call to the audit sink, with what the client got instead.
void report_call(ToolCall call, const Verdict& verdict, std::string sent_instead, int choice, const JudgeContext& ctx);

// What the client receives for one call.
enum class Settlement { pass, rewrite, replace };

struct SettledCall {
  Settlement settlement = Settlement::pass;
  Verdict verdict;
  std::string explanation;  // the replacement text, when settlement == replace
};

// Maps a rewrite's new argument object into the dialect's wire form; false when it does not fit
// (the call is then replaced, as a rewrite that cannot be applied must not pass).
using ApplyRewrite = std::function<bool(const nlohmann::json& new_arguments, std::string& sent_instead)>;

// Judges the call (or takes the preset verdict of a wire limit), counts it, reports it to the sink and
// decides how the client sees it. `choice`: the response choice it belongs to (chat completions' n > 1).
SettledCall settle_call(ToolCall call, const std::optional<Verdict>& preset, const JudgeContext& ctx,
                        const ApplyRewrite& apply_rewrite, int choice = 0);

// The verdict given to a call the stream cut off before it was complete.
Verdict incomplete_call_verdict(const std::string& why);
// The verdict given to a call whose arguments exceed the wire's max_tool_argument_bytes, unread.
Verdict oversized_call_verdict(const WireLimits& limits);

}  // namespace toolwall::wire
