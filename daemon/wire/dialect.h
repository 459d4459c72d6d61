#pragma once
// One API dialect on the wire (chat completions today; Responses and Messages later, each in its own
// files): finds tool calls in a model's response, asks the Judge, and applies the verdicts so the
// client still receives a well-formed response of the same dialect. Free of sockets and Asio.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/expected.h"
#include "core/judge.h"
#include "core/tool_call.h"
#include "core/verdict.h"

namespace toolwall::wire {

// Caps that keep hostile or broken upstreams from growing memory without bound.
struct WireLimits {
  size_t max_sse_event_bytes = 4u << 20;       // one SSE event
  size_t max_tool_argument_bytes = 1u << 20;   // one call's arguments; larger calls are blocked
  size_t max_held_bytes = 8u << 20;            // all calls held in one stream at once
  size_t max_json_depth = 128;                 // nesting depth of a response body or chunk
  // Chat stream events of the usual shapes are read without a JSON tree (wire/chat_stream_scan);
  // off, every event that may touch a call is parsed in full. Tests compare the two.
  bool scan_usual_stream_events = true;
};

// Who asked, for the audit log and the explanations.
struct ExchangeContext {
  std::string request_id;
  std::string client_address;
  std::string client_name;  // the authenticated team client, empty when clients are not configured
  std::string upstream;     // the named upstream it was routed to, empty when `upstreams:` is not configured
  std::string agent;  // X-Toolwall-Agent, empty = the engine detects the profile
  std::string model;  // filled from the response when the request did not say
};

// One judged call and what the client received instead of it.
struct JudgedCall {
  ToolCall call;
  Verdict verdict;
  std::string model;
  int choice = 0;
  std::string sent_instead;  // rewritten arguments, or the explanation for a block; empty for allow/flag
};

using VerdictSink = std::function<void(const JudgedCall&)>;

// Counters per outcome, shared by all exchanges (Envoy style: every outcome is counted).
struct WireCounters {
  std::atomic<uint64_t> calls_allowed{0}, calls_flagged{0}, calls_rewritten{0}, calls_blocked{0};
  std::atomic<uint64_t> upstream_malformed{0}, limit_exceeded{0}, streams_failed{0};
  void count(Action action);
};

struct WireError {
  int http_status = 502;  // what a non-streaming client receives
  std::string code;       // machine-readable: "upstream_malformed_json", "limit_exceeded", …
  std::string message;    // for a person
};

// Everything a dialect needs to judge calls in one exchange.
struct JudgeContext {
  std::shared_ptr<const Judge> judge;
  ExchangeContext exchange;
  WireLimits limits;
  VerdictSink sink;                 // may be empty
  WireCounters* counters = nullptr; // may be null
};

// Filters one streamed (SSE) response body, piece by piece as it arrives.
class StreamFilter {
 public:
  virtual ~StreamFilter() = default;
  // Consumes upstream bytes, appends bytes for the client to `out`; false: the stream must end now
  // (the error event is already in `out`).
  virtual bool feed(std::string_view bytes, std::string& out) = 0;
  // The upstream body ended: cleanly (error empty) or not (error says why). Appends the last bytes.
  virtual void finish(const std::string& error, std::string& out) = 0;
  // How much tool-call text feeding these bytes (or finishing, for empty bytes) may hand the judge:
  // 0 when it cannot call the judge, SIZE_MAX when unsure. The caller judges small loads on its
  // I/O thread and moves large ones off it.
  virtual size_t judge_load(std::string_view next_bytes) const { return SIZE_MAX; }
};

class Dialect {
 public:
  virtual ~Dialect() = default;
  virtual std::string_view name() const = 0;
  // Whether this dialect owns a request, by method and path (query string already removed).
  virtual bool handles(std::string_view method, std::string_view path) const = 0;
  // Filters a whole response body: nullopt-like empty optional means "send the original bytes".
  virtual Expected<std::optional<std::string>, WireError> filter_body(std::string_view body,
                                                                       const JudgeContext& ctx) const = 0;
  // Whether filter_body may call the judge for this body (false lets the caller skip a thread hop).
  virtual bool body_may_judge(std::string_view body) const { return true; }
  // A filter for a streamed response.
  virtual std::unique_ptr<StreamFilter> filter_stream(JudgeContext ctx) const = 0;
  // A JSON error body in this dialect's shape.
  virtual std::string error_body(const WireError& error) const = 0;
  // The tool calls the model made earlier in the conversation, oldest first, as the request's history
  // (`request` parsed) holds them, read as the calls of a response would be; none when it holds none.
  virtual std::vector<ToolCall> earlier_calls(const nlohmann::ordered_json& request, const JudgeContext& ctx) const {
    return {};
  }
};

// The dialect that owns a request, or null to pass it through untouched.
const Dialect* dialect_for(std::string_view method, std::string_view path);

// Whether a request goes to an API known to return tool calls in a dialect this build cannot
// inspect yet (Responses, Messages, Ollama's /api/chat): such requests must not pass uninspected.
bool uninspectable_tool_api(std::string_view method, std::string_view path);

// The tool API a POST path reads as once letter case and trailing slashes are set aside
// (/V1/Chat/Completions, /v1/chat/completions/), when the path is not that API's exact spelling:
// a server that matches paths loosely would answer it as that API, uninspected. Empty otherwise.
std::string disguised_tool_api(std::string_view method, std::string_view path);

// Runs the judge and never lets an exception escape: a throwing judge blocks the call.
Verdict judge_safely(const Judge& judge, const ToolCall& call);

// Whether JSON text nests arrays/objects deeper than max_depth (checked before parsing).
bool json_depth_exceeds(std::string_view text, size_t max_depth);

// The verdict the wire gives without asking the judge (limits): block with a reason.
Verdict wire_block(std::string reason);

}  // namespace toolwall::wire
