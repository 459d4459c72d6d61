#pragma once
// A Judge scripted by substrings of a call's raw arguments, for wire tests that must not depend on
// the real policy: "curl" blocks, "REWRITE" rewrites to {"command":"echo safe"}, "FLAG" flags.
#include <mutex>
#include <string>
#include <vector>

#include "core/judge.h"

namespace toolwall::test {

class ScriptedJudge final : public Judge {
 public:
  Verdict judge(const ToolCall& call) const override {
    {
      std::lock_guard lock(mutex_);
      seen_.push_back(call);
    }
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
  std::vector<ToolCall> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  mutable std::mutex mutex_;
  mutable std::vector<ToolCall> seen_;
};

}  // namespace toolwall::test
