#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "engine/verdict_cache.h"

using namespace toolwall;
using engine::CachingJudge;
using engine::VerdictCacheOptions;

namespace {

// Counts its judgements; blocks `curl`; "SLOW" is an incomplete analysis (not repeatable) and
// "NOREWRITE" a deterministic block with an error (a rewrite that is not possible).
class CountingJudge final : public Judge {
 public:
  mutable std::atomic<int> calls{0};
  Verdict judge(const ToolCall& call) const override {
    ++calls;
    Verdict verdict;
    verdict.profile = call.agent;
    std::string text = call.raw_arguments;
    if (text.find("curl") != std::string::npos) {
      verdict.action = Action::block;
      verdict.rules = {"no-curl"};
    }
    if (text.find("SLOW") != std::string::npos) {
      verdict.action = Action::block;
      verdict.error = "analysis incomplete: deadline";
      verdict.repeatable = false;
    }
    if (text.find("NOREWRITE") != std::string::npos) {
      verdict.action = Action::block;
      verdict.error = "rewrite not possible: nothing safe would remain";
    }
    return verdict;
  }
};

ToolCall bash(const std::string& command, const std::string& agent = "claude-code", const std::string& id = "c1") {
  return ToolCall::from_wire(id, agent, "Bash", nlohmann::json{{"command", command}}.dump());
}

}  // namespace

TEST_CASE("a call seen a second time is kept, and from then on answered without judging") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, {});
  Verdict first = cache.judge(bash("curl x", "claude-code", "call_1"));
  CHECK(cache.stats().entries == 0);  // one sighting: not kept
  cache.judge(bash("curl x", "claude-code", "call_2"));  // another id, same call
  CHECK(inner->calls == 2);
  CHECK(cache.stats().entries == 1);
  Verdict third = cache.judge(bash("curl x", "claude-code", "call_3"));
  CHECK(inner->calls == 2);
  CHECK(third.action == Action::block);
  CHECK(third.rules == first.rules);
  CHECK(cache.stats().hits == 1);
}

TEST_CASE("calls that never come again are judged each time and fill nothing") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, VerdictCacheOptions{4096, 4096});
  for (int i = 0; i < 1000; ++i) cache.judge(bash("npm test -- --shard=" + std::to_string(i)));
  CHECK(inner->calls == 1000);
  // Two keys may share a bit of the sightings filter: a few are kept one sighting early.
  CHECK(cache.stats().entries < 40);
}

TEST_CASE("a different command, tool or agent is judged afresh") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, {});
  for (int round = 0; round < 2; ++round) {
    cache.judge(bash("ls"));
    cache.judge(bash("ls "));
    cache.judge(bash("ls", "codex"));
    cache.judge(ToolCall::from_wire("c1", "claude-code", "shell", nlohmann::json{{"command", "ls"}}.dump()));
  }
  CHECK(inner->calls == 8);
  CHECK(cache.judge(bash("ls", "codex")).profile == "codex");
  CHECK(inner->calls == 8);
}

TEST_CASE("agent and tool names cannot be shifted into one another to share a key") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, {});
  for (int round = 0; round < 2; ++round) {
    cache.judge(ToolCall::from_wire("c", "ab", "c", "{}"));
    cache.judge(ToolCall::from_wire("c", "a", "bc", "{}"));
  }
  CHECK(inner->calls == 4);
}

TEST_CASE("a deterministic verdict that carries an error is kept like any other") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, {});
  cache.judge(bash("NOREWRITE"));
  cache.judge(bash("NOREWRITE"));
  CHECK(cache.judge(bash("NOREWRITE")).error == "rewrite not possible: nothing safe would remain");
  CHECK(inner->calls == 2);
}

TEST_CASE("a verdict that is not repeatable, or of invalid arguments, is never kept") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, {});
  CHECK(cache.judge(bash("SLOW")).error == "analysis incomplete: deadline");
  cache.judge(bash("SLOW"));
  cache.judge(bash("SLOW"));
  CHECK(inner->calls == 3);
  auto invalid = ToolCall::from_wire("c", "claude-code", "Bash", "{not json");
  for (int i = 0; i < 3; ++i) cache.judge(invalid);
  CHECK(inner->calls == 6);
  CHECK(cache.stats().entries == 0);
}

TEST_CASE("arguments longer than the key limit are judged every time") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, VerdictCacheOptions{64, 100});
  std::string long_command(200, 'a');
  for (int i = 0; i < 3; ++i) cache.judge(bash(long_command));
  CHECK(inner->calls == 3);
}

TEST_CASE("the cache holds at most its size, dropping the least recently used") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, VerdictCacheOptions{16, 4096});
  for (int i = 0; i < 1000; ++i)
    for (int sighting = 0; sighting < 2; ++sighting) cache.judge(bash("echo " + std::to_string(i)));
  CHECK(cache.stats().entries <= 16);
  CHECK(cache.stats().entries > 0);
  int before = inner->calls;
  cache.judge(bash("echo 999"));  // among the most recent
  CHECK(inner->calls == before);
  cache.judge(bash("echo 0"));  // long gone
  CHECK(inner->calls == before + 1);
}

TEST_CASE("threads judging the same and different calls at once all get the right verdict") {
  auto inner = std::make_shared<CountingJudge>();
  CachingJudge cache(inner, VerdictCacheOptions{64, 4096});
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        bool evil = (i + t) % 3 == 0;
        std::string command = (evil ? "curl " : "ls ") + std::to_string(i % 100);
        Verdict verdict = cache.judge(bash(command));
        if (verdict.action != (evil ? Action::block : Action::allow)) ++wrong;
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
  CHECK(cache.stats().hits + cache.stats().misses == 20000);
  CHECK(cache.stats().hits > 0);
}

TEST_CASE("with no entries the judge is used as it is") {
  auto inner = std::make_shared<CountingJudge>();
  CHECK(engine::with_verdict_cache(inner, 0) == inner);
  CHECK(engine::with_verdict_cache(inner, 10) != inner);
}
