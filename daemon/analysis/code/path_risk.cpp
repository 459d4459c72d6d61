#include "analysis/code/path_risk.h"

#include <cctype>

#include "analysis/code/file_kind.h"

namespace toolwall::code {

namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}
bool has_segment(std::string_view path, std::string_view segment) {
  // segment at the start of path or right after a '/' (no copies: this runs dozens of times a file)
  for (size_t at = path.find(segment); at != std::string_view::npos; at = path.find(segment, at + 1))
    if (at == 0 || path[at - 1] == '/') return true;
  return false;
}

Marker marker(const std::string& name, const std::string& detail, const std::string& path) {
  Marker m;
  m.name = name;
  m.detail = detail;
  m.location = Location{path, "", 1, 1};
  return m;
}

// The most specific class of a sensitive path, or empty.
std::string path_class(const std::string& lpath, const FileKind& kind) {
  if (kind.origin == "git_hook") return "git_hook";  // hooks, and git config that runs commands
  if (has_segment(lpath, ".ssh/")) return "ssh";
  if (kind.origin == "shell_rc") return "shell_rc";
  if (kind.origin == "cron") return "cron";
  if (kind.origin == "python_startup") return "python_startup";
  if (kind.origin == "service" &&
      (has_segment(lpath, "systemd/") || starts_with(lpath, "/etc/") || has_segment(lpath, "etc/init.d/")))
    return "service";
  if (has_segment(lpath, "library/launchagents/") || has_segment(lpath, "library/launchdaemons/") ||
      has_segment(lpath, ".config/autostart/"))
    return "service";
  if (kind.carrier == CommandCarrier::ci_workflow) return "ci_config";
  if (kind.carrier == CommandCarrier::ide_config) return "ci_config";  // runs on open / container create
  const std::string base = lpath.substr(lpath.rfind('/') == std::string::npos ? 0 : lpath.rfind('/') + 1);
  if (base == "jenkinsfile" || base == ".gitlab-ci.yml") return "ci_config";
  // System locations only: /usr/src/app, /opt/app and /var/www are where projects live in containers.
  for (std::string_view dir :
       {"/etc/", "/bin/", "/sbin/", "/lib/", "/lib64/", "/boot/", "/usr/bin/", "/usr/sbin/", "/usr/lib/",
        "/usr/local/bin/", "/usr/local/sbin/", "/usr/local/lib/"})
    if (starts_with(lpath, dir)) return "system";
  return {};
}

}  // namespace

std::vector<Marker> path_risk_markers(const std::string& raw_path) {
  std::vector<Marker> out;
  std::string path = normalize_path(raw_path);
  std::string lpath = path;
  for (auto& c : lpath) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  FileKind kind = classify_file(path, "");
  std::string cls = path_class(lpath, kind);
  if (cls.empty()) return out;
  out.push_back(marker("sensitive_path_write", cls, raw_path));
  bool authorized_keys = lpath.size() >= 15 && lpath.find("authorized_keys") != std::string::npos;
  if (cls == "ssh" && authorized_keys)
    out.push_back(marker("persistence_write", "authorized_keys", raw_path));
  if (cls == "shell_rc" || cls == "python_startup") out.push_back(marker("persistence_write", cls, raw_path));
  return out;
}

}  // namespace toolwall::code
