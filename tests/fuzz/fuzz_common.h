#pragma once
// Shared helpers for the fuzz targets: reading control bytes off the front of an input, a judge
// that picks every action deterministically from the call it sees, and loaded engines built once.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/judge.h"

namespace toolwall::fuzz {

// Consumes control bytes from the front of the input, then hands out the rest.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}
  uint8_t byte() {
    if (rest_.empty()) return 0;
    auto value = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return value;
  }
  // Up to the first '\n' (removed), at most max bytes; the rest stays.
  std::string_view line(size_t max) {
    size_t end = rest_.find('\n');
    if (end == std::string_view::npos || end > max) end = std::min(max, rest_.size());
    auto head = rest_.substr(0, end);
    rest_.remove_prefix(end < rest_.size() && rest_[end] == '\n' ? end + 1 : end);
    return head;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

// A failed property: print it and abort so libFuzzer records the input as a crash.
[[noreturn]] inline void fail(const char* what) {
  std::fprintf(stderr, "fuzz property failed: %s\n", what);
  std::abort();
}

// Picks allow / flag / rewrite / block from a hash of the call, so every wire path is taken.
class HashJudge final : public Judge {
 public:
  explicit HashJudge(uint8_t salt) : salt_(salt) {}
  Verdict judge(const ToolCall& call) const override {
    size_t hash = std::hash<std::string>{}(call.tool + call.raw_arguments + call.id) ^ salt_;
    Verdict verdict;
    verdict.action = static_cast<Action>(hash % 4);
    verdict.rules = {"fuzz.rule"};
    if (verdict.action == Action::rewrite) verdict.arguments = nlohmann::json{{"command", "true"}};
    if (hash % 7 == 0) throw std::runtime_error("judge failed");  // the wire must turn this into block
    return verdict;
  }

 private:
  uint8_t salt_;
};

}  // namespace toolwall::fuzz
