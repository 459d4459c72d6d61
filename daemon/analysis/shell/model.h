#pragma once
// The analyser's internal vocabulary: data labels (taint), byte streams and evaluated words.
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <vector>

#include "core/span.h"

namespace toolwall::shell {

// A label on data that came from a source class (env_dump, secret_var, credential_file, …).
struct Taint {
  std::string from;
  std::string source;            // what was read, as written
  std::vector<std::string> via;  // path so far
  std::string host;              // where network data came from
  bool filtered = false;         // passed a selective filter (grep X): no longer the whole secret
};
using Taints = std::vector<Taint>;

// Appends step to the path of every label (no repeats of the last step).
void add_via(Taints& taints, const std::string& step);
// Drops every label but fetched data: what a program loads or a shell runs matters only when it was downloaded.
void keep_network(Taints& taints);
// Adds labels not yet present (same from + source).
void merge_taints(Taints& into, const Taints& more);
bool has_class(const Taints& taints, std::string_view from);
bool is_secret_class(std::string_view from);

// What a command writes to stdout, as far as it is known.
struct Stream {
  Taints taint;
  std::optional<std::string> literal;  // the bytes, when statically known
  bool decoded = false;                // passed through a decoder (base64 -d, rev, xxd -r …)
  bool interactive_shell = false;      // output of a shell reading commands (reverse-shell shapes)
  bool network_peer = false;           // bytes from a raw socket peer (nc, socat, /dev/tcp)
  bool heredoc = false;                // the bytes are a here-document
  // The bytes are names of files picked for secret content (grep -rl "PRIVATE KEY" ~): reading those
  // files reads secrets. Describes the search, for the flow's source.
  std::string secret_file_names;
};
void merge_stream(Stream& into, const Stream& more);

// One shell word after expansion, as far as it can be done statically.
struct Word {
  std::string text;          // normalised; unresolved parts keep their source text
  std::string source;        // the word as written
  bool dynamic = false;      // some part could not be resolved
  bool obfuscated = false;   // quote splitting, escapes, ANSI-C, variable/IFS/brace tricks changed it
  bool quoted = false;       // some part was quoted
  bool has_substitution = false;
  bool resolved_variable = false;
  bool positional = false;   // a function's or script's argument: the word its caller wrote, in plain sight
  Taints taint;              // data that flows into the word
  std::optional<Stream> stream;  // process substitution: the word names this stream
  Span span;                 // in the current text
  int node_index = -1;       // which argument node it came from
  TSNode node{};             // the syntax node (null for synthetic words)
};

}  // namespace toolwall::shell
