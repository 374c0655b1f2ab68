// The host-testable parts of the CUDA kernels, checked without a GPU: the strided index math of
// the elementwise kernels (kernels/cuda/strided.cuh) against a plain per-dimension walk, and
// Philox4x32-10 (kernels/cuda/philox.cuh) against the known-answer vectors of Random123, and the
// averages' gather backward (kernels/cuda/pooling_windows.cuh) against the CPU's scatter.
#include <cstdint>
#include <random>
#include <vector>

#include "check.h"
#include "kernels/cuda/philox.cuh"
#include "kernels/cuda/pooling_windows.cuh"
#include "kernels/cuda/strided.cuh"

using namespace striate::kernels::cuda;

namespace {

// Offsets of element `index` of operand k by the definition: unravel row-major, dot with strides.
int64_t reference_offset(int64_t index, const std::vector<int64_t>& sizes, const std::vector<int64_t>& strides) {
  int64_t offset = 0;
  for (int d = static_cast<int>(sizes.size()) - 1; d >= 0; --d) {
    offset += (index % sizes[d]) * strides[d];
    index /= sizes[d];
  }
  return offset;
}

void check_layout(const std::vector<int64_t>& sizes, const std::vector<std::vector<int64_t>>& strides) {
  const int64_t* stride_pointers[3] = {strides[0].data(), strides[1].data(), strides[2].data()};
  const StridedLayout<3> layout = make_strided_layout<3>(static_cast<int>(sizes.size()), sizes.data(), stride_pointers);
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  for (int64_t i = 0; i < n; ++i) {
    int64_t at[3];
    layout.offsets(i, at);
    for (int k = 0; k < 3; ++k) CHECK(at[k] == reference_offset(i, sizes, strides[k]));
  }
}

std::vector<int64_t> contiguous(const std::vector<int64_t>& sizes) {
  std::vector<int64_t> strides(sizes.size(), 1);
  for (int d = static_cast<int>(sizes.size()) - 2; d >= 0; --d) strides[d] = strides[d + 1] * sizes[d + 1];
  return strides;
}

void test_strided_layout() {
  // Dense operands merge into one run.
  {
    const std::vector<int64_t> sizes = {2, 3, 4};
    const auto dense = contiguous(sizes);
    const int64_t* s[3] = {dense.data(), dense.data(), dense.data()};
    const StridedLayout<3> layout = make_strided_layout<3>(3, sizes.data(), s);
    CHECK(layout.contiguous);
    CHECK(layout.dims == 1);
    check_layout(sizes, {dense, dense, dense});
  }
  // Broadcast (stride 0), a transposed view, a sliced view with an offset step, size-1 dims.
  check_layout({2, 3, 4}, {contiguous({2, 3, 4}), {0, 1, 0}, {1, 8, 2}});
  check_layout({4, 1, 5}, {contiguous({4, 1, 5}), {5, 99, 1}, {0, 0, 3}});
  check_layout({3, 1, 1}, {{1, 1, 1}, {0, 7, 7}, {2, 0, 0}});
  check_layout({1}, {{1}, {0}, {5}});
  // Random shapes and strides, up to 8 dimensions.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int dims = 1 + static_cast<int>(rng() % 8);
    std::vector<int64_t> sizes(dims);
    for (auto& s : sizes) s = 1 + static_cast<int64_t>(rng() % 3);
    std::vector<std::vector<int64_t>> strides = {contiguous(sizes), {}, {}};
    for (int k = 1; k < 3; ++k) {
      strides[k].resize(dims);
      for (auto& s : strides[k]) s = static_cast<int64_t>(rng() % 4) * (rng() % 5 == 0 ? 0 : 1) * 3;
    }
    if (trial % 3 == 0) strides[1] = contiguous(sizes);
    check_layout(sizes, strides);
  }
  // A single element and no dimensions at all.
  {
    const int64_t* s[1] = {nullptr};
    const StridedLayout<1> layout = make_strided_layout<1>(0, nullptr, s);
    int64_t at[1] = {-1};
    layout.offsets(0, at);
    CHECK(at[0] == 0);
  }
}

void test_philox_known_answers() {
  // Random123's kat_vectors for philox4x32 with 10 rounds: counter, key -> output.
  struct Vector {
    uint32_t counter[4], key[2], expected[4];
  };
  const Vector vectors[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
       {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
       {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const Vector& v : vectors) {
    const Philox4x32 out =
        philox4x32_10({{v.counter[0], v.counter[1], v.counter[2], v.counter[3]}}, v.key[0], v.key[1]);
    for (int k = 0; k < 4; ++k) CHECK(out.v[k] == v.expected[k]);
  }
  // The stream's block: the offset carries into the counter's third word.
  const Philox4x32 wrapped = philox_block(42, ~uint64_t{0}, 1);
  const Philox4x32 direct = philox4x32_10({{0, 0, 1, 0}}, 42, 0);
  for (int k = 0; k < 4; ++k) CHECK(wrapped.v[k] == direct.v[k]);
}

void test_philox_distributions() {
  double sum = 0, square_sum = 0, uniform_sum = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const float u = philox_uniform<float>(1234, 0, i);
    const double ud = philox_uniform<double>(1234, 0, i);
    CHECK(u >= 0.0f && u < 1.0f);
    CHECK(ud >= 0.0 && ud < 1.0);
    uniform_sum += ud;
    const double z = philox_normal<double>(1234, 0, i);
    CHECK(std::isfinite(z));
    sum += z;
    square_sum += z * z;
  }
  CHECK_NEAR(uniform_sum / n, 0.5, 0.01);
  CHECK_NEAR(sum / n, 0.0, 0.02);
  CHECK_NEAR(square_sum / n, 1.0, 0.02);
  // Independent of everything but (seed, offset, index).
  CHECK(philox_uniform<double>(1, 0, 5) == philox_uniform<double>(1, 5, 0));
  CHECK(philox_uniform<double>(1, 0, 5) != philox_uniform<double>(2, 0, 5));
}

// The average pooling backward gathers, for each input position, the outputs whose windows cover
// it (`covering`, then membership in the clipped window); the CPU scatters each output's share to
// its clipped window. Both must visit the same (output, input) pairs, for every geometry PyTorch
// allows (padding <= kernel / 2, ceil_mode whose last window starts inside the padded input).
void test_average_gather_visits_the_scattered_windows() {
  int checked = 0;
  for (int64_t size = 1; size <= 9; ++size)
    for (int64_t kernel = 1; kernel <= 4; ++kernel)
      for (int64_t stride = 1; stride <= 5; ++stride)
        for (int64_t pad = 0; pad <= kernel / 2; ++pad)
          for (bool ceil_mode : {false, true}) {
            const int64_t span = size + 2 * pad - kernel;
            if (span < 0) continue;
            int64_t outputs = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
            if (ceil_mode && (outputs - 1) * stride >= size + pad) --outputs;
            for (int64_t x = 0; x < size; ++x) {
              std::vector<int64_t> scattered, gathered;
              for (int64_t o = 0; o < outputs; ++o) {
                const AvgAxis window = avg_axis(o * stride - pad, kernel, pad, size);
                if (window.begin <= x && x < window.end) scattered.push_back(o);
              }
              const OutputRange range = covering(x, kernel, stride, pad, outputs);
              for (int64_t o = range.first; o <= range.last; ++o) {
                const AvgAxis window = avg_axis(o * stride - pad, kernel, pad, size);
                if (window.begin <= x && x < window.end) gathered.push_back(o);
              }
              CHECK(scattered == gathered);
              ++checked;
            }
          }
  CHECK(checked > 1000);
}

}  // namespace

int main() {
  test_strided_layout();
  test_philox_known_answers();
  test_philox_distributions();
  test_average_gather_visits_the_scattered_windows();
  if (failures() == 0) std::cout << "test_cuda_host: all checks passed\n";
  return failures() == 0 ? 0 : 1;
}
