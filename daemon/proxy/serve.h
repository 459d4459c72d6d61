#pragma once
// `toolwall serve`: loads config, policy and audit log, then runs the proxy until SIGTERM/SIGINT.

namespace toolwall::proxy {

// argv[0] is "serve"; returns the process exit code (2 for usage or config errors).
int serve_command(int argc, char** argv);

}  // namespace toolwall::proxy
