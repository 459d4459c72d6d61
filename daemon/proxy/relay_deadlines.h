#pragma once
// The time limits of one exchange's upstream reads and writes and client writes, kept with one
// timer instead of Beast's timer per operation: Beast re-arms its timer on every read and write, two
// timerfd_settime calls per relayed piece, about a third of a stream's system calls. Here an operation
// only moves its side's deadline; the timer wakes at the earliest deadline and, when that has moved
// on, sleeps again, so a relay that keeps within its limits touches the timer about once per limit.
#include <array>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>

namespace toolwall::proxy {

class RelayDeadlines {
 public:
  enum Side { upstream = 0, client = 1 };
  using Clock = std::chrono::steady_clock;

  // Both streams must outlive this object; their own (Beast) time limits are switched off.
  RelayDeadlines(boost::beast::tcp_stream& upstream_stream, boost::beast::tcp_stream& client_stream);
  ~RelayDeadlines();
  RelayDeadlines(const RelayDeadlines&) = delete;
  RelayDeadlines& operator=(const RelayDeadlines&) = delete;

  // An operation on `side` starts and must end within `limit`; past it, the side's pending
  // operations are cancelled and expired(side) turns true.
  void start(Side side, Clock::duration limit);
  // The operation on `side` ended.
  void stop(Side side);
  bool expired(Side side) const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace toolwall::proxy
