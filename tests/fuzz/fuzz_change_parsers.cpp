// The edit formats that carry their own syntax: Codex apply_patch envelopes and Cline SEARCH/REPLACE.
#include "analysis/code/change_parsers.h"
#include "fuzz_common.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  bool patch = in.byte() % 2 == 0;
  auto text = in.rest();
  auto parsed = patch ? code::parse_apply_patch(text) : code::parse_search_replace("src/app.py", text);
  size_t produced = 0;
  for (const auto& file : parsed.files) produced += file.new_text.size() + file.old_text.size();
  // Reconstructed text comes from the input's own lines (plus separators), never from nowhere.
  if (produced > 3 * text.size() + 64 * (parsed.files.size() + 1)) fuzz::fail("changes larger than their input");
  return 0;
}
