// A plain simple command is read without tree-sitter (plain_command.h). That reading must give the
// very facts the syntax tree gives, or a call could be judged differently by its spelling's length.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "analysis/shell/plain_command.h"
#include "analysis/shell/shell_analyzer.h"
#include "facts_text.h"

using toolwall::Facts;
using toolwall::Span;
using toolwall::shell::analyze;
using toolwall::shell::Limits;
using toolwall::shell::plain_command_words;
using shell_test::described;
using shell_test::spans;

namespace {

Limits parsed_always() {
  Limits limits;
  limits.plain_commands_without_parse = false;
  return limits;
}

void check_same_facts(const std::string& script) {
  INFO("script: " << script);
  REQUIRE(plain_command_words(script));
  CHECK(described(analyze(script)) == described(analyze(script, parsed_always())));
}

std::vector<std::string> corpus_commands() {
  std::vector<std::string> commands;
  for (const char* file : {"/tests/corpus/toolcalls.jsonl", "/tests/corpus/unseen.jsonl"}) {
    std::ifstream in(std::string(TOOLWALL_SOURCE_DIR) + file);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto record = nlohmann::json::parse(line);
      const auto& arguments = record["arguments"];
      if (arguments.is_object() && arguments.contains("command") && arguments["command"].is_string())
        commands.push_back(arguments["command"].get<std::string>());
    }
  }
  return commands;
}

// Words that matter to the analysis: sinks, readers, shells, wrappers, secrets, hosts, flags.
const std::vector<std::string> kCommandWords{
    "npm", "curl", "wget", "nc", "ncat", "bash", "sh", "zsh", "python3", "node", "perl", "env", "printenv", "cat",
    "base64", "rm", "dd", "chmod", "crontab", "git", "ssh", "scp", "rsync", "sudo", "timeout", "nohup", "xargs",
    "find", "tar", "gpg", "openssl", "aws", "gh", "docker", "kubectl", "dig", "ping", "nslookup", "socat", "ls",
    "make", "pytest", "cargo", "echo", "printf", "tee", "cp", "mv", "sftp", "ftp", "telnet", "awk", "sed", "grep",
    "/usr/bin/curl", "./run.sh", "command", "builtin", "nice", "watch", "at", "systemctl", "ln", "history", "set",
    "shred", "mkfs.ext4", "npx", "pip", "go", "unzip", "7z", "zip", "mail", "sendmail", "ssh-keygen", "git-lfs",
    "1", "0", "%1", "-", "--", ":", "true", "test", "source", "exec", "eval", "alias", "export", "local", "then",
    "case", "time", "!"};
const std::vector<std::string> kArgumentWords{
    "test", "install", "-d", "@.env", "@/etc/passwd", "/root/.ssh/id_rsa", ".env", "-rf", "/", "--data=@.env",
    "-X", "POST", "-c", "env", "printenv", "https://evil.example/x", "http://169.254.169.254/latest/meta-data",
    "evil.example", "evil.example:443", "user@host.example:/tmp/", "-F", "file=@.env", "-T", "id_rsa", "--upload-file",
    "-o", "/tmp/x", "-O", "-e", "sh", "bash", "-i", "-l", "-p", "4444", "10.0.0.1", "push", "--force", "origin",
    "main", "remote", "add", "config", "--global", "-R", "777", "+x", "u+s", "/etc/shadow", "/dev/sda", "of=/dev/sda",
    "if=/dev/zero", "--", "-", "~", "$HOME", "~/.aws/credentials", ".git/config", "-w0", "-d0", "--shard=3",
    "--filter=a,b", "KEY=value", "AWS_SECRET_ACCESS_KEY=x", "-9", "0", "3", "%s", "a:b:c", "x+y", "1.2.3.4",
    "http://localhost:8080/a", "tcp:evil.example:80", "EXEC:sh", "--exec", "rm", "curl", "cat", "env", "-exec",
    "{}", "then", "fi", "done", "in", "-name", "*.pem", "/tmp/payload.sh", "reset", "--hard", "HEAD~3",
    "gpg-agent", "./node_modules/.bin/jest", "--insecure", "-k", "http_proxy=x", "sslverify=false", "core.hooksPath"};

std::string random_command(std::mt19937& random) {
  auto pick = [&](const std::vector<std::string>& list) { return list[random() % list.size()]; };
  std::string script;
  if (random() % 8 == 0) script += random() % 2 ? " " : "\t ";
  script += pick(kCommandWords);
  size_t arguments = random() % 7;
  for (size_t i = 0; i < arguments; ++i) {
    script += random() % 6 == 0 ? "  " : random() % 9 == 0 ? "\t" : " ";
    script += random() % 3 == 0 ? pick(kCommandWords) : pick(kArgumentWords);
  }
  if (random() % 8 == 0) script += " ";
  return script;
}

// Words of random plain bytes: where the grammar's lexer might read a plain word otherwise.
std::string random_bytes_command(std::mt19937& random) {
  static const std::string alphabet = "abcz019AZ_-./:,@%+==";
  std::string script;
  size_t words = 1 + random() % 5;
  for (size_t w = 0; w < words; ++w) {
    if (w) script += random() % 5 == 0 ? "\t" : " ";
    size_t length = 1 + random() % 6;
    for (size_t i = 0; i < length; ++i) script += alphabet[random() % alphabet.size()];
  }
  return script;
}

}  // namespace

TEST_CASE("plain words are split at blanks with the span of each word") {
  auto words = plain_command_words("  npm\ttest -- --shard=3 ");
  REQUIRE(words);
  CHECK(spans(*words) == "2-5 6-10 11-13 14-23 ");
}

TEST_CASE("a script with any shell syntax is not a plain command") {
  for (const char* script :
       {"curl \"$X\"", "curl 'a'", "echo $HOME", "echo `id`", "a\\ b", "ls *", "ls ?", "ls [ab]", "echo {a,b}",
        "cat ~/.ssh/id_rsa", "ls > out", "ls < in", "ls | wc", "ls && ls", "ls; ls", "ls &", "(ls)", "ls # c",
        "!ls", "ls\nls", "ls\r", "echo ^x", "printf caf\xc3\xa9", "", "   ", "\t"}) {
    INFO(script);
    CHECK_FALSE(plain_command_words(script));
  }
}

TEST_CASE("assignments, reserved and declaring words are left to the parser") {
  for (const char* script : {"X=1 env", "A=b", "if true", "echo done", "time curl x", "export A", "local a",
                             "unset HISTFILE", "- x", "%1", "+x a", ":", "z@:A b", "a,b c", "a+b", "ls ==", "ls =x" "eval ls", "exec sh", "declare -x A", "function f", "case x in"}) {
    INFO(script);
    CHECK_FALSE(plain_command_words(script));
  }
  CHECK(plain_command_words("env A=b curl --data=x"));
}

TEST_CASE("scripts longer than the cap are left to the parser") {
  std::string script = "echo";
  while (script.size() < 5000) script += " word";
  CHECK_FALSE(plain_command_words(script));
  CHECK(plain_command_words(script, 8192));
}

TEST_CASE("every plain command of the corpus gives the facts its syntax tree gives") {
  size_t plain = 0;
  for (const auto& command : corpus_commands()) {
    if (!plain_command_words(command)) continue;
    ++plain;
    check_same_facts(command);
  }
  CHECK(plain >= 100);
}

TEST_CASE("random plain commands of risky words give the facts their syntax tree gives") {
  std::mt19937 random(20261126);
  size_t plain = 0, with_flows_or_markers = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string script = random_command(random);
    if (!plain_command_words(script)) continue;
    ++plain;
    Facts fast = analyze(script);
    if (!fast.flows.empty() || !fast.markers.empty()) ++with_flows_or_markers;
    INFO("script: " << script);
    REQUIRE(described(fast) == described(analyze(script, parsed_always())));
  }
  CHECK(plain > 10000);
  CHECK(with_flows_or_markers > 500);
}

TEST_CASE("random words of plain bytes give the facts their syntax tree gives") {
  std::mt19937 random(1126);
  size_t plain = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string script = random_bytes_command(random);
    if (!plain_command_words(script)) continue;
    ++plain;
    INFO("script: " << script);
    REQUIRE(described(analyze(script)) == described(analyze(script, parsed_always())));
  }
  CHECK(plain > 3000);
}
