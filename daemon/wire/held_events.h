#pragma once
// The hold / release / renumber machinery the Messages and Responses stream filters share. Events
// reach the client in upstream order through one queue; a tool call's events are held behind one
// place in that queue until the call is complete, then the dialect judges it and emits it as-is,
// rewritten or replaced. Parts (blocks, output items) are renumbered densely in the order they
// reach the client, so a replaced or dropped call leaves no gap. Wire format stays in the dialects.
#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/call_outcome.h"
#include "wire/sse.h"

namespace toolwall::wire {

// One parsed SSE event of a dialect stream.
struct StreamEvent {
  OrderedJson body;
  bool json = false;  // false: not a JSON object, passed as raw bytes
  std::string raw;
  std::string type;
  int part_key = -1;  // the part (block, output item) it belongs to; -1 for message-level events
};

// Parses a framed event (its type from the body, else the SSE event name); counts and reports
// malformed or too deeply nested JSON.
Expected<StreamEvent, WireError> read_stream_event(SseEvent& sse, const JudgeContext& ctx);

// One part of the streamed message: a content block or output item, a tool call or not.
struct HeldPart {
  bool is_call = false;
  int upstream_index = -1;
  int client_index = -1;  // -1 until the part reaches the client
  // Calls only:
  bool ready = false;     // complete, or the stream ended around it: may be judged
  bool resolved = false;  // judged and emitted
  bool oversized = false;                // its arguments outgrew the cap: blocked unread
  std::optional<std::string> cut_short;  // why the call can never be complete
  std::vector<StreamEvent> held;
  size_t held_bytes = 0;
};

// How a dialect names things, for index rewriting and error messages.
struct HeldEventsNaming {
  const char* index_field;  // "index", "output_index"
  const char* part;         // "block", "item"
  const char* whole;        // "message", "response"
  const char* call;         // "tool use", "tool call"
};

class HeldEvents {
 public:
  // What only the dialect knows: how to touch up an event, how to settle a call.
  class Dialect {
   public:
    virtual ~Dialect() = default;
    // Adjusts a JSON event on its way out (after renumbering); true when its body changed.
    virtual bool adjust(StreamEvent& event) = 0;
    // Judges a ready call and appends what the client receives instead of (or as) its held events.
    virtual void release(int key, HeldPart& part, std::string& out) = 0;
  };

  // `dialect` and `ctx` must outlive this object; ctx is read for limits and counters.
  HeldEvents(Dialect& dialect, const JudgeContext& ctx, HeldEventsNaming naming, size_t max_parts);

  // The key of the part now at an upstream index, or -1.
  int key_at(int upstream_index) const;
  HeldPart& part(int key) { return parts_[key]; }
  // Forgets the part at an upstream index; an open call there can never complete.
  void end_part_at(int upstream_index);
  // A new part at an upstream index (a call takes its place in the queue); an error past max_parts.
  Expected<int, WireError> open_part(int upstream_index, bool is_call);
  // Part keys in the order the client saw them.
  const std::vector<int>& client_order() const { return client_order_; }

  // Queues a message-level or non-call event; an error when what waits behind a call outgrows the cap.
  std::optional<WireError> pass(StreamEvent event, std::string& out);
  // Holds an event of its call part; an error when held calls outgrow the cap.
  std::optional<WireError> hold(StreamEvent event);
  // The call's arguments outgrew the cap: counts it and drops what was held.
  void mark_oversized(HeldPart& part);
  // Emits from the front of the queue up to the first call that is not ready.
  void flush(std::string& out);
  // Emits a held event of a call the dialect releases unchanged.
  void emit(StreamEvent& event, std::string& out);

  // Calls still open become ready, cut short for `why` (none: the message completed them).
  void end_open_calls(const std::optional<std::string>& why);
  // The stream fails: every unresolved call is cut short and replaced, never released; then flushes.
  void cut_all_and_flush(const std::string& why, std::string& out);
  bool has_unresolved_calls() const;
  // An upper bound of the text a feed of `arriving` bytes may hand the judge: every held call and
  // every arriving byte (a call may complete inside them).
  size_t judge_load(size_t arriving) const { return std::max<size_t>(1, held_bytes_ + arriving); }
  // The upstream body ended (error: why, empty when cleanly) after the message did or not (message_ended):
  // flushes what is complete, or the error the stream must fail with.
  std::optional<WireError> end_of_stream(const std::string& error, bool message_ended, std::string& out);

  // The verdict a wire limit gives a ready call without the judge, if any.
  std::optional<Verdict> preset_verdict(const HeldPart& part) const;
  // Gives a part the next client index.
  void number(int key);
  // "event: <type>" and "data: <body>" as one SSE event.
  static void write(const std::string& type, const OrderedJson& body, std::string& out);

 private:
  struct Slot {  // a place in the output order: an event, or a held call (released when at the front)
    StreamEvent event;
    int call_key = -1;
  };
  std::optional<WireError> over_limit(std::string_view what);

  Dialect& dialect_;
  const JudgeContext& ctx_;
  HeldEventsNaming naming_;
  size_t max_parts_;
  std::deque<Slot> queue_;
  std::map<int, HeldPart> parts_;    // by key, in order of first sight
  std::map<int, int> key_by_index_;  // upstream index → part key
  std::vector<int> client_order_;    // client index → part key
  int next_key_ = 0;
  size_t held_bytes_ = 0;
  size_t queued_bytes_ = 0;  // events waiting behind a held call
};

}  // namespace toolwall::wire
