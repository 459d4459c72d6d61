#include "wire/responses.h"

#include <exception>

#include "wire/call_outcome.h"
#include "wire/responses_items.h"

namespace toolwall::wire {

namespace {

// GET /v1/responses/{id} returns a stored response, whose call items a client may still run.
bool is_retrieval_path(std::string_view path) {
  for (std::string_view prefix : {"/v1/responses/", "/responses/"}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    std::string_view id = path.substr(prefix.size());
    return !id.empty() && id.find('/') == std::string_view::npos;
  }
  return false;
}

}  // namespace

bool ResponsesDialect::handles(std::string_view method, std::string_view path) const {
  if (method == "POST") return path == "/v1/responses" || path == "/responses";
  return method == "GET" && is_retrieval_path(path);
}

Expected<std::optional<std::string>, WireError> ResponsesDialect::filter_body(std::string_view body,
                                                                              const JudgeContext& ctx) const {
  auto parsed = parse_bounded(body, ctx.limits);
  if (!parsed || !parsed->is_object()) {
    if (ctx.counters) ++ctx.counters->upstream_malformed;
    return unexpected(
        WireError{502, "upstream_malformed_json",
                  "the upstream's response is not valid JSON (or nests too deeply), so its tool calls "
                  "cannot be checked"});
  }
  OrderedJson& response = *parsed;
  JudgeContext local = ctx;
  if (local.exchange.model.empty()) local.exchange.model = string_member(response, "model");
  auto output = response.find("output");
  if (output == response.end()) return std::optional<std::string>();
  try {
    if (!responses::filter_output(*output, local)) return std::optional<std::string>();
  } catch (const std::exception& e) {
    return unexpected(WireError{502, "toolwall_internal_error",
                                std::string("could not apply verdicts to the response: ") + e.what()});
  }
  return std::optional<std::string>(dump_compact(response));
}

std::unique_ptr<StreamFilter> ResponsesDialect::filter_stream(JudgeContext ctx) const {
  return make_responses_stream_filter(std::move(ctx));
}

std::vector<ToolCall> ResponsesDialect::earlier_calls(const nlohmann::ordered_json& request,
                                                      const JudgeContext& ctx) const {
  std::vector<ToolCall> calls;
  auto input = request.find("input");
  if (input == request.end() || !input->is_array()) return calls;
  for (const auto& item : *input)
    if (item.is_object() && responses::is_call_item_type(string_member(item, "type")))
      calls.push_back(responses::read_call_item(item, ctx));
  return calls;
}

std::string ResponsesDialect::error_body(const WireError& error) const {
  OrderedJson body{
      {"error",
       {{"message", error.message}, {"type", "toolwall_error"}, {"param", nullptr}, {"code", error.code}}}};
  return dump_compact(body);
}

}  // namespace toolwall::wire
