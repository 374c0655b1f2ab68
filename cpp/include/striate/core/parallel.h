// Threads through one place: parallel_for splits [begin, end) into chunks of at least `grain`
// iterations over the OpenMP pool; set_num_threads() is the one setting.
//   striate::parallel_for(0, N, 1, [&](int64_t b, int64_t e) { for (auto i = b; i < e; ++i) ... });
#pragma once
#include <cstdint>
#include <functional>

namespace striate {

int get_num_threads();
void set_num_threads(int n);
// True inside an OpenMP region or a SerialRegion: parallel_for then runs on the calling thread.
bool in_parallel_region();

// While alive, parallel_for on this thread runs serially and check_interrupt() does nothing.
// DataLoader worker threads hold one: they are the parallelism already, and the consumer thread
// polls for Ctrl-C (a worker asking Python would need the GIL).
class SerialRegion {
 public:
  SerialRegion();
  ~SerialRegion();
  SerialRegion(const SerialRegion&) = delete;
  SerialRegion& operator=(const SerialRegion&) = delete;
};

namespace detail {
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
}

template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& fn) {
  if (end <= begin) return;
  if (end - begin <= grain || get_num_threads() == 1 || in_parallel_region()) {
    fn(begin, end);
    return;
  }
  detail::parallel_for_impl(begin, end, grain, fn);
}

// Polls for a pending Ctrl-C (at most every ~50 ms of wall time, cheap otherwise) and throws
// striate::Interrupted. Long loops call it between units of work; embedding programs that do
// not register a checker pay one clock read.
void check_interrupt();
// The Python bindings register a checker that looks at Python's pending signals.
void set_interrupt_checker(bool (*checker)());

}  // namespace striate
