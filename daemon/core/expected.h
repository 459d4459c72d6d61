#pragma once
// A small std::expected stand-in (C++23's is not in C++20): a value or an error, never both.
#include <utility>
#include <variant>

namespace toolwall {

template <class E>
struct Unexpected {
  E error;
};
template <class E>
Unexpected<E> unexpected(E e) { return Unexpected<E>{std::move(e)}; }

template <class T, class E>
class Expected {
 public:
  Expected(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Expected(Unexpected<E> e) : state_(std::in_place_index<1>, std::move(e.error)) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const E& error() const& { return std::get<1>(state_); }
  E& error() & { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace toolwall
