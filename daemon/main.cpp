// toolwall: a tool-call firewall for coding agents. Subcommands are dispatched in cli/.
#include "cli/cli.h"

int main(int argc, char** argv) { return toolwall::cli::run(argc, argv); }
