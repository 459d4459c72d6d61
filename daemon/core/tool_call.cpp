#include "core/tool_call.h"

namespace toolwall {

ToolCall ToolCall::from_wire(std::string id, std::string agent, std::string tool,
                             std::string_view raw_arguments) {
  ToolCall call;
  call.id = std::move(id);
  call.agent = std::move(agent);
  call.tool = std::move(tool);
  call.raw_arguments = std::string(raw_arguments);
  auto parsed = nlohmann::json::parse(raw_arguments, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    call.arguments_valid = false;
    call.arguments_error = "arguments are not valid JSON";
  } else if (!parsed.is_object()) {
    call.arguments_valid = false;
    call.arguments_error = "arguments are JSON but not an object";
  } else {
    call.arguments = std::move(parsed);
  }
  return call;
}

ToolCall ToolCall::from_wire_read(std::string id, std::string agent, std::string tool,
                                  std::string_view raw_arguments, nlohmann::json arguments) {
  ToolCall call;
  call.id = std::move(id);
  call.agent = std::move(agent);
  call.tool = std::move(tool);
  call.raw_arguments = std::string(raw_arguments);
  call.arguments = std::move(arguments);
  return call;
}

ToolCall ToolCall::from_json(std::string id, std::string agent, std::string tool,
                             const nlohmann::json& arguments) {
  if (arguments.is_string())
    return from_wire(std::move(id), std::move(agent), std::move(tool), arguments.get_ref<const std::string&>());
  ToolCall call;
  call.id = std::move(id);
  call.agent = std::move(agent);
  call.tool = std::move(tool);
  if (arguments.is_object()) {
    call.arguments = arguments;
  } else {
    call.arguments_valid = false;
    call.arguments_error = "arguments are neither an object nor a JSON string";
    call.raw_arguments = arguments.dump();
  }
  return call;
}

}  // namespace toolwall
