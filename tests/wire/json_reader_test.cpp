#include "wire/json_reader.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using namespace toolwall;
using wire::JsonReader;
using wire::JsonToken;

namespace {

constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

// The value of the one string `json` holds, as the reader decodes it.
std::string decoded(const std::string& json) {
  JsonReader reader(json, kUnlimited);
  REQUIRE(reader.next() == JsonToken::string);
  std::string value;
  reader.append_value(value);
  REQUIRE(reader.next() == JsonToken::end);
  return value;
}

std::vector<JsonToken> tokens(const std::string& json) {
  JsonReader reader(json, kUnlimited);
  std::vector<JsonToken> all;
  for (;;) {
    all.push_back(reader.next());
    if (all.back() == JsonToken::end || all.back() == JsonToken::error) return all;
  }
}

}  // namespace

TEST_CASE("the reader hands out keys, values and container bounds in body order") {
  using T = JsonToken;
  CHECK(tokens(R"({"a":[1,"x",true,null,{}],"b":{"c":-2.5e3}})") ==
        std::vector<T>{T::object_begin, T::key, T::array_begin, T::number, T::string, T::literal, T::literal,
                       T::object_begin, T::object_end, T::array_end, T::key, T::object_begin, T::key,
                       T::number, T::object_end, T::object_end, T::end});
  CHECK(tokens(R"({"a":1,})") == std::vector<T>{T::object_begin, T::key, T::number, T::error});
  CHECK(tokens("[1] 2") == std::vector<T>{T::array_begin, T::number, T::array_end, T::error});
}

TEST_CASE("the reader keeps failing once it has failed") {
  JsonReader reader("[1,]", kUnlimited);
  while (reader.next() != JsonToken::error) {
  }
  CHECK(reader.next() == JsonToken::error);
  CHECK(reader.next() == JsonToken::error);
}

TEST_CASE("a number says whether it is written as an integer") {
  for (const auto& [text, integral] : std::vector<std::pair<std::string, bool>>{{"0", true},
                                                                                {"-0", true},
                                                                                {"42", true},
                                                                                {"-7", true},
                                                                                {"1.0", false},
                                                                                {"1e2", false},
                                                                                {"1E-2", false}}) {
    JsonReader reader(text, kUnlimited);
    INFO(text);
    REQUIRE(reader.next() == JsonToken::number);
    CHECK(reader.raw() == text);
    CHECK(reader.integral() == integral);
  }
}

TEST_CASE("strings without escapes are their raw text, and escapes decode to the bytes nlohmann produces") {
  CHECK(decoded(R"("plain text")") == "plain text");
  CHECK(decoded(R"("{\"command\":\"ls \\\"a b\\\"\"}")") == R"({"command":"ls \"a b\""})");
  CHECK(decoded(R"("\b\f\n\r\t\/\\\"")") == "\b\f\n\r\t/\\\"");
  CHECK(decoded(R"("\u0000")") == std::string(1, '\0'));
  CHECK(decoded(R"("caf\u00e9 \u20AC \uD83D\uDE00")") == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  CHECK(decoded("\"\xf4\x8f\xbf\xbf\"") == "\xf4\x8f\xbf\xbf");

  // every code point class, escaped in random mixes with raw UTF-8, against nlohmann's decoding
  std::mt19937 random(7);
  for (int round = 0; round < 5000; ++round) {
    std::string json = "\"";
    int pieces = 1 + static_cast<int>(random() % 12);
    for (int p = 0; p < pieces; ++p) {
      char escape[16];
      switch (random() % 6) {
        case 0: {
          static const char* kShortEscapes[] = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"};
          json += kShortEscapes[random() % 8];
          break;
        }
        case 1:
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(random() % 0xD800));
          json += escape;
          break;
        case 2:
          std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(0xE000 + random() % 0x2000));
          json += escape;
          break;
        case 3: {
          unsigned high = 0xD800 + random() % 0x400, low = 0xDC00 + random() % 0x400;
          std::snprintf(escape, sizeof escape, "\\u%04x\\u%04X", high, low);
          json += escape;
          break;
        }
        case 4:
          json += "\xe2\x82\xac";
          break;
        default:
          json += "plain";
          break;
      }
    }
    json += "\"";
    INFO(json);
    REQUIRE(nlohmann::json::accept(json));
    CHECK(decoded(json) == nlohmann::json::parse(json).get<std::string>());
  }
}
