#include "wire/json_validate.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

using namespace toolwall;
using wire::valid_json;
using wire::valid_json_object;

namespace {

constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();

bool nlohmann_accepts(const std::string& text) {
  return nlohmann::json::accept(text);
}

std::string nested(size_t depth, const std::string& inner = "") {
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += i % 2 ? "[" : "{\"k\":";
  text += inner.empty() ? "1" : inner;
  for (size_t i = depth; i-- > 0;) text += i % 2 ? "]" : "}";
  return text;
}

// Inputs nlohmann accepts, each a corner of the grammar.
// clang-format off
const std::vector<std::string> kValid = {
    "{}", "[]", "0", "-0", "1", "-1", "0.5", "-0.0", "1e5", "1E5", "1e+5", "1e-5", "1.5e-300", "123456789012345678901234567890",
    "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "-1.7976931348623157e308", "1e-400", "0e999999999999",
    "0.0000000000000000000000001e330", "0.001e310", "true", "false", "null", R"("")", R"("a")",
    R"("\" \\ \/ \b \f \n \r \t")", R"("\u0000")", R"("\u00e9\u00E9")", R"("\uD83D\uDE00")", R"("\ud83d\ude00")",
    R"("\uDBFF\uDFFF")", R"("\uFFFF")", "\"\x7f\"", "\"\xc2\x80\"", "\"\xdf\xbf\"", "\"\xe0\xa0\x80\"",
    "\"\xed\x9f\xbf\"", "\"\xee\x80\x80\"", "\"\xef\xbf\xbf\"", "\"\xf0\x90\x80\x80\"", "\"\xf4\x8f\xbf\xbf\"",
    "\"\xf3\xbf\xbf\xbf\"", " \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ 1 , 2 ] \t\r\n} \t\r\n", "\xEF\xBB\xBF{}",
    "\xEF\xBB\xBF 1", R"({"a":{"b":[{"c":null}]},"a":2})", R"([[[[]]],{},""])",
};

// Inputs nlohmann refuses, each one step off the grammar.
const std::vector<std::string> kInvalid = {
    "", " ", "\xEF\xBB\xBF", " \xEF\xBB\xBF{}", "\xEF\xBB{}", "\xEF{}", "{", "}", "[", "]", "{]", "[}", "{}}", "[]]", "{} {}",
    "{},", "{} x", "{}\f", "{}\v", std::string("{\0}", 3), "\x0b{}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "[,1]", "{,}",
    "[1 2]", "{1:2}", "{'a':1}", "{a:1}", "'a'", "01", "-01", "00", "1.", ".1", "-", "-.1", "+1", "1e", "1e+", "1E-", "1.e5",
    "0x10", "1_000", "NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1.7976931348623159e308", "1e999999999999999999999",
    "1" + std::string(400, '0'), "tru", "True", "nul", "NULL", "falsey", "truefalse", "/**/{}", "{}//", "{}#", "\"a",
    "\"\\\"", "\"\\x41\"", "\"\\a\"", "\"\\'\"", "\"\\U0041\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\u\"", "\"\\uD800\"",
    "\"\\uDBFF\"", "\"\\uDC00\"", "\"\\uDFFF\"", "\"\\uD800\\u0041\"", "\"\\uD800\\uD800\"", "\"\\uD800x\"", "\"\\uD800\\\"",
    "\"\\uDC00\\uD800\"", "\"\\uD800\\n\"", "\"\x01\"", "\"\x1f\"", "\"\t\"", "\"\n\"", std::string("\"\0\"", 3),
    "\"\x80\"", "\"\xbf\"", "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xc2\"", "\"\xc2\x7f\"", "\"\xc2\xc0\"", "\"\xe0\x80\x80\"",
    "\"\xe0\x9f\xbf\"", "\"\xe1\x80\"", "\"\xed\xa0\x80\"", "\"\xed\xbf\xbf\"", "\"\xf0\x80\x80\x80\"", "\"\xf0\x8f\xbf\xbf\"",
    "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xf8\x88\x80\x80\x80\"", "\"\xfe\"", "\"\xff\"", "\"\xf0\x90\x80\"",
    "\xc3\xa9", "[\xc3\xa9]", "{\"a\":1}\xc2\xa0",
};
// clang-format on

// A small random edit of text, with bytes that matter to JSON more likely than others.
std::string mutate(std::string text, std::mt19937& random) {
  static const std::string kAlphabet =
      "{}[]:,\"\\/ \t\r\n0123456789-+.eEtrufalsn"
      "abcdABCDxu";
  auto byte = [&]() -> char {
    switch (random() % 6) {
      case 0:
        return static_cast<char>(random() % 256);
      case 1:
        return static_cast<char>(0x80 + random() % 0x80);
      default:
        return kAlphabet[random() % kAlphabet.size()];
    }
  };
  int edits = 1 + static_cast<int>(random() % 3);
  for (int e = 0; e < edits; ++e) {
    size_t at = text.empty() ? 0 : random() % (text.size() + 1);
    switch (random() % 4) {
      case 0:
        text.insert(at, 1, byte());
        break;
      case 1:
        if (at < text.size()) text.erase(at, 1 + random() % 3);
        break;
      case 2:
        if (at < text.size()) text[at] = byte();
        break;
      default: {
        static const char* kPieces[] = {
            "\\u",   "\\uD83D", "\\uDE00", "\\uD83D\\uDE00", "\xf0\x9f\x98", "\xf0\x9f\x98\x80",
            "1e400", "-0",      "null",    "true",           "\xEF\xBB\xBF", "\\\"",
            "\"\"",  "[]",      "{}"};
        text.insert(at, kPieces[random() % std::size(kPieces)]);
      }
    }
  }
  return text;
}

}  // namespace

TEST_CASE("the validator accepts every corner of the JSON grammar that nlohmann accepts") {
  for (const auto& text : kValid) {
    INFO(text);
    REQUIRE(nlohmann_accepts(text));  // the list itself is right
    CHECK(valid_json(text, kUnlimited));
  }
}

TEST_CASE("the validator refuses every input one step off the grammar, as nlohmann does") {
  for (const auto& text : kInvalid) {
    INFO(text);
    REQUIRE_FALSE(nlohmann_accepts(text));
    CHECK_FALSE(valid_json(text, kUnlimited));
  }
}

TEST_CASE("the validator answers as nlohmann's accept on every single escape and on every byte in a string") {
  for (int c = 0; c < 256; ++c) {
    std::string escape = std::string("\"\\") + static_cast<char>(c) + "\"";
    std::string plain = std::string("\"") + static_cast<char>(c) + "\"";
    std::string outside = std::string("[") + static_cast<char>(c) + "]";
    INFO(c);
    CHECK(valid_json(escape, kUnlimited) == nlohmann_accepts(escape));
    CHECK(valid_json(plain, kUnlimited) == nlohmann_accepts(plain));
    CHECK(valid_json(outside, kUnlimited) == nlohmann_accepts(outside));
  }
  // every two-byte sequence after each lead byte, and the surrogate pairs around the boundaries
  for (int lead = 0x80; lead < 0x100; ++lead)
    for (int second = 0x70; second < 0xd0; ++second)
      for (const char* tail : {"", "\x80", "\x80\x80", "\xbf\xbf"}) {
        std::string text =
            std::string("\"") + static_cast<char>(lead) + static_cast<char>(second) + tail + "\"";
        INFO(lead << " " << second);
        CHECK(valid_json(text, kUnlimited) == nlohmann_accepts(text));
      }
  for (unsigned high : {0xD7FFu, 0xD800u, 0xDBFFu, 0xDC00u, 0xDFFFu, 0xE000u})
    for (unsigned low : {0x0041u, 0xD800u, 0xDBFFu, 0xDC00u, 0xDFFFu, 0xE000u}) {
      char text[32];
      std::snprintf(text, sizeof text, "\"\\u%04X\\u%04x\"", high, low);
      INFO(text);
      CHECK(valid_json(text, kUnlimited) == nlohmann_accepts(text));
    }
}

TEST_CASE("the validator answers as nlohmann's accept on numbers around the edges of a double") {
  // clang-format off
  const std::vector<std::string> numbers = {
      "1.7976931348623157e308", "1.79769313486231570e308", "1.7976931348623158e308", "1.797693134862315807e308",
      "1.797693134862315808e308", "1.7976931348623159e308", "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368",
      "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792",
      "1e308", "10e307", "0.1e309", "0.01e310", "100e306", "1000e306", "-1e308", "-10e308", "1e-324", "1e-99999", "2.5e-324",
      "4.9e-324", "0.0e99999", "0e-99999", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
      "-9223372036854775809",
  };
  // clang-format on
  for (const auto& number : numbers) {
    INFO(number);
    CHECK(valid_json(number, kUnlimited) == nlohmann_accepts(number));
    CHECK(valid_json("[" + number + "]", kUnlimited) == nlohmann_accepts("[" + number + "]"));
  }
}

TEST_CASE("the validator answers as nlohmann's accept on random edits of chat bodies") {
  const std::vector<std::string> seeds = {
      R"({"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"caf\u00e9 \"quoted\" \ud83d\ude00"},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"total_tokens":4.2e1}})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"c","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls -la\\n\"}"}}]}}]})",
      "{\"text\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"list\":[true,false,null,-0.5e-3,[],{}]}",
      "[1, 2.5, -3e+2, \"\\/\\b\\f\\n\\r\\t\"]",
  };
  std::mt19937 random(20261126);
  int accepted = 0, refused = 0;
  for (int round = 0; round < 40000; ++round) {
    std::string text = mutate(seeds[random() % seeds.size()], random);
    if (random() % 4 == 0) text = mutate(text, random);
    bool expected = nlohmann_accepts(text);
    (expected ? accepted : refused)++;
    if (valid_json(text, kUnlimited) != expected) {
      INFO(text);
      CHECK(valid_json(text, kUnlimited) == expected);
    }
  }
  CHECK(accepted > 1000);  // both answers were exercised
  CHECK(refused > 1000);
}

TEST_CASE("nesting up to the limit is valid and one level beyond is not") {
  for (size_t limit : {size_t{1}, size_t{2}, size_t{7}, size_t{128}, size_t{300}}) {
    INFO(limit);
    CHECK(valid_json(nested(limit), limit));
    CHECK(valid_json_object(nested(limit), limit));
    CHECK_FALSE(valid_json(nested(limit + 1), limit));
    CHECK_FALSE(valid_json_object(nested(limit + 1), limit));
    CHECK(valid_json(nested(limit + 1), limit + 1));
  }
  CHECK(valid_json("1", 0));
  CHECK_FALSE(valid_json("[]", 0));
  // deeper than the reader's inline levels, arrays and objects alternating, as nlohmann reads it
  std::string deep = nested(5000);
  CHECK(nlohmann_accepts(deep));
  CHECK(valid_json(deep, kUnlimited));
  CHECK_FALSE(valid_json(deep, 4999));
  std::string crossed = nested(300, "[}");
  CHECK_FALSE(valid_json(crossed, kUnlimited));
}

TEST_CASE("a text body must be one object: arrays, scalars and empty input are refused") {
  CHECK(valid_json_object(R"({"choices":[]})", 128));
  CHECK_FALSE(valid_json_object(" \xEF\xBB\xBF{}", 128));
  CHECK(valid_json_object("\xEF\xBB\xBF {}", 128));
  for (const char* text : {"[]", "[{}]", "\"{}\"", "1", "null", "", "   "}) {
    INFO(text);
    CHECK(valid_json(text, 128) == nlohmann_accepts(text));
    CHECK_FALSE(valid_json_object(text, 128));
  }
}

TEST_CASE("a NUL byte after the body is refused, where nlohmann stops reading as at the end of a C string") {
  // The one known difference, and on the safe side: such a body goes to the full path.
  for (const std::string& text :
       {std::string("{}\0", 3), std::string("{} \0 garbage", 13), std::string("[1]\0]", 5)}) {
    CHECK(nlohmann_accepts(text));
    CHECK_FALSE(valid_json(text, kUnlimited));
  }
  CHECK_FALSE(nlohmann_accepts(std::string("[\0]", 3)));
  CHECK_FALSE(valid_json(std::string("[\0]", 3), kUnlimited));
}
