#pragma once
// The part every dialect's stream filter shares: SSE framing under the event cap, one handler call per
// event, and an internal error turned into the dialect's own error event instead of an exception.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "wire/dialect.h"
#include "wire/sse.h"

namespace toolwall::wire {

class SseStreamFilter : public StreamFilter {
 public:
  bool feed(std::string_view bytes, std::string& out) final;

 protected:
  explicit SseStreamFilter(size_t max_event_bytes) : max_event_bytes_(max_event_bytes), framer_(max_event_bytes) {}
  // Handles the partial event left when the upstream body ended cleanly; false when the stream failed.
  bool handle_rest(std::string& out);
  // Bytes the framer holds that are not a complete event yet, in order, as two pieces.
  std::array<std::string_view, 2> pending_parts() const { return framer_.pending_parts(); }
  size_t pending_bytes() const { return framer_.pending_bytes(); }

  // One framed event; false ends the stream (fail() was called).
  virtual bool handle(SseEvent& event, std::string& out) = 0;
  // Ends the stream with the dialect's error event, once; always false.
  virtual bool fail(const WireError& error, std::string& out) = 0;

  bool failed_ = false;  // set by fail()

 private:
  bool handle_all(std::string& out);

  size_t max_event_bytes_;
  SseFramer framer_;
  std::vector<SseEvent> events_;
};

}  // namespace toolwall::wire
