#include "wire/json_validate.h"

#include "wire/json_reader.h"

namespace toolwall::wire {

namespace {

bool reads_to_the_end(JsonReader& reader) {
  for (;;) {
    JsonToken token = reader.next();
    if (token == JsonToken::end) return true;
    if (token == JsonToken::error) return false;
  }
}

}  // namespace

bool valid_json(std::string_view text, size_t max_depth) {
  JsonReader reader(text, max_depth);
  return reads_to_the_end(reader);
}

bool valid_json_object(std::string_view text, size_t max_depth) {
  JsonReader reader(text, max_depth);
  return reader.next() == JsonToken::object_begin && reads_to_the_end(reader);
}

}  // namespace toolwall::wire
