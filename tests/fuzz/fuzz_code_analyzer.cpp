// The code Analyzer (every detector query of the default policy's packs) on a fuzzed path and content,
// through analyze_write, analyze_edit, analyze_search_replace and analyze_patch.
#include <memory>

#include "analysis/code/analyzer.h"
#include "fuzz_common.h"
#include "policy/policy.h"

using namespace toolwall;

namespace {

const code::Analyzer& analyzer() {
  static std::shared_ptr<const code::Analyzer> loaded = [] {
    auto policy = policy::Policy::load_file(TOOLWALL_SOURCE_DIR "/rules/default.yaml");
    if (!policy) toolwall::fuzz::fail("rules/default.yaml did not load");
    auto analyzer = code::Analyzer::load(policy.value()->code_detector_paths());
    if (!analyzer) toolwall::fuzz::fail("the code detectors did not load");
    return analyzer.value();
  }();
  return *loaded;
}

// Paths that reach each grammar and the special files (shell rc, CI, git config, tasks).
const char* const kPaths[] = {"app.py", "index.js", "main.ts", "ui.tsx", "main.go", "package.json",
                              ".github/workflows/ci.yml", "install.sh", "/home/u/.bashrc", ".git/config",
                              ".vscode/tasks.json", "Makefile", "notes.md", ".devcontainer/devcontainer.json",
                              "/etc/cron.d/job", "x.desktop", "/home/u/.ssh/config",
                              ".venv/lib/python3.11/site-packages/x.pth", "a.ipynb#cell.py", "docker-compose.yml",
                              "tox.ini", ".mcp.json", ".claude/settings.json", ".vscode/launch.json",
                              "/home/u/.vimrc", "/home/u/.tmux.conf", "/home/u/.psqlrc", "/home/u/.aws/config",
                              "/home/u/.kube/config", "lib/x.rb", "public/x.php", "tools/x.pl", "pyproject.toml",
                              "deno.json", "infra/main.tf", "CMakeLists.txt", "noxfile.py", "build.gradle.kts",
                              "/home/u/.config/systemd/user/x.service"};

}  // namespace

// Loads before fuzzing starts, so the one-time load (compiling every detector query) is not timed as an input.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)analyzer();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string path = mode & 0x80 ? std::string(in.line(200)) : kPaths[in.byte() % std::size(kPaths)];
  auto content = in.rest();
  Facts facts;
  switch (mode % 4) {
    case 0: facts = analyzer().analyze_write(path, std::string(content)); break;
    case 1: {
      auto half = content.size() / 2;
      facts = analyzer().analyze_edit(path, std::string(content.substr(0, half)), std::string(content.substr(half)));
      break;
    }
    case 2: facts = analyzer().analyze_search_replace(path, content); break;
    default: facts = analyzer().analyze_patch(content); break;
  }
  if (!facts.complete && facts.incomplete_reason.empty()) fuzz::fail("incomplete facts without a reason");
  return 0;
}
