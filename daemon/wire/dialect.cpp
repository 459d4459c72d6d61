#include "wire/dialect.h"

#include <exception>

#include "core/text.h"
#include "wire/anthropic_messages.h"
#include "wire/chat_completions.h"
#include "wire/responses.h"

namespace toolwall::wire {

void WireCounters::count(Action action) {
  switch (action) {
    case Action::allow: ++calls_allowed; break;
    case Action::flag: ++calls_flagged; break;
    case Action::rewrite: ++calls_rewritten; break;
    case Action::block: ++calls_blocked; break;
  }
}

const Dialect* dialect_for(std::string_view method, std::string_view path) {
  static const ChatCompletionsDialect chat_completions;
  if (chat_completions.handles(method, path)) return &chat_completions;
  static const ResponsesDialect responses;
  if (responses.handles(method, path)) return &responses;
  static const AnthropicMessagesDialect anthropic_messages;
  if (anthropic_messages.handles(method, path)) return &anthropic_messages;
  return nullptr;
}

bool uninspectable_tool_api(std::string_view method, std::string_view path) {
  if (method != "POST") return false;
  for (std::string_view known : {"/v1/responses", "/responses", "/v1/messages", "/messages", "/api/chat"})
    if (path == known) return true;
  return false;
}

std::string disguised_tool_api(std::string_view method, std::string_view path) {
  if (method != "POST" || dialect_for(method, path) || uninspectable_tool_api(method, path)) return {};
  std::string plain(path);
  for (char& c : plain)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  while (plain.size() > 1 && plain.back() == '/') plain.pop_back();
  if (plain == path) return {};
  if (dialect_for(method, plain) || uninspectable_tool_api(method, plain)) return plain;
  return {};
}

Verdict judge_safely(const Judge& judge, const ToolCall& call) {
  try {
    return judge.judge(call);
  } catch (const std::exception& e) {
    return wire_block(std::string("the judge failed: ") + e.what());
  } catch (...) {
    return wire_block("the judge failed");
  }
}

bool json_depth_exceeds(std::string_view text, size_t max_depth) {
  size_t depth = 0;
  bool exceeds = false;
  scan_json_brackets(text, [&](char c, size_t) {
    if (c == '{' || c == '[') exceeds = ++depth > max_depth;
    else if (depth > 0) --depth;
    return !exceeds;
  });
  return exceeds;
}

Verdict wire_block(std::string reason) {
  Verdict verdict;
  verdict.action = Action::block;
  verdict.error = std::move(reason);
  return verdict;
}

}  // namespace toolwall::wire
