#include "proxy/team_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>

#include "proxy/client_auth.h"

namespace toolwall::proxy {

namespace {

struct TeamReader {
  const std::string& file;
  Diagnostics& errors;

  void error(const YAML::Node& node, std::string message) {
    auto mark = node.Mark();
    errors.push_back(Diagnostic{file, mark.line >= 0 ? mark.line + 1 : 0, mark.column >= 0 ? mark.column + 1 : 0,
                                std::move(message)});
  }
  bool text(const YAML::Node& node, const std::string& key, std::string& out) {
    if (!node.IsScalar()) {
      error(node, "'" + key + "' must be a single value");
      return false;
    }
    out = node.Scalar();
    return true;
  }
  void list(const YAML::Node& node, const std::string& key, std::vector<std::string>& out) {
    if (!node.IsSequence()) {
      error(node, "'" + key + "' must be a list");
      return;
    }
    for (const auto& item : node) {
      std::string value;
      if (text(item, key, value)) out.push_back(value);
    }
  }
  static bool is_sha256_hex(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
  }

  void client(const YAML::Node& node, TeamConfig& team) {
    if (!node.IsMap()) {
      error(node, "each entry of 'clients' must be a mapping with name, token (or token_sha256) and layers");
      return;
    }
    ClientSpec spec;
    bool has_token = false;
    for (const auto& item : node) {
      std::string key = item.first.Scalar();
      if (key == "name") {
        text(item.second, "clients.name", spec.name);
      } else if (key == "token") {
        std::string token;
        if (text(item.second, "clients.token", token)) {
          if (token.size() < 16) error(item.second, "a client token must have at least 16 characters");
          spec.token_sha256 = sha256_hex(token);
          has_token = true;
        }
      } else if (key == "token_sha256") {
        if (text(item.second, "clients.token_sha256", spec.token_sha256)) {
          for (char& c : spec.token_sha256) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
          if (!is_sha256_hex(spec.token_sha256)) error(item.second, "'token_sha256' must be 64 hex digits");
          has_token = true;
        }
      } else if (key == "layers") {
        list(item.second, "clients.layers", spec.layers);
      } else {
        error(item.first, "unknown setting 'clients." + key + "' (known here: layers, name, token, token_sha256)");
      }
    }
    if (spec.name.empty()) error(node, "a client needs a name");
    if (!has_token) error(node, "client '" + spec.name + "' needs a token or token_sha256");
    for (const auto& other : team.clients)
      if (other.name == spec.name && !spec.name.empty()) error(node, "client '" + spec.name + "' is listed twice");
    team.clients.push_back(std::move(spec));
  }

  void duration(const YAML::Node& node, const std::string& key, std::chrono::milliseconds& out) {
    std::string s;
    if (!text(node, key, s)) return;
    char* end = nullptr;
    double number = std::strtod(s.c_str(), &end);
    std::string unit(end == nullptr ? "" : end);
    double factor = unit.empty() || unit == "s" ? 1000 : unit == "ms" ? 1 : -1;
    if (end == s.c_str() || factor < 0 || !std::isfinite(number) || number * factor < 100 || number * factor > 3.6e6) {
      error(node, "'" + key + "' must be a duration from 100ms to 3600s, not '" + s + "'");
      return;
    }
    out = std::chrono::milliseconds(static_cast<int64_t>(number * factor));
  }
};

}  // namespace

const std::vector<std::string>& team_setting_keys() {
  static const std::vector<std::string> keys{"clients", "client_tokens_file", "upstream_api_key_env",
                                             "upstream_api_key_file", "models", "reload"};
  return keys;
}

void read_team_setting(const YAML::Node& node, const std::string& key, const std::string& file, TeamConfig& team,
                       Diagnostics& errors) {
  TeamReader r{file, errors};
  if (key == "clients") {
    if (node.IsNull()) return;
    if (!node.IsSequence()) return r.error(node, "'clients' must be a list of {name, token, layers}");
    for (const auto& entry : node) r.client(entry, team);
  } else if (key == "client_tokens_file") {
    r.text(node, key, team.client_tokens_file);
  } else if (key == "upstream_api_key_env") {
    r.text(node, key, team.upstream_api_key_env);
  } else if (key == "upstream_api_key_file") {
    r.text(node, key, team.upstream_api_key_file);
  } else if (key == "models") {
    if (!node.IsMap()) return r.error(node, "'models' must be a mapping with allow and/or deny lists of globs");
    for (const auto& item : node) {
      std::string name = item.first.Scalar();
      if (name == "allow") r.list(item.second, "models.allow", team.models.allow);
      else if (name == "deny") r.list(item.second, "models.deny", team.models.deny);
      else r.error(item.first, "unknown setting 'models." + name + "' (known here: allow, deny)");
    }
  } else if (key == "reload") {
    if (!node.IsMap()) return r.error(node, "'reload' must be a mapping (watch, interval)");
    for (const auto& item : node) {
      std::string name = item.first.Scalar();
      if (name == "watch") {
        std::string v;
        if (r.text(item.second, "reload.watch", v)) {
          if (v == "true" || v == "yes" || v == "on") team.reload_watch = true;
          else if (v == "false" || v == "no" || v == "off") team.reload_watch = false;
          else r.error(item.second, "'reload.watch' must be true or false");
        }
      } else if (name == "interval") {
        r.duration(item.second, "reload.interval", team.reload_interval);
      } else {
        r.error(item.first, "unknown setting 'reload." + name + "' (known here: interval, watch)");
      }
    }
  }
  if (!team.upstream_api_key_env.empty() && !team.upstream_api_key_file.empty() &&
      (key == "upstream_api_key_env" || key == "upstream_api_key_file"))
    r.error(node, "set upstream_api_key_env or upstream_api_key_file, not both");
}

}  // namespace toolwall::proxy
