#pragma once
// Whole-file readings of written code where the two halves of a harm need not share an expression:
// the environment read in one function and shipped by a request in another, a download in one method
// and the runner of a name in the next. Coarser than the detectors' queries, so reported as flags.
#include <optional>
#include <string>
#include <string_view>

#include "core/facts.h"

namespace toolwall::code {

// Code (Python, JavaScript/TypeScript, Go) that reads the whole environment somewhere and sends HTTP
// requests somewhere in the same file: the two need not be in one expression to ship the environment
// (a dataclass default and a report() beside it). `environment_with_network` with the first non-local
// URL host, or nullopt; the environment handed to a child process is not counted.
std::optional<Marker> environment_with_network(const std::string& path, std::string_view content);

// Code that runs code or a shell command held in a name (exec(src), new Function(…, src), sh -c with a
// variable script) in a file that downloads from a named host: the download may be what runs, across
// functions. `runner_with_network`, or nullopt.
std::optional<Marker> runner_with_network(const std::string& path, std::string_view content);

// Code that reads a credential file (named whole or in pieces: ~/.aws/credentials, ~/.ssh/id_*, .npmrc,
// .netrc, .git-credentials, .pypirc, ~/.docker/config.json, ~/.kube/config) in a file that sends HTTP
// requests. `credentials_with_network`, or nullopt.
std::optional<Marker> credentials_with_network(const std::string& path, std::string_view content);

// A bundler configuration (vite, webpack, rollup, next, nuxt, astro) that defines process.env as the
// build's whole environment: every secret in it ships to browsers. `security_off`, or nullopt.
std::optional<Marker> environment_in_bundle(const std::string& path, std::string_view content);

}  // namespace toolwall::code
