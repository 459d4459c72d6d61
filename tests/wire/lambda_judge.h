#pragma once
// A Judge made of a function, for dialect tests that need one specific verdict (a rewrite of a patch
// input, a throwing judge) rather than ScriptedJudge's substring rules.
#include <functional>
#include <mutex>
#include <vector>

#include "core/judge.h"

namespace toolwall::test {

class LambdaJudge final : public Judge {
 public:
  explicit LambdaJudge(std::function<Verdict(const ToolCall&)> decide) : decide_(std::move(decide)) {}
  Verdict judge(const ToolCall& call) const override {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(call);
    }
    return decide_(call);
  }
  std::vector<ToolCall> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::function<Verdict(const ToolCall&)> decide_;
  mutable std::mutex mutex_;
  mutable std::vector<ToolCall> seen_;
};

}  // namespace toolwall::test
