#include "wire/chat_completions.h"

#include <exception>
#include <vector>

#include "wire/arguments_json.h"
#include "wire/call_outcome.h"
#include "wire/chat_body_scan.h"
#include "wire/chat_shared.h"
#include "wire/json_validate.h"

namespace toolwall::wire {

namespace {

using namespace chat;

bool passes(const Verdict& verdict) { return verdict.action <= Action::flag; }

void append_explanation(Json& message, const std::string& text) {
  Json& content = message["content"];
  if (content.is_string() && !content.get_ref<const std::string&>().empty()) {
    content = content.get<std::string>() + "\n\n" + text;
  } else if (content.is_array()) {
    content.push_back(Json{{"type", "text"}, {"text", text}});
  } else {
    content = text;
  }
}

// ---- whole bodies ---------------------------------------------------------------------------

struct BodyCall {
  std::string id, tool;
  const Json* arguments;  // a JSON string (wire form) or, from lenient servers, an object
};

ToolCall to_tool_call(const BodyCall& wire_call, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  const Json& args = *wire_call.arguments;
  if (args.is_string()) {
    const auto& text = args.get_ref<const std::string&>();
    if (text.size() > ctx.limits.max_tool_argument_bytes) return oversized_call(wire_call.id, wire_call.tool, ctx, preset);
    return tool_call_from_wire(wire_call.id, ctx.exchange.agent, wire_call.tool, text);
  }
  return ToolCall::from_json(wire_call.id, ctx.exchange.agent, wire_call.tool,
                             to_plain(args));
}

// Verdicts the fast path reached before it handed the body to the full path, in the order the full
// path judges the same calls: each serves only the call it was reached for (same id, tool and
// arguments), so a blocked call is judged once, not twice.
class JudgedAhead {
 public:
  void add(ToolCall call, Verdict verdict) { judged_.emplace_back(std::move(call), std::move(verdict)); }
  std::optional<Verdict> take(const ToolCall& call) {
    if (next_ >= judged_.size()) return std::nullopt;
    const auto& [ahead, verdict] = judged_[next_];
    if (ahead.id != call.id || ahead.tool != call.tool || ahead.raw_arguments != call.raw_arguments ||
        !call.arguments_valid) {
      next_ = judged_.size();  // out of step: judge the rest afresh
      return std::nullopt;
    }
    ++next_;
    return verdict;
  }
  std::vector<std::pair<ToolCall, Verdict>>& all() { return judged_; }

 private:
  std::vector<std::pair<ToolCall, Verdict>> judged_;
  size_t next_ = 0;
};

// Applies the verdicts to one choice's message; true when the message changed.
bool filter_message(Json& choice, int choice_index, const JudgeContext& ctx, JudgedAhead& ahead) {
  auto message_it = choice.find("message");
  if (message_it == choice.end() || !message_it->is_object()) return false;
  Json& message = *message_it;
  bool changed = false;
  int calls = 0, removed = 0;
  std::vector<std::string> explanations;

  // What the client keeps of a settled call; a replaced call leaves its explanation for the content.
  auto keep = [&](const SettledCall& settled) -> bool {
    if (settled.settlement == Settlement::pass) return true;
    changed = true;
    if (settled.settlement == Settlement::rewrite) return true;
    explanations.push_back(settled.explanation);
    ++removed;
    return false;
  };

  auto judge_one = [&](Json& function_object, const std::string& id) -> bool /*keep*/ {
    ++calls;
    static const Json kEmpty = "";
    auto args_it = function_object.find("arguments");
    BodyCall wire_call{id, string_member(function_object, "name"),
                       args_it == function_object.end() ? &kEmpty : &*args_it};
    std::optional<Verdict> preset;
    ToolCall call = to_tool_call(wire_call, ctx, preset);
    if (!preset) preset = ahead.take(call);
    SettledCall settled = settle_call(
        std::move(call), preset, ctx,
        [&function_object](const nlohmann::json& arguments, std::string& sent) {
          sent = dump_compact(arguments);
          function_object["arguments"] = sent;
          return true;
        },
        choice_index);
    return keep(settled);
  };

  // A custom (freeform) tool call, {"type": "custom", "custom": {"name", "input"}}, settled by the
  // dialects' shared settle_call.
  auto judge_custom = [&](Json& custom_object, const std::string& id) -> bool /*keep*/ {
    ++calls;
    std::string name = string_member(custom_object, "name");
    auto input = custom_object.find("input");
    std::optional<Verdict> preset;
    ToolCall call = custom_call(id, name, input == custom_object.end() ? nullptr : &*input, ctx, preset);
    SettledCall settled = settle_call(
        std::move(call), preset, ctx,
        [&custom_object](const nlohmann::json& arguments, std::string& sent) {
          auto new_input = arguments.find("input");
          if (new_input == arguments.end() || !new_input->is_string()) return false;
          sent = new_input->get<std::string>();
          custom_object["input"] = sent;
          return true;
        },
        choice_index);
    return keep(settled);
  };

  auto calls_it = message.find("tool_calls");
  if (calls_it != message.end() && calls_it->is_array()) {
    Json kept = Json::array();
    for (auto& entry : *calls_it) {
      std::string id = entry.is_object() ? string_member(entry, "id") : std::string();
      if (entry.is_object() && entry.contains("function") && entry["function"].is_object()) {
        if (judge_one(entry["function"], id)) kept.push_back(std::move(entry));
      } else if (entry.is_object() && entry.contains("custom") && entry["custom"].is_object()) {
        if (judge_custom(entry["custom"], id)) kept.push_back(std::move(entry));
      } else {
        // A call of a shape this build does not know could still run on the client: fail closed.
        Json unknown = Json{{"name", entry.is_object() ? string_member(entry, "type") : std::string()}};
        if (judge_custom(unknown, id)) kept.push_back(std::move(entry));
      }
    }
    if (changed) {
      if (kept.empty()) message.erase("tool_calls");
      else *calls_it = std::move(kept);
    }
  }
  auto legacy_it = message.find("function_call");
  if (legacy_it != message.end() && legacy_it->is_object()) {
    if (!judge_one(*legacy_it, "function_call")) message.erase("function_call");
  }
  if (!changed) return false;
  for (const auto& text : explanations) append_explanation(message, text);
  bool none_left = calls == removed;
  auto finish_it = choice.find("finish_reason");
  if (none_left && finish_it != choice.end() && is_tool_finish(*finish_it)) *finish_it = "stop";
  return true;
}

// The fast path for an ordinary body: its calls read without a tree and judged; true when every one
// passes, so the body leaves unchanged (the calls are reported here). False sends the body down the
// full path, which changes what it must and takes the verdicts reached here from `judged`.
bool passes_unchanged(std::string_view body, const JudgeContext& ctx, JudgedAhead& judged) {
  auto scanned = scan_chat_body(body, ctx.limits.max_json_depth);
  if (!scanned) return false;
  for (auto& wire_call : scanned->calls) {
    if (wire_call.arguments.size() > ctx.limits.max_tool_argument_bytes) return false;
    ToolCall call = tool_call_from_wire(std::move(wire_call.id), ctx.exchange.agent, std::move(wire_call.name),
                                        wire_call.arguments);
    if (!call.arguments_valid) return false;  // decided by the fail mode, on the full path
    Verdict verdict = judge_call(call, std::nullopt, ctx);
    bool passed = passes(verdict);
    judged.add(std::move(call), std::move(verdict));
    if (!passed) return false;
  }
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = std::move(scanned->model);
  auto& all = judged.all();
  for (size_t i = 0; i < all.size(); ++i)
    report_call(std::move(all[i].first), all[i].second, {}, scanned->calls[i].choice, local);
  return true;
}

}  // namespace

bool ChatCompletionsDialect::handles(std::string_view method, std::string_view path) const {
  return method == "POST" && (path == "/v1/chat/completions" || path == "/chat/completions");
}

Expected<std::optional<std::string>, WireError> ChatCompletionsDialect::filter_body(std::string_view body,
                                                                                   const JudgeContext& ctx) const {
  if (!could_name_a_call(body)) {
    // Nothing in it can be a call, so it leaves unchanged: validate it without building a tree
    // (most responses are text; the tree was most of the proxy's allocations).
    if (valid_json_object(body, ctx.limits.max_json_depth)) return std::optional<std::string>();
  }
  JudgedAhead judged;
  if (passes_unchanged(body, ctx, judged)) return std::optional<std::string>();
  auto parsed = parse_bounded(body, ctx.limits);
  if (!parsed || !parsed->is_object()) {
    if (ctx.counters) ++ctx.counters->upstream_malformed;
    return unexpected(WireError{502, "upstream_malformed_json",
                                "the upstream's chat completion is not valid JSON (or nests too deeply), so its "
                                "tool calls cannot be checked"});
  }
  Json& response = *parsed;
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = string_member(response, "model");
  auto choices = response.find("choices");
  if (choices == response.end() || !choices->is_array()) return std::optional<std::string>();
  bool changed = false;
  int position = 0;
  try {
    for (auto& choice : *choices) {
      if (choice.is_object() && filter_message(choice, integer_or(choice, "index", position), local, judged)) changed = true;
      ++position;
    }
  } catch (const std::exception& e) {
    return unexpected(WireError{502, "toolwall_internal_error",
                                std::string("could not apply verdicts to the response: ") + e.what()});
  }
  if (!changed) return std::optional<std::string>();
  return std::optional<std::string>(dump_compact(response));
}

bool ChatCompletionsDialect::body_may_judge(std::string_view body) const { return could_name_a_call(body); }

std::unique_ptr<StreamFilter> ChatCompletionsDialect::filter_stream(JudgeContext ctx) const {
  return make_chat_stream_filter(std::move(ctx));
}

std::string ChatCompletionsDialect::error_body(const WireError& error) const { return dump_compact(error_object(error)); }

std::vector<ToolCall> ChatCompletionsDialect::earlier_calls(const nlohmann::ordered_json& request,
                                                           const JudgeContext& ctx) const {
  std::vector<ToolCall> calls;
  auto messages = request.find("messages");
  if (messages == request.end() || !messages->is_array()) return calls;
  static const Json kEmpty = "";
  auto read_function = [&](const Json& function, const std::string& id) {
    auto args = function.find("arguments");
    BodyCall wire_call{id, string_member(function, "name"), args == function.end() ? &kEmpty : &*args};
    std::optional<Verdict> preset;
    calls.push_back(to_tool_call(wire_call, ctx, preset));
  };
  for (const auto& message : *messages) {
    if (!message.is_object() || string_member(message, "role") != "assistant") continue;
    if (auto legacy = message.find("function_call"); legacy != message.end() && legacy->is_object())
      read_function(*legacy, "function_call");
    auto tool_calls = message.find("tool_calls");
    if (tool_calls == message.end() || !tool_calls->is_array()) continue;
    for (const auto& entry : *tool_calls) {
      if (!entry.is_object()) continue;
      std::string id = string_member(entry, "id");
      if (auto function = entry.find("function"); function != entry.end() && function->is_object()) {
        read_function(*function, id);
      } else if (auto custom = entry.find("custom"); custom != entry.end() && custom->is_object()) {
        auto input = custom->find("input");
        std::optional<Verdict> preset;
        calls.push_back(custom_call(id, string_member(*custom, "name"), input == custom->end() ? nullptr : &*input, ctx,
                                    preset));
      }
    }
  }
  return calls;
}


}  // namespace toolwall::wire
