#include "wire/responses_items.h"

#include <vector>

#include "wire/arguments_json.h"

namespace toolwall::wire::responses {

namespace {

std::string call_id_of(const OrderedJson& item) {
  std::string id = string_member(item, "call_id");
  return id.empty() ? string_member(item, "id") : id;
}

ToolCall invalid_call(const OrderedJson& item, std::string tool, std::string why, const JudgeContext& ctx) {
  ToolCall call;
  call.id = call_id_of(item);
  call.agent = ctx.exchange.agent;
  call.tool = std::move(tool);
  call.arguments_valid = false;
  call.arguments_error = std::move(why);
  return call;
}

// A call item read into the engine's ToolCall (invalid_call's counterpart).
ToolCall read_call(const OrderedJson& item, std::string tool, nlohmann::json arguments, const JudgeContext& ctx) {
  ToolCall call;
  call.id = call_id_of(item);
  call.agent = ctx.exchange.agent;
  call.tool = std::move(tool);
  call.arguments = std::move(arguments);
  return call;
}

ToolCall function_call(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  std::string name = string_member(item, "name");
  auto args = item.find("arguments");
  if (args == item.end()) return tool_call_from_wire(call_id_of(item), ctx.exchange.agent, name, "");
  if (args->is_string()) {
    const auto& text = args->get_ref<const std::string&>();
    if (text.size() > ctx.limits.max_tool_argument_bytes)
      return oversized_call(call_id_of(item), name, ctx, preset);
    return tool_call_from_wire(call_id_of(item), ctx.exchange.agent, name, text);
  }
  return ToolCall::from_json(call_id_of(item), ctx.exchange.agent, name, to_plain(*args));
}

// A freeform tool (Codex's apply_patch) takes one string; the engine reads it as {"input": …}.
ToolCall custom_tool_call(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  std::string name = string_member(item, "name");
  auto input = item.find("input");
  if (input == item.end() || !input->is_string())
    return invalid_call(item, name, "a custom tool call without an input string", ctx);
  const auto& text = input->get_ref<const std::string&>();
  if (text.size() > ctx.limits.max_tool_argument_bytes)
    return oversized_call(call_id_of(item), name, ctx, preset);
  return read_call(item, std::move(name), nlohmann::json{{"input", text}}, ctx);
}

// The built-in local shell: action.command is an argv, read like Codex's shell{command, workdir}.
ToolCall local_shell_call(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  static const std::string kTool = "local_shell";
  auto action = item.find("action");
  if (action == item.end() || !action->is_object())
    return invalid_call(item, kTool, "a local shell call without an action", ctx);
  auto command = action->find("command");
  if (command == action->end() || !command->is_array() || command->empty())
    return invalid_call(item, kTool, "a local shell call without a command argv", ctx);
  size_t bytes = 0;
  nlohmann::json argv = nlohmann::json::array();
  for (const auto& word : *command) {
    if (!word.is_string())
      return invalid_call(item, kTool, "a local shell command word is not a string", ctx);
    bytes += word.get_ref<const std::string&>().size();
    argv.push_back(word.get<std::string>());
  }
  if (bytes > ctx.limits.max_tool_argument_bytes) return oversized_call(call_id_of(item), kTool, ctx, preset);
  nlohmann::json arguments{{"command", std::move(argv)}};
  std::string workdir = string_member(*action, "working_directory");
  if (!workdir.empty()) arguments["workdir"] = workdir;
  return read_call(item, kTool, std::move(arguments), ctx);
}

// The hosted shell tool: action.commands run one after another in the client's shell, so they are
// judged as one script (a variable set by one reaching the next is over-approximated, not missed).
ToolCall shell_call(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  static const std::string kTool = "shell";
  auto action = item.find("action");
  if (action == item.end() || !action->is_object())
    return invalid_call(item, kTool, "a shell call without an action", ctx);
  auto commands = action->find("commands");
  if (commands == action->end() || !commands->is_array() || commands->empty())
    return invalid_call(item, kTool, "a shell call without its commands", ctx);
  std::string script;
  for (const auto& command : *commands) {
    if (!command.is_string()) return invalid_call(item, kTool, "a shell call command is not a string", ctx);
    if (!script.empty()) script.push_back('\n');
    script += command.get_ref<const std::string&>();
    if (script.size() > ctx.limits.max_tool_argument_bytes) return oversized_call(call_id_of(item), kTool, ctx, preset);
  }
  return read_call(item, kTool, nlohmann::json{{"command", std::move(script)}}, ctx);
}

// Every line of a created file's text as patch '+' lines (the diff may already carry them).
std::string as_added_lines(const std::string& diff) {
  bool prefixed = true;
  for (size_t at = 0; at < diff.size();) {
    size_t end = diff.find('\n', at);
    if (end == std::string::npos) end = diff.size();
    if (end > at && diff[at] != '+') prefixed = false;
    at = end + 1;
  }
  if (prefixed) return diff;
  std::string out;
  for (size_t at = 0; at <= diff.size();) {
    size_t end = diff.find('\n', at);
    if (end == std::string::npos) end = diff.size();
    if (end == diff.size() && at == end) break;
    out += '+';
    out.append(diff, at, end - at);
    out += '\n';
    at = end + 1;
  }
  return out;
}

// The hosted apply_patch tool: one file operation, read as the Codex patch text it amounts to.
ToolCall apply_patch_call(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict>& preset) {
  static const std::string kTool = "apply_patch";
  auto operation = item.find("operation");
  if (operation == item.end() || !operation->is_object())
    return invalid_call(item, kTool, "an apply_patch call without an operation", ctx);
  std::string type = string_member(*operation, "type");
  std::string path = string_member(*operation, "path");
  std::string diff = string_member(*operation, "diff");
  if (path.empty()) return invalid_call(item, kTool, "an apply_patch operation without a path", ctx);
  if (diff.size() > ctx.limits.max_tool_argument_bytes) return oversized_call(call_id_of(item), kTool, ctx, preset);
  std::string patch = "*** Begin Patch\n";
  if (type == "create_file") {
    patch += "*** Add File: " + path + "\n" + as_added_lines(diff);
  } else if (type == "update_file") {
    patch += "*** Update File: " + path + "\n" + diff;
  } else if (type == "delete_file") {
    patch += "*** Delete File: " + path + "\n";
  } else {
    return invalid_call(item, kTool, "an apply_patch operation of unknown type '" + type + "'", ctx);
  }
  if (!patch.empty() && patch.back() != '\n') patch.push_back('\n');
  patch += "*** End Patch\n";
  return read_call(item, kTool, nlohmann::json{{"input", std::move(patch)}}, ctx);
}

bool rewrite_shell_call(OrderedJson& item, const nlohmann::json& new_arguments, std::string& sent) {
  auto command = new_arguments.find("command");
  if (command == new_arguments.end() || !command->is_string()) return false;
  if (!item.contains("action") || !item["action"].is_object()) return false;
  item["action"]["commands"] = OrderedJson::array({command->get<std::string>()});
  sent = command->get<std::string>();
  return true;
}

bool rewrite_function_call(OrderedJson& item, const nlohmann::json& new_arguments, std::string& sent) {
  sent = dump_compact(new_arguments);
  item["arguments"] = sent;
  return true;
}

bool rewrite_custom_tool_call(OrderedJson& item, const nlohmann::json& new_arguments, std::string& sent) {
  auto input = new_arguments.find("input");
  if (input == new_arguments.end() || !input->is_string()) return false;
  sent = input->get<std::string>();
  item["input"] = sent;
  return true;
}

bool rewrite_local_shell_call(OrderedJson& item, const nlohmann::json& new_arguments, std::string& sent) {
  auto command = new_arguments.find("command");
  if (command == new_arguments.end()) return false;
  OrderedJson argv = OrderedJson::array();
  if (command->is_string()) {
    argv = OrderedJson::array({"bash", "-lc", command->get<std::string>()});
  } else if (command->is_array() && !command->empty()) {
    for (const auto& word : *command) {
      if (!word.is_string()) return false;
      argv.push_back(word.get<std::string>());
    }
  } else {
    return false;
  }
  if (!item.contains("action") || !item["action"].is_object()) return false;
  item["action"]["command"] = argv;
  sent = dump_compact(argv);
  return true;
}

}  // namespace

bool is_call_item_type(std::string_view type) {
  return type == "function_call" || type == "custom_tool_call" || type == "local_shell_call" ||
         type == "shell_call" || type == "apply_patch_call";
}

std::string replacement_id(const OrderedJson& call_item) {
  std::string id = string_member(call_item, "id");
  if (id.empty()) id = string_member(call_item, "call_id");
  return "msg_toolwall_" + id;
}

OrderedJson message_item(const std::string& id, const std::string& text, bool completed) {
  OrderedJson item{{"id", id},
                   {"type", "message"},
                   {"status", completed ? "completed" : "in_progress"},
                   {"role", "assistant"}};
  item["content"] = OrderedJson::array();
  if (completed)
    item["content"].push_back(
        OrderedJson{{"type", "output_text"}, {"annotations", OrderedJson::array()}, {"text", text}});
  return item;
}

ToolCall read_call_item(const OrderedJson& item, const JudgeContext& ctx) {
  std::string type = string_member(item, "type");
  std::optional<Verdict> preset;
  if (type == "custom_tool_call") return custom_tool_call(item, ctx, preset);
  if (type == "local_shell_call") return local_shell_call(item, ctx, preset);
  if (type == "shell_call") return shell_call(item, ctx, preset);
  if (type == "apply_patch_call") return apply_patch_call(item, ctx, preset);
  return function_call(item, ctx, preset);
}

SettledItem settle_item(const OrderedJson& item, const JudgeContext& ctx, std::optional<Verdict> preset) {
  std::string type = string_member(item, "type");
  ToolCall call;
  ApplyRewrite apply;
  SettledItem result;
  result.item = item;
  if (type == "custom_tool_call") {
    call = custom_tool_call(item, ctx, preset);
    apply = [&result](const nlohmann::json& args, std::string& sent) {
      return rewrite_custom_tool_call(result.item, args, sent);
    };
  } else if (type == "local_shell_call") {
    call = local_shell_call(item, ctx, preset);
    apply = [&result](const nlohmann::json& args, std::string& sent) {
      return rewrite_local_shell_call(result.item, args, sent);
    };
  } else if (type == "shell_call") {
    call = shell_call(item, ctx, preset);
    apply = [&result](const nlohmann::json& args, std::string& sent) {
      return rewrite_shell_call(result.item, args, sent);
    };
  } else if (type == "apply_patch_call") {
    call = apply_patch_call(item, ctx, preset);
    apply = [](const nlohmann::json&, std::string&) { return false; };  // a patch is judged whole
  } else {
    call = function_call(item, ctx, preset);
    apply = [&result](const nlohmann::json& args, std::string& sent) {
      return rewrite_function_call(result.item, args, sent);
    };
  }
  SettledCall settled = settle_call(std::move(call), preset, ctx, apply);
  result.settlement = settled.settlement;
  if (settled.settlement == Settlement::pass) result.item = item;
  if (settled.settlement == Settlement::replace) {
    result.explanation = settled.explanation;
    result.item = message_item(replacement_id(item), settled.explanation, true);
  }
  return result;
}

bool filter_output(OrderedJson& output, const JudgeContext& ctx) {
  if (!output.is_array()) return false;
  bool changed = false;
  for (auto& item : output) {
    if (!item.is_object() || !is_call_item_type(string_member(item, "type"))) continue;
    SettledItem settled = settle_item(item, ctx);
    if (settled.settlement == Settlement::pass) continue;
    item = std::move(settled.item);
    changed = true;
  }
  return changed;
}

}  // namespace toolwall::wire::responses
