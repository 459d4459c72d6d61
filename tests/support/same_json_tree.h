#pragma once
// Equal JSON values of equal JSON types all the way down: nlohmann's == calls 5 and 5u equal, while
// the engine and the audit log could still tell them apart.
#include <nlohmann/json.hpp>

namespace toolwall::test {

inline bool same_json_tree(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto it = a.begin(), other = b.begin(); it != a.end(); ++it, ++other)
      if (it.key() != other.key() || !same_json_tree(*it, *other)) return false;
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
      if (!same_json_tree(a[i], b[i])) return false;
    return true;
  }
  return a == b;
}

}  // namespace toolwall::test
