#include "proxy/serve.h"

#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "engine/engine.h"
#include "proxy/server.h"

namespace toolwall::proxy {

namespace {

constexpr std::string_view kDefaultConfig = "config/toolwall.yaml";

void print_serve_usage(std::ostream& out) {
  out << "usage: toolwall serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--policy FILE]\n"
         "                      [--profiles FILE] [--audit-log FILE] [--threads N]\n"
         "  --config FILE       settings (default: config/toolwall.yaml when present); flags override it\n"
         "  --listen HOST:PORT  address to serve on (port 0 picks a free port; the address is printed)\n"
         "  --upstream URL      the model endpoint, http:// or https:// (verified TLS)\n"
         "  --policy FILE       the policy (default rules/default.yaml)\n"
         "  --profiles FILE     agent profiles (default config/agents.yaml)\n"
         "  --audit-log FILE    append verdicts as JSON lines ('-' for standard error)\n"
         "  --threads N         I/O threads (default: one per core)\n";
}

struct Flags {
  std::string config, listen, upstream, policy, profiles, audit_log, threads;
};

bool parse_flags(int argc, char** argv, Flags& flags) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= argc) return false;
      into = argv[++i];
      return true;
    };
    bool ok = arg == "--config"      ? value(flags.config)
              : arg == "--listen"    ? value(flags.listen)
              : arg == "--upstream"  ? value(flags.upstream)
              : arg == "--policy"    ? value(flags.policy)
              : arg == "--profiles"  ? value(flags.profiles)
              : arg == "--audit-log" ? value(flags.audit_log)
              : arg == "--threads"   ? value(flags.threads)
                                     : false;
    if (!ok) {
      std::cerr << "toolwall serve: unknown option or missing value: " << arg << "\n";
      return false;
    }
  }
  return true;
}

Expected<ProxyConfig, std::string> configure(const Flags& flags) {
  ProxyConfig config;
  std::string path = flags.config;
  if (path.empty() && std::filesystem::exists(std::string(kDefaultConfig))) path = std::string(kDefaultConfig);
  if (!path.empty()) {
    auto loaded = load_config(path);
    if (!loaded) return unexpected(to_string(loaded.error()));
    config = std::move(*loaded);
  }
  if (!flags.listen.empty()) {
    auto endpoint = parse_endpoint(flags.listen);
    if (!endpoint) return unexpected("--listen: " + endpoint.error());
    config.listen = *endpoint;
  }
  if (!flags.upstream.empty()) {
    auto upstream = parse_upstream(flags.upstream);
    if (!upstream) return unexpected("--upstream: " + upstream.error());
    config.upstream = *upstream;
  }
  if (!flags.policy.empty()) config.policy_path = flags.policy;
  if (!flags.profiles.empty()) config.profiles_path = flags.profiles;
  if (!flags.audit_log.empty()) config.audit_path = flags.audit_log;
  if (!flags.threads.empty()) {
    try {
      config.threads = static_cast<unsigned>(std::stoul(flags.threads));
    } catch (const std::exception&) {
      return unexpected(std::string("--threads must be a number"));
    }
  }
  auto problems = validate(config);
  if (!problems.empty()) return unexpected(to_string(problems));
  return config;
}

std::string upstream_text(const UpstreamUrl& url) {
  return std::string(url.tls ? "https://" : "http://") + url.host_header() + url.base_path;
}

}  // namespace

int serve_command(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      print_serve_usage(std::cout);
      return 0;
    }
  }
  if (!parse_flags(argc, argv, flags)) {
    print_serve_usage(std::cerr);
    return 2;
  }
  auto config = configure(flags);
  if (!config) {
    std::cerr << "toolwall serve: " << config.error();
    if (config.error().empty() || config.error().back() != '\n') std::cerr << "\n";
    return 2;
  }

  engine::EngineOptions engine_options;
  engine_options.policy_path = config->policy_path;
  if (!config->profiles_path.empty()) engine_options.profiles_path = config->profiles_path;
  auto engine = engine::Engine::load(engine_options);
  if (!engine) {
    std::cerr << "toolwall serve: the policy did not load:\n" << to_string(engine.error());
    return 2;
  }

  std::shared_ptr<audit::AuditLog> audit_log;
  if (!config->audit_path.empty()) {
    auto opened = audit::AuditLog::open({config->audit_path, config->audit_log_all});
    if (!opened) {
      std::cerr << "toolwall serve: " << opened.error() << "\n";
      return 2;
    }
    audit_log = std::move(*opened);
  }

  ServerOptions options;
  options.config = *config;
  options.judge = *engine;
  if (audit_log) {
    options.on_verdict = [audit_log](const wire::ExchangeContext& exchange, const wire::JudgedCall& judged) {
      audit::AuditEntry entry{exchange.request_id, exchange.client_address, judged.model, exchange.agent,
                              judged.choice,       &judged.call,            &judged.verdict, judged.sent_instead};
      audit_log->record(entry);
    };
    options.on_reopen = [audit_log] {
      auto reopened = audit_log->reopen();
      if (!reopened) std::cerr << "toolwall serve: " << reopened.error() << "\n";
    };
  }
  auto server = Server::create(std::move(options));
  if (!server) {
    std::cerr << "toolwall serve: " << server.error() << "\n";
    return 1;
  }
  Endpoint bound = (*server)->local_endpoint();
  std::cout << "toolwall: listening on http://" << bound.host << ":" << bound.port << " → "
            << upstream_text(config->upstream) << " (policy " << config->policy_path << ")" << std::endl;
  (*server)->run();
  std::cout << "toolwall: stopped" << std::endl;
  return 0;
}

}  // namespace toolwall::proxy
