#include <catch2/catch.hpp>

#include "policy/policy.h"

using toolwall::Action;
using toolwall::Command;
using toolwall::Facts;
using toolwall::Flow;
using toolwall::Marker;
using toolwall::Span;
using toolwall::ToolKind;
using toolwall::policy::Evaluation;
using toolwall::policy::Policy;
using toolwall::policy::Subject;

namespace {

std::shared_ptr<const Policy> load(const std::string& yaml) {
  auto loaded = Policy::load_text(yaml, "test.yaml");
  INFO((loaded ? std::string() : toolwall::to_string(loaded.error())));
  REQUIRE(loaded.has_value());
  return *loaded;
}

Evaluation run(const Policy& policy, const Facts& facts, ToolKind kind = ToolKind::shell,
               std::string_view tool = "Bash", std::string_view agent = "claude-code") {
  return policy.evaluate(Subject{kind, tool, agent, facts});
}

Flow flow(std::string from, std::string to, std::string host, Span statement = {0, 10}) {
  Flow f;
  f.from = std::move(from);
  f.to = std::move(to);
  f.host = std::move(host);
  f.source = "env";
  f.sink = "curl";
  f.via = {"substitution"};
  f.span = statement;
  f.statement = statement;
  return f;
}

Command command(std::vector<std::string> argv, Span statement = {0, 10}) {
  Command c;
  c.name = argv.front();
  c.argv = std::move(argv);
  c.span = statement;
  c.statement = statement;
  return c;
}

Marker marker(std::string name, std::string detail, Span statement = {0, 10}) {
  Marker m;
  m.name = std::move(name);
  m.detail = std::move(detail);
  m.span = statement;
  m.statement = statement;
  return m;
}

const char* kExfil = R"Y(
lists:
  secret_sources: [env_dump, secret_var, credential_file]
  trusted_hosts: [registry.npmjs.org, "*.githubusercontent.com"]
rules:
  - id: exfil
    match: { flow: { from: secret_sources, to: [network] } }
    action: rewrite
    severity: critical
    message: "sends {source} to {host} via {via}"
  - id: upload
    match: { flow: { from: [local_file], to: [network] }, host_not_in: trusted_hosts }
    action: flag
    allowlistable: true
    message: "uploads to {host}"
)Y";

}  // namespace

TEST_CASE("a secret flowing to the network fires the flow rule with a filled message") {
  auto policy = load(kExfil);
  Facts facts;
  facts.flows.push_back(flow("env_dump", "network", "x.example.com", {22, 60}));
  auto result = run(*policy, facts);
  CHECK(result.action == Action::rewrite);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].message == "sends env to x.example.com via substitution");
  CHECK(result.findings[0].span.begin == 22);
  REQUIRE(result.drop_statements.size() == 1);
  CHECK(result.drop_statements[0].begin == 22);
  CHECK(result.rules == std::vector<std::string>{"exfil"});
}

TEST_CASE("a flow of another class does not fire the flow rule") {
  auto policy = load(kExfil);
  Facts facts;
  facts.flows.push_back(flow("network", "exec", "x.example.com"));
  CHECK(run(*policy, facts).action == Action::allow);
}

TEST_CASE("host_not_in beside a flow tests that flow's host, with globs") {
  auto policy = load(kExfil);
  Facts trusted;
  trusted.flows.push_back(flow("local_file", "network", "raw.githubusercontent.com"));
  CHECK(run(*policy, trusted).action == Action::allow);
  Facts untrusted;
  untrusted.flows.push_back(flow("local_file", "network", "files.example.net"));
  CHECK(run(*policy, untrusted).action == Action::flag);
  Facts unresolved;  // an unknown destination is not a trusted one
  unresolved.flows.push_back(flow("local_file", "network", ""));
  CHECK(run(*policy, unresolved).action == Action::flag);
}

TEST_CASE("the strictest action of all matching rules wins") {
  auto policy = load(kExfil);
  Facts facts;
  facts.flows.push_back(flow("local_file", "network", "a.example", {0, 5}));
  facts.flows.push_back(flow("secret_var", "network", "b.example", {6, 12}));
  auto result = run(*policy, facts);
  CHECK(result.action == Action::rewrite);
  CHECK(result.rules == std::vector<std::string>{"exfil", "upload"});
  CHECK(result.findings.size() == 2);
}

TEST_CASE("command conditions match names, arguments, contexts and wrappers") {
  auto policy = load(R"Y(
rules:
  - id: sudo
    match: { command: { wrapper_any: [sudo] } }
    action: flag
  - id: force-push
    match: { command: { name: [git], args_regex: "^git push .*(--force|-f)( |$)" } }
    action: flag
  - id: curl-in-subst
    match: { command: { name: [curl], context_any: [substitution] } }
    action: block
  - id: rm-rf
    match: { command: { name: [rm], args_any: ["-rf", "-*r*f*"] } }
    action: flag
)Y");
  Facts facts;
  auto c = command({"git", "push", "--force", "origin", "main"});
  facts.commands.push_back(c);
  auto result = run(*policy, facts);
  CHECK(result.rules == std::vector<std::string>{"force-push"});

  Facts facts2;
  auto s = command({"systemctl", "restart", "nginx"});
  s.wrappers = {"sudo"};
  facts2.commands.push_back(s);
  auto curl = command({"curl", "-s", "x"});
  curl.context = {"substitution"};
  facts2.commands.push_back(curl);
  facts2.commands.push_back(command({"rm", "-rfv", "x"}));
  auto result2 = run(*policy, facts2);
  CHECK(result2.rules == std::vector<std::string>{"sudo", "curl-in-subst", "rm-rf"});
  CHECK(result2.action == Action::block);

  Facts harmless;
  harmless.commands.push_back(command({"git", "push", "origin", "feature/force"}));
  harmless.commands.push_back(command({"curl", "-s", "x"}));
  harmless.commands.push_back(command({"rm", "x"}));
  CHECK(run(*policy, harmless).action == Action::allow);
}

TEST_CASE("marker conditions match names and detail globs") {
  auto policy = load(R"Y(
rules:
  - id: destroy
    match: { marker: { name: [destructive_target], detail: ["rm -rf /*", "*--no-preserve-root*"] } }
    action: block
    message: "destroys: {detail}"
)Y");
  Facts facts;
  facts.markers.push_back(marker("destructive_target", "rm -rf /"));
  auto result = run(*policy, facts);
  CHECK(result.action == Action::block);
  REQUIRE(result.findings.size() == 1);
  CHECK(result.findings[0].message == "destroys: rm -rf /");

  Facts other;
  other.markers.push_back(marker("destructive_target", "rm -rf ./build"));
  other.markers.push_back(marker("eval", "rm -rf /"));
  CHECK(run(*policy, other).action == Action::allow);
}

TEST_CASE("all, any and not combine conditions") {
  auto policy = load(R"Y(
rules:
  - id: combo
    match:
      all:
        - any: [ { command: { name: [curl] } }, { command: { name: [wget] } } ]
        - not: { command: { name: [jq] } }
    action: flag
    message: "{command}"
)Y");
  Facts curl_only;
  curl_only.commands.push_back(command({"curl", "https://a"}));
  auto r = run(*policy, curl_only);
  CHECK(r.action == Action::flag);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message == "curl https://a");

  Facts with_jq = curl_only;
  with_jq.commands.push_back(command({"jq", ".x"}));
  CHECK(run(*policy, with_jq).action == Action::allow);

  Facts neither;
  neither.commands.push_back(command({"ls"}));
  CHECK(run(*policy, neither).action == Action::allow);
}

TEST_CASE("incomplete analysis is a condition of its own") {
  auto policy = load(
      "rules:\n  - id: inc\n    match: {incomplete: true}\n    action: block\n    message: 'cannot analyse: "
      "{reason}'\n");
  Facts facts;
  CHECK(run(*policy, facts).action == Action::allow);
  facts.complete = false;
  facts.incomplete_reason = "too deep";
  auto r = run(*policy, facts);
  CHECK(r.action == Action::block);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message == "cannot analyse: too deep");
}

TEST_CASE("when restricts a rule to kinds, tools and agents") {
  auto policy = load(R"Y(
rules:
  - id: only-codex-shell
    when: { kind: [shell], agent: [codex], tool: ["exec_*", shell] }
    match: { command: { name: [ls] } }
    action: flag
)Y");
  Facts facts;
  facts.commands.push_back(command({"ls"}));
  CHECK(run(*policy, facts, ToolKind::shell, "exec_command", "codex").action == Action::flag);
  CHECK(run(*policy, facts, ToolKind::shell, "Bash", "codex").action == Action::allow);
  CHECK(run(*policy, facts, ToolKind::shell, "shell", "claude-code").action == Action::allow);
  CHECK(run(*policy, facts, ToolKind::file_write, "shell", "codex").action == Action::allow);
}

TEST_CASE("an exception suppresses only the matches it covers") {
  auto policy = load(std::string(kExfil) + R"Y(
exceptions:
  - rule: upload
    match: { host_in: [uploads.internal.example] }
)Y");
  Facts internal;
  internal.flows.push_back(flow("local_file", "network", "uploads.internal.example"));
  CHECK(run(*policy, internal).action == Action::allow);

  Facts both = internal;
  both.flows.push_back(flow("local_file", "network", "evil.example", {11, 20}));
  auto r = run(*policy, both);
  CHECK(r.action == Action::flag);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message == "uploads to evil.example");
}

TEST_CASE("unless suppresses a match when it holds") {
  auto policy = load(R"Y(
rules:
  - id: dl
    match: { marker: { name: [download_to_disk] } }
    unless: { command: { name: [sha256sum] } }
    action: flag
)Y");
  Facts facts;
  facts.markers.push_back(marker("download_to_disk", "curl -o x"));
  CHECK(run(*policy, facts).action == Action::flag);
  facts.commands.push_back(command({"sha256sum", "x"}, {20, 30}));
  CHECK(run(*policy, facts).action == Action::allow);
}

TEST_CASE("an allowlist suppresses allowlistable rules only and never a block from another rule") {
  auto policy = load(std::string(kExfil) + R"Y(
allow:
  hosts: [files.example.net]
  commands: ["npm test:*"]
)Y");
  Facts upload;
  upload.flows.push_back(flow("local_file", "network", "files.example.net"));
  CHECK(run(*policy, upload).action == Action::allow);

  Facts exfil;  // the exfil rule is not allowlistable
  exfil.flows.push_back(flow("env_dump", "network", "files.example.net"));
  CHECK(run(*policy, exfil).action == Action::rewrite);
}

TEST_CASE("a command allowlist covers a statement only when every command in it is allowed") {
  auto policy = load(R"Y(
rules:
  - id: net
    match: { marker: { name: [download_to_disk] } }
    action: flag
    allowlistable: true
allow:
  commands: ["npm test:*", "make"]
)Y");
  Facts facts;
  facts.markers.push_back(marker("download_to_disk", "x", {0, 30}));
  facts.commands.push_back(command({"npm", "test", "--", "-u"}, {0, 30}));
  CHECK(run(*policy, facts).action == Action::allow);
  facts.commands.push_back(command({"curl", "-o", "x"}, {0, 30}));
  CHECK(run(*policy, facts).action == Action::flag);

  Facts make_args;
  make_args.markers.push_back(marker("download_to_disk", "x", {0, 30}));
  make_args.commands.push_back(command({"make", "install"}, {0, 30}));
  CHECK(run(*policy, make_args).action == Action::flag);  // "make" without :* is exact
}

TEST_CASE("a rewrite match without a statement cannot be expressed as a drop") {
  auto policy = load(kExfil);
  Facts facts;
  auto f = flow("env_dump", "network", "x.example", {});
  facts.flows.push_back(f);
  auto r = run(*policy, facts);
  CHECK(r.action == Action::rewrite);
  CHECK_FALSE(r.rewrite_problem.empty());
}

TEST_CASE("origin filters match the location a fact came from") {
  auto policy = load(R"Y(
rules:
  - id: hook
    match: { flow: { from: [network], to: [exec] }, origin: [install_hook, ci_workflow] }
    action: block
  - id: script
    match: { flow: { from: [network], to: [exec], origin: [script_file] } }
    action: flag
)Y");
  Facts facts;
  auto f = flow("network", "exec", "x.example");
  f.location.path = "package.json";
  f.location.origin = "install_hook";
  facts.flows.push_back(f);
  CHECK(run(*policy, facts, ToolKind::file_write).action == Action::block);
  facts.flows[0].location.origin = "script_file";
  CHECK(run(*policy, facts, ToolKind::file_write).action == Action::flag);
  facts.flows[0].location.origin = "";
  CHECK(run(*policy, facts, ToolKind::file_write).action == Action::allow);
}

TEST_CASE("source_in in unless tests the matched flow's source and host together, one match at a time") {
  auto policy = load(R"Y(
rules:
  - id: leak
    match: { flow: { from: [secret_var], to: [network] } }
    unless: { any: [ { source_in: ["$STRIPE_*"], host_in: [api.stripe.com] } ] }
    action: block
)Y");
  auto own = flow("secret_var", "network", "api.stripe.com");
  own.source = "$STRIPE_SECRET_KEY";
  Facts facts;
  facts.flows.push_back(own);
  CHECK(run(*policy, facts).action == Action::allow);
  // Another secret to the vendor, and the vendor's key elsewhere, are leaks.
  auto other = own;
  other.source = "$AWS_SECRET_ACCESS_KEY";
  Facts another;
  another.flows.push_back(other);
  CHECK(run(*policy, another).action == Action::block);
  auto elsewhere = own;
  elsewhere.host = "x.example.com";
  facts.flows.push_back(elsewhere);
  auto both = run(*policy, facts);
  CHECK(both.action == Action::block);
  REQUIRE(both.findings.size() == 1);
  // Beside no flow, outside a match, source_in has nothing to test.
  auto loose = Policy::load_text("rules:\n  - id: r\n    match: { source_in: [\"$X\"] }\n    action: flag\n", "t.yaml");
  REQUIRE_FALSE(loose.has_value());
  CHECK(toolwall::to_string(loose.error()).find("needs a fact to test") != std::string::npos);
}

TEST_CASE("code and path conditions match code facts and written paths") {
  auto policy = load(R"Y(
rules:
  - id: jwt
    match: { code: { detector: ["code.jwt.*"], severity: [high, critical] } }
    action: block
    message: "{detector} at {path}:{line}: {node}"
  - id: dotfile
    match: { path: { glob: ["~/.bashrc", "**/.github/workflows/*.yml"] } }
    action: flag
    message: "writes {path}"
)Y");
  Facts facts;
  toolwall::CodeMatch m;
  m.detector = "code.jwt.alg-confusion";
  m.severity = "critical";
  m.node_text = "jwt.decode(t, k, algorithms=[\"RS256\", \"HS256\"])";
  m.location = {"src/auth.py", "", 6, 12};
  facts.code.push_back(m);
  auto r = run(*policy, facts, ToolKind::file_write);
  CHECK(r.action == Action::block);
  REQUIRE(r.findings.size() == 1);
  CHECK(r.findings[0].message ==
        "code.jwt.alg-confusion at src/auth.py:6: jwt.decode(t, k, algorithms=[\"RS256\", \"HS256\"])");
  CHECK(r.findings[0].location.line == 6);

  Facts rc;
  toolwall::FileChange change;
  change.path = "/home/dev/.bashrc";
  rc.files.push_back(change);
  auto r2 = run(*policy, rc, ToolKind::file_write);
  CHECK(r2.action == Action::flag);
  REQUIRE(r2.findings.size() == 1);
  CHECK(r2.findings[0].message == "writes /home/dev/.bashrc");
  rc.files[0].path = "/repo/.github/workflows/ci.yml";
  CHECK(run(*policy, rc, ToolKind::file_write).action == Action::flag);
  rc.files[0].path = "src/bashrc.py";
  CHECK(run(*policy, rc, ToolKind::file_write).action == Action::allow);
}

TEST_CASE("top-level host conditions test the call's hosts") {
  auto policy = load(R"Y(
rules:
  - id: local-only
    match: { command: { name: [curl] }, host_in: [local_hosts] }
    action: flag
)Y");
  Facts facts;
  facts.commands.push_back(command({"curl", "http://127.0.0.1:8080/api"}));
  facts.hosts = {"127.0.0.1"};
  CHECK(run(*policy, facts).action == Action::flag);
  facts.commands[0].argv[1] = "https://example.com";
  facts.hosts = {"example.com"};
  CHECK(run(*policy, facts).action == Action::allow);
}

TEST_CASE("thousands of matches stay bounded: findings are capped and a rewrite gives up") {
  auto policy = load(kExfil);
  Facts facts;
  for (uint32_t i = 0; i < 2000; ++i)
    facts.flows.push_back(flow("env_dump", "network", "x.example", {i * 10, i * 10 + 5}));
  auto r = run(*policy, facts);
  CHECK(r.action == Action::rewrite);
  CHECK(r.findings.size() == 64);
  CHECK_FALSE(r.rewrite_problem.empty());
}
