// Which SIMD path the CPU kernels use: detected once from the CPU, or forced with the
// environment variable STRIATE_CPU_ISA=generic|avx2|avx512 (clamped to what the CPU supports).
#pragma once
#include <string>

namespace striate {

enum class CpuIsa { Generic = 0, AVX2 = 1, AVX512 = 2 };

CpuIsa cpu_isa();                // the path in use
CpuIsa cpu_isa_supported();      // the best the CPU can run
void set_cpu_isa(CpuIsa isa);    // clamps to cpu_isa_supported()
const char* cpu_isa_name(CpuIsa isa);

}  // namespace striate
