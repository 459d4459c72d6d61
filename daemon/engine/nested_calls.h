#pragma once
// Tool calls made from inside another tool call's code: Codex's code mode sends one freeform `exec`
// call whose JavaScript calls the real tools (`await tools.exec_command({cmd: "ls"})`,
// `tools.apply_patch("*** Begin Patch…")`). Each such call is read back as a ToolCall of its own so
// the engine judges it exactly as if the model had called the tool directly.
#include <string>
#include <string_view>
#include <vector>

#include "core/span.h"
#include "core/tool_call.h"

namespace toolwall::engine {

struct NestedCall {
  ToolCall call;  // arguments_valid=false when they are computed at run time and cannot be read
  Span span;      // the call expression in the code
};

struct NestedCalls {
  std::vector<NestedCall> calls;
  std::string error;  // the code could not be read (too large, parse timeout): judge by the fail mode
};

// Every `OBJECT.NAME(ARG)` call in JavaScript `code` where OBJECT is `tools_object`: an object-literal
// ARG becomes the arguments, a string ARG becomes {"input": ARG}, no ARG becomes {}.
NestedCalls nested_javascript_calls(std::string_view code, const std::string& agent,
                                    std::string_view tools_object = "tools");

}  // namespace toolwall::engine
