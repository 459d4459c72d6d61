#include "analysis/shell/model.h"

#include <algorithm>

namespace toolwall::shell {

void add_via(Taints& taints, const std::string& step) {
  for (auto& taint : taints)
    if (taint.via.empty() || taint.via.back() != step) taint.via.push_back(step);
}

void merge_taints(Taints& into, const Taints& more) {
  for (const auto& taint : more) {
    auto same = std::find_if(into.begin(), into.end(), [&](const Taint& t) {
      return t.from == taint.from && t.source == taint.source && t.filtered == taint.filtered;
    });
    if (same == into.end() && into.size() < 64) into.push_back(taint);
  }
}

bool has_class(const Taints& taints, std::string_view from) {
  return std::any_of(taints.begin(), taints.end(), [&](const Taint& t) { return t.from == from; });
}

bool is_secret_class(std::string_view from) {
  // agent_input: a hook's stdin carries every command and file the agent handles, secrets among them.
  return from == "env_dump" || from == "secret_var" || from == "credential_file" || from == "credential_helper" ||
         from == "agent_input";
}

void merge_stream(Stream& into, const Stream& more) {
  merge_taints(into.taint, more.taint);
  // Unknown parts are left out: a sequence's known text is still worth reading (cron payloads).
  constexpr size_t kMaxLiteral = 4 * 1024 * 1024;
  if (more.literal) {
    if (into.literal.value_or(std::string()).size() + more.literal->size() > kMaxLiteral) into.literal.reset();
    else into.literal = into.literal.value_or(std::string()) + *more.literal;
  }
  into.decoded = into.decoded || more.decoded;
  into.interactive_shell = into.interactive_shell || more.interactive_shell;
  into.network_peer = into.network_peer || more.network_peer;
  if (into.secret_file_names.empty()) into.secret_file_names = more.secret_file_names;
}

void keep_network(Taints& taints) {
  taints.erase(std::remove_if(taints.begin(), taints.end(), [](const Taint& t) { return t.from != "network"; }),
               taints.end());
}

}  // namespace toolwall::shell
