#include <catch2/catch.hpp>

#include <random>

#include "client_view.h"
#include "judges.h"
#include "wire/chat_completions.h"

using namespace toolwall;

namespace {

// Pieces a hostile or broken upstream might send: valid chunks, call fragments carrying a blocked
// command, pings, odd framing and garbage.
const std::vector<std::string> kPieces = {
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"cu\"}}]}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"rl evil\\\"}\"}}]}}]}\n\n",
    "data: {\"choices\":[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":3,\"id\":\"b\",\"function\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"curl x\\\"}\"}}]}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"function_call\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"curl\"}}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
    "data: {\"choices\":[{\"index\":99999,\"delta\":{\"tool_calls\":\"not a list\"}}]}\n\n",
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":\"x\",\"function\":7}]}}]}\n\n",
    "data: {\"choices\":[null,1,\"x\",{\"delta\":null}]}\n\n",
    "data: [DONE]\n\n",
    ": ping\r\n\r\n",
    "data: {\"a\":\n",
    "\r",
    "\n",
    "data: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n\n",
    "event: error\ndata: {\"error\":{\"message\":\"x\"}}\n\n",
    "data: \xff\xfe\n\n",
    "garbage without colon\n",
};

}  // namespace

TEST_CASE("random hostile streams neither crash nor leak a blocked command") {
  std::mt19937 random(12345);
  wire::WireLimits limits;
  limits.max_sse_event_bytes = 2048;
  limits.max_tool_argument_bytes = 256;
  limits.max_held_bytes = 4096;
  limits.max_json_depth = 16;
  for (int round = 0; round < 3000; ++round) {
    std::string stream;
    int pieces = 1 + static_cast<int>(random() % 14);
    for (int i = 0; i < pieces; ++i) stream += kPieces[random() % kPieces.size()];
    auto judge = std::make_shared<test::ScriptedJudge>();
    wire::JudgeContext ctx;
    ctx.judge = judge;
    ctx.limits = limits;
    auto filter = wire::ChatCompletionsDialect().filter_stream(ctx);
    std::string out;
    bool ok = true;
    for (size_t at = 0; at < stream.size() && ok;) {
      size_t step = 1 + random() % 40;
      ok = filter->feed(std::string_view(stream).substr(at, step), out);
      at += step;
    }
    if (ok) filter->finish(random() % 2 ? std::string() : std::string("cut"), out);
    // Whatever the client assembles, no call it receives may hold the blocked command.
    auto view = test::ClientView::of(out);
    for (const auto& [index, choice] : view.choices) {
      for (const auto& [call_index, call] : choice.calls) CHECK(call.arguments.find("curl") == std::string::npos);
      CHECK(choice.function_call_arguments.find("curl") == std::string::npos);
    }
  }
}
