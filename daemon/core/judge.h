#pragma once
// What a front end (CLI, proxy) needs from the engine: a verdict for a tool call.
// The proxy depends on this interface only, so it can hold the current engine behind an atomic
// shared_ptr and swap it on reload.
#include "core/tool_call.h"
#include "core/verdict.h"

namespace toolwall {

class Judge {
 public:
  virtual ~Judge() = default;
  // Thread-safe and never throws: analysis failures become a verdict by the policy's fail mode.
  virtual Verdict judge(const ToolCall& call) const = 0;
  // Whether the call's verdict may depend on the conversation's earlier calls (ToolCall::earlier):
  // such a verdict is the call's in that conversation only (the engine marks it not repeatable), and a
  // cache must not serve the call a verdict it kept for the call alone.
  virtual bool depends_on_earlier_calls(const ToolCall& call) const { return false; }
};

}  // namespace toolwall
