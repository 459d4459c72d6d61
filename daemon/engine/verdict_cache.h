#pragma once
// Agents run the same calls again and again (git status, npm test, cat package.json), and a team
// shares one proxy: a judge that remembers the verdict of a call it has already judged, keyed by
// every byte the verdict depends on (agent, tool, arguments), so only a byte-identical call hits.
// Verdicts that are not repeatable (incomplete analysis: a time budget may have run out under load;
// internal errors) and calls with invalid arguments are never kept. A verdict is kept from a call's
// second sighting on: most calls of an agent session never come again, and keeping each of them cost
// more than judging it (a key, two allocations, an eviction) and pushed out the calls that do repeat.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/judge.h"

namespace toolwall::engine {

// Hits and misses, shared by the caches a proxy builds on every reload so the totals only grow.
struct VerdictCacheCounters {
  std::atomic<uint64_t> hits{0};
  std::atomic<uint64_t> misses{0};  // judged by the inner judge (kept or not)
};

struct VerdictCacheOptions {
  size_t entries = 4096;        // verdicts kept in all; least recently used go first
  size_t max_key_bytes = 4096;  // calls with longer arguments are judged every time (rarely repeated)
};

class CachingJudge final : public Judge {
 public:
  // `counters` may be null (the cache then keeps its own).
  CachingJudge(std::shared_ptr<const Judge> inner, VerdictCacheOptions options,
               std::shared_ptr<VerdictCacheCounters> counters = nullptr);

  Verdict judge(const ToolCall& call) const override;
  bool depends_on_earlier_calls(const ToolCall& call) const override { return inner_->depends_on_earlier_calls(call); }

  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    size_t entries = 0;
  };
  Stats stats() const;

 private:
  // Shards so that I/O threads judging at once rarely wait on one another.
  struct Shard {
    std::mutex mutex;
    std::list<std::pair<std::string, Verdict>> recent;  // most recently used first
    std::unordered_map<std::string_view, std::list<std::pair<std::string, Verdict>>::iterator> index;
    // One bit per key hash seen and not kept yet, cleared when half are set (a false "seen" only
    // keeps a verdict one sighting early).
    std::vector<uint64_t> seen;
    size_t seen_marks = 0;
    // Whether the key with this hash was seen before; marks it seen.
    bool seen_before(size_t hash);
  };

  std::shared_ptr<const Judge> inner_;
  VerdictCacheOptions options_;
  size_t per_shard_;
  std::shared_ptr<VerdictCacheCounters> counters_;
  mutable std::vector<Shard> shards_;
};

// `judge` behind a verdict cache of `entries` verdicts; `judge` itself when entries is 0.
std::shared_ptr<const Judge> with_verdict_cache(std::shared_ptr<const Judge> judge, size_t entries,
                                                std::shared_ptr<VerdictCacheCounters> counters = nullptr);

}  // namespace toolwall::engine
