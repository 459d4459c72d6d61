// The edit formats that carry their own syntax: Codex apply_patch envelopes, Cline SEARCH/REPLACE, and
// the unified diffs that git apply, git am and patch write files from.
#include "analysis/code/change_parsers.h"
#include "analysis/shell/unified_diff.h"
#include "fuzz_common.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t control = in.byte();
  auto text = in.rest();
  code::ParsedChanges parsed;
  if (control % 3 == 0) {
    parsed = code::parse_apply_patch(text);
  } else if (control % 3 == 1) {
    parsed = code::parse_search_replace("src/app.py", text);
  } else {
    shell::DiffReading reading;
    reading.reverse = (control & 0x10) != 0;
    if (control & 0x20) reading.strip = (control >> 6) & 3;
    parsed.files = shell::unified_diff_changes(text, reading);
  }
  size_t produced = 0;
  for (const auto& file : parsed.files) produced += file.new_text.size() + file.old_text.size();
  // Reconstructed text comes from the input's own lines (plus separators), never from nowhere.
  if (produced > 3 * text.size() + 64 * (parsed.files.size() + 1)) fuzz::fail("changes larger than their input");
  return 0;
}
