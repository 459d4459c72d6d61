// Each dialect's stream filter (chat completions, Responses, Messages) over fuzzed SSE bodies fed in
// fuzzed splits, with a judge that allows, flags, rewrites, blocks and throws; small limits sometimes.
#include <memory>

#include "fuzz_common.h"
#include "wire/anthropic_messages.h"
#include "wire/chat_completions.h"
#include "wire/responses.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t dialect_pick = in.byte();
  size_t step = 1 + in.byte() % 64;
  uint8_t salt = in.byte();
  uint8_t mode = in.byte();

  static const wire::ChatCompletionsDialect chat;
  static const wire::ResponsesDialect responses;
  static const wire::AnthropicMessagesDialect anthropic;
  const wire::Dialect* dialects[] = {&chat, &responses, &anthropic};
  const wire::Dialect& dialect = *dialects[dialect_pick % 3];

  wire::JudgeContext ctx;
  ctx.judge = std::make_shared<fuzz::HashJudge>(salt);
  if (mode & 1) {
    ctx.limits.max_sse_event_bytes = 512;
    ctx.limits.max_tool_argument_bytes = 128;
    ctx.limits.max_held_bytes = 1024;
    ctx.limits.max_json_depth = 8;
  }
  wire::WireCounters counters;
  ctx.counters = &counters;
  size_t judged = 0;
  ctx.sink = [&judged](const wire::JudgedCall&) { ++judged; };

  auto filter = dialect.filter_stream(ctx);
  auto body = in.rest();
  std::string out;
  bool going = true;
  for (size_t at = 0; at < body.size() && going; at += step) going = filter->feed(body.substr(at, step), out);
  if (going) filter->finish(mode & 2 ? "upstream reset" : "", out);
  (void)dialect.error_body(wire::WireError{502, "fuzz", std::string(body.substr(0, 32))});
  return 0;
}
