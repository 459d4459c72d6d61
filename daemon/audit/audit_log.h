#pragma once
// The audit log: one JSON line per verdict other than allow (every verdict with log_all), secrets
// redacted, appended under a mutex with one write(2) per line; reopened on SIGHUP for logrotate.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/expected.h"
#include "core/tool_call.h"
#include "core/verdict.h"

namespace toolwall::audit {

struct AuditOptions {
  std::string path;      // file to append to; "-" writes to standard error
  bool log_all = false;  // also log allowed calls
};

// What one judged call looked like on the wire. Never holds request headers, so never a credential
// from Authorization or an API key header.
struct AuditEntry {
  std::string request_id;
  std::string client_address;
  std::string model;
  std::string agent;  // the header's profile; the verdict's profile wins when set
  int choice = 0;
  const ToolCall* call = nullptr;
  const Verdict* verdict = nullptr;
  std::string sent_instead;  // rewritten arguments or the explanation sent for a block
  std::string client_name;   // the authenticated team client (never its token), empty when none
  std::string upstream;      // the named upstream the exchange was routed to, empty when not routed
};

// The JSON line for an entry (without the newline), arguments and findings redacted.
std::string audit_line(const AuditEntry& entry, std::chrono::system_clock::time_point when);
// "2026-11-25T19:40:00.123Z"
std::string rfc3339_utc(std::chrono::system_clock::time_point when);

class AuditLog {
 public:
  static Expected<std::unique_ptr<AuditLog>, std::string> open(AuditOptions options);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends the entry when its action is logged; thread-safe.
  void record(const AuditEntry& entry);
  // Closes and reopens the file (after logrotate moved it); on failure keeps the old descriptor.
  Expected<bool, std::string> reopen();
  uint64_t lines_written() const;
  uint64_t write_errors() const;

 private:
  explicit AuditLog(AuditOptions options) : options_(std::move(options)) {}
  AuditOptions options_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  bool owns_fd_ = false;
  uint64_t lines_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace toolwall::audit
