#pragma once
// What the analyser knows about commands, variables and paths: the knowledge tables.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace toolwall::shell {

bool is_shell(std::string_view name);             // sh, bash, zsh, dash, ksh …
bool is_interpreter(std::string_view name);       // python*, node, perl, ruby, php, deno, bun …
bool is_pass_through(std::string_view name);      // stdin flows to stdout (encoders, text filters)
bool is_selective_filter(std::string_view name);  // keeps only chosen lines (grep …): no longer "everything"
bool is_summariser(std::string_view name);
bool is_digest(std::string_view name);            // md5sum, sha256sum, b2sum …: a fingerprint of the input        // output carries no content (wc, sha256sum …)
bool is_file_reader(std::string_view name);       // prints or encodes the files named in its arguments
bool is_network_reader(std::string_view name);    // nc-like: stdin goes to the peer, the peer's bytes to stdout
bool is_dns_tool(std::string_view name);          // dig, nslookup, host, drill, ping …
bool is_browser(std::string_view name);           // xdg-open, open, firefox, chromium, lynx …: request the URL given
bool is_clipboard_tool(std::string_view name);    // xclip, xsel, pbcopy, wl-copy, clip.exe: copy stdin
bool is_env_dump_command(std::string_view name, const std::vector<std::string>& args);
// Wrapper commands run the command in their arguments; returns how many of args to skip (options and
// their values) before the wrapped command, or nullopt when name is not a wrapper.
std::optional<size_t> wrapper_prefix(std::string_view name, const std::vector<std::string>& args);
// The index in args of a script string that name runs through a shell (flock -c S, env -S S, nix-shell
// --run S, nodemon --exec S, npx -c S, npm exec -c S, git rebase --exec S, git submodule foreach S, a
// terminal given one command line: xfce4-terminal -e S, xterm -e S).
std::optional<size_t> script_option_index(std::string_view name, const std::vector<std::string>& args);
// True when git runs the value of setting KEY (section[.subsection].name, any case) as a command:
// core.sshCommand, core.pager, core.fsmonitor, gpg.program, alias.X=!…, credential helpers,
// filter.X.clean/smudge, diff.X.textconv, merge.X.driver, difftool.X.cmd …
bool git_setting_runs_command(std::string_view key, std::string_view value);
// Indexes in args of local files that name installs, loads or runs as code: dpkg -i F, rpm -i F, apt
// install ./F.deb, pip install F.whl, npm install ./F.tgz, java -jar F, code --install-extension F,
// make -f F, insmod F. Empty when none.
std::vector<size_t> loaded_file_indexes(std::string_view name, const std::vector<std::string>& args);
// A shell command a tool runs from its own command line: vim -c '!CMD' / +'!CMD', gdb -ex 'shell CMD',
// osascript -e 'do shell script "CMD"', expect -c 'spawn CMD', tar --checkpoint-action=exec=CMD /
// --to-command=CMD, sed's `e CMD`. nullopt when none.
std::optional<std::string> tool_shell_escape(std::string_view name, const std::vector<std::string>& args);
// True when wrapper_prefix knows name as a wrapper (sudo, env, timeout …).
bool is_wrapper(std::string_view name);

// The URL a package manager fetches a package from and then runs code of (install scripts, setup.py,
// the module itself): `pip install URL`, `npm install URL`, `npx URL`, `deno run URL` …; nullopt when
// no package comes straight from a URL (registry names, option values such as --index-url).
std::optional<std::string> remote_package_url(std::string_view name, const std::vector<std::string>& args);
// The URL of a list or manifest a tool fetches and then acts on: `pip install -r URL` (and -c),
// `kubectl|oc apply|create|replace -f URL`, `helm install|upgrade|template … URL`; nullopt otherwise.
std::optional<std::string> remote_manifest_url(std::string_view name, const std::vector<std::string>& args);
// The index in args of the package a runner runs: npx/bunx/pnpx/uvx PKG, npm/pnpm/yarn/bun exec|x|dlx PKG,
// pipx run PKG, uv tool run PKG, deno run|x MODULE (options and their values skipped); nullopt otherwise.
std::optional<size_t> run_package_index(std::string_view name, const std::vector<std::string>& args);

// A cloud instance-metadata URL that hands out credentials (169.254.169.254/…/security-credentials/…,
// metadata.google.internal/…/token, ECS 169.254.170.2 …): what it returns is a secret.
bool is_cloud_metadata_credential_url(std::string_view host, std::string_view url);

// A variable whose value is likely a secret (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN …; not PATH, HOME …).
bool is_secret_variable(std::string_view name);

// A secret and the variable a destination is read from name one service: the same variable (a webhook
// URL that is its own secret) or the same leading word (GRAFANA_TOKEN and GRAFANA_URL, CI_JOB_TOKEN and
// CI_API_V4_URL, GH_TOKEN and GITHUB_API_URL), a word that names something rather than SECRET_ or TOKEN_.
bool names_one_service(std::string_view secret, std::string_view destination_variable);

enum class PathClass { ordinary, credential, environment };
// Classifies a path as written (~, $HOME, /home/x, /root forms): credential file, /proc/*/environ, or other.
PathClass classify_path(std::string_view path);
// Python runs it at every interpreter start: a .pth file in site-packages/dist-packages (its import
// lines), sitecustomize.py, usercustomize.py.
bool is_python_startup_file(std::string_view path);
// "~/.bashrc" → "shell_rc", crontab paths → "cron", … ; nullopt when writing there is not persistence.
std::optional<std::string_view> persistence_kind(std::string_view path);
// A path whose removal or overwrite is destructive: /, /*, ~, $HOME, /etc, /usr …
bool is_destructive_target(std::string_view path);
// A system file whose loss breaks the machine (/etc/passwd, /etc/shadow, /etc/sudoers, /etc/fstab …).
bool is_critical_system_file(std::string_view path);
// A whole block device (/dev/sda, /dev/nvme0n1 …).
bool is_block_device(std::string_view path);
// Home-relative form of a path: "$HOME/x", "${HOME}/x", "/home/u/x", "/root/x" → "~/x".
std::string home_relative(std::string_view path);

// A command that prints a stored credential ("gh auth token"): returns a short description.
std::optional<std::string> credential_helper(std::string_view name, const std::vector<std::string>& args);

}  // namespace toolwall::shell
