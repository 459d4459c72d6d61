#include "wire/chat_completions.h"

#include <algorithm>
#include <exception>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "wire/call_outcome.h"
#include "wire/chat_body_scan.h"
#include "wire/json_validate.h"
#include "wire/sse_stream_filter.h"

namespace toolwall::wire {

namespace {

// Ordered, so that a body we must change keeps its keys in the order the upstream wrote them.
using Json = nlohmann::ordered_json;

constexpr size_t kMaxChoices = 128;

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Whether text could spell a key that carries a call (literally, or through \u escapes).
bool could_name_a_call(std::string_view text) {
  return text.find("tool_calls") != std::string_view::npos || text.find("function_call") != std::string_view::npos ||
         text.find("\\u") != std::string_view::npos;
}

// could_name_a_call over text that arrives as consecutive pieces, without joining them: a key split
// across pieces is found in the few bytes around each boundary.
bool could_name_a_call(std::initializer_list<std::string_view> pieces) {
  constexpr size_t kLongestKey = std::string_view("function_call").size();
  std::string tail;  // the last kLongestKey - 1 bytes before the current piece
  for (std::string_view piece : pieces) {
    if (could_name_a_call(piece)) return true;
    if (!tail.empty() && could_name_a_call(tail + std::string(piece.substr(0, kLongestKey - 1)))) return true;
    tail += piece.substr(piece.size() > kLongestKey ? piece.size() - kLongestKey : 0);
    if (tail.size() >= kLongestKey) tail.erase(0, tail.size() - (kLongestKey - 1));
  }
  return false;
}

// The bytes of the "arguments" (and custom "input") string values in consecutive pieces of a stream,
// counted to their closing quote (a value cut between pieces goes on counting in the next): an
// estimate of how much text the judge is about to read.
size_t argument_text_bytes(std::initializer_list<std::string_view> pieces) {
  size_t total = 0;
  bool open = false;  // the previous piece ended inside a value
  for (std::string_view text : pieces) {
    size_t i = 0;
    auto count_to_quote = [&] {
      size_t start = i;
      while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
      total += std::min(i, text.size()) - start;
      if (i >= text.size()) open = true;  // only the piece's last value can run to its end
    };
    bool carried = open;
    open = false;
    if (carried) count_to_quote();
    size_t from = i;
    for (std::string_view key : {std::string_view("\"arguments\""), std::string_view("\"input\"")}) {
      for (size_t at = text.find(key, from); at != std::string_view::npos; at = text.find(key, at + 1)) {
        i = at + key.size();
        while (i < text.size() && (text[i] == ' ' || text[i] == ':')) ++i;
        if (i >= text.size() || text[i] != '"') continue;
        ++i;
        count_to_quote();
      }
    }
  }
  return total;
}

// Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF), as JSON parsers demand.
bool valid_utf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0;
    if (length == 0 || byte > 0xF4 || i + length > text.size()) return false;
    uint32_t code = byte & (0xFF >> (length + 1));
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if ((length == 3 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) || (length == 4 && (code < 0x10000 || code > 0x10FFFF)))
      return false;
    i += length;
  }
  return true;
}

int integer_or(const Json& object, const char* key, int fallback) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return fallback;
  return it->get<int>();
}

std::string string_or_empty(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<Json> parse_limited(std::string_view text, const WireLimits& limits) {
  if (json_depth_exceeds(text, limits.max_json_depth)) return std::nullopt;
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

ToolCall bare_call(std::string id, std::string agent, std::string tool) {
  ToolCall call;
  call.id = std::move(id);
  call.agent = std::move(agent);
  call.tool = std::move(tool);
  return call;
}

bool is_tool_finish(const Json& finish_reason) {
  return finish_reason.is_string() &&
         (finish_reason == "tool_calls" || finish_reason == "function_call");
}

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
    return ToolCall::from_wire(wire_call.id, ctx.exchange.agent, wire_call.tool, text);
  }
  return ToolCall::from_json(wire_call.id, ctx.exchange.agent, wire_call.tool,
                             nlohmann::json::parse(dump(args), nullptr, false));
}

// A custom tool call's input as a ToolCall {"input": …}, like the Responses API's custom_tool_call;
// invalid when the input is missing or not a string, blocked unread (preset) over the size cap.
ToolCall custom_call(const std::string& id, const std::string& name, const Json* input, const JudgeContext& ctx,
                     std::optional<Verdict>& preset) {
  if (input && input->is_string() && input->get_ref<const std::string&>().size() > ctx.limits.max_tool_argument_bytes)
    return oversized_call(id, name, ctx, preset);
  ToolCall call = bare_call(id, ctx.exchange.agent, name);
  if (!input || !input->is_string()) {
    call.arguments_valid = false;
    call.arguments_error = "a tool call without a function or a custom input string";
    return call;
  }
  call.arguments = nlohmann::json{{"input", input->get<std::string>()}};
  return call;
}

// Applies the verdicts to one choice's message; true when the message changed.
bool filter_message(Json& choice, int choice_index, const JudgeContext& ctx) {
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
    BodyCall wire_call{id, string_or_empty(function_object, "name"),
                       args_it == function_object.end() ? &kEmpty : &*args_it};
    std::optional<Verdict> preset;
    ToolCall call = to_tool_call(wire_call, ctx, preset);
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
    std::string name = string_or_empty(custom_object, "name");
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
      std::string id = entry.is_object() ? string_or_empty(entry, "id") : std::string();
      if (entry.is_object() && entry.contains("function") && entry["function"].is_object()) {
        if (judge_one(entry["function"], id)) kept.push_back(std::move(entry));
      } else if (entry.is_object() && entry.contains("custom") && entry["custom"].is_object()) {
        if (judge_custom(entry["custom"], id)) kept.push_back(std::move(entry));
      } else {
        // A call of a shape this build does not know could still run on the client: fail closed.
        Json unknown = Json{{"name", entry.is_object() ? string_or_empty(entry, "type") : std::string()}};
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

// ---- streams --------------------------------------------------------------------------------

// One call fragment as received, and the event it arrived in when that event held nothing else
// (empty otherwise): a passing call that keeps its index sends that event again byte for byte.
struct HeldFragment {
  Json fragment;
  std::string event;
};

struct HeldCall {
  int wire_index = 0;
  bool legacy = false;  // a `function_call` delta rather than a `tool_calls` entry
  std::string id, name, arguments;  // a custom call's input text is held in `arguments`
  std::string type;                 // "function", "custom", or what the upstream said
  std::vector<HeldFragment> fragments;  // replayed when the call passes
  size_t bytes = 0;
  bool oversized = false;
};

struct ChoiceState {
  std::optional<HeldCall> held;
  int next_out_index = 0;  // calls are renumbered densely, so a removed call leaves no hole
  int calls = 0;
  int removed = 0;
  bool content_seen = false;
};

class ChatStreamFilter final : public SseStreamFilter {
 public:
  explicit ChatStreamFilter(JudgeContext ctx)
      : SseStreamFilter(ctx.limits.max_sse_event_bytes), ctx_(std::move(ctx)) {}

  size_t judge_load(std::string_view next_bytes) const override {
    bool holding = false;
    size_t held = 0;
    for (const auto& [index, state] : choices_) {
      if (!state.held) continue;
      holding = true;
      held += state.held->name.size() + state.held->arguments.size();
    }
    auto [event_so_far, line_so_far] = pending_parts();
    // A key may be split between the bytes already framed and the next ones.
    if (!holding && !could_name_a_call({event_so_far, line_so_far, next_bytes})) return 0;
    // What the judge will read is the arguments, not the text deltas around them in the same read.
    return std::max<size_t>(1, held + argument_text_bytes({event_so_far, line_so_far, next_bytes}));
  }

  void finish(const std::string& error, std::string& out) override {
    if (failed_ || (done_ && !error.empty())) return;
    if (error.empty()) {
      if (!handle_rest(out)) return;
      if (!done_) release_all(out);
      return;
    }
    fail({502, "upstream_stream_failed", error}, out);
  }

 private:
  bool handle(SseEvent& event, std::string& out) override {
    if (!event.has_data) {
      out += event.raw;  // comments and keep-alive pings
      return true;
    }
    if (event.data == "[DONE]") {
      release_all(out);
      done_ = true;
      out += event.raw;
      return true;
    }
    if (cannot_touch_calls(event.data)) {
      if (!valid_utf8(event.data))
        return fail({502, "upstream_malformed_json", "the upstream sent a stream event that is not valid UTF-8"}, out);
      size_t content = event.data.find("\"content\":\"");
      if (content != std::string::npos && event.data.compare(content + 11, 1, "\"") != 0) note_content_unparsed();
      out += event.raw;  // the common text delta: forwarded without a JSON parse
      return true;
    }
    auto parsed = parse_limited(event.data, ctx_.limits);
    if (!parsed) {
      return fail({502, "upstream_malformed_json", "the upstream sent a stream event that is not valid JSON"}, out);
    }
    Json& chunk = *parsed;
    auto choices_it = chunk.is_object() ? chunk.find("choices") : chunk.end();
    if (choices_it == chunk.end() || !choices_it->is_array() || choices_it->empty()) {
      out += event.raw;  // usage chunks, error objects
      return true;
    }
    remember_envelope(chunk);
    if (!touches_calls(*choices_it)) {
      note_content(*choices_it);
      out += event.raw;
      return true;
    }
    const std::string* whole_event = only_one_fragment(*choices_it) ? &event.raw : nullptr;
    for (auto& choice : *choices_it) {
      if (!choice.is_object()) continue;
      if (!handle_choice(choice, out, whole_event)) return false;
    }
    return true;
  }

  // An event whose single choice carries one call fragment and nothing else (no text, no finish).
  static bool only_one_fragment(const Json& choices) {
    if (choices.size() != 1 || !choices[0].is_object()) return false;
    const Json& choice = choices[0];
    for (auto it = choice.begin(); it != choice.end(); ++it) {
      if (it.key() == "index" || it.key() == "delta") continue;
      if ((it.key() == "finish_reason" || it.key() == "logprobs") && it->is_null()) continue;
      return false;
    }
    auto delta = choice.find("delta");
    if (delta == choice.end() || !delta->is_object() || delta->size() != 1) return false;
    auto calls = delta->find("tool_calls");
    if (calls != delta->end()) return calls->is_array() && calls->size() == 1 && (*calls)[0].is_object();
    auto legacy = delta->find("function_call");
    return legacy != delta->end() && legacy->is_object();
  }

  // An event can only carry a call (or end a choice whose calls changed) if it spells one of these
  // keys; JSON can spell a key differently only with \u escapes, so events with those are parsed too.
  bool cannot_touch_calls(const std::string& data) const {
    for (const auto& [index, state] : choices_)
      if (state.held || state.removed > 0) return false;
    return data.find("tool_calls") == std::string::npos && data.find("function_call") == std::string::npos &&
           data.find("\\u") == std::string::npos;
  }

  // Without a parse the choice is unknown; the flag only decides whether an explanation starts on
  // a new paragraph, so marking every known choice is good enough.
  void note_content_unparsed() {
    if (choices_.empty() && choices_.size() < kMaxChoices) choices_[0].content_seen = true;
    for (auto& [index, state] : choices_) state.content_seen = true;
  }

  void remember_envelope(const Json& chunk) {
    envelope_ = Json::object();
    for (auto it = chunk.begin(); it != chunk.end(); ++it)
      if (it.key() != "choices" && it.key() != "usage") envelope_[it.key()] = it.value();
    if (ctx_.exchange.model.empty()) ctx_.exchange.model = string_or_empty(chunk, "model");
  }

  // Whether a chunk carries call fragments, or ends a choice whose calls the proxy changed.
  bool touches_calls(const Json& choices) {
    for (const auto& choice : choices) {
      if (!choice.is_object()) continue;
      auto delta = choice.find("delta");
      if (delta != choice.end() && delta->is_object() &&
          (delta->contains("tool_calls") || delta->contains("function_call")))
        return true;
      auto finish = choice.find("finish_reason");
      if (finish != choice.end() && !finish->is_null()) {
        auto state = choices_.find(integer_or(choice, "index", 0));
        if (state != choices_.end() && (state->second.held || state->second.removed > 0)) return true;
      }
    }
    return false;
  }

  void note_content(const Json& choices) {
    for (const auto& choice : choices) {
      if (!choice.is_object()) continue;
      auto delta = choice.find("delta");
      if (delta == choice.end() || !delta->is_object()) continue;
      auto content = delta->find("content");
      if (content != delta->end() && content->is_string() && !content->get_ref<const std::string&>().empty()) {
        int index = integer_or(choice, "index", 0);
        auto state = choices_.find(index);
        if (state != choices_.end()) state->second.content_seen = true;
        else if (choices_.size() < kMaxChoices) choices_[index].content_seen = true;
      }
    }
  }

  ChoiceState* state_for(int index, std::string& out) {
    auto it = choices_.find(index);
    if (it != choices_.end()) return &it->second;
    if (choices_.size() >= kMaxChoices) {
      fail({502, "limit_exceeded", "the upstream stream has more than " + std::to_string(kMaxChoices) + " choices"},
           out);
      return nullptr;
    }
    return &choices_[index];
  }

  bool handle_choice(Json& choice, std::string& out, const std::string* whole_event) {
    int index = integer_or(choice, "index", 0);
    ChoiceState* state = state_for(index, out);
    if (!state) return false;
    Json rest = Json::object();
    auto delta_it = choice.find("delta");
    if (delta_it != choice.end() && delta_it->is_object()) {
      for (auto it = delta_it->begin(); it != delta_it->end(); ++it) {
        if (it.key() == "tool_calls") {
          if (!it->is_array()) continue;
          for (auto& fragment : *it)
            if (fragment.is_object() && !take_fragment(index, *state, fragment, false, whole_event, out)) return false;
        } else if (it.key() == "function_call") {
          if (it->is_object() && !take_fragment(index, *state, *it, true, whole_event, out)) return false;
        } else {
          rest[it.key()] = it.value();
        }
      }
    }
    auto content = rest.find("content");
    if (content != rest.end() && content->is_string() && !content->get_ref<const std::string&>().empty())
      state->content_seen = true;
    Json finish = choice.contains("finish_reason") ? choice["finish_reason"] : Json();
    if (!finish.is_null()) {
      if (state->held) release(index, *state, out);
      if (is_tool_finish(finish) && state->calls > 0 && state->calls == state->removed) finish = "stop";
    }
    if (rest.empty() && finish.is_null()) return true;
    Json copy = choice;
    copy["delta"] = std::move(rest);
    copy["finish_reason"] = std::move(finish);
    emit_choice(std::move(copy), out);
    return true;
  }

  bool take_fragment(int choice_index, ChoiceState& state, Json& fragment, bool legacy, const std::string* whole_event,
                     std::string& out) {
    int wire_index = legacy ? -1 : integer_or(fragment, "index", state.held ? state.held->wire_index : 0);
    std::string id = legacy ? std::string() : string_or_empty(fragment, "id");
    if (state.held) {
      const HeldCall& held = *state.held;
      bool same = held.legacy == legacy && held.wire_index == wire_index &&
                  (id.empty() || held.id.empty() || id == held.id);
      if (!same) release(choice_index, state, out);
    }
    if (!state.held) {
      state.held.emplace();
      state.held->wire_index = wire_index;
      state.held->legacy = legacy;
      ++state.calls;
    }
    HeldCall& held = *state.held;
    if (held.id.empty()) held.id = id;
    Json* function = legacy ? &fragment : nullptr;
    if (!legacy) {
      std::string type = string_or_empty(fragment, "type");
      if (!type.empty() && held.type.empty()) held.type = type;
      auto fn = fragment.find("function");
      if (fn != fragment.end() && fn->is_object()) function = &*fn;
      auto custom = fragment.find("custom");
      if (!function && custom != fragment.end() && custom->is_object()) {
        if (held.type.empty()) held.type = "custom";
        function = &*custom;
      }
    }
    size_t added = 0;
    if (function) {
      std::string name = string_or_empty(*function, "name");
      if (!name.empty()) held.name += name;
      auto args = function->find(held.type == "custom" ? "input" : "arguments");
      if (args != function->end() && args->is_string()) {
        const auto& piece = args->get_ref<const std::string&>();
        added = piece.size();
        if (!held.oversized) held.arguments += piece;
      }
    }
    if (held.arguments.size() > ctx_.limits.max_tool_argument_bytes && !held.oversized) {
      held.oversized = true;
      held_bytes_ -= held.bytes;
      held.bytes = 0;
      held.arguments.clear();
      held.fragments.clear();
      if (ctx_.counters) ++ctx_.counters->limit_exceeded;
    }
    if (held.oversized) return true;
    added += 64 + (whole_event ? whole_event->size() : 0);
    held.bytes += added;
    held_bytes_ += added;
    held.fragments.push_back({std::move(fragment), whole_event ? *whole_event : std::string()});
    if (held_bytes_ > ctx_.limits.max_held_bytes) {
      return fail({502, "limit_exceeded",
                   "tool calls held in the stream exceed " + std::to_string(ctx_.limits.max_held_bytes) + " bytes"},
                  out);
    }
    return true;
  }

  // Judges the held call of a choice and emits what the client may see of it.
  void release(int choice_index, ChoiceState& state, std::string& out) {
    HeldCall held = std::move(*state.held);
    state.held.reset();
    held_bytes_ -= held.bytes;
    std::optional<Verdict> preset;
    std::string id = held.legacy ? std::string("function_call") : held.id;
    ToolCall call;
    if (held.oversized) {
      preset = oversized_call_verdict(ctx_.limits);  // counted in limit_exceeded when its bytes were dropped
      call = bare_call(id, ctx_.exchange.agent, held.name);
      call.arguments_valid = false;
      call.arguments_error = preset->error;
    } else if (held.type == "custom") {
      Json input = held.arguments;
      call = custom_call(id, held.name, &input, ctx_, preset);
    } else if (!held.legacy && !held.type.empty() && held.type != "function") {
      call = custom_call(id, held.name.empty() ? held.type : held.name, nullptr, ctx_, preset);  // unknown shape: fail closed
    } else {
      call = ToolCall::from_wire(id, ctx_.exchange.agent, held.name, held.arguments);
    }
    int out_index = state.next_out_index;
    auto emit_rewritten = [&](const nlohmann::json& arguments, std::string& sent) {
      Json entry{{"index", out_index}};
      if (!held.id.empty()) entry["id"] = held.id;
      if (held.type == "custom") {
        auto input = arguments.find("input");
        if (input == arguments.end() || !input->is_string()) return false;  // no input text to send
        sent = input->get<std::string>();
        entry["type"] = "custom";
        entry["custom"] = Json{{"name", held.name}, {"input", sent}};
        emit_call_delta(choice_index, std::move(entry), false, out);
        return true;
      }
      sent = dump_compact(arguments);
      Json function{{"name", held.name}, {"arguments", sent}};
      if (held.legacy) {
        emit_call_delta(choice_index, std::move(function), true, out);
        return true;
      }
      entry["type"] = "function";
      entry["function"] = std::move(function);
      emit_call_delta(choice_index, std::move(entry), false, out);
      return true;
    };
    SettledCall settled = settle_call(std::move(call), preset, ctx_, emit_rewritten, choice_index);
    if (settled.settlement == Settlement::pass) {
      for (auto& [fragment, event] : held.fragments) {
        bool same_index = held.legacy || integer_or(fragment, "index", -1) == out_index;
        if (same_index && !event.empty()) {
          out += event;
          continue;
        }
        if (!held.legacy) fragment["index"] = out_index;
        emit_call_delta(choice_index, std::move(fragment), held.legacy, out);
      }
    }
    if (settled.settlement != Settlement::replace) {
      ++state.next_out_index;
      return;
    }
    ++state.removed;
    emit_explanation(choice_index, state, settled.explanation, out);
  }

  // An explanation of a call the client does not get, as a content delta of its choice.
  void emit_explanation(int choice_index, ChoiceState& state, const std::string& text, std::string& out) {
    Json delta{{"content", (state.content_seen ? "\n\n" : "") + text}};
    state.content_seen = true;
    emit_choice(Json{{"index", choice_index}, {"delta", std::move(delta)}, {"finish_reason", nullptr}}, out);
  }

  void release_all(std::string& out) {
    for (auto& [index, state] : choices_)
      if (state.held) release(index, state, out);
  }

  void emit_call_delta(int choice_index, Json entry, bool legacy, std::string& out) {
    Json delta = Json::object();
    if (legacy) delta["function_call"] = std::move(entry);
    else delta["tool_calls"] = Json::array({std::move(entry)});
    emit_choice(Json{{"index", choice_index}, {"delta", std::move(delta)}, {"finish_reason", nullptr}}, out);
  }

  void emit_choice(Json choice, std::string& out) {
    Json chunk = envelope_;
    chunk["choices"] = Json::array({std::move(choice)});
    out += "data: ";
    out += dump(chunk);
    out += "\n\n";
  }

  // Ends the stream with an error event; held calls are never released unjudged, so they are dropped.
  bool fail(const WireError& error, std::string& out) override {
    if (failed_) return false;
    failed_ = true;
    if (ctx_.counters) ++ctx_.counters->streams_failed;
    for (auto& [index, state] : choices_) {
      if (!state.held) continue;
      HeldCall held = std::move(*state.held);
      state.held.reset();
      ToolCall call = bare_call(held.legacy ? std::string("function_call") : held.id, ctx_.exchange.agent, held.name);
      call.raw_arguments = std::move(held.arguments);
      call.arguments_valid = false;
      call.arguments_error = "incomplete";
      auto never_rewritten = [](const nlohmann::json&, std::string&) { return false; };
      SettledCall settled = settle_call(std::move(call), incomplete_call_verdict(error.message), ctx_, never_rewritten, index);
      emit_explanation(index, state, settled.explanation, out);
    }
    held_bytes_ = 0;
    out += chat_error_event(error);
    return false;
  }

  JudgeContext ctx_;
  std::map<int, ChoiceState> choices_;
  Json envelope_ = Json::object();
  size_t held_bytes_ = 0;
  bool done_ = false;
};

Json error_object(const WireError& error) {
  return Json{{"error", {{"message", error.message}, {"type", "toolwall_error"}, {"code", error.code}}}};
}

// The fast path for an ordinary body: its calls read without a tree and judged; true when every one
// passes, so the body leaves unchanged (the calls are reported here). False sends the body down the
// full path, which judges again (a verdict cache makes that cheap) and changes what it must.
bool passes_unchanged(std::string_view body, const JudgeContext& ctx) {
  auto scanned = scan_chat_body(body, ctx.limits.max_json_depth);
  if (!scanned) return false;
  std::vector<std::pair<ToolCall, Verdict>> judged;
  judged.reserve(scanned->calls.size());
  for (auto& wire_call : scanned->calls) {
    if (wire_call.arguments.size() > ctx.limits.max_tool_argument_bytes) return false;
    ToolCall call = ToolCall::from_wire(std::move(wire_call.id), ctx.exchange.agent, std::move(wire_call.name),
                                        wire_call.arguments);
    if (!call.arguments_valid) return false;  // decided by the fail mode, on the full path
    Verdict verdict = judge_call(call, std::nullopt, ctx);
    if (!passes(verdict)) return false;
    judged.emplace_back(std::move(call), std::move(verdict));
  }
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = std::move(scanned->model);
  for (size_t i = 0; i < judged.size(); ++i)
    report_call(std::move(judged[i].first), judged[i].second, {}, scanned->calls[i].choice, local);
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
  if (passes_unchanged(body, ctx)) return std::optional<std::string>();
  auto parsed = parse_limited(body, ctx.limits);
  if (!parsed || !parsed->is_object()) {
    if (ctx.counters) ++ctx.counters->upstream_malformed;
    return unexpected(WireError{502, "upstream_malformed_json",
                                "the upstream's chat completion is not valid JSON (or nests too deeply), so its "
                                "tool calls cannot be checked"});
  }
  Json& response = *parsed;
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = string_or_empty(response, "model");
  auto choices = response.find("choices");
  if (choices == response.end() || !choices->is_array()) return std::optional<std::string>();
  bool changed = false;
  int position = 0;
  try {
    for (auto& choice : *choices) {
      if (choice.is_object() && filter_message(choice, integer_or(choice, "index", position), local)) changed = true;
      ++position;
    }
  } catch (const std::exception& e) {
    return unexpected(WireError{502, "toolwall_internal_error",
                                std::string("could not apply verdicts to the response: ") + e.what()});
  }
  if (!changed) return std::optional<std::string>();
  return std::optional<std::string>(dump(response));
}

bool ChatCompletionsDialect::body_may_judge(std::string_view body) const { return could_name_a_call(body); }

std::unique_ptr<StreamFilter> ChatCompletionsDialect::filter_stream(JudgeContext ctx) const {
  return std::make_unique<ChatStreamFilter>(std::move(ctx));
}

std::string ChatCompletionsDialect::error_body(const WireError& error) const { return dump(error_object(error)); }

std::string chat_error_event(const WireError& error) { return "data: " + dump(error_object(error)) + "\n\n"; }

}  // namespace toolwall::wire
