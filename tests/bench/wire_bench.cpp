// What the proxy spends on one non-streamed chat completion besides I/O: filtering a text-only body,
// filtering a body with one tool call (JSON, extraction, engine), and the engine's judgement alone.
#include <benchmark/benchmark.h>

#include "engine/default_engine.h"
#include "wire/chat_body_scan.h"
#include "wire/chat_completions.h"
#include "wire/json_validate.h"

namespace {

// The bodies the proxy benchmark's scripted upstream sends (tests/bench/proxy_load_bench.cpp).
const char* kTextBody =
    R"({"id":"chatcmpl-bench","object":"chat.completion","created":1764000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"The tests pass: 42 passed, 0 failed. Nothing else to do here."},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}})";
const char* kToolBody =
    R"({"id":"chatcmpl-bench","object":"chat.completion","created":1764000000,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Running the tests.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"npm test\",\"description\":\"Run the tests\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42}})";

void filter(benchmark::State& state, const char* body) {
  toolwall::wire::JudgeContext ctx;
  ctx.judge = toolwall::testing::default_engine();
  if (!ctx.judge) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  toolwall::wire::ChatCompletionsDialect dialect;
  for (auto _ : state) benchmark::DoNotOptimize(dialect.filter_body(body, ctx));
}

void BM_FilterTextBody(benchmark::State& state) { filter(state, kTextBody); }
void BM_FilterBodyWithOneToolCall(benchmark::State& state) { filter(state, kToolBody); }

// The two JSON readings inside the filter: validating a text body, and reading a body's calls.
void BM_ValidateTextBody(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(toolwall::wire::valid_json_object(kTextBody, 128));
}
void BM_ScanBodyWithOneToolCall(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(toolwall::wire::scan_chat_body(kToolBody, 128));
}

void BM_JudgeTheToolCallAlone(benchmark::State& state) {
  auto engine = toolwall::testing::default_engine();
  if (!engine) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  auto call = toolwall::ToolCall::from_json("call_1", "", "Bash",
                                            nlohmann::json{{"command", "npm test"}, {"description", "Run the tests"}});
  for (auto _ : state) benchmark::DoNotOptimize(engine->judge(call));
}

}  // namespace

BENCHMARK(BM_FilterTextBody);
BENCHMARK(BM_FilterBodyWithOneToolCall);
BENCHMARK(BM_ValidateTextBody);
BENCHMARK(BM_ScanBodyWithOneToolCall);
BENCHMARK(BM_JudgeTheToolCallAlone);

BENCHMARK_MAIN();
