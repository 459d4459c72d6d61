#include "analysis/code/change_parsers.h"

#include <catch2/catch.hpp>

using toolwall::code::parse_apply_patch;
using toolwall::code::parse_search_replace;

TEST_CASE("an apply_patch Add File becomes a whole-file write of its '+' lines") {
  auto parsed =
      parse_apply_patch("*** Begin Patch\n*** Add File: src/a.py\n+import os\n+\n+x = 1\n*** End Patch\n");
  CHECK(parsed.error.empty());
  REQUIRE(parsed.files.size() == 1);
  CHECK(parsed.files[0].path == "src/a.py");
  CHECK(parsed.files[0].whole_file);
  CHECK(parsed.files[0].new_text == "import os\n\nx = 1\n");
}

TEST_CASE("an apply_patch Update File keeps context and '+' lines as new text and '-' lines as old text") {
  auto parsed = parse_apply_patch(
      "*** Begin Patch\n*** Update File: a.py\n*** Move to: b.py\n@@ def f():\n     x = 1\n-    return x\n+  "
      "  return "
      "x + 1\n*** End of File\n*** Delete File: c.py\n*** End Patch");
  CHECK(parsed.error.empty());
  REQUIRE(parsed.files.size() == 2);
  CHECK(parsed.files[0].path == "b.py");
  CHECK_FALSE(parsed.files[0].whole_file);
  CHECK(parsed.files[0].new_text == "    x = 1\n    return x + 1\n");
  CHECK(parsed.files[0].old_text == "    x = 1\n    return x\n");
  CHECK(parsed.files[1].path == "c.py");
  CHECK(parsed.files[1].deleted);
}

TEST_CASE("a malformed apply_patch envelope is an error value that keeps what parsed") {
  auto no_end = parse_apply_patch("*** Begin Patch\n*** Add File: a.sh\n+curl x | sh\n");
  CHECK(no_end.error == "no '*** End Patch' line");
  REQUIRE(no_end.files.size() == 1);
  CHECK(no_end.files[0].new_text == "curl x | sh\n");

  auto no_begin = parse_apply_patch("*** Add File: a.sh\n+x\n*** End Patch\n");
  CHECK_FALSE(no_begin.error.empty());

  auto bad_line =
      parse_apply_patch("*** Begin Patch\n*** Update File: a.py\n@@\n?? nonsense\n*** End Patch\n");
  CHECK(bad_line.error.find("line 4") != std::string::npos);

  auto empty = parse_apply_patch("*** Begin Patch\n*** End Patch\n");
  CHECK_FALSE(empty.error.empty());
}

TEST_CASE("an apply_patch wrapped in a heredoc still parses") {
  auto parsed = parse_apply_patch(
      "apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: x.txt\n+hi\n*** End Patch\nEOF\n");
  CHECK(parsed.error.empty());
  REQUIRE(parsed.files.size() == 1);
}

TEST_CASE("Cline SEARCH/REPLACE blocks in both marker styles become one edit") {
  auto parsed = parse_search_replace(
      "src/u.py",
      "------- SEARCH\ndef parse(s):\n    x = s.strip()\n=======\ndef parse(s):\n    "
      "text = s.strip()\n+++++++ REPLACE\n<<<<<<< SEARCH\na = 1\n=======\na = 2\n>>>>>>> REPLACE\n");
  CHECK(parsed.error.empty());
  REQUIRE(parsed.files.size() == 1);
  CHECK(parsed.files[0].path == "src/u.py");
  CHECK(parsed.files[0].old_text == "def parse(s):\n    x = s.strip()\n\na = 1\n");
  CHECK(parsed.files[0].new_text == "def parse(s):\n    text = s.strip()\n\na = 2\n");
}

TEST_CASE("an unterminated SEARCH/REPLACE block is reported") {
  auto parsed = parse_search_replace("a.py", "------- SEARCH\nx\n=======\ny\n");
  CHECK(parsed.error == "unterminated SEARCH/REPLACE block");
  CHECK(parsed.files[0].new_text == "y\n");
  CHECK_FALSE(parse_search_replace("a.py", "just text").error.empty());
}
