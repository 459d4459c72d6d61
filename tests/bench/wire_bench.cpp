// What the proxy spends on one chat completion besides I/O: filtering a text-only body, filtering a
// body with one tool call (JSON, extraction, engine), filtering a stream with one tool call (usual
// events read without a JSON tree, or every call event parsed), and the engine's judgement alone.
#include <benchmark/benchmark.h>

#include "engine/default_engine.h"
#include "wire/arguments_json.h"
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

// The stream the benchmark's upstream sends: a role delta, 20 text deltas, one call in four fragments,
// the finish and [DONE].
std::string bench_stream() {
  auto event = [](const std::string& delta, const char* finish = "null") {
    return std::string(
               R"(data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764000000,"model":"bench-model","choices":[{"index":0,"delta":)") +
           delta + R"(,"finish_reason":)" + finish + "}]}\n\n";
  };
  std::string stream = event(R"({"role":"assistant","content":""})");
  for (int i = 0; i < 20; ++i) stream += event(R"({"content":"token )" + std::to_string(i) + R"( "})");
  stream += event(R"({"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Bash","arguments":""}}]})");
  for (const char* piece : {R"({\"comm)", R"(and\":\"npm)", R"( test\"})"})
    stream += event(std::string(R"({"tool_calls":[{"index":0,"function":{"arguments":")") + piece + "\"}}]}");
  return stream + event("{}", "\"tool_calls\"") + "data: [DONE]\n\n";
}

void filter_stream(benchmark::State& state, bool scan) {
  toolwall::wire::JudgeContext ctx;
  ctx.judge = toolwall::testing::default_engine();
  if (!ctx.judge) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  ctx.limits.scan_usual_stream_events = scan;
  toolwall::wire::ChatCompletionsDialect dialect;
  std::string stream = bench_stream();
  std::string out;
  for (auto _ : state) {
    out.clear();
    auto filter = dialect.filter_stream(ctx);
    filter->feed(stream, out);
    filter->finish({}, out);
    benchmark::DoNotOptimize(out);
  }
}

void BM_FilterStreamWithOneToolCall(benchmark::State& state) { filter_stream(state, true); }
void BM_FilterStreamWithOneToolCallParsed(benchmark::State& state) { filter_stream(state, false); }

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

// Judges a call no earlier call repeats: `command(n)` is the n-th one's command (no characters that
// JSON must escape, so the arguments are spelled by concatenation, as cheaply as the upstream does).
template <typename Command>
void judge_new_calls(benchmark::State& state, Command command) {
  auto engine = toolwall::testing::default_engine();
  if (!engine) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  uint64_t n = 0;
  for (auto _ : state) {
    auto call = toolwall::wire::tool_call_from_wire(
        "call_1", "", "Bash", R"({"command":")" + command(n++) + R"(","description":"Run the tests"})");
    benchmark::DoNotOptimize(engine->judge(call));
  }
}

// As the proxy benchmark's "distinct" shape sends them: plain words.
void BM_JudgeANewCallEachTime(benchmark::State& state) {
  judge_new_calls(state, [](uint64_t n) { return "npm test -- --shard=" + std::to_string(n); });
}

// As its "chain" shape sends them: quotes, an operator, a redirection and a pipe, all literal, so
// the engine reads the script without the bash parser.
void BM_JudgeANewChainEachTime(benchmark::State& state) {
  judge_new_calls(state, [](uint64_t n) {
    return "git commit -m 'fix shard " + std::to_string(n) + "' && npm test 2>&1 | tail -20";
  });
}

// As its "quoted" shape sends them: a variable in double quotes in a pipeline of three stages, read
// without the bash parser (the quotes are escaped for the arguments' JSON).
void BM_JudgeANewQuotedCallEachTime(benchmark::State& state) {
  judge_new_calls(state, [](uint64_t n) {
    std::string shard = std::to_string(n);
    return "npm test -- --shard=" + shard + R"( 2>&1 | tee \"$TMPDIR/shard-)" + shard + R"(.log\" | tail -20)";
  });
}

// As its "unquoted" shape sends them: the same pipeline with the variable unquoted, also read without
// the bash parser.
void BM_JudgeANewUnquotedCallEachTime(benchmark::State& state) {
  judge_new_calls(state, [](uint64_t n) {
    std::string shard = std::to_string(n);
    return "npm test -- --shard=" + shard + " 2>&1 | tee $TMPDIR/shard-" + shard + ".log | tail -20";
  });
}

// As its "parsed" shape sends them: the same pipeline with a default value (${TMPDIR:-/tmp}), which only
// the bash parser reads.
void BM_JudgeANewParsedCallEachTime(benchmark::State& state) {
  judge_new_calls(state, [](uint64_t n) {
    std::string shard = std::to_string(n);
    return "npm test -- --shard=" + shard + " 2>&1 | tee ${TMPDIR:-/tmp}/shard-" + shard + ".log | tail -20";
  });
}

}  // namespace

BENCHMARK(BM_FilterTextBody);
BENCHMARK(BM_FilterBodyWithOneToolCall);
BENCHMARK(BM_FilterStreamWithOneToolCall);
BENCHMARK(BM_FilterStreamWithOneToolCallParsed);
BENCHMARK(BM_ValidateTextBody);
BENCHMARK(BM_ScanBodyWithOneToolCall);
BENCHMARK(BM_JudgeTheToolCallAlone);
BENCHMARK(BM_JudgeANewCallEachTime);
BENCHMARK(BM_JudgeANewChainEachTime);
BENCHMARK(BM_JudgeANewQuotedCallEachTime);
BENCHMARK(BM_JudgeANewUnquotedCallEachTime);
BENCHMARK(BM_JudgeANewParsedCallEachTime);

BENCHMARK_MAIN();
