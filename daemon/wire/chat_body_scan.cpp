#include "wire/chat_body_scan.h"

#include <cstdint>
#include <nlohmann/json.hpp>

namespace toolwall::wire {

namespace {

using Json = nlohmann::json;

// Where in a chat completion the reader is; values elsewhere are skipped without being stored.
enum class Place { root, choices, choice, message, tool_calls, call, function, legacy, other };
enum class Kind { any, object, array, string, integer };

struct Frame {
  Place place;
  std::string key;                // the current key, in an object
  std::vector<std::string> seen;  // keys met so far (a repeated key is out of the ordinary)
};

// The place a container opened under `top` (at its current key) becomes.
Place child_place(const Frame& top, bool object) {
  switch (top.place) {
    case Place::root: return !object && top.key == "choices" ? Place::choices : Place::other;
    case Place::choices: return object ? Place::choice : Place::other;
    case Place::choice: return object && top.key == "message" ? Place::message : Place::other;
    case Place::message:
      if (!object && top.key == "tool_calls") return Place::tool_calls;
      if (object && top.key == "function_call") return Place::legacy;
      return Place::other;
    case Place::tool_calls: return object ? Place::call : Place::other;
    case Place::call: return object && top.key == "function" ? Place::function : Place::other;
    default: return Place::other;
  }
}

// What the full path expects at `top`'s current key; another kind there is out of the ordinary.
Kind expected_kind(const Frame& top) {
  const std::string& key = top.key;
  switch (top.place) {
    case Place::root: return key == "choices" ? Kind::array : key == "model" ? Kind::string : Kind::any;
    case Place::choices: return Kind::object;
    case Place::choice: return key == "message" ? Kind::object : key == "index" ? Kind::integer : Kind::any;
    case Place::message:
      return key == "tool_calls" ? Kind::array : key == "function_call" ? Kind::object : Kind::any;
    case Place::tool_calls: return Kind::object;
    case Place::call:
      return key == "function" ? Kind::object : (key == "id" || key == "type") ? Kind::string : Kind::any;
    case Place::function:
    case Place::legacy: return (key == "name" || key == "arguments") ? Kind::string : Kind::any;
    default: return Kind::any;
  }
}

// A SAX reader that follows only choices[].message.{tool_calls[].function, function_call}.
class Scanner final : public nlohmann::json_sax<Json> {
 public:
  bool unusual = false;
  ScannedBody body;

  bool null() override { return met(Kind::any); }
  bool boolean(bool) override { return met(Kind::any); }
  bool number_integer(number_integer_t v) override {
    if (v < INT32_MIN || v > INT32_MAX) return met(Kind::any);
    return integer(static_cast<int>(v));
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<number_unsigned_t>(INT32_MAX)) return met(Kind::any);
    return integer(static_cast<int>(v));
  }
  bool number_float(number_float_t, const string_t&) override { return met(Kind::any); }
  bool binary(binary_t&) override { return met(Kind::any); }

  bool string(string_t& text) override {
    met(Kind::string);
    if (stack_.empty()) return true;
    const Frame& top = stack_.back();
    if (top.place == Place::root && top.key == "model") body.model = text;
    if (top.place == Place::call && top.key == "id") call_.id = text;
    if (top.place == Place::call && top.key == "type" && text != "function") unusual = true;
    if (top.place == Place::function || top.place == Place::legacy) {
      if (top.key == "name") call_.name = text;
      if (top.key == "arguments") {
        call_.arguments = text;
        has_arguments_ = true;
      }
    }
    return true;
  }

  bool start_object(std::size_t) override {
    met(Kind::object);
    Place place = stack_.empty() ? Place::root : child_place(stack_.back(), true);
    if (place == Place::choice) {
      choice_index_ = position_++;
      first_call_ = body.calls.size();
    }
    if (place == Place::call) {
      call_ = ScannedCall{};
      has_function_ = false;
    }
    if (place == Place::legacy) call_ = ScannedCall{};
    if (place == Place::function || place == Place::legacy) has_arguments_ = false;
    stack_.push_back(Frame{place, {}, {}});
    return true;
  }

  bool key(string_t& name) override {
    Frame& top = stack_.back();
    if (top.place != Place::other) {
      for (const auto& seen : top.seen)
        if (seen == name) unusual = true;  // which of two equal keys counts is the full path's to decide
      top.seen.push_back(name);
    }
    if (top.place == Place::call && name == "custom") unusual = true;
    top.key = name;
    return true;
  }

  bool end_object() override {
    Place place = stack_.back().place;
    stack_.pop_back();
    if ((place == Place::function || place == Place::legacy) && !has_arguments_) unusual = true;
    if (place == Place::function) has_function_ = true;
    if (place == Place::call) {
      if (!has_function_) unusual = true;
      body.calls.push_back(call_);
    }
    if (place == Place::legacy) {
      call_.id = "function_call";
      body.calls.push_back(call_);
    }
    if (place == Place::choice)
      for (size_t i = first_call_; i < body.calls.size(); ++i) body.calls[i].choice = choice_index_;
    return true;
  }

  bool start_array(std::size_t) override {
    met(Kind::array);
    stack_.push_back(Frame{stack_.empty() ? Place::other : child_place(stack_.back(), false), {}, {}});
    return true;
  }

  bool end_array() override {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    unusual = true;
    return false;
  }

 private:
  // A value of `kind` begins at the current position.
  bool met(Kind kind) {
    if (stack_.empty()) {
      if (kind != Kind::object) unusual = true;  // the full path answers a non-object body with an error
      return true;
    }
    Kind expected = expected_kind(stack_.back());
    if (expected != Kind::any && expected != kind) unusual = true;
    return true;
  }

  bool integer(int v) {
    met(Kind::integer);
    if (!stack_.empty() && stack_.back().place == Place::choice && stack_.back().key == "index") choice_index_ = v;
    return true;
  }

  std::vector<Frame> stack_;
  ScannedCall call_;
  bool has_function_ = false;
  bool has_arguments_ = false;
  int position_ = 0;
  int choice_index_ = 0;
  size_t first_call_ = 0;
};

}  // namespace

std::optional<ScannedBody> scan_chat_body(std::string_view body) {
  Scanner scanner;
  bool parsed = Json::sax_parse(body, &scanner, Json::input_format_t::json, /*strict=*/true);
  if (!parsed || scanner.unusual) return std::nullopt;
  return std::move(scanner.body);
}

}  // namespace toolwall::wire
