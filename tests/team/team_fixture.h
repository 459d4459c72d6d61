#pragma once
// A proxy with the team gate (clients, credentials, models, metrics) and a hot reloader, built from
// a config file in a temporary directory, in front of a scripted upstream.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "audit/audit_log.h"
#include "integration/scripted_upstream.h"
#include "proxy/reload.h"
#include "proxy/serve.h"
#include "proxy/server.h"
#include "proxy/team_gate.h"

namespace toolwall::test {

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class TeamFixture {
 public:
  // `config_text` is a toolwall.yaml (policy paths relative to the temp dir); listen and upstream are set here.
  TeamFixture(ScriptedUpstream::Handler handler, const std::map<std::string, std::string>& files)
      : upstream(std::move(handler)) {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("toolwall-team-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    for (const auto& [name, text] : files) write_file(dir / name, in_dir(text));
    config_path = (dir / "toolwall.yaml").string();
    auto config = load();
    if (!config) FAIL("config: " << config.error());
    metrics = std::make_shared<proxy::Metrics>();
    auto state = proxy::build_team_state(*config, metrics->verdict_cache());
    if (!state) FAIL("state: " << state.error());
    gate = std::make_shared<proxy::TeamGate>(metrics);
    gate->set_state(*state);
    auto log = audit::AuditLog::open({(dir / "audit.jsonl").string(), true});
    REQUIRE(log.has_value());
    audit_log = std::move(*log);
    proxy::ServerOptions options;
    options.config = *config;
    options.judge = (*state)->base_judge;
    options.gate = gate;
    options.handle_signals = false;
    options.on_verdict = [log = audit_log, m = metrics](const wire::ExchangeContext& exchange,
                                                         const wire::JudgedCall& judged) {
      m->verdict(judged.verdict);
      log->record(proxy::audit_entry(exchange, judged));
    };
    auto server = proxy::Server::create(std::move(options));
    if (!server) FAIL("server: " << server.error());
    server_ = std::move(*server);
    gate->set_wire_counters(&server_->counters());
    port = server_->local_endpoint().port;
    proxy::Server* running = server_.get();
    reloader = std::make_unique<proxy::Reloader>(
        [this] { return load(); },
        [g = gate, running](const proxy::ProxyConfig&, std::shared_ptr<const proxy::TeamState> fresh) {
          g->set_state(fresh);
          running->swap_judge(fresh->base_judge);
        },
        metrics, *config, config_path);
    reloader->start();
    runner_ = std::thread([this] { server_->run(); });
  }
  ~TeamFixture() {
    reloader->stop();
    server_->shutdown();
    runner_.join();
    std::filesystem::remove_all(dir);
  }
  // "@DIR@" in a text stands for the fixture's directory; "@SRC@" for the repository.
  std::string in_dir(std::string text) const {
    for (auto [from, to] : {std::pair<std::string, std::string>{"@DIR@", dir.string()}, {"@SRC@", TOOLWALL_SOURCE_DIR}})
      for (size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    return text;
  }
  void rewrite(const std::string& name, const std::string& text) { write_file(dir / name, in_dir(text)); }
  std::string audit_text() const {
    std::ifstream in(dir / "audit.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  ScriptedUpstream upstream;
  std::filesystem::path dir;
  std::string config_path;
  std::shared_ptr<proxy::Metrics> metrics;
  std::shared_ptr<proxy::TeamGate> gate;
  std::shared_ptr<audit::AuditLog> audit_log;
  std::unique_ptr<proxy::Reloader> reloader;
  uint16_t port = 0;

 private:
  Expected<proxy::ProxyConfig, std::string> load() {
    auto config = proxy::load_config(config_path);
    if (!config) return unexpected(to_string(config.error()));
    config->listen = {"127.0.0.1", 0};
    config->upstream = {false, "127.0.0.1", upstream.port(), ""};
    config->threads = 2;
    config->timeouts.client_idle = std::chrono::milliseconds(3000);
    config->timeouts.upstream_response = std::chrono::milliseconds(3000);
    config->timeouts.shutdown_grace = std::chrono::milliseconds(3000);
    config->team.reload_interval = std::chrono::milliseconds(100);
    return std::move(*config);
  }
  std::unique_ptr<proxy::Server> server_;
  std::thread runner_;
};

}  // namespace toolwall::test
