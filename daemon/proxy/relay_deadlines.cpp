#include "proxy/relay_deadlines.h"

#include <algorithm>

namespace toolwall::proxy {

namespace {
constexpr auto kNone = RelayDeadlines::Clock::time_point::max();
}

// Shared with the pending timer handler, which may run after the connection ended (it then does nothing).
struct RelayDeadlines::State {
  explicit State(const boost::asio::any_io_executor& executor) : timer(executor) {}
  boost::asio::steady_timer timer;
  std::array<boost::beast::tcp_stream*, 2> streams{};
  std::array<Clock::time_point, 2> deadlines{kNone, kNone};
  std::array<bool, 2> expired{false, false};
  Clock::time_point armed_at = kNone;  // when the pending wait ends; kNone: none is pending
  // A handler of an earlier arming, or one that outlived the connection, finds it changed and returns.
  uint64_t generation = 0;

  void arm(Clock::time_point at, const std::shared_ptr<State>& self) {
    armed_at = at;
    uint64_t mine = ++generation;
    timer.expires_at(at);
    timer.async_wait([self, mine](const boost::system::error_code&) { self->wake(mine, self); });
  }

  void wake(uint64_t mine, const std::shared_ptr<State>& self) {
    if (mine != generation) return;
    armed_at = kNone;
    auto now = Clock::now();
    Clock::time_point next = kNone;
    for (size_t side = 0; side < 2; ++side) {
      if (deadlines[side] == kNone || !streams[side]) continue;
      if (deadlines[side] > now) {
        next = std::min(next, deadlines[side]);
        continue;
      }
      expired[side] = true;
      deadlines[side] = kNone;
      boost::system::error_code ignored;
      streams[side]->socket().cancel(ignored);
    }
    if (next != kNone) arm(next, self);
  }
};

RelayDeadlines::RelayDeadlines(boost::beast::tcp_stream& client_stream)
    : state_(std::make_shared<State>(client_stream.get_executor())) {
  state_->streams = {nullptr, &client_stream};
}

void RelayDeadlines::begin_exchange(boost::beast::tcp_stream& upstream_stream) {
  state_->streams[upstream] = &upstream_stream;
  state_->deadlines = {kNone, kNone};
  state_->expired = {false, false};
  upstream_stream.expires_never();
  state_->streams[client]->expires_never();
}

void RelayDeadlines::end_exchange() {
  state_->streams[upstream] = nullptr;
  state_->deadlines = {kNone, kNone};
}

RelayDeadlines::~RelayDeadlines() {
  ++state_->generation;
  if (state_->armed_at != kNone) state_->timer.cancel();
}

void RelayDeadlines::start(Side side, Clock::duration limit) {
  auto deadline = Clock::now() + limit;
  state_->deadlines[side] = deadline;
  if (deadline < state_->armed_at) state_->arm(deadline, state_);
}

void RelayDeadlines::finish(Side side, boost::system::error_code& ec) {
  state_->deadlines[side] = kNone;
  if (ec && state_->expired[side]) ec = boost::beast::error::timeout;
}

}  // namespace toolwall::proxy
