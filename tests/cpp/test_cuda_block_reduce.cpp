// The host-testable parts of the CUDA reduction kernels (kernels/cuda/block_reduce.cuh), run on
// the CPU without a GPU: the max / min combine step, replayed in the exact order a CUDA block
// combines its threads (each thread scans a stride of R, then a halving tree over the block),
// must pick the same value and index as the CPU kernel's serial scan for every R, with NaNs and
// ties; and the index arithmetic of gather / scatter_add must match a naive coordinate walk.
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "check.h"
#include "kernels/cuda/block_reduce.cuh"
#include "kernels/reduce.h"

using striate::Device;
using striate::DeviceType;
using striate::kernels::cuda::Extreme;
using striate::kernels::cuda::extreme_combine;
using striate::kernels::cuda::strided_offset;
using striate::kernels::cuda::wrap_index;

namespace {

constexpr int kThreads = 256;  // kernels/cuda/launch.cuh's block size

// The block kernel's order: thread t scans r = t, t + kThreads, ...; then shared[t] =
// combine(shared[t], shared[t + half]) for half = kThreads / 2 .. 1.
template <typename T>
Extreme<T> block_order(const std::vector<T>& row, bool is_max) {
  std::vector<Extreme<T>> shared(kThreads, Extreme<T>{T(0), -1});
  for (int t = 0; t < kThreads; ++t)
    for (int64_t r = t; r < static_cast<int64_t>(row.size()); r += kThreads)
      shared[t] = extreme_combine(shared[t], Extreme<T>{row[r], r}, is_max);
  for (int half = kThreads / 2; half > 0; half /= 2)
    for (int t = 0; t < half; ++t) shared[t] = extreme_combine(shared[t], shared[t + half], is_max);
  return shared[0];
}

// The thread kernel's order: one serial scan.
template <typename T>
Extreme<T> serial_order(const std::vector<T>& row, bool is_max) {
  Extreme<T> best{T(0), -1};
  for (int64_t r = 0; r < static_cast<int64_t>(row.size()); ++r)
    best = extreme_combine(best, Extreme<T>{row[r], r}, is_max);
  return best;
}

bool same_value(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

template <typename T>
void check_against_cpu(const std::vector<T>& row, const char* what) {
  const int64_t R = static_cast<int64_t>(row.size());
  for (bool is_max : {true, false}) {
    T value{};
    int64_t index = -1;
    striate::kernels::extreme_reduce<T>(Device(DeviceType::CPU), &value, &index, row.data(), 1, R, 1, is_max);
    const Extreme<T> block = block_order(row, is_max);
    const Extreme<T> serial = serial_order(row, is_max);
    const bool ok = block.index == index && serial.index == index && same_value(block.value, value) &&
                    same_value(serial.value, value);
    if (!ok) {
      std::cerr << what << " R=" << R << (is_max ? " max" : " min") << ": cpu index " << index << ", block "
                << block.index << ", serial " << serial.index << "\n";
    }
    CHECK(ok);
  }
}

void test_extreme_order() {
  std::mt19937_64 rng(12);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int64_t R : {1, 2, 3, 255, 256, 257, 1000, 4099}) {
    std::uniform_int_distribution<int> small(-3, 3);  // many ties
    std::vector<double> ties(R);
    for (auto& v : ties) v = small(rng);
    check_against_cpu(ties, "double ties");
    std::vector<double> with_nan = ties;
    with_nan[R / 2] = nan;
    if (R > 4) with_nan[R - 1] = nan;
    check_against_cpu(with_nan, "double nan");
    std::vector<float> floats(R);
    std::normal_distribution<float> normal;
    for (auto& v : floats) v = normal(rng);
    check_against_cpu(floats, "float");
    std::vector<float> infinities(R, -std::numeric_limits<float>::infinity());
    check_against_cpu(infinities, "float -inf");
    std::vector<int64_t> integers(R);
    for (auto& v : integers) v = small(rng);
    check_against_cpu(integers, "int64");
    std::vector<uint8_t> bytes(R);
    for (auto& v : bytes) v = static_cast<uint8_t>(small(rng) + 3);
    check_against_cpu(bytes, "uint8");
  }
  // bool: vector<bool> has no data(), so a plain array.
  for (int64_t R : {1, 300}) {
    std::unique_ptr<bool[]> flags(new bool[R]);
    for (int64_t r = 0; r < R; ++r) flags[r] = (r * 7) % 5 == 3;
    std::vector<bool> copy(flags.get(), flags.get() + R);
    for (bool is_max : {true, false}) {
      bool value = false;
      int64_t index = -1;
      striate::kernels::extreme_reduce<bool>(Device(DeviceType::CPU), &value, &index, flags.get(), 1, R, 1, is_max);
      std::vector<Extreme<bool>> shared(kThreads, Extreme<bool>{false, -1});
      for (int t = 0; t < kThreads; ++t)
        for (int64_t r = t; r < R; r += kThreads)
          shared[t] = extreme_combine(shared[t], Extreme<bool>{flags[r], r}, is_max);
      for (int half = kThreads / 2; half > 0; half /= 2)
        for (int t = 0; t < half; ++t) shared[t] = extreme_combine(shared[t], shared[t + half], is_max);
      CHECK(shared[0].index == index && shared[0].value == value);
    }
  }
}

void test_index_math() {
  CHECK(wrap_index(-1, 5) == 4);
  CHECK(wrap_index(-5, 5) == 0);
  CHECK(wrap_index(3, 5) == 3);
  // A (2, 3, 4) index walked against x strides (40, 8, 1) (a padded x), dim 1 replaced by 7.
  const int64_t sizes[3] = {2, 3, 4};
  const int64_t strides[3] = {40, 8, 1};
  int64_t linear = 0;
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t b = 0; b < 3; ++b)
      for (int64_t c = 0; c < 4; ++c, ++linear) {
        CHECK(strided_offset(linear, 3, sizes, strides, 1, 7) == a * 40 + 7 * 8 + c);
        CHECK(strided_offset(linear, 3, sizes, strides, -1, 0) == a * 40 + b * 8 + c);
      }
}

}  // namespace

int main() {
  test_extreme_order();
  test_index_math();
  return report("test_cuda_block_reduce");
}
