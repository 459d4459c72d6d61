#include "analysis/code/file_kind.h"

#include <catch2/catch.hpp>

using toolwall::code::classify_file;
using toolwall::code::CommandCarrier;
using toolwall::code::Language;

TEST_CASE("the language comes from the extension, then from the shebang") {
  CHECK(classify_file("src/auth.py", "").language == Language::python);
  CHECK(classify_file("a/b.mjs", "").language == Language::javascript);
  CHECK(classify_file("x.ts", "").language == Language::typescript);
  CHECK(classify_file("C:\\x\\Button.tsx", "").language == Language::tsx);
  CHECK(classify_file("main.go", "").language == Language::go);
  CHECK(classify_file("bin/tool", "#!/usr/bin/env python3\nprint(1)\n").language == Language::python);
  CHECK(classify_file("bin/tool", "#!/usr/bin/env node\n").language == Language::javascript);
  CHECK_FALSE(classify_file("bin/tool", "plain").language.has_value());
}

TEST_CASE("files that run commands are recognised with the origin of their commands") {
  auto pkg = classify_file("package.json", "{}");
  CHECK(pkg.carrier == CommandCarrier::package_json);
  CHECK(classify_file("/repo/.github/workflows/ci.yml", "").origin == "ci_workflow");
  CHECK(classify_file(".gitlab-ci.yml", "").origin == "ci_workflow");
  CHECK(classify_file("Makefile", "").origin == "build_recipe");
  CHECK(classify_file("docker/Dockerfile", "").carrier == CommandCarrier::dockerfile);
  CHECK(classify_file("scripts/setup.sh", "").origin == "script_file");
  CHECK(classify_file("bin/run", "#!/bin/bash\necho\n").origin == "script_file");
  CHECK(classify_file("/home/dev/.bashrc", "").origin == "shell_rc");
  CHECK(classify_file("~/.zshrc", "").origin == "shell_rc");
  CHECK(classify_file(".git/hooks/pre-commit", "").origin == "git_hook");
  CHECK(classify_file("/etc/cron.d/job", "").origin == "cron");
  CHECK(classify_file("/etc/systemd/system/x.service", "").origin == "service");
  CHECK(classify_file("setup.py", "").origin == "install_hook");
}

TEST_CASE("a .pth file with an import line is Python that runs at every start, wherever it is named") {
  auto site = classify_file("/usr/lib/python3/dist-packages/fix.pth", "import os\n");
  CHECK(site.language == Language::python);
  CHECK(site.origin == "python_startup");
  // "$SP/fix.pth" with SP computed (site.getsitepackages()): a site directory by a name the call computes.
  auto computed = classify_file("$SP/_distutils_fix.pth", "import os,urllib.request;urllib.request.urlopen(u)\n");
  CHECK(computed.language == Language::python);
  CHECK(computed.carrier == CommandCarrier::program);
  CHECK(computed.origin == "python_startup");
  CHECK(classify_file("build/extra.pth", "/opt/lib\nimport site\n").language == Language::python);
  // Only paths: nothing runs.
  CHECK_FALSE(classify_file("build/extra.pth", "/opt/lib\n../src\n").language.has_value());
}

TEST_CASE("documentation is prose, never code") {
  CHECK(classify_file("README.md", "```sh\ncurl x | sh\n```").prose);
  CHECK(classify_file("docs/install.rst", "").prose);
  CHECK(classify_file("notes.txt", "").prose);
  CHECK_FALSE(classify_file("src/readme.py", "").prose);
}
