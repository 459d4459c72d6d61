#pragma once
// Hot reload: the config, policy, layer, profiles and token files are watched (mtime polling) and
// reloaded on change or on request (SIGHUP). A new state is built and validated whole before it
// replaces the running one; a bad file is logged with file:line:col and the running state kept.
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/expected.h"
#include "proxy/config.h"
#include "proxy/metrics.h"
#include "proxy/team_gate.h"

namespace toolwall::proxy {

// Loads the base engine and one engine per distinct client layer stack (each behind a verdict cache
// counting into `cache_counters` when given), the client directory and the upstream key; every
// problem in one message.
Expected<std::shared_ptr<const TeamState>, std::string> build_team_state(
    const ProxyConfig& config, std::shared_ptr<engine::VerdictCacheCounters> cache_counters = nullptr);
// Every file a state was built from (config file first when given).
std::vector<std::string> watched_files(const ProxyConfig& config, const std::string& config_path);

class Reloader {
 public:
  using LoadConfig = std::function<Expected<ProxyConfig, std::string>()>;
  using Apply = std::function<void(const ProxyConfig&, std::shared_ptr<const TeamState>)>;
  // `config` and `state` are the running ones; `apply` installs a new pair.
  Reloader(LoadConfig load, Apply apply, std::shared_ptr<Metrics> metrics, ProxyConfig config,
           std::string config_path);
  ~Reloader();
  void start();           // begins polling when reload.watch is on
  void request();         // reload soon (SIGHUP); safe from any thread
  bool reload_now();      // synchronous: true when the new state was installed
  void stop();

 private:
  void loop();
  void remember_times();
  bool changed() const;

  LoadConfig load_;
  Apply apply_;
  std::shared_ptr<Metrics> metrics_;
  ProxyConfig config_;
  std::string config_path_;
  std::chrono::milliseconds interval_;
  std::map<std::string, std::filesystem::file_time_type> times_;
  std::mutex mutex_;
  std::mutex reload_mutex_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace toolwall::proxy
