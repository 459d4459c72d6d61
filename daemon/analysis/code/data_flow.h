#pragma once
// Data flow between the functions of one written file (Python, JavaScript/TypeScript, Go): where a
// secret or a download enters (the whole environment, a credential file read, a credential helper's
// output, the Authorization header of requests the code serves, a response body) followed through
// assignments, returns, arguments, containers, attributes and callbacks to where it leaves (an HTTP
// request's URL or body, a socket, a DNS query) or runs (eval, new Function, sh -c).
//
// Names are followed per function (closures read their outer functions' names, attributes are one
// name per file) until nothing changes; calls to the file's own functions bind their parameters and
// return what their returns carry. Library calls carry their arguments only when they transform data
// (serialise, encode, join, wrap in a request), so a token handed to verify() does not taint the
// claims it returns.
#include <string>
#include <string_view>
#include <vector>

#include "analysis/code/syntax.h"
#include "core/facts.h"

namespace toolwall::code {

// One marker per kind of flow found, located at the call where the data leaves or runs:
// `environment_to_network`, `credentials_to_network` (credential files and helpers, SDK credentials,
// incoming Authorization headers sent in a request's body or URL — forwarding them as headers is what
// proxies do, and a vendor's secret variable sent to a host not that vendor's), `server_secret_to_network`
// (a database URL or signing key sent to a named host), `secret_in_dns` (a secret variable, encoded, in a name the code resolves) and
// `fetched_code_runs` (a response body run as code or as a shell command). host: where the data goes
// (or, for code that runs, the first host the file names), when the file says.
struct DataFlow {
  std::vector<Marker> markers;
  bool complete = true;  // false: the file outlasted the follower's bounds before every name settled
};
DataFlow follow_data_flow(const SyntaxTree& tree, Language language, const std::string& path);

// Whether a text names both a source and a sink (or a download and a runner) the follower knows: the
// cheap test it starts with, for callers deciding whether to parse at all.
bool worth_following(std::string_view text);

}  // namespace toolwall::code
