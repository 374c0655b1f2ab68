// The direct and depthwise convolution kernels against a float64 reference: forward (with and
// without bias, with the fused ReLU), backward input and backward weight (with and without dbias)
// on many geometries (strides 1-3, padding, dilation, odd sizes, 1x1 to 7x7 kernels, batch 1 and
// more, channel counts that fill no vector), on every SIMD path this CPU runs, at 1 and 2 threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <striate/core/cpu_isa.h>
#include <striate/core/parallel.h>

#include "check.h"
#include "kernels/cpu/conv_direct.h"

using striate::kernels::Conv2dGeometry;
namespace direct = striate::kernels::cpu::direct;
namespace depthwise = striate::kernels::cpu::depthwise;

namespace {

struct Spec {
  int64_t N, C, K, H, W, R, S, stride_h, stride_w, pad_h, pad_w, dilation_h, dilation_w, groups;
};

Conv2dGeometry geometry(const Spec& s) {
  Conv2dGeometry g{};
  g.N = s.N, g.C = s.C, g.H = s.H, g.W = s.W;
  g.K = s.K, g.R = s.R, g.S = s.S;
  g.stride_h = s.stride_h, g.stride_w = s.stride_w;
  g.pad_top = s.pad_h, g.pad_left = s.pad_w;
  g.dilation_h = s.dilation_h, g.dilation_w = s.dilation_w;
  g.groups = s.groups;
  g.P = (s.H + 2 * s.pad_h - s.dilation_h * (s.R - 1) - 1) / s.stride_h + 1;
  g.Q = (s.W + 2 * s.pad_w - s.dilation_w * (s.S - 1) - 1) / s.stride_w + 1;
  return g;
}

std::string describe(const Conv2dGeometry& g) {
  auto t = [](int64_t x) { return std::to_string(x); };
  return "N=" + t(g.N) + " C=" + t(g.C) + " K=" + t(g.K) + " H=" + t(g.H) + " W=" + t(g.W) + " R=" + t(g.R) +
         " S=" + t(g.S) + " stride=" + t(g.stride_h) + "," + t(g.stride_w) + " pad=" + t(g.pad_top) + "," +
         t(g.pad_left) + " dilation=" + t(g.dilation_h) + "," + t(g.dilation_w) + " groups=" + t(g.groups);
}

template <typename T>
struct Reference {
  std::vector<double> output, dinput, dweight, dbias;
};

template <typename T>
Reference<T> reference(const Conv2dGeometry& g, const std::vector<T>& input, const std::vector<T>& weight,
                       const std::vector<T>& bias, const std::vector<T>& doutput) {
  Reference<T> ref;
  const int64_t Cg = g.C / g.groups, Kg = g.K / g.groups;
  ref.output.assign(g.N * g.K * g.P * g.Q, 0.0);
  ref.dinput.assign(g.N * g.C * g.H * g.W, 0.0);
  ref.dweight.assign(g.K * Cg * g.R * g.S, 0.0);
  ref.dbias.assign(g.K, 0.0);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t cg = 0; cg < Cg; ++cg) {
        const int64_t c = k / Kg * Cg + cg;
        for (int64_t p = 0; p < g.P; ++p)
          for (int64_t r = 0; r < g.R; ++r) {
            const int64_t y = p * g.stride_h - g.pad_top + r * g.dilation_h;
            if (y < 0 || y >= g.H) continue;
            for (int64_t q = 0; q < g.Q; ++q)
              for (int64_t s = 0; s < g.S; ++s) {
                const int64_t x = q * g.stride_w - g.pad_left + s * g.dilation_w;
                if (x < 0 || x >= g.W) continue;
                const int64_t o = ((n * g.K + k) * g.P + p) * g.Q + q;
                const int64_t i = ((n * g.C + c) * g.H + y) * g.W + x;
                const int64_t w = ((k * Cg + cg) * g.R + r) * g.S + s;
                ref.output[o] += double(input[i]) * weight[w];
                ref.dinput[i] += double(doutput[o]) * weight[w];
                ref.dweight[w] += double(doutput[o]) * input[i];
              }
          }
      }
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t k = 0; k < g.K; ++k)
      for (int64_t pq = 0; pq < g.P * g.Q; ++pq) {
        ref.output[(n * g.K + k) * g.P * g.Q + pq] += bias[k];
        ref.dbias[k] += doutput[(n * g.K + k) * g.P * g.Q + pq];
      }
  return ref;
}

// max |got - want| / max |want|.
template <typename T>
double relative_error(const std::vector<T>& got, const std::vector<double>& want) {
  double error = 0.0, scale = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!std::isfinite(static_cast<double>(got[i]))) return INFINITY;
    error = std::max(error, std::fabs(got[i] - want[i]));
    scale = std::max(scale, std::fabs(want[i]));
  }
  return scale > 0.0 ? error / scale : error;
}

template <typename T>
std::vector<T> normal(int64_t count, double stddev, std::mt19937_64& rng) {
  std::normal_distribution<double> draw(0.0, stddev);
  std::vector<T> v(count);
  for (auto& x : v) x = static_cast<T>(draw(rng));
  return v;
}

double worst_error = 0.0;
int checked_runs = 0;

void check_pass(const char* what, const char* pass, double error, double tolerance, const Conv2dGeometry& g,
                const char* isa, int threads) {
  worst_error = std::max(worst_error, error);
  ++checked_runs;
  if (error <= tolerance) return;
  std::cerr << what << " " << pass << " error " << error << " on " << describe(g) << " isa=" << isa
            << " threads=" << threads << "\n";
  ++failures();
}

const striate::CpuIsa kIsas[] = {striate::CpuIsa::Generic, striate::CpuIsa::AVX2, striate::CpuIsa::AVX512};

// The passes of one algorithm (Direct: float; Depthwise: float and double).
template <typename T, typename Forward, typename BackwardInput, typename BackwardWeight>
void check_algorithm(const char* what, const Conv2dGeometry& base, double tolerance, std::mt19937_64& rng,
                     Forward forward, BackwardInput backward_input, BackwardWeight backward_weight) {
  Conv2dGeometry g = base;
  const int64_t Cg = g.C / g.groups;
  const std::vector<T> input = normal<T>(g.N * g.C * g.H * g.W, 1.0, rng);
  const std::vector<T> weight = normal<T>(g.K * Cg * g.R * g.S, std::sqrt(2.0 / double(Cg * g.R * g.S)), rng);
  const std::vector<T> bias = normal<T>(g.K, 1.0, rng);
  const std::vector<T> doutput = normal<T>(g.N * g.K * g.P * g.Q, 1.0, rng);
  const Reference<T> ref = reference(g, input, weight, bias, doutput);
  std::vector<double> no_bias = ref.output, relu = ref.output;
  for (int64_t i = 0; i < static_cast<int64_t>(no_bias.size()); ++i) {
    no_bias[i] -= bias[(i / (g.P * g.Q)) % g.K];
    relu[i] = std::max(relu[i], 0.0);
  }
  std::vector<T> output(ref.output.size()), dinput(ref.dinput.size()), dweight(ref.dweight.size()), dbias(g.K);
  auto poison = [](std::vector<T>& v) { std::fill(v.begin(), v.end(), T(NAN)); };
  for (striate::CpuIsa isa : kIsas) {
    if (static_cast<int>(isa) > static_cast<int>(striate::cpu_isa_supported())) continue;
    striate::set_cpu_isa(isa);
    const char* name = striate::cpu_isa_name(isa);
    for (int threads : {1, 2}) {
      striate::set_num_threads(threads);
      g.relu = false;
      poison(output);
      forward(output.data(), input.data(), weight.data(), bias.data(), g);
      check_pass(what, "forward", relative_error(output, ref.output), tolerance, g, name, threads);
      poison(output);
      forward(output.data(), input.data(), weight.data(), nullptr, g);
      check_pass(what, "forward (no bias)", relative_error(output, no_bias), tolerance, g, name, threads);
      g.relu = true;
      poison(output);
      forward(output.data(), input.data(), weight.data(), bias.data(), g);
      check_pass(what, "forward (relu)", relative_error(output, relu), tolerance, g, name, threads);
      g.relu = false;
      poison(dinput);
      backward_input(dinput.data(), doutput.data(), weight.data(), g);
      check_pass(what, "backward_input", relative_error(dinput, ref.dinput), tolerance, g, name, threads);
      poison(dweight);
      poison(dbias);
      backward_weight(dweight.data(), dbias.data(), doutput.data(), input.data(), g);
      check_pass(what, "backward_weight", relative_error(dweight, ref.dweight), tolerance, g, name, threads);
      check_pass(what, "dbias", relative_error(dbias, ref.dbias), tolerance, g, name, threads);
      poison(dweight);
      backward_weight(dweight.data(), nullptr, doutput.data(), input.data(), g);
      check_pass(what, "backward_weight (no dbias)", relative_error(dweight, ref.dweight), tolerance, g, name, threads);
    }
  }
  striate::set_cpu_isa(striate::cpu_isa_supported());
  striate::set_num_threads(1);
}

// N, C, K, H, W, R, S, stride (h, w), pad (h, w), dilation (h, w), groups
const Spec kDirect[] = {
    // ResNet-20's strided layers and LeNet-5's 5x5 layers (small batch)
    {2, 16, 32, 32, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1},
    {2, 32, 64, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1},
    {3, 1, 6, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1, 1},
    {3, 6, 16, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1, 1},
    {1, 6, 16, 14, 14, 5, 5, 1, 1, 0, 0, 1, 1, 1},
    // 1x1, 3x3, 5x5, 7x7 at strides 1 to 3
    {2, 8, 24, 9, 9, 1, 1, 1, 1, 0, 0, 1, 1, 1},
    {2, 8, 24, 9, 9, 1, 1, 2, 2, 0, 0, 1, 1, 1},
    {1, 5, 7, 10, 11, 1, 1, 3, 3, 1, 1, 1, 1, 1},
    {2, 3, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {2, 16, 16, 15, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 7, 9, 17, 19, 3, 3, 3, 3, 1, 1, 1, 1, 1},
    {2, 4, 33, 11, 10, 3, 3, 2, 1, 0, 2, 1, 1, 1},
    {1, 9, 5, 13, 12, 5, 5, 2, 2, 2, 2, 1, 1, 1},
    {2, 3, 40, 12, 15, 5, 5, 3, 2, 1, 0, 1, 1, 1},
    {1, 3, 64, 32, 32, 7, 7, 2, 2, 3, 3, 1, 1, 1},
    {2, 2, 17, 15, 14, 7, 7, 1, 1, 3, 2, 1, 1, 1},
    {1, 5, 3, 20, 21, 7, 7, 3, 3, 0, 1, 1, 1, 1},
    // dilation
    {2, 4, 8, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2, 1},
    {1, 6, 10, 15, 13, 3, 3, 2, 2, 1, 3, 2, 3, 1},
    {1, 3, 20, 16, 17, 5, 3, 1, 2, 4, 1, 2, 1, 1},
    {2, 5, 5, 11, 9, 2, 2, 1, 1, 0, 0, 3, 2, 1},
    // non-square kernels, padding larger than the kernel, tiny images and channels
    {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1},
    {1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {3, 1, 1, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {2, 2, 3, 4, 9, 1, 3, 1, 2, 0, 1, 1, 1, 1},
    {2, 3, 2, 9, 4, 3, 1, 2, 1, 1, 0, 1, 1, 1},
    {1, 4, 5, 3, 3, 3, 3, 1, 1, 3, 3, 1, 1, 1},
    {2, 2, 9, 6, 5, 2, 4, 3, 2, 2, 3, 1, 1, 1},
    {1, 70, 20, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 20, 70, 6, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1},
    {5, 8, 8, 2, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 9, 40, 3, 3, 3, 2, 1, 1, 1, 1, 1, 1},
    {1, 2, 31, 3, 40, 3, 3, 1, 2, 1, 1, 1, 1, 1},
    // long rows (several register blocks per row) and long sums
    {1, 2, 16, 5, 61, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 300, 8, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 8, 300, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {9, 4, 4, 30, 30, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    // at most 4 input channels, stride 1 along the rows: the weight gradient by output columns,
    // with channel runs of 1 to 4 (13 = 4 + 4 + 4 + 1 or 2 x 6 + 1), more runs than threads (a
    // task per run, every tap) and fewer (runs of taps too), and taps not a multiple of a run
    {2, 1, 13, 16, 16, 5, 5, 1, 1, 2, 2, 1, 1, 1},
    {2, 3, 64, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {3, 4, 7, 9, 37, 3, 5, 2, 1, 1, 2, 1, 2, 1},
    {2, 2, 2, 12, 17, 2, 7, 1, 1, 0, 3, 2, 1, 1},
};

const Spec kDepthwise[] = {
    {2, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1, 32},
    {2, 16, 16, 16, 16, 3, 3, 2, 2, 1, 1, 1, 1, 16},
    {1, 3, 6, 9, 11, 3, 3, 1, 1, 1, 1, 1, 1, 3},
    {2, 4, 12, 13, 10, 5, 5, 2, 3, 2, 1, 1, 1, 4},
    {1, 5, 5, 12, 12, 3, 3, 1, 1, 2, 2, 2, 2, 5},
    {3, 2, 2, 7, 8, 7, 7, 1, 1, 3, 3, 1, 1, 2},
    {1, 1, 1, 5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1},
    {1, 1, 3, 5, 5, 3, 3, 1, 1, 0, 0, 1, 1, 1},
    {2, 6, 6, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 6},
    {1, 8, 16, 20, 3, 3, 1, 3, 1, 0, 0, 1, 1, 8},
    {1, 7, 7, 40, 41, 3, 3, 2, 2, 1, 1, 1, 1, 7},
    {2, 2, 6, 9, 10, 7, 7, 1, 1, 3, 3, 1, 1, 2},  // 147 taps per input row: more than one tap list
};

}  // namespace

int main() {
  Conv2dGeometry grouped = geometry({1, 4, 4, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 2});
  CHECK(!direct::supports(grouped));
  CHECK(direct::supports(geometry(kDirect[0])));
  CHECK(depthwise::supports(geometry(kDepthwise[0])));
  CHECK(!depthwise::supports(grouped));
  Conv2dGeometry not_multiple = geometry({1, 4, 6, 8, 8, 3, 3, 1, 1, 1, 1, 1, 1, 4});
  CHECK(!depthwise::supports(not_multiple));

  std::mt19937_64 rng(42);
  int geometries = 0;
  for (const Spec& spec : kDirect) {
    ++geometries;
    check_algorithm<float>(
        "direct", geometry(spec), 1e-4, rng,
        [](float* o, const float* i, const float* w, const float* b, const Conv2dGeometry& g) {
          direct::forward(o, i, w, b, g);
        },
        [](float* di, const float* dy, const float* w, const Conv2dGeometry& g) {
          direct::backward_input(di, dy, w, g);
        },
        [](float* dw, float* db, const float* dy, const float* i, const Conv2dGeometry& g) {
          direct::backward_weight(dw, db, dy, i, g);
        });
  }
  // random geometries
  std::mt19937_64 pick_rng(1234);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(pick_rng); };
  for (int i = 0; i < 24; ++i) {
    Spec s{pick(1, 3), pick(1, 40), pick(1, 40), pick(1, 19), pick(1, 19), pick(1, 7), pick(1, 7),
           pick(1, 3), pick(1, 3),  pick(0, 3),  pick(0, 3),  pick(1, 2),  pick(1, 2), 1};
    if (s.H + 2 * s.pad_h < (s.R - 1) * s.dilation_h + 1 || s.W + 2 * s.pad_w < (s.S - 1) * s.dilation_w + 1) continue;
    ++geometries;
    check_algorithm<float>(
        "direct (random)", geometry(s), 1e-4, rng,
        [](float* o, const float* i, const float* w, const float* b, const Conv2dGeometry& g) {
          direct::forward(o, i, w, b, g);
        },
        [](float* di, const float* dy, const float* w, const Conv2dGeometry& g) {
          direct::backward_input(di, dy, w, g);
        },
        [](float* dw, float* db, const float* dy, const float* i, const Conv2dGeometry& g) {
          direct::backward_weight(dw, db, dy, i, g);
        });
  }
  for (const Spec& spec : kDepthwise) {
    ++geometries;
    check_algorithm<float>("depthwise float32", geometry(spec), 1e-4, rng, depthwise::forward<float>,
                           depthwise::backward_input<float>, depthwise::backward_weight<float>);
    check_algorithm<double>("depthwise float64", geometry(spec), 1e-12, rng, depthwise::forward<double>,
                            depthwise::backward_input<double>, depthwise::backward_weight<double>);
  }
  std::cout << geometries << " geometries, " << checked_runs << " checked passes, worst relative error " << worst_error
            << "\n";
  CHECK(geometries >= 40);
  return failures() == 0 ? 0 : 1;
}
