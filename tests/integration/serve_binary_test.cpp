#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "chat_payloads.h"
#include "http_client.h"
#include "scripted_upstream.h"

using namespace toolwall::test;

namespace {

// `build/toolwall serve …` as a child process, its stdout read until it names its port.
class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::dup2(out[1], STDERR_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      if (::chdir(TOOLWALL_SOURCE_DIR) != 0) ::_exit(127);
      std::vector<char*> argv{const_cast<char*>(TOOLWALL_BINARY), const_cast<char*>("serve")};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(TOOLWALL_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    out_ = out[0];
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }
  // Reads output until `pattern` matches or the child exits; returns what was read.
  std::string read_until(const std::regex& pattern, int timeout_ms = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    char data[4096];
    while (std::chrono::steady_clock::now() < deadline && !std::regex_search(output_, pattern)) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::read(out_, data, sizeof data);
      if (n <= 0) break;
      output_.append(data, static_cast<size_t>(n));
    }
    return output_;
  }
  uint16_t port() {
    std::smatch m;
    // Starting loads the policy and compiles every detector query: seconds under ASan on a busy
    // 2-core machine, so the wait is long (it ends as soon as the line appears).
    std::string text = read_until(std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)"), 60000);
    if (!std::regex_search(text, m, std::regex("listening on http://127\\.0\\.0\\.1:(\\d+)"))) FAIL(text);
    return static_cast<uint16_t>(std::stoi(m[1]));
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // Waits for the exit status (or -1 after the timeout).
  int wait_exit(int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string output_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("toolwall serve reopens its audit log on SIGHUP and drains and exits 0 on SIGTERM") {
  ScriptedUpstream upstream([](const RecordedRequest&) {
    return json_response(200, completion_body("ok", {{"c1", "Bash", bash_arguments(kBlockCommand)}}));
  });
  auto dir = std::filesystem::temp_directory_path() / ("toolwall-serve-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string audit = (dir / "audit.jsonl").string();
  ServeProcess serve({"--config", "/dev/null", "--listen", "127.0.0.1:0", "--upstream",
                      "http://127.0.0.1:" + std::to_string(upstream.port()), "--policy", "rules/default.yaml",
                      "--profiles", "config/agents.yaml", "--audit-log", audit});
  uint16_t port = serve.port();
  CHECK(http_request(port, "GET", "/healthz").status == 200);
  CHECK(http_request(port, "POST", "/v1/chat/completions", chat_request(false)).status == 200);
  CHECK(slurp(audit).find("\"call_id\":\"c1\"") != std::string::npos);
  // Seen again, the call is kept; the third time it is answered from the verdict cache.
  CHECK(http_request(port, "POST", "/v1/chat/completions", chat_request(false)).status == 200);
  CHECK(http_request(port, "POST", "/v1/chat/completions", chat_request(false)).status == 200);
  std::string metrics = http_request(port, "GET", "/metrics").body;
  INFO(metrics);
  CHECK(metrics.find("toolwall_verdict_cache_total{result=\"miss\"} 2\n") != std::string::npos);
  CHECK(metrics.find("toolwall_verdict_cache_total{result=\"hit\"} 1\n") != std::string::npos);
  CHECK(metrics.find("toolwall_verdicts_total{action=\"block\"} 3\n") != std::string::npos);

  std::filesystem::rename(audit, audit + ".1");
  serve.signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(http_request(port, "POST", "/v1/chat/completions", chat_request(false)).status == 200);
  CHECK(slurp(audit).find("\"call_id\":\"c1\"") != std::string::npos);

  // SIGHUP also rebuilt the policy on the reloader thread; exit waits for that build, which takes
  // seconds under sanitizers on a busy machine (under a second in a release build).
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30000) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("toolwall serve refuses a broken config with file:line:col and exit code 2") {
  auto path = std::filesystem::temp_directory_path() / ("toolwall-bad-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path) << "listen: 127.0.0.1:8788\ntimeouts:\n  stream_idle: forever\n";
  ServeProcess serve({"--config", path.string()});
  CHECK(serve.wait_exit(5000) == 2);
  std::string output = serve.read_until(std::regex("stream_idle"), 2000);
  CHECK(output.find(path.string() + ":3:16:") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("toolwall serve refuses a policy that does not load") {
  ServeProcess serve({"--config", "/dev/null", "--listen", "127.0.0.1:0", "--policy", "/nonexistent/policy.yaml"});
  CHECK(serve.wait_exit(5000) == 2);
  std::string output = serve.read_until(std::regex("nonexistent/policy\\.yaml"), 2000);
  CHECK(output.find("/nonexistent/policy.yaml") != std::string::npos);
}

TEST_CASE("toolwall serve routes by model to named upstreams, and a changed route table waits for a restart whole") {
  ScriptedUpstream first([](const RecordedRequest&) { return json_response(200, completion_body("first", {})); });
  ScriptedUpstream second([](const RecordedRequest&) { return json_response(200, completion_body("second", {})); });
  auto dir = std::filesystem::temp_directory_path() / ("toolwall-routes-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto config_path = (dir / "toolwall.yaml").string();
  auto key_path = (dir / "first.key").string();
  auto config = [&](const std::string& first_model) {
    return "listen: 127.0.0.1:0\npolicy: rules/default.yaml\nprofiles: config/agents.yaml\n"
           "reload: { interval: 100ms }\n"
           "upstreams:\n  first: { url: \"http://127.0.0.1:" + std::to_string(first.port()) +
           "\", api_key_file: \"" + key_path + "\" }\n  second: \"http://127.0.0.1:" + std::to_string(second.port()) +
           "\"\nroutes:\n  - { model: \"" + first_model + "\", upstream: first }\ndefault_upstream: second\n";
  };
  std::ofstream(key_path) << "sk-first-1\n";
  std::ofstream(config_path) << config("a-*");
  ServeProcess serve({"--config", config_path});
  uint16_t port = serve.port();
  auto ask = [&](const std::string& model) {
    return http_request(port, "POST", "/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[]}").body;
  };
  CHECK(ask("a-1").find("first") != std::string::npos);
  CHECK(ask("b-1").find("second") != std::string::npos);
  REQUIRE(first.requests().size() == 1);
  CHECK(first.requests()[0].headers["authorization"] == "Bearer sk-first-1");
  std::string metrics = http_request(port, "GET", "/metrics").body;
  CHECK(metrics.find("toolwall_upstream_requests_total{upstream=\"first\"} 1\n") != std::string::npos);
  CHECK(metrics.find("toolwall_upstream_requests_total{upstream=\"second\"} 1\n") != std::string::npos);

  // A new route table and a new key at once: the log says a restart is needed, and the running
  // table keeps its routes and its keys together.
  std::ofstream(key_path, std::ios::trunc) << "sk-first-2\n";
  std::ofstream(config_path, std::ios::trunc) << config("b-*");
  std::string output = serve.read_until(std::regex("upstreams and routes changes take effect on restart"), 60000);
  CHECK(output.find("\"restart_needed\"") != std::string::npos);
  CHECK(ask("a-1").find("first") != std::string::npos);
  CHECK(ask("b-1").find("second") != std::string::npos);
  REQUIRE(first.requests().size() == 2);
  CHECK(first.requests()[1].headers["authorization"] == "Bearer sk-first-1");
  serve.signal(SIGTERM);
  CHECK(serve.wait_exit(30000) == 0);
  std::filesystem::remove_all(dir);
}
