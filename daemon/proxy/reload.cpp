#include "proxy/reload.h"

#include "engine/engine.h"
#include "engine/verdict_cache.h"
#include "proxy/credentials.h"

namespace toolwall::proxy {

namespace {
engine::EngineOptions engine_options(const ProxyConfig& config, std::vector<std::string> layers) {
  engine::EngineOptions options;
  options.policy_path = config.policy_path;
  if (!config.profiles_path.empty()) options.profiles_path = config.profiles_path;
  options.policy_layers = std::move(layers);
  return options;
}

std::string key_of(const std::vector<std::string>& layers) {
  std::string key;
  for (const auto& layer : layers) key += layer + '\n';
  return key;
}
}  // namespace

Expected<std::shared_ptr<const TeamState>, std::string> build_team_state(
    const ProxyConfig& config, std::shared_ptr<engine::VerdictCacheCounters> cache_counters) {
  auto state = std::make_shared<TeamState>();
  state->team = config.team;
  std::string problems;
  bool loopback = config.listen.host == "127.0.0.1" || config.listen.host == "::1" || config.listen.host == "localhost";
  bool holds_key = !config.team.upstream_api_key_env.empty() || !config.team.upstream_api_key_file.empty();
  for (const auto& named : config.routing.upstreams) holds_key = holds_key || named.holds_key();
  if (holds_key && !config.team.clients_required() && !loopback)
    return unexpected("the proxy holds the upstream API key and listens on " + config.listen.host +
                      " without clients: anyone who reaches it could spend the key; configure clients "
                      "(or client_tokens_file), or listen on 127.0.0.1\n");
  auto base = engine::Engine::load(engine_options(config, {}));
  if (!base) return unexpected("the policy did not load:\n" + to_string(base.error()));
  const size_t cache = config.limits.verdict_cache_entries;
  state->base_judge = engine::with_verdict_cache(*base, cache, cache_counters);
  auto directory = ClientDirectory::load(config.team);
  if (!directory) return unexpected(directory.error());
  state->directory = std::move(*directory);
  std::map<std::string, std::shared_ptr<const Judge>> by_layers;
  for (const auto& client : state->directory.clients()) {
    if (client.layers.empty()) {
      state->client_judges[client.name] = state->base_judge;
      continue;
    }
    auto key = key_of(client.layers);
    auto known = by_layers.find(key);
    if (known == by_layers.end()) {
      auto loaded = engine::Engine::load(engine_options(config, client.layers));
      if (!loaded) {
        problems += "the policy layers of client '" + client.name + "' did not load:\n" + to_string(loaded.error());
        continue;
      }
      known = by_layers.emplace(key, engine::with_verdict_cache(*loaded, cache, cache_counters)).first;
    }
    state->client_judges[client.name] = known->second;
  }
  if (!problems.empty()) return unexpected(problems);
  auto key = load_upstream_key(config.team);
  if (!key) return unexpected(key.error());
  state->upstream_key = std::move(*key);
  auto named_keys = load_named_upstream_keys(config.routing);
  if (!named_keys) return unexpected(named_keys.error());
  state->upstream_keys = std::move(*named_keys);
  return std::shared_ptr<const TeamState>(std::move(state));
}

std::vector<std::string> watched_files(const ProxyConfig& config, const std::string& config_path) {
  std::vector<std::string> files;
  if (!config_path.empty()) files.push_back(config_path);
  files.push_back(config.policy_path);
  if (!config.profiles_path.empty()) files.push_back(config.profiles_path);
  if (!config.team.client_tokens_file.empty()) files.push_back(config.team.client_tokens_file);
  if (!config.team.upstream_api_key_file.empty()) files.push_back(config.team.upstream_api_key_file);
  for (const auto& client : config.team.clients)
    for (const auto& layer : client.layers) files.push_back(layer);
  for (const auto& named : config.routing.upstreams)
    if (!named.api_key_file.empty()) files.push_back(named.api_key_file);
  return files;
}

Reloader::Reloader(LoadConfig load, Apply apply, std::shared_ptr<Metrics> metrics, ProxyConfig config,
                   std::string config_path)
    : load_(std::move(load)),
      apply_(std::move(apply)),
      metrics_(std::move(metrics)),
      config_(std::move(config)),
      config_path_(std::move(config_path)),
      interval_(config_.team.reload_interval) {
  remember_times();
}

Reloader::~Reloader() { stop(); }

void Reloader::start() { thread_ = std::thread([this] { loop(); }); }

void Reloader::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Reloader::request() {
  {
    std::lock_guard lock(mutex_);
    requested_ = true;
  }
  wake_.notify_all();
}

void Reloader::remember_times() {
  times_.clear();
  for (const auto& file : watched_files(config_, config_path_)) {
    std::error_code ec;
    times_[file] = std::filesystem::last_write_time(file, ec);  // missing: the epoch, so it shows up
  }
}

bool Reloader::changed() const {
  for (const auto& [file, time] : times_) {
    std::error_code ec;
    if (std::filesystem::last_write_time(file, ec) != time) return true;
  }
  return false;
}

bool Reloader::reload_now() {
  std::lock_guard reloading(reload_mutex_);
  auto config = load_();
  std::shared_ptr<const TeamState> state;
  std::string error;
  if (config) {
    auto built = build_team_state(*config, metrics_ ? metrics_->verdict_cache() : nullptr);
    if (built) state = *built;
    else error = built.error();
  } else {
    error = config.error();
  }
  if (!state) {
    // The times are taken anyway, so one bad save is reported once, not every second.
    remember_times();
    metrics_->reload(false);
    log_event("error", "reload_failed", {{"error", error}, {"kept", "the running policy and config"}});
    return false;
  }
  config_ = *config;
  remember_times();
  apply_(config_, state);
  metrics_->reload(true);
  log_event("info", "reloaded", {{"policy", config_.policy_path}, {"clients", state->directory.clients().size()}});
  return true;
}

void Reloader::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait_for(lock, interval_, [this] { return stopping_ || requested_; });
    if (stopping_) return;
    bool asked = requested_;
    requested_ = false;
    lock.unlock();
    bool due = asked;
    if (!due) {
      std::lock_guard reloading(reload_mutex_);
      due = config_.team.reload_watch && changed();
    }
    if (due) reload_now();
    lock.lock();
  }
}

}  // namespace toolwall::proxy
