#pragma once
// HTTP header rules a forwarding proxy must apply (RFC 9110 §7.6.1), free of any HTTP library.
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::proxy {

// The lower-cased option names listed in a Connection header value ("close, X-Foo" → close, x-foo).
std::vector<std::string> connection_options(std::string_view value);
// Whether a header belongs to one hop only and must not be forwarded: the fixed hop-by-hop set,
// any Proxy-* header, and every header the message's Connection header names.
bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& connection_named);
// Whether an Upgrade header value asks for a WebSocket ("websocket", "WebSocket, h2c").
bool asks_websocket(std::string_view upgrade);
// The path of a request target without its query string or fragment ("/v1/x?beta=true" → "/v1/x").
std::string_view path_of(std::string_view target);

}  // namespace toolwall::proxy
