// Threads through one place: parallel_for splits [begin, end) into chunks of at least `grain`
// iterations over striate's thread pool (core/parallel.cpp); set_num_threads() is the one setting.
//   striate::parallel_for(0, N, 1, [&](int64_t b, int64_t e) { for (auto i = b; i < e; ++i) ... });
#pragma once
#include <cstdint>
#include <functional>

namespace striate {

/// The number of threads parallel_for uses.
/// @return the count.
int get_num_threads();
/// Sets the number of threads parallel_for uses (process-wide).
/// @param n the count (> 0).
/// @throws ValueError when n <= 0 or n > 4096.
void set_num_threads(int n);
/// True inside a parallel_for region or a SerialRegion: parallel_for then runs on the calling thread.
/// @return the flag.
bool in_parallel_region();

/// While alive, parallel_for on this thread runs serially and check_interrupt() does nothing.
/// DataLoader worker threads hold one: they are the parallelism already, and the consumer thread
/// polls for Ctrl-C (a worker asking Python would need the GIL).
/// RAII; not copyable.
class SerialRegion {
 public:
  /// Enters the serial region on this thread.
  SerialRegion();
  /// Leaves it.
  ~SerialRegion();
  /// Not copyable.
  SerialRegion(const SerialRegion&) = delete;
  /// Not copy-assignable.
  SerialRegion& operator=(const SerialRegion&) = delete;
};

namespace detail {
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
}

/// Runs fn over [begin, end) in chunks of at least `grain` iterations, on several threads when
/// the range is large enough (fn must be safe to call concurrently on disjoint chunks).
/// @tparam F a callable taking (int64_t chunk_begin, int64_t chunk_end).
/// @param begin the first iteration.
/// @param end one past the last.
/// @param grain the least chunk size.
/// @param fn the body.
template <typename F>
void parallel_for(int64_t begin, int64_t end, int64_t grain, const F& fn) {
  if (end <= begin) return;
  if (end - begin <= grain || get_num_threads() == 1 || in_parallel_region()) {
    fn(begin, end);
    return;
  }
  detail::parallel_for_impl(begin, end, grain, fn);
}

/// Polls for a pending Ctrl-C (at most every ~50 ms of wall time, cheap otherwise) and throws
/// striate::Interrupted. Long loops call it between units of work; embedding programs that do
/// not register a checker pay one clock read.
/// @throws Interrupted when Ctrl-C is pending.
void check_interrupt();
/// The Python bindings register a checker that looks at Python's pending signals.
/// @param checker returns true when an interrupt is pending.
void set_interrupt_checker(bool (*checker)());

}  // namespace striate
