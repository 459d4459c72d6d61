#include "proxy/serve.h"

#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "engine/engine.h"
#include "proxy/metrics.h"
#include "proxy/reload.h"
#include "proxy/routes.h"
#include "proxy/server.h"
#include "proxy/team_gate.h"

namespace toolwall::proxy {

audit::AuditEntry audit_entry(const wire::ExchangeContext& exchange, const wire::JudgedCall& judged) {
  audit::AuditEntry entry{exchange.request_id,  exchange.client_address, judged.model,
                          exchange.agent,       judged.choice,           &judged.call,
                          &judged.verdict,      judged.sent_instead,     exchange.client_name,
                          exchange.upstream};
  return entry;
}

namespace {

constexpr std::string_view kDefaultConfig = "config/toolwall.yaml";

void print_serve_usage(std::ostream& out) {
  out << "usage: toolwall serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--policy FILE]\n"
         "                      [--profiles FILE] [--audit-log FILE] [--threads N]\n"
         "                      [--max-connections N]\n"
         "  --config FILE       settings (default: config/toolwall.yaml when present); flags override it\n"
         "  --listen HOST:PORT  address to serve on (port 0 picks a free port; the address is printed)\n"
         "  --upstream URL      the model endpoint, http:// or https:// (verified TLS); with `upstreams:`\n"
         "                      in the config, where requests go that no route matches and no\n"
         "                      default_upstream takes\n"
         "  --policy FILE       the policy (default rules/default.yaml)\n"
         "  --profiles FILE     agent profiles (default config/agents.yaml)\n"
         "  --audit-log FILE    append verdicts as JSON lines ('-' for standard error)\n"
         "  --threads N         I/O threads (default: one per core)\n"
         "  --max-connections N open client connections served at once; more get 503 (default 4096)\n";
}

struct Flags {
  std::string config, listen, upstream, policy, profiles, audit_log, threads, max_connections;
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
              : arg == "--max-connections" ? value(flags.max_connections)
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
  if (!flags.max_connections.empty()) {
    size_t parsed = 0;
    try {
      parsed = std::stoul(flags.max_connections);
    } catch (const std::exception&) {
    }
    if (parsed == 0) return unexpected(std::string("--max-connections must be a number of at least 1"));
    config.limits.max_connections = parsed;
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

  // The policy, client layers, tokens and upstream key, built whole; rebuilt the same way on reload.
  auto metrics = std::make_shared<Metrics>();
  auto state = build_team_state(*config, metrics->verdict_cache());
  if (!state) {
    std::cerr << "toolwall serve: " << state.error();
    if (state.error().empty() || state.error().back() != '\n') std::cerr << "\n";
    return 2;
  }
  auto gate = std::make_shared<TeamGate>(metrics);
  gate->set_state(*state);
  std::string config_path = flags.config;
  if (config_path.empty() && std::filesystem::exists(std::string(kDefaultConfig))) config_path = std::string(kDefaultConfig);
  std::shared_ptr<Reloader> reloader;

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
  options.judge = (*state)->base_judge;
  options.gate = gate;
  options.on_verdict = [audit_log, metrics](const wire::ExchangeContext& exchange, const wire::JudgedCall& judged) {
    metrics->verdict(judged.verdict);
    if (audit_log) {
      audit_log->record(audit_entry(exchange, judged));
    }
  };
  // SIGHUP: reopen the audit log (logrotate) and reload the config and policies.
  options.on_reopen = [audit_log, &reloader] {
    if (audit_log) {
      auto reopened = audit_log->reopen();
      if (!reopened) log_event("error", "audit_reopen_failed", {{"error", reopened.error()}});
    }
    if (reloader) reloader->request();
  };
  auto server = Server::create(std::move(options));
  if (!server) {
    std::cerr << "toolwall serve: " << server.error() << "\n";
    return 1;
  }
  Server* running = server->get();
  gate->set_wire_counters(&running->counters());
  metrics->set_connection_counters(&running->connections());
  const ProxyConfig started_with = *config;
  reloader = std::make_shared<Reloader>(
      [flags] { return configure(flags); },
      [gate, running, started_with](const ProxyConfig& fresh, std::shared_ptr<const TeamState> fresh_state) {
        if (fresh.listen.host != started_with.listen.host || fresh.listen.port != started_with.listen.port ||
            upstream_text(fresh.upstream) != upstream_text(started_with.upstream))
          log_event("warn", "restart_needed", {{"why", "listen and upstream changes take effect on restart"}});
        // The route table and upstream set stay as started (the server's pools follow them), and so
        // do the named upstreams' keys: a new table is never half applied.
        if (describe_routing(fresh) != describe_routing(started_with)) {
          log_event("warn", "restart_needed", {{"why", "upstreams and routes changes take effect on restart"}});
          auto kept = std::make_shared<TeamState>(*fresh_state);
          if (auto running_state = gate->state()) kept->upstream_keys = running_state->upstream_keys;
          fresh_state = std::move(kept);
        }
        gate->set_state(fresh_state);
        running->swap_judge(fresh_state->base_judge);
      },
      metrics, *config, config_path);
  reloader->start();
  Endpoint bound = (*server)->local_endpoint();
  std::cout << "toolwall: listening on http://" << bound.host << ":" << bound.port << " → "
            << describe_routing(*config) << " (policy " << config->policy_path << ")" << std::endl;
  log_event("info", "started", {{"listen", bound.host + ":" + std::to_string(bound.port)},
                                 {"upstream", describe_routing(*config)},
                                 {"policy", config->policy_path},
                                 {"clients", (*state)->directory.clients().size()},
                                 {"upstream_key_held", !(*state)->upstream_key.empty()},
                                 {"upstream_keys_held", (*state)->upstream_keys.size()}});
  (*server)->run();
  reloader->stop();
  std::cout << "toolwall: stopped" << std::endl;
  return 0;
}

}  // namespace toolwall::proxy
