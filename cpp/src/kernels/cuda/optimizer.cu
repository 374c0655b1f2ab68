// The fused optimizer updates on CUDA: up to kTensorsPerLaunch parameters of a group per launch,
// their descriptors passed by value (no device copy of the list); blockIdx.y picks the tensor and
// a grid-stride loop covers its elements. Each element repeats the CPU's expressions in its order,
// every product, sum and quotient rounded on its own (the _rn intrinsics: nvcc would otherwise
// contract a * b + c into an fma, which the CPU build does not), so CUDA and CPU give the same bits.
// float16 / bfloat16 parameters (S) load as float32 (T = opmath_t<S>), update in float32 and round
// once per stored value, as the CPU's staged 16-bit update does.
#include "kernels/cuda/current.cuh"
#include "kernels/optimizer.h"

namespace striate::kernels::cuda {
namespace {

constexpr int kTensorsPerLaunch = 16;  // AdamTensor<double> is ~130 bytes: well under 4 KB of arguments

__device__ inline float add(float a, float b) { return __fadd_rn(a, b); }
__device__ inline double add(double a, double b) { return __dadd_rn(a, b); }
__device__ inline float sub(float a, float b) { return __fsub_rn(a, b); }
__device__ inline double sub(double a, double b) { return __dsub_rn(a, b); }
__device__ inline float mul(float a, float b) { return __fmul_rn(a, b); }
__device__ inline double mul(double a, double b) { return __dmul_rn(a, b); }
__device__ inline float quotient(float a, float b) { return __fdiv_rn(a, b); }
__device__ inline double quotient(double a, double b) { return __ddiv_rn(a, b); }
__device__ inline float square_root(float a) { return __fsqrt_rn(a); }
__device__ inline double square_root(double a) { return __dsqrt_rn(a); }

template <typename Tensor>
struct TensorChunk {
  Tensor tensors[kTensorsPerLaunch];
};

template <typename S, typename T = opmath_t<S>>
__global__ void sgd_kernel(TensorChunk<SgdTensor<S>> chunk, SgdScalars<T> s) {
  const SgdTensor<S> x = chunk.tensors[blockIdx.y];
  for (int64_t i = grid_index(); i < x.n; i += grid_step()) {
    // d = -g | g; d = d + wd p; buf = d | buf m + (1 - dampening) d; d = d + m buf | buf; p = p + (-lr) d.
    T p = static_cast<T>(x.param[i]);
    const T g = static_cast<T>(x.grad[i]);
    T d = s.maximize ? -g : g;
    if (s.has_weight_decay) d = add(d, mul(s.weight_decay, p));
    if (s.has_momentum) {
      const T buf =
          x.first ? d : add(mul(static_cast<T>(x.momentum_buffer[i]), s.momentum), mul(s.dampening_complement, d));
      x.momentum_buffer[i] = static_cast<S>(buf);
      d = s.nesterov ? add(d, mul(s.momentum, buf)) : buf;
    }
    x.param[i] = static_cast<S>(add(p, mul(s.negative_lr, d)));
  }
}

template <typename S, typename T = opmath_t<S>>
__global__ void adam_kernel(TensorChunk<AdamTensor<S>> chunk) {
  const AdamTensor<S>& x = chunk.tensors[blockIdx.y];
  const AdamScalars<T>& s = x.scalars;
  for (int64_t i = grid_index(); i < x.n; i += grid_step()) {
    T p = static_cast<T>(x.param[i]);
    const T g = static_cast<T>(x.grad[i]);
    T d = s.maximize ? -g : g;
    if (s.has_weight_decay) {
      if (s.decoupled) {
        p = mul(p, s.decay_factor);
      } else {
        d = add(d, mul(s.weight_decay, p));
      }
    }
    T m = static_cast<T>(x.exp_avg[i]), v = static_cast<T>(x.exp_avg_sq[i]);
    m = add(m, mul(s.one_minus_beta1, sub(d, m)));
    v = add(mul(v, s.beta2), mul(s.one_minus_beta2, mul(d, d)));
    x.exp_avg[i] = static_cast<S>(m);
    x.exp_avg_sq[i] = static_cast<S>(v);
    T second = v;
    if (s.amsgrad) {
      T v_max = static_cast<T>(x.max_exp_avg_sq[i]);
      v_max = (v_max != v_max || v_max > v) ? v_max : v;  // maximum(): NaN wins
      x.max_exp_avg_sq[i] = static_cast<S>(v_max);
      second = v_max;
    }
    T denom = square_root(second);
    if (s.bias_correction) denom = quotient(denom, s.bias_correction2_sqrt);
    denom = add(denom, s.eps);
    x.param[i] = static_cast<S>(add(p, mul(s.negative_step_size, quotient(m, denom))));
  }
}

// Calls launch(chunk, tensors in it, largest n) for every kTensorsPerLaunch tensors.
template <typename Tensor, typename Launch>
void for_each_chunk(const Tensor* tensors, int64_t count, const Launch& launch) {
  for (int64_t first = 0; first < count; first += kTensorsPerLaunch) {
    TensorChunk<Tensor> chunk{};
    const int size = static_cast<int>(count - first < kTensorsPerLaunch ? count - first : kTensorsPerLaunch);
    int64_t largest = 0;
    for (int t = 0; t < size; ++t) {
      chunk.tensors[t] = tensors[first + t];
      largest = tensors[first + t].n > largest ? tensors[first + t].n : largest;
    }
    if (largest > 0) launch(chunk, size, largest);
  }
}

}  // namespace

template <typename T>
void sgd_update(const SgdTensor<T>* tensors, int64_t count, const SgdScalars<opmath_t<T>>& scalars) {
  for_each_chunk(tensors, count, [&](const TensorChunk<SgdTensor<T>>& chunk, int size, int64_t largest) {
    const dim3 grid(blocks_for(largest), size);
    sgd_kernel<T><<<grid, kThreads, 0, current_stream()>>>(chunk, scalars);
    backend::cuda_check_launch("sgd_update");
  });
}

template <typename T>
void adam_update(const AdamTensor<T>* tensors, int64_t count) {
  for_each_chunk(tensors, count, [&](const TensorChunk<AdamTensor<T>>& chunk, int size, int64_t largest) {
    const dim3 grid(blocks_for(largest), size);
    adam_kernel<T><<<grid, kThreads, 0, current_stream()>>>(chunk);
    backend::cuda_check_launch("adam_update");
  });
}

STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sgd_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sgd_update<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, adam_update<float>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, adam_update<double>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sgd_update<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, sgd_update<BFloat16>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, adam_update<Half>);
STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, adam_update<BFloat16>);

}  // namespace striate::kernels::cuda
