// The probe's inner loop, written once and compiled once per SIMD variant: each
// peak_probe_<isa>.cpp includes this header under its own compiler flags and passes its
// multiply-add (an FMA intrinsic where the ISA has one).
#pragma once
#include <cstdint>

#include "kernels/cpu/peak_probe.h"

namespace striate::kernels::cpu {
// Internal linkage on purpose, as in gemm_impl.h: each ISA file instantiates these templates
// under different compiler flags, and a shared symbol could let the linker mix the copies.
namespace {

// Chains independent accumulators: an FMA unit starts a new multiply-add every cycle but each one
// waits ~4 cycles for its input, so enough chains (>= latency x units) keep every unit busy.
// acc = acc * scale + shift converges to shift / (1 - scale): no overflow, no denormals.
template <typename Scalar, typename Vector, int Chains, typename MultiplyAdd>
double run_fma_chains(int64_t iterations, MultiplyAdd multiply_add) {
  Vector acc[Chains];
  for (int c = 0; c < Chains; ++c) acc[c] = Vector{} + static_cast<Scalar>(c) * Scalar(1e-3);
  const Vector scale = Vector{} + Scalar(0.999);
  const Vector shift = Vector{} + Scalar(1e-3);
  for (int64_t i = 0; i < iterations; ++i) {
    for (int c = 0; c < Chains; ++c) acc[c] = multiply_add(acc[c], scale, shift);
  }
  Vector total = acc[0];
  for (int c = 1; c < Chains; ++c) total += acc[c];
  double sum = 0.0;
  for (int lane = 0; lane < static_cast<int>(sizeof(Vector) / sizeof(Scalar)); ++lane) sum += total[lane];
  return sum;
}

template <typename Scalar, typename Vector, int Chains>
constexpr int64_t fma_chain_flops() {
  return int64_t{2} * Chains * static_cast<int64_t>(sizeof(Vector) / sizeof(Scalar));
}

}  // namespace
}  // namespace striate::kernels::cpu
