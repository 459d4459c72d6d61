#include "engine/verdict_cache.h"

#include <algorithm>
#include <functional>
#include <optional>

namespace toolwall::engine {

namespace {

constexpr size_t kShards = 8;
constexpr size_t kSeenBitsPerEntry = 16;

// Everything a verdict depends on besides the judge itself. Agent and tool are length-prefixed and the
// arguments come last, so two different calls never share a key.
std::optional<std::string> key_of(const ToolCall& call, size_t max_key_bytes) {
  if (!call.arguments_valid) return std::nullopt;
  std::string arguments = call.raw_arguments.empty() ? call.arguments.dump() : call.raw_arguments;
  size_t size = call.agent.size() + call.tool.size() + arguments.size() + 2;
  if (size > max_key_bytes) return std::nullopt;
  std::string key;
  key.reserve(size);
  key.append(std::to_string(call.agent.size())).append(1, '\0').append(call.agent);
  key.append(std::to_string(call.tool.size())).append(1, '\0').append(call.tool);
  key.append(arguments);
  return key;
}

}  // namespace

bool CachingJudge::Shard::seen_before(size_t hash) {
  size_t bit = hash % (seen.size() * 64);
  uint64_t mask = uint64_t{1} << (bit % 64);
  if (seen[bit / 64] & mask) return true;
  seen[bit / 64] |= mask;
  if (++seen_marks > seen.size() * 32) {
    std::fill(seen.begin(), seen.end(), 0);
    seen_marks = 0;
  }
  return false;
}

CachingJudge::CachingJudge(std::shared_ptr<const Judge> inner, VerdictCacheOptions options,
                           std::shared_ptr<VerdictCacheCounters> counters)
    : inner_(std::move(inner)),
      options_(options),
      per_shard_(std::max<size_t>(1, options.entries / kShards)),
      counters_(counters ? std::move(counters) : std::make_shared<VerdictCacheCounters>()),
      shards_(kShards) {
  size_t words = std::max<size_t>(16, per_shard_ * kSeenBitsPerEntry / 64);
  for (auto& shard : shards_) shard.seen.assign(words, 0);
}

Verdict CachingJudge::judge(const ToolCall& call) const {
  auto key = key_of(call, options_.max_key_bytes);
  if (!key) return inner_->judge(call);
  size_t hash = std::hash<std::string>{}(*key);
  Shard& shard = shards_[hash % kShards];
  bool seen_before = false;
  // The same bytes after other earlier calls may be another verdict: `curl -d @/tmp/n …` is an upload
  // of notes, or of the credentials an earlier call copied there. A verdict that depended on them is not
  // repeatable (never kept); a kept one serves a call with a history only if the history does not bear on it.
  bool with_history = call.earlier && !call.earlier->empty();
  bool kept = false;
  {
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(*key);
    kept = found != shard.index.end();
    if (kept && !with_history) {
      shard.recent.splice(shard.recent.begin(), shard.recent, found->second);
      ++counters_->hits;
      return found->second->second;
    }
    if (!kept) seen_before = shard.seen_before(hash / kShards);
  }
  // Outside the lock: finding out reads the history through the engine.
  if (kept && !inner_->depends_on_earlier_calls(call)) {
    std::lock_guard lock(shard.mutex);
    if (auto found = shard.index.find(*key); found != shard.index.end()) {
      shard.recent.splice(shard.recent.begin(), shard.recent, found->second);
      ++counters_->hits;
      return found->second->second;
    }
  }
  ++counters_->misses;
  Verdict verdict = inner_->judge(call);  // outside the lock: judging takes microseconds to milliseconds
  if (!verdict.repeatable || !seen_before) return verdict;
  std::lock_guard lock(shard.mutex);
  if (shard.index.count(*key)) return verdict;  // another thread judged the same call meanwhile
  shard.recent.emplace_front(std::move(*key), verdict);
  shard.index.emplace(shard.recent.front().first, shard.recent.begin());
  if (shard.recent.size() > per_shard_) {
    shard.index.erase(shard.recent.back().first);
    shard.recent.pop_back();
  }
  return verdict;
}

CachingJudge::Stats CachingJudge::stats() const {
  Stats stats;
  stats.hits = counters_->hits;
  stats.misses = counters_->misses;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    stats.entries += shard.recent.size();
  }
  return stats;
}

std::shared_ptr<const Judge> with_verdict_cache(std::shared_ptr<const Judge> judge, size_t entries,
                                                std::shared_ptr<VerdictCacheCounters> counters) {
  if (entries == 0 || !judge) return judge;
  return std::make_shared<const CachingJudge>(std::move(judge), VerdictCacheOptions{entries, 4096}, std::move(counters));
}

}  // namespace toolwall::engine
