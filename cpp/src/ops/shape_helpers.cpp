// pad, interpolate, pixel_shuffle, one_hot and unflatten: checks and PyTorch's index rules; the
// data movement is index_select / cat / views, whose backward nodes give these ops theirs.
#include "striate/ops/shape_helpers.h"

#include <cmath>
#include <string>
#include <vector>

#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/shape_ops.h"

namespace striate {
namespace {

Tensor index_tensor(const std::vector<int64_t>& values) {
  return tensor<int64_t>(values, Shape({static_cast<int64_t>(values.size())}));
}

// Source positions of a reflect or replicate padding of one dim.
std::vector<int64_t> padded_positions(int64_t size, int64_t left, int64_t right, bool reflect) {
  std::vector<int64_t> positions;
  positions.reserve(size + left + right);  // one allocation: a size too large fails here, at once
  for (int64_t i = -left; i < size + right; ++i) {
    if (reflect)
      positions.push_back(i < 0 ? -i : (i >= size ? 2 * (size - 1) - i : i));
    else
      positions.push_back(std::min(std::max<int64_t>(i, 0), size - 1));
  }
  return positions;
}

Tensor constant_pad(const Tensor& input, const std::vector<int64_t>& pad, double value) {
  Tensor x = input;
  for (size_t pair = 0; pair < pad.size() / 2; ++pair) {
    const int dim = x.dim() - 1 - static_cast<int>(pair);
    int64_t left = pad[2 * pair], right = pad[2 * pair + 1];
    int64_t size = x.size(dim);
    const int64_t padded =
        checked_add(checked_add(size, left, "pad", "the padded size"), right, "pad", "the padded size");
    STRIATE_CHECK_SHAPE(padded > 0, "pad: expected a positive padded size for dim ", dim, ", got ", size, " + ", left,
                        " + ", right);
    Shape padded_shape = x.sizes();
    padded_shape[dim] = padded;
    checked_nbytes(padded_shape.numel("pad"), element_size(x.dtype()), "pad");
    // Negative amounts crop first; positive ones then add constant blocks.
    int64_t begin = left < 0 ? -left : 0, end = right < 0 ? size + right : size;
    if (begin != 0 || end != size) x = x.narrow(dim, begin, end - begin);
    if (left <= 0 && right <= 0) continue;
    std::vector<Tensor> parts;
    Shape block = x.sizes();
    if (left > 0) {
      block[dim] = left;
      parts.push_back(full(block, value, options_of(x)));
    }
    parts.push_back(x);
    if (right > 0) {
      block[dim] = right;
      parts.push_back(full(block, value, options_of(x)));
    }
    x = cat(parts, dim);
  }
  return x;
}

}  // namespace

Tensor pad(const Tensor& input, const std::vector<int64_t>& pad, const std::string& mode, double value) {
  STRIATE_CHECK(input.defined(), "pad: expected an input tensor, got None");
  STRIATE_CHECK(pad.size() % 2 == 0, "pad: expected an even number of padding amounts, got ", pad.size());
  STRIATE_CHECK(static_cast<int>(pad.size() / 2) <= input.dim(), "pad: expected at most ", 2 * input.dim(),
                " padding amounts for a ", input.dim(), "-d input, got ", pad.size());
  if (mode == "constant") return constant_pad(input, pad, value);
  if (mode == "circular") STRIATE_NOT_IMPLEMENTED("pad: mode='circular' is not supported");
  STRIATE_CHECK(mode == "reflect" || mode == "replicate",
                "pad: expected mode 'constant', 'reflect' or 'replicate', got '", mode, "'");
  STRIATE_CHECK(value == 0.0, "pad: expected no value for mode '", mode, "', got ", value);
  const int padded_dims = static_cast<int>(pad.size() / 2);
  STRIATE_CHECK(padded_dims >= 1 && padded_dims <= 3, "pad: mode '", mode, "' pads the last 1, 2 or 3 dims, got ",
                pad.size(), " padding amounts");
  // PyTorch supports these combinations only, and reports others as not implemented.
  if (input.dim() != padded_dims + 1 && input.dim() != padded_dims + 2)
    STRIATE_NOT_IMPLEMENTED("pad: mode '", mode, "' with ", pad.size(), " padding amounts expects a ", padded_dims + 1,
                            "-d or ", padded_dims + 2, "-d input, got shape ", input.sizes());
  const bool reflect = mode == "reflect";
  Tensor x = input;
  for (int pair = 0; pair < padded_dims; ++pair) {
    const int dim = x.dim() - 1 - pair;
    int64_t left = pad[2 * pair], right = pad[2 * pair + 1], size = x.size(dim);
    STRIATE_CHECK(left >= 0 && right >= 0, "pad: expected non-negative padding for mode '", mode, "', got (", left,
                  ", ", right, ")");
    STRIATE_CHECK_SHAPE(size > 0, "pad: expected a non-empty dim ", dim, " for mode '", mode, "', got shape ",
                        input.sizes());
    if (reflect)
      STRIATE_CHECK(left < size && right < size, "pad: reflect padding (", left, ", ", right,
                    ") must be smaller than the size ", size, " of dim ", dim);
    if (left == 0 && right == 0) continue;
    Shape padded_shape = x.sizes();
    padded_shape[dim] = checked_add(checked_add(size, left, "pad", "the padded size"), right, "pad", "the padded size");
    checked_nbytes(padded_shape.numel("pad"), element_size(x.dtype()), "pad");
    x = index_select(x, dim, index_tensor(padded_positions(size, left, right, reflect)));
  }
  return x;
}

// ---- interpolate -------------------------------------------------------------------------

IntPair interpolate_output_size(const Shape& input, std::optional<IntPair> size,
                                std::optional<std::array<double, 2>> scale_factor) {
  STRIATE_CHECK(size.has_value() != scale_factor.has_value(),
                size ? "interpolate: expected only one of size or scale_factor, got both"
                     : "interpolate: expected either size or scale_factor, got neither");
  IntPair out;
  for (int axis = 0; axis < 2; ++axis) {
    if (size) {
      out[axis] = (*size)[axis];
      STRIATE_CHECK(out[axis] > 0, "interpolate: expected size > 0, got (", (*size)[0], ", ", (*size)[1], ")");
    } else {
      double factor = (*scale_factor)[axis];
      STRIATE_CHECK(factor > 0, "interpolate: expected scale_factor > 0, got ", factor);
      STRIATE_CHECK(std::isfinite(factor), "interpolate: expected a finite scale_factor, got ", factor);
      const double scaled = std::floor(static_cast<double>(input[input.size() - 2 + axis]) * factor);
      // 2^63 is exact in a double; a size at or past it has no int64 value.
      STRIATE_CHECK(scaled < 9223372036854775808.0, "interpolate: size too large: scale_factor ", factor,
                    " gives an output size of ", scaled, " for input ", input);
      out[axis] = static_cast<int64_t>(scaled);
      STRIATE_CHECK_SHAPE(out[axis] > 0, "interpolate: scale_factor ", factor, " gives an empty output for input ",
                          input);
    }
  }
  return out;
}

namespace {

// PyTorch computes the scale in the input's precision (float for float32): 1 / scale_factor
// when one is given, else in / out.
template <typename T>
T source_scale(int64_t in, int64_t out, std::optional<double> scale_factor) {
  if (scale_factor && *scale_factor > 0) return static_cast<T>(1.0 / *scale_factor);
  return static_cast<T>(in) / static_cast<T>(out);
}

std::vector<int64_t> nearest_sources(int64_t in, int64_t out, std::optional<double> scale_factor) {
  std::vector<int64_t> sources(out);
  const float scale = source_scale<float>(in, out, scale_factor);
  for (int64_t i = 0; i < out; ++i) {
    if (out == in)
      sources[i] = i;
    else if (out == 2 * in)
      sources[i] = i >> 1;
    else
      sources[i] = std::min(static_cast<int64_t>(std::floor(static_cast<float>(i) * scale)), in - 1);
  }
  return sources;
}

// The two source positions of each output and their weights, as PyTorch's linear upsampling.
struct LinearSources {
  std::vector<int64_t> first, second;
  Tensor first_weight, second_weight;  // (out) in the input's dtype
};

template <typename T>
LinearSources linear_sources(int64_t in, int64_t out, std::optional<double> scale_factor, bool align_corners,
                             DType dtype) {
  LinearSources sources;
  std::vector<T> first_weight(out), second_weight(out);
  sources.first.resize(out);
  sources.second.resize(out);
  const T scale = align_corners ? (out > 1 ? static_cast<T>(in - 1) / static_cast<T>(out - 1) : T(0))
                                : source_scale<T>(in, out, scale_factor);
  for (int64_t i = 0; i < out; ++i) {
    if (in == out) {
      sources.first[i] = sources.second[i] = i;
      first_weight[i] = T(1);
      second_weight[i] = T(0);
      continue;
    }
    T real = align_corners ? scale * static_cast<T>(i) : scale * (static_cast<T>(i) + T(0.5)) - T(0.5);
    if (!align_corners && real < 0) real = T(0);
    int64_t index = std::min(static_cast<int64_t>(real), in - 1);
    T lambda = std::min(std::max(real - static_cast<T>(index), T(0)), T(1));
    sources.first[i] = index;
    sources.second[i] = index + (index < in - 1 ? 1 : 0);
    first_weight[i] = T(1) - lambda;
    second_weight[i] = lambda;
  }
  sources.first_weight = tensor<T>(first_weight, Shape({out})).to(dtype);
  sources.second_weight = tensor<T>(second_weight, Shape({out})).to(dtype);
  return sources;
}

// Blends the two source rows along `dim` of x (dim is 2 or 3 of an (N, C, H, W) tensor).
Tensor linear_resize(const Tensor& x, int dim, const LinearSources& sources) {
  Shape weight_shape = dim == 2 ? Shape({static_cast<int64_t>(sources.first.size()), 1})
                                : Shape({static_cast<int64_t>(sources.first.size())});
  Tensor first = mul(index_select(x, dim, index_tensor(sources.first)), sources.first_weight.reshape(weight_shape));
  Tensor second = mul(index_select(x, dim, index_tensor(sources.second)), sources.second_weight.reshape(weight_shape));
  return add(first, second);
}

}  // namespace

Tensor interpolate(const Tensor& input, std::optional<IntPair> size, std::optional<std::array<double, 2>> scale_factor,
                   const std::string& mode, std::optional<bool> align_corners) {
  STRIATE_CHECK(input.defined(), "interpolate: expected an input tensor, got None");
  if (mode != "nearest" && mode != "bilinear")
    STRIATE_NOT_IMPLEMENTED("interpolate: mode '", mode, "' is not supported (use 'nearest' or 'bilinear')");
  if (input.dim() != 4)
    STRIATE_NOT_IMPLEMENTED("interpolate: only 4-D input (N, C, H, W) is supported, got shape ", input.sizes());
  STRIATE_CHECK_TYPE(input.is_floating_point(), "interpolate: expected a floating-point input, got ", input.dtype());
  STRIATE_CHECK_SHAPE(input.size(2) > 0 && input.size(3) > 0,
                      "interpolate: expected an input with non-zero H and W, got shape ", input.sizes());
  STRIATE_CHECK(mode == "bilinear" || !align_corners.has_value(),
                "interpolate: align_corners can only be set with mode 'bilinear', got mode '", mode, "'");
  const IntPair out = interpolate_output_size(input.sizes(), size, scale_factor);
  const Shape out_shape{input.size(0), input.size(1), out[0], out[1]};
  checked_nbytes(out_shape.numel("interpolate"), element_size(input.dtype()), "interpolate");
  const int64_t H = input.size(2), W = input.size(3);
  std::optional<double> scale_h, scale_w;
  if (scale_factor) {
    scale_h = (*scale_factor)[0];
    scale_w = (*scale_factor)[1];
  }
  if (mode == "nearest") {
    Tensor rows = index_select(input, 2, index_tensor(nearest_sources(H, out[0], scale_h)));
    return index_select(rows, 3, index_tensor(nearest_sources(W, out[1], scale_w)));
  }
  const bool corners = align_corners.value_or(false);
  Tensor result;
  STRIATE_DISPATCH_FLOATING(input.dtype(), "interpolate", [&] {
    Tensor rows = linear_resize(input, 2, linear_sources<scalar_t>(H, out[0], scale_h, corners, input.dtype()));
    result = linear_resize(rows, 3, linear_sources<scalar_t>(W, out[1], scale_w, corners, input.dtype()));
  });
  return result;
}

// ---- pixel shuffle -----------------------------------------------------------------------

Tensor pixel_shuffle(const Tensor& input, int64_t upscale_factor) {
  STRIATE_CHECK(input.defined(), "pixel_shuffle: expected an input tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() >= 3, "pixel_shuffle: expected input of shape (*, C, H, W), got ", input.sizes());
  STRIATE_CHECK(upscale_factor > 0, "pixel_shuffle: expected upscale_factor > 0, got ", upscale_factor);
  const int d = input.dim();
  const int64_t r = upscale_factor, C = input.size(d - 3), H = input.size(d - 2), W = input.size(d - 1);
  const int64_t r2 = checked_mul(r, r, "pixel_shuffle", "upscale_factor^2");
  STRIATE_CHECK_SHAPE(C % r2 == 0, "pixel_shuffle: expected channels divisible by upscale_factor^2 = ", r2, ", got ",
                      C);
  checked_mul(H, r, "pixel_shuffle", "the output height");
  checked_mul(W, r, "pixel_shuffle", "the output width");
  Shape batch(input.sizes().begin(), input.sizes().begin() + (d - 3));
  const int64_t B = batch.numel();
  Tensor x = input.reshape({B, C / r2, r, r, H, W}).permute({0, 1, 4, 2, 5, 3});
  Shape out = batch;
  for (int64_t v : {C / r2, H * r, W * r}) out.push_back(v);
  return x.reshape(out);
}

Tensor pixel_unshuffle(const Tensor& input, int64_t downscale_factor) {
  STRIATE_CHECK(input.defined(), "pixel_unshuffle: expected an input tensor, got None");
  STRIATE_CHECK_SHAPE(input.dim() >= 3, "pixel_unshuffle: expected input of shape (*, C, H, W), got ", input.sizes());
  STRIATE_CHECK(downscale_factor > 0, "pixel_unshuffle: expected downscale_factor > 0, got ", downscale_factor);
  const int d = input.dim();
  const int64_t r = downscale_factor, C = input.size(d - 3), H = input.size(d - 2), W = input.size(d - 1);
  STRIATE_CHECK_SHAPE(H % r == 0 && W % r == 0, "pixel_unshuffle: expected H and W divisible by downscale_factor ", r,
                      ", got (", H, ", ", W, ")");
  Shape batch(input.sizes().begin(), input.sizes().begin() + (d - 3));
  const int64_t B = batch.numel();
  Tensor x = input.reshape({B, C, H / r, r, W / r, r}).permute({0, 1, 3, 5, 2, 4});
  Shape out = batch;
  const int64_t channels = checked_mul(checked_mul(C, r, "pixel_unshuffle", "the output channels"), r,
                                       "pixel_unshuffle", "the output channels");
  for (int64_t v : {channels, H / r, W / r}) out.push_back(v);
  return x.reshape(out);
}

// ---- one_hot and unflatten ---------------------------------------------------------------

Tensor one_hot(const Tensor& input, int64_t num_classes) {
  STRIATE_CHECK(input.defined(), "one_hot: expected an input tensor, got None");
  STRIATE_CHECK_TYPE(input.dtype() == DType::Int64, "one_hot: expected an int64 tensor of class indices, got ",
                     input.dtype());
  STRIATE_CHECK(num_classes == -1 || num_classes > 0, "one_hot: expected num_classes > 0 or -1, got ", num_classes);
  Tensor labels = input.contiguous();
  const int64_t* label = labels.data<int64_t>();
  const int64_t count = labels.numel();
  int64_t largest = -1;
  for (int64_t i = 0; i < count; ++i) {
    STRIATE_CHECK(label[i] >= 0, "one_hot: expected non-negative class values, got ", label[i]);
    largest = std::max(largest, label[i]);
  }
  if (num_classes == -1) {
    STRIATE_CHECK(count > 0, "one_hot: cannot infer num_classes from an empty tensor; pass num_classes");
    num_classes = checked_add(largest, 1, "one_hot", "the largest class + 1");
  }
  STRIATE_CHECK(largest < num_classes, "one_hot: expected class values smaller than num_classes ", num_classes,
                ", got ", largest);
  Shape out_shape = labels.sizes();
  out_shape.push_back(num_classes);
  Tensor out = empty(out_shape, TensorOptions(DType::Int64), "one_hot");
  fill_(out, 0);
  int64_t* encoded = out.data<int64_t>();
  for (int64_t i = 0; i < count; ++i) encoded[i * num_classes + label[i]] = 1;
  return out;
}

Tensor unflatten(const Tensor& input, int64_t dim, const std::vector<int64_t>& sizes) {
  STRIATE_CHECK(input.defined(), "unflatten: expected an input tensor, got None");
  STRIATE_CHECK(!sizes.empty(), "unflatten: expected a non-empty sizes, got ()");
  const int d = wrap_dim(dim, input.dim(), "unflatten");
  int64_t inferred = -1;
  std::vector<int64_t> known_sizes;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == -1) {
      STRIATE_CHECK(inferred == -1, "unflatten: expected at most one -1 in sizes");
      inferred = static_cast<int64_t>(i);
    } else {
      STRIATE_CHECK(sizes[i] >= 0, "unflatten: expected sizes >= 0 or -1, got ", sizes[i]);
      known_sizes.push_back(sizes[i]);
    }
  }
  const int64_t known = checked_numel(known_sizes.data(), known_sizes.data() + known_sizes.size(), "unflatten");
  std::vector<int64_t> resolved = sizes;
  const int64_t size = input.size(d);
  if (inferred >= 0) {
    STRIATE_CHECK(known > 0 && size % known == 0, "unflatten: sizes cannot be inferred to multiply up to the size ",
                  size, " of dim ", d);
    resolved[inferred] = size / known;
  } else {
    STRIATE_CHECK(known == size, "unflatten: expected sizes multiplying up to the size ", size, " of dim ", d,
                  ", got a product of ", known);
  }
  Shape out;
  for (int i = 0; i < input.dim(); ++i) {
    if (i == d)
      for (int64_t v : resolved) out.push_back(v);
    else
      out.push_back(input.size(i));
  }
  return input.reshape(out);
}

}  // namespace striate
