// Which SIMD path the CPU kernels use: detected once from the CPU, or forced with the
// environment variable STRIATE_CPU_ISA=generic|avx2|avx512 (clamped to what the CPU supports).
#pragma once
#include <string>

namespace striate {

/// A SIMD path of the CPU kernels.
enum class CpuIsa { Generic = 0, AVX2 = 1, AVX512 = 2 };

/// The path in use.
/// @return it.
CpuIsa cpu_isa();
/// The best path the CPU can run.
/// @return it.
CpuIsa cpu_isa_supported();
/// Forces a path, clamped to cpu_isa_supported().
/// @param isa the path.
void set_cpu_isa(CpuIsa isa);
/// @param isa the path.
/// @return "generic", "avx2" or "avx512".
const char* cpu_isa_name(CpuIsa isa);

}  // namespace striate
