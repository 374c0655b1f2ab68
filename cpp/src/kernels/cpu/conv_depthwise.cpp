// Depthwise convolution (groups == C, K = multiplier * C): each output channel k reads only input
// channel k / multiplier, so there is no channel sum to vectorize over; the planes' loops
// (conv_direct_impl.h) run along the rows instead, in float32 and float64, on a staged
// (zero-padded, stride-phase-split) copy of one input plane at a time.
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "kernels/cpu/conv_direct.h"
#include "kernels/cpu/conv_direct_isa.h"
#include "kernels/cpu/conv_direct_staging.h"
#include "striate/core/parallel.h"

namespace striate::kernels::cpu::depthwise {
namespace {

using direct::Staging;

direct::detail::DepthwisePlane plane_of(const Conv2dGeometry& g, const Staging& st,
                                        const std::vector<int64_t>& columns) {
  direct::detail::DepthwisePlane d;
  d.P = g.P, d.Q = g.Q, d.R = g.R, d.S = g.S;
  d.row_step = g.stride_h * st.row, d.tap_row = g.dilation_h * st.row;
  d.col_offsets = columns.data();
  d.stride_h = g.stride_h, d.dilation_h = g.dilation_h;
  d.rows = st.rows, d.phases = g.stride_w, d.positions = st.positions;
  d.margin = (g.S - 1) * g.dilation_w / g.stride_w;  // the largest position a tap starts at
  d.padded_row = d.margin + st.positions;
  return d;
}

std::vector<int64_t> column_offsets(const Conv2dGeometry& g, const Staging& st) {
  std::vector<int64_t> columns(g.S);
  for (int64_t s = 0; s < g.S; ++s) columns[s] = direct::column_offset(g, st, s);
  return columns;
}

template <typename T>
struct Loops {
  decltype(direct::detail::Variant::depthwise_forward_f32) forward;
  decltype(direct::detail::Variant::depthwise_backward_input_f32) backward_input;
  decltype(direct::detail::Variant::depthwise_weight_f32) weight;
};
template <>
struct Loops<double> {
  decltype(direct::detail::Variant::depthwise_forward_f64) forward;
  decltype(direct::detail::Variant::depthwise_backward_input_f64) backward_input;
  decltype(direct::detail::Variant::depthwise_weight_f64) weight;
};

template <typename T>
Loops<T> loops() {
  const direct::detail::Variant& v = direct::detail::selected_variant();
  if constexpr (std::is_same_v<T, float>)
    return {v.depthwise_forward_f32, v.depthwise_backward_input_f32, v.depthwise_weight_f32};
  else
    return {v.depthwise_forward_f64, v.depthwise_backward_input_f64, v.depthwise_weight_f64};
}

}  // namespace

bool supports(const Conv2dGeometry& g) {
  return g.groups == g.C && g.C > 0 && g.K % g.C == 0 && g.K > 0 && g.N > 0 && g.P > 0 && g.Q > 0;
}

template <typename T>
void forward(T* output, const T* input, const T* weight, const T* bias, const Conv2dGeometry& g) {
  const Loops<T> run = loops<T>();
  const Staging st = direct::staging_of(g);
  const std::vector<int64_t> columns = column_offsets(g, st);
  const direct::detail::DepthwisePlane d = plane_of(g, st, columns);
  const int64_t multiplier = g.K / g.C, RS = g.R * g.S, PQ = g.P * g.Q;
  parallel_for(0, g.N * g.C, 1, [&](int64_t first, int64_t last) {
    std::vector<T> staged(st.plane);
    for (int64_t i = first; i < last; ++i) {
      const int64_t n = i / g.C, c = i % g.C;
      direct::stage_plane(staged.data(), input + i * g.H * g.W, g, st);
      for (int64_t m = 0; m < multiplier; ++m) {
        const int64_t k = c * multiplier + m;
        run.forward(output + (n * g.K + k) * PQ, staged.data(), weight + k * RS, bias ? bias[k] : T(0), g.relu, d);
      }
    }
  });
}

template <typename T>
void backward_input(T* dinput, const T* doutput, const T* weight, const Conv2dGeometry& g) {
  const Loops<T> run = loops<T>();
  const Staging st = direct::staging_of(g);
  const std::vector<int64_t> columns = column_offsets(g, st);
  const direct::detail::DepthwisePlane d = plane_of(g, st, columns);
  const int64_t multiplier = g.K / g.C, RS = g.R * g.S;
  parallel_for(0, g.N * g.C, 1, [&](int64_t first, int64_t last) {
    std::vector<T> staged(st.plane);
    // The channel's output-gradient planes, each row `margin` zeros in and zero past Q.
    std::vector<T> padded(multiplier * g.P * d.padded_row, T(0));
    for (int64_t i = first; i < last; ++i) {
      const int64_t n = i / g.C, c = i % g.C;
      for (int64_t m = 0; m < multiplier; ++m)
        for (int64_t p = 0; p < g.P; ++p) {
          const T* src = doutput + ((n * g.K + c * multiplier + m) * g.P + p) * g.Q;
          std::copy(src, src + g.Q, padded.data() + (m * g.P + p) * d.padded_row + d.margin);
        }
      run.backward_input(staged.data(), padded.data(), weight + c * multiplier * RS, multiplier, d);
      direct::unstage_plane(dinput + i * g.H * g.W, staged.data(), g, st);
    }
  });
}

template <typename T>
void backward_weight(T* dweight, T* dbias, const T* doutput, const T* input, const Conv2dGeometry& g) {
  const Loops<T> run = loops<T>();
  const Staging st = direct::staging_of(g);
  const std::vector<int64_t> columns = column_offsets(g, st);
  const direct::detail::DepthwisePlane d = plane_of(g, st, columns);
  const int64_t multiplier = g.K / g.C, RS = g.R * g.S, PQ = g.P * g.Q;
  // Tasks: input channels, each over every sample (its output channels' sums are its own).
  parallel_for(0, g.C, 1, [&](int64_t first, int64_t last) {
    std::vector<T> staged(st.plane);
    std::vector<T> sums(multiplier * RS * g.Q);
    for (int64_t c = first; c < last; ++c) {
      std::fill(sums.begin(), sums.end(), T(0));
      for (int64_t n = 0; n < g.N; ++n) {
        direct::stage_plane(staged.data(), input + (n * g.C + c) * g.H * g.W, g, st);
        for (int64_t m = 0; m < multiplier; ++m)
          run.weight(sums.data() + m * RS * g.Q, doutput + (n * g.K + c * multiplier + m) * PQ, staged.data(), d);
      }
      for (int64_t m = 0; m < multiplier; ++m) {
        const int64_t k = c * multiplier + m;
        for (int64_t t = 0; t < RS; ++t) {
          double sum = 0.0;
          for (int64_t q = 0; q < g.Q; ++q) sum += sums[(m * RS + t) * g.Q + q];
          dweight[k * RS + t] = static_cast<T>(sum);
        }
        if (dbias) {
          double sum = 0.0;
          for (int64_t n = 0; n < g.N; ++n) {
            const T* dy = doutput + (n * g.K + k) * PQ;
            for (int64_t j = 0; j < PQ; ++j) sum += dy[j];
          }
          dbias[k] = static_cast<T>(sum);
        }
      }
    }
  });
}

#define STRIATE_DEPTHWISE(T)                                                         \
  template void forward<T>(T*, const T*, const T*, const T*, const Conv2dGeometry&); \
  template void backward_input<T>(T*, const T*, const T*, const Conv2dGeometry&);    \
  template void backward_weight<T>(T*, T*, const T*, const T*, const Conv2dGeometry&);
STRIATE_DEPTHWISE(float)
STRIATE_DEPTHWISE(double)
#undef STRIATE_DEPTHWISE

}  // namespace striate::kernels::cpu::depthwise
