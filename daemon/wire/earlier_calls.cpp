#include "wire/earlier_calls.h"

#include <mutex>
#include <optional>

namespace toolwall::wire {
namespace {

class EarlierCallsJudge final : public Judge {
 public:
  EarlierCallsJudge(std::shared_ptr<const Judge> inner, std::string_view request_body, const Dialect& dialect,
                    JudgeContext ctx)
      : inner_(std::move(inner)), request_body_(request_body), dialect_(dialect), ctx_(std::move(ctx)) {}

  Verdict judge(const ToolCall& call) const override {
    auto with = with_history(call);
    return inner_->judge(with ? *with : call);
  }

  bool depends_on_earlier_calls(const ToolCall& call) const override {
    if (call.earlier) return inner_->depends_on_earlier_calls(call);
    auto with = with_history(call);
    return with && inner_->depends_on_earlier_calls(*with);
  }

 private:
  // A copy of the call that carries the request's history; nullopt when the call brings its own or
  // the request holds none.
  std::optional<ToolCall> with_history(const ToolCall& call) const {
    if (call.earlier) return std::nullopt;
    auto earlier = history();
    if (!earlier) return std::nullopt;
    ToolCall with = call;
    with.earlier = std::move(earlier);
    return with;
  }

  // Null when the request holds no earlier call.
  std::shared_ptr<const std::vector<ToolCall>> history() const {
    std::call_once(read_, [this] {
      try {
        auto calls = earlier_calls_of(request_body_, dialect_, ctx_);
        if (!calls.empty()) history_ = std::make_shared<const std::vector<ToolCall>>(std::move(calls));
      } catch (...) {
        // No memory of the conversation: each call is judged alone, as without a history.
      }
    });
    return history_;
  }

  std::shared_ptr<const Judge> inner_;
  std::string_view request_body_;
  const Dialect& dialect_;
  JudgeContext ctx_;
  mutable std::once_flag read_;
  mutable std::shared_ptr<const std::vector<ToolCall>> history_;
};

}  // namespace

bool may_hold_earlier_calls(std::string_view body) {
  // "\u": a key spelled with escapes. Cheaper than a parse, and most first turns hold none of them.
  for (std::string_view key : {"tool_calls", "function_call", "tool_use", "custom_tool_call", "local_shell_call",
                               "shell_call", "apply_patch_call", "\\u"})
    if (body.find(key) != std::string_view::npos) return true;
  return false;
}

std::vector<ToolCall> earlier_calls_of(std::string_view request_body, const Dialect& dialect, const JudgeContext& ctx) {
  if (!may_hold_earlier_calls(request_body) || json_depth_exceeds(request_body, ctx.limits.max_json_depth)) return {};
  auto request = nlohmann::ordered_json::parse(request_body, nullptr, false);
  if (request.is_discarded() || !request.is_object()) return {};
  return dialect.earlier_calls(request, ctx);
}

std::shared_ptr<const Judge> with_earlier_calls(std::shared_ptr<const Judge> judge, std::string_view request_body,
                                                const Dialect& dialect, const JudgeContext& ctx) {
  JudgeContext reading;
  reading.exchange.agent = ctx.exchange.agent;
  reading.limits = ctx.limits;
  return std::make_shared<const EarlierCallsJudge>(std::move(judge), request_body, dialect, std::move(reading));
}

}  // namespace toolwall::wire
