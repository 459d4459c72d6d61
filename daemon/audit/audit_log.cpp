#include "audit/audit_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "audit/redact.h"

namespace toolwall::audit {

namespace {

Expected<int, std::string> open_append(const std::string& path) {
  if (path == "-") return STDERR_FILENO;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return unexpected("cannot open the audit log " + path + ": " + std::strerror(errno));
  return fd;
}

nlohmann::json arguments_for_log(const ToolCall& call) {
  if (call.arguments_valid) return redact_json(call.arguments);
  return redact_text(call.raw_arguments);
}

}  // namespace

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  auto since_epoch = when.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  std::time_t t = seconds.count();
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[80];  // room for any int the format could print (the compiler checks the worst case)
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

std::string audit_line(const AuditEntry& entry, std::chrono::system_clock::time_point when) {
  const ToolCall& call = *entry.call;
  const Verdict& verdict = *entry.verdict;
  nlohmann::ordered_json line;
  line["time"] = rfc3339_utc(when);
  line["request_id"] = entry.request_id;
  line["client"] = entry.client_address;
  if (!entry.client_name.empty()) line["client_name"] = entry.client_name;
  if (!entry.upstream.empty()) line["upstream"] = entry.upstream;
  line["model"] = entry.model;
  line["agent"] = verdict.profile.empty() ? entry.agent : verdict.profile;
  line["tool"] = call.tool;
  line["kind"] = to_string(verdict.kind);
  line["call_id"] = call.id;
  line["choice"] = entry.choice;
  line["action"] = to_string(verdict.action);
  line["rules"] = verdict.rules;
  auto findings = nlohmann::ordered_json::array();
  for (const auto& f : verdict.findings) {
    nlohmann::ordered_json item{{"rule", f.rule},
                                {"action", to_string(f.action)},
                                {"severity", f.severity},
                                {"message", redact_text(f.message)},
                                {"field", f.field},
                                {"span", {f.span.begin, f.span.end}}};
    if (!f.location.path.empty()) {
      item["path"] = f.location.path;
      item["line"] = f.location.line;
      item["column"] = f.location.column;
    }
    findings.push_back(std::move(item));
  }
  line["findings"] = std::move(findings);
  if (!verdict.earlier_calls.empty()) line["earlier_calls"] = verdict.earlier_calls;
  line["arguments"] = arguments_for_log(call);
  if (!call.arguments_valid) line["arguments_error"] = call.arguments_error;
  if (!verdict.error.empty()) line["error"] = redact_text(verdict.error);
  if (!entry.sent_instead.empty()) line["sent_instead"] = redact_text(entry.sent_instead);
  return line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Expected<std::unique_ptr<AuditLog>, std::string> AuditLog::open(AuditOptions options) {
  auto fd = open_append(options.path);
  if (!fd) return unexpected(fd.error());
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(options)));
  log->fd_ = *fd;
  log->owns_fd_ = *fd != STDERR_FILENO;
  return log;
}

AuditLog::~AuditLog() {
  if (owns_fd_) ::close(fd_);
}

void AuditLog::record(const AuditEntry& entry) {
  if (!entry.call || !entry.verdict) return;
  if (entry.verdict->action == Action::allow && !options_.log_all) return;
  std::string line = audit_line(entry, std::chrono::system_clock::now());
  line += '\n';
  std::lock_guard lock(mutex_);
  size_t written = 0;
  while (written < line.size()) {
    ssize_t n = ::write(fd_, line.data() + written, line.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ++errors_;
      return;
    }
    written += static_cast<size_t>(n);
  }
  ++lines_;
}

Expected<bool, std::string> AuditLog::reopen() {
  auto fd = open_append(options_.path);
  if (!fd) return unexpected(fd.error());
  std::lock_guard lock(mutex_);
  if (owns_fd_) ::close(fd_);
  fd_ = *fd;
  owns_fd_ = *fd != STDERR_FILENO;
  return true;
}

uint64_t AuditLog::lines_written() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

uint64_t AuditLog::write_errors() const {
  std::lock_guard lock(mutex_);
  return errors_;
}

}  // namespace toolwall::audit
