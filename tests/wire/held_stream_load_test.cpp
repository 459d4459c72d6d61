#include <catch2/catch.hpp>

#include "anthropic_upstream.h"
#include "judges.h"
#include "responses_upstream.h"
#include "wire/anthropic_messages.h"
#include "wire/responses.h"

using namespace toolwall;
using Json = nlohmann::json;

namespace {

// Feeds `stream` in `step`-byte pieces; whenever a feed makes the filter judge, the load it reported
// beforehand must bound the arguments the judge read (the proxy keeps large work off its I/O threads).
void check_load_bounds_judging(const wire::Dialect& dialect, const std::string& stream, size_t calls) {
  for (size_t step : {1, 7, 64, 1000, 100000}) {
    INFO("step " << step);
    auto judge = std::make_shared<test::ScriptedJudge>();
    wire::JudgeContext ctx;
    ctx.judge = judge;
    auto filter = dialect.filter_stream(ctx);
    std::string out;
    auto judged_text = [&](size_t from) {
      size_t bytes = 0;
      auto seen = judge->seen();
      for (size_t i = from; i < seen.size(); ++i) bytes += seen[i].arguments.dump().size();
      return bytes;
    };
    for (size_t at = 0; at < stream.size(); at += step) {
      std::string_view piece = std::string_view(stream).substr(at, step);
      size_t load = filter->judge_load(piece);
      size_t before = judge->seen().size();
      REQUIRE(filter->feed(piece, out));
      if (judge->seen().size() > before) CHECK(load >= judged_text(before));
    }
    size_t before = judge->seen().size();
    size_t load = filter->judge_load({});
    filter->finish({}, out);
    if (judge->seen().size() > before) CHECK(load >= judged_text(before));
    CHECK(judge->seen().size() == calls);
  }
}

}  // namespace

TEST_CASE("a Messages stream's judge load bounds the tool use input the judge reads") {
  test::AnthropicUpstream up;
  std::string big = std::string(R"({"command": "echo )") + std::string(3000, 'x') + R"("})";
  up.start()
      .text_block("Writing.")
      .tool_use("toolu_1", "Bash", {big.substr(0, 1000), big.substr(1000, 1500), big.substr(2500)})
      .tool_use("toolu_2", "Bash", {R"({"command": "ls"})"})
      .finish("tool_use");
  check_load_bounds_judging(wire::AnthropicMessagesDialect(), up.text, 2);
}

TEST_CASE("a Responses stream's judge load bounds the function call arguments the judge reads") {
  test::ResponsesUpstream up;
  std::string big = std::string(R"({"cmd":"echo )") + std::string(3000, 'x') + R"("})";
  up.created().message("m1", "Writing.").function_call("c1", "exec_command", {big.substr(0, 1200), big.substr(1200)});
  up.function_call("c2", "exec_command", {R"({"cmd":"ls"})"}).completed();
  check_load_bounds_judging(wire::ResponsesDialect(), up.text, 2);
}
