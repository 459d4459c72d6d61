// The Responses SSE stream filter: every event is queued in upstream order; a call item's events are
// held together behind one place in that queue until the item is complete and judged, so nothing
// after a held call overtakes it. Events are renumbered as they leave: output_index densely in the
// order items reach the client, sequence_number gap-free. The queue, holding and output_index
// renumbering are HeldEvents (held_events.h); this file knows the Responses events.
#include <map>
#include <vector>

#include "wire/held_events.h"
#include "wire/responses.h"
#include "wire/responses_items.h"
#include "wire/sse_stream_filter.h"

namespace toolwall::wire {

namespace {

constexpr size_t kMaxItems = 4096;

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool is_terminal(std::string_view type) {
  return type == "response.completed" || type == "response.incomplete" || type == "response.failed";
}

bool is_call_event(std::string_view type) {
  return starts_with(type, "response.function_call_arguments.") ||
         starts_with(type, "response.custom_tool_call_input.");
}

// What a call item carries besides its held events.
struct CallInput {
  std::string type;                 // the item's type, from its events when the item itself was not seen
  OrderedJson added;                // the item of output_item.added
  std::optional<OrderedJson> done;  // the item of output_item.done: what clients run
  std::string streamed;             // arguments (or input) as the deltas spelled them
  std::optional<std::string> streamed_done;
};

class ResponsesStreamFilter final : public SseStreamFilter, private HeldEvents::Dialect {
 public:
  explicit ResponsesStreamFilter(JudgeContext ctx)
      : SseStreamFilter(ctx.limits.max_sse_event_bytes),
        ctx_(std::move(ctx)),
        held_(*this, ctx_, {"output_index", "item", "response", "tool call"}, kMaxItems) {}

  // Judged in place when small: whatever is held for calls plus the bytes arriving bounds the work.
  size_t judge_load(std::string_view next_bytes) const override {
    return held_.judge_load(pending_bytes() + next_bytes.size());
  }

  void finish(const std::string& error, std::string& out) override {
    if (failed_ || (error.empty() && !handle_rest(out))) return;
    if (auto failure = held_.end_of_stream(error, terminal_seen_, out)) fail(*failure, out);
  }

 private:
  bool handle(SseEvent& sse, std::string& out) override {
    if (!sse.has_data) {
      out += sse.raw;  // comments and keep-alives carry no state: they may overtake held calls
      return true;
    }
    if (sse.data == "[DONE]") {  // from compatible servers: not JSON, passed as it is
      StreamEvent done;
      done.raw = std::move(sse.raw);
      return enqueue(std::move(done), out);
    }
    auto read = read_stream_event(sse, ctx_);
    if (!read) return fail(read.error(), out);
    StreamEvent& event = *read;
    if (!event.json) return enqueue(std::move(event), out);
    decide_numbering(event.body);
    note_response(event);

    auto index_it = event.body.find("output_index");
    if (index_it != event.body.end() && index_it->is_number_integer())
      return route_item_event(std::move(event), index_it->get<int>(), out);
    // Without an output_index, an event is placed by its item id; one that carries a call is never
    // treated as a response-level event, so it cannot pass unjudged.
    std::string item_id = string_member(event.body, "item_id");
    auto item_it = event.body.find("item");
    if (item_id.empty() && item_it != event.body.end()) item_id = string_member(*item_it, "id");
    if (auto by_id = key_by_item_id_.find(item_id); !item_id.empty() && by_id != key_by_item_id_.end())
      return route_item_event(std::move(event), held_.part(by_id->second).upstream_index, out);
    bool carries_call =
        is_call_event(event.type) ||
        (item_it != event.body.end() && responses::is_call_item_type(string_member(*item_it, "type")));
    if (carries_call) return route_item_event(std::move(event), next_unindexed_--, out);
    return enqueue(std::move(event), out);
  }

  void decide_numbering(const OrderedJson& body) {
    if (numbering_decided_) return;
    numbering_decided_ = true;
    auto seq = body.find("sequence_number");
    numbered_ = seq != body.end() && seq->is_number_integer();
    if (numbered_) next_sequence_ = seq->get<int64_t>();
  }

  // Response-level events: the envelope for a failure we must report, and the end of open calls.
  void note_response(const StreamEvent& event) {
    auto response = event.body.find("response");
    if (response != event.body.end() && response->is_object()) {
      envelope_ = *response;
      envelope_.erase("output");
      if (ctx_.exchange.model.empty()) ctx_.exchange.model = string_member(*response, "model");
    }
    if (is_terminal(event.type)) {
      terminal_seen_ = true;
      std::string status = event.type.substr(std::string_view("response.").size());
      // A completed response completes its calls; a failed or cut one leaves them unfinished.
      held_.end_open_calls(event.type == "response.completed"
                         ? std::nullopt
                         : std::optional<std::string>("the response " + status));
    } else if (event.type == "error") {
      held_.end_open_calls(std::string("the upstream reported an error"));
    }
  }

  bool route_item_event(StreamEvent event, int upstream_index, std::string& out) {
    const OrderedJson* item_json = nullptr;
    auto item_it = event.body.find("item");
    if (item_it != event.body.end() && item_it->is_object()) item_json = &*item_it;
    bool added = event.type == "response.output_item.added";

    int key = held_.key_at(upstream_index);
    // A call item arriving at the index of a non-call item is a new call, never part of the old item.
    bool call_item = item_json && responses::is_call_item_type(string_member(*item_json, "type"));
    bool at_non_call = key >= 0 && !held_.part(key).is_call;
    if (at_non_call && is_call_event(event.type)) {
      // Call arguments addressed to a message or other item belong to no call a client could run, and
      // were never judged: they are dropped.
      if (ctx_.counters) ++ctx_.counters->upstream_malformed;
      return true;
    }
    if (added || (at_non_call && call_item)) {
      held_.end_part_at(upstream_index);  // the upstream reuses an index: whatever was there is over
      key = -1;
    }
    if (key < 0) {
      std::string item_type = item_json ? string_member(*item_json, "type") : std::string();
      bool is_call = responses::is_call_item_type(item_type) || is_call_event(event.type);
      auto opened = held_.open_part(upstream_index, is_call);
      if (!opened) return fail(opened.error(), out);
      key = *opened;
      if (is_call) {
        CallInput& call = calls_[key];
        call.type = !item_type.empty()                                            ? item_type
                    : starts_with(event.type, "response.custom_tool_call_input.") ? "custom_tool_call"
                                                                                  : "function_call";
        if (added && item_json) call.added = *item_json;
      }
      std::string id = item_json ? string_member(*item_json, "id") : std::string();
      if (!id.empty()) key_by_item_id_[id] = key;
    }
    event.part_key = key;
    return take_item_event(std::move(event), out);
  }

  bool take_item_event(StreamEvent event, std::string& out) {
    HeldPart& item = held_.part(event.part_key);
    if (!item.is_call) return enqueue(std::move(event), out);
    // After a call is complete the client has, or will get, all of it: later events are dropped.
    if (item.ready || item.resolved) return true;
    CallInput& call = calls_[event.part_key];
    const OrderedJson& body = event.body;
    const std::string& type = event.type;
    if (type == "response.function_call_arguments.delta" || type == "response.custom_tool_call_input.delta") {
      if (!item.oversized) call.streamed += string_member(body, "delta");
    } else if (type == "response.function_call_arguments.done") {
      call.streamed_done = string_member(body, "arguments");
    } else if (type == "response.custom_tool_call_input.done") {
      call.streamed_done = string_member(body, "input");
    } else if (type == "response.output_item.done") {
      auto done = body.find("item");
      if (done != body.end() && done->is_object()) call.done = *done;
      item.ready = true;
    }
    size_t limit = ctx_.limits.max_tool_argument_bytes;
    if (!item.oversized &&
        (call.streamed.size() > limit || (call.streamed_done && call.streamed_done->size() > limit))) {
      held_.mark_oversized(item);
      call.streamed.clear();
      call.streamed_done.reset();
    }
    if (item.oversized) {
      if (call.done) {
        call.done->erase("arguments");
        call.done->erase("input");
      }
    } else if (auto error = held_.hold(std::move(event))) {
      return fail(*error, out);
    }
    held_.flush(out);
    return true;
  }

  bool enqueue(StreamEvent event, std::string& out) {
    if (auto error = held_.pass(std::move(event), out)) return fail(*error, out);
    return true;
  }

  // ---- judging a held call ----------------------------------------------------------------------

  const char* text_field(const CallInput& item) const {
    return item.type == "custom_tool_call" ? "input" : "arguments";
  }

  // The call as the client would run it: the done item, else the item rebuilt from what streamed.
  OrderedJson final_item(const CallInput& item) const {
    if (item.done) return *item.done;
    OrderedJson rebuilt = item.added.is_object() ? item.added : OrderedJson{{"type", item.type}};
    if (item.type != "local_shell_call")
      rebuilt[text_field(item)] = item.streamed_done ? *item.streamed_done : item.streamed;
    return rebuilt;
  }

  // Whether what the client accumulates (the added item, then the deltas) spells the same call as
  // the done item it runs; if not, the client is sent one clean copy of the judged item instead.
  bool streamed_matches(const CallInput& item, const OrderedJson& final) const {
    OrderedJson opening = item.added;
    OrderedJson closing = final;
    opening.erase("status");
    closing.erase("status");
    if (item.type != "local_shell_call") {
      const char* field = text_field(item);
      std::string text = string_member(final, field);
      if (item.streamed_done && *item.streamed_done != text) return false;
      if (!item.streamed.empty() && item.streamed != text) return false;
      if (string_member(opening, field).empty()) {
        opening.erase(field);
        closing.erase(field);
      }
    }
    return opening == closing;
  }

  // HeldEvents::Dialect: judges a ready call and emits it, one clean copy of it, or a message instead.
  void release(int key, HeldPart& item, std::string& out) override {
    CallInput& call = calls_[key];
    OrderedJson final = final_item(call);
    responses::SettledItem settled = responses::settle_item(final, ctx_, held_.preset_verdict(item));
    held_.number(key);
    if (settled.settlement == Settlement::pass && call.done && !call.added.is_null() &&
        streamed_matches(call, final)) {
      for (auto& event : item.held) held_.emit(event, out);
    } else if (settled.settlement == Settlement::replace) {
      changed_ = true;
      emit_message(item.client_index, string_member(settled.item, "id"), settled.explanation, out);
    } else {
      changed_ = true;  // rewritten, or passed but streamed inconsistently: the client gets one clean copy
      emit_call(item.client_index, settled.item, out);
    }
    call.streamed = {};
    call.streamed_done.reset();
    call.added = nullptr;
    call.done.reset();
  }

  // ---- emitting -----------------------------------------------------------------------------------

  // HeldEvents::Dialect: records what the client was sent, numbers the sequence, judges the output.
  bool adjust(StreamEvent& event) override {
    OrderedJson& body = event.body;
    bool modified = false;
    if (event.part_key >= 0) {
      auto item_json = body.find("item");
      if (event.type == "response.output_item.done" && item_json != body.end() && item_json->is_object())
        record_sent(held_.part(event.part_key).client_index, *item_json);
    }
    auto seq = body.find("sequence_number");
    if (numbered_ && seq != body.end()) {
      if (*seq != next_sequence_) {
        *seq = next_sequence_;
        modified = true;
      }
      ++next_sequence_;
    }
    if (is_terminal(event.type))
      modified = finalize_output(body) || modified;
    else
      modified = judge_early_output(body) || modified;
    return modified;
  }

  void emit_new(const std::string& type, OrderedJson fields, std::string& out) {
    OrderedJson body{{"type", type}};
    for (auto it = fields.begin(); it != fields.end(); ++it) body[it.key()] = std::move(it.value());
    if (numbered_) body["sequence_number"] = next_sequence_++;
    HeldEvents::write(type, body, out);
  }

  void record_sent(int client_index, const OrderedJson& item) {
    if (client_index < 0) return;
    if (sent_.size() <= static_cast<size_t>(client_index)) sent_.resize(client_index + 1);
    sent_[client_index] = item;
  }

  // A call item as one clean sequence: added, its whole arguments in one delta, done, item done.
  void emit_call(int index, const OrderedJson& item, std::string& out) {
    std::string type = string_member(item, "type");
    std::string id = string_member(item, "id");
    OrderedJson opening = item;
    opening["status"] = "in_progress";
    if (type == "function_call") opening["arguments"] = "";
    if (type == "custom_tool_call") opening["input"] = "";
    emit_new("response.output_item.added", OrderedJson{{"output_index", index}, {"item", opening}}, out);
    if (type == "function_call" || type == "custom_tool_call") {
      bool function = type == "function_call";
      std::string text = string_member(item, function ? "arguments" : "input");
      std::string prefix =
          function ? "response.function_call_arguments." : "response.custom_tool_call_input.";
      emit_new(prefix + "delta", OrderedJson{{"item_id", id}, {"output_index", index}, {"delta", text}}, out);
      emit_new(
          prefix + "done",
          OrderedJson{{"item_id", id}, {"output_index", index}, {function ? "arguments" : "input", text}},
          out);
    }
    emit_new("response.output_item.done", OrderedJson{{"output_index", index}, {"item", item}}, out);
    record_sent(index, item);
  }

  // An assistant message in place of a call: the six events a streamed message item consists of.
  void emit_message(int index, const std::string& id, const std::string& text, std::string& out) {
    auto part = [](const std::string& part_text) {
      return OrderedJson{{"type", "output_text"}, {"annotations", OrderedJson::array()}, {"text", part_text}};
    };
    auto at = [&](OrderedJson fields) {
      OrderedJson located{{"item_id", id}, {"output_index", index}, {"content_index", 0}};
      for (auto it = fields.begin(); it != fields.end(); ++it) located[it.key()] = std::move(it.value());
      return located;
    };
    emit_new("response.output_item.added",
             OrderedJson{{"output_index", index}, {"item", responses::message_item(id, "", false)}}, out);
    emit_new("response.content_part.added", at(OrderedJson{{"part", part("")}}), out);
    emit_new("response.output_text.delta",
             at(OrderedJson{{"delta", text}, {"logprobs", OrderedJson::array()}}), out);
    emit_new("response.output_text.done", at(OrderedJson{{"text", text}, {"logprobs", OrderedJson::array()}}),
             out);
    emit_new("response.content_part.done", at(OrderedJson{{"part", part(text)}}), out);
    OrderedJson item = responses::message_item(id, text, true);
    emit_new("response.output_item.done", OrderedJson{{"output_index", index}, {"item", item}}, out);
    record_sent(index, item);
  }

  // The final `output` of a terminal event, as the client was sent it; call items the stream never
  // showed are judged here, so a client that reads only the final response is covered too.
  bool finalize_output(OrderedJson& body) {
    auto response = body.find("response");
    if (response == body.end() || !response->is_object()) return false;
    auto output = response->find("output");
    if (output == response->end() || !output->is_array()) {
      if (!changed_) return false;
      (*response)["output"] = sent_list();
      return true;
    }
    OrderedJson final = OrderedJson::array();
    if (changed_) {
      // Every item the client was sent, in its order: calls as judged, other items in their final form.
      for (int key : held_.client_order()) {
        const HeldPart& item = held_.part(key);
        size_t position = static_cast<size_t>(item.upstream_index);
        bool listed = position < output->size() && (*output)[position].is_object();
        if (!item.is_call && listed)
          final.push_back(judged_entry((*output)[position]));
        else if (was_sent(item))
          final.push_back(sent_[item.client_index]);
      }
    }
    int position = 0;
    for (const auto& entry : *output) {
      int key = held_.key_at(position++);
      if (key < 0) {
        final.push_back(judged_entry(entry));
      } else if (!changed_) {
        const HeldPart& item = held_.part(key);
        if (!item.is_call)
          final.push_back(judged_entry(entry));
        else if (was_sent(item))
          final.push_back(sent_[item.client_index]);  // never the upstream's copy
      }
    }
    if (final == *output) return false;
    *output = std::move(final);
    return true;
  }

  // response.created and in_progress normally list no output; call items there are judged anyway.
  bool judge_early_output(OrderedJson& body) {
    auto response = body.find("response");
    if (response == body.end() || !response->is_object()) return false;
    auto output = response->find("output");
    if (output == response->end() || !output->is_array()) return false;
    bool changed = false;
    for (auto& entry : *output) {
      OrderedJson judged = judged_entry(entry);
      if (judged == entry) continue;
      entry = std::move(judged);
      changed = true;
    }
    return changed;
  }

  // An upstream entry of the final output that the stream did not show as a call: a call item there
  // is judged now, so a client reading only the final response never gets one unjudged.
  OrderedJson judged_entry(const OrderedJson& entry) {
    if (!entry.is_object() || !responses::is_call_item_type(string_member(entry, "type"))) return entry;
    return responses::settle_item(entry, ctx_).item;
  }

  bool was_sent(const HeldPart& item) const {
    return item.client_index >= 0 && static_cast<size_t>(item.client_index) < sent_.size() &&
           !sent_[item.client_index].is_null();
  }

  OrderedJson sent_list() const {
    OrderedJson list = OrderedJson::array();
    for (const auto& item : sent_)
      if (!item.is_null()) list.push_back(item);
    return list;
  }

  // Ends the stream in the dialect's own error shape; held calls are replaced, never released.
  bool fail(const WireError& error, std::string& out) override {
    if (failed_) return false;
    failed_ = true;
    if (ctx_.counters) ++ctx_.counters->streams_failed;
    held_.cut_all_and_flush(error.message, out);
    // The Responses error event, plus the `error` object that makes OpenAI's SDKs raise instead of
    // returning a half-built response as if it were final.
    emit_new("error",
             OrderedJson{
                 {"code", error.code},
                 {"message", error.message},
                 {"param", nullptr},
                 {"error", {{"type", "toolwall_error"}, {"code", error.code}, {"message", error.message}}}},
             out);
    if (!terminal_seen_) {
      OrderedJson response = envelope_.is_object() ? envelope_ : OrderedJson{{"object", "response"}};
      response["status"] = "failed";
      response["error"] = OrderedJson{{"code", "server_error"}, {"message", error.message}};
      response["output"] = sent_list();
      emit_new("response.failed", OrderedJson{{"response", std::move(response)}}, out);
    }
    return false;
  }

  JudgeContext ctx_;
  HeldEvents held_;
  std::map<int, CallInput> calls_;             // by part key
  std::map<std::string, int> key_by_item_id_;  // item id → part key, for events without output_index
  std::vector<OrderedJson> sent_;              // by client output_index: each item as the client got it
  OrderedJson envelope_;                       // the last response object seen, without its output
  int next_unindexed_ = -1000000;  // stand-in output_index for call events that came without one
  int64_t next_sequence_ = 0;
  bool numbering_decided_ = false;
  bool numbered_ = false;
  bool changed_ = false;
  bool terminal_seen_ = false;
};

}  // namespace

std::unique_ptr<StreamFilter> make_responses_stream_filter(JudgeContext ctx) {
  return std::make_unique<ResponsesStreamFilter>(std::move(ctx));
}

}  // namespace toolwall::wire
