#include <algorithm>
#include <exception>
#include <map>
#include <vector>

#include "wire/arguments_json.h"
#include "wire/chat_completions.h"
#include "wire/chat_shared.h"
#include "wire/chat_stream_scan.h"
#include "wire/sse_stream_filter.h"

namespace toolwall::wire {

namespace {

using namespace chat;

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

// One call fragment as received, and the event it arrived in when that event held nothing else
// (empty otherwise): a passing call that keeps its index sends that event again byte for byte. A
// fragment read without a tree keeps only its event, read again only when the fragment must be
// rebuilt (a renumbered call).
struct HeldFragment {
  std::optional<Json> fragment;
  std::string event;
  int index = -1;  // the fragment's own "index", -1 when it has none
};

// What take_fragment reads of a fragment that was parsed into a tree.
CallFragment read_fragment(const Json& fragment, bool legacy) {
  CallFragment call;
  const Json* body = nullptr;
  if (legacy) {
    body = &fragment;
    call.body = CallFragment::Body::function;
  } else {
    auto index = fragment.find("index");
    if (index != fragment.end() && index->is_number_integer()) call.index = index->get<int>();
    call.id = string_member(fragment, "id");
    call.type = string_member(fragment, "type");
    auto function = fragment.find("function");
    auto custom = fragment.find("custom");
    if (function != fragment.end() && function->is_object()) {
      body = &*function;
      call.body = CallFragment::Body::function;
    } else if (custom != fragment.end() && custom->is_object()) {
      body = &*custom;
      call.body = CallFragment::Body::custom;
    }
  }
  if (!body) return call;
  call.name = string_member(*body, "name");
  auto text_of = [body](const char* key) -> std::optional<std::string> {
    auto it = body->find(key);
    if (it == body->end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  call.arguments = text_of("arguments");
  call.input = text_of("input");
  return call;
}

// The fragment a one-fragment event holds (the scanner checked its shape).
Json fragment_in(const std::string& event, bool legacy, const WireLimits& limits) {
  SseFramer framer(event.size() + 1);
  std::vector<SseEvent> events;
  framer.feed(event, events);
  auto chunk = events.size() == 1 ? parse_bounded(events[0].data, limits) : std::nullopt;
  if (!chunk) return Json::object();
  Json& delta = (*chunk)["choices"][0]["delta"];
  return legacy ? std::move(delta["function_call"]) : std::move(delta["tool_calls"][0]);
}

// A chunk's fields other than its choices and usage: what events the proxy writes itself carry.
Json envelope_of(const Json& chunk) {
  Json envelope = Json::object();
  for (auto it = chunk.begin(); it != chunk.end(); ++it)
    if (it.key() != "choices" && it.key() != "usage") envelope[it.key()] = it.value();
  return envelope;
}

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

  // Whether the proxy holds a call of this choice or removed one: its later events may need changing.
  bool touched() const { return held || removed > 0; }
  // Whether every call of the choice was removed: its tool finish must say "stop".
  bool all_calls_removed() const { return calls > 0 && calls == removed; }
};

const WireError kMalformedEvent{502, "upstream_malformed_json", "the upstream sent a stream event that is not valid JSON"};

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
    if (ctx_.limits.scan_usual_stream_events) {
      if (auto scanned = scan_chat_stream_event(event.data, ctx_.limits.max_json_depth))
        return handle_scanned(*scanned, event, out);
    }
    auto parsed = parse_bounded(event.data, ctx_.limits);
    if (!parsed) {
      return fail(kMalformedEvent, out);
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

  // An event of the usual shapes, read without a tree (wire/chat_stream_scan): the same steps as
  // handle's parsed path, except that an event the proxy would rebuild unchanged goes out as it came.
  bool handle_scanned(ScannedStreamEvent& scanned, SseEvent& event, std::string& out) {
    remember_envelope_text(event.data, scanned.model);
    if (scanned.fragment) {
      ChoiceState* state = state_for(scanned.choice, out);
      if (!state) return false;
      int index = scanned.call.index.value_or(-1);
      return take_fragment(scanned.choice, *state, scanned.call, scanned.legacy,
                           HeldFragment{std::nullopt, std::move(event.raw), index}, out);
    }
    auto it = choices_.find(scanned.choice);
    bool ends_changed_choice = scanned.finish_reason && it != choices_.end() && it->second.touched();
    if (!ends_changed_choice) {
      if (scanned.content) note_content(scanned.choice);
      out += event.raw;
      return true;
    }
    ChoiceState& state = it->second;
    if (scanned.content) state.content_seen = true;
    if (state.held) release(scanned.choice, state, out);
    if (!(is_tool_finish_text(*scanned.finish_reason) && state.all_calls_removed())) {
      out += event.raw;
      return true;
    }
    // Every call of the choice was removed: the client must not wait for tool results.
    auto chunk = parse_bounded(event.data, ctx_.limits);
    if (!chunk) return fail(kMalformedEvent, out);
    Json choice = std::move((*chunk)["choices"][0]);
    choice["finish_reason"] = "stop";
    emit_choice(std::move(choice), out);
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
      if (state.touched()) return false;
    return !could_name_a_call(data);
  }

  // Without a parse the choice is unknown; the flag only decides whether an explanation starts on
  // a new paragraph, so marking every known choice is good enough.
  void note_content_unparsed() {
    if (choices_.empty() && choices_.size() < kMaxChoices) choices_[0].content_seen = true;
    for (auto& [index, state] : choices_) state.content_seen = true;
  }

  void remember_envelope(const Json& chunk) {
    envelope_ = envelope_of(chunk);
    envelope_text_.clear();
    if (ctx_.exchange.model.empty()) ctx_.exchange.model = string_member(chunk, "model");
  }

  // The envelope of a chunk read without a tree: its text is kept (the buffer is reused), and parsed
  // only when the proxy writes an event of its own.
  void remember_envelope_text(const std::string& data, std::string& model) {
    envelope_text_.assign(data);
    if (ctx_.exchange.model.empty()) ctx_.exchange.model = std::move(model);
  }

  const Json& envelope() {
    if (!envelope_text_.empty()) {
      auto chunk = parse_bounded(envelope_text_, ctx_.limits);
      envelope_ = chunk ? envelope_of(*chunk) : Json::object();
      envelope_text_.clear();
    }
    return envelope_;
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
        if (state != choices_.end() && state->second.touched()) return true;
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
      if (content != delta->end() && content->is_string() && !content->get_ref<const std::string&>().empty())
        note_content(integer_or(choice, "index", 0));
    }
  }

  void note_content(int index) {
    auto state = choices_.find(index);
    if (state != choices_.end()) state->second.content_seen = true;
    else if (choices_.size() < kMaxChoices) choices_[index].content_seen = true;
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
            if (fragment.is_object() && !take_parsed_fragment(index, *state, fragment, false, whole_event, out))
              return false;
        } else if (it.key() == "function_call") {
          if (it->is_object() && !take_parsed_fragment(index, *state, *it, true, whole_event, out)) return false;
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
      if (is_tool_finish(finish) && state->all_calls_removed()) finish = "stop";
    }
    if (rest.empty() && finish.is_null()) return true;
    Json copy = choice;
    copy["delta"] = std::move(rest);
    copy["finish_reason"] = std::move(finish);
    emit_choice(std::move(copy), out);
    return true;
  }

  bool take_parsed_fragment(int choice_index, ChoiceState& state, Json& fragment, bool legacy,
                            const std::string* whole_event, std::string& out) {
    CallFragment call = read_fragment(fragment, legacy);
    int index = call.index.value_or(-1);
    return take_fragment(choice_index, state, call, legacy,
                         HeldFragment{std::move(fragment), whole_event ? *whole_event : std::string(), index}, out);
  }

  bool take_fragment(int choice_index, ChoiceState& state, const CallFragment& fragment, bool legacy, HeldFragment kept,
                     std::string& out) {
    int wire_index = legacy ? -1 : fragment.index.value_or(state.held ? state.held->wire_index : 0);
    const std::string& id = fragment.id;  // never read for a legacy function_call
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
    if (!fragment.type.empty() && held.type.empty()) held.type = fragment.type;
    if (fragment.body == CallFragment::Body::custom && held.type.empty()) held.type = "custom";
    size_t added = 0;
    if (fragment.body != CallFragment::Body::none) {
      held.name += fragment.name;
      const std::optional<std::string>& piece = held.type == "custom" ? fragment.input : fragment.arguments;
      if (piece) {
        added = piece->size();
        if (!held.oversized) held.arguments += *piece;
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
    added += 64 + kept.event.size();
    held.bytes += added;
    held_bytes_ += added;
    held.fragments.push_back(std::move(kept));
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
      call = tool_call_from_wire(id, ctx_.exchange.agent, held.name, held.arguments);
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
      for (auto& kept : held.fragments) {
        bool same_index = held.legacy || kept.index == out_index;
        if (same_index && !kept.event.empty()) {
          out += kept.event;
          continue;
        }
        Json fragment = kept.fragment ? std::move(*kept.fragment) : fragment_in(kept.event, held.legacy, ctx_.limits);
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
    Json chunk = envelope();
    chunk["choices"] = Json::array({std::move(choice)});
    out += "data: ";
    out += dump_compact(chunk);
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
  std::string envelope_text_;  // the newest envelope, not yet parsed into envelope_ ("" when it was)
  size_t held_bytes_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<StreamFilter> make_chat_stream_filter(JudgeContext ctx) {
  return std::make_unique<ChatStreamFilter>(std::move(ctx));
}

std::string chat_error_event(const WireError& error) { return "data: " + dump_compact(error_object(error)) + "\n\n"; }

}  // namespace toolwall::wire
