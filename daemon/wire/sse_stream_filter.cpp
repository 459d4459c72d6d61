#include "wire/sse_stream_filter.h"

#include <exception>

namespace toolwall::wire {

bool SseStreamFilter::feed(std::string_view bytes, std::string& out) {
  if (failed_) return false;
  events_.clear();
  bool framed = framer_.feed(bytes, events_);
  if (!handle_all(out)) return false;
  if (!framed) {
    return fail({502, "sse_event_too_large",
                 "an event of the upstream stream exceeds " + std::to_string(max_event_bytes_) + " bytes"},
                out);
  }
  return true;
}

bool SseStreamFilter::handle_rest(std::string& out) {
  events_.clear();
  framer_.finish(events_);
  return handle_all(out);
}

bool SseStreamFilter::handle_all(std::string& out) {
  for (auto& event : events_) {
    try {
      if (!handle(event, out)) return false;
    } catch (const std::exception& e) {
      return fail({502, "toolwall_internal_error", std::string("could not process a stream event: ") + e.what()},
                  out);
    }
  }
  return true;
}

}  // namespace toolwall::wire
