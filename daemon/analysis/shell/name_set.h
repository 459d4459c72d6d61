#pragma once
// A fixed set of names (commands, options, files), probed for every command the walker meets.
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace toolwall::shell {

// A fixed set of names, probed for every command: open addressing on FNV-1a, compared by length
// then bytes. std::unordered_set hashed each probe with murmur and a modulo by a prime,
// std::set compared names byte by byte down its tree.
class NameSet {
 public:
  NameSet(std::initializer_list<std::string_view> names) {
    size_t capacity = 16;
    while (capacity < names.size() * 4) capacity *= 2;
    slots_.resize(capacity);
    mask_ = capacity - 1;
    for (std::string_view name : names)
      if (!count(name)) slots_[free_slot(name)] = name;
  }
  size_t count(std::string_view name) const {
    for (size_t i = hash(name) & mask_;; i = (i + 1) & mask_) {
      const std::string_view& slot = slots_[i];
      if (slot.data() == nullptr) return 0;
      if (slot.size() == name.size() && (name.empty() || std::memcmp(slot.data(), name.data(), name.size()) == 0)) return 1;
    }
  }

 private:
  static size_t hash(std::string_view name) {
    uint32_t h = 2166136261u;
    for (unsigned char c : name) h = (h ^ c) * 16777619u;
    return h;
  }
  size_t free_slot(std::string_view name) const {
    size_t i = hash(name) & mask_;
    while (slots_[i].data() != nullptr) i = (i + 1) & mask_;
    return i;
  }
  std::vector<std::string_view> slots_;  // a null data() marks a free slot
  size_t mask_ = 0;
};

}  // namespace toolwall::shell
