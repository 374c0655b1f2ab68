// The index math of the CUDA unfolding (kernels/cuda/im2col.cuh), run on the host: no GPU needed.
// im2col_element against a naive convolution, and col2im_element as its exact adjoint
// (<im2col(x), dcol> == <x, col2im(dcol)>), over 2-D and 3-D geometries with stride, padding and
// dilation.
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "kernels/cuda/im2col.cuh"

using striate::kernels::cuda::col2im_element;
using striate::kernels::cuda::ColumnGeometry;
using striate::kernels::cuda::im2col_element;

namespace {

int failures = 0;

void check(bool ok, const char* what, int geometry) {
  if (!ok) {
    std::printf("FAIL geometry %d: %s\n", geometry, what);
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
  if (failures == 0) std::printf("test_cuda_im2col: %d geometries OK\n", index);
  return failures == 0 ? 0 : 1;
}
