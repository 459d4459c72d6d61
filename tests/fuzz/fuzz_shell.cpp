// shell::analyze on fuzzed scripts; then drop a fuzzed choice of its top-level statements with
// shell::drop_statements and analyse the rewritten script again (the engine's rewrite path).
// A plain script (analysis/shell/plain_script.h) is read without the parser, and one with a few
// other simple commands has only those parsed, each alone: either way its facts must be the ones the
// whole script's syntax tree gives.
#include <vector>

#include "../analysis/shell/facts_text.h"
#include "analysis/shell/plain_script.h"
#include "analysis/shell/rewrite.h"
#include "analysis/shell/shell_analyzer.h"
#include "fuzz_common.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t drop_mask = in.byte();
  auto script = in.rest();
  // The readings are compared, not timed: with the 50 ms parse budget a loaded machine could let one
  // reading run out of it and the other not, and report a difference that is only the clock's.
  shell::Limits unhurried;
  unhurried.parse_timeout_micros = 60'000'000;
  auto facts = shell::analyze(script, unhurried);
  if (shell::read_script_stages(script)) {
    shell::Limits parsed_always = unhurried;
    parsed_always.plain_scripts_without_parse = false;
    if (shell_test::described(facts) != shell_test::described(shell::analyze(script, parsed_always)))
      fuzz::fail("a script read without the whole parse gives facts other than its syntax tree's");
  }
  for (const auto& statement : facts.statements)
    if (statement.end < statement.begin || statement.end > script.size()) fuzz::fail("statement span out of the script");
  std::vector<Span> dropped;
  for (size_t i = 0; i < facts.statements.size(); ++i)
    if (drop_mask & (1u << (i % 8))) dropped.push_back(facts.statements[i]);
  if (dropped.empty()) return 0;
  auto rewritten = shell::drop_statements(script, dropped);
  if (rewritten) (void)shell::analyze(*rewritten);
  return 0;
}
