#pragma once
// Work budgets counted in the calling thread's CPU time.
#include <chrono>
#include <cstdint>

namespace toolwall {

// CPU time this thread has used, in microseconds. Work caps count this rather than wall time, so a
// busy machine slows analysis down without making it give up (and fail closed) on ordinary input.
uint64_t thread_cpu_micros();

// A cap on the CPU time one thread may spend from now on. Asking is cheap while the cap cannot have
// been reached: a thread cannot use more CPU time than wall time has passed, so the thread's CPU clock
// (a system call) is read only once the budget's worth of wall time is gone.
class CpuDeadline {
 public:
  static CpuDeadline after_micros(uint64_t budget);
  bool passed() const;

 private:
  std::chrono::steady_clock::time_point wall_floor_;  // before this the budget cannot be spent
  uint64_t at_cpu_micros_ = 0;
};

}  // namespace toolwall
