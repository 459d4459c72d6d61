#include "wire/sse.h"

namespace toolwall::wire {

bool SseFramer::feed(std::string_view bytes, std::vector<SseEvent>& out) {
  if (failed_) return false;
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes[pos] == '\n') {
        event_.raw += '\n';
        ++pos;
        continue;
      }
    }
    // A plain scan: find_first_of calls memchr on the two-byte set once per byte of the stream.
    size_t end = pos;
    while (end < bytes.size() && bytes[end] != '\n' && bytes[end] != '\r') ++end;
    if (end == bytes.size()) {
      line_.append(bytes.substr(pos));
      break;
    }
    line_.append(bytes.substr(pos, end - pos));
    event_.raw += line_;
    event_.raw += bytes[end];
    after_cr_ = bytes[end] == '\r';
    pos = end + 1;
    if (line_.empty()) {
      // Keep a "\r\n" blank line whole in this event when both bytes are at hand.
      if (after_cr_ && pos < bytes.size() && bytes[pos] == '\n') {
        event_.raw += '\n';
        after_cr_ = false;
        ++pos;
      }
      if (event_.raw.size() > max_event_bytes_) break;  // over the cap: fail below, never dispatch it
      dispatch(out);
    } else {
      take_line(line_);
      line_.clear();
    }
    if (event_.raw.size() > max_event_bytes_) break;
  }
  if (pending_bytes() > max_event_bytes_) failed_ = true;
  return !failed_;
}

bool SseFramer::finish(std::vector<SseEvent>& out) {
  if (failed_) return false;
  bool in_line = !line_.empty();
  if (in_line) {
    event_.raw += line_;
    take_line(line_);
    line_.clear();
  }
  if (!event_.has_data) return true;
  // The event was cut short: its raw bytes get the line ends it lacks, so that whatever the proxy
  // writes after it is not read as part of it.
  if (in_line) event_.raw += "\n\n";
  else event_.raw += event_.raw.back() == '\r' ? '\r' : '\n';
  dispatch(out);
  return true;
}

void SseFramer::take_line(std::string_view line) {
  if (line.front() == ':') return;  // a comment, e.g. a keep-alive ": ping"
  size_t colon = line.find(':');
  std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (event_.has_data) event_.data += '\n';
    event_.data.append(value);
    event_.has_data = true;
  } else if (field == "event") {
    event_.event = std::string(value);
  }
  // id and retry need no interpretation: they pass through in `raw`.
}

void SseFramer::dispatch(std::vector<SseEvent>& out) {
  out.push_back(std::move(event_));
  event_ = SseEvent{};
}

}  // namespace toolwall::wire
