// SSE framer: any bytes in any split give the same events as the whole input at once (the same
// fields; the raw bytes may differ only in where the '\n' of a "\r\n" split across reads lands),
// no dispatched event is larger than the cap, and the events hold the input's bytes plus at most the
// line ends a last, cut-short event is completed with.
#include <vector>

#include "fuzz_common.h"
#include "wire/sse.h"

using toolwall::wire::SseEvent;
using toolwall::wire::SseFramer;

namespace {

struct Framed {
  std::vector<SseEvent> events;
  bool ok = true;
};

Framed frame(std::string_view bytes, size_t step, size_t cap) {
  SseFramer framer(cap);
  Framed framed;
  for (size_t at = 0; at < bytes.size() && framed.ok; at += step)
    framed.ok = framer.feed(bytes.substr(at, step), framed.events);
  if (framed.ok) framer.finish(framed.events);
  return framed;
}

bool same(const SseEvent& a, const SseEvent& b) {
  return a.event == b.event && a.data == b.data && a.has_data == b.has_data;
}

std::string joined_raw(const std::vector<SseEvent>& events) {
  std::string all;
  for (const auto& event : events) all += event.raw;
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  toolwall::fuzz::Input in(data, size);
  size_t step = 1 + in.byte() % 17;
  size_t cap = in.byte() % 2 ? 64 : 1u << 20;
  auto bytes = in.rest();
  auto whole = frame(bytes, bytes.size() + 1, cap);
  auto split = frame(bytes, step, cap);
  if (whole.ok != split.ok) {
    // A "\r\n" split across reads moves one byte into the next event, so the cap may bite one byte apart.
    bool within_a_byte = whole.ok ? frame(bytes, step, cap + 1).ok : frame(bytes, bytes.size() + 1, cap + 1).ok;
    if (!within_a_byte) toolwall::fuzz::fail("split changed whether the cap was hit");
    return 0;
  }
  if (!whole.ok) return 0;
  if (whole.events.size() != split.events.size()) toolwall::fuzz::fail("split changed the event count");
  size_t raw_total = 0;
  for (size_t i = 0; i < whole.events.size(); ++i) {
    if (!same(whole.events[i], split.events[i])) toolwall::fuzz::fail("split changed an event");
    // The cap bounds what is held; the line ends a cut-short last event is completed with may pass it.
    size_t completion = i + 1 == whole.events.size() ? 2 : 0;
    if (whole.events[i].raw.size() > cap + completion) toolwall::fuzz::fail("an event outgrew the cap");
    raw_total += whole.events[i].raw.size();
  }
  // A last event the input cut short gets the line ends it lacked (at most two bytes), nothing else.
  if (raw_total > bytes.size() + 2) toolwall::fuzz::fail("events hold more bytes than came in");
  // The split framer may hold back the '\n' of a last "\r\n" for the next event: one byte at most.
  auto whole_raw = joined_raw(whole.events), split_raw = joined_raw(split.events);
  if (whole_raw.compare(0, split_raw.size(), split_raw) != 0 || whole_raw.size() > split_raw.size() + 1)
    toolwall::fuzz::fail("split changed the events' bytes");
  return 0;
}
