#include "wire/chat_body_scan.h"

#include <array>
#include <cstdint>

#include "wire/json_reader.h"

namespace toolwall::wire {

namespace {

// Where in a chat completion the reader is. Only these containers are followed; any other container
// is skipped whole (the JSON reader still checks it).
enum class Place : uint8_t { root, choices, choice, message, tool_calls, call, function, legacy };

// The keys that matter in a followed place; every other key is `other`.
enum class Key : uint8_t {
  other,
  choices,
  model,
  index,
  message,
  tool_calls,
  function_call,
  id,
  type,
  function,
  custom,
  name,
  arguments
};

enum class Kind : uint8_t { any, object, array, string, integer };

struct Frame {
  Place place;
  Key key = Key::other;  // the current key, in an object
  uint16_t seen = 0;     // one bit per Key met so far: a repeated key is out of the ordinary
};

Key key_named(Place place, std::string_view name) {
  switch (place) {
    case Place::root:
      if (name == "choices") return Key::choices;
      if (name == "model") return Key::model;
      return Key::other;
    case Place::choice:
      if (name == "index") return Key::index;
      if (name == "message") return Key::message;
      return Key::other;
    case Place::message:
      if (name == "tool_calls") return Key::tool_calls;
      if (name == "function_call") return Key::function_call;
      return Key::other;
    case Place::call:
      if (name == "id") return Key::id;
      if (name == "type") return Key::type;
      if (name == "function") return Key::function;
      if (name == "custom") return Key::custom;
      return Key::other;
    case Place::function:
    case Place::legacy:
      if (name == "name") return Key::name;
      if (name == "arguments") return Key::arguments;
      return Key::other;
    default:
      return Key::other;  // arrays have no keys
  }
}

// What the full path expects as the current value of `top`; another kind there is out of the ordinary.
Kind expected_kind(const Frame& top) {
  if (top.place == Place::choices || top.place == Place::tool_calls) return Kind::object;
  switch (top.key) {
    case Key::choices:
    case Key::tool_calls:
      return Kind::array;
    case Key::message:
    case Key::function_call:
    case Key::function:
      return Kind::object;
    case Key::model:
    case Key::id:
    case Key::type:
    case Key::name:
    case Key::arguments:
      return Kind::string;
    case Key::index:
      return Kind::integer;
    default:
      return Kind::any;
  }
}

// The followed place a container opened as `top`'s current value becomes; nullopt: not followed.
std::optional<Place> child_place(const Frame& top) {
  if (top.place == Place::choices) return Place::choice;
  if (top.place == Place::tool_calls) return Place::call;
  switch (top.key) {
    case Key::choices:
      return Place::choices;
    case Key::message:
      return Place::message;
    case Key::tool_calls:
      return Place::tool_calls;
    case Key::function_call:
      return Place::legacy;
    case Key::function:
      return Place::function;
    default:
      return std::nullopt;
  }
}

// Follows only choices[].message.{tool_calls[].function, function_call}, token by token; `ordinary`
// turns false at the first thing the full path might read differently.
class Scanner {
 public:
  explicit Scanner(std::string_view text, size_t max_depth) : reader_(text, max_depth) {}

  std::optional<ScannedBody> run() {
    for (;;) {
      JsonToken token = reader_.next();
      if (token == JsonToken::error) return std::nullopt;
      if (token == JsonToken::end) return std::move(body_);
      if (!take(token)) return std::nullopt;
    }
  }

 private:
  bool take(JsonToken token) {
    if (skipped_depth_ > 0) {  // inside a container nobody follows
      if (token == JsonToken::object_begin || token == JsonToken::array_begin) ++skipped_depth_;
      if (token == JsonToken::object_end || token == JsonToken::array_end) --skipped_depth_;
      return true;
    }
    switch (token) {
      case JsonToken::key:
        return take_key();
      case JsonToken::object_end:
      case JsonToken::array_end:
        return close();
      default:
        return take_value(token);
    }
  }

  bool take_key() {
    Frame& top = frames_[depth_ - 1];
    std::string_view name = reader_.raw();
    if (reader_.escaped()) {
      decoded_key_.clear();
      reader_.append_value(decoded_key_);
      name = decoded_key_;
    }
    top.key = key_named(top.place, name);
    if (top.key == Key::other) return true;
    auto bit = static_cast<uint16_t>(1u << static_cast<unsigned>(top.key));
    if (top.seen & bit) return false;  // which of two equal keys counts is the full path's to decide
    top.seen |= bit;
    return top.key != Key::custom;
  }

  bool take_value(JsonToken token) {
    if (depth_ == 0) {  // the body itself: the full path answers anything but an object with an error
      if (token != JsonToken::object_begin) return false;
      open(Place::root);
      return true;
    }
    const Frame& top = frames_[depth_ - 1];
    Kind expected = expected_kind(top);
    if (expected != Kind::any && expected != kind_of(token)) return false;
    switch (token) {
      case JsonToken::object_begin:
      case JsonToken::array_begin: {
        std::optional<Place> place = child_place(top);
        if (place)
          open(*place);
        else
          skipped_depth_ = 1;
        return true;
      }
      case JsonToken::string:
        return take_string(top);
      case JsonToken::number:
        if (top.place == Place::choice && top.key == Key::index)
          choice_index_ = *reader_.int_value();
        return true;
      default:
        return true;
    }
  }

  Kind kind_of(JsonToken token) const {
    switch (token) {
      case JsonToken::object_begin:
        return Kind::object;
      case JsonToken::array_begin:
        return Kind::array;
      case JsonToken::string:
        return Kind::string;
      case JsonToken::number:
        return reader_.int_value() ? Kind::integer : Kind::any;
      default:
        return Kind::any;
    }
  }

  bool take_string(const Frame& top) {
    switch (top.key) {
      case Key::model:
        reader_.append_value(body_.model);
        return true;
      case Key::id:
        reader_.append_value(call_.id);
        return true;
      case Key::type: {
        std::string type;
        reader_.append_value(type);
        return type == "function";
      }
      case Key::name:
        reader_.append_value(top.place == Place::legacy ? legacy_.name : call_.name);
        return true;
      case Key::arguments:
        reader_.append_value(top.place == Place::legacy ? legacy_.arguments : call_.arguments);
        has_arguments_ = true;
        return true;
      default:
        return true;
    }
  }

  void open(Place place) {
    switch (place) {
      case Place::choice:
        choice_index_ = position_++;
        first_call_ = body_.calls.size();
        break;
      case Place::message:
        has_legacy_ = false;
        break;
      case Place::call:
        call_ = ScannedCall{};
        has_function_ = false;
        break;
      case Place::legacy:
        legacy_ = ScannedCall{};
        has_arguments_ = false;
        break;
      case Place::function:
        has_arguments_ = false;
        break;
      default:
        break;
    }
    frames_[depth_++] = Frame{place};
  }

  bool close() {
    Place place = frames_[--depth_].place;
    switch (place) {
      case Place::function:
        if (!has_arguments_) return false;
        has_function_ = true;
        return true;
      case Place::legacy:
        if (!has_arguments_) return false;
        legacy_.id = "function_call";  // as the full path names it
        has_legacy_ = true;
        return true;
      case Place::call:
        if (!has_function_) return false;
        body_.calls.push_back(std::move(call_));
        return true;
      case Place::message:
        // the full path judges a message's tool_calls first, then its legacy function_call
        if (has_legacy_) body_.calls.push_back(std::move(legacy_));
        return true;
      case Place::choice:
        for (size_t i = first_call_; i < body_.calls.size(); ++i) body_.calls[i].choice = choice_index_;
        return true;
      default:
        return true;
    }
  }

  JsonReader reader_;
  ScannedBody body_;
  std::array<Frame, 8> frames_{};  // root, choices, choice, message, tool_calls, call, function: 7 at most
  size_t depth_ = 0;
  size_t skipped_depth_ = 0;
  std::string decoded_key_;
  ScannedCall call_;
  ScannedCall legacy_;
  bool has_function_ = false;
  bool has_arguments_ = false;
  bool has_legacy_ = false;
  int position_ = 0;
  int choice_index_ = 0;
  size_t first_call_ = 0;
};

}  // namespace

std::optional<ScannedBody> scan_chat_body(std::string_view body, size_t max_depth) {
  return Scanner(body, max_depth).run();
}

}  // namespace toolwall::wire
