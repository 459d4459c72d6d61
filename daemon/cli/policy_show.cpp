#include "cli/policy_show.h"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "proxy/client_auth.h"
#include "proxy/config.h"

namespace toolwall::cli {

namespace {

void usage(std::ostream& out) {
  out << "usage: toolwall policy show [--client NAME] [--config FILE] [--policy FILE] [--layer FILE]…\n"
         "  prints every rule of the effective policy with its action and the layer file it came from;\n"
         "  --client takes the client's layers from the config's clients (or client_tokens_file)\n";
}

struct Origin {
  std::string added_by;      // the file whose stack first holds the rule
  Action action = Action::allow;
  std::string tightened_by;  // the last layer that raised its action, if any
};

}  // namespace

int run_policy_show(int argc, char** argv) {
  std::string config_path, policy_path, client;
  std::vector<std::string> layers;
  for (int i = 3; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      usage(std::cout);
      return 0;
    }
    if (i + 1 >= argc) {
      usage(std::cerr);
      return 2;
    }
    std::string value = argv[++i];
    if (arg == "--client") client = value;
    else if (arg == "--config") config_path = value;
    else if (arg == "--policy") policy_path = value;
    else if (arg == "--layer") layers.push_back(value);
    else {
      std::cerr << "toolwall policy show: unknown option " << arg << "\n";
      usage(std::cerr);
      return 2;
    }
  }
  if (config_path.empty() && std::filesystem::exists("config/toolwall.yaml")) config_path = "config/toolwall.yaml";
  proxy::ProxyConfig config;
  if (!config_path.empty()) {
    auto loaded = proxy::load_config(config_path);
    if (!loaded) {
      std::cerr << to_string(loaded.error());
      return 2;
    }
    config = std::move(*loaded);
  }
  if (policy_path.empty()) policy_path = config.policy_path;
  if (!client.empty()) {
    auto directory = proxy::ClientDirectory::load(config.team);
    if (!directory) {
      std::cerr << "toolwall policy show: " << directory.error() << "\n";
      return 2;
    }
    const proxy::ClientSpec* spec = nullptr;
    for (const auto& c : directory->clients())
      if (c.name == client) spec = &c;
    if (!spec) {
      std::cerr << "toolwall policy show: no client named '" << client << "' in "
                << (config_path.empty() ? "the config" : config_path) << "\n";
      return 2;
    }
    layers.insert(layers.begin(), spec->layers.begin(), spec->layers.end());
  }

  // Load the stack one layer more at a time: where a rule first appears, and where its action rose.
  std::vector<std::string> stack{policy_path};
  stack.insert(stack.end(), layers.begin(), layers.end());
  std::map<std::string, Origin> origins;
  std::shared_ptr<const policy::Policy> effective;
  for (size_t depth = 1; depth <= stack.size(); ++depth) {
    auto loaded = policy::Policy::load_layers({stack.begin(), stack.begin() + static_cast<long>(depth)});
    if (!loaded) {
      std::cerr << to_string(loaded.error());
      return 1;
    }
    for (const auto& rule : (*loaded)->rules()) {
      auto [it, added] = origins.try_emplace(rule.id, Origin{stack[depth - 1], rule.action, {}});
      if (!added && rule.action != it->second.action) {
        it->second.action = rule.action;
        it->second.tightened_by = stack[depth - 1];
      }
    }
    effective = *loaded;
  }
  std::cout << "# effective policy" << (client.empty() ? "" : " for client " + client) << ": " << policy_path;
  for (const auto& layer : layers) std::cout << " + " << layer;
  std::cout << "\n# fail_mode: " << to_string(effective->fail_mode()) << "\n";
  size_t width = 0;
  for (const auto& rule : effective->rules()) width = std::max(width, rule.id.size());
  for (const auto& rule : effective->rules()) {
    const Origin& origin = origins[rule.id];
    std::cout << std::left << std::setw(static_cast<int>(width + 2)) << rule.id << std::setw(9)
              << to_string(rule.action) << origin.added_by;
    if (!origin.tightened_by.empty()) std::cout << " (action set by " << origin.tightened_by << ")";
    std::cout << "\n";
  }
  return 0;
}

}  // namespace toolwall::cli
