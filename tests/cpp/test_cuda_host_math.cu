// The host-checkable parts of the CUDA backend, run on the host: no GPU needed. The unfolding
// (kernels/cuda/im2col.cuh): im2col_element against a naive convolution and col2im_element as its
// exact adjoint (<im2col(x), dcol> == <x, col2im(dcol)>), over 2-D and 3-D geometries with stride,
// padding and dilation. The GEMM (kernels/cuda/gemm.cuh): our row-major products as the column-major
// BLAS calls cuBLAS receives, run by a column-major reference, against a naive row-major product.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/im2col.cuh"

using striate::kernels::cuda::col2im_element;
using striate::kernels::cuda::ColumnGeometry;
using striate::kernels::cuda::im2col_element;

namespace {

int failures = 0;

void check(bool ok, const char* what, int index) {
  if (!ok) {
    std::printf("FAIL case %d: %s\n", index, what);
    ++failures;
  }
}

int64_t out_extent(int64_t in, int64_t taps, int64_t stride, int64_t pad_before, int64_t pad_after, int64_t dilation) {
  return (in + pad_before + pad_after - dilation * (taps - 1) - 1) / stride + 1;
}

// {C, D, H, W, U, R, S, strides (3), pads before (3), pads after (3), dilations (3)}
struct Case {
  int64_t C, D, H, W, U, R, S;
  int64_t sd, sh, sw, pd, ph, pw, ad, ah, aw, dd, dh, dw;
};

ColumnGeometry geometry_of(const Case& c) {
  ColumnGeometry g{};
  g.C = c.C, g.D = c.D, g.H = c.H, g.W = c.W, g.U = c.U, g.R = c.R, g.S = c.S;
  g.O = out_extent(c.D, c.U, c.sd, c.pd, c.ad, c.dd);
  g.P = out_extent(c.H, c.R, c.sh, c.ph, c.ah, c.dh);
  g.Q = out_extent(c.W, c.S, c.sw, c.pw, c.aw, c.dw);
  g.stride_d = c.sd, g.stride_h = c.sh, g.stride_w = c.sw;
  g.pad_front = c.pd, g.pad_top = c.ph, g.pad_left = c.pw;
  g.dilation_d = c.dd, g.dilation_h = c.dh, g.dilation_w = c.dw;
  return g;
}

// The input value under output (o, p, q) and tap (c, u, r, s), straight from the definition.
double naive_tap(const std::vector<double>& x, const ColumnGeometry& g, int64_t c, int64_t u, int64_t r, int64_t s,
                 int64_t o, int64_t p, int64_t q) {
  const int64_t z = o * g.stride_d - g.pad_front + u * g.dilation_d;
  const int64_t y = p * g.stride_h - g.pad_top + r * g.dilation_h;
  const int64_t w = q * g.stride_w - g.pad_left + s * g.dilation_w;
  if (z < 0 || z >= g.D || y < 0 || y >= g.H || w < 0 || w >= g.W) return 0.0;
  return x[((c * g.D + z) * g.H + y) * g.W + w];
}

void run(const Case& c, int index, std::mt19937& rng) {
  const ColumnGeometry g = geometry_of(c);
  std::normal_distribution<double> normal;
  std::vector<double> x(g.C * g.D * g.H * g.W);
  for (double& v : x) v = normal(rng);
  const int64_t rows = g.C * g.U * g.R * g.S, OPQ = g.O * g.P * g.Q;
  std::vector<double> col(rows * OPQ), dcol(rows * OPQ);
  for (int64_t i = 0; i < rows * OPQ; ++i) col[i] = im2col_element(x.data(), g, i);
  for (double& v : dcol) v = normal(rng);
  // im2col against the definition, entry by entry.
  bool same = true;
  for (int64_t ch = 0; ch < g.C; ++ch)
    for (int64_t u = 0; u < g.U; ++u)
      for (int64_t r = 0; r < g.R; ++r)
        for (int64_t s = 0; s < g.S; ++s)
          for (int64_t o = 0; o < g.O; ++o)
            for (int64_t p = 0; p < g.P; ++p)
              for (int64_t q = 0; q < g.Q; ++q) {
                const int64_t row = ((ch * g.U + u) * g.R + r) * g.S + s;
                same = same && col[row * OPQ + (o * g.P + p) * g.Q + q] == naive_tap(x, g, ch, u, r, s, o, p, q);
              }
  check(same, "im2col_element differs from the definition", index);
  // col2im is the adjoint of im2col.
  double lhs = 0.0, rhs = 0.0;
  for (int64_t i = 0; i < rows * OPQ; ++i) lhs += col[i] * dcol[i];
  for (int64_t i = 0; i < static_cast<int64_t>(x.size()); ++i) rhs += x[i] * col2im_element(dcol.data(), g, i);
  check(std::fabs(lhs - rhs) <= 1e-9 * (1.0 + std::fabs(lhs)), "col2im_element is not the adjoint of im2col", index);
}

// A column-major BLAS gemm, as cuBLAS defines it (op 0 = N, 1 = T), alpha = 1, beta = 0.
void column_major_gemm(int op_first, int op_second, int m, int n, int k, const double* first, int ld_first,
                       const double* second, int ld_second, double* C, int ldc) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double sum = 0.0;
      for (int l = 0; l < k; ++l) {
        const double x = op_first ? first[l + i * ld_first] : first[i + l * ld_first];
        const double y = op_second ? second[j + l * ld_second] : second[l + j * ld_second];
        sum += x * y;
      }
      C[i + j * ldc] = sum;
    }
}

void run_gemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, int64_t pad, int index, std::mt19937& rng) {
  using striate::kernels::cuda::as_column_major;
  using striate::kernels::cuda::cublas_accepts;
  std::normal_distribution<double> normal;
  // Row-major storage with padded rows: A is (M, K) or, transposed, (K, M); B is (K, N) or (N, K).
  const int64_t lda = (trans_a ? M : K) + pad, ldb = (trans_b ? K : N) + pad, ldc = N + pad;
  std::vector<double> A((trans_a ? K : M) * lda), B((trans_b ? N : K) * ldb), C(M * ldc, -7.0);
  for (double& v : A) v = normal(rng);
  for (double& v : B) v = normal(rng);
  check(cublas_accepts(trans_a, trans_b, M, N, K, lda, ldb, ldc), "cublas_accepts refuses a valid layout", index);
  as_column_major<double>(column_major_gemm, trans_a, trans_b, M, N, K, A.data(), lda, B.data(), ldb, C.data(), ldc);
  bool same = true;
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double sum = 0.0;
      for (int64_t l = 0; l < K; ++l)
        sum += (trans_a ? A[l * lda + i] : A[i * lda + l]) * (trans_b ? B[j * ldb + l] : B[l * ldb + j]);
      same = same && std::fabs(C[i * ldc + j] - sum) <= 1e-12 * (1.0 + std::fabs(sum));
    }
  check(same, "as_column_major does not compute the row-major product", index);
}

}  // namespace

int main() {
  std::mt19937 rng(1234);
  const Case cases[] = {
      // 2-D (D = U = 1): plain, padded, strided, dilated, stride > kernel, padding >= kernel, 1x1
      {3, 1, 7, 9, 1, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1},
      {2, 1, 8, 6, 1, 3, 2, 1, 2, 1, 0, 1, 2, 0, 1, 0, 1, 1, 1},
      {2, 1, 10, 10, 1, 3, 3, 1, 2, 2, 0, 1, 1, 0, 1, 1, 1, 2, 2},
      {1, 1, 9, 9, 1, 2, 2, 1, 4, 3, 0, 0, 0, 0, 0, 0, 1, 1, 1},
      {2, 1, 3, 4, 1, 2, 2, 1, 1, 1, 0, 3, 2, 0, 3, 2, 1, 1, 1},
      {4, 1, 5, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1},
      {1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1},
      // 3-D
      {2, 4, 5, 6, 2, 3, 3, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1},
      {1, 6, 6, 6, 3, 2, 3, 2, 1, 2, 1, 0, 2, 1, 0, 1, 2, 1, 2},
  };
  int index = 0;
  for (const Case& c : cases) run(c, index++, rng);
  const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {8, 1, 4}, {1, 6, 9}, {5, 4, 1}};
  for (const auto& shape : shapes)
    for (int flags = 0; flags < 4; ++flags)
      for (int64_t pad : {0, 3}) run_gemm(flags & 1, flags & 2, shape[0], shape[1], shape[2], pad, index++, rng);
  // The BLAS rule on leading dimensions: a row stride below the row length goes to our kernel.
  check(!striate::kernels::cuda::cublas_accepts(false, false, 4, 8, 5, 5, 7, 8), "ldb < N accepted", index);
  check(!striate::kernels::cuda::cublas_accepts(false, false, 4, 8, int64_t{1} << 32, 1 << 30, 8, 8), "K > int", index);
  if (failures == 0) std::printf("test_cuda_host_math: %d cases OK\n", index);
  return failures == 0 ? 0 : 1;
}
