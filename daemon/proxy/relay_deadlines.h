#pragma once
// The time limits of a client connection's exchanges (upstream writes and reads, client writes),
// kept with one timer per connection instead of Beast's timer per operation: Beast re-arms its timer
// on every read and write, two timerfd_settime calls per relayed piece, about a third of a stream's
// system calls. Here an operation only moves its side's deadline; the timer wakes at the earliest
// deadline and, when that has moved on, sleeps again, so traffic that keeps within its limits
// touches the timer about once per limit, not once per operation or exchange.
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

  // The client stream must outlive this object.
  explicit RelayDeadlines(boost::beast::tcp_stream& client_stream);
  ~RelayDeadlines();
  RelayDeadlines(const RelayDeadlines&) = delete;
  RelayDeadlines& operator=(const RelayDeadlines&) = delete;

  // An exchange with `upstream_stream` begins: both streams' own (Beast) time limits are switched
  // off. end_exchange() must come before that upstream stream may go.
  void begin_exchange(boost::beast::tcp_stream& upstream_stream);
  void end_exchange();

  // An operation on `side` starts and must end within `limit`; past it, the side's pending
  // operations are cancelled.
  void start(Side side, Clock::duration limit);
  // The operation on `side` ended with `ec`; a cancellation because it ran out of time becomes
  // beast::error::timeout, as Beast's own limits report it.
  void finish(Side side, boost::system::error_code& ec);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Ends the exchange when it goes out of scope, on every way out of a coroutine.
class ExchangeEnd {
 public:
  explicit ExchangeEnd(RelayDeadlines& deadlines) : deadlines_(deadlines) {}
  ~ExchangeEnd() { deadlines_.end_exchange(); }
  ExchangeEnd(const ExchangeEnd&) = delete;
  ExchangeEnd& operator=(const ExchangeEnd&) = delete;

 private:
  RelayDeadlines& deadlines_;
};

}  // namespace toolwall::proxy
