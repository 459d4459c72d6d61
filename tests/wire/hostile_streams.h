#pragma once
// Mutated streams for the hostile tests: a valid upstream stream broken the way a broken or hostile
// upstream might, fed through a dialect's filter, which must neither crash nor let a blocked call out.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "judges.h"
#include "wire/dialect.h"

namespace toolwall::test {

// The events of an SSE text, each with its blank-line terminator.
inline std::vector<std::string> split_events(const std::string& stream) {
  std::vector<std::string> events;
  size_t at = 0;
  while (at < stream.size()) {
    size_t end = stream.find("\n\n", at);
    end = end == std::string::npos ? stream.size() : end + 2;
    events.push_back(stream.substr(at, end - at));
    at = end;
  }
  return events;
}

// Events dropped, repeated, swapped, re-indexed (the digit after index_key), cut, or a byte changed.
inline std::string mutate(const std::string& stream, std::mt19937& random, std::string_view index_key) {
  auto events = split_events(stream);
  int mutations = 1 + static_cast<int>(random() % 4);
  for (int m = 0; m < mutations && !events.empty(); ++m) {
    size_t i = random() % events.size();
    switch (random() % 6) {
      case 0:
        events.erase(events.begin() + i);
        break;
      case 1:
        events.insert(events.begin() + i, events[i]);
        break;
      case 2:
        if (i + 1 < events.size()) std::swap(events[i], events[i + 1]);
        break;
      case 3: {
        size_t at = events[i].find(index_key);
        if (at != std::string::npos) events[i][at + index_key.size()] = static_cast<char>('0' + random() % 4);
        break;
      }
      case 4:
        events.resize(i + 1);
        events[i] = events[i].substr(0, random() % (events[i].size() + 1));
        break;
      case 5:
        if (!events[i].empty()) events[i][random() % events[i].size()] = static_cast<char>(random() % 256);
        break;
    }
  }
  std::string out;
  for (const auto& e : events) out += e;
  return out;
}

// Every call payload a client could run from what it received.
using RunnablePayloads = std::function<std::vector<std::string>(const std::string& sse)>;

// Feeds mutations of `stream` through the dialect's filter in random splits and requires that no
// runnable payload holds "curl". TOOLWALL_HOSTILE_ROUNDS and TOOLWALL_HOSTILE_SEED widen the search
// in a longer session; HOSTILE_DUMP names a file to keep a failing input and output in.
inline void check_mutations_never_leak(const wire::Dialect& dialect, const std::string& stream,
                                       std::string_view index_key, const RunnablePayloads& runnable_payloads) {
  const char* rounds_text = std::getenv("TOOLWALL_HOSTILE_ROUNDS");
  const char* seed_text = std::getenv("TOOLWALL_HOSTILE_SEED");
  int rounds = rounds_text ? std::atoi(rounds_text) : 600;
  std::mt19937 random(seed_text ? static_cast<unsigned>(std::atol(seed_text)) : 20251125u);
  for (int round = 0; round < rounds; ++round) {
    std::string mutated = mutate(stream, random, index_key);
    wire::JudgeContext ctx;
    ctx.judge = std::make_shared<ScriptedJudge>();
    auto filter = dialect.filter_stream(ctx);
    std::string out;
    size_t step = 1 + random() % 97;
    bool ok = true;
    for (size_t at = 0; at < mutated.size() && ok; at += step)
      ok = filter->feed(std::string_view(mutated).substr(at, step), out);
    if (ok) filter->finish(random() % 2 ? std::string() : std::string("reset"), out);
    INFO("round " << round << "\n" << mutated);
    for (const auto& payload : runnable_payloads(out)) {
      CAPTURE(payload);
      if (payload.find("curl") != std::string::npos && std::getenv("HOSTILE_DUMP")) {
        std::ofstream(std::getenv("HOSTILE_DUMP")) << mutated;
        std::ofstream(std::string(std::getenv("HOSTILE_DUMP")) + ".out") << out;
      }
      REQUIRE(payload.find("curl") == std::string::npos);
    }
  }
}

}  // namespace toolwall::test
