#pragma once
// `toolwall policy show [--client NAME] [--config FILE] [--policy FILE] [--layer FILE]…`: the
// effective policy for a client, each rule with its action and the layer file it came from.

namespace toolwall::cli {

// argv[1] is "policy", argv[2] "show"; returns the exit code.
int run_policy_show(int argc, char** argv);

}  // namespace toolwall::cli
