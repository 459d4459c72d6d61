#include "cli/cli.h"

#include <exception>
#include <iostream>
#include <string_view>

namespace toolwall::cli {

namespace {

void print_usage(std::ostream& out) {
  out << "usage: toolwall <command> [options]\n"
         "commands:\n"
         "  version                 print the version\n";
}

}  // namespace

int run(int argc, char** argv) {
  try {
    if (argc < 2) {
      print_usage(std::cerr);
      return 2;
    }
    std::string_view command = argv[1];
    if (command == "version" || command == "--version") {
      std::cout << "toolwall " << TOOLWALL_VERSION_STRING << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      print_usage(std::cout);
      return 0;
    }
    std::cerr << "toolwall: unknown command '" << command << "'\n";
    print_usage(std::cerr);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "toolwall: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace toolwall::cli
