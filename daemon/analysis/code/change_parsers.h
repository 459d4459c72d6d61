#pragma once
// Reconstructs the files a call writes from the two edit formats that carry their own syntax:
// Codex apply_patch envelopes and Cline SEARCH/REPLACE blocks. Malformed input is an error value
// that still carries whatever parsed before the fault, so analysis can continue and say it is partial.
#include <string>
#include <string_view>
#include <vector>

#include "core/facts.h"

namespace toolwall::code {

struct ParsedChanges {
  std::vector<FileChange> files;
  std::string error;  // empty when the whole input parsed; else "line N: what was wrong"
};

// "*** Begin Patch" … "*** End Patch": Add File (whole content), Update File (hunks; Move to names
// the destination), Delete File. Update hunks become one FileChange per file with context and '+'
// lines as new_text and context and '-' lines as old_text.
ParsedChanges parse_apply_patch(std::string_view text);

// Blocks of "------- SEARCH" / "=======" / "+++++++ REPLACE" (or the older "<<<<<<< SEARCH" /
// ">>>>>>> REPLACE"), joined into one FileChange for path.
ParsedChanges parse_search_replace(std::string path, std::string_view diff);

// An edit's JSON snippet (`  "key": value,` or an entry opened and not closed) made into the object it
// belongs in, in place: its first (blank) byte becomes `{`, a trailing comma a blank, and the brackets
// it leaves open are closed after its end, so every byte keeps its offset. Empty when the snippet does not
// start with a blank, is already an object or array, or ends inside a string; whether the result parses
// is for the caller to check.
std::string json_snippet_made_whole(std::string_view snippet);

}  // namespace toolwall::code
