#include "proxy/team_gate.h"

#include "proxy/credentials.h"
#include "proxy/model_policy.h"

namespace toolwall::proxy {

std::string_view route_label(std::string_view path) {
  static const char* kKnown[] = {"/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1/models",
                                 "/v1/embeddings",       "/api/chat",     "/metrics",     "/readyz",
                                 "/livez"};
  for (const char* known : kKnown)
    if (path == known) return known;
  return "other";
}

namespace {

// The metrics of one exchange, counted when the server lets go of it: its route, the status it ended
// with (the upstream's or the gate's own answer; none means the proxy failed it) and whether it streamed.
class MeteredExchange final : public GateExchange {
 public:
  MeteredExchange(std::shared_ptr<Metrics> metrics, std::string_view route)
      : metrics_(std::move(metrics)), route_(route) {}
  ~MeteredExchange() override {
    if (stream_) metrics_->stream_closed();
    metrics_->request(route_, status_ ? std::to_string(status_) : "error");
  }
  void upstream_responded(int status, bool event_stream, std::chrono::steady_clock::duration latency) override {
    metrics_->upstream_latency(latency);
    status_ = status;
    if (event_stream && !stream_) {
      stream_ = true;
      metrics_->stream_opened();
    }
  }
  void answered(int status) { status_ = status; }

 private:
  std::shared_ptr<Metrics> metrics_;
  std::string_view route_;  // one of route_label's literals
  int status_ = 0;
  bool stream_ = false;
};

// Records the gate's own answer in the exchange's metrics.
void record_answer(GateDecision& decision) {
  static_cast<MeteredExchange&>(*decision.exchange).answered(decision.answer->status);
}

std::string error_body(const wire::Dialect* dialect, int status, std::string code, std::string message) {
  const wire::Dialect* shape = dialect ? dialect : wire::dialect_for("POST", "/v1/chat/completions");
  return shape->error_body(wire::WireError{status, std::move(code), std::move(message)});
}
}  // namespace

GateDecision TeamGate::refuse(const GateRequest& request, GateDecision decision, int status, std::string code,
                              std::string message) {
  metrics_->rejected(code);
  decision.judge = nullptr;
  decision.answer = GateAnswer{status, "application/json", error_body(request.dialect, status, code, message), {}};
  if (status == 401) decision.answer->headers.push_back({"WWW-Authenticate", "Bearer realm=\"toolwall\""});
  record_answer(decision);
  return decision;
}

GateDecision TeamGate::admit(const GateRequest& request) {
  GateDecision decision;
  decision.exchange = std::make_unique<MeteredExchange>(metrics_, route_label(request.path));
  auto state = state_.load();
  if (request.method == "GET" && !request.prefix_routed && (request.path == "/metrics" || request.path == "/readyz" || request.path == "/livez")) {
    if (request.path == "/metrics") {
      decision.answer = GateAnswer{200, "text/plain; version=0.0.4; charset=utf-8", metrics_->render(wire_), {}};
    } else if (request.path == "/livez") {
      decision.answer = GateAnswer{200, "application/json", "{\"status\":\"alive\"}", {}};
    } else {
      bool ready = state && state->base_judge;
      decision.answer = GateAnswer{ready ? 200 : 503, "application/json",
                                   ready ? "{\"status\":\"ready\"}" : "{\"status\":\"no policy loaded\"}", {}};
    }
    record_answer(decision);
    return decision;
  }
  if (!state) return refuse(request, std::move(decision), 503, "not_ready", "toolwall has no policy loaded yet");

  decision.judge = state->base_judge;
  std::string_view authorization = request.header("authorization");
  std::string_view api_key = request.header("x-api-key");
  bool token_in_api_key = false;
  if (!state->directory.empty()) {
    std::string_view token = presented_token(authorization, api_key);
    token_in_api_key = token.data() == api_key.data() && !token.empty();
    const ClientSpec* client = state->directory.find(token);
    if (!client) {
      return refuse(request, std::move(decision), 401, "unauthorized",
                    token.empty() ? "toolwall needs a client token: send 'Authorization: Bearer <toolwall token>' "
                                    "(or 'x-api-key: <toolwall token>')"
                                  : "toolwall does not know this client token");
    }
    decision.client = client->name;
    if (auto it = state->client_judges.find(client->name); it != state->client_judges.end())
      decision.judge = it->second;
    // The toolwall token never goes upstream.
    decision.drop_headers.push_back(token_in_api_key ? "x-api-key" : "authorization");
  }

  if (state->team.models.configured() && request.method == "POST" && request.dialect) {
    if (auto why = model_refusal(state->team.models, request_model(request.body)))
      return refuse(request, std::move(decision), 403, "model_not_allowed", *why);
  }

  // A named upstream's own key wins over the global one; either way the client's credentials stay here.
  const std::string* key = &state->upstream_key;
  if (auto own = state->upstream_keys.find(request.upstream); own != state->upstream_keys.end()) key = &own->second;
  if (!key->empty()) {
    decision.drop_headers.push_back("authorization");
    decision.drop_headers.push_back("x-api-key");
    if (anthropic_route(request.path)) decision.set_headers.push_back({"x-api-key", *key});
    else decision.set_headers.push_back({"Authorization", "Bearer " + *key});
  }
  if (!request.upstream.empty()) metrics_->upstream_request(request.upstream);
  return decision;
}

}  // namespace toolwall::proxy
