#include "policy/patterns.h"

#include <catch2/catch.hpp>

using namespace toolwall::policy;  // test file: the names under test read better unqualified

TEST_CASE("globs match stars and question marks") {
  CHECK(glob_match("code.jwt.*", "code.jwt.alg-confusion"));
  CHECK(glob_match("*sslVerify*", "git config http.sslVerify false"));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("code.jwt.*", "code.tls.off"));
  CHECK_FALSE(glob_match("abc", "abcd"));
}

TEST_CASE("path globs keep single stars inside a directory") {
  CHECK(path_glob_match(".github/workflows/*.yml", "/repo/.github/workflows/ci.yml"));
  CHECK(path_glob_match("**/.git/hooks/*", ".git/hooks/pre-commit"));
  CHECK(path_glob_match("src/*.py", "src/a.py"));
  CHECK_FALSE(path_glob_match("src/*.py", "src/deep/a.py"));
  CHECK(path_glob_match("src/**", "src/deep/a.py"));
  CHECK(path_glob_match("*.sh", "scripts/setup.sh"));
  CHECK(path_glob_match("~/.bashrc", "/home/dev/.bashrc"));
  CHECK(path_glob_match("~/.ssh/*", "$HOME/.ssh/authorized_keys"));
  CHECK(path_glob_match("~/.bashrc", "/root/.bashrc"));
  CHECK_FALSE(path_glob_match("~/.bashrc", "/home/dev/project/.bashrc"));
}

TEST_CASE("host patterns cover sub-domains, CIDR ranges and local hosts") {
  HostMatcher m;
  m.add("*.githubusercontent.com");
  m.add("github.com");
  m.add("10.0.0.0/8");
  m.add("local_hosts");
  CHECK(m.matches("raw.githubusercontent.com"));
  CHECK_FALSE(m.matches("githubusercontent.com"));
  CHECK_FALSE(m.matches("evilgithubusercontent.com"));
  CHECK(m.matches("GitHub.com:443"));
  CHECK(m.matches("10.2.3.4"));
  CHECK_FALSE(m.matches("11.2.3.4"));
  CHECK(m.matches("localhost"));
  CHECK(m.matches("127.0.0.1:3000"));
  CHECK(m.matches("[::1]:8080"));
  CHECK(m.matches("0.0.0.0"));
  CHECK_FALSE(m.matches("203.0.113.7"));
  CHECK_FALSE(m.matches("github.com.evil.example"));
}

TEST_CASE("command prefixes follow Claude Code's readable rules") {
  CommandPrefix prefix("npm test:*");
  CHECK(prefix.matches({"npm", "test"}));
  CHECK(prefix.matches({"/usr/bin/npm", "test", "--", "-u"}));
  CHECK_FALSE(prefix.matches({"npm", "install"}));
  CommandPrefix exact("make");
  CHECK(exact.matches({"make"}));
  CHECK_FALSE(exact.matches({"make", "install"}));
}
