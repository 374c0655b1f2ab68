// The CPU GEMM kernel (kernels/cpu/gemm.h) against a naive product in higher precision, on every
// SIMD path the CPU runs, on 1 and 2 threads: every edge of the register tiles (rows 1..14 past a
// multiple of the tile, columns on both sides of a vector and of a tile), K across the depth
// blocks, both transposes, leading dimensions wider than the matrices, and alpha / beta (beta == 0
// must not read C, which starts as NaN there).
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
#include <random>
#include <vector>

#include "check.h"
#include "kernels/cpu/gemm.h"
#include "striate/core/cpu_isa.h"
#include "striate/core/parallel.h"

using striate::CpuIsa;

namespace {

struct Case {
  int64_t M, N, K;
};

template <typename T>
using Wide = std::conditional_t<sizeof(T) == 4, double, long double>;

template <typename T>
bool run_case(const Case& shape, bool trans_a, bool trans_b, int64_t pad, T alpha, T beta, std::mt19937& rng) {
  const int64_t M = shape.M, N = shape.N, K = shape.K;
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  const int64_t a_rows = trans_a ? K : M, a_cols = trans_a ? M : K;
  const int64_t b_rows = trans_b ? N : K, b_cols = trans_b ? K : N;
  const int64_t lda = a_cols + pad, ldb = b_cols + pad, ldc = N + pad;
  std::vector<T> A(static_cast<size_t>(a_rows * lda)), B(static_cast<size_t>(b_rows * ldb));
  std::vector<T> C(static_cast<size_t>(M * ldc));
  for (auto& x : A) x = static_cast<T>(uniform(rng));
  for (auto& x : B) x = static_cast<T>(uniform(rng));
  for (auto& x : C) x = beta == T(0) ? std::numeric_limits<T>::quiet_NaN() : static_cast<T>(uniform(rng));
  const std::vector<T> C0 = C;
  striate::kernels::cpu::gemm<T>(trans_a, trans_b, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, C.data(), ldc);
  const double tolerance = sizeof(T) == 4 ? 2e-6 : 1e-14;
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const T got = C[i * ldc + j];
      if (j >= N) {  // the padding between rows stays untouched
        const T before = C0[i * ldc + j];
        if (!(got == before || (std::isnan(got) && std::isnan(before)))) {
          std::cerr << "gemm wrote padding at (" << i << ", " << j << ")\n";
          return false;
        }
        continue;
      }
      Wide<T> sum = 0, magnitude = 0;
      for (int64_t k = 0; k < K; ++k) {
        const Wide<T> a = trans_a ? A[k * lda + i] : A[i * lda + k];
        const Wide<T> b = trans_b ? B[j * ldb + k] : B[k * ldb + j];
        sum += a * b;
        magnitude += std::fabs(a * b);
      }
      Wide<T> want = Wide<T>(alpha) * sum;
      if (beta != T(0)) want += Wide<T>(beta) * C0[i * ldc + j];
      const double scale = static_cast<double>(std::fabs(alpha) * magnitude + std::fabs(beta) + 1);
      const double error = std::fabs(static_cast<double>(got - want));
      if (!(error <= tolerance * scale * std::sqrt(static_cast<double>(K) + 1))) {
        std::cerr << "gemm<" << (sizeof(T) == 4 ? "float" : "double") << "> isa "
                  << striate::cpu_isa_name(striate::cpu_isa()) << " threads " << striate::get_num_threads() << " M "
                  << M << " N " << N << " K " << K << " trans " << trans_a << trans_b << " pad " << pad << " alpha "
                  << alpha << " beta " << beta << ": C(" << i << ", " << j << ") = " << got << ", want "
                  << static_cast<double>(want) << "\n";
        return false;
      }
    }
  }
  return true;
}

template <typename T>
void check_all(std::mt19937& rng) {
  // Tile edges: rows 12 x k + 0..13 (AVX-512), 6 x k + r (AVX2), 4 x k + r (SSE2); columns around
  // 4, 8, 16 (a vector) and 8, 16, 32 (a tile); K around the depth blocks (256, 512; balanced).
  const std::vector<Case> cases = {
      {2, 2, 1},     {3, 5, 7},      {12, 32, 64},    {13, 33, 65},   {11, 31, 70},   {14, 17, 100}, {24, 16, 3},
      {25, 48, 255}, {23, 47, 257},  {7, 9, 511},     {36, 64, 513},  {37, 65, 1025}, {5, 100, 80},  {100, 5, 80},
      {17, 15, 300}, {26, 1, 40},    {1, 40, 26},     {2, 200, 600},  {200, 2, 600},  {61, 95, 129}, {192, 40, 64},
      {193, 41, 33}, {205, 250, 90}, {129, 1030, 20}, {16, 600, 144}, {64, 100, 576},
  };
  for (size_t c = 0; c < cases.size(); ++c) {
    for (int transposes = 0; transposes < 4; ++transposes) {
      const bool trans_a = transposes & 1, trans_b = transposes & 2;
      const int64_t pad = (c + transposes) % 3 == 0 ? 3 : 0;
      const T alphas[] = {T(1), T(-0.5)};
      const T betas[] = {T(0), T(1), T(0.25)};
      const T alpha = alphas[(c + transposes) % 2];
      const T beta = betas[(c + transposes) % 3];
      CHECK(run_case<T>(cases[c], trans_a, trans_b, pad, alpha, beta, rng));
    }
  }
}

}  // namespace

int main() {
  std::mt19937 rng(11);
  const int threads_before = striate::get_num_threads();
  for (CpuIsa isa : {CpuIsa::Generic, CpuIsa::AVX2, CpuIsa::AVX512}) {
    if (static_cast<int>(isa) > static_cast<int>(striate::cpu_isa_supported())) continue;
    striate::set_cpu_isa(isa);
    for (int threads : {1, 2, 3}) {
      striate::set_num_threads(threads);
      check_all<float>(rng);
      check_all<double>(rng);
    }
  }
  striate::set_num_threads(threads_before);
  striate::set_cpu_isa(striate::cpu_isa_supported());
  if (failures() == 0) std::cout << "test_gemm: all checks passed\n";
  return failures() == 0 ? 0 : 1;
}
