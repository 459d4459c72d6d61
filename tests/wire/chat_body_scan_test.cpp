#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "wire/chat_body_scan.h"

using namespace toolwall;

namespace {

constexpr size_t kMaxDepth = 128;  // the wire's default max_json_depth

std::optional<wire::ScannedBody> scan_chat_body(std::string_view body) { return wire::scan_chat_body(body, kMaxDepth); }

const std::string kCall =
    R"({"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"npm test\"}"}})";

std::string body_with(const std::string& message, const std::string& choice_extra = "") {
  return R"({"id":"x","model":"m1","choices":[{"index":0,"message":)" + message + R"(,"finish_reason":"tool_calls")" +
         choice_extra + "}]}";
}

// What the full path (and a client's JSON.parse: the last of equal keys wins) reads as the calls of an
// ordinary body: the reference the scanner is checked against.
struct ReferenceCall {
  int choice;
  std::string id, name, arguments;
  bool operator==(const ReferenceCall& o) const {
    return choice == o.choice && id == o.id && name == o.name && arguments == o.arguments;
  }
};

std::vector<ReferenceCall> reference_calls(const nlohmann::json& body) {
  std::vector<ReferenceCall> calls;
  int position = 0;
  for (const auto& choice : body["choices"]) {
    int index = choice.contains("index") ? choice["index"].get<int>() : position;
    ++position;
    if (!choice.contains("message")) continue;
    const auto& message = choice["message"];
    if (message.contains("tool_calls"))
      for (const auto& call : message["tool_calls"])
        calls.push_back({index, call.value("id", ""), call["function"].value("name", ""),
                         call["function"]["arguments"].get<std::string>()});
    if (message.contains("function_call"))
      calls.push_back({index, "function_call", message["function_call"].value("name", ""),
                       message["function_call"]["arguments"].get<std::string>()});
  }
  return calls;
}

}  // namespace

TEST_CASE("an ordinary body's calls are read with their choice, id, name and arguments") {
  auto scanned = scan_chat_body(body_with(R"({"role":"assistant","content":null,"tool_calls":[)" + kCall + "]}"));
  REQUIRE(scanned);
  CHECK(scanned->model == "m1");
  REQUIRE(scanned->calls.size() == 1);
  CHECK(scanned->calls[0].choice == 0);
  CHECK(scanned->calls[0].id == "call_1");
  CHECK(scanned->calls[0].name == "Bash");
  CHECK(scanned->calls[0].arguments == R"({"command":"npm test"})");
}

TEST_CASE("calls of several choices keep each choice's index, even when the index comes last") {
  std::string body = R"({"choices":[{"message":{"tool_calls":[)" + kCall + R"(]},"index":7},)" +
                     R"({"message":{"function_call":{"name":"Bash","arguments":"{}"}}}]})";
  auto scanned = scan_chat_body(body);
  REQUIRE(scanned);
  REQUIRE(scanned->calls.size() == 2);
  CHECK(scanned->calls[0].choice == 7);
  CHECK(scanned->calls[1].choice == 1);  // no index: its position
  CHECK(scanned->calls[1].id == "function_call");
}

TEST_CASE("calls nested anywhere else are not calls, and text-only bodies have none") {
  auto scanned = scan_chat_body(R"({"choices":[{"index":0,"message":{"content":"{\"tool_calls\":[]}"},)"
                                R"("logprobs":{"tool_calls":[{"function":{"name":"x"}}]}}],"usage":{"tool_calls":1}})");
  REQUIRE(scanned);
  CHECK(scanned->calls.empty());
}

TEST_CASE("bodies out of the ordinary are left to the full path") {
  const char* unusual[] = {
      // a key written twice: which one counts is the full path's decision
      R"({"choices":[{"message":{"tool_calls":[],"tool_calls":[]}}]})",
      R"({"choices":[],"choices":[]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x","arguments":"{}","arguments":"{}"}}]}}]})",
      // call shapes other than a function with string arguments
      R"({"choices":[{"message":{"tool_calls":[{"id":"a","type":"custom","custom":{"name":"x","input":"y"}}]}}]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"a","custom":{"name":"x","input":"y"}}]}}]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"a"}]}}]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x","arguments":{"command":"ls"}}}]}}]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x"}}]}}]})",
      R"({"choices":[{"message":{"tool_calls":[{"id":7,"function":{"name":"x","arguments":"{}"}}]}}]})",
      R"({"choices":[{"message":{"function_call":{"name":"x","arguments":["ls"]}}}]})",
      // containers of the wrong kind
      R"({"choices":{"0":{}}})",
      R"({"choices":[{"message":{"tool_calls":{"0":{}}}}]})",
      R"({"choices":[{"message":{"tool_calls":"call"}}]})",
      R"({"choices":["x"]})",
      R"({"choices":[{"message":"hello"}]})",
      R"({"choices":[{"index":"0","message":{}}]})",
      R"({"choices":[{"index":1.5,"message":{}}]})",
      R"({"model":7,"choices":[]})",
      // not an object, not JSON
      R"([{"choices":[]}])",
      R"({"choices":[]} trailing)",
      R"({"choices":[)",
      "",
  };
  for (const char* body : unusual) {
    INFO(body);
    CHECK_FALSE(scan_chat_body(body));
  }
}

TEST_CASE("whenever the scanner reads a body, it reads the same calls as a full JSON reading") {
  // Random bodies from pieces of ordinary and odd shapes; every body the scanner accepts must give
  // exactly the calls a tree (last equal key wins) gives, so the fast path never misses a call.
  const std::vector<std::string> calls = {
      kCall,
      R"({"id":"b","function":{"arguments":"{\"command\":\"curl x\"}","name":"Bash"},"type":"function"})",
      R"({"function":{"name":"Write","arguments":"{}"},"index":0})",
      R"({"id":"c","type":"custom","custom":{"name":"x","input":"y"}})",
      R"({"id":"d","function":{"name":"Bash","arguments":"{}"},"id":"e"})",
      R"({"id":"f","function":{"name":"Bash","arguments":{"command":"ls"}}})",
      R"("not a call")",
  };
  const std::vector<std::string> extras = {"", R"(,"refusal":null)", R"(,"tool_calls":[])",
                                           R"(,"function_call":{"name":"Bash","arguments":"{\"command\":\"ls\"}"})",
                                           R"(,"content":"see \"tool_calls\"")"};
  std::mt19937 random(2026);
  int read = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string body = R"({"model":"m","choices":[)";
    int choices = 1 + static_cast<int>(random() % 3);
    for (int c = 0; c < choices; ++c) {
      if (c) body += ",";
      std::string list;
      int n = static_cast<int>(random() % 3);
      for (int i = 0; i < n; ++i) list += (i ? "," : "") + calls[random() % calls.size()];
      std::string index = random() % 3 ? R"("index":)" + std::to_string(random() % 4) + "," : "";
      body += "{" + index + R"("message":{"role":"assistant","tool_calls":[)" + list + "]" +
              extras[random() % extras.size()] + "}}";
    }
    body += "]}";
    auto scanned = scan_chat_body(body);
    if (!scanned) continue;
    ++read;
    INFO(body);
    std::vector<ReferenceCall> got;
    for (const auto& call : scanned->calls) got.push_back({call.choice, call.id, call.name, call.arguments});
    CHECK(got == reference_calls(nlohmann::json::parse(body)));
  }
  CHECK(read > 500);  // the comparison covered many accepted bodies, not only refusals
}

TEST_CASE("a body nesting deeper than the limit is left to the full path, one at the limit is read") {
  std::string deep_content = "1";
  for (int i = 0; i < 6; ++i) deep_content = "[" + deep_content + "]";
  // root, choices, choice, message, tool_calls, call, function: 7 levels; the content adds 6 beside them
  std::string body = body_with(R"({"tool_calls":[)" + kCall + R"(],"content":)" + deep_content + "}");
  CHECK(wire::scan_chat_body(body, 10));  // root, choices, choice, message and six arrays
  CHECK_FALSE(wire::scan_chat_body(body, 9));
  CHECK(wire::scan_chat_body(R"({"choices":[]})", 2));
  CHECK_FALSE(wire::scan_chat_body(R"({"choices":[]})", 1));
}

TEST_CASE("keys written with escapes are read as the names they decode to") {
  auto scanned = scan_chat_body(
      R"({"\u0063hoices":[{"message":{"tool\u005fcalls":[{"id":"a","function":{"n\u0061me":"Bash","arguments":"{\"command\":\"ls\"}"}}]}}]})");
  REQUIRE(scanned);
  REQUIRE(scanned->calls.size() == 1);
  CHECK(scanned->calls[0].name == "Bash");
  CHECK(scanned->calls[0].arguments == R"({"command":"ls"})");
  // and an escaped key equal to one already met is a repeated key
  CHECK_FALSE(scan_chat_body(R"({"choices":[],"\u0063hoices":[]})"));
}

TEST_CASE("string values decode their escapes to the bytes a full reading gives") {
  auto scanned = scan_chat_body(
      R"({"model":"m\u00e9","choices":[{"message":{"tool_calls":[{"id":"c\/1","function":{"name":"B\u0061sh","arguments":"{\"command\":\"echo \\\"\ud83d\ude00\\\" \\\\ \\n\"}"}}]}}]})");
  REQUIRE(scanned);
  REQUIRE(scanned->calls.size() == 1);
  CHECK(scanned->model == "m\xc3\xa9");
  CHECK(scanned->calls[0].id == "c/1");
  CHECK(scanned->calls[0].name == "Bash");
  CHECK(scanned->calls[0].arguments == "{\"command\":\"echo \\\"\xf0\x9f\x98\x80\\\" \\\\ \\n\"}");
}

TEST_CASE("a message's legacy function_call comes after its tool_calls, as the full path judges them") {
  auto scanned = scan_chat_body(R"({"choices":[{"message":{"function_call":{"name":"Old","arguments":"{}"},"tool_calls":[)" +
                                kCall + "]}}]}");
  REQUIRE(scanned);
  REQUIRE(scanned->calls.size() == 2);
  CHECK(scanned->calls[0].id == "call_1");
  CHECK(scanned->calls[1].id == "function_call");
  CHECK(scanned->calls[1].name == "Old");
}

TEST_CASE("a repeated key that carries no call is read past, one that could is refused") {
  auto scanned = scan_chat_body(R"({"id":"a","id":"b","choices":[{"message":{"role":"x","role":"y","tool_calls":[)" + kCall +
                                R"(]},"finish_reason":"a","finish_reason":"b"}]})");
  REQUIRE(scanned);
  CHECK(scanned->calls.size() == 1);
  CHECK_FALSE(scan_chat_body(R"({"model":"a","model":"b","choices":[]})"));
  CHECK_FALSE(scan_chat_body(R"({"choices":[{"index":0,"index":1,"message":{}}]})"));
  CHECK_FALSE(scan_chat_body(R"({"choices":[{"message":{"function_call":{"name":"a","name":"b","arguments":"{}"}}}]})"));
  CHECK_FALSE(scan_chat_body(R"({"choices":[{"message":{"tool_calls":[{"id":"a","id":"b","function":{"arguments":"{}"}}]}}]})"));
}

TEST_CASE("a body the strict reader refuses is never read, whatever its calls") {
  const std::string call_list = R"({"choices":[{"message":{"tool_calls":[)" + kCall + "]}}]}";
  CHECK(scan_chat_body(call_list));
  CHECK(scan_chat_body("\xEF\xBB\xBF" + call_list));  // nlohmann skips a byte order mark
  CHECK_FALSE(scan_chat_body("[" + call_list + "]"));    // JSON, but not a body
  CHECK_FALSE(scan_chat_body(call_list + std::string(1, '\0')));  // nlohmann would stop at the NUL; not ordinary
  for (const std::string& broken : std::vector<std::string>{
           call_list + ",", call_list + "}", " \xEF\xBB\xBF" + call_list,
        R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x","arguments":"\uD800"}}]}}]})",
        R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x","arguments":"\x"}}]}}]})",
        "{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"a\",\"function\":{\"name\":\"x\",\"arguments\":\"\xc0\xaf\"}}]}}]}",
        R"({"choices":[{"message":{"tool_calls":[{"id":"a","function":{"name":"x","arguments":"{}"}}]}}],"usage":1e400})",
        R"({"choices":[{"index":01,"message":{}}]})"}) {
    INFO(broken);
    CHECK_FALSE(nlohmann::json::accept(broken));
    CHECK_FALSE(scan_chat_body(broken));
  }
}
