// parallel_for over the OpenMP pool, the thread-count setting, and Ctrl-C polling.
#include "striate/core/parallel.h"

#include <omp.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>

#include "core/interrupt.h"
#include "striate/core/error.h"

namespace striate {

int get_num_threads() { return omp_get_max_threads(); }

void set_num_threads(int n) {
  STRIATE_CHECK(n >= 1, "set_num_threads: expected a positive number of threads, got ", n);
  omp_set_num_threads(n);
}

namespace {
thread_local int serial_region_depth = 0;
// The cancel flag of the parallel_for region this thread works in (null outside one), and whether
// this thread is that region's caller: the one thread that may see Ctrl-C (Python handles
// signals on its main thread; the pool's workers never see them).
thread_local std::atomic<bool>* region_cancel = nullptr;
thread_local bool region_caller = false;
}  // namespace

bool in_parallel_region() { return serial_region_depth > 0 || omp_in_parallel(); }

SerialRegion::SerialRegion() { ++serial_region_depth; }
SerialRegion::~SerialRegion() { --serial_region_depth; }

namespace detail {
void parallel_for_impl(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  check_interrupt();
  int64_t range = end - begin;
  int64_t max_chunks = grain > 0 ? (range + grain - 1) / grain : range;
  int num_threads = static_cast<int>(std::min<int64_t>(get_num_threads(), max_chunks));
  std::exception_ptr error;
  std::mutex error_mutex;
  std::atomic<bool> cancel{false};
#pragma omp parallel num_threads(num_threads)
  {
    int t = omp_get_thread_num();
    std::atomic<bool>* outer_cancel = region_cancel;
    bool outer_caller = region_caller;
    region_cancel = &cancel;
    region_caller = t == 0;
    int nt = omp_get_num_threads();
    int64_t chunk = (range + nt - 1) / nt;
    int64_t b = begin + t * chunk;
    int64_t e = std::min(end, b + chunk);
    if (b < e) {
      try {
        fn(b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        cancel.store(true, std::memory_order_relaxed);  // the other threads stop at their next poll
      }
    }
    region_cancel = outer_cancel;
    region_caller = outer_caller;
  }
  if (error) std::rethrow_exception(error);
}
}  // namespace detail

namespace {
std::atomic<bool (*)()> interrupt_checker{nullptr};
// Per thread: a thread that can never see the signal must not use up the poll of one that can.
thread_local int64_t last_check_ns = 0;

// Asks the checker at most every 50 ms of this thread's wall time.
bool interrupt_pending() {
  auto checker = interrupt_checker.load(std::memory_order_relaxed);
  if (!checker) return false;
  int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  if (now - last_check_ns < 50'000'000) return false;
  last_check_ns = now;
  return checker();
}
}  // namespace

void set_interrupt_checker(bool (*checker)()) { interrupt_checker.store(checker); }

void check_interrupt() {
  if (in_parallel_region()) return;
  if (interrupt_pending()) throw Interrupted("interrupted (Ctrl-C)");
}

void check_interrupt_in_kernel() {
  if (region_cancel != nullptr) {
    if (region_cancel->load(std::memory_order_relaxed)) throw Interrupted("interrupted (Ctrl-C)");
    if (region_caller && interrupt_pending()) {
      region_cancel->store(true, std::memory_order_relaxed);
      throw Interrupted("interrupted (Ctrl-C)");
    }
    return;
  }
  if (serial_region_depth > 0) return;
  if (interrupt_pending()) throw Interrupted("interrupted (Ctrl-C)");
}

}  // namespace striate
