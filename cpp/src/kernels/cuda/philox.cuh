// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel Random Numbers: As Easy
// as 1, 2, 3" (SC'11), written from the paper's definition: a 128-bit counter and a 64-bit key,
// ten rounds of two 32x32->64 multiplies with the Weyl-sequence key bump between rounds. Element
// i of a draw uses counter (offset + i / 4 ...) so a result depends on the seed, the generator's
// offset and the element's index only, never on the launch shape. Plain C++ with
// __host__ __device__ markers: tests/cpp/test_cuda_host.cpp checks the paper's known-answer
// vectors on the host.
#pragma once
#include <cmath>
#include <cstdint>

#include "kernels/cuda/strided.cuh"  // STRIATE_HOST_DEVICE

namespace striate::kernels::cuda {

struct Philox4x32 {
  uint32_t v[4];
};

namespace philox_detail {

constexpr uint32_t kMultiplier0 = 0xD2511F53u;
constexpr uint32_t kMultiplier1 = 0xCD9E8D57u;
constexpr uint32_t kWeyl0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kWeyl1 = 0xBB67AE85u;  // sqrt(3) - 1

STRIATE_HOST_DEVICE inline void round(uint32_t (&counter)[4], uint32_t key0, uint32_t key1) {
  const uint64_t product0 = static_cast<uint64_t>(kMultiplier0) * counter[0];
  const uint64_t product1 = static_cast<uint64_t>(kMultiplier1) * counter[2];
  const uint32_t hi0 = static_cast<uint32_t>(product0 >> 32), lo0 = static_cast<uint32_t>(product0);
  const uint32_t hi1 = static_cast<uint32_t>(product1 >> 32), lo1 = static_cast<uint32_t>(product1);
  const uint32_t next[4] = {hi1 ^ counter[1] ^ key0, lo1, hi0 ^ counter[3] ^ key1, lo0};
  for (int k = 0; k < 4; ++k) counter[k] = next[k];
}

}  // namespace philox_detail

// The ten-round block function: four 32-bit outputs of (counter, key).
STRIATE_HOST_DEVICE inline Philox4x32 philox4x32_10(Philox4x32 counter, uint32_t key0, uint32_t key1) {
  uint32_t c[4] = {counter.v[0], counter.v[1], counter.v[2], counter.v[3]};
  philox_detail::round(c, key0, key1);
  for (int r = 1; r < 10; ++r) {
    key0 += philox_detail::kWeyl0;
    key1 += philox_detail::kWeyl1;
    philox_detail::round(c, key0, key1);
  }
  return {{c[0], c[1], c[2], c[3]}};
}

// The four words of block `block` of the stream (seed, offset): counter = (block + offset as a
// 128-bit sum, low word first), key = the seed's two halves.
STRIATE_HOST_DEVICE inline Philox4x32 philox_block(uint64_t seed, uint64_t offset, uint64_t block) {
  const uint64_t low = offset + block;
  const uint32_t carry = low < offset ? 1u : 0u;
  const Philox4x32 counter{{static_cast<uint32_t>(low), static_cast<uint32_t>(low >> 32), carry, 0u}};
  return philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Uniform in [0, 1): float from 24 bits, double from 53 bits of two words.
STRIATE_HOST_DEVICE inline float uniform_float(uint32_t word) { return static_cast<float>(word >> 8) * 0x1.0p-24f; }
STRIATE_HOST_DEVICE inline double uniform_double(uint32_t high, uint32_t low) {
  const uint64_t bits = (static_cast<uint64_t>(high) << 21) ^ (low >> 11);
  return static_cast<double>(bits & ((uint64_t{1} << 53) - 1)) * 0x1.0p-53;
}

// Element `index` of a uniform [0, 1) draw from (seed, offset): each element its own block, so any
// element is computed alone (blocks used: one per element).
template <typename T>
STRIATE_HOST_DEVICE inline T philox_uniform(uint64_t seed, uint64_t offset, uint64_t index) {
  const Philox4x32 r = philox_block(seed, offset, index);
  if constexpr (sizeof(T) == 4) {
    return static_cast<T>(uniform_float(r.v[0]));
  } else {
    return static_cast<T>(uniform_double(r.v[0], r.v[1]));
  }
}

// Element `index` of a standard normal draw (Box-Muller on the block's words, in double).
template <typename T>
STRIATE_HOST_DEVICE inline T philox_normal(uint64_t seed, uint64_t offset, uint64_t index) {
  const Philox4x32 r = philox_block(seed, offset, index);
  const double u1 = 1.0 - uniform_double(r.v[0], r.v[1]);  // (0, 1]: log stays finite
  const double u2 = uniform_double(r.v[2], r.v[3]);
  return static_cast<T>(sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925286766559 * u2));
}

}  // namespace striate::kernels::cuda
