// The machine's floating-point peak, measured: independent chains of multiply-adds on the widest
// SIMD path striate runs (cpu_isa()), on `threads` threads at once. The benchmark suite divides
// its GFLOP/s by this number to report the fraction of peak.
//   double peak = striate::kernels::cpu::peak_gflops(1, DType::Float32);  // ~116 on one Zen 4 core
#pragma once
#include <cstdint>

#include "striate/core/dtype.h"

namespace striate::kernels::cpu {

// GFLOP/s (one multiply-add = 2 FLOPs) of `threads` threads running the probe together: the best
// of 30 trials of ~5 ms after a warm-up, so ~0.2 s per call. The probe starts its own threads and
// leaves the OpenMP pool (set_num_threads) alone. Raises ValueError for threads outside [1, 1024]
// and TypeError for a dtype other than float32 / float64.
double peak_gflops(int threads, DType dtype);

namespace detail {

// One compiled variant of the probe (plain data, safe to pass between ISA files): `run` performs
// `iterations` rounds of multiply-adds over independent accumulators and returns their sum (so
// the work cannot be optimized away); each round is flops_per_iteration FLOPs.
struct PeakProbeVariant {
  double (*run)(int64_t iterations);
  int64_t flops_per_iteration;
};

// Defined in peak_probe_<isa>.cpp; call a variant only when cpu_isa_supported() allows it.
PeakProbeVariant peak_probe_generic(DType dtype);
PeakProbeVariant peak_probe_avx2(DType dtype);
PeakProbeVariant peak_probe_avx512(DType dtype);

}  // namespace detail
}  // namespace striate::kernels::cpu
