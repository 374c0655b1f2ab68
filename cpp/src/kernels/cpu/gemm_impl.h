// The packed, cache-blocked GEMM, written once and compiled once per SIMD variant: each
// gemm_<isa>.cpp includes this header under its own compiler flags (-mavx2, -mavx512f, ...).
// Loops follow the Goto/BLIS order: N blocks > K blocks (pack B) > M blocks (pack A) > register tiles.
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "core/interrupt.h"
#include "kernels/cpu/gemm_isa.h"

namespace striate::kernels::cpu {
// Internal linkage on purpose: every ISA file instantiates these templates with different
// compiler flags, and a shared (weak) symbol would let the linker keep, say, the AVX-512 copy
// for the generic path. For the same reason the hot code calls no std:: templates.
namespace {

inline int64_t smaller(int64_t a, int64_t b) { return a < b ? a : b; }

// The register tile is MR rows by two SIMD vectors of columns; VectorBytes is 16 (SSE2
// baseline), 32 (AVX2) or 64 (AVX-512).
template <typename T, int VectorBytes, int RowsPerTile>
struct GemmConfig {
  typedef T Vector __attribute__((vector_size(VectorBytes)));
  static constexpr int kLanes = VectorBytes / static_cast<int>(sizeof(T));
  static constexpr int MR = RowsPerTile;
  static constexpr int NR = 2 * kLanes;
  // KC x NR of packed B stays in L1 across the row tiles; MC x KC of packed A stays in L2.
  static constexpr int64_t KC = 256;
  static constexpr int64_t MC = MR * 16;
  static constexpr int64_t NC = NR * 32;
};

template <typename Vector>
inline Vector load_vector(const void* source) {
  Vector v;
  std::memcpy(&v, source, sizeof(Vector));
  return v;
}

template <typename Vector>
inline void store_vector(void* target, Vector v) {
  std::memcpy(target, &v, sizeof(Vector));
}

// Every lane set to `value`. Spelled with intrinsics: GCC turns both Vector{} + value (an add
// of +0.0 it must keep) and a lane loop into several instructions on the hot path.
template <typename Vector, typename T>
inline Vector broadcast(T value) {
#if defined(__AVX512F__)
  if constexpr (sizeof(Vector) == 64) {
    if constexpr (sizeof(T) == 4)
      return _mm512_set1_ps(value);
    else
      return _mm512_set1_pd(value);
  }
#endif
#if defined(__AVX__)
  if constexpr (sizeof(Vector) == 32) {
    if constexpr (sizeof(T) == 4)
      return _mm256_set1_ps(value);
    else
      return _mm256_set1_pd(value);
  }
#endif
#if defined(__SSE2__)
  if constexpr (sizeof(Vector) == 16) {
    if constexpr (sizeof(T) == 4)
      return _mm_set1_ps(value);
    else
      return _mm_set1_pd(value);
  }
#endif
  Vector v;
  for (int lane = 0; lane < static_cast<int>(sizeof(Vector) / sizeof(T)); ++lane) v[lane] = value;
  return v;
}

// acc + a * b, fused where the ISA has FMA (ISO C++ mode does not contract a * b + c by itself).
template <typename T, typename Vector>
inline Vector multiply_add(Vector acc, Vector a, Vector b) {
#if defined(__AVX512F__)
  if constexpr (sizeof(Vector) == 64) {
    if constexpr (sizeof(T) == 4)
      return _mm512_fmadd_ps(a, b, acc);
    else
      return _mm512_fmadd_pd(a, b, acc);
  }
#endif
#if defined(__FMA__)
  if constexpr (sizeof(Vector) == 32) {
    if constexpr (sizeof(T) == 4)
      return _mm256_fmadd_ps(a, b, acc);
    else
      return _mm256_fmadd_pd(a, b, acc);
  }
#endif
  return acc + a * b;
}

// Copies op(A)[m0:m0+rows, k0:k0+depth] into panels of MR rows, k-major inside a panel,
// zero-filling the last panel's missing rows so the micro-kernel never branches.
template <typename Config, typename T>
void pack_a(T* packed, const detail::GemmProblem<T>& p, int64_t m0, int64_t rows, int64_t k0, int64_t depth) {
  constexpr int MR = Config::MR;
  for (int64_t panel = 0; panel < rows; panel += MR) {
    int64_t panel_rows = smaller(MR, rows - panel);
    T* out = packed + panel * depth;
    if (!p.trans_a) {
      for (int64_t i = 0; i < panel_rows; ++i) {
        const T* row = p.A + (m0 + panel + i) * p.lda + k0;
        for (int64_t k = 0; k < depth; ++k) out[k * MR + i] = row[k];
      }
    } else {
      for (int64_t k = 0; k < depth; ++k) {
        const T* column = p.A + (k0 + k) * p.lda + m0 + panel;
        for (int64_t i = 0; i < panel_rows; ++i) out[k * MR + i] = column[i];
      }
    }
    for (int64_t i = panel_rows; i < MR; ++i)
      for (int64_t k = 0; k < depth; ++k) out[k * MR + i] = T(0);
  }
}

// Copies op(B)[k0:k0+depth, n0:n0+cols] into panels of NR columns, k-major inside a panel.
template <typename Config, typename T>
void pack_b(T* packed, const detail::GemmProblem<T>& p, int64_t k0, int64_t depth, int64_t n0, int64_t cols) {
  constexpr int NR = Config::NR;
  for (int64_t panel = 0; panel < cols; panel += NR) {
    int64_t panel_cols = smaller(NR, cols - panel);
    T* out = packed + panel * depth;
    if (!p.trans_b) {
      for (int64_t k = 0; k < depth; ++k) {
        const T* row = p.B + (k0 + k) * p.ldb + n0 + panel;
        for (int64_t j = 0; j < panel_cols; ++j) out[k * NR + j] = row[j];
        for (int64_t j = panel_cols; j < NR; ++j) out[k * NR + j] = T(0);
      }
    } else {
      for (int64_t j = 0; j < panel_cols; ++j) {
        const T* column = p.B + (n0 + panel + j) * p.ldb + k0;
        for (int64_t k = 0; k < depth; ++k) out[k * NR + j] = column[k];
      }
      for (int64_t j = panel_cols; j < NR; ++j)
        for (int64_t k = 0; k < depth; ++k) out[k * NR + j] = T(0);
    }
  }
}

// One MR x NR tile of C from a packed A panel (depth x MR) and B panel (depth x NR). `rows`
// and `cols` clip the tile at the matrix edge; beta == 0 never reads C.
template <typename Config, typename T>
void micro_kernel(int64_t depth, const T* packed_a, const T* packed_b, T* C, int64_t ldc, int64_t rows, int64_t cols,
                  T alpha, T beta) {
  using Vector = typename Config::Vector;
  constexpr int MR = Config::MR;
  constexpr int NR = Config::NR;
  constexpr int kLanes = Config::kLanes;
  Vector acc[MR][2];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    acc[i][0] = Vector{};
    acc[i][1] = Vector{};
  }
  for (int64_t k = 0; k < depth; ++k) {
    Vector b0 = load_vector<Vector>(packed_b);
    Vector b1 = load_vector<Vector>(packed_b + kLanes);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      Vector a = broadcast<Vector>(packed_a[i]);
      acc[i][0] = multiply_add<T>(acc[i][0], a, b0);
      acc[i][1] = multiply_add<T>(acc[i][1], a, b1);
    }
    packed_a += MR;
    packed_b += NR;
  }
  if (rows == MR && cols == NR) {
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      T* c = C + i * ldc;
      Vector out0 = acc[i][0] * alpha;
      Vector out1 = acc[i][1] * alpha;
      if (beta != T(0)) {
        out0 += load_vector<Vector>(c) * beta;
        out1 += load_vector<Vector>(c + kLanes) * beta;
      }
      store_vector(c, out0);
      store_vector(c + kLanes, out1);
    }
    return;
  }
  T tile[MR * NR];
  for (int i = 0; i < MR; ++i) {
    store_vector(tile + i * NR, acc[i][0]);
    store_vector(tile + i * NR + kLanes, acc[i][1]);
  }
  for (int64_t i = 0; i < rows; ++i) {
    T* c = C + i * ldc;
    for (int64_t j = 0; j < cols; ++j)
      c[j] = beta != T(0) ? alpha * tile[i * NR + j] + beta * c[j] : alpha * tile[i * NR + j];
  }
}

template <typename Config, typename T>
void compute_block(const detail::GemmProblem<T>& p, int64_t m_begin, int64_t m_end, int64_t n_begin, int64_t n_end,
                   T* workspace) {
  T* packed_a = workspace;
  T* packed_b = workspace + Config::MC * Config::KC;
  for (int64_t jc = n_begin; jc < n_end; jc += Config::NC) {
    int64_t cols = smaller(Config::NC, n_end - jc);
    for (int64_t pc = 0; pc < p.K; pc += Config::KC) {
      int64_t depth = smaller(Config::KC, p.K - pc);
      pack_b<Config>(packed_b, p, pc, depth, jc, cols);
      // Later K blocks add onto what the first one wrote.
      T beta = pc == 0 ? p.beta : T(1);
      for (int64_t ic = m_begin; ic < m_end; ic += Config::MC) {
        int64_t rows = smaller(Config::MC, m_end - ic);
        check_interrupt_in_kernel();  // an MC x NC x KC block: milliseconds, so Ctrl-C stops a big GEMM
        pack_a<Config>(packed_a, p, ic, rows, pc, depth);
        for (int64_t jr = 0; jr < cols; jr += Config::NR) {
          for (int64_t ir = 0; ir < rows; ir += Config::MR) {
            micro_kernel<Config>(depth, packed_a + ir * depth, packed_b + jr * depth, p.C + (ic + ir) * p.ldc + jc + jr,
                                 p.ldc, smaller(Config::MR, rows - ir), smaller(Config::NR, cols - jr), p.alpha, beta);
          }
        }
      }
    }
  }
}

// Products where one side has few rows (batch-1 linear layers, convolutions of a 2x2 or 4x4
// map at batch 1): out[i * out_rows + j * out_cols] = sum_k a[i * lda + k] * x[j * ldx + k] for
// i < rows, j < cols, both operands read along K with unit stride. Nothing is packed: the
// weight (`a`) streams from memory once per block of K, which is what bounds this shape. A block
// of 4 rows x 4 vectors keeps 16 vector accumulators; K is cut in blocks whose rows stay in L1
// while every group of vectors passes over them. Each product's order is fixed whatever the
// grouping: per-lane partial sums over the vector part of K in order, the lanes added pairwise,
// then the scalar tail in order.
template <typename Config, typename T, int Rows, int Cols>
inline void dot_block(int64_t k0, int64_t k1, const T* a, int64_t lda, const T* x, int64_t ldx,
                      typename Config::Vector* acc) {
  using Vector = typename Config::Vector;
  constexpr int kLanes = Config::kLanes;
  Vector sum[Rows][Cols];
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r)
#pragma GCC unroll 16
    for (int c = 0; c < Cols; ++c) sum[r][c] = acc[c * Rows + r];
  for (int64_t k = k0; k < k1; k += kLanes) {
    Vector xs[Cols];
#pragma GCC unroll 16
    for (int c = 0; c < Cols; ++c) xs[c] = load_vector<Vector>(x + c * ldx + k);
#pragma GCC unroll 16
    for (int r = 0; r < Rows; ++r) {
      const Vector row = load_vector<Vector>(a + r * lda + k);
#pragma GCC unroll 16
      for (int c = 0; c < Cols; ++c) sum[r][c] = multiply_add<T>(sum[r][c], row, xs[c]);
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < Rows; ++r)
#pragma GCC unroll 16
    for (int c = 0; c < Cols; ++c) acc[c * Rows + r] = sum[r][c];
}

template <typename Config, typename T>
inline T finish_dot(typename Config::Vector acc, const T* a, const T* x, int64_t k_vector, int64_t K) {
  constexpr int kLanes = Config::kLanes;
  T lanes[kLanes];
  store_vector(lanes, acc);
  for (int width = kLanes / 2; width > 0; width /= 2)
    for (int lane = 0; lane < width; ++lane) lanes[lane] += lanes[lane + width];
  T total = lanes[0];
  for (int64_t k = k_vector; k < K; ++k) total += a[k] * x[k];
  return total;
}

// Up to kDotCols vectors against Rows rows. K blocks run outermost so a block of the rows is
// read from memory once and stays in L1 while every group of four vectors passes over it.
constexpr int kDotCols = 16;

template <typename Config, typename T, int Rows>
void dot_row_group(int64_t cols, int64_t K, const T* a, int64_t lda, const T* x, int64_t ldx, T* out, int64_t out_rows,
                   int64_t out_cols) {
  using Vector = typename Config::Vector;
  constexpr int kLanes = Config::kLanes;
  constexpr int64_t kDepth = 1024;  // 4 rows x 4 KiB (float) of `a`
  const int64_t k_vector = K / kLanes * kLanes;
  Vector acc[Rows * kDotCols];  // acc[c * Rows + r]
  for (int64_t i = 0; i < Rows * cols; ++i) acc[i] = Vector{};
  for (int64_t k0 = 0; k0 < k_vector; k0 += kDepth) {
    const int64_t k1 = smaller(k_vector, k0 + kDepth);
    int64_t c = 0;
    // Four vectors at a time where 16 + 5 registers fit (AVX-512's 32), two on 16-register ISAs.
    constexpr int kGroup = sizeof(Vector) == 64 ? 4 : 2;
    for (; c + kGroup <= cols; c += kGroup)
      dot_block<Config, T, Rows, kGroup>(k0, k1, a, lda, x + c * ldx, ldx, acc + c * Rows);
    for (; c < cols; ++c) dot_block<Config, T, Rows, 1>(k0, k1, a, lda, x + c * ldx, ldx, acc + c * Rows);
  }
  for (int r = 0; r < Rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * out_rows + c * out_cols] = finish_dot<Config>(acc[c * Rows + r], a + r * lda, x + c * ldx, k_vector, K);
}

template <typename Config, typename T>
void dot_products(int64_t rows, int64_t cols, int64_t K, const T* a, int64_t lda, const T* x, int64_t ldx, T* out,
                  int64_t out_rows, int64_t out_cols) {
  if (cols > kDotCols) {
    for (int64_t c0 = 0; c0 < cols; c0 += kDotCols)
      dot_products<Config>(rows, smaller(kDotCols, cols - c0), K, a, lda, x + c0 * ldx, ldx, out + c0 * out_cols,
                           out_rows, out_cols);
    return;
  }
  int64_t i = 0;
  for (; i + 4 <= rows; i += 4)
    dot_row_group<Config, T, 4>(cols, K, a + i * lda, lda, x, ldx, out + i * out_rows, out_rows, out_cols);
  for (; i < rows; ++i)
    dot_row_group<Config, T, 1>(cols, K, a + i * lda, lda, x, ldx, out + i * out_rows, out_rows, out_cols);
}

template <typename T, int VectorBytes, int RowsPerTile>
detail::GemmVariant<T> make_gemm_variant() {
  using Config = GemmConfig<T, VectorBytes, RowsPerTile>;
  detail::GemmVariant<T> variant;
  variant.compute_block = &compute_block<Config, T>;
  variant.dot_products = &dot_products<Config, T>;
  variant.register_rows = Config::MR;
  variant.register_cols = Config::NR;
  variant.block_rows = Config::MC;
  variant.block_cols = Config::NC;
  variant.workspace_size = Config::MC * Config::KC + Config::KC * Config::NC;
  return variant;
}

}  // namespace
}  // namespace striate::kernels::cpu
