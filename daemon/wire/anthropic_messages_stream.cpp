// The Messages SSE stream filter: events are queued in upstream order; a tool_use block's events are
// held behind one place in that queue until content_block_stop, then judged and emitted. Block
// indexes are renumbered densely in the order blocks reach the client.
#include <deque>
#include <exception>
#include <map>
#include <vector>

#include "wire/anthropic_blocks.h"
#include "wire/anthropic_messages.h"
#include "wire/call_outcome.h"
#include "wire/sse.h"

namespace toolwall::wire {

namespace {

constexpr size_t kMaxBlocks = 4096;

struct Event {
  OrderedJson body;
  bool json = false;  // false: passed as raw bytes
  std::string raw;
  std::string type;
  int block_key = -1;
};

struct Block {
  bool is_tool = false;
  int client_index = -1;
  // tool_use blocks only:
  bool ready = false;
  bool resolved = false;
  bool oversized = false;
  bool started = false;  // content_block_start was seen
  bool stopped = false;  // content_block_stop was seen
  std::optional<std::string> cut_short;
  OrderedJson start;       // the content_block of content_block_start
  std::string input_json;  // the joined partial_json fragments
  std::vector<Event> held;
  size_t held_bytes = 0;
};

struct Slot {
  Event event;
  int tool_key = -1;
};

class AnthropicStreamFilter final : public StreamFilter {
 public:
  explicit AnthropicStreamFilter(JudgeContext ctx)
      : ctx_(std::move(ctx)), framer_(ctx_.limits.max_sse_event_bytes) {}

  bool feed(std::string_view bytes, std::string& out) override {
    if (failed_) return false;
    events_.clear();
    bool framed = framer_.feed(bytes, events_);
    for (auto& event : events_)
      if (!handle_guarded(event, out)) return false;
    if (!framed) {
      return fail({502, "sse_event_too_large",
                   "an event of the upstream stream exceeds " +
                       std::to_string(ctx_.limits.max_sse_event_bytes) + " bytes"},
                  out);
    }
    return true;
  }

  void finish(const std::string& error, std::string& out) override {
    if (failed_) return;
    if (error.empty()) {
      events_.clear();
      framer_.finish(events_);
      for (auto& event : events_)
        if (!handle_guarded(event, out)) return;
      if (has_unresolved_tools()) {
        fail({502, "upstream_stream_truncated", "the upstream stream ended before a tool use was complete"},
             out);
        return;
      }
      flush(out);
      return;
    }
    if (stopped_ && !has_unresolved_tools()) return;  // message_stop was sent; the close came late
    fail({502, "upstream_stream_failed", error}, out);
  }

 private:
  bool handle_guarded(SseEvent& event, std::string& out) {
    try {
      return handle(event, out);
    } catch (const std::exception& e) {
      return fail(
          {502, "toolwall_internal_error", std::string("could not process a stream event: ") + e.what()},
          out);
    }
  }

  bool handle(SseEvent& sse, std::string& out) {
    if (!sse.has_data) {
      out += sse.raw;  // comments carry no state
      return true;
    }
    Event event;
    event.raw = std::move(sse.raw);
    auto parsed = parse_bounded(sse.data, ctx_.limits);
    if (!parsed) {
      if (ctx_.counters) ++ctx_.counters->upstream_malformed;
      return fail({502, "upstream_malformed_json", "the upstream sent a stream event that is not valid JSON"},
                  out);
    }
    if (!parsed->is_object()) return enqueue(std::move(event), out);
    event.json = true;
    event.body = std::move(*parsed);
    event.type = string_member(event.body, "type");
    if (event.type.empty()) event.type = sse.event;
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
      end_open_tools(std::nullopt);  // the message is over: judge what arrived
      if (type == "message_stop") stopped_ = true;
      return enqueue(std::move(event), out);
    }
    if (type == "error") {
      end_open_tools(std::string("the upstream reported an error"));
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

  void end_open_tools(const std::optional<std::string>& why) {
    for (auto& [key, block] : blocks_) {
      if (!block.is_tool || block.ready) continue;
      block.ready = true;
      block.cut_short = why;
    }
  }

  bool route_block_event(Event event, int upstream_index, std::string& out) {
    bool start = event.type == "content_block_start";
    auto known = key_by_index_.find(upstream_index);
    if (known != key_by_index_.end() && start) {
      Block& previous = blocks_[known->second];
      if (previous.is_tool && !previous.ready) {
        previous.ready = true;
        previous.cut_short = "the upstream started another block at its index";
      }
      key_by_index_.erase(known);
      known = key_by_index_.end();
    }
    if (known == key_by_index_.end()) {
      const OrderedJson* content_block = nullptr;
      auto it = event.body.find("content_block");
      if (it != event.body.end() && it->is_object()) content_block = &*it;
      bool tool = content_block && anthropic::is_tool_use(*content_block);
      if (!start && is_input_delta(event.body)) {
        // Input for a block that never started: no client can attach it to a call, and it is unjudged.
        if (ctx_.counters) ++ctx_.counters->upstream_malformed;
        return true;
      }
      if (blocks_.size() >= kMaxBlocks) {
        return fail({502, "limit_exceeded",
                     "the upstream message has more than " + std::to_string(kMaxBlocks) + " blocks"},
                    out);
      }
      int key = next_key_++;
      Block& block = blocks_[key];
      block.is_tool = tool;
      if (tool) {
        block.start = *content_block;
        queue_.push_back(Slot{Event{}, key});
      }
      key_by_index_[upstream_index] = key;
      known = key_by_index_.find(upstream_index);
    }
    event.block_key = known->second;
    return take_block_event(std::move(event), out);
  }

  static bool is_input_delta(const OrderedJson& body) {
    auto delta = body.find("delta");
    return delta != body.end() && delta->is_object() && string_member(*delta, "type") == "input_json_delta";
  }

  bool take_block_event(Event event, std::string& out) {
    Block& block = blocks_[event.block_key];
    if (!block.is_tool) {
      if (is_input_delta(event.body)) {
        // Tool input addressed to a text or thinking block: no client runs it, and it was never judged.
        if (ctx_.counters) ++ctx_.counters->upstream_malformed;
        return true;
      }
      return enqueue(std::move(event), out);
    }
    if (block.ready || block.resolved) return true;  // after its stop, a tool use takes nothing more
    if (event.type == "content_block_start") block.started = true;
    if (event.type == "content_block_stop") {
      block.stopped = true;
      block.ready = true;
    }
    if (event.type == "content_block_delta" && is_input_delta(event.body) && !block.oversized)
      block.input_json += string_member(event.body["delta"], "partial_json");
    if (!block.oversized && block.input_json.size() > ctx_.limits.max_tool_argument_bytes) {
      block.oversized = true;
      if (ctx_.counters) ++ctx_.counters->limit_exceeded;
      held_bytes_ -= block.held_bytes;
      block.held_bytes = 0;
      block.held.clear();
      block.input_json.clear();
    }
    if (!block.oversized) {
      block.held_bytes += event.raw.size();
      held_bytes_ += event.raw.size();
      block.held.push_back(std::move(event));
      if (held_bytes_ > ctx_.limits.max_held_bytes) {
        if (ctx_.counters) ++ctx_.counters->limit_exceeded;
        return fail(
            {502, "limit_exceeded",
             "tool uses held in the stream exceed " + std::to_string(ctx_.limits.max_held_bytes) + " bytes"},
            out);
      }
    }
    flush(out);
    return true;
  }

  bool enqueue(Event event, std::string& out) {
    queued_bytes_ += event.raw.size();
    queue_.push_back(Slot{std::move(event), -1});
    flush(out);
    // What waits behind a held call counts against the same cap as the call itself.
    if (held_bytes_ + queued_bytes_ > ctx_.limits.max_held_bytes) {
      if (ctx_.counters) ++ctx_.counters->limit_exceeded;
      return fail(
          {502, "limit_exceeded",
           "events held behind a tool call exceed " + std::to_string(ctx_.limits.max_held_bytes) + " bytes"},
          out);
    }
    return true;
  }

  bool has_unresolved_tools() const {
    for (const auto& [key, block] : blocks_)
      if (block.is_tool && !block.resolved) return true;
    return false;
  }

  void flush(std::string& out) {
    while (!queue_.empty()) {
      Slot& slot = queue_.front();
      if (slot.tool_key >= 0) {
        Block& block = blocks_[slot.tool_key];
        if (!block.ready) return;
        resolve(block, out);
      } else {
        emit(slot.event, out);
        queued_bytes_ -= slot.event.raw.size();
      }
      queue_.pop_front();
    }
  }

  void resolve(Block& block, std::string& out) {
    std::optional<Verdict> preset;
    if (block.cut_short) {
      preset = incomplete_call_verdict(*block.cut_short);
    } else if (block.oversized) {
      preset = wire_block("tool-call arguments exceed " +
                          std::to_string(ctx_.limits.max_tool_argument_bytes) + " bytes");
    }
    anthropic::SettledBlock settled = anthropic::settle_tool_use(block.start, block.input_json, ctx_, preset);
    block.client_index = next_client_index_++;
    if (settled.settlement == Settlement::replace) {
      ++tool_uses_replaced_;
      emit_text_block(block.client_index, settled.explanation, out);
    } else {
      ++tool_uses_sent_;
      if (settled.settlement == Settlement::pass && block.started && block.stopped) {
        for (auto& event : block.held) emit(event, out);
      } else {
        emit_tool_use(block.client_index, settled.block, settled.input_json, out);
      }
    }
    block.resolved = true;
    held_bytes_ -= block.held_bytes;
    block.held_bytes = 0;
    block.held = {};
    block.input_json = {};
  }

  void emit(Event& event, std::string& out) {
    if (!event.json) {
      out += event.raw;
      return;
    }
    OrderedJson& body = event.body;
    bool modified = event.type == "message_start" && start_changed_;
    if (event.block_key >= 0) {
      Block& block = blocks_[event.block_key];
      if (block.client_index < 0) block.client_index = next_client_index_++;
      auto index = body.find("index");
      if (index != body.end() && *index != block.client_index) {
        *index = block.client_index;
        modified = true;
      }
    }
    if (event.type == "message_delta") modified = settle_stop_reason(body) || modified;
    if (modified)
      write(event.type, body, out);
    else
      out += event.raw;
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

  static void write(const std::string& type, const OrderedJson& body, std::string& out) {
    out += "event: ";
    out += type;
    out += "\ndata: ";
    out += dump_compact(body);
    out += "\n\n";
  }

  void emit_new(const std::string& type, OrderedJson fields, std::string& out) {
    OrderedJson body{{"type", type}};
    for (auto it = fields.begin(); it != fields.end(); ++it) body[it.key()] = std::move(it.value());
    write(type, body, out);
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
  bool fail(const WireError& error, std::string& out) {
    if (failed_) return false;
    failed_ = true;
    if (ctx_.counters) ++ctx_.counters->streams_failed;
    for (auto& [key, block] : blocks_) {
      if (!block.is_tool || block.resolved) continue;
      block.ready = true;
      block.cut_short = error.message;
    }
    try {
      flush(out);
    } catch (const std::exception&) {
      queue_.clear();
      queued_bytes_ = 0;  // what could not be emitted is dropped: never released unjudged
    }
    out += "event: error\ndata: ";
    out += anthropic_error_json(error);
    out += "\n\n";
    return false;
  }

  JudgeContext ctx_;
  SseFramer framer_;
  std::vector<SseEvent> events_;
  std::deque<Slot> queue_;
  std::map<int, Block> blocks_;      // by key, in order of first sight
  std::map<int, int> key_by_index_;  // upstream index → block key
  int next_key_ = 0;
  int next_client_index_ = 0;
  int tool_uses_sent_ = 0;
  int tool_uses_replaced_ = 0;
  bool start_changed_ = false;
  bool stopped_ = false;
  bool failed_ = false;
  size_t held_bytes_ = 0;
  size_t queued_bytes_ = 0;  // events waiting behind a held call
};

}  // namespace

std::unique_ptr<StreamFilter> make_anthropic_stream_filter(JudgeContext ctx) {
  return std::make_unique<AnthropicStreamFilter>(std::move(ctx));
}

}  // namespace toolwall::wire
