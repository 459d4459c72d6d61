// Engine throughput over the labelled corpus: profile → analysis → policy → rewrite, one thread.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>

#include "engine/engine.h"

namespace {

using toolwall::ToolCall;
using toolwall::engine::Engine;

std::shared_ptr<const Engine> load_engine() {
  toolwall::engine::EngineOptions options;
  options.policy_path = std::string(TOOLWALL_SOURCE_DIR) + "/rules/default.yaml";
  options.profiles_path = std::string(TOOLWALL_SOURCE_DIR) + "/config/agents.yaml";
  auto loaded = Engine::load(options);
  if (!loaded) {
    std::cerr << toolwall::to_string(loaded.error());
    return nullptr;
  }
  return *loaded;
}

enum class Calls { all, shell, files };

std::vector<ToolCall> load_corpus(Calls which) {
  std::vector<ToolCall> calls;
  std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + "/tests/corpus/toolcalls.jsonl");
  std::string line;
  auto engine = load_engine();
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    auto call = ToolCall::from_json(j["id"], j["agent"], j["tool"], j["arguments"]);
    bool shell = engine && engine->judge(call).kind == toolwall::ToolKind::shell;
    if ((which == Calls::shell && !shell) || (which == Calls::files && shell)) continue;
    calls.push_back(std::move(call));
  }
  return calls;
}

void judge_corpus(benchmark::State& state, Calls which) {
  auto engine = load_engine();
  if (!engine) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  auto calls = load_corpus(which);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine->judge(calls[i]));
    if (++i == calls.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_JudgeCorpus(benchmark::State& state) {
  judge_corpus(state, Calls::all);
}
void BM_JudgeShellCalls(benchmark::State& state) {
  judge_corpus(state, Calls::shell);
}
// Writes, edits and patches: parsing, the code detectors and embedded commands.
void BM_JudgeFileCalls(benchmark::State& state) {
  judge_corpus(state, Calls::files);
}

// The corpus's shell calls, each judged after a conversation of `state.range(0)` earlier calls: the
// shell calls of unseen.jsonl labelled allow (ordinary work: builds, tests, files written and read),
// the same history for every call, as a proxy sees one session's requests.
void BM_JudgeShellCallsAfterHistory(benchmark::State& state) {
  auto engine = load_engine();
  if (!engine) {
    state.SkipWithError("the default policy did not load");
    return;
  }
  auto history = std::make_shared<std::vector<ToolCall>>();
  std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + "/tests/corpus/unseen.jsonl");
  std::string line;
  while (std::getline(in, line) && history->size() < static_cast<size_t>(state.range(0))) {
    auto j = nlohmann::json::parse(line);
    if (j["label"] != "allow" || !j["arguments"].contains("command")) continue;
    history->push_back(ToolCall::from_json(j["id"], j["agent"], j["tool"], j["arguments"]));
  }
  auto calls = load_corpus(Calls::shell);
  for (auto& call : calls) call.earlier = history;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(engine->judge(calls[i]));
    if (++i == calls.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_PolicyLoad(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(load_engine());
}

}  // namespace

BENCHMARK(BM_JudgeCorpus);
BENCHMARK(BM_JudgeShellCalls);
BENCHMARK(BM_JudgeFileCalls);
BENCHMARK(BM_JudgeShellCallsAfterHistory)->Arg(0)->Arg(50)->Arg(200)->Arg(1000);
BENCHMARK(BM_PolicyLoad)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
