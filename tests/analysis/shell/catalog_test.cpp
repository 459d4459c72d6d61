// The knowledge tables: secret names, credential paths, persistence paths, destructive targets, helpers.
#include <catch2/catch.hpp>

#include "analysis/shell/catalog.h"

namespace sh = toolwall::shell;

TEST_CASE("secret variable names are recognised and ordinary ones are not") {
  for (auto name : {"AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "GITHUB_TOKEN", "GH_TOKEN", "NPM_TOKEN", "OPENAI_API_KEY",
                    "ANTHROPIC_API_KEY", "DB_PASSWORD", "MYSQL_PASSWD", "SESSION_SECRET", "COOKIE_SECRET", "API_KEY",
                    "STRIPE_SECRET_KEY", "GOOGLE_APPLICATION_CREDENTIALS", "DATABASE_URL", "HF_TOKEN", "auth_token",
                    "SLACK_WEBHOOK_URL", "DISCORD_WEBHOOK"})
    CHECK(sh::is_secret_variable(name));
  for (auto name : {"PATH", "HOME", "NODE_ENV", "PWD", "USER", "SHELL", "LANG", "TERM", "EDITOR", "GIT_AUTHOR_NAME",
                    "AWS_REGION", "XDG_SESSION_TYPE", "CI", "HOSTNAME", "MONKEY_COUNT"})
    CHECK_FALSE(sh::is_secret_variable(name));
}

TEST_CASE("a secret and a destination variable name one service by their leading word or by being one variable") {
  CHECK(sh::names_one_service("GRAFANA_SERVICE_ACCOUNT_TOKEN", "GRAFANA_URL"));
  CHECK(sh::names_one_service("CI_JOB_TOKEN", "CI_API_V4_URL"));
  CHECK(sh::names_one_service("GH_TOKEN", "GITHUB_API_URL"));
  CHECK(sh::names_one_service("SLACK_WEBHOOK_SECRET", "SLACK_WEBHOOK_SECRET"));
  CHECK(sh::names_one_service("API_TOKEN", "API_BASE_URL"));
  CHECK_FALSE(sh::names_one_service("AWS_SECRET_ACCESS_KEY", "GRAFANA_URL"));
  CHECK_FALSE(sh::names_one_service("SECRET_TOKEN", "SECRET_URL"));  // SECRET_ names nothing
  CHECK_FALSE(sh::names_one_service("TOKEN", "TOKEN_URL"));
}

TEST_CASE("credential paths in home-relative, absolute and project forms are classified") {
  using sh::PathClass;
  for (auto path : {"~/.ssh/id_rsa", "$HOME/.ssh/id_ecdsa", "${HOME}/.aws/credentials", "/root/.netrc", "/home/ci/.npmrc",
                    "/Users/me/.pypirc", ".env", "./.env.production", "config/.env.local", "~/.kube/config",
                    "~/.docker/config.json", "~/.config/gh/hosts.yml", "~/.gnupg/private-keys-v1.d/x.key", "/etc/shadow",
                    "tls/server.key", "private.pem", "~/.git-credentials", "~/.ssh", "$GOOGLE_APPLICATION_CREDENTIALS",
                    "${AWS_SHARED_CREDENTIALS_FILE}", "$DEPLOY_KEY_FILE"})
    CHECK(sh::classify_path(path) == PathClass::credential);
  for (auto path : {".env.example", ".env.sample", ".env.template", "~/.ssh/id_rsa.pub", "~/.ssh/known_hosts",
                    "src/env.ts", "fullchain.pem", "README.md", "/etc/hosts", "shadow.css", "$CHANGELOG_FILE", "$KEY_FILE_NAME_SUFFIX"})
    CHECK(sh::classify_path(path) == PathClass::ordinary);
  CHECK(sh::classify_path("/proc/self/environ") == PathClass::environment);
  CHECK(sh::classify_path("/proc/1234/environ") == PathClass::environment);
}

TEST_CASE("persistence paths name their kind") {
  CHECK(sh::persistence_kind("~/.bashrc").value() == "shell_rc");
  CHECK(sh::persistence_kind("/home/u/.zshrc").value() == "shell_rc");
  CHECK(sh::persistence_kind("$HOME/.profile").value() == "profile");
  CHECK(sh::persistence_kind("/etc/profile.d/x.sh").value() == "profile");
  CHECK(sh::persistence_kind("/etc/cron.d/job").value() == "cron");
  CHECK(sh::persistence_kind("/var/spool/cron/crontabs/root").value() == "cron");
  CHECK(sh::persistence_kind("~/.ssh/authorized_keys").value() == "authorized_keys");
  CHECK(sh::persistence_kind(".git/hooks/pre-push").value() == "git_hook");
  CHECK(sh::persistence_kind("/etc/systemd/system/x.service").value() == "service");
  CHECK(sh::persistence_kind("~/Library/LaunchAgents/x.plist").value() == "service");
  CHECK_FALSE(sh::persistence_kind(".git/hooks/pre-commit.sample").has_value());
  CHECK_FALSE(sh::persistence_kind("docs/bashrc.md").has_value());
  CHECK_FALSE(sh::persistence_kind("src/profile.ts").has_value());
}

TEST_CASE("destructive targets and block devices") {
  for (auto path : {"/", "/*", "~", "~/", "$HOME", "${HOME}/", "/etc", "/usr/", "/var", "/home", "/root", "/boot/*"})
    CHECK(sh::is_destructive_target(path));
  for (auto path : {"/tmp/build-cache", "node_modules", "dist", "~/.cache", "/var/tmp/x", "./build", "/etc/nginx/conf.d/x"})
    CHECK_FALSE(sh::is_destructive_target(path));
  for (auto device : {"/dev/sda", "/dev/nvme0n1", "/dev/hdb", "/dev/vda1", "/dev/mmcblk0", "/dev/xvdf"})
    CHECK(sh::is_block_device(device));
  for (auto device : {"/dev/null", "/dev/zero", "/dev/tty", "/dev/stdout"}) CHECK_FALSE(sh::is_block_device(device));
}

TEST_CASE("credential helpers are told apart from ordinary subcommands") {
  CHECK(sh::credential_helper("gh", {"auth", "token"}));
  CHECK(sh::credential_helper("gh", {"auth", "status", "--show-token"}));
  CHECK_FALSE(sh::credential_helper("gh", {"auth", "status"}));
  CHECK(sh::credential_helper("aws", {"configure", "get", "aws_secret_access_key"}));
  CHECK_FALSE(sh::credential_helper("aws", {"configure", "get", "region"}));
  CHECK(sh::credential_helper("kubectl", {"get", "secret", "db"}));
  CHECK_FALSE(sh::credential_helper("kubectl", {"get", "pods"}));
  // Global options before the subcommand are read past.
  CHECK(sh::credential_helper("kubectl", {"-n", "payments", "get", "secret", "db", "-o", "jsonpath={.data.password}"}));
  CHECK_FALSE(sh::credential_helper("kubectl", {"-n", "payments", "get", "pods"}));
  CHECK(sh::credential_helper("terraform", {"-chdir=infra/prod", "output", "-raw", "db_admin_password"}));
  CHECK(sh::credential_helper("terraform", {"output", "-json"}));
  CHECK_FALSE(sh::credential_helper("terraform", {"output", "-raw", "bucket_name"}));
  CHECK_FALSE(sh::credential_helper("terraform", {"output"}));
  CHECK(sh::credential_helper("netlify", {"env:list", "--plain", "--context", "production"}));
  CHECK_FALSE(sh::credential_helper("netlify", {"env:list"}));
  CHECK(sh::credential_helper("pass", {"show", "x"}));
  CHECK_FALSE(sh::credential_helper("pass", {"ls"}));
}

TEST_CASE("wrappers report how many words to skip before the wrapped command") {
  CHECK(sh::wrapper_prefix("sudo", {"-u", "root", "curl"}).value() == 2);
  CHECK(sh::wrapper_prefix("env", {"-i", "A=1", "-u", "B", "curl"}).value() == 4);
  CHECK(sh::wrapper_prefix("timeout", {"-s", "KILL", "5s", "curl"}).value() == 3);
  CHECK(sh::wrapper_prefix("nice", {"-n", "10", "curl"}).value() == 2);
  CHECK(sh::wrapper_prefix("nice", {"-5", "curl"}).value() == 1);
  CHECK(sh::wrapper_prefix("stdbuf", {"-o0", "curl"}).value() == 1);
  CHECK_FALSE(sh::wrapper_prefix("curl", {"x"}).has_value());
}

TEST_CASE("a program named like an everyday command in a user PATH directory shadows it") {
  CHECK(sh::persistence_kind("~/.local/bin/git").value() == "path_shadow");
  CHECK(sh::persistence_kind("$HOME/bin/sudo").value() == "path_shadow");
  CHECK(sh::persistence_kind("/usr/local/bin/npm").value() == "path_shadow");
  CHECK_FALSE(sh::persistence_kind("~/.local/bin/mytool"));
  CHECK_FALSE(sh::persistence_kind("./bin/git"));
  CHECK_FALSE(sh::persistence_kind("~/.local/bin/tools/git"));
}

TEST_CASE("secrets mounted as files by docker, BuildKit and kubernetes are credential files") {
  using sh::PathClass;
  CHECK(sh::classify_path("/run/secrets/npm_token") == PathClass::credential);
  CHECK(sh::classify_path("/var/run/secrets/kubernetes.io/serviceaccount/token") == PathClass::credential);
  CHECK(sh::classify_path("/run/user/1000/bus") == PathClass::ordinary);
  CHECK(sh::classify_path("./run/secrets.md") == PathClass::ordinary);
}

TEST_CASE("coding agents' logins, publish credentials, infrastructure state, keyrings and saved browser logins are credential files") {
  using sh::PathClass;
  for (auto path : {"~/.claude/.credentials.json", "~/.codex/auth.json", "~/.config/anthropic/credentials",
                    "~/.config/github-copilot/hosts.json", "~/.gemini/oauth_creds.json", "~/.qwen/oauth_creds.json",
                    "~/.local/share/opencode/auth.json", "~/.terraform.d/credentials.tfrc.json", "infra/terraform.tfstate",
                    "~/.cargo/credentials.toml", "~/.gem/credentials", "~/.m2/settings.xml", "~/.gradle/gradle.properties",
                    "~/.config/hub", "~/.local/share/keyrings/login.keyring", "~/.mozilla/firefox/abc.default/logins.json",
                    "~/.config/google-chrome/Default/Login Data", "/home/dev/.config/anthropic"})
  {
    INFO(path);
    CHECK(sh::classify_path(path) == PathClass::credential);
  }
  for (auto path : {"~/.claude/settings.json", "~/.codex/config.toml", "~/.gemini/settings.json", ".gemini/GEMINI.md",
                    "~/.m2/repository/x.jar", "~/.gradle/caches/x", "infra/main.tf", "~/.config/hubble.yml"})
  {
    INFO(path);
    CHECK(sh::classify_path(path) == PathClass::ordinary);
  }
}

TEST_CASE("tool logins, project secret files, age keys, host keys and any tfstate are credential files") {
  using sh::PathClass;
  for (auto path : {"~/.config/git/credentials", "~/.config/glab-cli/config.yml", "~/.cache/huggingface/token",
                    "~/.kaggle/kaggle.json", "~/.config/composer/auth.json", ".envrc", ".streamlit/secrets.toml",
                    ".dev.vars", "envs/prod.tfstate", "serviceAccountKey.json", "~/.config/sops/age/keys.txt",
                    "/etc/ssh/ssh_host_ed25519_key", "~/.dbt/profiles.yml", "kubeconfig.yaml",
                    "~/.config/ngrok/ngrok.yml", "~/.cloudflared/cert.pem"}) {
    INFO(path);
    CHECK(sh::classify_path(path) == PathClass::credential);
  }
  for (auto path : {"/etc/ssh/ssh_host_ed25519_key.pub", "models/dbt/profiles.yml.example", "~/.cache/huggingface/hub/x",
                    "tfstate.md", "certs/cert.pem", "keys.txt", "~/.config/git/ignore",
                    // package managers' keyrings hold the public keys that sign repositories
                    "/etc/apt/keyrings/docker.gpg", "/usr/share/keyrings/nodesource.gpg", "/etc/apt/trusted.gpg.d/x.asc",
                    "/etc/pki/rpm-gpg/RPM-GPG-KEY-x.gpg"}) {
    INFO(path);
    CHECK(sh::classify_path(path) == PathClass::ordinary);
  }
}

TEST_CASE("secret managers, cloud token commands and other processes' environments are secret sources") {
  for (auto [name, args] : std::vector<std::pair<const char*, std::vector<std::string>>>{
           {"aws", {"ssm", "get-parameters-by-path", "--path", "/prod", "--with-decryption"}},
           {"aws", {"ecr", "get-authorization-token"}},
           {"kubectl", {"create", "token", "default"}},
           {"heroku", {"config", "-s", "-a", "prod"}},
           {"heroku", {"config:get", "DATABASE_URL"}},
           {"doppler", {"secrets", "download", "--no-file"}},
           {"glab", {"auth", "status", "-t"}},
           {"git", {"credential-manager", "get"}},
           {"git", {"credential-osxkeychain", "get"}}}) {
    INFO(name);
    CHECK(sh::credential_helper(name, args));
  }
  CHECK_FALSE(sh::credential_helper("heroku", {"config:get", "PORT"}));
  CHECK_FALSE(sh::credential_helper("aws", {"ssm", "get-parameters-by-path", "--path", "/prod"}));
  CHECK_FALSE(sh::credential_helper("doppler", {"run", "--", "npm", "start"}));
  CHECK_FALSE(sh::credential_helper("kubectl", {"create", "deployment", "web"}));
  for (auto [name, args] : std::vector<std::pair<const char*, std::vector<std::string>>>{
           {"ps", {"eww", "-o", "command="}},
           {"ps", {"auxe"}},
           {"docker", {"inspect", "--format", "{{json .Config.Env}}", "api"}},
           {"docker", {"exec", "-u", "root", "api", "printenv"}},
           {"kubectl", {"exec", "deploy/api", "--", "env"}}}) {
    INFO(name);
    CHECK(sh::is_env_dump_command(name, args));
  }
  for (auto [name, args] : std::vector<std::pair<const char*, std::vector<std::string>>>{
           {"ps", {"-ef"}},
           {"ps", {"aux"}},
           {"docker", {"inspect", "--format", "{{.State.Status}}", "api"}},
           {"docker", {"exec", "api", "env", "NODE_ENV=test", "node", "x.js"}},
           {"kubectl", {"exec", "deploy/api", "--", "ls"}}}) {
    INFO(name);
    CHECK_FALSE(sh::is_env_dump_command(name, args));
  }
}

TEST_CASE("cloud instance-metadata URLs that hand out credentials are told apart from other metadata") {
  CHECK(sh::is_cloud_metadata_credential_url("169.254.169.254",
                                             "http://169.254.169.254/latest/meta-data/iam/security-credentials/role"));
  CHECK(sh::is_cloud_metadata_credential_url(
      "metadata.google.internal", "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"));
  CHECK(sh::is_cloud_metadata_credential_url("169.254.169.254",
                                             "http://169.254.169.254/metadata/identity/oauth2/token?resource=x"));
  CHECK_FALSE(sh::is_cloud_metadata_credential_url("169.254.169.254", "http://169.254.169.254/latest/meta-data/instance-id"));
  CHECK_FALSE(sh::is_cloud_metadata_credential_url("x.example.com", "https://x.example.com/token"));
}
