#pragma once
// Client identities: toolwall tokens (never provider keys) mapped to names and policy layers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"
#include "proxy/team_config.h"

namespace toolwall::proxy {

// Lower-case hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

class ClientDirectory {
 public:
  // The clients of the config plus those of its tokens file; errors name the file and line.
  static Expected<ClientDirectory, std::string> load(const TeamConfig& team);
  // The client whose token hashes to the same value; compares every entry in constant time.
  const ClientSpec* find(std::string_view token) const;
  bool empty() const { return clients_.empty(); }
  const std::vector<ClientSpec>& clients() const { return clients_; }

 private:
  std::vector<ClientSpec> clients_;
};

// The toolwall token a request carries: `Authorization: Bearer X`, else `x-api-key: X`.
std::string_view presented_token(std::string_view authorization, std::string_view api_key);

}  // namespace toolwall::proxy
