#include "cli/cli.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/policy_show.h"
#include "engine/engine.h"
#include "proxy/serve.h"

namespace toolwall::cli {

namespace {

namespace fs = std::filesystem;

void print_usage(std::ostream& out) {
  out << "usage: toolwall <command> [options]\n"
         "commands:\n"
         "  check [--policy FILE] [--layer FILE]… [--profiles FILE]\n"
         "        read JSON lines {id, agent, tool, arguments[, earlier]} on stdin, write one verdict line per\n"
         "        input; earlier: the conversation's earlier calls [{tool, arguments}, …], oldest first\n"
         "  explain [--policy FILE] [--profiles FILE] [--agent A] [--tool T] [--arguments JSON] [COMMAND…]\n"
         "        show the facts, flows, rules and verdict for one call\n"
         "  policy lint FILE [--layer FILE]… [--profiles FILE]\n"
         "        validate a policy (and layers that may only tighten it) and run every rule's examples\n"
         "  policy show [--client NAME] [--config FILE] [--policy FILE] [--layer FILE]…\n"
         "        the effective policy for a client: each rule, its action and the layer file it came from\n"
         "  bench [--policy FILE] [--profiles FILE] [--seconds N] FILE.jsonl\n"
         "        judge the calls repeatedly on one thread and print calls/s\n"
         "  serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--policy FILE] [--audit-log FILE]\n"
         "        run the proxy between agents and a model endpoint (see `toolwall serve --help`)\n"
         "  version                 print the version\n";
}

// Parsed command-line options: `--name value` pairs and the remaining words.
struct Options {
  std::vector<std::pair<std::string, std::string>> named;
  std::vector<std::string> words;

  std::optional<std::string> get(std::string_view name) const {
    for (const auto& [n, v] : named)
      if (n == name) return v;
    return std::nullopt;
  }
  std::vector<std::string> all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [n, v] : named)
      if (n == name) out.push_back(v);
    return out;
  }
};

std::optional<Options> parse_options(int argc, char** argv, int first,
                                     std::initializer_list<std::string_view> known) {
  Options options;
  for (int i = first; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word == "--") {
      for (++i; i < argc; ++i) options.words.emplace_back(argv[i]);
      break;
    }
    if (word.size() > 2 && word.substr(0, 2) == "--") {
      std::string name(word.substr(2));
      std::string value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        std::cerr << "toolwall: option --" << name << " needs a value\n";
        return std::nullopt;
      }
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        std::cerr << "toolwall: unknown option --" << name << "\n";
        return std::nullopt;
      }
      options.named.emplace_back(std::move(name), std::move(value));
      continue;
    }
    options.words.emplace_back(word);
  }
  return options;
}

// A default data file: relative to the current directory, else next to the executable's parent
// (build/toolwall → build/../rules/default.yaml), else the executable's own directory.
std::string default_path(std::string_view relative) {
  if (fs::exists(relative)) return std::string(relative);
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const fs::path& base : {exe.parent_path().parent_path(), exe.parent_path()}) {
      fs::path candidate = base / relative;
      if (fs::exists(candidate, ec)) return candidate.string();
    }
  }
  return std::string(relative);
}

std::shared_ptr<const engine::Engine> load_engine(const Options& options) {
  engine::EngineOptions engine_options;
  engine_options.policy_path = options.get("policy").value_or(default_path("rules/default.yaml"));
  engine_options.profiles_path = options.get("profiles").value_or(default_path("config/agents.yaml"));
  engine_options.policy_layers = options.all("layer");
  auto loaded = engine::Engine::load(engine_options);
  if (!loaded) {
    std::cerr << to_string(loaded.error());
    return nullptr;
  }
  return *loaded;
}

// One input line of `check` / `bench` as a ToolCall, or an error message.
Expected<ToolCall, std::string> parse_call_line(const std::string& line, nlohmann::json* id_out) {
  auto parsed = nlohmann::json::parse(line, nullptr, false);
  if (parsed.is_discarded()) return unexpected(std::string("not valid JSON"));
  if (!parsed.is_object())
    return unexpected(std::string("a line must be a JSON object {id, agent, tool, arguments}"));
  if (id_out && parsed.contains("id")) *id_out = parsed["id"];
  auto text = [&](const char* key) {
    auto it = parsed.find(key);
    return it != parsed.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!parsed.contains("tool") || !parsed["tool"].is_string())
    return unexpected(std::string("missing \"tool\" (the agent's tool name)"));
  if (!parsed.contains("arguments")) return unexpected(std::string("missing \"arguments\""));
  std::string id = parsed.contains("id")
                       ? (parsed["id"].is_string() ? parsed["id"].get<std::string>() : parsed["id"].dump())
                       : "";
  ToolCall call = ToolCall::from_json(std::move(id), text("agent"), text("tool"), parsed["arguments"]);
  if (auto earlier = parsed.find("earlier"); earlier != parsed.end()) {
    if (!earlier->is_array()) return unexpected(std::string("\"earlier\" must be an array of {tool, arguments}"));
    auto calls = std::make_shared<std::vector<ToolCall>>();
    for (const auto& item : *earlier) {
      if (!item.is_object() || !item.contains("tool") || !item["tool"].is_string() || !item.contains("arguments"))
        return unexpected(std::string("each of \"earlier\" must be {tool, arguments}"));
      // Each names itself in earlier_calls: by its "id", or by its place in the list.
      std::string id = item.contains("id") && item["id"].is_string() ? item["id"].get<std::string>()
                                                                      : "earlier-" + std::to_string(calls->size() + 1);
      calls->push_back(ToolCall::from_json(std::move(id), text("agent"), item["tool"].get<std::string>(), item["arguments"]));
    }
    call.earlier = std::move(calls);
  }
  return call;
}

int run_check(int argc, char** argv) {
  auto options = parse_options(argc, argv, 2, {"policy", "profiles", "layer"});
  if (!options) return 2;
  auto engine = load_engine(*options);
  if (!engine) return 1;
  std::string line;
  size_t number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json id = nullptr;
    auto call = parse_call_line(line, &id);
    if (!call) {
      nlohmann::json out{
          {"id", id}, {"action", "error"}, {"error", "line " + std::to_string(number) + ": " + call.error()}};
      std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      continue;
    }
    Verdict verdict = engine->judge(*call);
    nlohmann::json out = verdict.to_json(call->id);
    if (!id.is_string() && !id.is_null()) out["id"] = id;
    out["profile"] = verdict.profile;
    out["kind"] = to_string(verdict.kind);
    if (verdict.action != Action::allow) out["explanation"] = verdict.explanation(call->tool);
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  }
  std::cout.flush();
  return 0;
}

int run_explain(int argc, char** argv) {
  auto options = parse_options(argc, argv, 2, {"policy", "profiles", "layer", "agent", "tool", "arguments"});
  if (!options) return 2;
  nlohmann::json arguments;
  if (auto raw = options->get("arguments")) {
    arguments = nlohmann::json::parse(*raw, nullptr, false);
    if (arguments.is_discarded()) {
      std::cerr << "toolwall: --arguments is not valid JSON\n";
      return 2;
    }
  } else if (!options->words.empty()) {
    std::string command;
    for (const auto& w : options->words) command += (command.empty() ? "" : " ") + w;
    arguments = {{"command", command}};
  } else {
    std::cerr << "toolwall: explain needs a COMMAND or --arguments JSON\n";
    return 2;
  }
  auto engine = load_engine(*options);
  if (!engine) return 1;
  ToolCall call = ToolCall::from_json("explain", options->get("agent").value_or("generic"),
                                      options->get("tool").value_or("bash"), arguments);
  std::cout << engine->explain(call);
  return 0;
}

int run_policy(int argc, char** argv) {
  if (argc >= 3 && std::string_view(argv[2]) == "show") return run_policy_show(argc, argv);
  if (argc < 3 || std::string_view(argv[2]) != "lint") {
    std::cerr << "usage: toolwall policy lint FILE [--profiles FILE]\n";
    return 2;
  }
  auto options = parse_options(argc, argv, 3, {"profiles", "layer"});
  if (!options) return 2;
  if (options->words.size() != 1) {
    std::cerr << "usage: toolwall policy lint FILE [--profiles FILE]\n";
    return 2;
  }
  engine::EngineOptions engine_options;
  engine_options.policy_path = options->words[0];
  engine_options.profiles_path = options->get("profiles").value_or(default_path("config/agents.yaml"));
  engine_options.policy_layers = options->all("layer");
  auto engine = engine::Engine::load(engine_options);
  if (!engine) {
    std::cerr << to_string(engine.error());
    std::cerr << engine.error().size() << " problem(s) in " << engine_options.policy_path << "\n";
    return 1;
  }
  Diagnostics problems = (*engine)->check_examples();
  const auto& policy = (*engine)->policy();
  for (const auto& rule : policy.rules()) {
    bool has_example = false;
    for (const auto& ex : policy.examples()) has_example = has_example || ex.rule == rule.id;
    if (!has_example)
      problems.push_back(
          {engine_options.policy_path, 0, 0,
           "rule '" + rule.id + "' has no examples; add examples: {match: […], no_match: […]}"});
  }
  if (!problems.empty()) {
    std::cerr << to_string(problems);
    std::cerr << problems.size() << " problem(s) in " << engine_options.policy_path << "\n";
    return 1;
  }
  std::cout << engine_options.policy_path << ": ok (" << policy.rules().size() << " rules, "
            << policy.examples().size() << " examples pass)\n";
  return 0;
}

double thread_cpu_seconds() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

int run_bench(int argc, char** argv) {
  auto options = parse_options(argc, argv, 2, {"policy", "profiles", "layer", "seconds"});
  if (!options) return 2;
  if (options->words.size() != 1) {
    std::cerr << "usage: toolwall bench [--policy FILE] [--seconds N] FILE.jsonl\n";
    return 2;
  }
  auto engine = load_engine(*options);
  if (!engine) return 1;
  std::ifstream in(options->words[0]);
  if (!in) {
    std::cerr << "toolwall: cannot read " << options->words[0] << "\n";
    return 1;
  }
  std::vector<ToolCall> calls;
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (auto call = parse_call_line(line, nullptr)) calls.push_back(std::move(*call));
  }
  if (calls.empty()) {
    std::cerr << "toolwall: no tool calls in " << options->words[0] << "\n";
    return 1;
  }
  double seconds = 2.0;
  if (auto s = options->get("seconds")) seconds = std::max(0.1, std::atof(s->c_str()));
  using clock = std::chrono::steady_clock;
  size_t judged = 0, blocked = 0;
  double cpu_start = thread_cpu_seconds();
  auto start = clock::now();
  auto deadline = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  do {
    for (const auto& call : calls) {
      blocked += engine->judge(call).action == Action::block;
      ++judged;
    }
  } while (clock::now() < deadline);
  double elapsed = std::chrono::duration<double>(clock::now() - start).count();
  double cpu = thread_cpu_seconds() - cpu_start;
  // CPU time is what one core can do; wall time also shows how busy the machine was.
  std::cout << "judged " << judged << " calls (" << calls.size()
            << " distinct) on one thread: " << static_cast<long long>(judged / cpu)
            << " calls/s of CPU time (" << cpu << " s), " << static_cast<long long>(judged / elapsed)
            << " calls/s of wall time (" << elapsed << " s)\n";
  (void)blocked;
  return 0;
}

}  // namespace

int run(int argc, char** argv) {
  try {
    if (argc < 2) {
      print_usage(std::cerr);
      return 2;
    }
    std::string_view command = argv[1];
    if (command == "version" || command == "--version") {
      std::cout << "toolwall " << TOOLWALL_VERSION_STRING << "\n";
      return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
      print_usage(std::cout);
      return 0;
    }
    // `toolwall check --help` and friends: the usage, not an option error (serve prints its own).
    bool wants_help = false;
    for (int i = 2; i < argc; ++i)
      if (std::string_view(argv[i]) == "--help" || std::string_view(argv[i]) == "-h") wants_help = true;
    if (wants_help && command != "serve") {
      print_usage(std::cout);
      return 0;
    }
    if (command == "check") return run_check(argc, argv);
    if (command == "explain") return run_explain(argc, argv);
    if (command == "policy") return run_policy(argc, argv);
    if (command == "bench") return run_bench(argc, argv);
    if (command == "serve") return proxy::serve_command(argc - 1, argv + 1);
    // Front ends that live in other modules (e.g. `serve`) dispatch here.
    std::cerr << "toolwall: unknown command '" << command << "'\n";
    print_usage(std::cerr);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "toolwall: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace toolwall::cli
