// Each dialect (chat completions, Responses, Messages): the stream filter over fuzzed SSE bodies fed
// in fuzzed splits, or filter_body over a fuzzed whole body; a judge that allows, flags, rewrites,
// blocks and throws; small limits sometimes; streams ending cleanly or broken. A chat stream runs
// twice, with and without the tree-free reading of usual events: what a client assembles and what the
// audit holds must be the same.
#include <memory>

#include <nlohmann/json.hpp>

#include "../wire/client_view.h"
#include "fuzz_common.h"
#include "wire/anthropic_messages.h"
#include "wire/chat_completions.h"
#include "wire/responses.h"

using namespace toolwall;

namespace {

std::string stream(const wire::Dialect& dialect, wire::JudgeContext ctx, size_t step, bool broken, std::string_view body) {
  auto filter = dialect.filter_stream(std::move(ctx));
  std::string out;
  bool going = true;
  for (size_t at = 0; at < body.size() && going; at += step) going = filter->feed(body.substr(at, step), out);
  if (going) filter->finish(broken ? "upstream reset" : "", out);
  return out;
}

void whole(const wire::Dialect& dialect, const wire::JudgeContext& ctx, std::string_view body) {
  auto filtered = dialect.filter_body(body, ctx);
  // What the client receives must still be JSON whenever the filter produced new bytes.
  if (filtered && filtered.value()) {
    auto parsed = nlohmann::json::parse(*filtered.value(), nullptr, false);
    if (parsed.is_discarded()) fuzz::fail("a filtered body is not JSON");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();  // bits 0-1 dialect, bit 2 whole body, bit 3 small limits, bit 4 broken end
  size_t step = 1 + in.byte() % 64;
  uint8_t salt = in.byte();

  static const wire::ChatCompletionsDialect chat;
  static const wire::ResponsesDialect responses;
  static const wire::AnthropicMessagesDialect anthropic;
  const wire::Dialect* dialects[] = {&chat, &responses, &anthropic};
  const wire::Dialect& dialect = *dialects[(mode & 3) % 3];

  wire::JudgeContext ctx;
  ctx.judge = std::make_shared<fuzz::HashJudge>(salt);
  if (mode & 8) {
    ctx.limits.max_sse_event_bytes = 512;
    ctx.limits.max_tool_argument_bytes = 128;
    ctx.limits.max_held_bytes = 1024;
    ctx.limits.max_json_depth = 8;
  }
  wire::WireCounters counters;
  ctx.counters = &counters;
  size_t judged = 0;
  ctx.sink = [&judged](const wire::JudgedCall&) { ++judged; };

  auto body = in.rest();
  if (mode & 4) {
    whole(dialect, ctx, body);
  } else if (&dialect == &chat) {
    std::vector<wire::JudgedCall> fast_judged, full_judged;
    ctx.sink = [&fast_judged](const wire::JudgedCall& c) { fast_judged.push_back(c); };
    std::string fast = stream(dialect, ctx, step, mode & 16, body);
    ctx.sink = [&full_judged](const wire::JudgedCall& c) { full_judged.push_back(c); };
    ctx.limits.scan_usual_stream_events = false;
    std::string full = stream(dialect, ctx, step, mode & 16, body);
    if (test::chat_stream_summary(fast, fast_judged) != test::chat_stream_summary(full, full_judged))
      fuzz::fail("the tree-free reading of a chat stream changed what the client or the audit gets");
  } else {
    stream(dialect, ctx, step, mode & 16, body);
  }
  (void)dialect.error_body(wire::WireError{502, "fuzz", std::string(body.substr(0, 32))});
  return 0;
}
