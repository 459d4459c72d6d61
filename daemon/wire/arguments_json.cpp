#include "wire/arguments_json.h"

#include <charconv>
#include <cstdint>
#include <vector>

#include "wire/json_reader.h"

namespace toolwall::wire {

namespace {

constexpr size_t kMaxDepth = 256;  // deeper text goes to nlohmann, which has no limit

// An integer as nlohmann types it: unsigned when not negative, signed when negative; nullopt when it
// does not fit 64 bits (nlohmann then reads it as a double).
std::optional<nlohmann::json> integer(std::string_view text) {
  const char* end = text.data() + text.size();
  if (!text.empty() && text[0] == '-') {
    int64_t value = 0;
    auto [stop, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || stop != end) return std::nullopt;
    return nlohmann::json(value);
  }
  uint64_t value = 0;
  auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || stop != end) return std::nullopt;
  return nlohmann::json(value);
}

std::string string_value(const JsonReader& reader) {
  if (!reader.escaped()) return std::string(reader.raw());
  std::string out;
  reader.append_value(out);
  return out;
}

}  // namespace

std::optional<nlohmann::json> read_json_tree(std::string_view text) {
  JsonReader reader(text, kMaxDepth);
  nlohmann::json root;
  std::vector<nlohmann::json*> open;  // the containers being filled, innermost last
  std::string key;
  // Puts a value where the text has it: the root, the next array element, or the last key's member
  // (a repeated key's last value wins, as in nlohmann).
  auto place = [&](nlohmann::json value) -> nlohmann::json* {
    if (open.empty()) {
      root = std::move(value);
      return &root;
    }
    nlohmann::json& container = *open.back();
    if (container.is_array()) {
      container.get_ref<nlohmann::json::array_t&>().push_back(std::move(value));
      return &container.get_ref<nlohmann::json::array_t&>().back();
    }
    nlohmann::json& member = container.get_ref<nlohmann::json::object_t&>()[key];
    member = std::move(value);
    return &member;
  };
  for (;;) {
    switch (reader.next()) {
      case JsonToken::object_begin:
        open.push_back(place(nlohmann::json::object()));
        break;
      case JsonToken::array_begin:
        open.push_back(place(nlohmann::json::array()));
        break;
      case JsonToken::object_end:
      case JsonToken::array_end:
        open.pop_back();
        break;
      case JsonToken::key:
        key = string_value(reader);
        break;
      case JsonToken::string:
        place(string_value(reader));
        break;
      case JsonToken::number: {
        if (!reader.integral()) return std::nullopt;
        auto number = integer(reader.raw());
        if (!number) return std::nullopt;
        place(std::move(*number));
        break;
      }
      case JsonToken::literal: {
        std::string_view literal = reader.raw();
        place(literal == "true" ? nlohmann::json(true) : literal == "false" ? nlohmann::json(false) : nlohmann::json());
        break;
      }
      case JsonToken::end:
        return root;
      case JsonToken::error:
        return std::nullopt;
    }
  }
}

ToolCall tool_call_from_wire(std::string id, std::string agent, std::string tool, std::string_view raw_arguments) {
  auto tree = read_json_tree(raw_arguments);
  if (!tree || !tree->is_object()) return ToolCall::from_wire(std::move(id), std::move(agent), std::move(tool), raw_arguments);
  return ToolCall::from_wire_read(std::move(id), std::move(agent), std::move(tool), raw_arguments, std::move(*tree));
}

}  // namespace toolwall::wire
