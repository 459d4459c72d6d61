#pragma once
// A tool call as an agent's model emitted it, before any interpretation.
#include <nlohmann/json.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall {

struct ToolCall {
  std::string id;     // the wire id (call_…, toolu_…), or the corpus/CLI id
  std::string agent;  // agent profile name if known ("claude-code", "codex", …); empty = detect
  std::string tool;   // the agent's own tool name ("Bash", "shell", "apply_patch", …)
  nlohmann::json arguments = nlohmann::json::object();  // parsed argument object
  std::string raw_arguments;   // the arguments exactly as received when they came as a string
  bool arguments_valid = true;  // false: raw_arguments did not parse as a JSON object
  std::string arguments_error;  // why, when !arguments_valid
  // The tool calls the model made earlier in the same conversation, oldest first, as the request's
  // history holds them (null when unknown): a file one call wrote and the next one sends is one flow.
  std::shared_ptr<const std::vector<ToolCall>> earlier;

  // Builds a call from arguments that arrive as a JSON string (OpenAI wire form). Never throws.
  static ToolCall from_wire(std::string id, std::string agent, std::string tool,
                            std::string_view raw_arguments);
  // As from_wire, with `arguments` (an object) already read from raw_arguments by a reader that reads
  // exactly what from_wire's parse would.
  static ToolCall from_wire_read(std::string id, std::string agent, std::string tool, std::string_view raw_arguments,
                                 nlohmann::json arguments);
  // Builds a call from arguments that are already JSON: an object, or a string holding one.
  static ToolCall from_json(std::string id, std::string agent, std::string tool,
                            const nlohmann::json& arguments);
};

}  // namespace toolwall
