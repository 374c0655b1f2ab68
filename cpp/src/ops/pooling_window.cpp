// Pooling over computed windows: adaptive average/max pooling, fractional max pooling, and the
// inverse max_unpool2d; plus channel-wise max pooling (maxout), composed from a reshape and max.
#include <cmath>
#include <string>
#include <vector>

#include "kernels/pooling.h"
#include "ops/dispatch.h"
#include "ops/reduced_precision.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/pooling.h"
#include "striate/ops/reduce.h"

namespace striate {
namespace {

std::string pair_str(const IntPair& v) { return detail::str("(", v[0], ", ", v[1], ")"); }

void check_planes_input(const Tensor& input, const char* op) {
  STRIATE_CHECK(input.defined(), op, ": expected an input tensor, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_SHAPE(input.dim() == 3 || input.dim() == 4, op,
                      ": expected input of shape (N, C, H, W) or (C, H, W), got ", input.sizes());
  int d = input.dim();
  // Zero channels give an empty output (as PyTorch); an empty plane has no window to pool.
  STRIATE_CHECK_SHAPE(input.size(d - 2) > 0 && input.size(d - 1) > 0, op,
                      ": expected input with non-zero H and W, got ", input.sizes());
}

Shape with_plane_size(const Shape& input, int64_t P, int64_t Q) {
  Shape out = input;
  out[out.size() - 2] = P;
  out[out.size() - 1] = Q;
  return out;
}

// Window bounds and the geometry pointing at them; the vectors must outlive every kernel call.
struct Windows {
  std::vector<int64_t> h_begin, h_end, w_begin, w_end;
  kernels::WindowPool2dGeometry geometry(int64_t planes, int64_t H, int64_t W, int64_t P, int64_t Q,
                                         bool per_plane) const {
    return {planes, H, W, P, Q, h_begin.data(), h_end.data(), w_begin.data(), w_end.data(), per_plane};
  }
};

// Routes each output gradient to the input position its index names (adaptive and fractional
// max pooling share it; the scatter kernel is 2-D max pooling's).
struct IndexedMaxPoolBackward : autograd::Node {
  autograd::SavedTensor indices;
  kernels::Pool2dGeometry geometry;  // only planes, H, W, P, Q are read
  Shape input_shape;
  DType dtype = DType::Float32;
  std::string node_name;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor index = indices.unpack(node_name.c_str());
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, node_name.c_str(), [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t) + dout.numel() * sizeof(int64_t));
      kernels::max_pool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                             index.data<int64_t>(), geometry);
    });
    return {dinput};
  }
  std::string name() const override { return node_name; }
  void release_saved() override { indices.reset(); }
};

std::tuple<Tensor, Tensor> window_max_pool2d(const Tensor& input, const Shape& out_shape, const Windows& windows,
                                             bool per_plane, const char* node_name) {
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), window_max_pool2d, input, out_shape, windows, per_plane, node_name);
  int d = input.dim();
  int64_t H = input.size(d - 2), W = input.size(d - 1), P = out_shape[d - 2], Q = out_shape[d - 1];
  int64_t planes = input.numel() / (H * W);
  const auto geometry = windows.geometry(planes, H, W, P, Q, per_plane);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  Tensor indices = empty(out_shape, TensorOptions(DType::Int64).set_device(input.device()));
  STRIATE_DISPATCH_FLOATING(input.dtype(), node_name, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t) + y.numel() * sizeof(int64_t));
    kernels::window_max_pool2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), indices.data<int64_t>(),
                                                 x.data<scalar_t>(), geometry);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<IndexedMaxPoolBackward>();
    node->indices = autograd::SavedTensor(indices);
    node->geometry.planes = planes;
    node->geometry.H = H;
    node->geometry.W = W;
    node->geometry.P = P;
    node->geometry.Q = Q;
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    node->node_name = node_name;
    autograd::record(node, {&input}, y);
  }
  return {y, indices};
}

// PyTorch's adaptive windows: [floor(i * in / out), ceil((i + 1) * in / out)).
void adaptive_bounds(int64_t in, int64_t out, std::vector<int64_t>& begin, std::vector<int64_t>& end) {
  begin.resize(out);
  end.resize(out);
  for (int64_t i = 0; i < out; ++i) {
    begin[i] = i * in / out;
    end[i] = ((i + 1) * in + out - 1) / out;
  }
}

Windows adaptive_windows(const Tensor& input, IntPair output_size, const char* op) {
  STRIATE_CHECK(output_size[0] > 0 && output_size[1] > 0, op, ": expected output_size > 0, got ",
                pair_str(output_size));
  Windows windows;
  int d = input.dim();
  adaptive_bounds(input.size(d - 2), output_size[0], windows.h_begin, windows.h_end);
  adaptive_bounds(input.size(d - 1), output_size[1], windows.w_begin, windows.w_end);
  return windows;
}

}  // namespace

// ---- adaptive pooling --------------------------------------------------------------------

struct AdaptiveAvgPool2dBackward : autograd::Node {
  Windows windows;
  int64_t planes = 0, H = 0, W = 0, P = 0, Q = 0;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    const auto geometry = windows.geometry(planes, H, W, P, Q, false);
    STRIATE_DISPATCH_FLOATING(dtype, "adaptive_avg_pool2d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t));
      kernels::window_avg_pool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                                    geometry);
    });
    return {dinput};
  }
  std::string name() const override { return "AdaptiveAvgPool2dBackward"; }
};

Tensor adaptive_avg_pool2d(const Tensor& input, IntPair output_size) {
  dispatch::device_of("adaptive_avg_pool2d", input);
  check_planes_input(input, "adaptive_avg_pool2d");
  STRIATE_COMPUTE_IN_FLOAT32(input.dtype(), adaptive_avg_pool2d, input, output_size);
  Windows windows = adaptive_windows(input, output_size, "adaptive_avg_pool2d");
  const Shape out_shape = with_plane_size(input.sizes(), output_size[0], output_size[1]);
  int d = input.dim();
  int64_t H = input.size(d - 2), W = input.size(d - 1);
  int64_t planes = input.numel() / (H * W);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  STRIATE_DISPATCH_FLOATING(input.dtype(), "adaptive_avg_pool2d", [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t));
    kernels::window_avg_pool2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(),
                                                 windows.geometry(planes, H, W, output_size[0], output_size[1], false));
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<AdaptiveAvgPool2dBackward>();
    node->windows = std::move(windows);
    node->planes = planes;
    node->H = H;
    node->W = W;
    node->P = output_size[0];
    node->Q = output_size[1];
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return y;
}

std::tuple<Tensor, Tensor> adaptive_max_pool2d_with_indices(const Tensor& input, IntPair output_size) {
  dispatch::device_of("adaptive_max_pool2d", input);
  check_planes_input(input, "adaptive_max_pool2d");
  Windows windows = adaptive_windows(input, output_size, "adaptive_max_pool2d");
  const Shape out_shape = with_plane_size(input.sizes(), output_size[0], output_size[1]);
  return window_max_pool2d(input, out_shape, windows, false, "AdaptiveMaxPool2dBackward");
}

Tensor adaptive_max_pool2d(const Tensor& input, IntPair output_size) {
  return std::get<0>(adaptive_max_pool2d_with_indices(input, output_size));
}

// ---- fractional max pooling --------------------------------------------------------------

namespace {

// PyTorch's interval sequence: the starts of `out` windows of size `kernel` spread over `in`
// positions by the sample u in [0, 1), in the input's precision; the last window ends at `in`.
template <typename T>
void fractional_starts(T sample, int64_t in, int64_t out, int64_t kernel, int64_t* begin, int64_t* end) {
  if (out > 1) {
    T alpha = static_cast<T>(in - kernel) / static_cast<T>(out - 1);
    for (int64_t i = 0; i < out - 1; ++i)
      begin[i] = static_cast<int64_t>((static_cast<T>(i) + sample) * alpha) - static_cast<int64_t>(sample * alpha);
  }
  begin[out - 1] = in - kernel;
  for (int64_t i = 0; i < out; ++i) end[i] = begin[i] + kernel;
}

}  // namespace

std::tuple<Tensor, Tensor> fractional_max_pool2d_with_indices(const Tensor& input, IntPair kernel_size,
                                                              IntPair output_size, const Tensor& random_samples) {
  dispatch::device_of("fractional_max_pool2d", input);
  const char* op = "fractional_max_pool2d";
  check_planes_input(input, op);
  int d = input.dim();
  int64_t H = input.size(d - 2), W = input.size(d - 1);
  int64_t N = d == 4 ? input.size(0) : 1, C = input.size(d - 3);
  STRIATE_CHECK(kernel_size[0] > 0 && kernel_size[1] > 0, op, ": expected kernel_size > 0, got ",
                pair_str(kernel_size));
  STRIATE_CHECK(output_size[0] > 0 && output_size[1] > 0, op, ": expected output_size > 0, got ",
                pair_str(output_size));
  STRIATE_CHECK(output_size[0] + kernel_size[0] - 1 <= H && output_size[1] + kernel_size[1] - 1 <= W, op,
                ": expected output_size + kernel_size - 1 <= input size, got output_size ", pair_str(output_size),
                " and kernel_size ", pair_str(kernel_size), " for input ", input.sizes());
  Tensor samples;
  if (random_samples.defined()) {
    STRIATE_CHECK_TYPE(random_samples.dtype() == input.dtype(), op, ": expected _random_samples of the input's dtype ",
                       input.dtype(), ", got ", random_samples.dtype());
    STRIATE_CHECK_SHAPE(random_samples.sizes() == Shape({N, C, 2}), op, ": expected _random_samples of shape (", N,
                        ", ", C, ", 2), got ", random_samples.sizes());
    samples = random_samples.detach().contiguous();
    // The windows are built on the host: device samples are read through a CPU copy.
    if (!samples.device().is_cpu()) samples = samples.to(Device(DeviceType::CPU));
  } else {
    samples = rand({N, C, 2}, input.dtype());
  }
  const int64_t planes = N * C, P = output_size[0], Q = output_size[1];
  Windows windows;
  windows.h_begin.resize(planes * P);
  windows.h_end.resize(planes * P);
  windows.w_begin.resize(planes * Q);
  windows.w_end.resize(planes * Q);
  STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
    const scalar_t* sample = samples.data<scalar_t>();
    for (int64_t plane = 0; plane < planes; ++plane) {
      scalar_t u_width = sample[plane * 2], u_height = sample[plane * 2 + 1];
      STRIATE_CHECK(u_width >= 0 && u_width < 1 && u_height >= 0 && u_height < 1, op,
                    ": expected _random_samples in [0, 1), got ", u_width, " and ", u_height);
      fractional_starts<scalar_t>(u_height, H, P, kernel_size[0], &windows.h_begin[plane * P],
                                  &windows.h_end[plane * P]);
      fractional_starts<scalar_t>(u_width, W, Q, kernel_size[1], &windows.w_begin[plane * Q],
                                  &windows.w_end[plane * Q]);
    }
  });
  return window_max_pool2d(input, with_plane_size(input.sizes(), P, Q), windows, true, "FractionalMaxPool2dBackward");
}

Tensor fractional_max_pool2d(const Tensor& input, IntPair kernel_size, IntPair output_size,
                             const Tensor& random_samples) {
  return std::get<0>(fractional_max_pool2d_with_indices(input, kernel_size, output_size, random_samples));
}

// ---- max unpooling -----------------------------------------------------------------------

struct MaxUnpool2dBackward : autograd::Node {
  autograd::SavedTensor indices;
  int64_t planes = 0, H = 0, W = 0, P = 0, Q = 0;
  Shape input_shape;
  DType dtype = DType::Float32;

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    Tensor index = indices.unpack("MaxUnpool2dBackward");
    Tensor dout = grads[0].contiguous();
    Tensor dinput = empty(input_shape, TensorOptions(dtype).set_device(grads[0].device()));
    STRIATE_DISPATCH_FLOATING(dtype, "max_unpool2d backward", [&] {
      STRIATE_PROFILE_BYTES((dinput.numel() + dout.numel()) * sizeof(scalar_t) + dinput.numel() * sizeof(int64_t));
      kernels::max_unpool2d_backward<scalar_t>(dinput.device(), dinput.data<scalar_t>(), dout.data<scalar_t>(),
                                               index.data<int64_t>(), planes, H, W, P, Q);
    });
    return {dinput, Tensor()};
  }
  std::string name() const override { return "MaxUnpool2dBackward"; }
  void release_saved() override { indices.reset(); }
};

Tensor max_unpool2d(const Tensor& input, const Tensor& indices, const Pool2dOptions& options,
                    std::optional<IntPair> output_size) {
  dispatch::device_of("max_unpool2d", {{"input", input}, {"indices", indices}});
  const char* op = "max_unpool2d";
  check_planes_input(input, op);
  STRIATE_CHECK(indices.defined(), op, ": expected an indices tensor, got None");
  STRIATE_CHECK_TYPE(indices.dtype() == DType::Int64, op, ": expected int64 indices, got ", indices.dtype());
  STRIATE_CHECK_SHAPE(indices.sizes() == input.sizes(), op, ": expected indices of the input's shape ", input.sizes(),
                      ", got ", indices.sizes());
  const auto& kernel = options.kernel_size();
  const auto& stride = options.stride();
  const auto& padding = options.padding();
  STRIATE_CHECK(kernel[0] > 0 && kernel[1] > 0, op, ": expected kernel_size > 0, got ", pair_str(kernel));
  STRIATE_CHECK(stride[0] > 0 && stride[1] > 0, op, ": expected stride > 0, got ", pair_str(stride));
  STRIATE_CHECK(padding[0] >= 0 && padding[1] >= 0, op, ": expected padding >= 0, got ", pair_str(padding));
  int d = input.dim();
  int64_t H = input.size(d - 2), W = input.size(d - 1);
  IntPair size = {(H - 1) * stride[0] - 2 * padding[0] + kernel[0], (W - 1) * stride[1] - 2 * padding[1] + kernel[1]};
  if (output_size) {
    for (int axis = 0; axis < 2; ++axis) {
      int64_t low = size[axis] - stride[axis], high = size[axis] + stride[axis];
      STRIATE_CHECK(low < (*output_size)[axis] && (*output_size)[axis] < high, op, ": expected output_size ",
                    pair_str(*output_size), " with dim ", axis, " between ", low, " and ", high, " (exclusive)");
    }
    size = *output_size;
  }
  STRIATE_CHECK_SHAPE(size[0] > 0 && size[1] > 0, op, ": output size ", pair_str(size), " is too small");
  Tensor index = indices.detach().contiguous();
  {
    // The range check reads the indices on the host (a copy when they live on a device).
    const Tensor host_index = index.device().is_cpu() ? index : index.to(Device(DeviceType::CPU));
    const int64_t* host_data = host_index.data<int64_t>();
    for (int64_t i = 0; i < host_index.numel(); ++i)
      STRIATE_CHECK_INDEX(host_data[i] >= 0 && host_data[i] < size[0] * size[1], op, ": index ", host_data[i],
                          " is out of range for an output plane of size ", pair_str(size));
  }
  const int64_t* index_data = index.data<int64_t>();
  const Shape out_shape = with_plane_size(input.sizes(), size[0], size[1]);
  const int64_t planes = input.numel() / (H * W);
  Tensor x = input.detach().contiguous();
  Tensor y = empty(out_shape, options_of(input));
  STRIATE_DISPATCH_FLOATING(input.dtype(), op, [&] {
    STRIATE_PROFILE_BYTES((x.numel() + y.numel()) * sizeof(scalar_t) + x.numel() * sizeof(int64_t));
    kernels::max_unpool2d_forward<scalar_t>(y.device(), y.data<scalar_t>(), x.data<scalar_t>(), index_data, planes, H,
                                            W, size[0], size[1]);
  });
  if (autograd::needs_grad(input)) {
    auto node = std::make_shared<MaxUnpool2dBackward>();
    node->indices = autograd::SavedTensor(index);
    node->planes = planes;
    node->H = H;
    node->W = W;
    node->P = size[0];
    node->Q = size[1];
    node->input_shape = input.sizes();
    node->dtype = input.dtype();
    autograd::record(node, {&input}, y);
  }
  return y;
}

// ---- channel max pooling -----------------------------------------------------------------

Tensor channel_max_pool(const Tensor& input, int64_t group_size) {
  dispatch::device_of("channel_max_pool", input);
  const char* op = "channel_max_pool";
  STRIATE_CHECK(input.defined(), op, ": expected an input tensor, got None");
  STRIATE_CHECK_TYPE(input.is_floating_point(), op, ": expected a floating-point input (float32 or float64), got ",
                     input.dtype());
  STRIATE_CHECK_SHAPE(input.dim() >= 2, op, ": expected input of shape (N, C, *), got ", input.sizes());
  STRIATE_CHECK(group_size > 0, op, ": expected kernel_size > 0, got ", group_size);
  int64_t C = input.size(1);
  STRIATE_CHECK_SHAPE(C % group_size == 0, op, ": expected the channel count ", C, " to be divisible by kernel_size ",
                      group_size, ", got input ", input.sizes());
  Shape grouped = input.sizes();
  grouped[1] = C / group_size;
  grouped.insert(2, group_size);
  // max over a dim routes its gradient to the first maximum, as the op promises.
  return std::get<0>(max(input.reshape(grouped), 2));
}

STRIATE_REGISTER_OP("adaptive_max_pool2d", &kernels::window_max_pool2d_forward<float>,
                    &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("fractional_max_pool2d", &kernels::window_max_pool2d_forward<float>,
                    &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("channel_max_pool", &kernels::window_max_pool2d_forward<float>,
                    &kernels::max_pool2d_backward<float>);
STRIATE_REGISTER_OP("adaptive_avg_pool2d", &kernels::window_avg_pool2d_forward<float>,
                    &kernels::window_avg_pool2d_backward<float>);
STRIATE_REGISTER_OP("max_unpool2d", &kernels::max_unpool2d_forward<float>, &kernels::max_unpool2d_backward<float>);

}  // namespace striate
