#pragma once
// Server-sent events framing (WHATWG HTML §9.2), as a pure state machine: bytes in, events out.
// No I/O here, so the framer can be unit-tested and fuzzed with any split of the input.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::wire {

struct SseEvent {
  std::string raw;    // the event's exact bytes, blank-line terminator included (for pass-through)
  std::string event;  // the `event:` field, empty when absent
  std::string data;   // `data:` lines joined by '\n'
  bool has_data = false;  // at least one `data:` line (an event of comments only has none)
};

class SseFramer {
 public:
  // max_event_bytes caps one event's raw size, including bytes still waiting for a line end.
  explicit SseFramer(size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

  // Appends the events that `bytes` completes to `out`; false once an event outgrew the cap.
  bool feed(std::string_view bytes, std::vector<SseEvent>& out);
  // The partial event at end of input, if it holds data (the spec drops it; servers forget the blank line).
  bool finish(std::vector<SseEvent>& out);
  // Bytes received but not yet part of a complete event.
  size_t pending_bytes() const { return event_.raw.size() + line_.size(); }
  // Those bytes themselves, in order, as two pieces (no copy).
  std::array<std::string_view, 2> pending_parts() const { return {event_.raw, line_}; }
  bool failed() const { return failed_; }

 private:
  void take_line(std::string_view line);  // one line without its terminator
  void dispatch(std::vector<SseEvent>& out);

  size_t max_event_bytes_;
  SseEvent event_;
  std::string line_;          // the current line so far, without terminator
  bool after_cr_ = false;     // the last byte was '\r': a following '\n' belongs to the same line end
  bool failed_ = false;
};

}  // namespace toolwall::wire
