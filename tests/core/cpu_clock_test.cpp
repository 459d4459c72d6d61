#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "core/cpu_clock.h"

using toolwall::CpuDeadline;
using toolwall::thread_cpu_micros;

namespace {
void spin_cpu_micros(uint64_t micros) {
  const uint64_t until = thread_cpu_micros() + micros;
  volatile uint64_t sink = 0;
  while (thread_cpu_micros() < until) sink = sink + 1;
}
}  // namespace

TEST_CASE("a thread's CPU clock does not advance while it sleeps") {
  const uint64_t before = thread_cpu_micros();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(thread_cpu_micros() - before < 25'000);
}

TEST_CASE("a CPU deadline has not passed when only wall time went by, as on a busy machine") {
  auto deadline = CpuDeadline::after_micros(20'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  CHECK_FALSE(deadline.passed());
}

TEST_CASE("a CPU deadline passes once the thread has spent its budget working") {
  auto deadline = CpuDeadline::after_micros(20'000);
  CHECK_FALSE(deadline.passed());
  spin_cpu_micros(25'000);
  CHECK(deadline.passed());
}

TEST_CASE("a CPU deadline of zero has passed at once") {
  CHECK(CpuDeadline::after_micros(0).passed());
}
