#include "analysis/code/path_risk.h"

#include <algorithm>
#include <cctype>

#include "analysis/code/file_kind.h"
#include "analysis/shell/catalog.h"
#include "core/text.h"

namespace toolwall::code {

namespace {

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

bool has_import_line(std::string_view content) {
  size_t start = 0;
  while (start < content.size()) {
    size_t end = std::min(content.find('\n', start), content.size());
    std::string_view line = content.substr(start, end - start);
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos && (line.substr(first, 7) == "import " || line.substr(first, 7) == "import\t"))
      return true;
    start = end + 1;
  }
  return false;
}

// The most specific class of a sensitive path, or empty.
std::string path_class(const std::string& lpath, const FileKind& kind) {
  // Hooks git runs from .git/hooks, and git config that runs commands; hooks tracked in the repository
  // (.husky/, .githooks/) run only once a hooks path points there, which is marked where it is set.
  // A .gitconfig kept in a project (not the home's) is read only where an include.path names it.
  bool project_gitconfig = ends_with(lpath, "/.gitconfig") && shell::home_relative(lpath) != "~/.gitconfig";
  if (kind.origin == "git_hook" && !has_segment(lpath, ".husky/") && !has_segment(lpath, ".githooks/") && !project_gitconfig)
    return "git_hook";
  if (has_segment(lpath, ".ssh/")) return "ssh";
  // direnv runs a project's .envrc only after `direnv allow` of each new content.
  bool envrc = lpath == ".envrc" || ends_with(lpath, "/.envrc");
  if (kind.origin == "shell_rc") return envrc ? "" : "shell_rc";
  // Crontabs and units where cron and systemd read them; the same files kept in a repository
  // (deploy/cron/app.cron, deploy/systemd/app.service) are installed by whoever deploys them.
  if (kind.origin == "cron" && (starts_with(lpath, "/etc/") || starts_with(lpath, "/var/spool/"))) return "cron";
  if (kind.origin == "python_startup") return "python_startup";
  if (kind.origin == "service" &&
      (starts_with(lpath, "/etc/") || starts_with(lpath, "/lib/systemd/") || starts_with(lpath, "/usr/lib/systemd/") ||
       has_segment(lpath, ".config/systemd/") || has_segment(lpath, "etc/init.d/")))
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

std::vector<Marker> path_risk_markers(const std::string& raw_path, std::string_view content) {
  std::vector<Marker> out;
  std::string path = normalize_path(raw_path);
  std::string lpath = lower(path);
  FileKind kind = classify_file(path, "");
  std::string cls = path_class(lpath, kind);
  if (cls.empty()) return out;
  out.push_back(marker("sensitive_path_write", cls, raw_path));
  bool authorized_keys = lpath.size() >= 15 && lpath.find("authorized_keys") != std::string::npos;
  if (cls == "ssh" && authorized_keys)
    out.push_back(marker("persistence_write", "authorized_keys", raw_path));
  // A .pth file runs only its `import` lines (the others are paths added to sys.path).
  bool pth_without_code = ends_with(lpath, ".pth") && !has_import_line(content);
  if (cls == "shell_rc" || (cls == "python_startup" && !pth_without_code))
    out.push_back(marker("persistence_write", cls, raw_path));
  return out;
}

}  // namespace toolwall::code
