// 2-D convolution on the CPU: the algorithm rule (conv2d_algorithm) and the GEMM lowering. im2col
// turns a batch of samples (per group) into one matrix product; backward runs the transposed
// products and folds columns back with col2im.
#include "kernels/conv.h"

#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <type_traits>

#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_lowering.h"
#include "kernels/cpu/conv_winograd.h"
#include "striate/core/error.h"

namespace striate::kernels::cpu {
namespace {

using lowering::valid_range;

// A 1x1 kernel with unit stride and no padding needs no unfolding: the input is its own column matrix.
bool is_pointwise(const Conv2dGeometry& g) {
  return g.R == 1 && g.S == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
         g.P == g.H && g.Q == g.W;
}

// The rule: the forced preference where it can run, else the cheapest algorithm that applies.
// Winograd vectorizes over channels: with fewer than a vector's worth on either side (an RGB
// stem) the lanes idle. Its rounding differs from im2col's by ~1e-6 of the output's scale; the
// stem's forward and weight gradient would also gain (1.5-2.9x measured), left for when the
// per-element tolerances of the layer tests are made scale-relative.
// Winograd also transforms the whole weight (or its gradient) on each call, which only pays over
// enough tiles: a VGG layer of 512 channels on an 8x8, 4x4 or 2x2 map at batch 1 (4, 4 or 1
// tiles) ran 2-6x slower than im2col + GEMM, a 16x16 one (16 tiles) 2.2x faster.
int64_t winograd_tiles(const Conv2dGeometry& g) {
  const int64_t m = winograd::tile_size(g);
  return g.N * ((g.P + m - 1) / m) * ((g.Q + m - 1) / m);
}
// The limit holds for large weights only (K C >= 16384): a 64 -> 64 layer on an 8x8 map at
// batch 1 (ResNet-20's last stage, 4 tiles) still ran 1.14x faster in Winograd than direct, and
// DenseNet's 48 -> 12 layers 1.4x.
bool winograd_wins(const Conv2dGeometry& g, ConvPass) {
  return g.C >= 8 && g.K >= 8 && (winograd_tiles(g) >= 8 || g.K * g.C < 16384);
}

// A forward pass with at most 16 output pixels in all (a 2x2 or 4x4 map at batch 1) is a GEMM
// with a small side, which the unpacked dot products run at 40-60 GFLOP/s (1 thread) where the
// direct loops reached 6-25: the im2col copy is small next to the weight read once.
bool tiny_output(const Conv2dGeometry& g, ConvPass pass) { return pass == ConvPass::Forward && g.N * g.P * g.Q <= 16; }

// Direct (float32, groups 1) where bench_conv_direct measured it ahead of im2col at 1 thread
// (1.1-2.9x: ResNet-20's stride-2 layers, LeNet-5's 5x5 layers, RGB stems, 5x5 and 7x7 layers)
// and not behind at 2; 1x1 kernels (unmeasured) stay on the GEMMs. Forward and weight gradient
// lose only where a short channel sum (C R S < 64) meets many output channels (a 3->64 stem:
// 0.9x), where the per-row conversion back to NCHW outweighs the sums. The input gradient is
// never chosen by the rule: it wins at 1 thread only with C >= 16 (1.1-1.3x; it vectorizes over
// input channels) but lost at 2 threads in every run (0.2-0.8x), so it runs only when forced.
// A weight gradient with at most 4 input channels runs vectorized over output columns, ahead of
// im2col at any channel count (direct::weight_by_columns).
bool direct_wins(const Conv2dGeometry& g, ConvPass pass) {
  if (pass == ConvPass::BackwardInput) return false;
  if (pass == ConvPass::BackwardWeight && direct::weight_by_columns(g)) return true;
  return g.C * g.R * g.S >= 64 || g.K <= 16;
}

// Depthwise (groups == C > 1): always ahead of im2col per group, which runs one tiny GEMM per
// channel.
bool depthwise_wins(const Conv2dGeometry& g) { return g.groups > 1; }

template <typename T>
ConvAlgorithm choose(const Conv2dGeometry& g, ConvPass pass) {
  const ConvAlgorithm preferred = striate::conv_algorithm();
  if (preferred == ConvAlgorithm::Im2colGemm) return ConvAlgorithm::Im2colGemm;
  if (depthwise::supports(g) && (preferred == ConvAlgorithm::Depthwise || depthwise_wins(g)))
    return ConvAlgorithm::Depthwise;
  if constexpr (std::is_same_v<T, float>) {
    if (preferred == ConvAlgorithm::Direct && direct::supports(g)) return ConvAlgorithm::Direct;
    const bool runs = pass == ConvPass::BackwardWeight ? winograd::supports_backward_weight(g) : winograd::supports(g);
    if (runs && (preferred == ConvAlgorithm::Winograd || winograd_wins(g, pass))) return ConvAlgorithm::Winograd;
    if (g.R * g.S > 1 && direct::supports(g) && direct_wins(g, pass) && !tiny_output(g, pass))
      return ConvAlgorithm::Direct;
  }
  return is_pointwise(g) ? ConvAlgorithm::Gemm1x1 : ConvAlgorithm::Im2colGemm;
}

// x += residual (then max(0, x) when relu; NaN stays NaN, as in the relu op and PyTorch: a plain
// x > 0 test would turn it into 0) over n values: a residual for the algorithms that do not add it
// as they write. The rounding is that of the separate add and relu ops.
template <typename T>
void add_residual_in_place(T* x, const T* residual, int64_t n, bool relu) {
  if (relu) {
    for (int64_t i = 0; i < n; ++i) {
      const T y = x[i] + residual[i];
      x[i] = y <= T(0) ? T(0) : y;
    }
  } else {
    for (int64_t i = 0; i < n; ++i) x[i] += residual[i];
  }
}

// STRIATE_LOG_CONV_ALGORITHM=1: each (geometry, pass, algorithm) is printed the first time it runs.
void log_choice(const Conv2dGeometry& g, ConvPass pass, ConvAlgorithm algorithm, const char* dtype) {
  static std::mutex mutex;
  static std::set<std::string> seen;
  const std::string line =
      detail::str("striate: conv2d ", conv_pass_name(pass), " ", dtype, " N=", g.N, " C=", g.C, " H=", g.H, " W=", g.W,
                  " K=", g.K, " R=", g.R, " S=", g.S, " stride=(", g.stride_h, ", ", g.stride_w, ") pad=(", g.pad_top,
                  ", ", g.pad_left, ") dilation=(", g.dilation_h, ", ", g.dilation_w, ") groups=", g.groups,
                  g.relu ? " +relu" : "", " -> ", conv_algorithm_name(algorithm));
  std::lock_guard<std::mutex> lock(mutex);
  if (seen.insert(line).second) std::fprintf(stderr, "%s\n", line.c_str());
}

template <typename T>
ConvAlgorithm chosen(const Conv2dGeometry& g, ConvPass pass) {
  const ConvAlgorithm algorithm = choose<T>(g, pass);
  if (conv_algorithm_logging()) log_choice(g, pass, algorithm, std::is_same_v<T, float> ? "float32" : "float64");
  return algorithm;
}

lowering::LoweredConv lowered(const Conv2dGeometry& g, ConvAlgorithm algorithm) {
  return {g.N, g.C, g.K, g.groups, g.H * g.W, g.P * g.Q, g.R * g.S, algorithm == ConvAlgorithm::Gemm1x1, g.relu};
}

}  // namespace

template <typename T>
void im2col(T* col, const T* input, const Conv2dGeometry& g, int64_t channels, int64_t ld) {
  const int64_t PQ = g.P * g.Q;
  for (int64_t c = 0; c < channels; ++c) {
    const T* plane = input + c * g.H * g.W;
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t row_offset = r * g.dilation_h - g.pad_top;
      int64_t p_begin, p_end;
      valid_range(row_offset, g.stride_h, g.H, g.P, p_begin, p_end);
      for (int64_t s = 0; s < g.S; ++s) {
        T* row = col + ((c * g.R + r) * g.S + s) * ld;
        const int64_t column_offset = s * g.dilation_w - g.pad_left;
        int64_t q_begin, q_end;
        valid_range(column_offset, g.stride_w, g.W, g.Q, q_begin, q_end);
        // Rows are short (often 8 to 32): plain loops, which the compiler vectorizes, beat
        // memset / memcpy calls here.
        if (p_begin > 0 || p_end < g.P || q_begin > 0 || q_end < g.Q)
          for (int64_t i = 0; i < PQ; ++i) row[i] = T(0);
        for (int64_t p = p_begin; p < p_end; ++p) {
          const T* in = plane + (p * g.stride_h + row_offset) * g.W;
          T* out = row + p * g.Q;
          for (int64_t q = q_begin; q < q_end; ++q) out[q] = in[q * g.stride_w + column_offset];
        }
      }
    }
  }
}

template <typename T>
void col2im(T* dinput, const T* dcol, const Conv2dGeometry& g, int64_t channels, int64_t ld) {
  for (int64_t c = 0; c < channels; ++c) {
    T* plane = dinput + c * g.H * g.W;
    for (int64_t r = 0; r < g.R; ++r) {
      const int64_t row_offset = r * g.dilation_h - g.pad_top;
      int64_t p_begin, p_end;
      valid_range(row_offset, g.stride_h, g.H, g.P, p_begin, p_end);
      for (int64_t s = 0; s < g.S; ++s) {
        const T* row = dcol + ((c * g.R + r) * g.S + s) * ld;
        const int64_t column_offset = s * g.dilation_w - g.pad_left;
        int64_t q_begin, q_end;
        valid_range(column_offset, g.stride_w, g.W, g.Q, q_begin, q_end);
        for (int64_t p = p_begin; p < p_end; ++p) {
          T* out = plane + (p * g.stride_h + row_offset) * g.W;
          const T* in = row + p * g.Q;
          for (int64_t q = q_begin; q < q_end; ++q) out[q * g.stride_w + column_offset] += in[q];
        }
      }
    }
  }
}

template <typename T>
ConvAlgorithm conv2d_algorithm(const Conv2dGeometry& g, ConvPass pass) {
  return choose<T>(g, pass);
}

template <typename T>
void conv2d_forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  const ConvAlgorithm algorithm = chosen<T>(g, ConvPass::Forward);
  // The direct and Winograd kernels add a residual as they write; the others write conv + bias first.
  const bool residual_in_kernel =
      std::is_same_v<T, float> && (algorithm == ConvAlgorithm::Direct || algorithm == ConvAlgorithm::Winograd);
  if (g.residual && !residual_in_kernel) {
    Conv2dGeometry plain = g;
    plain.residual = nullptr;
    plain.relu = false;
    conv2d_forward<T>(output, input, weight, bias, plain);
    add_residual_in_place(output, static_cast<const T*>(g.residual), g.N * g.K * g.P * g.Q, g.relu);
    return;
  }
  if (algorithm == ConvAlgorithm::Depthwise) return depthwise::forward(output, input, weight, bias, g);
  if constexpr (std::is_same_v<T, float>) {
    if (algorithm == ConvAlgorithm::Direct) return direct::forward(output, input, weight, bias, g);
    if (algorithm == ConvAlgorithm::Winograd) return winograd::forward(output, input, weight, bias, g);
  }
  lowering::forward(output, input, weight, bias, lowered(g, algorithm),
                    [&](T* col, int64_t ld, const T* in, int64_t channels) { im2col(col, in, g, channels, ld); });
}

template <typename T>
void conv2d_backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  const ConvAlgorithm algorithm = chosen<T>(g, ConvPass::BackwardInput);
  if (algorithm == ConvAlgorithm::Depthwise) return depthwise::backward_input(dinput, doutput, weight, g);
  if constexpr (std::is_same_v<T, float>) {
    if (algorithm == ConvAlgorithm::Direct) return direct::backward_input(dinput, doutput, weight, g);
    if (algorithm == ConvAlgorithm::Winograd) return winograd::backward_input(dinput, doutput, weight, g);
  }
  lowering::backward_input(
      dinput, doutput, weight, lowered(g, algorithm),
      [&](T* din, const T* dcol, int64_t ld, int64_t channels) { col2im(din, dcol, g, channels, ld); });
}

template <typename T>
void conv2d_backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g) {
  const ConvAlgorithm algorithm = chosen<T>(g, ConvPass::BackwardWeight);
  if (algorithm == ConvAlgorithm::Depthwise) return depthwise::backward_weight(dweight, dbias, doutput, input, g);
  if constexpr (std::is_same_v<T, float>) {
    if (algorithm == ConvAlgorithm::Direct) return direct::backward_weight(dweight, dbias, doutput, input, g);
    if (algorithm == ConvAlgorithm::Winograd) return winograd::backward_weight(dweight, dbias, doutput, input, g);
  }
  lowering::backward_weight(
      dweight, dbias, doutput, input, lowered(g, algorithm),
      [&](T* col, int64_t ld, const T* in, int64_t channels) { im2col(col, in, g, channels, ld); });
}

#define STRIATE_IMPLEMENT_CONV(T)                                                 \
  template void im2col<T>(T*, const T*, const Conv2dGeometry&, int64_t, int64_t); \
  template void col2im<T>(T*, const T*, const Conv2dGeometry&, int64_t, int64_t); \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_algorithm<T>);                 \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_forward<T>);                   \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_backward_input<T>);            \
  STRIATE_IMPLEMENT_KERNEL(DeviceType::CPU, conv2d_backward_weight<T>);
STRIATE_IMPLEMENT_CONV(float)
STRIATE_IMPLEMENT_CONV(double)
#undef STRIATE_IMPLEMENT_CONV

}  // namespace striate::kernels::cpu
