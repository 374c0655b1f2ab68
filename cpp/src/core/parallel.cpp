// parallel_for over striate's own thread pool (spin politely, then sleep), the thread-count
// setting, and Ctrl-C polling.
#include "striate/core/parallel.h"

#include <omp.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/interrupt.h"
#include "striate/core/error.h"

namespace striate {

namespace {
/// The most threads set_num_threads takes (the pool packs the team size in 16 bits).
constexpr int kMaxThreads = 4096;
// The thread setting: 0 until first read, then OpenMP's default (OMP_NUM_THREADS, else the CPUs
// this process may use), or what set_num_threads stored. One value for the whole process.
std::atomic<int> thread_setting{0};
}  // namespace

int get_num_threads() {
  int n = thread_setting.load(std::memory_order_relaxed);
  if (n > 0) return n;
  n = std::clamp(omp_get_max_threads(), 1, kMaxThreads);
  int expected = 0;
  thread_setting.compare_exchange_strong(expected, n, std::memory_order_relaxed);
  return thread_setting.load(std::memory_order_relaxed);
}

void set_num_threads(int n) {
  STRIATE_CHECK(n >= 1, "set_num_threads: expected a positive number of threads, got ", n);
  STRIATE_CHECK(n <= kMaxThreads, "set_num_threads: expected at most ", kMaxThreads, " threads, got ", n);
  thread_setting.store(n, std::memory_order_relaxed);
}

namespace {
thread_local int serial_region_depth = 0;
// True on a thread while it runs its chunk of a parallel_for region (caller and pool workers).
thread_local bool in_pool_region = false;
// The cancel flag of the parallel_for region this thread works in (null outside one), and whether
// this thread is that region's caller: the one thread that may see Ctrl-C (Python handles
// signals on its main thread; the pool's workers never see them).
thread_local std::atomic<bool>* region_cancel = nullptr;
thread_local bool region_caller = false;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// How long a waiting thread spins before it sleeps. A parallel_for wakes its workers in well
/// under a microsecond when they spin and in tens of microseconds (a futex wake, an IPI through
/// the hypervisor) when they sleep, so a training step of hundreds of short regions lost a third
/// of its 2-thread gain to wake-ups with the 27 us spin it had (GOMP_SPINCOUNT=1000): workers
/// spin up to 1 ms for the next region, the caller 0.2 ms for the workers to finish. A busy
/// machine is why striate had stopped spinning long (libgomp's 8 ms spin made 2 threads 15x
/// slower than 1 beside a busy process: the spinner holds the core that the thread it waits for
/// needs). So the spin watches for preemption: a spinner that finds a gap of kPreemptedNs between
/// two of its polls has lost its core to another thread, stops spinning and sleeps, and for
/// kContendedWindowNs after that every wait spins at most kContendedSpinNs (what libgomp's spin
/// of 1000 was). An idle pool sleeps in any case: it burns no CPU. sched_yield() between polls
/// was tried and made it worse beside a busy process (a thread that yields goes behind the
/// other's time slice, where a sleeping one is woken at once).
struct SpinPolicy {
  int64_t worker_spin_ns;  ///< a worker waiting for the next region
  int64_t caller_spin_ns;  ///< the caller waiting for the workers to finish a region
};
constexpr int64_t kPreemptedNs = 50'000;
constexpr int64_t kContendedWindowNs = 1'000'000'000;
constexpr int64_t kContendedSpinNs = 25'000;
// Until when (steady clock, ns) waits spin short: a spinner was preempted recently.
std::atomic<int64_t> contended_until{0};

SpinPolicy spin_policy() {
  // OMP_WAIT_POLICY is honoured as OpenMP defines it: PASSIVE never spins, ACTIVE spins long.
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  std::string value = policy ? policy : "";
  for (auto& ch : value) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (value == "PASSIVE") return {0, 0};
  if (value == "ACTIVE") return {200'000'000, 200'000'000};
  // STRIATE_POOL_SPIN_US sets the workers' spin (microseconds, up to 1 s) for tuning; the caller
  // spins at most 200 us of it.
  if (const char* spin = std::getenv("STRIATE_POOL_SPIN_US")) {
    char* stop = nullptr;
    const long long us = std::strtoll(spin, &stop, 10);
    if (stop != spin && *stop == '\0' && us >= 0 && us <= 1'000'000)
      return {us * 1000, std::min<int64_t>(us * 1000, 200'000)};
  }
  return {1'000'000, 200'000};
}

/// Spins until done() or `limit_ns` passed, or until it finds it was preempted (see SpinPolicy);
/// returns done().
template <typename Done>
bool spin_until(const Done& done, int64_t limit_ns) {
  if (limit_ns <= 0) return done();
  const int64_t start = now_ns();
  if (contended_until.load(std::memory_order_relaxed) > start) limit_ns = std::min(limit_ns, kContendedSpinNs);
  int64_t last = start;
  for (int i = 0;; ++i) {
    if (done()) return true;
    if ((i & 31) != 31) {
      cpu_relax();
      continue;
    }
    const int64_t now = now_ns();
    if (now - last > kPreemptedNs) {
      contended_until.store(now + kContendedWindowNs, std::memory_order_relaxed);
      return done();
    }
    last = now;
    if (now - start >= limit_ns) return done();
  }
}

/// The threads of parallel_for: the caller runs chunk 0 and n - 1 pool workers the others. One
/// region runs at a time; a thread that calls parallel_for while another thread's region runs
/// gets its loop run serially (results do not depend on the split). Workers are created when a
/// region first asks for them and live until the process ends (the pool is never destroyed: a
/// worker asleep at exit must not wait on a destroyed condition variable).
class ThreadPool {
 public:
  /// Runs job(t, n) for t in [0, n) on n threads, the calling thread taking t = 0.
  /// @return false (nothing ran) when another thread's region holds the pool.
  bool run(int n, const std::function<void(int, int)>& job) {
    std::unique_lock<std::mutex> region(region_mutex_, std::try_to_lock);
    if (!region.owns_lock()) return false;
    grow(n - 1);
    job_ = &job;
    pending_.store(n - 1, std::memory_order_relaxed);
    // The new epoch and the team size in one word: a worker never pairs one region's epoch with
    // another's size.
    const uint64_t state = ((state_.load(std::memory_order_relaxed) >> 16) + 1) << 16 | static_cast<uint64_t>(n);
    state_.store(state, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      wake_.notify_all();
    }
    job(0, n);
    auto finished = [&] { return pending_.load(std::memory_order_seq_cst) == 0; };
    if (!spin_until(finished, policy_.caller_spin_ns)) {
      std::unique_lock<std::mutex> lock(sleep_mutex_);
      caller_sleeping_.store(true, std::memory_order_seq_cst);
      done_.wait(lock, finished);
      caller_sleeping_.store(false, std::memory_order_relaxed);
    }
    job_ = nullptr;
    return true;
  }

  /// A fresh pool: the one in a child process after fork() (its workers do not exist there).
  static ThreadPool*& instance() {
    static ThreadPool* pool = make();
    return pool;
  }

 private:
  static ThreadPool* make() {
    pthread_atfork(nullptr, nullptr, [] { instance() = new ThreadPool(); });  // the old one leaks
    return new ThreadPool();
  }

  void grow(int count) {
    while (workers_ < count) {
      const int index = ++workers_;
      const uint64_t seen = state_.load(std::memory_order_relaxed);  // regions before it are not its
      std::thread([this, index, seen] { work(index, seen); }).detach();
    }
  }

  void work(int index, uint64_t seen) {
    bool participated = false;
    while (true) {
      auto changed = [&] { return state_.load(std::memory_order_seq_cst) != seen; };
      // Spin only after a region this worker ran: the next one is likely close behind. Workers
      // beyond the current thread setting go straight to sleep.
      if (!(participated && spin_until(changed, policy_.worker_spin_ns))) {
        std::unique_lock<std::mutex> lock(sleep_mutex_);
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        wake_.wait(lock, changed);
        sleepers_.fetch_sub(1, std::memory_order_relaxed);
      }
      seen = state_.load(std::memory_order_acquire);
      const int team = static_cast<int>(seen & 0xffff);
      participated = index < team;
      if (!participated) continue;
      (*job_)(index, team);  // job_ stays put until this worker counts itself done
      if (pending_.fetch_sub(1, std::memory_order_seq_cst) == 1 && caller_sleeping_.load(std::memory_order_seq_cst)) {
        std::lock_guard<std::mutex> lock(sleep_mutex_);
        done_.notify_one();
      }
    }
  }

  const SpinPolicy policy_ = spin_policy();
  std::mutex region_mutex_;
  int workers_ = 0;  // started so far (they never end)
  const std::function<void(int, int)>* job_ = nullptr;
  std::atomic<uint64_t> state_{0};  // epoch << 16 | team size
  std::atomic<int> pending_{0};     // workers still in the current region
  std::mutex sleep_mutex_;
  std::condition_variable wake_, done_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> caller_sleeping_{false};
};
}  // namespace

bool in_parallel_region() { return serial_region_depth > 0 || in_pool_region; }

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
  auto chunk_of = [&](int t, int nt) {
    std::atomic<bool>* outer_cancel = region_cancel;
    bool outer_caller = region_caller;
    bool outer_in_region = in_pool_region;
    region_cancel = &cancel;
    region_caller = t == 0;
    in_pool_region = true;
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
    in_pool_region = outer_in_region;
  };
  if (num_threads <= 1) {
    fn(begin, end);
    return;
  }
  // Another thread's region holds the pool: this loop runs on its caller alone.
  if (!ThreadPool::instance()->run(num_threads, chunk_of)) chunk_of(0, 1);
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
