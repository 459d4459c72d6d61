#include "proxy/team_gate.h"

#include "proxy/credentials.h"
#include "proxy/model_policy.h"

namespace toolwall::proxy {

std::string route_label(std::string_view path) {
  static const char* kKnown[] = {"/v1/chat/completions", "/v1/responses", "/v1/messages", "/v1/models",
                                 "/v1/embeddings",       "/api/chat",     "/metrics",     "/readyz",
                                 "/livez"};
  for (const char* known : kKnown)
    if (path == known) return known;
  return "other";
}

namespace {
std::string error_body(const wire::Dialect* dialect, int status, std::string code, std::string message) {
  const wire::Dialect* shape = dialect ? dialect : wire::dialect_for("POST", "/v1/chat/completions");
  return shape->error_body(wire::WireError{status, std::move(code), std::move(message)});
}
}  // namespace

GateDecision TeamGate::refuse(const GateRequest& request, Pending pending, int status, std::string code,
                              std::string message) {
  metrics_->rejected(code);
  GateDecision decision;
  decision.answer = GateAnswer{status, "application/json", error_body(request.dialect, status, code, message), {}};
  if (status == 401) decision.answer->headers.push_back({"WWW-Authenticate", "Bearer realm=\"toolwall\""});
  pending.status = std::to_string(status);
  std::lock_guard lock(mutex_);
  pending_[std::string(request.request_id)] = std::move(pending);
  return decision;
}

GateDecision TeamGate::admit(const GateRequest& request) {
  Pending pending;
  pending.route = route_label(request.path);
  auto state = state_.load();
  if (request.method == "GET" && !request.prefix_routed && (request.path == "/metrics" || request.path == "/readyz" || request.path == "/livez")) {
    GateDecision decision;
    if (request.path == "/metrics") {
      decision.answer = GateAnswer{200, "text/plain; version=0.0.4; charset=utf-8", metrics_->render(wire_), {}};
    } else if (request.path == "/livez") {
      decision.answer = GateAnswer{200, "application/json", "{\"status\":\"alive\"}", {}};
    } else {
      bool ready = state && state->base_judge;
      decision.answer = GateAnswer{ready ? 200 : 503, "application/json",
                                   ready ? "{\"status\":\"ready\"}" : "{\"status\":\"no policy loaded\"}", {}};
    }
    pending.status = std::to_string(decision.answer->status);
    std::lock_guard lock(mutex_);
    pending_[std::string(request.request_id)] = std::move(pending);
    return decision;
  }
  if (!state) return refuse(request, std::move(pending), 503, "not_ready", "toolwall has no policy loaded yet");

  GateDecision decision;
  decision.judge = state->base_judge;
  std::string_view authorization = request.header("authorization");
  std::string_view api_key = request.header("x-api-key");
  bool token_in_api_key = false;
  if (!state->directory.empty()) {
    std::string_view token = presented_token(authorization, api_key);
    token_in_api_key = token.data() == api_key.data() && !token.empty();
    const ClientSpec* client = state->directory.find(token);
    if (!client) {
      return refuse(request, std::move(pending), 401, "unauthorized",
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
      return refuse(request, std::move(pending), 403, "model_not_allowed", *why);
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
  pending.judge = decision.judge;
  std::lock_guard lock(mutex_);
  pending_[std::string(request.request_id)] = std::move(pending);
  return decision;
}

std::shared_ptr<const Judge> TeamGate::judge_for(std::string_view request_id) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(request_id);
  return it == pending_.end() ? nullptr : it->second.judge;
}

void TeamGate::upstream_responded(std::string_view request_id, int status, bool event_stream,
                                  std::chrono::steady_clock::duration latency) {
  metrics_->upstream_latency(latency);
  std::lock_guard lock(mutex_);
  auto it = pending_.find(request_id);
  if (it == pending_.end()) return;
  it->second.status = std::to_string(status);
  if (event_stream && !it->second.stream) {
    it->second.stream = true;
    metrics_->stream_opened();
  }
}

void TeamGate::finished(std::string_view request_id) {
  Pending done;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(request_id);
    if (it == pending_.end()) return;
    done = std::move(it->second);
    pending_.erase(it);
  }
  if (done.stream) metrics_->stream_closed();
  metrics_->request(done.route, done.status);
}

}  // namespace toolwall::proxy
