// The contract between the direct-convolution drivers (conv_direct.cpp, conv_depthwise.cpp: staging,
// packing, threads) and their SIMD variants (conv_direct_<isa>.cpp: the register-blocked loops).
//
// Both kernels read a "staged" source laid out so that the pixels of one register block are
// consecutive floats: the drivers split every staged row into stride phases (element w of a row
// sits at phase w % stride, position w / stride), so a run of outputs along a row reads a run of
// consecutive inputs for every kernel tap, whatever the stride and dilation.
#pragma once
#include <cstdint>

namespace striate::kernels::cpu::direct::detail {

// A depthwise plane as its loops see it: output (P, Q); kernel R x S; staged rows (`rows` of
// them, each `phases` phases of `positions`) `row_step / stride_h` elements apart, so output row
// p, tap row r reads staged row p * stride_h + r * dilation_h, and tap column s starts
// col_offsets[s] further along it (phase col_offsets[s] / positions).
// The input gradient gathers from output-gradient rows staged `margin` zeros in, `padded_row`
// long (zero past Q).
struct DepthwisePlane {
  int64_t P, Q, R, S;
  int64_t row_step, tap_row;
  const int64_t* col_offsets;
  int64_t stride_h, dilation_h, rows, phases, positions;
  int64_t margin, padded_row;
};

// One compiled variant (plain data: safe to pass between ISA files). Call its functions only when
// striate::cpu_isa_supported() allows it.
struct Variant {
  int lanes;  // the vector width in floats; blocks of channels are `width` = lanes or 2 * lanes
              // wide (and 8 on AVX-512, in half vectors, for layers with at most 8 channels)
  // tile[j][0, width) = sum over ci in [0, channels), t in [0, taps) of
  //   src[ci * channel_stride + offsets[t] + j] * packed[(ci * taps + t) * width + lane]
  // for j in [0, count): one run of `count` outputs of a block of `width` channels.
  void (*gather)(float* tile, const float* src, int64_t channel_stride, const int64_t* offsets, int64_t taps,
                 int64_t channels, const float* packed, int64_t count, int width);
  // acc[t][0, width) += sum over p in [0, rows), q in [0, cols) of
  //   src[offsets[t] + p * row_stride + q] * blocked[(p * cols + q) * width + lane]
  // for t in [0, taps): the weight gradient of `taps` taps for a block of `width` channels.
  void (*accumulate)(float* acc, const float* src, const int64_t* offsets, int64_t taps, int64_t rows, int64_t cols,
                     int64_t row_stride, const float* blocked, int width);
  // acc[(k * acc_row + t) * lanes + lane] += lane `lane` of the sum over p in [0, rows), q in
  // [0, cols) of dout[k * dout_channel + p * cols + q] * src[offsets[t] + p * row_stride + q]
  // for k in [0, channels), t in [0, taps): the weight gradient vectorized over output columns
  // (stride_w 1; the lanes summed once at the end), for layers whose few input channels leave
  // channel blocks mostly empty. Channels in runs of at most column_channels and taps in runs of
  // column_taps waste no registers.
  void (*accumulate_columns)(float* acc, int64_t acc_row, const float* src, const int64_t* offsets, int64_t taps,
                             int64_t rows, int64_t cols, int64_t row_stride, const float* dout, int64_t dout_channel,
                             int64_t channels);
  int column_lanes, column_taps, column_channels;
  // Depthwise, one (sample, output channel) plane; `staged` is the phase-split, zero-padded input
  // plane (or input-gradient plane) of its channel, `weight` its R x S taps.
  //   forward:         out (P, Q) = relu?(bias + sum over taps of weight * staged)
  //   backward_input:  staged (overwritten) = the sum over the channel's `multiplier` outputs m of
  //                    their taps' weights times padded_dout[m] (P, padded_row), gathered
  //   weight:          sums[t][q] += dout[p][q] * staged at tap t, summed over p (reduce over q after)
  void (*depthwise_forward_f32)(float* out, const float* staged, const float* weight, float bias, bool relu,
                                const DepthwisePlane& d);
  void (*depthwise_forward_f64)(double* out, const double* staged, const double* weight, double bias, bool relu,
                                const DepthwisePlane& d);
  void (*depthwise_backward_input_f32)(float* staged, const float* padded_dout, const float* weight, int64_t multiplier,
                                       const DepthwisePlane& d);
  void (*depthwise_backward_input_f64)(double* staged, const double* padded_dout, const double* weight,
                                       int64_t multiplier, const DepthwisePlane& d);
  void (*depthwise_weight_f32)(float* sums, const float* dout, const float* staged, const DepthwisePlane& d);
  void (*depthwise_weight_f64)(double* sums, const double* dout, const double* staged, const DepthwisePlane& d);
};

Variant variant_generic();
Variant variant_avx2();
Variant variant_avx512();

// The variant striate::cpu_isa() selects now.
const Variant& selected_variant();

}  // namespace striate::kernels::cpu::direct::detail
