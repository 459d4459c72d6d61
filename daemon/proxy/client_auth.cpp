#include "proxy/client_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fstream>
#include <sstream>

namespace toolwall::proxy {

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Expected<ClientDirectory, std::string> ClientDirectory::load(const TeamConfig& team) {
  ClientDirectory directory;
  directory.clients_ = team.clients;
  if (team.client_tokens_file.empty()) return directory;
  std::ifstream in(team.client_tokens_file);
  if (!in) return unexpected(team.client_tokens_file + ":0:0: cannot read the client tokens file");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    ClientSpec spec;
    if (!(words >> spec.token_sha256)) continue;
    auto where = team.client_tokens_file + ":" + std::to_string(number) + ":1: ";
    bool hex = spec.token_sha256.size() == 64;
    for (char& c : spec.token_sha256) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }
    if (!hex) return unexpected(where + "expected 'SHA256HEX NAME [LAYER…]' (64 hex digits first)");
    if (!(words >> spec.name)) return unexpected(where + "a token needs a client name after the hash");
    for (std::string layer; words >> layer;) spec.layers.push_back(layer);
    for (const auto& other : directory.clients_)
      if (other.name == spec.name) return unexpected(where + "client '" + spec.name + "' is listed twice");
    directory.clients_.push_back(std::move(spec));
  }
  return directory;
}

const ClientSpec* ClientDirectory::find(std::string_view token) const {
  if (token.empty()) return nullptr;
  std::string presented = sha256_hex(token);
  const ClientSpec* match = nullptr;
  // Every entry is compared, in constant time, so timing says nothing about which hash was close.
  for (const auto& client : clients_) {
    bool same = client.token_sha256.size() == presented.size() &&
                CRYPTO_memcmp(client.token_sha256.data(), presented.data(), presented.size()) == 0;
    if (same && !match) match = &client;
  }
  return match;
}

std::string_view presented_token(std::string_view authorization, std::string_view api_key) {
  if (authorization.size() > 7 && (authorization.substr(0, 7) == "Bearer " || authorization.substr(0, 7) == "bearer ")) {
    std::string_view token = authorization.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
  }
  return api_key;
}

}  // namespace toolwall::proxy
