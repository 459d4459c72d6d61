// The policy loader (Policy::load_text) on fuzzed YAML: it must report problems, never crash or hang.
// The name places the text beside rules/default.yaml, so relative includes of the real packs resolve.
#include "fuzz_common.h"
#include "policy/policy.h"

using namespace toolwall;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto loaded = policy::Policy::load_text(yaml, TOOLWALL_SOURCE_DIR "/rules/fuzzed.yaml");
  if (!loaded && loaded.error().empty()) fuzz::fail("a policy refused without a diagnostic");
  return 0;
}
