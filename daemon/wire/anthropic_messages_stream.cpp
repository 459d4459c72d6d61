// The Messages SSE stream filter: events are queued in upstream order; a tool_use block's events are
// held behind one place in that queue until content_block_stop, then judged and emitted. Block
// indexes are renumbered densely in the order blocks reach the client. The queue, holding and
// renumbering are HeldEvents (held_events.h); this file knows the Messages events.
#include <map>

#include "wire/anthropic_blocks.h"
#include "wire/anthropic_messages.h"
#include "wire/held_events.h"
#include "wire/sse_stream_filter.h"

namespace toolwall::wire {

namespace {

constexpr size_t kMaxBlocks = 4096;

// What a tool_use block carries besides its held events.
struct ToolUseInput {
  bool started = false;  // content_block_start was seen
  bool stopped = false;  // content_block_stop was seen
  OrderedJson start;       // the content_block of content_block_start
  std::string input_json;  // the joined partial_json fragments
};

class AnthropicStreamFilter final : public SseStreamFilter, private HeldEvents::Dialect {
 public:
  explicit AnthropicStreamFilter(JudgeContext ctx)
      : SseStreamFilter(ctx.limits.max_sse_event_bytes),
        ctx_(std::move(ctx)),
        held_(*this, ctx_, {"index", "block", "message", "tool use"}, kMaxBlocks) {}

  // Judged in place when small: whatever is held for calls plus the bytes arriving bounds the work.
  size_t judge_load(std::string_view next_bytes) const override {
    return held_.judge_load(pending_bytes() + next_bytes.size());
  }

  void finish(const std::string& error, std::string& out) override {
    if (failed_ || (error.empty() && !handle_rest(out))) return;
    if (auto failure = held_.end_of_stream(error, stopped_, out)) fail(*failure, out);
  }

 private:
  bool handle(SseEvent& sse, std::string& out) override {
    if (!sse.has_data) {
      out += sse.raw;  // comments carry no state
      return true;
    }
    auto read = read_stream_event(sse, ctx_);
    if (!read) return fail(read.error(), out);
    StreamEvent& event = *read;
    if (!event.json) return enqueue(std::move(event), out);
    const std::string& type = event.type;

    if (type == "ping") {
      out += event.raw;  // keep-alives may overtake a held block: they carry no state
      return true;
    }
    if (type == "message_start") {
      note_message_start(event.body);
      return enqueue(std::move(event), out);
    }
    if (type == "message_delta" || type == "message_stop") {
      held_.end_open_calls(std::nullopt);  // the message is over: judge what arrived
      if (type == "message_stop") stopped_ = true;
      return enqueue(std::move(event), out);
    }
    if (type == "error") {
      held_.end_open_calls(std::string("the upstream reported an error"));
      return enqueue(std::move(event), out);
    }
    auto index_it = event.body.find("index");
    if (starts_with_content_block(type) && index_it != event.body.end() && index_it->is_number_integer())
      return route_block_event(std::move(event), index_it->get<int>(), out);
    return enqueue(std::move(event), out);
  }

  static bool starts_with_content_block(std::string_view type) {
    return type == "content_block_start" || type == "content_block_delta" || type == "content_block_stop";
  }

  // The message's initial content is normally empty; tool uses placed there are judged like any other.
  void note_message_start(OrderedJson& body) {
    auto message = body.find("message");
    if (message == body.end() || !message->is_object()) return;
    if (ctx_.exchange.model.empty()) ctx_.exchange.model = string_member(*message, "model");
    auto content = message->find("content");
    if (content == message->end()) return;
    anthropic::ContentOutcome outcome = anthropic::filter_content(*content, ctx_);
    tool_uses_sent_ += outcome.tool_uses_kept;
    tool_uses_replaced_ += outcome.tool_uses_replaced;
    if (outcome.changed) start_changed_ = true;
  }

  bool route_block_event(StreamEvent event, int upstream_index, std::string& out) {
    if (event.type == "content_block_start") held_.end_part_at(upstream_index);
    int key = held_.key_at(upstream_index);
    if (key < 0) {
      const OrderedJson* content_block = nullptr;
      auto it = event.body.find("content_block");
      if (it != event.body.end() && it->is_object()) content_block = &*it;
      bool tool = content_block && anthropic::is_tool_use(*content_block);
      if (event.type != "content_block_start" && is_input_delta(event.body)) {
        // Input for a block that never started: no client can attach it to a call, and it is unjudged.
        if (ctx_.counters) ++ctx_.counters->upstream_malformed;
        return true;
      }
      auto opened = held_.open_part(upstream_index, tool);
      if (!opened) return fail(opened.error(), out);
      key = *opened;
      if (tool) tool_uses_[key].start = *content_block;
    }
    event.part_key = key;
    return take_block_event(std::move(event), out);
  }

  static bool is_input_delta(const OrderedJson& body) {
    auto delta = body.find("delta");
    return delta != body.end() && delta->is_object() && string_member(*delta, "type") == "input_json_delta";
  }

  bool take_block_event(StreamEvent event, std::string& out) {
    HeldPart& block = held_.part(event.part_key);
    if (!block.is_call) {
      if (is_input_delta(event.body)) {
        // Tool input addressed to a text or thinking block: no client runs it, and it was never judged.
        if (ctx_.counters) ++ctx_.counters->upstream_malformed;
        return true;
      }
      return enqueue(std::move(event), out);
    }
    if (block.ready || block.resolved) return true;  // after its stop, a tool use takes nothing more
    ToolUseInput& input = tool_uses_[event.part_key];
    if (event.type == "content_block_start") input.started = true;
    if (event.type == "content_block_stop") {
      input.stopped = true;
      block.ready = true;
    }
    if (event.type == "content_block_delta" && is_input_delta(event.body) && !block.oversized)
      input.input_json += string_member(event.body["delta"], "partial_json");
    if (!block.oversized && input.input_json.size() > ctx_.limits.max_tool_argument_bytes) {
      held_.mark_oversized(block);
      input.input_json.clear();
    }
    if (!block.oversized) {
      if (auto error = held_.hold(std::move(event))) return fail(*error, out);
    }
    held_.flush(out);
    return true;
  }

  bool enqueue(StreamEvent event, std::string& out) {
    if (auto error = held_.pass(std::move(event), out)) return fail(*error, out);
    return true;
  }

  // HeldEvents::Dialect: judges a ready tool use and emits it, a clean copy of it, or a text block.
  void release(int key, HeldPart& block, std::string& out) override {
    ToolUseInput& input = tool_uses_[key];
    anthropic::SettledBlock settled =
        anthropic::settle_tool_use(input.start, input.input_json, ctx_, held_.preset_verdict(block));
    held_.number(key);
    if (settled.settlement == Settlement::replace) {
      ++tool_uses_replaced_;
      emit_text_block(block.client_index, settled.explanation, out);
    } else {
      ++tool_uses_sent_;
      if (settled.settlement == Settlement::pass && input.started && input.stopped) {
        for (auto& event : block.held) held_.emit(event, out);
      } else {
        emit_tool_use(block.client_index, settled.block, settled.input_json, out);
      }
    }
    input.input_json = {};
  }

  // HeldEvents::Dialect: the message_start whose content was judged, and the stop reason.
  bool adjust(StreamEvent& event) override {
    if (event.type == "message_delta") return settle_stop_reason(event.body);
    return event.type == "message_start" && start_changed_;
  }

  // "tool_use" tells the client to run tools; when every tool use was replaced, the turn has ended.
  bool settle_stop_reason(OrderedJson& body) {
    auto delta = body.find("delta");
    if (delta == body.end() || !delta->is_object()) return false;
    if (string_member(*delta, "stop_reason") != "tool_use") return false;
    if (tool_uses_sent_ > 0 || tool_uses_replaced_ == 0) return false;
    (*delta)["stop_reason"] = "end_turn";
    return true;
  }

  void emit_new(const std::string& type, OrderedJson fields, std::string& out) {
    OrderedJson body{{"type", type}};
    for (auto it = fields.begin(); it != fields.end(); ++it) body[it.key()] = std::move(it.value());
    HeldEvents::write(type, body, out);
  }

  // A tool use as one clean sequence: start with empty input, the whole input in one delta, stop.
  void emit_tool_use(int index, const OrderedJson& block, const std::string& input_json, std::string& out) {
    OrderedJson opening = block;
    opening["input"] = OrderedJson::object();
    emit_new("content_block_start", OrderedJson{{"index", index}, {"content_block", opening}}, out);
    emit_new("content_block_delta",
             OrderedJson{{"index", index},
                         {"delta", {{"type", "input_json_delta"}, {"partial_json", input_json}}}},
             out);
    emit_new("content_block_stop", OrderedJson{{"index", index}}, out);
  }

  void emit_text_block(int index, const std::string& text, std::string& out) {
    emit_new("content_block_start",
             OrderedJson{{"index", index}, {"content_block", anthropic::text_block("")}}, out);
    emit_new("content_block_delta",
             OrderedJson{{"index", index}, {"delta", {{"type", "text_delta"}, {"text", text}}}}, out);
    emit_new("content_block_stop", OrderedJson{{"index", index}}, out);
  }

  // Ends the stream with an Anthropic error event; held tool uses are replaced, never released.
  bool fail(const WireError& error, std::string& out) override {
    if (failed_) return false;
    failed_ = true;
    if (ctx_.counters) ++ctx_.counters->streams_failed;
    held_.cut_all_and_flush(error.message, out);
    out += "event: error\ndata: ";
    out += anthropic_error_json(error);
    out += "\n\n";
    return false;
  }

  JudgeContext ctx_;
  HeldEvents held_;
  std::map<int, ToolUseInput> tool_uses_;  // by part key
  int tool_uses_sent_ = 0;
  int tool_uses_replaced_ = 0;
  bool start_changed_ = false;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<StreamFilter> make_anthropic_stream_filter(JudgeContext ctx) {
  return std::make_unique<AnthropicStreamFilter>(std::move(ctx));
}

}  // namespace toolwall::wire
