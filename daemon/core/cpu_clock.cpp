#include "core/cpu_clock.h"

#include <ctime>

namespace toolwall {

uint64_t thread_cpu_micros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000 + static_cast<uint64_t>(now.tv_nsec) / 1000;
}

CpuDeadline CpuDeadline::after_micros(uint64_t budget) {
  CpuDeadline deadline;
  deadline.wall_floor_ = std::chrono::steady_clock::now() + std::chrono::microseconds(budget);
  deadline.at_cpu_micros_ = thread_cpu_micros() + budget;
  return deadline;
}

bool CpuDeadline::passed() const {
  if (std::chrono::steady_clock::now() < wall_floor_) return false;
  return thread_cpu_micros() >= at_cpu_micros_;
}

}  // namespace toolwall
