// Each dialect's whole-body filter over fuzzed response bodies, with a judge taking every action.
#include <memory>

#include <nlohmann/json.hpp>

#include "fuzz_common.h"
#include "wire/anthropic_messages.h"
#include "wire/chat_completions.h"
#include "wire/responses.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t dialect_pick = in.byte();
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
    ctx.limits.max_tool_argument_bytes = 128;
    ctx.limits.max_json_depth = 8;
  }
  auto body = in.rest();
  auto filtered = dialect.filter_body(body, ctx);
  // What the client receives must still be JSON whenever the filter produced new bytes.
  if (filtered && filtered.value()) {
    auto parsed = nlohmann::json::parse(*filtered.value(), nullptr, false);
    if (parsed.is_discarded()) fuzz::fail("a filtered body is not JSON");
  }
  return 0;
}
