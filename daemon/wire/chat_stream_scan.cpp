#include "wire/chat_stream_scan.h"

#include <cstdint>

#include "wire/json_reader.h"

namespace toolwall::wire {

namespace {

// Reads the chunk top-down, one function per object it follows; every function returns false at the
// first thing the full path might read differently, and the event is then parsed in full.
class EventScanner {
 public:
  EventScanner(std::string_view data, size_t max_depth) : reader_(data, max_depth) {}

  std::optional<ScannedStreamEvent> run() {
    if (reader_.next() != JsonToken::object_begin || !read_root()) return std::nullopt;
    // A choice without a delta is rebuilt by the full path with an empty one: left to it.
    if (reader_.next() != JsonToken::end || choices_ != 1 || !has_delta_) return std::nullopt;
    if (call_keys_ == 0) return std::move(event_);
    // The only fragment events read here are the ones the full path would replay as they came.
    bool one_entry = event_.legacy || entries_ == 1;
    if (call_keys_ != 1 || !one_entry || delta_has_more_ || choice_has_more_ || event_.finish_reason)
      return std::nullopt;
    event_.fragment = true;
    return std::move(event_);
  }

 private:
  // Calls on_key(key) for each key of the object just opened, which must read the key's value.
  template <typename OnKey>
  bool read_object(OnKey&& on_key) {
    uint32_t seen = 0;  // known keys met so far, one bit each (set by on_key through `once`)
    for (;;) {
      JsonToken token = reader_.next();
      if (token == JsonToken::object_end) return true;
      if (token != JsonToken::key) return false;
      std::string_view key = reader_.raw();
      if (reader_.escaped()) {
        decoded_key_.clear();
        reader_.append_value(decoded_key_);
        key = decoded_key_;
      }
      seen_ = &seen;  // on_key calls `once` before it reads a value that may open an object
      if (!on_key(key)) return false;
    }
  }

  // Marks a known key of the current object as met; false when it was met before (which of two
  // equal keys counts is the full path's to decide).
  bool once(unsigned bit) {
    if (*seen_ & (1u << bit)) return false;
    *seen_ |= 1u << bit;
    return true;
  }

  // Consumes a value whose first token is `token`, whatever it holds.
  bool skip(JsonToken token) {
    if (token != JsonToken::object_begin && token != JsonToken::array_begin)
      return token != JsonToken::error && token != JsonToken::end;
    for (size_t depth = 1; depth > 0;) {
      token = reader_.next();
      if (token == JsonToken::error || token == JsonToken::end) return false;
      if (token == JsonToken::object_begin || token == JsonToken::array_begin) ++depth;
      if (token == JsonToken::object_end || token == JsonToken::array_end) --depth;
    }
    return true;
  }

  bool skip_next() { return skip(reader_.next()); }

  bool read_string(std::string& out) {
    if (reader_.next() != JsonToken::string) return false;
    out.clear();
    reader_.append_value(out);
    return true;
  }

  bool is_null(JsonToken token) const { return token == JsonToken::literal && reader_.raw() == "null"; }

  bool read_root() {
    return read_object([&](std::string_view key) {
      if (key == "choices") return once(0) && reader_.next() == JsonToken::array_begin && read_choices();
      if (key == "model") {
        if (!once(1)) return false;
        JsonToken token = reader_.next();
        if (token != JsonToken::string) return skip(token);  // the full path reads no model from it either
        reader_.append_value(event_.model);
        return true;
      }
      return skip_next();
    });
  }

  bool read_choices() {
    for (;;) {
      JsonToken token = reader_.next();
      if (token == JsonToken::array_end) return true;
      if (token != JsonToken::object_begin || ++choices_ > 1 || !read_choice()) return false;
    }
  }

  bool read_choice() {
    return read_object([&](std::string_view key) {
      if (key == "index") {
        if (!once(0) || reader_.next() != JsonToken::number) return false;
        auto index = reader_.int_value();
        if (!index) return false;
        event_.choice = *index;
        return true;
      }
      if (key == "delta") {
        has_delta_ = true;
        return once(1) && reader_.next() == JsonToken::object_begin && read_delta();
      }
      if (key == "finish_reason") {
        if (!once(2)) return false;
        JsonToken token = reader_.next();
        if (is_null(token)) return true;
        if (token != JsonToken::string) return false;
        event_.finish_reason.emplace();
        reader_.append_value(*event_.finish_reason);
        return true;
      }
      if (key == "logprobs") {
        if (!once(3)) return false;
        JsonToken token = reader_.next();
        if (!is_null(token)) choice_has_more_ = true;
        return skip(token);
      }
      choice_has_more_ = true;
      return skip_next();
    });
  }

  bool read_delta() {
    return read_object([&](std::string_view key) {
      if (key == "tool_calls") {
        ++call_keys_;
        return once(0) && reader_.next() == JsonToken::array_begin && read_tool_calls();
      }
      if (key == "function_call") {
        ++call_keys_;
        event_.legacy = true;
        event_.call.body = CallFragment::Body::function;
        return once(1) && reader_.next() == JsonToken::object_begin && read_body(event_.call);
      }
      delta_has_more_ = true;
      if (key == "content") {
        if (!once(2)) return false;
        JsonToken token = reader_.next();
        // An escape always stands for at least one character, so an empty raw text is an empty value.
        if (token == JsonToken::string) event_.content = !reader_.raw().empty();
        return skip(token);
      }
      return skip_next();
    });
  }

  bool read_tool_calls() {
    for (;;) {
      JsonToken token = reader_.next();
      if (token == JsonToken::array_end) return true;
      if (token != JsonToken::object_begin || ++entries_ > 1 || !read_call(event_.call)) return false;
    }
  }

  bool read_call(CallFragment& call) {
    return read_object([&](std::string_view key) {
      if (key == "index") {
        if (!once(0) || reader_.next() != JsonToken::number) return false;
        call.index = reader_.int_value();
        return call.index.has_value();
      }
      if (key == "id") return once(1) && read_string(call.id);
      if (key == "type") return once(2) && read_string(call.type);
      if (key == "function") {
        call.body = CallFragment::Body::function;
        return once(3) && reader_.next() == JsonToken::object_begin && read_body(call);
      }
      if (key == "custom") return false;  // rare: the full path decides between function and custom
      return skip_next();
    });
  }

  // A function object (or a legacy function_call): its name and its text.
  bool read_body(CallFragment& call) {
    return read_object([&](std::string_view key) {
      if (key == "name") return once(0) && read_string(call.name);
      if (key == "arguments") return once(1) && read_string(call.arguments.emplace());
      if (key == "input") return once(2) && read_string(call.input.emplace());
      return skip_next();
    });
  }

  JsonReader reader_;
  ScannedStreamEvent event_;
  std::string decoded_key_;
  uint32_t* seen_ = nullptr;
  int choices_ = 0;
  int entries_ = 0;    // tool_calls entries
  int call_keys_ = 0;  // tool_calls and function_call keys in the delta
  bool has_delta_ = false;
  bool delta_has_more_ = false;   // the delta holds more than its call keys
  bool choice_has_more_ = false;  // the choice holds more than index, delta, finish_reason and null logprobs
};

}  // namespace

std::optional<ScannedStreamEvent> scan_chat_stream_event(std::string_view data, size_t max_depth) {
  return EventScanner(data, max_depth).run();
}

}  // namespace toolwall::wire
