#include <catch2/catch.hpp>

#include "wire/sse.h"

using toolwall::wire::SseEvent;
using toolwall::wire::SseFramer;

namespace {

std::vector<SseEvent> frame_whole(std::string_view text, size_t cap = 1 << 20) {
  SseFramer framer(cap);
  std::vector<SseEvent> events;
  REQUIRE(framer.feed(text, events));
  framer.finish(events);
  return events;
}

std::string joined_raw(const std::vector<SseEvent>& events) {
  std::string out;
  for (const auto& e : events) out += e.raw;
  return out;
}

}  // namespace

TEST_CASE("data lines become events at each blank line") {
  auto events = frame_whole("data: {\"a\":1}\n\ndata: [DONE]\n\n");
  REQUIRE(events.size() == 2);
  CHECK(events[0].data == "{\"a\":1}");
  CHECK(events[0].raw == "data: {\"a\":1}\n\n");
  CHECK(events[1].data == "[DONE]");
}

TEST_CASE("crlf and lone cr line ends frame the same events") {
  for (std::string_view text : {"data: x\r\n\r\ndata: y\r\n\r\n", "data: x\r\rdata: y\r\r", "data: x\n\ndata: y\n\n"}) {
    auto events = frame_whole(text);
    REQUIRE(events.size() == 2);
    CHECK(events[0].data == "x");
    CHECK(events[1].data == "y");
    CHECK(joined_raw(events) == text);
  }
}

TEST_CASE("multi-line data fields join with newlines") {
  auto events = frame_whole("data: {\"a\":\ndata:  1}\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].data == "{\"a\":\n 1}");
}

TEST_CASE("comment lines alone make an event without data") {
  auto events = frame_whole(": ping\n\ndata: x\n: inline comment\n\n");
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[0].has_data);
  CHECK(events[0].raw == ": ping\n\n");
  CHECK(events[1].data == "x");
}

TEST_CASE("event and id fields are kept raw and the event name is read") {
  auto events = frame_whole("event: error\nid: 7\ndata: boom\n\n");
  REQUIRE(events.size() == 1);
  CHECK(events[0].event == "error");
  CHECK(events[0].data == "boom");
  CHECK(events[0].raw == "event: error\nid: 7\ndata: boom\n\n");
}

TEST_CASE("any split of the input frames the same events") {
  std::string text = ": ping\r\n\r\ndata: {\"x\":\"a\\nb\"}\r\ndata: 2\r\n\r\ndata: 3\n\ndata: 4\r\rdata: [DONE]\n\n";
  auto whole = frame_whole(text);
  for (size_t a = 0; a <= text.size(); ++a) {
    for (size_t b = a; b <= text.size(); b += 3) {
      SseFramer framer(1 << 20);
      std::vector<SseEvent> events;
      REQUIRE(framer.feed(std::string_view(text).substr(0, a), events));
      REQUIRE(framer.feed(std::string_view(text).substr(a, b - a), events));
      REQUIRE(framer.feed(std::string_view(text).substr(b), events));
      framer.finish(events);
      REQUIRE(events.size() == whole.size());
      for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].data == whole[i].data);
      CHECK(joined_raw(events) == text);
    }
  }
}

TEST_CASE("an event larger than the cap fails the framer, even without a line end") {
  SseFramer framer(32);
  std::vector<SseEvent> events;
  CHECK_FALSE(framer.feed("data: " + std::string(100, 'x'), events));
  CHECK(framer.failed());
  CHECK(events.empty());
  CHECK_FALSE(framer.feed("\n\n", events));

  SseFramer lines(32);
  CHECK_FALSE(lines.feed("data: 1234567890\ndata: 1234567890\ndata: 1234567890\n", events));
}

TEST_CASE("events under the cap pass one after another without accumulating") {
  SseFramer framer(32);
  std::vector<SseEvent> events;
  for (int i = 0; i < 1000; ++i) REQUIRE(framer.feed("data: 0123456789\n\n", events));
  CHECK(events.size() == 1000);
  CHECK(framer.pending_bytes() == 0);
}

TEST_CASE("a last event without its blank line is delivered at the end") {
  SseFramer framer(1024);
  std::vector<SseEvent> events;
  REQUIRE(framer.feed("data: a\n\ndata: tail", events));
  CHECK(events.size() == 1);
  framer.finish(events);
  REQUIRE(events.size() == 2);
  CHECK(events[1].data == "tail");
  CHECK(events[1].raw == "data: tail\n\n");  // completed, so that what follows is a new event
}

TEST_CASE("a last event cut after its line end is completed with one more line end of the same kind") {
  for (auto [input, raw] : std::vector<std::pair<std::string, std::string>>{
           {"data: a\n", "data: a\n\n"}, {"data: a\r\n", "data: a\r\n\n"}, {"data: a\r", "data: a\r\r"}}) {
    SseFramer framer(1024);
    std::vector<SseEvent> events;
    REQUIRE(framer.feed(input, events));
    CHECK(events.empty());
    framer.finish(events);
    REQUIRE(events.size() == 1);
    CHECK(events[0].raw == raw);
    // The completed bytes frame as one whole event.
    SseFramer again(1024);
    std::vector<SseEvent> reframed;
    REQUIRE(again.feed(raw, reframed));
    REQUIRE(reframed.size() == 1);
    CHECK(reframed[0].data == "a");
  }
}
