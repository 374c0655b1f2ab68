// batch_norm_relu_conv_chain: BatchNorm -> ReLU (-> 2x2 average pool) -> convolutions at
// inference, run over chunks of samples small enough that every intermediate map of a chunk stays
// in the core's L2 (a chunk holds about kChunkPixels pixels). The separate ops write the
// normalized tensor and each intermediate map to memory and read them back (a DenseNet-BC layer's
// normalized input is as wide as everything before it); here only the input is read and the
// last map written, straight into a channel slice of a wider tensor when the caller asks.
#include "striate/ops/fused_inference.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/thread_scratch.h"
#include "kernels/conv.h"
#include "kernels/normalization.h"
#include "ops/conv_common.h"
#include "striate/autograd.h"
#include "striate/core/checked_math.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"
#include "striate/ops/creation.h"
#include "striate/ops/pooling.h"

namespace striate {
namespace {

constexpr const char* kOp = "batch_norm_relu_conv_chain";
// Pixels per chunk: enough columns for the convolutions' register tiles and GEMM panels (a 32x32
// map is one sample), few enough that a chunk of 132 channels (DenseNet-BC-40's widest input)
// fits in a 1 MiB L2.
constexpr int64_t kChunkPixels = 1024;

// Whether each sample's (C, H, W) block of a 4-D tensor is contiguous (the samples may be any
// distance apart: a channel slice of a contiguous tensor).
bool sample_blocks_contiguous(const Tensor& t) {
  int64_t expected = 1;
  for (int64_t d = t.dim() - 1; d >= 1; --d) {
    if (t.size(d) != 1 && t.stride(d) != expected) return false;
    expected *= t.size(d);
  }
  return t.size(0) == 1 || t.stride(0) >= expected;
}

void check_channel_param(const Tensor& t, const Tensor& input, const char* what, bool required) {
  if (!t.defined()) {
    STRIATE_CHECK(!required, kOp, ": expected ", what, " to be a tensor, got None");
    return;
  }
  STRIATE_CHECK_SHAPE(t.dim() == 1 && t.size(0) == input.size(1), kOp, ": expected ", what, " of shape (",
                      input.size(1), "), got ", t.sizes());
  STRIATE_CHECK(t.dtype() == input.dtype(), kOp, ": expected ", what, " of dtype ", input.dtype(), ", got ", t.dtype());
  STRIATE_CHECK(t.device().is_cpu(), kOp, ": expected ", what, " on the CPU, got ", t.device());
}

// A thread's scratch, kept between calls so a steady state allocates nothing (slot 0: the
// normalized chunk, 1: its pooled map, 2 and 3: the maps between convolutions).
struct ChainScratchTag;
template <typename T, int Slot>
using Scratch = detail::ThreadScratch<T, ChainScratchTag, Slot>;

struct Plan {
  int64_t N, C, H, W;  // input
  int64_t PH, PW;      // after the optional pool
  bool pool;
  std::vector<kernels::Conv2dGeometry> convs;  // N = 1 here; set per chunk
  int64_t chunk;                               // samples per chunk
};

// 2x2 stride-2 average pooling (floor mode) of `planes` (H, W) planes into (P, Q) planes. The
// general pooling kernel walks windows one by one (1-3 GB/s); a chunk's planes sit in L2 here.
template <typename T>
void average_2x2(T* out, const T* in, int64_t planes, int64_t H, int64_t W, int64_t P, int64_t Q) {
  for (int64_t plane = 0; plane < planes; ++plane) {
    const T* source = in + plane * H * W;
    T* target = out + plane * P * Q;
    for (int64_t p = 0; p < P; ++p) {
      const T* top = source + 2 * p * W;
      const T* bottom = top + W;
      T* row = target + p * Q;
      for (int64_t q = 0; q < Q; ++q)
        row[q] = T(0.25) * ((top[2 * q] + top[2 * q + 1]) + (bottom[2 * q] + bottom[2 * q + 1]));
    }
  }
}

template <typename T>
void run_chain(const Tensor& input, const ChainBatchNorm& norm, const std::vector<ChainConv>& convs,
               const Tensor& output, const Plan& plan) {
  const Device device = input.device();
  const int64_t C = plan.C, L = plan.H * plan.W, pooled = plan.PH * plan.PW;
  std::vector<T> invstd(static_cast<size_t>(C));
  kernels::batch_norm_invstd<T>(device, invstd.data(), norm.running_var.data<T>(), C, norm.eps);
  const T* mean = norm.running_mean.data<T>();
  const T* gamma = norm.weight.defined() ? norm.weight.data<T>() : nullptr;
  const T* beta = norm.bias.defined() ? norm.bias.data<T>() : nullptr;
  std::vector<const T*> weights, biases;
  for (const ChainConv& conv : convs) {
    weights.push_back(conv.weight.data<T>());
    biases.push_back(conv.bias.defined() ? conv.bias.data<T>() : nullptr);
  }
  const T* in = input.data<T>();
  T* out = output.data<T>();
  const int64_t in_stride = input.size(0) == 1 ? 0 : input.stride(0);
  const int64_t out_stride = output.size(0) == 1 ? 0 : output.stride(0);
  const kernels::Conv2dGeometry& last = plan.convs.back();
  const int64_t out_block = last.K * last.P * last.Q;
  const bool out_dense = plan.N == 1 || out_stride == out_block;
  // The largest intermediate map of a chunk: the two ping-pong buffers hold the convolutions'
  // inputs and outputs in turn.
  int64_t widest = 0;
  for (size_t i = 0; i + 1 < plan.convs.size(); ++i) {
    const auto& g = plan.convs[i];
    widest = std::max(widest, g.K * g.P * g.Q);
  }
  if (!out_dense) widest = std::max(widest, out_block);
  const int64_t chunks = (plan.N + plan.chunk - 1) / plan.chunk;
  parallel_for(0, chunks, 1, [&](int64_t first, int64_t last_chunk) {
    Scratch<T, 0> normalized(plan.chunk * C * L);
    Scratch<T, 1> pooled_map(plan.pool ? plan.chunk * C * pooled : 0);
    Scratch<T, 2> ping(plan.chunk * widest);
    Scratch<T, 3> pong(plan.chunk * widest);
    for (int64_t index = first; index < last_chunk; ++index) {
      const int64_t n0 = index * plan.chunk, count = std::min(plan.chunk, plan.N - n0);
      for (int64_t j = 0; j < count; ++j)
        kernels::batch_norm_relu_apply<T>(device, normalized.data() + j * C * L, in + (n0 + j) * in_stride, mean,
                                          invstd.data(), gamma, beta, 1, C, L);
      const T* source = normalized.data();
      if (plan.pool) {
        average_2x2(pooled_map.data(), normalized.data(), count * C, plan.H, plan.W, plan.PH, plan.PW);
        source = pooled_map.data();
      }
      T* buffers[2] = {ping.data(), pong.data()};
      for (size_t i = 0; i < plan.convs.size(); ++i) {
        kernels::Conv2dGeometry g = plan.convs[i];
        g.N = count;
        const bool final = i + 1 == plan.convs.size();
        T* target = final && out_dense ? out + n0 * out_block : buffers[i % 2];
        kernels::conv2d_forward<T>(device, target, source, weights[i], biases[i], g);
        source = target;
      }
      if (!out_dense)
        for (int64_t j = 0; j < count; ++j)
          std::memcpy(out + (n0 + j) * out_stride, source + j * out_block, static_cast<size_t>(out_block) * sizeof(T));
    }
  });
}

// Validates the chain and lays out its geometry; returns the output shape.
Plan make_plan(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2, const std::vector<ChainConv>& convs,
               Shape& out_shape) {
  STRIATE_CHECK(input.defined(), kOp, ": expected input to be a tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() == 4, kOp, ": expected input of shape (N, C, H, W), got ", input.sizes());
  STRIATE_CHECK(input.dtype() == DType::Float32 || input.dtype() == DType::Float64, kOp,
                ": expected a float32 or float64 input, got ", input.dtype());
  STRIATE_CHECK(input.device().is_cpu(), kOp, ": expected input on the CPU, got ", input.device());
  STRIATE_CHECK(!convs.empty(), kOp, ": expected at least one convolution, got none");
  check_channel_param(norm.running_mean, input, "running_mean", true);
  check_channel_param(norm.running_var, input, "running_var", true);
  check_channel_param(norm.weight, input, "weight", false);
  check_channel_param(norm.bias, input, "bias", false);
  STRIATE_CHECK(norm.eps >= 0, kOp, ": expected eps >= 0, got ", norm.eps);
  const bool recording = grad_mode_enabled();
  auto no_grad = [&](const Tensor& t, const char* what) {
    STRIATE_CHECK(!recording || !t.defined() || !t.requires_grad(), kOp, ": ", what,
                  " requires grad; this op records no autograd graph (run it under no_grad or inference_mode)");
  };
  no_grad(input, "input");
  no_grad(norm.weight, "the batch norm's weight");
  no_grad(norm.bias, "the batch norm's bias");

  Plan plan;
  plan.N = input.size(0);
  plan.C = input.size(1);
  plan.H = input.size(2);
  plan.W = input.size(3);
  plan.pool = avg_pool2;
  Shape shape = input.sizes();
  if (avg_pool2) {
    shape = pool2d_output_shape(shape, Pool2dOptions(2), kOp);
    const ChainConv& first = convs.front();
    const bool pointwise =
        first.weight.defined() && first.weight.dim() == 4 && first.weight.size(2) == 1 && first.weight.size(3) == 1 &&
        first.options.stride()[0] == 1 && first.options.stride()[1] == 1 &&
        conv2d_resolve_padding(first.weight.sizes(), first.options) == std::array<int64_t, 4>{0, 0, 0, 0};
    STRIATE_CHECK(pointwise, kOp,
                  ": avg_pool2 needs a first convolution that is 1x1 with stride 1 and no padding (the pool is "
                  "moved before it)");
  }
  plan.PH = shape[2];
  plan.PW = shape[3];
  for (size_t i = 0; i < convs.size(); ++i) {
    const ChainConv& conv = convs[i];
    STRIATE_CHECK(conv.weight.defined(), kOp, ": expected convs[", i, "].weight to be a tensor, got None");
    STRIATE_CHECK(conv.weight.dtype() == input.dtype() && conv.weight.device().is_cpu(), kOp, ": expected convs[", i,
                  "].weight of dtype ", input.dtype(), " on the CPU, got ", conv.weight.dtype(), " on ",
                  conv.weight.device());
    no_grad(conv.weight, "a convolution's weight");
    const Shape next = conv2d_output_shape(shape, conv.weight.sizes(), conv.options, kOp);
    if (conv.bias.defined()) {
      STRIATE_CHECK_SHAPE(conv.bias.dim() == 1 && conv.bias.size(0) == conv.weight.size(0), kOp, ": expected convs[", i,
                          "].bias of shape (", conv.weight.size(0), "), got ", conv.bias.sizes());
      STRIATE_CHECK(conv.bias.dtype() == input.dtype() && conv.bias.device().is_cpu(), kOp, ": expected convs[", i,
                    "].bias of dtype ", input.dtype(), " on the CPU, got ", conv.bias.dtype(), " on ",
                    conv.bias.device());
      no_grad(conv.bias, "a convolution's bias");
    }
    kernels::Conv2dGeometry g = conv_common::conv2d_geometry(shape, conv.weight.sizes(), next, conv.options);
    g.N = 1;  // set per chunk
    g.relu = conv.relu;
    plan.convs.push_back(g);
    shape = next;
  }
  out_shape = shape;
  // The scratch sizes: chunk * (the widest map of one sample), each checked.
  const int64_t pixels = std::max<int64_t>(1, plan.H * plan.W);
  plan.chunk = std::clamp<int64_t>(kChunkPixels / pixels, 1, std::max<int64_t>(1, plan.N));
  int64_t widest =
      checked_mul(plan.C, checked_mul(plan.H, plan.W, kOp, "the input's sample size"), kOp, "the input's sample size");
  for (const auto& g : plan.convs)
    widest = std::max(widest, checked_mul(g.K, checked_mul(g.P, g.Q, kOp, "a map's size"), kOp, "a map's size"));
  checked_mul(widest, plan.chunk * 4, kOp, "the scratch size");
  return plan;
}

}  // namespace

void batch_norm_relu_conv_chain_out(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2,
                                    const std::vector<ChainConv>& convs, const Tensor& output) {
  Shape out_shape;
  const Plan plan = make_plan(input, norm, avg_pool2, convs, out_shape);
  STRIATE_CHECK(output.defined(), kOp, ": expected output to be a tensor, got None");
  STRIATE_CHECK_SHAPE(output.sizes() == out_shape, kOp, ": expected output of shape ", out_shape, ", got ",
                      output.sizes());
  STRIATE_CHECK(output.dtype() == input.dtype() && output.device().is_cpu(), kOp, ": expected output of dtype ",
                input.dtype(), " on the CPU, got ", output.dtype(), " on ", output.device());
  STRIATE_CHECK(sample_blocks_contiguous(output), kOp,
                ": expected output whose samples' (K, P, Q) blocks are contiguous (a channel slice of a "
                "contiguous tensor), got strides ",
                output.strides());
  STRIATE_CHECK(!grad_mode_enabled() || !output.requires_grad(), kOp,
                ": output requires grad; this op records no autograd graph");
  if (output.numel() == 0) return;
  const Tensor x = sample_blocks_contiguous(input) ? input : input.contiguous();
  const Tensor mean = norm.running_mean.contiguous(), var = norm.running_var.contiguous();
  ChainBatchNorm contiguous_norm{mean, var, norm.weight.defined() ? norm.weight.contiguous() : Tensor(),
                                 norm.bias.defined() ? norm.bias.contiguous() : Tensor(), norm.eps};
  std::vector<ChainConv> contiguous_convs = convs;
  for (ChainConv& conv : contiguous_convs) {
    conv.weight = conv.weight.contiguous();
    if (conv.bias.defined()) conv.bias = conv.bias.contiguous();
  }
  STRIATE_DISPATCH_FLOATING(input.dtype(), kOp,
                            [&] { run_chain<scalar_t>(x, contiguous_norm, contiguous_convs, output, plan); });
  output.storage()->bump_version();
}

Tensor batch_norm_relu_conv_chain(const Tensor& input, const ChainBatchNorm& norm, bool avg_pool2,
                                  const std::vector<ChainConv>& convs) {
  Shape out_shape;
  make_plan(input, norm, avg_pool2, convs, out_shape);
  Tensor output = empty(out_shape, TensorOptions(input.dtype()));
  batch_norm_relu_conv_chain_out(input, norm, avg_pool2, convs, output);
  return output;
}

}  // namespace striate
