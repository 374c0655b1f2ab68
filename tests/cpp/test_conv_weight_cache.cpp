// The kept derived weights (kernels/conv_weight_cache.h): the Winograd and direct forward passes
// give the same bits with a ConvWeightCache as without, on the first call (which fills it) and the
// later ones (which read it), on every SIMD path this CPU runs and both Winograd tiles; each
// (algorithm, SIMD width, tile, weight address) has its own entry, and the cache stays bounded.
// A residual (Conv2dGeometry::residual) gives the bits of the convolution, an add and a ReLU in
// sequence on every algorithm. A write into the folded weight that folded_conv_bn_parameters hands
// out refolds (the kept forms would be stale), so every algorithm gives the same result after it.
#include <cstdint>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <striate/core/conv_algorithm.h>
#include <striate/core/cpu_isa.h>
#include <striate/core/device.h>
#include <striate/nn/fusion.h>
#include <striate/striate.h>

#include "check.h"
#include "kernels/conv.h"
#include "kernels/conv_weight_cache.h"
#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_winograd.h"

using striate::kernels::Conv2dGeometry;
using striate::kernels::ConvWeightCache;
namespace winograd = striate::kernels::cpu::winograd;
namespace direct = striate::kernels::cpu::direct;

namespace {

Conv2dGeometry geometry(int64_t N, int64_t C, int64_t K, int64_t H, int64_t W, int64_t stride, int64_t pad) {
  Conv2dGeometry g{};
  g.N = N, g.C = C, g.H = H, g.W = W;
  g.K = K, g.R = 3, g.S = 3;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = pad;
  g.P = (H + 2 * pad - 3) / stride + 1;
  g.Q = (W + 2 * pad - 3) / stride + 1;
  g.dilation_h = g.dilation_w = 1;
  g.groups = 1;
  return g;
}

std::vector<float> random_floats(int64_t n, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> values(n);
  for (float& v : values) v = normal(rng);
  return values;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

using Forward = void (*)(float*, const float*, const float*, const float*, const Conv2dGeometry&);

// Runs `forward` without a cache, then twice with `cache`: all three outputs must be the same bits.
void check_same_with_cache(Forward forward, Conv2dGeometry g, ConvWeightCache& cache, const std::vector<float>& input,
                           const std::vector<float>& weight, const std::vector<float>& bias, const std::string& what) {
  std::vector<float> plain(g.N * g.K * g.P * g.Q), first(plain.size()), again(plain.size());
  g.weight_cache = nullptr;
  forward(plain.data(), input.data(), weight.data(), bias.data(), g);
  g.weight_cache = &cache;
  forward(first.data(), input.data(), weight.data(), bias.data(), g);
  forward(again.data(), input.data(), weight.data(), bias.data(), g);
  if (!same_bits(plain, first) || !same_bits(plain, again)) {
    std::cerr << "cached forward differs: " << what << "\n";
    ++failures();
  }
}

void check_isa(const char* isa, std::mt19937& rng) {
  struct Case {
    int64_t N, C, K, H, W, stride, pad;
  };
  const Case cases[] = {{1, 16, 16, 32, 32, 1, 1}, {1, 64, 64, 8, 8, 1, 1}, {2, 5, 7, 13, 11, 1, 1},
                        {1, 32, 64, 16, 16, 2, 1}, {3, 3, 17, 9, 10, 2, 0}, {1, 20, 33, 7, 5, 1, 2}};
  for (const Case& c : cases) {
    const Conv2dGeometry g = geometry(c.N, c.C, c.K, c.H, c.W, c.stride, c.pad);
    const auto input = random_floats(g.N * g.C * g.H * g.W, rng);
    const auto weight = random_floats(g.K * g.C * 9, rng);
    const auto bias = random_floats(g.K, rng);
    for (bool relu : {false, true}) {
      Conv2dGeometry gr = g;
      gr.relu = relu;
      const std::string what = std::string(isa) + " N=" + std::to_string(g.N) + " C=" + std::to_string(g.C) +
                               " K=" + std::to_string(g.K) + " H=" + std::to_string(g.H) + " W=" + std::to_string(g.W) +
                               " stride=" + std::to_string(g.stride_h) + (relu ? " relu" : "");
      ConvWeightCache cache;
      check_same_with_cache(&direct::forward, gr, cache, input, weight, bias, "direct " + what);
      CHECK(cache.size() == 1);
      if (!winograd::supports(g)) continue;
      for (int tile : {4, 2}) {
        winograd::force_tile(tile);
        check_same_with_cache(&winograd::forward, gr, cache, input, weight, bias,
                              "winograd tile " + std::to_string(tile) + " " + what);
      }
      winograd::force_tile(0);
      CHECK(cache.size() == 3);  // direct, Winograd 4x4, Winograd 2x2
      // Another weight (another address) gets entries of its own, never the first one's.
      const auto other = random_floats(weight.size(), rng);
      check_same_with_cache(&winograd::forward, gr, cache, input, other, bias, "winograd, second weight " + what);
      CHECK(cache.size() == 4);
    }
  }
}

// conv2d_forward with g.residual (and g.relu) against the convolution written plainly, then the
// add and the ReLU, for every algorithm the CPU rule can be forced to.
void check_residual(const char* isa, std::mt19937& rng) {
  const striate::Device cpu(striate::DeviceType::CPU);
  const Conv2dGeometry shapes[] = {geometry(1, 16, 16, 12, 12, 1, 1), geometry(2, 5, 7, 13, 11, 1, 1),
                                   geometry(1, 32, 64, 16, 16, 2, 1), geometry(3, 3, 17, 9, 10, 2, 0)};
  for (const Conv2dGeometry& g : shapes) {
    const auto input = random_floats(g.N * g.C * g.H * g.W, rng);
    const auto weight = random_floats(g.K * g.C * 9, rng);
    const auto bias = random_floats(g.K, rng);
    const auto residual = random_floats(g.N * g.K * g.P * g.Q, rng);
    for (auto algorithm :
         {striate::ConvAlgorithm::Winograd, striate::ConvAlgorithm::Direct, striate::ConvAlgorithm::Im2colGemm}) {
      striate::set_conv_algorithm(algorithm);
      for (bool relu : {false, true}) {
        std::vector<float> expected(residual.size()), ours(residual.size());
        Conv2dGeometry plain = g;
        striate::kernels::conv2d_forward<float>(cpu, expected.data(), input.data(), weight.data(), bias.data(), plain);
        for (size_t i = 0; i < expected.size(); ++i) {
          const float y = expected[i] + residual[i];
          expected[i] = relu && y <= 0.0f ? 0.0f : y;
        }
        Conv2dGeometry fused = g;
        fused.relu = relu;
        fused.residual = residual.data();
        ConvWeightCache cache;
        fused.weight_cache = &cache;
        striate::kernels::conv2d_forward<float>(cpu, ours.data(), input.data(), weight.data(), bias.data(), fused);
        if (!same_bits(expected, ours)) {
          std::cerr << "residual differs: " << isa << " " << striate::conv_algorithm_name(algorithm)
                    << (relu ? " relu" : "") << " C=" << g.C << " K=" << g.K << " stride=" << g.stride_h << "\n";
          ++failures();
        }
      }
    }
  }
  striate::set_conv_algorithm(striate::ConvAlgorithm::Auto);
}

// The output of conv -> bn at inference, on `algorithm`, after a write into the folded weight.
void check_write_into_folded_weight() {
  using namespace striate;
  for (auto algorithm : {ConvAlgorithm::Winograd, ConvAlgorithm::Direct, ConvAlgorithm::Im2colGemm}) {
    set_conv_algorithm(algorithm);
    nn::Conv2d conv(nn::Conv2dOptions(16, 16, 3).padding(1).bias(false));
    nn::BatchNorm2d bn(nn::BatchNormOptions(16));
    conv->eval();
    bn->eval();
    InferenceModeGuard inference;
    const Tensor x = randn({1, 16, 12, 12});
    const auto before = nn::fused_conv_bn(*conv, *bn, false, x);
    CHECK(before.has_value());
    auto folded = nn::folded_conv_bn_parameters(*conv, *bn, DType::Float32);
    CHECK(folded.has_value());
    if (!before || !folded) continue;
    folded->first.mul_(2.0);  // a write into the folded weight: refolded from the sources
    const auto after = nn::fused_conv_bn(*conv, *bn, false, x);
    CHECK(after.has_value());
    if (!after) continue;
    const float* a = before->data<float>();
    const float* b = after->data<float>();
    bool same = true;
    for (int64_t i = 0; i < before->numel(); ++i) same = same && a[i] == b[i];
    if (!same) {
      std::cerr << "a write into the folded weight changed the output on " << conv_algorithm_name(algorithm) << "\n";
      ++failures();
    }
  }
  striate::set_conv_algorithm(striate::ConvAlgorithm::Auto);
}

void check_bounded() {
  ConvWeightCache cache;
  int made = 0;
  auto make = [&] {
    ++made;
    return std::make_shared<const striate::kernels::CachedFloats>(4, "test");
  };
  for (int64_t i = 0; i < 20; ++i) cache.get({i, 0, 0, 0, 0, 0}, nullptr, make);
  CHECK(cache.size() == 8);
  CHECK(made == 20);
  cache.get({19, 0, 0, 0, 0, 0}, nullptr, make);  // the newest is kept
  CHECK(made == 20);
  cache.get({0, 0, 0, 0, 0, 0}, nullptr, make);  // the oldest went
  CHECK(made == 21);
  int dummy = 0;
  cache.get({19, 0, 0, 0, 0, 0}, &dummy, make);  // another weight address
  CHECK(made == 22);
}

}  // namespace

int main() {
  std::mt19937 rng(1234);
  const striate::CpuIsa best = striate::cpu_isa_supported();
  for (striate::CpuIsa isa : {striate::CpuIsa::Generic, striate::CpuIsa::AVX2, striate::CpuIsa::AVX512}) {
    if (static_cast<int>(isa) > static_cast<int>(best)) continue;
    striate::set_cpu_isa(isa);
    check_isa(striate::cpu_isa_name(isa), rng);
    check_residual(striate::cpu_isa_name(isa), rng);
  }
  striate::set_cpu_isa(best);
  check_bounded();
  check_write_into_folded_weight();
  if (failures() == 0) std::cout << "test_conv_weight_cache: all checks passed\n";
  return failures() == 0 ? 0 : 1;
}
