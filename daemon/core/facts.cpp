#include "core/facts.h"

#include <algorithm>
#include <iterator>

namespace toolwall {

template <class T>
static void append(std::vector<T>& to, std::vector<T>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

void Facts::merge(Facts other) {
  append(commands, other.commands);
  append(flows, other.flows);
  append(markers, other.markers);
  append(files, other.files);
  append(inline_code, other.inline_code);
  append(code, other.code);
  for (auto& host : other.hosts)
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(std::move(host));
  if (!other.complete) {
    complete = false;
    if (incomplete_reason.empty()) incomplete_reason = std::move(other.incomplete_reason);
  }
}

bool same_flow(const Flow& a, const Flow& b) {
  return a.from == b.from && a.to == b.to && a.source == b.source && a.sink == b.sink && a.host == b.host;
}

bool same_marker(const Marker& a, const Marker& b) { return a.name == b.name && a.detail == b.detail; }

}  // namespace toolwall
