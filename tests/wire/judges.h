#pragma once
// Judges for wire tests that must not depend on the real policy. Each records the calls it saw.
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/judge.h"

namespace toolwall::test {

// Records every call it is asked about, then lets the subclass decide.
class RecordingJudge : public Judge {
 public:
  Verdict judge(const ToolCall& call) const final {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(call);
    }
    return decide(call);
  }
  std::vector<ToolCall> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 protected:
  virtual Verdict decide(const ToolCall& call) const = 0;

 private:
  mutable std::mutex mutex_;
  mutable std::vector<ToolCall> seen_;
};

// Scripted by substrings of a call's arguments: "curl" blocks, "REWRITE" rewrites to
// {"command":"echo safe"}, "FLAG" flags; invalid arguments block with their error.
class ScriptedJudge final : public RecordingJudge {
 protected:
  Verdict decide(const ToolCall& call) const override {
    Verdict verdict;
    std::string text = call.arguments_valid ? call.arguments.dump() : call.raw_arguments;
    if (!call.arguments_valid) {
      verdict.action = Action::block;
      verdict.error = call.arguments_error;
    } else if (text.find("curl") != std::string::npos) {
      verdict.action = Action::block;
      verdict.rules = {"test.no-curl"};
      verdict.findings.push_back(Finding{"test.no-curl", "curl is not allowed", Action::block, "high", {0, 4}, "command", {}});
    } else if (text.find("REWRITE") != std::string::npos) {
      verdict.action = Action::rewrite;
      verdict.rules = {"test.rewrite"};
      verdict.findings.push_back(Finding{"test.rewrite", "rewritten", Action::rewrite, "medium", {0, 1}, "command", {}});
      verdict.arguments = nlohmann::json{{"command", "echo safe"}};
    } else if (text.find("FLAG") != std::string::npos) {
      verdict.action = Action::flag;
      verdict.rules = {"test.flag"};
    }
    return verdict;
  }
};

// Made of a function, for tests that need one specific verdict (a rewrite of a patch input, a
// throwing judge) rather than ScriptedJudge's substring rules.
class LambdaJudge final : public RecordingJudge {
 public:
  explicit LambdaJudge(std::function<Verdict(const ToolCall&)> decide) : decide_(std::move(decide)) {}

 protected:
  Verdict decide(const ToolCall& call) const override { return decide_(call); }

 private:
  std::function<Verdict(const ToolCall&)> decide_;
};

// Asks for a rewrite but gives no new arguments: a rewrite that cannot be applied.
class EmptyRewriteJudge final : public RecordingJudge {
 protected:
  Verdict decide(const ToolCall&) const override {
    Verdict verdict;
    verdict.action = Action::rewrite;
    verdict.rules = {"test.rewrite-nothing"};
    return verdict;
  }
};

}  // namespace toolwall::test
