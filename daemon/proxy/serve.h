#pragma once
// `toolwall serve`: loads config, policy and audit log, then runs the proxy until SIGTERM/SIGINT.
#include "audit/audit_log.h"
#include "wire/dialect.h"

namespace toolwall::proxy {

// The audit entry of one judged call of an exchange (the call and verdict are referenced, not copied).
audit::AuditEntry audit_entry(const wire::ExchangeContext& exchange, const wire::JudgedCall& judged);

// argv[0] is "serve"; returns the process exit code (2 for usage or config errors).
int serve_command(int argc, char** argv);

}  // namespace toolwall::proxy
