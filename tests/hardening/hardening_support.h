#pragma once
// Shared by the hardening tests: the real engine with rules/default.yaml, loaded once, and a wall-time
// budget that stretches under sanitizers (ASan/UBSan make the same work several times slower).
#include <time.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/diagnostic.h"
#include "engine/default_engine.h"
#include "engine/engine.h"

namespace toolwall::hardening {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr double kSanitizerSlowdown = 5.0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr double kSanitizerSlowdown = 5.0;
#else
inline constexpr double kSanitizerSlowdown = 1.0;
#endif
#else
inline constexpr double kSanitizerSlowdown = 1.0;
#endif

// The budget a verdict must arrive within: `seconds` in a normal build, more under sanitizers.
inline std::chrono::duration<double> budget(double seconds) {
  return std::chrono::duration<double>(seconds * kSanitizerSlowdown);
}

// The shipped engine (one loader for all tests: tests/engine/default_engine.h); a load failure throws.
inline std::shared_ptr<const engine::Engine> default_engine() {
  auto engine = toolwall::testing::default_engine();
  if (!engine) throw std::runtime_error("default engine did not load (its errors are on stderr)");
  return engine;
}

inline double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

struct Took {
  std::chrono::duration<double> cpu;   // this thread's CPU time: the work itself, whatever the load
  std::chrono::duration<double> wall;  // includes waiting for a core on a busy machine
};

// Runs `work` on this thread and returns the CPU and wall time it took.
template <typename Work>
Took timed(Work&& work) {
  double cpu_start = thread_cpu_seconds();
  auto start = std::chrono::steady_clock::now();
  work();
  return {std::chrono::duration<double>(thread_cpu_seconds() - cpu_start), std::chrono::steady_clock::now() - start};
}

}  // namespace toolwall::hardening
