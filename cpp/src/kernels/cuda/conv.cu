// Convolutions on CUDA (kernels/conv.h): the 2-D and 3-D passes run on cuDNN when it is loaded and
// takes the geometry (kernels/cuda/conv_cudnn.cuh), and otherwise, always available, lowered to
// im2col + GEMM per sample and group (cuBLAS when loaded, else our tiled GEMM:
// kernels/cuda/gemm.cuh); the locally connected passes are direct loops, one thread per element
// written. Column buffers are device Storage, so they go through the device allocator.
// conv2d_algorithm reports cudnn, gemm_1x1 or im2col_gemm (set_conv_algorithm("im2col_gemm")
// forces our lowering); the CPU-only algorithms (winograd, direct, depthwise) never run here.
#include <cuda_runtime.h>

#include <cstdio>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <type_traits>

#include "kernels/conv.h"
#include "kernels/cuda/conv_cudnn.cuh"
#include "kernels/cuda/gemm.cuh"
#include "kernels/cuda/im2col.cuh"
#include "kernels/cuda/launch.cuh"
#include "striate/core/checked_math.h"
#include "striate/core/error.h"
#include "striate/core/storage.h"

namespace striate::kernels::cuda {
namespace {

// One lowered convolution: per sample, output (K, OPQ) = weight (K, C * taps) @ columns, by group.
struct Lowered {
  int64_t N, C, K, groups;
  int64_t in_spatial, out_spatial, taps;  // D * H * W, O * P * Q, U * R * S
  bool pointwise;                         // the input is its own column matrix
  bool relu;
  ColumnGeometry columns;
};

Lowered lowered(const Conv2dGeometry& g) {
  const bool pointwise = g.R == 1 && g.S == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
                         g.pad_left == 0 && g.P == g.H && g.Q == g.W;
  return {g.N, g.C, g.K, g.groups, g.H * g.W, g.P * g.Q, g.R * g.S, pointwise, g.relu, column_geometry(g)};
}

Lowered lowered(const Conv3dGeometry& g) {
  const bool pointwise = g.U == 1 && g.R == 1 && g.S == 1 && g.stride_d == 1 && g.stride_h == 1 && g.stride_w == 1 &&
                         g.pad_front == 0 && g.pad_top == 0 && g.pad_left == 0 && g.O == g.D && g.P == g.H &&
                         g.Q == g.W;
  return {
      g.N, g.C, g.K, g.groups, g.D * g.H * g.W, g.O * g.P * g.Q, g.U * g.R * g.S, pointwise, false, column_geometry(g)};
}

// A buffer of `count` T on the current device, from the device allocator (freed when dropped;
// the allocator orders reuse after the kernels queued on this stream).
template <typename T>
std::shared_ptr<Storage> device_buffer(int64_t count, const char* op) {
  return Storage::allocate(checked_nbytes(count, sizeof(T), op), Device(DeviceType::CUDA, current_device()));
}

template <typename T>
__global__ void bias_relu_kernel(T* output, const T* bias, int64_t K, int64_t spatial, bool relu, int64_t total) {
  for (int64_t i = grid_index(); i < total; i += grid_step()) {
    T value = output[i];
    if (bias) value += bias[i / spatial % K];
    output[i] = relu && value <= T(0) ? T(0) : value;  // NaN kept, as PyTorch's relu
  }
}

// dbias[k] = the sum of doutput (N, K, spatial) over n and the spatial positions: one block per k,
// a shared-memory tree reduction (fixed order: deterministic).
template <typename T>
__global__ void bias_grad_kernel(T* dbias, const T* doutput, int64_t N, int64_t K, int64_t spatial) {
  __shared__ T partial[kThreads];
  for (int64_t k = blockIdx.x; k < K; k += gridDim.x) {
    T sum = T(0);
    for (int64_t i = threadIdx.x; i < N * spatial; i += blockDim.x) {
      const int64_t n = i / spatial, j = i % spatial;
      sum += doutput[(n * K + k) * spatial + j];
    }
    partial[threadIdx.x] = sum;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
      if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
      __syncthreads();
    }
    if (threadIdx.x == 0) dbias[k] = partial[0];
    __syncthreads();
  }
}

unsigned reduction_blocks(int64_t count) {
  return static_cast<unsigned>(count < 65535 ? (count < 1 ? 1 : count) : 65535);
}

template <typename T>
void bias_grad(T* dbias, const T* doutput, int64_t N, int64_t K, int64_t spatial) {
  if (K == 0) return;
  bias_grad_kernel<T><<<reduction_blocks(K), kThreads, 0, stream(current_device())>>>(dbias, doutput, N, K, spatial);
  backend::cuda_check_launch("conv bias gradient");
}

template <typename T>
void zero(T* data, int64_t count) {
  if (count == 0) return;
  const int device = current_device();
  const cudaError_t status = cudaMemsetAsync(data, 0, static_cast<size_t>(count) * sizeof(T), stream(device));
  if (status != cudaSuccess)
    throw RuntimeError(detail::str("CUDA error in conv (zero fill): ", cudaGetErrorString(status)));
}

// Our own lowering: output (N, K, OPQ) = weight @ im2col(input), sample by sample, group by group.
template <typename T>
void lowered_forward(T* output, const T* input, const T* weight, const Lowered& L) {
  const int64_t Cg = L.C / L.groups, Kg = L.K / L.groups, rows = Cg * L.taps, OPQ = L.out_spatial;
  std::shared_ptr<Storage> columns;
  if (!L.pointwise && L.N > 0) columns = device_buffer<T>(checked_mul(L.C * L.taps, OPQ, "conv", "columns"), "conv");
  for (int64_t n = 0; n < L.N; ++n) {
    const T* in = input + n * L.C * L.in_spatial;
    T* out = output + n * L.K * OPQ;
    const T* col = in;
    if (!L.pointwise) {
      im2col(static_cast<T*>(columns->data()), in, L.columns);
      col = static_cast<const T*>(columns->data());
    }
    gemm_strided_batched<T>(false, false, Kg, OPQ, rows, T(1), weight, rows, Kg * rows, col, OPQ, rows * OPQ, T(0), out,
                            OPQ, Kg * OPQ, L.groups);
  }
}

template <typename T>
void lowered_backward_input(T* dinput, const T* doutput, const T* weight, const Lowered& L) {
  const int64_t Cg = L.C / L.groups, Kg = L.K / L.groups, rows = Cg * L.taps, OPQ = L.out_spatial;
  std::shared_ptr<Storage> columns;
  if (!L.pointwise && L.N > 0) columns = device_buffer<T>(checked_mul(L.C * L.taps, OPQ, "conv", "columns"), "conv");
  for (int64_t n = 0; n < L.N; ++n) {
    const T* dout = doutput + n * L.K * OPQ;
    T* din = dinput + n * L.C * L.in_spatial;
    T* dcol = L.pointwise ? din : static_cast<T*>(columns->data());
    gemm_strided_batched<T>(true, false, rows, OPQ, Kg, T(1), weight, rows, Kg * rows, dout, OPQ, Kg * OPQ, T(0), dcol,
                            OPQ, rows * OPQ, L.groups);
    if (!L.pointwise) col2im(din, static_cast<const T*>(dcol), L.columns);
  }
}

template <typename T>
void lowered_backward_weight(T* dweight, const T* doutput, const T* input, const Lowered& L) {
  const int64_t Cg = L.C / L.groups, Kg = L.K / L.groups, rows = Cg * L.taps, OPQ = L.out_spatial;
  if (L.N == 0) {
    zero(dweight, L.K * rows);
    return;
  }
  std::shared_ptr<Storage> columns;
  if (!L.pointwise) columns = device_buffer<T>(checked_mul(L.C * L.taps, OPQ, "conv", "columns"), "conv");
  for (int64_t n = 0; n < L.N; ++n) {
    const T* dout = doutput + n * L.K * OPQ;
    const T* col = input + n * L.C * L.in_spatial;
    if (!L.pointwise) {
      im2col(static_cast<T*>(columns->data()), col, L.columns);
      col = static_cast<const T*>(columns->data());
    }
    // dweight_g (Kg, rows) (+)= dout_g (Kg, OPQ) @ col_g^T; the first sample overwrites.
    gemm_strided_batched<T>(false, true, Kg, rows, OPQ, T(1), dout, OPQ, Kg * OPQ, col, OPQ, rows * OPQ,
                            n == 0 ? T(0) : T(1), dweight, rows, Kg * rows, L.groups);
  }
}

// The forward's epilogue, whichever path computed the convolution: + bias, then the fused ReLU.
template <typename T>
void bias_relu(T* output, const T* bias, const Lowered& L) {
  const int64_t total = L.N * L.K * L.out_spatial;
  if ((bias || L.relu) && total > 0) {
    bias_relu_kernel<T>
        <<<blocks_for(total), kThreads, 0, stream(current_device())>>>(output, bias, L.K, L.out_spatial, L.relu, total);
    backend::cuda_check_launch("conv bias");
  }
}

std::string describe(const Conv2dGeometry& g) {
  return detail::str("conv2d ", "N=", g.N, " C=", g.C, " H=", g.H, " W=", g.W, " K=", g.K, " R=", g.R, " S=", g.S,
                     " stride=(", g.stride_h, ", ", g.stride_w, ") pad=(", g.pad_top, ", ", g.pad_left, ") dilation=(",
                     g.dilation_h, ", ", g.dilation_w, ") groups=", g.groups, g.relu ? " +relu" : "");
}

std::string describe(const Conv3dGeometry& g) {
  return detail::str("conv3d ", "N=", g.N, " C=", g.C, " D=", g.D, " H=", g.H, " W=", g.W, " K=", g.K, " U=", g.U,
                     " R=", g.R, " S=", g.S, " groups=", g.groups);
}

// STRIATE_LOG_CONV_ALGORITHM=1: each (geometry, pass, path that ran) is printed once, as on the
// CPU; a cuDNN call that declined shows as the lowering that ran instead.
template <typename T, typename Geometry>
void log_path(const Geometry& g, ConvPass pass, bool cudnn, const Lowered& L) {
  if (!conv_algorithm_logging()) return;
  static std::mutex mutex;
  static std::set<std::string> seen;
  const ConvAlgorithm algorithm =
      cudnn ? ConvAlgorithm::Cudnn : (L.pointwise ? ConvAlgorithm::Gemm1x1 : ConvAlgorithm::Im2colGemm);
  const std::string line =
      detail::str("striate: cuda ", describe(g), " ", conv_pass_name(pass), " ",
                  std::is_same_v<T, float> ? "float32" : "float64", " -> ", conv_algorithm_name(algorithm));
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.insert(line).second) std::fprintf(stderr, "%s\n", line.c_str());
}

// The three passes: cuDNN where it is usable and takes the problem, else our lowering.
template <typename T, typename Geometry>
void forward_pass(T* output, const T* input, const T* weight, const T* bias, const Geometry& g) {
  const Lowered L = lowered(g);
  bool done = false;
  if (cudnn_conv::usable())
    if (const auto problem = cudnn_conv::problem_of(g)) done = cudnn_conv::forward(output, input, weight, *problem);
  if (!done) lowered_forward(output, input, weight, L);
  bias_relu(output, bias, L);
  log_path<T>(g, ConvPass::Forward, done, L);
}

template <typename T, typename Geometry>
void backward_input_pass(T* dinput, const T* doutput, const T* weight, const Geometry& g) {
  const Lowered L = lowered(g);
  bool done = false;
  if (cudnn_conv::usable())
    if (const auto problem = cudnn_conv::problem_of(g))
      done = cudnn_conv::backward_data(dinput, doutput, weight, *problem);
  if (!done) lowered_backward_input(dinput, doutput, weight, L);
  log_path<T>(g, ConvPass::BackwardInput, done, L);
}

template <typename T, typename Geometry>
void backward_weight_pass(T* dweight, T* dbias, const T* doutput, const T* input, const Geometry& g) {
  const Lowered L = lowered(g);
  bool done = false;
  if (cudnn_conv::usable())
    if (const auto problem = cudnn_conv::problem_of(g))
      done = cudnn_conv::backward_filter(dweight, doutput, input, *problem);
  if (!done) lowered_backward_weight(dweight, doutput, input, L);
  log_path<T>(g, ConvPass::BackwardWeight, done, L);
  if (dbias) {
    if (L.N == 0)
      zero(dbias, L.K);
    else
      bias_grad(dbias, doutput, L.N, L.K, L.out_spatial);
  }
}

// ---- locally connected: weight (P * Q, K, C * R * S), bias (K, P, Q) ----------------------------

template <typename T>
__device__ inline T window_value(const T* input, const Conv2dGeometry& g, int64_t n, int64_t i, int64_t p, int64_t q) {
  // i = (c * R + r) * S + s
  const int64_t s = i % g.S, r = i / g.S % g.R, c = i / (g.S * g.R);
  const int64_t y = tap_source(p, r, g.stride_h, g.pad_top, g.dilation_h, g.H);
  const int64_t x = tap_source(q, s, g.stride_w, g.pad_left, g.dilation_w, g.W);
  return y >= 0 && x >= 0 ? input[((n * g.C + c) * g.H + y) * g.W + x] : T(0);
}

template <typename T>
__global__ void locally_connected_forward_kernel(T* output, const T* input, const T* weight, const T* bias,
                                                 Conv2dGeometry g, int64_t total) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  for (int64_t idx = grid_index(); idx < total; idx += grid_step()) {
    const int64_t pq = idx % PQ, k = idx / PQ % g.K, n = idx / (PQ * g.K);
    const T* filter = weight + (pq * g.K + k) * CRS;
    T sum = bias ? bias[k * PQ + pq] : T(0);
    for (int64_t i = 0; i < CRS; ++i) sum += filter[i] * window_value(input, g, n, i, pq / g.Q, pq % g.Q);
    output[idx] = sum;
  }
}

template <typename T>
__global__ void locally_connected_backward_input_kernel(T* dinput, const T* doutput, const T* weight, Conv2dGeometry g,
                                                        int64_t total) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  for (int64_t idx = grid_index(); idx < total; idx += grid_step()) {
    const int64_t x = idx % g.W, y = idx / g.W % g.H, c = idx / (g.W * g.H) % g.C, n = idx / (g.W * g.H * g.C);
    T sum = T(0);
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t p = tap_target(y, r, g.stride_h, g.pad_top, g.dilation_h, g.P);
      if (p < 0) continue;
      for (int64_t s = 0; s < g.S; ++s) {
        const int64_t q = tap_target(x, s, g.stride_w, g.pad_left, g.dilation_w, g.Q);
        if (q < 0) continue;
        const int64_t pq = p * g.Q + q, i = (c * g.R + r) * g.S + s;
        for (int64_t k = 0; k < g.K; ++k) sum += weight[(pq * g.K + k) * CRS + i] * doutput[(n * g.K + k) * PQ + pq];
      }
    }
    dinput[idx] = sum;
  }
}

template <typename T>
__global__ void locally_connected_backward_weight_kernel(T* dweight, const T* doutput, const T* input, Conv2dGeometry g,
                                                         int64_t total) {
  const int64_t CRS = g.C * g.R * g.S, PQ = g.P * g.Q;
  for (int64_t idx = grid_index(); idx < total; idx += grid_step()) {
    const int64_t i = idx % CRS, k = idx / CRS % g.K, pq = idx / (CRS * g.K);
    T sum = T(0);
    for (int64_t n = 0; n < g.N; ++n)
      sum += doutput[(n * g.K + k) * PQ + pq] * window_value(input, g, n, i, pq / g.Q, pq % g.Q);
    dweight[idx] = sum;
  }
}

template <typename T>
__global__ void locally_connected_backward_bias_kernel(T* dbias, const T* doutput, Conv2dGeometry g, int64_t total) {
  const int64_t PQ = g.P * g.Q;
  for (int64_t idx = grid_index(); idx < total; idx += grid_step()) {
    // idx = k * PQ + pq, as dbias (K, P, Q) and one sample's doutput (K, P, Q) are laid out
    T sum = T(0);
    for (int64_t n = 0; n < g.N; ++n) sum += doutput[n * g.K * PQ + idx];
    dbias[idx] = sum;
  }
}

}  // namespace

// ---- 2-D ------------------------------------------------------------------------------------------

template <typename T>
ConvAlgorithm conv2d_algorithm(const Conv2dGeometry& g, ConvPass) {
  if (cudnn_conv::usable() && cudnn_conv::problem_of(g)) return ConvAlgorithm::Cudnn;
  return lowered(g).pointwise ? ConvAlgorithm::Gemm1x1 : ConvAlgorithm::Im2colGemm;
}

template <typename T>
void conv2d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  forward_pass(output, input, weight, bias, g);
}

template <typename T>
void conv2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  backward_input_pass(dinput, doutput, weight, g);
}

template <typename T>
void conv2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g) {
  backward_weight_pass(dweight, dbias, doutput, input, g);
}

// ---- 3-D ------------------------------------------------------------------------------------------

template <typename T>
void conv3d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv3dGeometry& g) {
  forward_pass(output, input, weight, bias, g);
}

template <typename T>
void conv3d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv3dGeometry& g) {
  backward_input_pass(dinput, doutput, weight, g);
}

template <typename T>
void conv3d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv3dGeometry& g) {
  backward_weight_pass(dweight, dbias, doutput, input, g);
}

// ---- locally connected ----------------------------------------------------------------------------

template <typename T>
void locally_connected2d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  const int64_t total = g.N * g.K * g.P * g.Q;
  if (total == 0) return;
  locally_connected_forward_kernel<T>
      <<<blocks_for(total), kThreads, 0, stream(current_device())>>>(output, input, weight, bias, g, total);
  backend::cuda_check_launch("locally_connected2d");
}

template <typename T>
void locally_connected2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  const int64_t total = g.N * g.C * g.H * g.W;
  if (total == 0) return;
  locally_connected_backward_input_kernel<T>
      <<<blocks_for(total), kThreads, 0, stream(current_device())>>>(dinput, doutput, weight, g, total);
  backend::cuda_check_launch("locally_connected2d backward");
}

template <typename T>
void locally_connected2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input,
                                         const Conv2dGeometry& g) {
  const int64_t PQ = g.P * g.Q, total = PQ * g.K * g.C * g.R * g.S;
  const cudaStream_t queue = stream(current_device());
  if (total > 0) {
    locally_connected_backward_weight_kernel<T>
        <<<blocks_for(total), kThreads, 0, queue>>>(dweight, doutput, input, g, total);
    backend::cuda_check_launch("locally_connected2d backward");
  }
  if (dbias && g.K * PQ > 0) {
    locally_connected_backward_bias_kernel<T>
        <<<blocks_for(g.K * PQ), kThreads, 0, queue>>>(dbias, doutput, g, g.K * PQ);
    backend::cuda_check_launch("locally_connected2d backward");
  }
}

#define STRIATE_IMPLEMENT_CUDA_CONV(T)                                               \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv2d_algorithm<T>);                   \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv2d_forward<T>);                     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv2d_backward_input<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv2d_backward_weight<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv3d_forward<T>);                     \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv3d_backward_input<T>);              \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, conv3d_backward_weight<T>);             \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, locally_connected2d_forward<T>);        \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, locally_connected2d_backward_input<T>); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CUDA, locally_connected2d_backward_weight<T>);
STRIATE_IMPLEMENT_CUDA_CONV(float)
STRIATE_IMPLEMENT_CUDA_CONV(double)
#undef STRIATE_IMPLEMENT_CUDA_CONV

}  // namespace striate::kernels::cuda
