// The Winograd kernels against a float64 direct convolution: forward, backward input and backward
// weight on many geometries (odd sizes, images smaller than a tile, C or K = 1, padding 0 to 3,
// asymmetric padding), on every SIMD path this CPU runs, with both tile sizes.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <striate/core/cpu_isa.h>
#include <striate/core/parallel.h>

#include "check.h"
#include "kernels/cpu/conv_winograd.h"

using striate::kernels::Conv2dGeometry;
namespace winograd = striate::kernels::cpu::winograd;

namespace {

// pad_bottom / pad_right only set P and Q (negative values crop, as a caller's P may).
Conv2dGeometry geometry(int64_t N, int64_t C, int64_t K, int64_t H, int64_t W, int64_t pad_top, int64_t pad_left,
                        int64_t pad_bottom, int64_t pad_right) {
  Conv2dGeometry g{};
  g.N = N, g.C = C, g.H = H, g.W = W;
  g.K = K, g.R = 3, g.S = 3;
  g.P = H + pad_top + pad_bottom - 2;
  g.Q = W + pad_left + pad_right - 2;
  g.stride_h = g.stride_w = 1;
  g.pad_top = pad_top, g.pad_left = pad_left;
  g.dilation_h = g.dilation_w = 1;
  g.groups = 1;
  return g;
}

std::string describe(const Conv2dGeometry& g) {
  return "N=" + std::to_string(g.N) + " C=" + std::to_string(g.C) + " K=" + std::to_string(g.K) +
         " H=" + std::to_string(g.H) + " W=" + std::to_string(g.W) + " P=" + std::to_string(g.P) +
         " Q=" + std::to_string(g.Q) + " pad=" + std::to_string(g.pad_top) + "," + std::to_string(g.pad_left);
}

// Calls fn(n, k, c, p, q, r, s, y, x) for every term of the direct convolution that reads inside the image.
template <typename F>
void for_each_term(const Conv2dGeometry& g, F fn) {
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t c = 0; c < g.C; ++c)
        for (int64_t p = 0; p < g.P; ++p)
          for (int64_t r = 0; r < 3; ++r) {
            const int64_t y = p + r - g.pad_top;
            if (y < 0 || y >= g.H) continue;
            for (int64_t q = 0; q < g.Q; ++q)
              for (int64_t s = 0; s < 3; ++s) {
                const int64_t x = q + s - g.pad_left;
                if (x >= 0 && x < g.W) fn(n, k, c, p, q, r, s, y, x);
              }
          }
}

struct Reference {
  std::vector<double> output, dinput, dweight, dbias;
};

Reference reference(const Conv2dGeometry& g, const std::vector<float>& input, const std::vector<float>& weight,
                    const std::vector<float>& bias, const std::vector<float>& doutput) {
  Reference ref;
  ref.output.assign(g.N * g.K * g.P * g.Q, 0.0);
  ref.dinput.assign(g.N * g.C * g.H * g.W, 0.0);
  ref.dweight.assign(g.K * g.C * 9, 0.0);
  ref.dbias.assign(g.K, 0.0);
  for_each_term(g,
                [&](int64_t n, int64_t k, int64_t c, int64_t p, int64_t q, int64_t r, int64_t s, int64_t y, int64_t x) {
                  const int64_t o = ((n * g.K + k) * g.P + p) * g.Q + q;
                  const int64_t i = ((n * g.C + c) * g.H + y) * g.W + x;
                  const int64_t w = ((k * g.C + c) * 3 + r) * 3 + s;
                  ref.output[o] += double(input[i]) * weight[w];
                  ref.dinput[i] += double(doutput[o]) * weight[w];
                  ref.dweight[w] += double(doutput[o]) * input[i];
                });
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t pq = 0; pq < g.P * g.Q; ++pq) {
        ref.output[(n * g.K + k) * g.P * g.Q + pq] += bias[k];
        ref.dbias[k] += doutput[(n * g.K + k) * g.P * g.Q + pq];
      }
  return ref;
}

// max |got - want| / max |want|: the accuracy measure of the brief (1e-4 for Winograd).
double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  double error = 0.0, scale = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!std::isfinite(got[i])) return INFINITY;
    error = std::max(error, std::fabs(got[i] - want[i]));
    scale = std::max(scale, std::fabs(want[i]));
  }
  return scale > 0.0 ? error / scale : error;
}

std::vector<float> normal(int64_t count, double stddev, std::mt19937_64& rng) {
  std::normal_distribution<double> draw(0.0, stddev);
  std::vector<float> v(count);
  for (auto& x : v) x = static_cast<float>(draw(rng));
  return v;
}

constexpr double kTolerance = 1e-4;
double worst_error = 0.0;

int forced_tile = 0;  // the tile the current round forces (0: the per-shape rule)

void check_pass(const char* pass, double error, const Conv2dGeometry& g, const char* isa) {
  worst_error = std::max(worst_error, error);
  if (error <= kTolerance) return;
  std::cerr << pass << " error " << error << " on " << describe(g) << " isa=" << isa << " forced tile=" << forced_tile
            << "\n";
  ++failures();
}

const striate::CpuIsa kIsas[] = {striate::CpuIsa::Generic, striate::CpuIsa::AVX2, striate::CpuIsa::AVX512};

// Runs the three passes on g (outputs start as NaN: every element must be written) on every SIMD
// path with each tile choice, and compares them with one float64 reference.
void check_geometry(const Conv2dGeometry& g, std::mt19937_64& rng) {
  const std::vector<float> input = normal(g.N * g.C * g.H * g.W, 1.0, rng);
  const std::vector<float> weight = normal(g.K * g.C * 9, std::sqrt(2.0 / (9.0 * g.C)), rng);
  const std::vector<float> bias = normal(g.K, 1.0, rng);
  const std::vector<float> doutput = normal(g.N * g.K * g.P * g.Q, 1.0, rng);
  const Reference ref = reference(g, input, weight, bias, doutput);
  // Without a bias the forward is the plain convolution.
  std::vector<double> no_bias = ref.output;
  for (int64_t i = 0; i < static_cast<int64_t>(no_bias.size()); ++i) no_bias[i] -= bias[(i / (g.P * g.Q)) % g.K];

  std::vector<float> output(ref.output.size()), dinput(ref.dinput.size()), dweight(ref.dweight.size()), dbias(g.K);
  auto poison = [](std::vector<float>& v) { std::fill(v.begin(), v.end(), NAN); };
  for (striate::CpuIsa isa : kIsas) {
    if (static_cast<int>(isa) > static_cast<int>(striate::cpu_isa_supported())) continue;
    striate::set_cpu_isa(isa);
    const char* name = striate::cpu_isa_name(isa);
    for (int tile : {2, 4, 0}) {
      forced_tile = tile;
      winograd::force_tile(tile);
      poison(output);
      winograd::forward(output.data(), input.data(), weight.data(), bias.data(), g);
      check_pass("forward", relative_error(output, ref.output), g, name);
      poison(output);
      winograd::forward(output.data(), input.data(), weight.data(), nullptr, g);
      check_pass("forward (no bias)", relative_error(output, no_bias), g, name);
      poison(dinput);
      winograd::backward_input(dinput.data(), doutput.data(), weight.data(), g);
      check_pass("backward_input", relative_error(dinput, ref.dinput), g, name);
      if (!winograd::supports_backward_weight(g)) continue;
      poison(dweight);
      poison(dbias);
      winograd::backward_weight(dweight.data(), dbias.data(), doutput.data(), input.data(), g);
      check_pass("backward_weight", relative_error(dweight, ref.dweight), g, name);
      check_pass("dbias", relative_error(dbias, ref.dbias), g, name);
      poison(dweight);
      winograd::backward_weight(dweight.data(), nullptr, doutput.data(), input.data(), g);  // dbias may be null
      check_pass("backward_weight (no dbias)", relative_error(dweight, ref.dweight), g, name);
    }
  }
  winograd::force_tile(0);
}

std::vector<Conv2dGeometry> geometries() {
  std::vector<Conv2dGeometry> list = {
      // the ResNet-20 / DenseNet shapes, at small batch
      geometry(2, 16, 16, 32, 32, 1, 1, 1, 1),
      geometry(2, 32, 32, 16, 16, 1, 1, 1, 1),
      geometry(3, 64, 64, 8, 8, 1, 1, 1, 1),
      geometry(2, 3, 16, 32, 32, 1, 1, 1, 1),
      geometry(2, 48, 12, 32, 32, 1, 1, 1, 1),
      // tails: sizes not multiples of the tile, smaller than a tile, single channels
      geometry(1, 1, 1, 1, 1, 1, 1, 1, 1),
      geometry(2, 1, 1, 5, 7, 1, 1, 1, 1),
      geometry(1, 1, 5, 3, 3, 0, 0, 0, 0),
      geometry(1, 5, 1, 3, 4, 0, 0, 0, 0),
      geometry(3, 7, 9, 9, 11, 1, 1, 1, 1),
      geometry(2, 17, 33, 6, 13, 1, 1, 1, 1),
      geometry(1, 20, 70, 10, 10, 1, 1, 1, 1),
      geometry(1, 65, 3, 7, 5, 1, 1, 1, 1),
      // long sums: rounding grows with the reduction depth (C forward, K backward input, N P Q weight)
      geometry(1, 520, 8, 8, 8, 1, 1, 1, 1),
      geometry(1, 8, 520, 8, 8, 1, 1, 1, 1),
      geometry(8, 4, 4, 40, 40, 1, 1, 1, 1),
      // padding 0, 2, 3 and asymmetric, including crops (negative bottom / right)
      geometry(2, 4, 6, 10, 9, 0, 0, 0, 0),
      geometry(2, 6, 4, 5, 6, 2, 2, 2, 2),
      geometry(1, 3, 5, 4, 6, 3, 3, 3, 3),
      geometry(2, 5, 7, 9, 8, 0, 1, 1, 0),
      geometry(1, 8, 8, 8, 8, 1, 0, 2, 1),
      geometry(1, 9, 10, 12, 12, 2, 1, 0, -1),
      geometry(2, 4, 4, 7, 7, 1, 2, -1, 0),
      geometry(1, 2, 3, 11, 14, 3, 0, 1, 2),
  };
  // random geometries
  std::mt19937_64 rng(1234);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int i = 0; i < 24; ++i) {
    const int64_t H = pick(1, 19), W = pick(1, 19);
    const int64_t pt = pick(0, 3), pl = pick(0, 3), pb = pick(0, 3), pr = pick(0, 3);
    if (H + pt + pb < 3 || W + pl + pr < 3) continue;
    list.push_back(geometry(pick(1, 3), pick(1, 40), pick(1, 40), H, W, pt, pl, pb, pr));
  }
  return list;
}

// Forward and backward input give the same bits whatever the thread count; backward weight the
// same bits on every run with a given thread count.
void check_determinism(std::mt19937_64& rng) {
  const Conv2dGeometry g = geometry(6, 24, 20, 13, 15, 1, 1, 1, 1);
  const std::vector<float> input = normal(g.N * g.C * g.H * g.W, 1.0, rng);
  const std::vector<float> weight = normal(g.K * g.C * 9, 0.1, rng);
  const std::vector<float> doutput = normal(g.N * g.K * g.P * g.Q, 1.0, rng);
  auto run = [&](int threads) {
    striate::set_num_threads(threads);
    std::vector<float> out(g.N * g.K * g.P * g.Q), din(input.size()), dw(weight.size()), db(g.K);
    winograd::forward(out.data(), input.data(), weight.data(), nullptr, g);
    winograd::backward_input(din.data(), doutput.data(), weight.data(), g);
    winograd::backward_weight(dw.data(), db.data(), doutput.data(), input.data(), g);
    return std::vector<std::vector<float>>{out, din, dw, db};
  };
  const auto one = run(1), two = run(2), two_again = run(2);
  auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
  };
  CHECK(same(one[0], two[0]));
  CHECK(same(one[1], two[1]));
  CHECK(same(two[2], two_again[2]));
  CHECK(same(two[3], two_again[3]));
}

}  // namespace

int main() {
  CHECK(winograd::supports(geometry(1, 1, 1, 1, 1, 1, 1, 1, 1)));
  Conv2dGeometry strided = geometry(1, 4, 4, 8, 8, 1, 1, 1, 1);
  strided.stride_h = 2;
  CHECK(!winograd::supports(strided));
  Conv2dGeometry dilated = geometry(1, 4, 4, 8, 8, 1, 1, 1, 1);
  dilated.dilation_w = 2;
  CHECK(!winograd::supports(dilated));
  Conv2dGeometry grouped = geometry(1, 4, 4, 8, 8, 1, 1, 1, 1);
  grouped.groups = 2;
  CHECK(!winograd::supports(grouped));
  Conv2dGeometry five = geometry(1, 4, 4, 8, 8, 1, 1, 1, 1);
  five.R = five.S = 5;
  CHECK(!winograd::supports(five));

  const std::vector<Conv2dGeometry> list = geometries();
  const striate::CpuIsa best = striate::cpu_isa_supported();
  std::mt19937_64 rng(42);
  for (const Conv2dGeometry& g : list) check_geometry(g, rng);
  for (striate::CpuIsa isa : kIsas) {
    if (static_cast<int>(isa) > static_cast<int>(best)) continue;
    striate::set_cpu_isa(isa);
    check_determinism(rng);
  }
  striate::set_cpu_isa(best);
  std::cout << "test_conv_winograd: " << list.size() << " geometries, worst relative error " << worst_error << "\n";
  return report("test_conv_winograd");
}
