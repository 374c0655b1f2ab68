// Random draws into a tensor: the seam between the random ops (rand, randn, uniform_, normal_, the
// dropout family's masks) and each device's generator. The CPU draws element after element from
// the given Generator (mt19937_64), so CPU results are those of the generator alone; CUDA draws
// with Philox4x32-10 (kernels/cuda/philox.cuh), element i from counter offset + i of the device's
// state (core/random.h), or of a stream seeded from the given generator when it is not the default.
#pragma once
#include "kernels/kernel.h"
#include "striate/core/random.h"
#include "striate/core/tensor.h"

namespace striate::kernels {

// Uniform: [0, 1). Normal: N(0, 1). Bernoulli: keep_value with probability 1 - p, else 0 (a
// dropout mask: an element is kept when its uniform draw is >= p).
enum class RandomDistribution { Uniform, Normal, Bernoulli };
struct RandomDraw {
  RandomDistribution distribution;
  double p = 0.0;
  double keep_value = 1.0;
};

// Every element of dst (contiguous, float32 or float64) drawn from `draw`.
inline Kernel<void(const Tensor& dst, const RandomDraw& draw, Generator& generator)> random_draw{"random_draw"};

}  // namespace striate::kernels
