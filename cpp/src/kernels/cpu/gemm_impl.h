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

// The register tile is RowsPerTile rows (broadcast from packed A) by VectorsPerTile SIMD vectors
// of columns (loaded from packed B); VectorBytes is 16 (SSE2 baseline), 32 (AVX2) or 64
// (AVX-512). The cache blocks (in elements) are the variant's: a DepthBlock x (tile columns)
// micro-panel of packed B is read once per row tile, a RowBlock x DepthBlock block of packed A
// stays in L2 across the column tiles, a DepthBlock x ColumnBlock panel of packed B in L2/L3.
template <typename T, int VectorBytes, int RowsPerTile, int VectorsPerTile, int64_t DepthBlock, int64_t RowBlock,
          int64_t ColumnBlock>
struct GemmConfig {
  typedef T Vector __attribute__((vector_size(VectorBytes)));
  static constexpr int kLanes = VectorBytes / static_cast<int>(sizeof(T));
  static constexpr int kVectors = VectorsPerTile;
  static constexpr int MR = RowsPerTile;
  static constexpr int NR = VectorsPerTile * kLanes;
  static constexpr int64_t KC = DepthBlock;
  static constexpr int64_t MC = RowBlock / MR * MR;
  static constexpr int64_t NC = ColumnBlock / NR * NR;
  static_assert(MC > 0 && NC > 0 && KC > 0, "cache blocks hold at least one register tile");
  // Packed B starts one cache line after packed A ends, so every row of both is line-aligned.
  static constexpr int64_t kLine = 64 / static_cast<int64_t>(sizeof(T));
  static constexpr int64_t kPackedASize = (MC * KC + kLine - 1) / kLine * kLine;
  static constexpr int64_t kWorkspaceSize = kPackedASize + KC * NC;
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

// The first `count` lanes of a vector (0 < count < lanes) to or from memory, the other lanes
// untouched (store) or zero (load): the right edge of C. Masked moves where the ISA has them.
template <typename Vector, typename T>
inline void store_first_lanes(T* target, Vector v, int count) {
#if defined(__AVX512F__)
  if constexpr (sizeof(Vector) == 64) {
    if constexpr (sizeof(T) == 4)
      _mm512_mask_storeu_ps(target, static_cast<__mmask16>((1u << count) - 1), v);
    else
      _mm512_mask_storeu_pd(target, static_cast<__mmask8>((1u << count) - 1), v);
    return;
  }
#endif
#if defined(__AVX2__)
  if constexpr (sizeof(Vector) == 32) {
    if constexpr (sizeof(T) == 4) {
      const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      _mm256_maskstore_ps(target, mask, v);
    } else {
      const __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(count), _mm256_setr_epi64x(0, 1, 2, 3));
      _mm256_maskstore_pd(target, mask, v);
    }
    return;
  }
#endif
  T lanes[sizeof(Vector) / sizeof(T)];
  std::memcpy(lanes, &v, sizeof(Vector));
  for (int lane = 0; lane < count; ++lane) target[lane] = lanes[lane];
}

template <typename Vector, typename T>
inline Vector load_first_lanes(const T* source, int count) {
#if defined(__AVX512F__)
  if constexpr (sizeof(Vector) == 64) {
    if constexpr (sizeof(T) == 4)
      return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1), source);
    else
      return _mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << count) - 1), source);
  }
#endif
#if defined(__AVX2__)
  if constexpr (sizeof(Vector) == 32) {
    if constexpr (sizeof(T) == 4) {
      const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      return _mm256_maskload_ps(source, mask);
    } else {
      const __m256i mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(count), _mm256_setr_epi64x(0, 1, 2, 3));
      return _mm256_maskload_pd(source, mask);
    }
  }
#endif
  T lanes[sizeof(Vector) / sizeof(T)] = {};
  for (int lane = 0; lane < count; ++lane) lanes[lane] = source[lane];
  return load_vector<Vector>(lanes);
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

// out[k * Width + r] = source[r * ld + k] for r < Width, k < depth: Width rows of a row-major
// matrix interleaved k by k. This is packed A from op(A) = A and packed B from op(B) = B^T; with
// AVX the rows go through 8 x 8 (float) or 4 x 4 (double) register transposes, a scalar loop for
// what is left.
template <int Width, typename T>
void interleave_rows(T* out, const T* source, int64_t ld, int64_t depth) {
  int64_t k = 0;
#if defined(__AVX__)
  if constexpr (sizeof(T) == 4) {
    for (; k + 8 <= depth; k += 8) {
      int r = 0;
      for (; r + 8 <= Width; r += 8) {
        const float* s = source + r * ld + k;
        const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ld), r2 = _mm256_loadu_ps(s + 2 * ld),
                     r3 = _mm256_loadu_ps(s + 3 * ld), r4 = _mm256_loadu_ps(s + 4 * ld),
                     r5 = _mm256_loadu_ps(s + 5 * ld), r6 = _mm256_loadu_ps(s + 6 * ld),
                     r7 = _mm256_loadu_ps(s + 7 * ld);
        const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
        const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
        const __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
        const __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
        const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
        float* o = out + k * Width + r;
        _mm256_storeu_ps(o, _mm256_permute2f128_ps(u0, u4, 0x20));
        _mm256_storeu_ps(o + Width, _mm256_permute2f128_ps(u1, u5, 0x20));
        _mm256_storeu_ps(o + 2 * Width, _mm256_permute2f128_ps(u2, u6, 0x20));
        _mm256_storeu_ps(o + 3 * Width, _mm256_permute2f128_ps(u3, u7, 0x20));
        _mm256_storeu_ps(o + 4 * Width, _mm256_permute2f128_ps(u0, u4, 0x31));
        _mm256_storeu_ps(o + 5 * Width, _mm256_permute2f128_ps(u1, u5, 0x31));
        _mm256_storeu_ps(o + 6 * Width, _mm256_permute2f128_ps(u2, u6, 0x31));
        _mm256_storeu_ps(o + 7 * Width, _mm256_permute2f128_ps(u3, u7, 0x31));
      }
      for (; r + 4 <= Width; r += 4) {
        const float* s = source + r * ld + k;
        const __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ld), r2 = _mm256_loadu_ps(s + 2 * ld),
                     r3 = _mm256_loadu_ps(s + 3 * ld);
        const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
        const __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
        // Each holds two k's: k (low half) and k + 4 (high half).
        const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
        float* o = out + k * Width + r;
        _mm_storeu_ps(o, _mm256_castps256_ps128(u0));
        _mm_storeu_ps(o + Width, _mm256_castps256_ps128(u1));
        _mm_storeu_ps(o + 2 * Width, _mm256_castps256_ps128(u2));
        _mm_storeu_ps(o + 3 * Width, _mm256_castps256_ps128(u3));
        _mm_storeu_ps(o + 4 * Width, _mm256_extractf128_ps(u0, 1));
        _mm_storeu_ps(o + 5 * Width, _mm256_extractf128_ps(u1, 1));
        _mm_storeu_ps(o + 6 * Width, _mm256_extractf128_ps(u2, 1));
        _mm_storeu_ps(o + 7 * Width, _mm256_extractf128_ps(u3, 1));
      }
      for (; r < Width; ++r)
        for (int kk = 0; kk < 8; ++kk) out[(k + kk) * Width + r] = source[r * ld + k + kk];
    }
  } else {
    for (; k + 4 <= depth; k += 4) {
      int r = 0;
      for (; r + 4 <= Width; r += 4) {
        const double* s = source + r * ld + k;
        const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ld), r2 = _mm256_loadu_pd(s + 2 * ld),
                      r3 = _mm256_loadu_pd(s + 3 * ld);
        const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
        const __m256d t2 = _mm256_unpacklo_pd(r2, r3), t3 = _mm256_unpackhi_pd(r2, r3);
        double* o = out + k * Width + r;
        _mm256_storeu_pd(o, _mm256_permute2f128_pd(t0, t2, 0x20));
        _mm256_storeu_pd(o + Width, _mm256_permute2f128_pd(t1, t3, 0x20));
        _mm256_storeu_pd(o + 2 * Width, _mm256_permute2f128_pd(t0, t2, 0x31));
        _mm256_storeu_pd(o + 3 * Width, _mm256_permute2f128_pd(t1, t3, 0x31));
      }
      for (; r + 2 <= Width; r += 2) {
        const double* s = source + r * ld + k;
        const __m256d r0 = _mm256_loadu_pd(s), r1 = _mm256_loadu_pd(s + ld);
        const __m256d t0 = _mm256_unpacklo_pd(r0, r1), t1 = _mm256_unpackhi_pd(r0, r1);
        double* o = out + k * Width + r;
        _mm_storeu_pd(o, _mm256_castpd256_pd128(t0));
        _mm_storeu_pd(o + Width, _mm256_castpd256_pd128(t1));
        _mm_storeu_pd(o + 2 * Width, _mm256_extractf128_pd(t0, 1));
        _mm_storeu_pd(o + 3 * Width, _mm256_extractf128_pd(t1, 1));
      }
      for (; r < Width; ++r)
        for (int kk = 0; kk < 4; ++kk) out[(k + kk) * Width + r] = source[r * ld + k + kk];
    }
  }
#endif
  for (; k < depth; ++k) {
#pragma GCC unroll 16
    for (int r = 0; r < Width; ++r) out[k * Width + r] = source[r * ld + k];
  }
}

// Copies op(A)[m0:m0+rows, k0:k0+depth] into panels of MR rows, k-major inside a panel (row i
// of a panel at out[k * MR + i]). The last panel's missing rows are left alone: the micro-kernel
// for a short panel never reads them.
template <typename Config, typename T>
void pack_a(T* packed, const detail::GemmProblem<T>& p, int64_t m0, int64_t rows, int64_t k0, int64_t depth) {
  constexpr int MR = Config::MR;
  for (int64_t panel = 0; panel < rows; panel += MR) {
    const int64_t panel_rows = smaller(MR, rows - panel);
    T* out = packed + panel * depth;
    if (p.trans_a) {
      // op(A) rows are A's columns: each k holds MR adjacent elements of one row of A.
      const T* source = p.A + k0 * p.lda + m0 + panel;
      if (panel_rows == MR) {
        for (int64_t k = 0; k < depth; ++k) {
#pragma GCC unroll 16
          for (int i = 0; i < MR; ++i) out[k * MR + i] = source[k * p.lda + i];
        }
      } else {
        for (int64_t k = 0; k < depth; ++k)
          for (int64_t i = 0; i < panel_rows; ++i) out[k * MR + i] = source[k * p.lda + i];
      }
    } else {
      const T* source = p.A + (m0 + panel) * p.lda + k0;
      if (panel_rows == MR) {
        interleave_rows<MR>(out, source, p.lda, depth);
      } else {
        for (int64_t k = 0; k < depth; ++k)
          for (int64_t i = 0; i < panel_rows; ++i) out[k * MR + i] = source[i * p.lda + k];
      }
    }
  }
}

// Copies op(B)[k0:k0+depth, n0:n0+cols] into panels of NR columns, k-major inside a panel,
// zero-filling the last panel's missing columns: the micro-kernel loads whole vectors, and a
// stale denormal or NaN there would slow it down.
template <typename Config, typename T>
void pack_b(T* packed, const detail::GemmProblem<T>& p, int64_t k0, int64_t depth, int64_t n0, int64_t cols) {
  constexpr int NR = Config::NR;
  const int64_t full_panels = cols / NR;
  const int64_t tail = cols - full_panels * NR;
  if (!p.trans_b) {
    // Row by row of B, so the source streams in order: each row feeds every panel.
    for (int64_t k = 0; k < depth; ++k) {
      const T* row = p.B + (k0 + k) * p.ldb + n0;
      for (int64_t panel = 0; panel < full_panels; ++panel)
        std::memcpy(packed + panel * NR * depth + k * NR, row + panel * NR, NR * sizeof(T));
      if (tail > 0) {
        T* out = packed + full_panels * NR * depth + k * NR;
        for (int64_t j = 0; j < tail; ++j) out[j] = row[full_panels * NR + j];
        for (int64_t j = tail; j < NR; ++j) out[j] = T(0);
      }
    }
    return;
  }
  // op(B) columns are B's rows: gather NR rows side by side, k by k.
  for (int64_t panel = 0; panel < cols; panel += NR) {
    const int64_t panel_cols = smaller(NR, cols - panel);
    T* out = packed + panel * depth;
    const T* source = p.B + (n0 + panel) * p.ldb + k0;
    if (panel_cols == NR) {
      interleave_rows<NR>(out, source, p.ldb, depth);
    } else {
      for (int64_t k = 0; k < depth; ++k) {
        for (int64_t j = 0; j < panel_cols; ++j) out[k * NR + j] = source[j * p.ldb + k];
        for (int64_t j = panel_cols; j < NR; ++j) out[k * NR + j] = T(0);
      }
    }
  }
}

// One Rows x (Vectors vectors) tile of C from a packed A panel (depth x MR, the first Rows
// used) and B panel (depth x NR, the first Vectors vectors used). `cols` clips the tile's last
// vector at the right edge of C; beta == 0 never reads C. Each row count of an edge tile has its
// own instantiation, so a short panel costs only the multiply-adds it needs.
template <typename Config, int Rows, int Vectors, typename T>
void micro_kernel(int64_t depth, const T* __restrict packed_a, const T* __restrict packed_b, T* C, int64_t ldc,
                  int64_t cols, T alpha, T beta) {
  using Vector = typename Config::Vector;
  constexpr int MR = Config::MR;
  constexpr int NR = Config::NR;
  constexpr int kLanes = Config::kLanes;
  Vector acc[Rows][Vectors];
#pragma GCC unroll 16
  for (int i = 0; i < Rows; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < Vectors; ++v) acc[i][v] = Vector{};
  for (int64_t k = 0; k < depth; ++k) {
    Vector b[Vectors];
#pragma GCC unroll 4
    for (int v = 0; v < Vectors; ++v) b[v] = load_vector<Vector>(packed_b + v * kLanes);
#pragma GCC unroll 16
    for (int i = 0; i < Rows; ++i) {
      const Vector a = broadcast<Vector>(packed_a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < Vectors; ++v) acc[i][v] = multiply_add<T>(acc[i][v], a, b[v]);
    }
    packed_a += MR;
    packed_b += NR;
  }
  // Every loop over the accumulators is unrolled: an indexed access would keep them in memory.
  const Vector scale = broadcast<Vector>(alpha);
  const int last_lanes = static_cast<int>(cols - (Vectors - 1) * kLanes);  // 1..kLanes
  const bool clipped = last_lanes != kLanes;
  if (beta == T(0)) {
#pragma GCC unroll 16
    for (int i = 0; i < Rows; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < Vectors; ++v) {
        T* c = C + i * ldc + v * kLanes;
        if (v == Vectors - 1 && clipped)
          store_first_lanes(c, acc[i][v] * scale, last_lanes);
        else
          store_vector(c, acc[i][v] * scale);
      }
    return;
  }
  const Vector keep = broadcast<Vector>(beta);
#pragma GCC unroll 16
  for (int i = 0; i < Rows; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < Vectors; ++v) {
      T* c = C + i * ldc + v * kLanes;
      if (v == Vectors - 1 && clipped) {
        const Vector old = load_first_lanes<Vector>(c, last_lanes);
        store_first_lanes(c, multiply_add<T>(acc[i][v] * scale, old, keep), last_lanes);
      } else {
        store_vector(c, multiply_add<T>(acc[i][v] * scale, load_vector<Vector>(c), keep));
      }
    }
}

template <typename T>
using MicroKernel = void (*)(int64_t, const T*, const T*, T*, int64_t, int64_t, T, T);

// The instantiation for a tile of `rows` rows (1..MR) and `vectors` vectors (1..kVectors).
template <typename Config, typename T, int Vectors, int Rows = Config::MR>
MicroKernel<T> pick_rows(int64_t rows) {
  if constexpr (Rows == 1) {
    return &micro_kernel<Config, 1, Vectors, T>;
  } else {
    if (rows == Rows) return &micro_kernel<Config, Rows, Vectors, T>;
    return pick_rows<Config, T, Vectors, Rows - 1>(rows);
  }
}

template <typename Config, typename T, int Vectors = Config::kVectors>
MicroKernel<T> pick_micro_kernel(int64_t rows, int64_t vectors) {
  if constexpr (Vectors == 1) {
    return pick_rows<Config, T, 1>(rows);
  } else {
    if (vectors == Vectors) return pick_rows<Config, T, Vectors>(rows);
    return pick_micro_kernel<Config, T, Vectors - 1>(rows, vectors);
  }
}

template <typename Config, typename T>
void compute_block(const detail::GemmProblem<T>& p, int64_t m_begin, int64_t m_end, int64_t n_begin, int64_t n_end,
                   T* workspace) {
  constexpr int MR = Config::MR;
  constexpr int NR = Config::NR;
  constexpr int kLanes = Config::kLanes;
  T* packed_a = workspace;
  T* packed_b = workspace + Config::kPackedASize;
  const MicroKernel<T> full_tile = pick_micro_kernel<Config, T>(MR, Config::kVectors);
  // K blocks of equal depth (at most KC): no short last block that would pay a C update and a
  // call per tile for a few multiply-adds.
  const int64_t k_blocks = (p.K + Config::KC - 1) / Config::KC;
  const int64_t k_step = (p.K + k_blocks - 1) / k_blocks;
  for (int64_t jc = n_begin; jc < n_end; jc += Config::NC) {
    const int64_t cols = smaller(Config::NC, n_end - jc);
    for (int64_t pc = 0; pc < p.K; pc += k_step) {
      const int64_t depth = smaller(k_step, p.K - pc);
      pack_b<Config>(packed_b, p, pc, depth, jc, cols);
      // Later K blocks add onto what the first one wrote.
      const T beta = pc == 0 ? p.beta : T(1);
      for (int64_t ic = m_begin; ic < m_end; ic += Config::MC) {
        const int64_t rows = smaller(Config::MC, m_end - ic);
        check_interrupt_in_kernel();  // an MC x NC x KC block: milliseconds, so Ctrl-C stops a big GEMM
        pack_a<Config>(packed_a, p, ic, rows, pc, depth);
        for (int64_t jr = 0; jr < cols; jr += NR) {
          const int64_t tile_cols = smaller(NR, cols - jr);
          const int64_t vectors = (tile_cols + kLanes - 1) / kLanes;
          const T* b_panel = packed_b + jr * depth;
          T* c_column = p.C + jc + jr;
          for (int64_t ir = 0; ir < rows; ir += MR) {
            const int64_t tile_rows = smaller(MR, rows - ir);
            const MicroKernel<T> kernel =
                tile_rows == MR && tile_cols == NR ? full_tile : pick_micro_kernel<Config, T>(tile_rows, vectors);
            kernel(depth, packed_a + ir * depth, b_panel, c_column + (ic + ir) * p.ldc, p.ldc, tile_cols, p.alpha,
                   beta);
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

template <typename T, int VectorBytes, int RowsPerTile, int VectorsPerTile, int64_t DepthBlock, int64_t RowBlock,
          int64_t ColumnBlock>
detail::GemmVariant<T> make_gemm_variant() {
  using Config = GemmConfig<T, VectorBytes, RowsPerTile, VectorsPerTile, DepthBlock, RowBlock, ColumnBlock>;
  detail::GemmVariant<T> variant;
  variant.compute_block = &compute_block<Config, T>;
  variant.dot_products = &dot_products<Config, T>;
  variant.register_rows = Config::MR;
  variant.register_cols = Config::NR;
  variant.block_rows = Config::MC;
  variant.block_cols = Config::NC;
  variant.block_depth = Config::KC;
  variant.workspace_size = Config::kWorkspaceSize;
  return variant;
}

}  // namespace
}  // namespace striate::kernels::cpu
