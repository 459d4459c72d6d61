// SSE framer: any bytes in any split give the same events as the whole input at once.
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
  return a.raw == b.raw && a.event == b.event && a.data == b.data && a.has_data == b.has_data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  toolwall::fuzz::Input in(data, size);
  size_t step = 1 + in.byte() % 17;
  size_t cap = in.byte() % 2 ? 64 : 1u << 20;
  auto bytes = in.rest();
  auto whole = frame(bytes, bytes.size() + 1, cap);
  auto split = frame(bytes, step, cap);
  if (whole.ok != split.ok) toolwall::fuzz::fail("split changed whether the cap was hit");
  if (!whole.ok) return 0;
  if (whole.events.size() != split.events.size()) toolwall::fuzz::fail("split changed the event count");
  size_t raw_total = 0;
  for (size_t i = 0; i < whole.events.size(); ++i) {
    if (!same(whole.events[i], split.events[i])) toolwall::fuzz::fail("split changed an event");
    if (whole.events[i].raw.size() > cap) toolwall::fuzz::fail("an event outgrew the cap");
    raw_total += whole.events[i].raw.size();
  }
  if (raw_total > bytes.size()) toolwall::fuzz::fail("events hold more bytes than came in");
  return 0;
}
