// The Winograd passes of one block of tile rows, written once and compiled once per SIMD variant:
// each conv_winograd_<isa>.cpp includes this header under its own compiler flags.
//
// Layouts (lanes = the vector width L; channels are the vectorized dimension everywhere):
//   staged slab  [rows][width][L]      one channel block of a few image rows, channels last,
//                                      zero outside the image (padding is materialized here)
//   V            [xi][tile][ldv]       transformed input, xi = transform point (alpha^2 of them)
//   U            [xi][C][K_padded]     transformed weight
//   M            [xi][tile][K_padded]  the GEMM result V[xi] * U[xi], then output-transformed
//   dY           [xi][tile][K_padded]  transformed output gradient (weight gradient pass)
//   Z            [xi][K rows][C_padded] the weight gradient's sums of dY[xi]^T V[xi]
// so every transform works on whole vectors of channels, and each GEMM broadcasts one operand
// from rows we laid out ourselves and loads the other as vectors: nothing is packed.
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "kernels/cpu/conv_winograd_isa.h"

namespace striate::kernels::cpu::winograd {
// Internal linkage on purpose (as gemm_impl.h): every ISA file compiles these with its own
// flags, and a shared weak symbol could hand the AVX-512 copy to the generic path. For the same
// reason nothing here calls std:: templates.
namespace {

inline int64_t round_up(int64_t a, int64_t multiple) { return (a + multiple - 1) / multiple * multiple; }
inline int clamp_lane(int64_t x, int lanes) { return x < 0 ? 0 : (x > lanes ? lanes : static_cast<int>(x)); }

// ---- SIMD vocabulary -------------------------------------------------------------------------
// Simd<Bytes>: the vector type, loads and stores (part: lanes [lo, hi) only, the others read as
// zero / left untouched, never touching memory outside them), fma(a, b, c) = a * b + c, and the
// in-register transpose of L vectors of L lanes.
template <int Bytes>
struct Simd;

#if defined(__AVX512F__)
template <>
struct Simd<64> {
  using Vec = __m512;
  static constexpr int kLanes = 16;
  static constexpr int kRegisters = 32;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(float x) { return _mm512_set1_ps(x); }
  static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static __mmask16 mask(int lo, int hi) {
    if (hi <= lo) return 0;
    return static_cast<__mmask16>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
  }
  static Vec load_part(const float* p, int lo, int hi) { return _mm512_maskz_loadu_ps(mask(lo, hi), p); }
  static void store_part(float* p, Vec v, int lo, int hi) { _mm512_mask_storeu_ps(p, mask(lo, hi), v); }
  // v <= 0 ? 0 : v per lane: NaN kept, as the relu op.
  static Vec relu(Vec v) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LE_OQ), v, _mm512_setzero_ps());
  }
  static void transpose(Vec* r) {
    __m512 t[16];
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // u[4i + j], 128-bit lane L: column 4L + j of rows 4i .. 4i + 3.
    __m512 u[16];
    for (int i = 0; i < 4; ++i) {
      __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
      __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
      u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
      u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
      u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
      u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    for (int j = 0; j < 4; ++j) {
      __m512 low01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x44);
      __m512 high01 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xEE);
      __m512 low23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x44);
      __m512 high23 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xEE);
      r[j] = _mm512_shuffle_f32x4(low01, low23, 0x88);
      r[4 + j] = _mm512_shuffle_f32x4(low01, low23, 0xDD);
      r[8 + j] = _mm512_shuffle_f32x4(high01, high23, 0x88);
      r[12 + j] = _mm512_shuffle_f32x4(high01, high23, 0xDD);
    }
  }
};
#endif

#if defined(__AVX2__) && defined(__FMA__)
template <>
struct Simd<32> {
  using Vec = __m256;
  static constexpr int kLanes = 8;
  static constexpr int kRegisters = 16;
  static Vec zero() { return _mm256_setzero_ps(); }
  static Vec set1(float x) { return _mm256_set1_ps(x); }
  static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
  static Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  static __m256i mask(int lo, int hi) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i at_least_lo = _mm256_cmpgt_epi32(lane, _mm256_set1_epi32(lo - 1));
    __m256i below_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), lane);
    return _mm256_and_si256(at_least_lo, below_hi);
  }
  static Vec load_part(const float* p, int lo, int hi) { return _mm256_maskload_ps(p, mask(lo, hi)); }
  static void store_part(float* p, Vec v, int lo, int hi) { _mm256_maskstore_ps(p, mask(lo, hi), v); }
  // v <= 0 ? 0 : v per lane: NaN kept, as the relu op.
  static Vec relu(Vec v) {
    return _mm256_blendv_ps(v, _mm256_setzero_ps(), _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LE_OQ));
  }
  static void transpose(Vec* r) {
    __m256 t[8];
    for (int i = 0; i < 4; ++i) {
      t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    __m256 u[8];
    for (int i = 0; i < 2; ++i) {
      __m256d a = _mm256_castps_pd(t[4 * i]), b = _mm256_castps_pd(t[4 * i + 1]);
      __m256d c = _mm256_castps_pd(t[4 * i + 2]), d = _mm256_castps_pd(t[4 * i + 3]);
      u[4 * i] = _mm256_castpd_ps(_mm256_unpacklo_pd(a, c));
      u[4 * i + 1] = _mm256_castpd_ps(_mm256_unpackhi_pd(a, c));
      u[4 * i + 2] = _mm256_castpd_ps(_mm256_unpacklo_pd(b, d));
      u[4 * i + 3] = _mm256_castpd_ps(_mm256_unpackhi_pd(b, d));
    }
    for (int j = 0; j < 4; ++j) {
      r[j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x20);
      r[4 + j] = _mm256_permute2f128_ps(u[j], u[4 + j], 0x31);
    }
  }
};
#endif

// The portable variant: four lanes in GCC's vector extension, SSE2 where the baseline has it.
template <>
struct Simd<16> {
  typedef float Vec __attribute__((vector_size(16)));
  static constexpr int kLanes = 4;
  static constexpr int kRegisters = 16;
  static Vec zero() { return Vec{0.0f, 0.0f, 0.0f, 0.0f}; }
  static Vec set1(float x) { return Vec{x, x, x, x}; }
  static Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }
  static void store(float* p, Vec v) { std::memcpy(p, &v, sizeof(v)); }
  static Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
  static Vec load_part(const float* p, int lo, int hi) {
    Vec v = zero();
    for (int i = lo; i < hi; ++i) v[i] = p[i];
    return v;
  }
  static void store_part(float* p, Vec v, int lo, int hi) {
    for (int i = lo; i < hi; ++i) p[i] = v[i];
  }
  // v <= 0 ? 0 : v per lane: NaN kept, as the relu op.
  static Vec relu(Vec v) {
    for (int i = 0; i < 4; ++i) v[i] = v[i] <= 0.0f ? 0.0f : v[i];
    return v;
  }
  static void transpose(Vec* r) {
#if defined(__SSE2__)
    __m128 r0 = r[0], r1 = r[1], r2 = r[2], r3 = r[3];
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    r[0] = r0, r[1] = r1, r[2] = r2, r[3] = r3;
#else
    for (int i = 0; i < 4; ++i)
      for (int j = i + 1; j < 4; ++j) {
        float x = r[i][j];
        r[i][j] = r[j][i];
        r[j][i] = x;
      }
#endif
  }
};

// ---- the transforms (Lavin & Gray's matrices, points 0, +-1, +-2) -----------------------------
// One-dimensional: in[] and out[] are strided so one routine serves columns and rows.
template <class S, int M>
struct Transforms;

// F(4x4, 3x3): 6x6 tiles.
template <class S>
struct Transforms<S, 4> {
  using Vec = typename S::Vec;
  static constexpr int kAlpha = 6;
  // B^T d
  static void input(const Vec* d, int in_stride, Vec* out, int out_stride) {
    Vec d0 = d[0], d1 = d[in_stride], d2 = d[2 * in_stride], d3 = d[3 * in_stride], d4 = d[4 * in_stride],
        d5 = d[5 * in_stride];
    Vec four = S::set1(4.0f), minus_four = S::set1(-4.0f), minus_five = S::set1(-5.0f);
    Vec a = S::fma(minus_four, d2, d4);
    Vec b = S::fma(minus_four, d1, d3);
    Vec c = d4 - d2;
    Vec e = (d3 - d1) * S::set1(2.0f);
    out[0] = S::fma(minus_five, d2, S::fma(four, d0, d4));
    out[out_stride] = a + b;
    out[2 * out_stride] = a - b;
    out[3 * out_stride] = c + e;
    out[4 * out_stride] = c - e;
    out[5 * out_stride] = S::fma(minus_five, d3, S::fma(four, d1, d5));
  }
  // A^T m: 6 -> 4
  static void output(const Vec* m, int in_stride, Vec* out, int out_stride) {
    Vec m0 = m[0], m1 = m[in_stride], m2 = m[2 * in_stride], m3 = m[3 * in_stride], m4 = m[4 * in_stride],
        m5 = m[5 * in_stride];
    Vec a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4;
    out[0] = m0 + a + c;
    out[out_stride] = S::fma(S::set1(2.0f), d, b);
    out[2 * out_stride] = S::fma(S::set1(4.0f), c, a);
    out[3 * out_stride] = S::fma(S::set1(8.0f), d, b) + m5;
  }
  // G g: 3 -> 6
  static void weight(const Vec* g, int in_stride, Vec* out, int out_stride) {
    Vec g0 = g[0], g1 = g[in_stride], g2 = g[2 * in_stride];
    Vec sum02 = g0 + g2;
    Vec p = S::fma(S::set1(1.0f / 24.0f), g0, g2 * S::set1(1.0f / 6.0f));
    Vec q = g1 * S::set1(1.0f / 12.0f);
    out[0] = g0 * S::set1(0.25f);
    out[out_stride] = (sum02 + g1) * S::set1(-1.0f / 6.0f);
    out[2 * out_stride] = (sum02 - g1) * S::set1(-1.0f / 6.0f);
    out[3 * out_stride] = p + q;
    out[4 * out_stride] = p - q;
    out[5 * out_stride] = g2;
  }
  // A y: 4 -> 6 (an output-gradient tile into the transform domain)
  static void output_adjoint(const Vec* y, int in_stride, Vec* out, int out_stride) {
    Vec y0 = y[0], y1 = y[in_stride], y2 = y[2 * in_stride], y3 = y[3 * in_stride];
    Vec even = y0 + y2, odd = y1 + y3;
    Vec even4 = S::fma(S::set1(4.0f), y2, y0);
    Vec odd8 = S::fma(S::set1(8.0f), y3, y1 * S::set1(2.0f));
    out[0] = y0;
    out[out_stride] = even + odd;
    out[2 * out_stride] = even - odd;
    out[3 * out_stride] = even4 + odd8;
    out[4 * out_stride] = even4 - odd8;
    out[5 * out_stride] = y3;
  }
  // G^T z: 6 -> 3 (a weight gradient back from the transform domain)
  static void weight_adjoint(const Vec* z, int in_stride, Vec* out, int out_stride) {
    Vec z0 = z[0], z1 = z[in_stride], z2 = z[2 * in_stride], z3 = z[3 * in_stride], z4 = z[4 * in_stride],
        z5 = z[5 * in_stride];
    Vec sum12 = z1 + z2, sum34 = z3 + z4;
    Vec sixth = S::set1(1.0f / 6.0f);
    out[0] = S::fma(S::set1(0.25f), z0, S::fma(S::set1(1.0f / 24.0f), sum34, sum12 * S::set1(-1.0f / 6.0f)));
    out[out_stride] = S::fma(sixth, z2 - z1, (z3 - z4) * S::set1(1.0f / 12.0f));
    out[2 * out_stride] = S::fma(sixth, sum34 - sum12, z5);
  }
};

// F(2x2, 3x3): 4x4 tiles, fewer savings, smaller rounding error.
template <class S>
struct Transforms<S, 2> {
  using Vec = typename S::Vec;
  static constexpr int kAlpha = 4;
  static void input(const Vec* d, int in_stride, Vec* out, int out_stride) {
    Vec d0 = d[0], d1 = d[in_stride], d2 = d[2 * in_stride], d3 = d[3 * in_stride];
    out[0] = d0 - d2;
    out[out_stride] = d1 + d2;
    out[2 * out_stride] = d2 - d1;
    out[3 * out_stride] = d1 - d3;
  }
  static void output(const Vec* m, int in_stride, Vec* out, int out_stride) {
    Vec m1 = m[in_stride], m2 = m[2 * in_stride];
    out[0] = m[0] + m1 + m2;
    out[out_stride] = m1 - m2 - m[3 * in_stride];
  }
  static void weight(const Vec* g, int in_stride, Vec* out, int out_stride) {
    Vec g0 = g[0], g1 = g[in_stride], g2 = g[2 * in_stride];
    Vec half = S::set1(0.5f), sum02 = g0 + g2;
    out[0] = g0;
    out[out_stride] = (sum02 + g1) * half;
    out[2 * out_stride] = (sum02 - g1) * half;
    out[3 * out_stride] = g2;
  }
  static void output_adjoint(const Vec* y, int in_stride, Vec* out, int out_stride) {
    Vec y0 = y[0], y1 = y[in_stride];
    out[0] = y0;
    out[out_stride] = y0 + y1;
    out[2 * out_stride] = y0 - y1;
    out[3 * out_stride] = S::zero() - y1;
  }
  static void weight_adjoint(const Vec* z, int in_stride, Vec* out, int out_stride) {
    Vec z1 = z[in_stride], z2 = z[2 * in_stride];
    Vec half_sum = (z1 + z2) * S::set1(0.5f);
    out[0] = z[0] + half_sum;
    out[out_stride] = (z1 - z2) * S::set1(0.5f);
    out[2 * out_stride] = half_sum + z[3 * in_stride];
  }
};

// Applies a 1-D transform to the columns of a rows x cols block, then to the rows of the result:
// X (n x n) -> T X T^T for the n_out x n_in matrix T that `Apply` implements.
template <auto Apply, class Vec, int InEdge, int OutEdge>
inline void transform_2d(const Vec (&in)[InEdge][InEdge], Vec (&out)[OutEdge][OutEdge]) {
  Vec half_done[OutEdge][InEdge];
#pragma GCC unroll 8
  for (int j = 0; j < InEdge; ++j) Apply(&in[0][j], InEdge, &half_done[0][j], InEdge);
#pragma GCC unroll 8
  for (int i = 0; i < OutEdge; ++i) Apply(&half_done[i][0], 1, &out[i][0], 1);
}

// ---- staging: NCHW planes <-> channels-last slabs ---------------------------------------------

// slab[j][x][lane] = planes[lane][y0 + j][x0 + x] for x in [0, width): 0 outside the image and
// in the lanes past `channels`. Rows of the slab are `stride` columns apart.
template <class S>
void stage_rows(float* slab, int64_t stride, int64_t width, int rows, const float* planes, int64_t plane_size,
                int channels, int64_t H, int64_t W, int64_t y0, int64_t x0) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  // The columns that hold image data; the padding around them is written as zeros directly.
  const int64_t first = -x0 < 0 ? 0 : (-x0 > width ? width : -x0);
  const int64_t last = W - x0 < first ? first : (W - x0 > width ? width : W - x0);
  for (int j = 0; j < rows; ++j) {
    float* out = slab + j * stride * L;
    const int64_t y = y0 + j;
    if (y < 0 || y >= H) {
      for (int64_t i = 0; i < width; ++i) S::store(out + i * L, S::zero());
      continue;
    }
    for (int64_t i = 0; i < first; ++i) S::store(out + i * L, S::zero());
    for (int64_t i = last; i < width; ++i) S::store(out + i * L, S::zero());
    for (int64_t x = first; x < last; x += L) {
      const float* source = planes + y * W + (x0 + x);
      Vec r[L];
      if (x + L <= last) {
#pragma GCC unroll 16
        for (int c = 0; c < L; ++c) r[c] = c < channels ? S::load(source + c * plane_size) : S::zero();
        S::transpose(r);
#pragma GCC unroll 16
        for (int i = 0; i < L; ++i) S::store(out + (x + i) * L, r[i]);
      } else {
        const int count = static_cast<int>(last - x);
#pragma GCC unroll 16
        for (int c = 0; c < L; ++c) r[c] = c < channels ? S::load_part(source + c * plane_size, 0, count) : S::zero();
        S::transpose(r);
#pragma GCC unroll 16
        for (int i = 0; i < L; ++i)
          if (i < count) S::store(out + (x + i) * L, r[i]);
      }
    }
  }
}

// planes[lane][p0 + i][q] = slab[i][q][lane] for lanes < channels, rows p0 + i < P, q < Q; slab
// rows are `stride` columns apart, stride >= Q rounded up to L.
// With `residual` (planes of the same layout as `planes`), residual is added to each value, and
// with `relu` max(0, .) (NaN kept) applied after: a residual block's tail in the writing pass, with
// the rounding of the separate add and relu ops.
template <class S>
void unstage_rows(float* planes, int64_t plane_size, int channels, int64_t P, int64_t Q, int64_t p0, int rows,
                  const float* slab, int64_t stride, const float* residual = nullptr, bool relu = false) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  for (int i = 0; i < rows && p0 + i < P; ++i) {
    const float* in = slab + i * stride * L;
    for (int64_t q = 0; q < Q; q += L) {
      Vec r[L];
#pragma GCC unroll 16
      for (int l = 0; l < L; ++l) r[l] = S::load(in + (q + l) * L);
      S::transpose(r);
      float* out = planes + (p0 + i) * Q + q;
      const float* skip = residual ? residual + (p0 + i) * Q + q : nullptr;
      if (q + L <= Q) {
#pragma GCC unroll 16
        for (int c = 0; c < L; ++c) {
          if (c >= channels) continue;
          if (skip) r[c] = r[c] + S::load(skip + c * plane_size);
          if (relu) r[c] = S::relu(r[c]);
          S::store(out + c * plane_size, r[c]);
        }
      } else {
        const int count = static_cast<int>(Q - q);
#pragma GCC unroll 16
        for (int c = 0; c < L; ++c) {
          if (c >= channels) continue;
          if (skip) r[c] = r[c] + S::load_part(skip + c * plane_size, 0, count);
          if (relu) r[c] = S::relu(r[c]);
          S::store_part(out + c * plane_size, r[c], 0, count);
        }
      }
    }
  }
}

// ---- the GEMMs ---------------------------------------------------------------------------------

// c (MR x NV vectors) = a (MR x depth, rows lda apart, broadcast) * b (depth x NV vectors).
template <class S, int MR, int NV>
inline void multiply_tile(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* c,
                          int64_t ldc) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  Vec acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = S::zero();
  for (int64_t p = 0; p < depth; ++p) {
    Vec bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = S::load(b + p * ldb + j * L);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      Vec av = S::set1(a[i * lda + p]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = S::fma(av, bv[j], acc[i][j]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) S::store(c + i * ldc + j * L, acc[i][j]);
}

// The register tile's rows for NV vectors of columns: as many accumulators as the register file
// holds beside the loaded row of b, in multiples of 6 (block tiles are padded to 6).
template <class S, int NV>
constexpr int forward_tile_rows() {
  if (S::kRegisters >= 32) return NV <= 2 ? 12 : 6;
  return NV == 1 ? 12 : 6;
}

template <class S, int NV>
void multiply_columns(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* c, int64_t ldc,
                      int64_t rows) {
  constexpr int MR = forward_tile_rows<S, NV>();
  int64_t i = 0;
  for (; i + MR <= rows; i += MR) multiply_tile<S, MR, NV>(a + i * lda, lda, b, ldb, depth, c + i * ldc, ldc);
  for (; i < rows; i += 6) multiply_tile<S, 6, NV>(a + i * lda, lda, b, ldb, depth, c + i * ldc, ldc);
}

// c (rows x columns) = a (rows x depth) * b (depth x columns); rows a multiple of 6, columns of L.
template <class S>
void multiply(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* c, int64_t ldc,
              int64_t rows, int64_t columns) {
  constexpr int L = S::kLanes;
  constexpr int kMaxVectors = S::kRegisters >= 32 ? 4 : 2;
  int64_t vectors = columns / L;
  for (int64_t v = 0; v < vectors;) {
    int64_t left = vectors - v;
    // Even chunks: 5 vectors go as 3 + 2, not 4 + 1.
    int64_t chunks = (left + kMaxVectors - 1) / kMaxVectors;
    int64_t take = (left + chunks - 1) / chunks;
    const float* bv = b + v * L;
    float* cv = c + v * L;
    switch (take) {
      case 1: multiply_columns<S, 1>(a, lda, bv, ldb, depth, cv, ldc, rows); break;
      case 2: multiply_columns<S, 2>(a, lda, bv, ldb, depth, cv, ldc, rows); break;
      case 3:
        if constexpr (kMaxVectors >= 3) multiply_columns<S, 3>(a, lda, bv, ldb, depth, cv, ldc, rows);
        break;
      default:
        if constexpr (kMaxVectors >= 4) multiply_columns<S, 4>(a, lda, bv, ldb, depth, cv, ldc, rows);
        break;
    }
    v += take;
  }
}

// z (MR x NV vectors) += sum over p of a[p][0 .. MR) (broadcast) times b[p] (NV vectors): the
// weight gradient's outer products, summed over the tiles of a block.
template <class S, int MR, int NV>
inline void accumulate_tile(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* z,
                            int64_t ldz) {
  using Vec = typename S::Vec;
  constexpr int L = S::kLanes;
  Vec acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) acc[i][j] = S::load(z + i * ldz + j * L);
  for (int64_t p = 0; p < depth; ++p) {
    Vec bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = S::load(b + p * ldb + j * L);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      Vec av = S::set1(a[p * lda + i]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) acc[i][j] = S::fma(av, bv[j], acc[i][j]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) S::store(z + i * ldz + j * L, acc[i][j]);
}

// The weight gradient's register tile: rows (output channels) per tile and the most column vectors.
template <class S>
constexpr int gradient_tile_rows() {
  return S::kRegisters >= 32 ? 8 : 4;
}

template <class S, int NV>
void accumulate_columns(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* z, int64_t ldz,
                        int64_t rows) {
  constexpr int MR = gradient_tile_rows<S>();
  for (int64_t i = 0; i < rows; i += MR) accumulate_tile<S, MR, NV>(a + i, lda, b, ldb, depth, z + i * ldz, ldz);
}

// z (rows x columns) += a^T b for a (depth x rows) and b (depth x columns); rows a multiple of
// gradient_tile_rows, columns of L.
template <class S>
void accumulate(const float* a, int64_t lda, const float* b, int64_t ldb, int64_t depth, float* z, int64_t ldz,
                int64_t rows, int64_t columns) {
  constexpr int L = S::kLanes;
  constexpr int kMaxVectors = S::kRegisters >= 32 ? 3 : 2;
  int64_t vectors = columns / L;
  for (int64_t v = 0; v < vectors;) {
    int64_t left = vectors - v;
    int64_t chunks = (left + kMaxVectors - 1) / kMaxVectors;
    int64_t take = (left + chunks - 1) / chunks;
    switch (take) {
      case 1: accumulate_columns<S, 1>(a, lda, b + v * L, ldb, depth, z + v * L, ldz, rows); break;
      case 2: accumulate_columns<S, 2>(a, lda, b + v * L, ldb, depth, z + v * L, ldz, rows); break;
      default:
        if constexpr (kMaxVectors >= 3) accumulate_columns<S, 3>(a, lda, b + v * L, ldb, depth, z + v * L, ldz, rows);
        break;
    }
    v += take;
  }
}

// ---- one block, every pass ---------------------------------------------------------------------

// Carves one thread's workspace into the buffers of a block (offsets in floats, 64-byte aligned).
struct BlockBuffers {
  int64_t slab, transformed_input, products, output_slab, total;
};

inline int64_t aligned_floats(int64_t n) { return round_up(n, 16); }

inline int64_t input_slab_width(const detail::Plan& plan) { return round_up(plan.tiles_w * plan.m + 2, plan.lanes); }
inline int64_t output_slab_width(const detail::Plan& plan) { return round_up(plan.tiles_w * plan.m, plan.lanes); }

// Forward: input slab, V [xi][tile][C], M [xi][tile][K_padded], output slab. The gradient pass
// uses the same four: input slab, V [xi][tile][C_padded], dY [xi][tile][K_padded], and the slab
// of output-gradient rows.
inline BlockBuffers block_buffers(const detail::Plan& plan, bool gradient) {
  const int64_t xis = int64_t(plan.alpha) * plan.alpha;
  BlockBuffers b;
  b.slab = 0;
  b.transformed_input = aligned_floats(plan.alpha * input_slab_width(plan) * plan.lanes);
  const int64_t ldv = gradient ? plan.C_padded : plan.C;
  b.products = b.transformed_input + aligned_floats(xis * plan.tile_capacity * ldv);
  b.output_slab = b.products + aligned_floats(xis * plan.tile_capacity * plan.K_padded);
  b.total = b.output_slab + aligned_floats(plan.m * output_slab_width(plan) * plan.lanes);
  return b;
}

// Writes the input transforms of tile rows [row_begin, row_end) into V (tile i of the block at
// row i, rows ldv apart, xi planes xi_stride apart), one channel block at a time. The staged
// slab is a ring of alpha image rows: consecutive tile rows of a sample share alpha - m rows,
// which are staged once.
template <class S, int M>
void transform_input_rows(float* V, int64_t ldv, int64_t xi_stride, const float* input, const detail::Plan& plan,
                          int64_t row_begin, int64_t row_end, float* slab) {
  using Vec = typename S::Vec;
  using T = Transforms<S, M>;
  constexpr int L = S::kLanes;
  constexpr int A = T::kAlpha;
  const int64_t width = input_slab_width(plan);
  const int64_t plane = plan.H * plan.W;
  auto slot = [&](int64_t y) { return slab + ((y % A + A) % A) * width * L; };
  for (int64_t c0 = 0; c0 < plan.C; c0 += L) {
    const int channels = static_cast<int>(plan.C - c0 < L ? plan.C - c0 : L);
    // V is dense in channels for the forward GEMM: a partial block must not spill into the next tile.
    const int store_lanes = static_cast<int>(ldv - c0 < L ? ldv - c0 : L);
    int64_t staged_sample = -1, staged_end = 0;
    for (int64_t r = row_begin; r < row_end; ++r) {
      const int64_t n = r / plan.tiles_h, ty = r % plan.tiles_h;
      const int64_t y0 = ty * M - plan.pad_top;
      const int64_t from = n == staged_sample && staged_end > y0 ? staged_end : y0;
      for (int64_t y = from; y < y0 + A; ++y)
        stage_rows<S>(slot(y), width, plan.tiles_w * M + 2, 1, input + (n * plan.C + c0) * plane, plane, channels,
                      plan.H, plan.W, y, -plan.pad_left);
      staged_sample = n;
      staged_end = y0 + A;
      const float* rows[A];
      for (int i = 0; i < A; ++i) rows[i] = slot(y0 + i);
      const int64_t first_tile = (r - row_begin) * plan.tiles_w;
      for (int64_t tx = 0; tx < plan.tiles_w; ++tx) {
        Vec d[A][A], v[A][A];
#pragma GCC unroll 8
        for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
          for (int j = 0; j < A; ++j) d[i][j] = S::load(rows[i] + (tx * M + j) * L);
        transform_2d<&T::input>(d, v);
        float* out = V + (first_tile + tx) * ldv + c0;
        if (store_lanes == L) {
#pragma GCC unroll 8
          for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
            for (int j = 0; j < A; ++j) S::store(out + (i * A + j) * xi_stride, v[i][j]);
        } else {
          for (int i = 0; i < A; ++i)
            for (int j = 0; j < A; ++j) S::store_part(out + (i * A + j) * xi_stride, v[i][j], 0, store_lanes);
        }
      }
    }
  }
}

template <class S, int M>
void forward_block(float* output, const float* input, const float* U, const float* bias, const detail::Plan& plan,
                   int64_t row_begin, int64_t row_end, float* workspace) {
  using Vec = typename S::Vec;
  using T = Transforms<S, M>;
  constexpr int L = S::kLanes;
  constexpr int A = T::kAlpha;
  const BlockBuffers buffers = block_buffers(plan, false);
  float* slab = workspace + buffers.slab;
  float* V = workspace + buffers.transformed_input;
  float* products = workspace + buffers.products;
  float* output_slab = workspace + buffers.output_slab;
  const int64_t Kp = plan.K_padded, cap = plan.tile_capacity;
  const int64_t tiles = (row_end - row_begin) * plan.tiles_w;
  const int64_t rows = round_up(tiles, 6);

  transform_input_rows<S, M>(V, plan.C, cap * plan.C, input, plan, row_begin, row_end, slab);
  // The GEMM runs whole register tiles: the padding tiles read zeros.
  for (int xi = 0; xi < A * A; ++xi)
    for (int64_t i = tiles * plan.C; i < rows * plan.C; ++i) V[xi * cap * plan.C + i] = 0.0f;

  for (int xi = 0; xi < A * A; ++xi)
    multiply<S>(V + xi * cap * plan.C, plan.C, U + xi * plan.C * Kp, Kp, plan.C, products + xi * cap * Kp, Kp, rows,
                Kp);

  const int64_t width = output_slab_width(plan);
  const int64_t plane = plan.P * plan.Q;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t n = r / plan.tiles_h, ty = r % plan.tiles_h;
    const int64_t first_tile = (r - row_begin) * plan.tiles_w;
    for (int64_t k0 = 0; k0 < plan.K; k0 += L) {
      const int channels = static_cast<int>(plan.K - k0 < L ? plan.K - k0 : L);
      const Vec b = bias ? S::load_part(bias + k0, 0, channels) : S::zero();
      for (int64_t tx = 0; tx < plan.tiles_w; ++tx) {
        Vec m[A][A], y[M][M];
        const float* in = products + (first_tile + tx) * Kp + k0;
#pragma GCC unroll 8
        for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
          for (int j = 0; j < A; ++j) m[i][j] = S::load(in + (i * A + j) * cap * Kp);
        transform_2d<&T::output>(m, y);
#pragma GCC unroll 4
        for (int i = 0; i < M; ++i)
#pragma GCC unroll 4
          for (int j = 0; j < M; ++j) S::store(output_slab + (i * width + tx * M + j) * L, y[i][j] + b);
      }
      unstage_rows<S>(output + (n * plan.K + k0) * plane, plane, channels, plan.P, plan.Q, ty * M, M, output_slab,
                      width, plan.residual ? plan.residual + (n * plan.K + k0) * plane : nullptr, plan.relu);
    }
  }
}

// The weight-gradient pass: transforms input tiles (B^T d B) and output-gradient tiles (A dy A^T)
// and adds, for every transform point, dY[xi]^T V[xi] into accumulator [xi][K rows][C_padded],
// and the output gradient's sum into bias_sums (K doubles, when not null).
template <class S, int M>
void weight_grad_block(float* accumulator, double* bias_sums, const float* doutput, const float* input,
                       const detail::Plan& plan, int64_t row_begin, int64_t row_end, float* workspace) {
  using Vec = typename S::Vec;
  using T = Transforms<S, M>;
  constexpr int L = S::kLanes;
  constexpr int A = T::kAlpha;
  const BlockBuffers buffers = block_buffers(plan, true);
  float* slab = workspace + buffers.slab;
  float* V = workspace + buffers.transformed_input;
  float* dY = workspace + buffers.products;
  float* dy_slab = workspace + buffers.output_slab;
  const int64_t Cp = plan.C_padded, Kp = plan.K_padded, cap = plan.tile_capacity;
  const int64_t width = output_slab_width(plan);
  const int64_t plane = plan.P * plan.Q;
  const int64_t tiles = (row_end - row_begin) * plan.tiles_w;

  transform_input_rows<S, M>(V, Cp, cap * Cp, input, plan, row_begin, row_end, slab);
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int64_t n = r / plan.tiles_h, ty = r % plan.tiles_h;
    const int64_t first_tile = (r - row_begin) * plan.tiles_w;
    for (int64_t k0 = 0; k0 < plan.K; k0 += L) {
      const int channels = static_cast<int>(plan.K - k0 < L ? plan.K - k0 : L);
      stage_rows<S>(dy_slab, width, plan.tiles_w * M, M, doutput + (n * plan.K + k0) * plane, plane, channels, plan.P,
                    plan.Q, ty * M, 0);
      for (int64_t tx = 0; tx < plan.tiles_w; ++tx) {
        Vec y[M][M], z[A][A];
#pragma GCC unroll 4
        for (int i = 0; i < M; ++i)
#pragma GCC unroll 4
          for (int j = 0; j < M; ++j) y[i][j] = S::load(dy_slab + (i * width + tx * M + j) * L);
        transform_2d<&T::output_adjoint>(y, z);
        float* out = dY + (first_tile + tx) * Kp + k0;
#pragma GCC unroll 8
        for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
          for (int j = 0; j < A; ++j) S::store(out + (i * A + j) * cap * Kp, z[i][j]);
      }
    }
  }
  // Transform point (1, 1) of A dy A^T is the tile's sum: row 1 of A^T is all ones.
  if (bias_sums) {
    const float* tile_sums = dY + (A + 1) * cap * Kp;
    for (int64_t t = 0; t < tiles; ++t)
      for (int64_t k = 0; k < plan.K; ++k) bias_sums[k] += tile_sums[t * Kp + k];
  }
  const int64_t k_rows = round_up(plan.K, gradient_tile_rows<S>());
  for (int xi = 0; xi < A * A; ++xi)
    accumulate<S>(dY + xi * cap * Kp, Kp, V + xi * cap * Cp, Cp, tiles, accumulator + xi * k_rows * Cp, Cp, k_rows, Cp);
}

template <class S, int M>
void weight_grad_finish(float* dweight, const float* accumulator, const detail::Plan& plan, int64_t k_begin,
                        int64_t k_end) {
  using Vec = typename S::Vec;
  using T = Transforms<S, M>;
  constexpr int L = S::kLanes;
  constexpr int A = T::kAlpha;
  const int64_t Cp = plan.C_padded;
  const int64_t xi_stride = round_up(plan.K, gradient_tile_rows<S>()) * Cp;
  for (int64_t k = k_begin; k < k_end; ++k) {
    for (int64_t c0 = 0; c0 < plan.C; c0 += L) {
      Vec z[A][A], w[3][3];
#pragma GCC unroll 8
      for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) z[i][j] = S::load(accumulator + (i * A + j) * xi_stride + k * Cp + c0);
      transform_2d<&T::weight_adjoint>(z, w);
      alignas(64) float lanes[9][L];
      for (int rs = 0; rs < 9; ++rs) S::store(lanes[rs], w[rs / 3][rs % 3]);
      const int64_t channels = plan.C - c0 < L ? plan.C - c0 : L;
      for (int64_t c = 0; c < channels; ++c)
        for (int rs = 0; rs < 9; ++rs) dweight[(k * plan.C + c0 + c) * 9 + rs] = lanes[rs][c];
    }
  }
}

template <class S, int M>
void transform_weights(float* U, const float* weight, const detail::Plan& plan, int64_t c_begin, int64_t c_end) {
  using Vec = typename S::Vec;
  using T = Transforms<S, M>;
  constexpr int L = S::kLanes;
  constexpr int A = T::kAlpha;
  const int64_t Kp = plan.K_padded;
  for (int64_t c = c_begin; c < c_end; ++c) {
    for (int64_t k0 = 0; k0 < Kp; k0 += L) {
      alignas(64) float lanes[9][L];
      for (int l = 0; l < L; ++l) {
        const int64_t k = k0 + l;
        for (int rs = 0; rs < 9; ++rs) {
          float value = 0.0f;
          if (k < plan.K)
            value = plan.transposed_weight ? weight[(c * plan.K + k) * 9 + 8 - rs] : weight[(k * plan.C + c) * 9 + rs];
          lanes[rs][l] = value;
        }
      }
      Vec g[3][3], u[A][A];
      for (int rs = 0; rs < 9; ++rs) g[rs / 3][rs % 3] = S::load(lanes[rs]);
      transform_2d<&T::weight>(g, u);
#pragma GCC unroll 8
      for (int i = 0; i < A; ++i)
#pragma GCC unroll 8
        for (int j = 0; j < A; ++j) S::store(U + ((i * A + j) * plan.C + c) * Kp + k0, u[i][j]);
    }
  }
}

// ---- the variant's table ----------------------------------------------------------------------

template <class S>
int64_t forward_workspace(const detail::Plan& plan) {
  return block_buffers(plan, false).total;
}
template <class S>
int64_t weight_grad_workspace(const detail::Plan& plan) {
  return block_buffers(plan, true).total;
}
template <class S>
int64_t weight_grad_accumulator(const detail::Plan& plan) {
  return int64_t(plan.alpha) * plan.alpha * round_up(plan.K, gradient_tile_rows<S>()) * plan.C_padded;
}

template <class S>
void dispatch_forward_block(float* output, const float* input, const float* U, const float* bias,
                            const detail::Plan& plan, int64_t row_begin, int64_t row_end, float* workspace) {
  if (plan.m == 4)
    forward_block<S, 4>(output, input, U, bias, plan, row_begin, row_end, workspace);
  else
    forward_block<S, 2>(output, input, U, bias, plan, row_begin, row_end, workspace);
}

template <class S>
void dispatch_weight_grad_block(float* accumulator, double* bias_sums, const float* doutput, const float* input,
                                const detail::Plan& plan, int64_t row_begin, int64_t row_end, float* workspace) {
  if (plan.m == 4)
    weight_grad_block<S, 4>(accumulator, bias_sums, doutput, input, plan, row_begin, row_end, workspace);
  else
    weight_grad_block<S, 2>(accumulator, bias_sums, doutput, input, plan, row_begin, row_end, workspace);
}

template <class S>
void dispatch_weight_grad_finish(float* dweight, const float* accumulator, const detail::Plan& plan, int64_t k_begin,
                                 int64_t k_end) {
  if (plan.m == 4)
    weight_grad_finish<S, 4>(dweight, accumulator, plan, k_begin, k_end);
  else
    weight_grad_finish<S, 2>(dweight, accumulator, plan, k_begin, k_end);
}

template <class S>
void dispatch_transform_weights(float* U, const float* weight, const detail::Plan& plan, int64_t c_begin,
                                int64_t c_end) {
  if (plan.m == 4)
    transform_weights<S, 4>(U, weight, plan, c_begin, c_end);
  else
    transform_weights<S, 2>(U, weight, plan, c_begin, c_end);
}

template <class S>
detail::Variant make_variant() {
  detail::Variant v;
  v.lanes = S::kLanes;
  v.forward_workspace = &forward_workspace<S>;
  v.weight_grad_workspace = &weight_grad_workspace<S>;
  v.weight_grad_accumulator = &weight_grad_accumulator<S>;
  v.transform_weights = &dispatch_transform_weights<S>;
  v.forward_block = &dispatch_forward_block<S>;
  v.weight_grad_block = &dispatch_weight_grad_block<S>;
  v.weight_grad_finish = &dispatch_weight_grad_finish<S>;
  return v;
}

}  // namespace
}  // namespace striate::kernels::cpu::winograd
