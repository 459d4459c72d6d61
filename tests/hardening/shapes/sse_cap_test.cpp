// Regression (found by fuzz_sse): an SSE event larger than max_event_bytes was dispatched whole when
// its blank line arrived in the same read, so the cap held only for events split across reads.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "wire/sse.h"

using toolwall::wire::SseEvent;
using toolwall::wire::SseFramer;

TEST_CASE("an SSE event over the cap fails the framer even when it arrives in one read") {
  std::string big = "data: " + std::string(1000, 'x') + "\n\n";
  SseFramer whole(64);
  std::vector<SseEvent> events;
  CHECK_FALSE(whole.feed(big, events));
  CHECK(events.empty());
  CHECK(whole.failed());

  SseFramer split(64);
  events.clear();
  bool ok = true;
  for (size_t at = 0; at < big.size() && ok; at += 7) ok = split.feed(std::string_view(big).substr(at, 7), events);
  CHECK_FALSE(ok);
  CHECK(events.empty());
}

TEST_CASE("SSE events within the cap still pass, in one read or many") {
  std::string small = "event: a\ndata: 1\n\ndata: 2\r\n\r\n";
  SseFramer framer(64);
  std::vector<SseEvent> events;
  CHECK(framer.feed(small, events));
  REQUIRE(events.size() == 2);
  CHECK(events[0].data == "1");
  CHECK(events[1].data == "2");
}
