// Run-time choice of the SIMD path: CPU detection, overridable by STRIATE_CPU_ISA.
#include "striate/core/cpu_isa.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace striate {
namespace {

CpuIsa detect() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq"))
    return CpuIsa::AVX512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CpuIsa::AVX2;
#endif
  return CpuIsa::Generic;
}

CpuIsa clamp(CpuIsa wanted) {
  CpuIsa best = cpu_isa_supported();
  return static_cast<int>(wanted) <= static_cast<int>(best) ? wanted : best;
}

CpuIsa initial() {
  const char* env = std::getenv("STRIATE_CPU_ISA");
  if (!env || !*env) return cpu_isa_supported();
  if (!std::strcmp(env, "generic")) return CpuIsa::Generic;
  if (!std::strcmp(env, "avx2")) return clamp(CpuIsa::AVX2);
  if (!std::strcmp(env, "avx512")) return clamp(CpuIsa::AVX512);
  return cpu_isa_supported();  // unknown values fall back to detection (show_config reports it)
}

std::atomic<int>& current() {
  static std::atomic<int> isa{static_cast<int>(initial())};
  return isa;
}

}  // namespace

CpuIsa cpu_isa_supported() {
  static const CpuIsa best = detect();
  return best;
}

CpuIsa cpu_isa() { return static_cast<CpuIsa>(current().load(std::memory_order_relaxed)); }

void set_cpu_isa(CpuIsa isa) { current().store(static_cast<int>(clamp(isa))); }

const char* cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::Generic: return "generic";
    case CpuIsa::AVX2: return "avx2";
    case CpuIsa::AVX512: return "avx512";
  }
  return "?";
}

}  // namespace striate
