#pragma once

namespace toolwall::cli {

// Runs the subcommand named by argv[1]; returns the process exit code. Exceptions stop here.
int run(int argc, char** argv);

}  // namespace toolwall::cli
