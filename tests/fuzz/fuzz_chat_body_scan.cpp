// The chat body scanner (wire/chat_body_scan) against a full JSON reading: whenever the scanner reads
// a body, it must find exactly the calls a tree finds (last of equal keys wins, as clients parse), in
// the same order, with the same choice, id, name and arguments. A call the scanner missed would leave
// the proxy unjudged, so any difference is a failure.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "wire/chat_body_scan.h"
#include "wire/dialect.h"
#include "wire/json_validate.h"

using namespace toolwall;

namespace {

using Json = nlohmann::json;

struct Call {
  int choice;
  std::string id, name, arguments;
  bool operator==(const Call& o) const {
    return choice == o.choice && id == o.id && name == o.name && arguments == o.arguments;
  }
};

const Json* member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string text_of(const Json* value, const char* what) {
  if (!value) return {};
  if (!value->is_string()) fuzz::fail(what);
  return value->get<std::string>();
}

// The calls as the full path reads them; a shape the scanner should have refused is a failure.
std::vector<Call> tree_calls(const Json& body) {
  std::vector<Call> calls;
  const Json* choices = member(body, "choices");
  if (!choices) return calls;
  if (!choices->is_array()) fuzz::fail("scanner accepted choices that are not an array");
  int position = 0;
  for (const Json& choice : *choices) {
    if (!choice.is_object()) fuzz::fail("scanner accepted a choice that is not an object");
    int index = position++;
    if (const Json* given = member(choice, "index")) {
      if (!given->is_number_integer()) fuzz::fail("scanner accepted a non-integer index");
      auto value = given->get<long long>();
      if (value >= INT32_MIN && value <= INT32_MAX) index = static_cast<int>(value);
    }
    const Json* message = member(choice, "message");
    if (!message) continue;
    if (!message->is_object()) fuzz::fail("scanner accepted a message that is not an object");
    if (const Json* list = member(*message, "tool_calls")) {
      if (!list->is_array()) fuzz::fail("scanner accepted tool_calls that are not an array");
      for (const Json& entry : *list) {
        const Json* function = member(entry, "function");
        if (!function || !function->is_object()) fuzz::fail("scanner accepted a call without a function object");
        if (member(entry, "custom")) fuzz::fail("scanner accepted a custom call");
        const Json* arguments = member(*function, "arguments");
        if (!arguments) fuzz::fail("scanner accepted a call without arguments");
        calls.push_back({index, text_of(member(entry, "id"), "non-string id"),
                         text_of(member(*function, "name"), "non-string name"), text_of(arguments, "non-string arguments")});
      }
    }
    if (const Json* legacy = member(*message, "function_call")) {
      if (!legacy->is_object()) fuzz::fail("scanner accepted a function_call that is not an object");
      const Json* arguments = member(*legacy, "arguments");
      if (!arguments) fuzz::fail("scanner accepted a function_call without arguments");
      calls.push_back({index, "function_call", text_of(member(*legacy, "name"), "non-string name"),
                       text_of(arguments, "non-string arguments")});
    }
  }
  return calls;
}

// The validator must answer exactly as nlohmann's accept. One difference is known and safe: nlohmann
// takes a NUL byte between tokens for the end of input (for C strings), the validator refuses it.
void check_validator(std::string_view body, size_t max_depth) {
  bool ours = wire::valid_json(body, std::numeric_limits<size_t>::max());
  bool theirs = Json::accept(body);
  if (ours && !theirs) fuzz::fail("validator accepted text nlohmann refuses");
  if (!ours && theirs && body.find('\0') == std::string_view::npos) fuzz::fail("validator refused text nlohmann accepts");
  bool object = wire::valid_json_object(body, max_depth);
  if (object && !ours) fuzz::fail("valid_json_object accepted invalid JSON");
  if (!theirs) return;
  bool is_object = Json::parse(body, nullptr, /*allow_exceptions=*/false).is_object();
  bool within = !wire::json_depth_exceeds(body, max_depth);
  if (object && (!is_object || !within)) fuzz::fail("valid_json_object accepted a non-object or one nesting too deep");
  if (!object && ours && is_object && within) fuzz::fail("valid_json_object refused a valid object within the limit");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  size_t max_depth = 8 + size % 8;  // small limits too, so that refusals by depth are exercised
  check_validator(body, max_depth);
  auto scanned = wire::scan_chat_body(body, max_depth);
  if (!scanned) return 0;
  if (wire::json_depth_exceeds(body, max_depth)) fuzz::fail("scanner read a body nesting past the limit");
  Json tree = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) fuzz::fail("scanner accepted a body that is not JSON");
  if (!tree.is_object()) fuzz::fail("scanner accepted a body that is not an object");
  std::vector<Call> got;
  for (const auto& call : scanned->calls) got.push_back({call.choice, call.id, call.name, call.arguments});
  if (got != tree_calls(tree)) fuzz::fail("scanner and tree read different calls");
  if (const Json* model = member(tree, "model"); model && (!model->is_string() || model->get<std::string>() != scanned->model))
    fuzz::fail("scanner read a different model");
  return 0;
}
