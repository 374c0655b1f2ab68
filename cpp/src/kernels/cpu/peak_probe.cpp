// The peak probe's driver: picks the variant of the SIMD path in use, sizes a trial to ~5 ms,
// runs every thread's chains at once and keeps the best of many trials (short trials, so that a
// few of them fall between other processes' time slices on a busy machine).
#include "kernels/cpu/peak_probe.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "striate/core/cpu_isa.h"
#include "striate/core/error.h"

namespace striate::kernels::cpu {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMaxThreads = 1024;
constexpr double kTrialSeconds = 0.005;
constexpr int kTrials = 30;
constexpr double kWarmUpSeconds = 0.02;

detail::PeakProbeVariant selected_variant(DType dtype) {
  switch (cpu_isa()) {
    case CpuIsa::AVX512: return detail::peak_probe_avx512(dtype);
    case CpuIsa::AVX2: return detail::peak_probe_avx2(dtype);
    case CpuIsa::Generic: break;
  }
  return detail::peak_probe_generic(dtype);
}

double seconds_between(Clock::time_point begin, Clock::time_point end) {
  return std::chrono::duration<double>(end - begin).count();
}

// Sized on one thread: runs grow until one lasts kWarmUpSeconds (which also brings the core up from
// a low clock), then the count is scaled to kTrialSeconds.
int64_t iterations_per_trial(const detail::PeakProbeVariant& variant) {
  int64_t iterations = 1 << 12;
  volatile double sink = 0.0;
  for (;;) {
    auto begin = Clock::now();
    sink = sink + variant.run(iterations);
    double elapsed = seconds_between(begin, Clock::now());
    if (elapsed > kWarmUpSeconds || iterations > (int64_t{1} << 40))
      return std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(iterations) * kTrialSeconds / elapsed));
    iterations *= 4;
  }
}

// One trial: every thread waits for the start signal, runs the chains, and notes when it is done;
// the wall time runs from the signal to the last thread's end (threads that did not truly run at
// the same time lengthen it, so an oversubscribed machine cannot inflate the figure).
double trial_gflops(const detail::PeakProbeVariant& variant, int threads, int64_t iterations) {
  std::atomic<bool> start{false};
  std::vector<Clock::time_point> ends(threads);
  std::vector<double> sums(threads);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!start.load(std::memory_order_acquire)) std::this_thread::yield();
      sums[t] = variant.run(iterations);
      ends[t] = Clock::now();
    });
  }
  auto begin = Clock::now();
  start.store(true, std::memory_order_release);
  for (auto& worker : workers) worker.join();
  double elapsed = seconds_between(begin, *std::max_element(ends.begin(), ends.end()));
  volatile double sink = sums[0];
  (void)sink;
  double flops = static_cast<double>(variant.flops_per_iteration) * static_cast<double>(iterations) * threads;
  return flops / elapsed * 1e-9;
}

}  // namespace

double peak_gflops(int threads, DType dtype) {
  STRIATE_CHECK(threads >= 1 && threads <= kMaxThreads, "peak_gflops: expected threads in [1, ", kMaxThreads, "], got ",
                threads);
  STRIATE_CHECK_TYPE(dtype == DType::Float32 || dtype == DType::Float64,
                     "peak_gflops: expected dtype float32 or float64, got ", dtype);
  const detail::PeakProbeVariant variant = selected_variant(dtype);
  const int64_t iterations = iterations_per_trial(variant);
  double best = 0.0;
  for (int trial = 0; trial < kTrials; ++trial) best = std::max(best, trial_gflops(variant, threads, iterations));
  return best;
}

}  // namespace striate::kernels::cpu
