// The resampling transforms: Resize, RandomResizedCrop (separable tap tables matching
// torch.nn.functional.interpolate), RandomRotation and RandomAffine (torchvision's inverse affine
// matrix, sampled at pixel centres as grid_sample with align_corners=False).
#include <algorithm>
#include <cmath>

#include "data/transforms_internal.h"
#include "kernels/cpu/image.h"

namespace striate::data {

using namespace detail;

namespace {

constexpr double kPi = 3.14159265358979323846;

// The taps that map in_size samples to out_size, as interpolate(align_corners=False) computes them.
kernels::cpu::ResampleTaps make_taps(int64_t in_size, int64_t out_size, bool bilinear, bool antialias) {
  kernels::cpu::ResampleTaps taps;
  taps.first.resize(out_size);
  taps.count.resize(out_size);
  if (!bilinear) {
    // PyTorch's "nearest": floor(i * scale) with the scale in single precision.
    taps.width = 1;
    taps.weights.assign(out_size, 1.0);
    float scale = static_cast<float>(in_size) / static_cast<float>(out_size);
    for (int64_t i = 0; i < out_size; ++i) {
      int64_t source = out_size == in_size       ? i
                       : out_size == 2 * in_size ? i >> 1
                                                 : static_cast<int64_t>(std::floor(static_cast<float>(i) * scale));
      taps.first[i] = std::min(source, in_size - 1);
      taps.count[i] = 1;
    }
    return taps;
  }
  double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  if (!antialias) {
    taps.width = 2;
    taps.weights.assign(2 * out_size, 0.0);
    for (int64_t i = 0; i < out_size; ++i) {
      double source = std::max(scale * (i + 0.5) - 0.5, 0.0);
      auto low = std::min(static_cast<int64_t>(source), in_size - 1);
      double upper_weight = std::min(std::max(source - static_cast<double>(low), 0.0), 1.0);
      taps.first[i] = low;
      taps.count[i] = low < in_size - 1 ? 2 : 1;
      taps.weights[2 * i] = taps.count[i] == 2 ? 1.0 - upper_weight : 1.0;
      if (taps.count[i] == 2) taps.weights[2 * i + 1] = upper_weight;
    }
    return taps;
  }
  // Antialiased: a triangle filter stretched by the downscale factor (PIL's and PyTorch's rule).
  double support = scale >= 1.0 ? scale : 1.0;
  double inverse_scale = scale >= 1.0 ? 1.0 / scale : 1.0;
  taps.width = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  taps.weights.assign(taps.width * out_size, 0.0);
  for (int64_t i = 0; i < out_size; ++i) {
    double center = scale * (i + 0.5);
    int64_t low = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    int64_t count = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in_size) - low;
    count = std::min(count, taps.width);
    double total = 0.0;
    for (int64_t k = 0; k < count; ++k) {
      double weight = std::max(0.0, 1.0 - std::abs((k + low - center + 0.5) * inverse_scale));
      taps.weights[i * taps.width + k] = weight;
      total += weight;
    }
    for (int64_t k = 0; k < count && total != 0.0; ++k) taps.weights[i * taps.width + k] /= total;
    taps.first[i] = low;
    taps.count[i] = count;
  }
  return taps;
}

// The taps of a 1-D Gaussian of `size` (odd) and sigma sliding over a signal padded by size / 2
// on both sides: output i reads padded[i, i + size).
kernels::cpu::ResampleTaps gaussian_taps(int64_t out_size, int64_t size, double sigma) {
  kernels::cpu::ResampleTaps taps;
  taps.width = size;
  std::vector<double> kernel(size);
  double total = 0;
  const double half = static_cast<double>(size - 1) / 2;
  for (int64_t k = 0; k < size; ++k) {
    const double x = (static_cast<double>(k) - half) / sigma;
    kernel[k] = std::exp(-0.5 * x * x);
    total += kernel[k];
  }
  for (double& weight : kernel) weight /= total;
  for (int64_t i = 0; i < out_size; ++i) {
    taps.first.push_back(i);
    taps.count.push_back(size);
    taps.weights.insert(taps.weights.end(), kernel.begin(), kernel.end());
  }
  return taps;
}

// Resamples the box of every image to height×width.
Tensor resample(const Tensor& image, const ImageGeometry& geometry, const CropBox& box, int64_t height,
                int64_t width, const std::string& interpolation, bool antialias, const char* name) {
  bool bilinear = interpolation == "bilinear";
  kernels::cpu::ResampleTaps row_taps = make_taps(box.height, height, bilinear, antialias);
  kernels::cpu::ResampleTaps col_taps = make_taps(box.width, width, bilinear, antialias);
  Tensor source = contiguous_pixels(image);
  Tensor out = new_image(geometry, height, width, image.dtype());
  STRIATE_DISPATCH_IMAGE(image.dtype(), name, [&] {
    kernels::cpu::resample_separable<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), row_taps, col_taps,
                                               geometry.planes(), geometry.H, geometry.W, box.top, box.left, height,
                                               width);
  });
  return out;
}

Tensor warp(const Tensor& image, const ImageGeometry& geometry, const std::array<double, 6>& matrix, int64_t height,
            int64_t width, const std::string& interpolation, const std::vector<double>& fill, const char* name) {
  std::vector<double> channel_fill = per_channel(fill, geometry.C, name, "fill");
  Tensor source = contiguous_pixels(image);
  Tensor out = new_image(geometry, height, width, image.dtype());
  STRIATE_DISPATCH_IMAGE(image.dtype(), name, [&] {
    kernels::cpu::affine_sample<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), matrix.data(),
                                          channel_fill.data(), interpolation == "bilinear", geometry.planes(),
                                          geometry.C, geometry.H, geometry.W, height, width);
  });
  return out;
}

// A user's centre (x, y) in pixels, in the centred frame torchvision's matrix uses.
std::pair<double, double> centred(const std::optional<std::pair<double, double>>& center, int64_t H, int64_t W) {
  if (!center) return {0.0, 0.0};
  return {center->first - W * 0.5, center->second - H * 0.5};
}

// A degrees argument: one value d >= 0 means (-d, d).
Range degree_range(const std::vector<double>& degrees, const char* name) {
  STRIATE_CHECK(degrees.size() == 1 || degrees.size() == 2, name,
                ": expected degrees as one number or a (min, max) pair, got ", degrees.size(), " values");
  if (degrees.size() == 1) {
    STRIATE_CHECK(degrees[0] >= 0, name, ": if degrees is a single number, it must be non-negative, got ",
                  format_number(degrees[0]));
    return {-degrees[0], degrees[0]};
  }
  Range range{degrees[0], degrees[1]};
  check_range(range, name, "degrees", false);
  return range;
}

std::string center_repr(const std::optional<std::pair<double, double>>& center) {
  return center ? format_range(*center) : "None";
}

}  // namespace

Resize::Resize(std::vector<int64_t> size, std::string interpolation, std::optional<int64_t> max_size, bool antialias)
    : size_(std::move(size)), interpolation_(std::move(interpolation)), max_size_(max_size), antialias_(antialias) {
  check_size(size_, "Resize");
  check_interpolation(interpolation_, "Resize");
  STRIATE_CHECK(!max_size_ || size_.size() == 1, "Resize: max_size is only supported when size is one int, got size ",
                format_size(size_[0], size_.back()));
  STRIATE_CHECK(!max_size_ || *max_size_ > size_[0], "Resize: max_size = ", max_size_.value_or(0),
                " must be strictly greater than the requested size for the smaller edge, ", size_[0]);
}

std::pair<int64_t, int64_t> Resize::output_size(int64_t image_h, int64_t image_w) const {
  if (size_.size() == 2) return {size_[0], size_[1]};
  int64_t shorter = std::min(image_h, image_w), longer = std::max(image_h, image_w);
  int64_t new_short = size_[0];
  auto new_long = static_cast<int64_t>(static_cast<double>(new_short) * longer / shorter);
  if (max_size_ && new_long > *max_size_) {
    new_short = static_cast<int64_t>(static_cast<double>(*max_size_) * new_short / new_long);
    new_long = *max_size_;
  }
  return image_w <= image_h ? std::make_pair(new_long, new_short) : std::make_pair(new_short, new_long);
}

Tensor Resize::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "Resize");
  auto [height, width] = output_size(geometry.H, geometry.W);
  STRIATE_CHECK(height > 0 && width > 0, "Resize: the output size ", format_size(height, width),
                " of an image of size ", format_size(geometry.H, geometry.W), " is empty");
  return resample(image, geometry, {0, 0, geometry.H, geometry.W}, height, width, interpolation_, antialias_,
                  "Resize");
}

std::string Resize::repr() const {
  std::string size = size_.size() == 1 ? std::to_string(size_[0]) : format_size(size_[0], size_[1]);
  return "Resize(size=" + size + ", interpolation=" + interpolation_ +
         ", max_size=" + (max_size_ ? std::to_string(*max_size_) : "None") +
         ", antialias=" + (antialias_ ? "True" : "False") + ")";
}

RandomResizedCrop::RandomResizedCrop(std::vector<int64_t> size, Range scale, Range ratio, std::string interpolation,
                                     bool antialias)
    : scale_(scale), ratio_(ratio), interpolation_(std::move(interpolation)), antialias_(antialias) {
  std::tie(height_, width_) = check_size(size, "RandomResizedCrop");
  check_range(scale, "RandomResizedCrop", "scale", false);
  STRIATE_CHECK(scale.first >= 0, "RandomResizedCrop: expected a non-negative scale, got ", format_range(scale));
  check_range(ratio, "RandomResizedCrop", "ratio", true);
  check_interpolation(interpolation_, "RandomResizedCrop");
}

CropBox RandomResizedCrop::get_params(int64_t image_h, int64_t image_w, Range scale, Range ratio) {
  double area = static_cast<double>(image_h * image_w);
  double log_low = std::log(ratio.first), log_high = std::log(ratio.second);
  for (int attempt = 0; attempt < 10; ++attempt) {
    double target_area = area * random_uniform(scale.first, scale.second);
    double aspect_ratio = std::exp(random_uniform(log_low, log_high));
    auto width = static_cast<int64_t>(std::nearbyint(std::sqrt(target_area * aspect_ratio)));
    auto height = static_cast<int64_t>(std::nearbyint(std::sqrt(target_area / aspect_ratio)));
    if (width > 0 && width <= image_w && height > 0 && height <= image_h) {
      int64_t top = random_int(0, image_h - height + 1);
      int64_t left = random_int(0, image_w - width + 1);
      return {top, left, height, width};
    }
  }
  // Fallback: the central crop with the closest allowed aspect ratio.
  double in_ratio = static_cast<double>(image_w) / static_cast<double>(image_h);
  int64_t width = image_w, height = image_h;
  if (in_ratio < ratio.first) {
    height = static_cast<int64_t>(std::nearbyint(width / ratio.first));
  } else if (in_ratio > ratio.second) {
    width = static_cast<int64_t>(std::nearbyint(height * ratio.second));
  }
  return {(image_h - height) / 2, (image_w - width) / 2, height, width};
}

Tensor RandomResizedCrop::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomResizedCrop");
  CropBox box = get_params(geometry.H, geometry.W, scale_, ratio_);
  return resample(image, geometry, box, height_, width_, interpolation_, antialias_, "RandomResizedCrop");
}

std::string RandomResizedCrop::repr() const {
  return "RandomResizedCrop(size=" + format_size(height_, width_) + ", scale=" + format_range(scale_) +
         ", ratio=" + format_range(ratio_) + ", interpolation=" + interpolation_ +
         ", antialias=" + (antialias_ ? "True" : "False") + ")";
}

std::array<double, 6> inverse_affine_matrix(std::pair<double, double> center, double angle,
                                            std::pair<double, double> translate, double scale,
                                            std::pair<double, double> shear) {
  // torchvision's RSS decomposition: rotation, scale and shear about the centre, then translation;
  // inverted in closed form because the rotation-shear part has determinant 1.
  double rotation = angle * kPi / 180.0;
  double shear_x = shear.first * kPi / 180.0, shear_y = shear.second * kPi / 180.0;
  double a = std::cos(rotation - shear_y) / std::cos(shear_y);
  double b = -std::cos(rotation - shear_y) * std::tan(shear_x) / std::cos(shear_y) - std::sin(rotation);
  double c = std::sin(rotation - shear_y) / std::cos(shear_y);
  double d = -std::sin(rotation - shear_y) * std::tan(shear_x) / std::cos(shear_y) + std::cos(rotation);
  std::array<double, 6> m = {d / scale, -b / scale, 0.0, -c / scale, a / scale, 0.0};
  auto [cx, cy] = center;
  auto [tx, ty] = translate;
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx;
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy;
  return m;
}

RandomRotation::RandomRotation(std::vector<double> degrees, std::string interpolation, bool expand,
                               std::optional<std::pair<double, double>> center, std::vector<double> fill)
    : interpolation_(std::move(interpolation)), expand_(expand), center_(center), fill_(std::move(fill)) {
  degrees_ = degree_range(degrees, "RandomRotation");
  check_interpolation(interpolation_, "RandomRotation");
  STRIATE_CHECK(!fill_.empty(), "RandomRotation: expected fill as 1 value or one per channel, got none");
}

double RandomRotation::get_params(Range degrees) { return random_uniform(degrees.first, degrees.second); }

Tensor RandomRotation::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomRotation");
  double angle = get_params(degrees_);
  // torchvision's rotate turns counter-clockwise: the affine matrix of -angle.
  // As in torchvision v2, center has no effect with expand (the output is centred on the image).
  std::optional<std::pair<double, double>> center = expand_ ? std::nullopt : center_;
  std::array<double, 6> m =
      inverse_affine_matrix(centred(center, geometry.H, geometry.W), -angle, {0.0, 0.0}, 1.0, {0.0, 0.0});
  int64_t height = geometry.H, width = geometry.W;
  if (expand_) {
    // The bounding box of the mapped corners, computed in single precision with a 1e-4 snap as
    // torchvision does, so that a 90° turn does not grow by a pixel from rounding noise.
    float half_w = geometry.W * 0.5f, half_h = geometry.H * 0.5f;
    float corners[4][2] = {{-half_w, -half_h}, {-half_w, half_h}, {half_w, half_h}, {half_w, -half_h}};
    float low[2] = {1e30f, 1e30f}, high[2] = {-1e30f, -1e30f};
    float shift[2] = {half_w, half_h};
    for (auto& corner : corners) {
      for (int k = 0; k < 2; ++k) {
        float mapped = static_cast<float>(m[3 * k]) * corner[0] + static_cast<float>(m[3 * k + 1]) * corner[1] +
                       static_cast<float>(m[3 * k + 2]);
        low[k] = std::min(low[k], mapped + shift[k]);
        high[k] = std::max(high[k], mapped + shift[k]);
      }
    }
    const float tolerance = 1e-4f;
    auto snap = [tolerance](float value) { return std::trunc(value / tolerance) * tolerance; };
    width = static_cast<int64_t>(std::ceil(snap(high[0])) - std::floor(snap(low[0])));
    height = static_cast<int64_t>(std::ceil(snap(high[1])) - std::floor(snap(low[1])));
  }
  return warp(image, geometry, m, height, width, interpolation_, fill_, "RandomRotation");
}

std::string RandomRotation::repr() const {
  return "RandomRotation(degrees=" + format_range(degrees_) + ", interpolation=" + interpolation_ +
         ", expand=" + (expand_ ? "True" : "False") + ", center=" + center_repr(center_) +
         ", fill=" + format_list(fill_) + ")";
}

RandomAffine::RandomAffine(std::vector<double> degrees, std::optional<Range> translate, std::optional<Range> scale,
                           std::vector<double> shear, std::string interpolation, std::vector<double> fill,
                           std::optional<std::pair<double, double>> center)
    : translate_(translate), scale_(scale), interpolation_(std::move(interpolation)), fill_(std::move(fill)),
      center_(center) {
  degrees_ = degree_range(degrees, "RandomAffine");
  if (translate_) {
    STRIATE_CHECK(translate_->first >= 0 && translate_->first <= 1 && translate_->second >= 0 &&
                      translate_->second <= 1,
                  "RandomAffine: expected translate values between 0 and 1, got ", format_range(*translate_));
  }
  if (scale_) check_range(*scale_, "RandomAffine", "scale", true);
  STRIATE_CHECK(shear.empty() || shear.size() == 1 || shear.size() == 2 || shear.size() == 4,
                "RandomAffine: expected shear as 1, 2 or 4 values, got ", shear.size(), " values");
  if (shear.size() == 1) {
    STRIATE_CHECK(shear[0] >= 0, "RandomAffine: if shear is a single number, it must be non-negative, got ",
                  format_number(shear[0]));
    shear_ = {-shear[0], shear[0]};
  } else {
    shear_ = shear;
  }
  for (size_t i = 0; i + 1 < shear_.size(); i += 2)
    check_range({shear_[i], shear_[i + 1]}, "RandomAffine", "shear", false);
  check_interpolation(interpolation_, "RandomAffine");
  STRIATE_CHECK(!fill_.empty(), "RandomAffine: expected fill as 1 value or one per channel, got none");
}

AffineParams RandomAffine::get_params(Range degrees, std::optional<Range> translate, std::optional<Range> scale,
                                      const std::vector<double>& shear, int64_t image_w, int64_t image_h) {
  AffineParams params;
  params.angle = random_uniform(degrees.first, degrees.second);
  if (translate) {
    double max_dx = translate->first * image_w, max_dy = translate->second * image_h;
    params.translate_x = static_cast<int64_t>(std::nearbyint(random_uniform(-max_dx, max_dx)));
    params.translate_y = static_cast<int64_t>(std::nearbyint(random_uniform(-max_dy, max_dy)));
  }
  if (scale) params.scale = random_uniform(scale->first, scale->second);
  if (shear.size() >= 2) params.shear_x = random_uniform(shear[0], shear[1]);
  if (shear.size() == 4) params.shear_y = random_uniform(shear[2], shear[3]);
  return params;
}

Tensor RandomAffine::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomAffine");
  AffineParams params = get_params(degrees_, translate_, scale_, shear_, geometry.W, geometry.H);
  std::array<double, 6> m = inverse_affine_matrix(
      centred(center_, geometry.H, geometry.W), params.angle,
      {static_cast<double>(params.translate_x), static_cast<double>(params.translate_y)}, params.scale,
      {params.shear_x, params.shear_y});
  return warp(image, geometry, m, geometry.H, geometry.W, interpolation_, fill_, "RandomAffine");
}

std::string RandomAffine::repr() const {
  std::string text = "RandomAffine(degrees=" + format_range(degrees_);
  if (translate_) text += ", translate=" + format_range(*translate_);
  if (scale_) text += ", scale=" + format_range(*scale_);
  if (!shear_.empty()) text += ", shear=" + format_list(shear_, "(", ")");
  return text + ", interpolation=" + interpolation_ + ", fill=" + format_list(fill_) +
         (center_ ? ", center=" + center_repr(center_) : "") + ")";
}

// ---- GaussianBlur ---------------------------------------------------------------------------------

GaussianBlur::GaussianBlur(std::vector<int64_t> kernel_size, Range sigma) : sigma_(sigma) {
  STRIATE_CHECK(kernel_size.size() == 1 || kernel_size.size() == 2,
                "GaussianBlur: expected kernel_size as 1 or 2 values, got ", kernel_size.size(), " values");
  for (int64_t size : kernel_size) {
    STRIATE_CHECK(size > 0 && size % 2 == 1, "GaussianBlur: kernel size should be an odd and positive number, got ",
                  size);
  }
  kernel_w_ = kernel_size[0];
  kernel_h_ = kernel_size.size() == 2 ? kernel_size[1] : kernel_size[0];
  STRIATE_CHECK(sigma.first > 0 && sigma.first <= sigma.second,
                "GaussianBlur: expected 0 < sigma min <= sigma max, got (", format_number(sigma.first), ", ",
                format_number(sigma.second), ")");
}

double GaussianBlur::get_params(double sigma_min, double sigma_max) { return random_uniform(sigma_min, sigma_max); }

Tensor GaussianBlur::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "GaussianBlur");
  const int64_t pad_w = kernel_w_ / 2, pad_h = kernel_h_ / 2;
  STRIATE_CHECK(pad_h < geometry.H && pad_w < geometry.W, "GaussianBlur: the kernel (", kernel_w_, "x", kernel_h_,
                ") needs reflect padding smaller than the image (", geometry.H, "x", geometry.W, ")");
  const double sigma = get_params(sigma_.first, sigma_.second);
  std::vector<int64_t> rows = pad_index(identity_index(geometry.H), pad_h, pad_h, "reflect");
  std::vector<int64_t> cols = pad_index(identity_index(geometry.W), pad_w, pad_w, "reflect");
  Tensor padded = gather(image, geometry, rows, cols, {0.0});
  kernels::cpu::ResampleTaps row_taps = gaussian_taps(geometry.H, kernel_h_, sigma);
  kernels::cpu::ResampleTaps col_taps = gaussian_taps(geometry.W, kernel_w_, sigma);
  Tensor out = new_image(geometry, geometry.H, geometry.W, image.dtype());
  STRIATE_DISPATCH_IMAGE(image.dtype(), "GaussianBlur", [&] {
    kernels::cpu::resample_separable<scalar_t>(out.data<scalar_t>(), padded.data<scalar_t>(), row_taps, col_taps,
                                               geometry.planes(), geometry.H + 2 * pad_h, geometry.W + 2 * pad_w, 0,
                                               0, geometry.H, geometry.W);
  });
  return out;
}

std::string GaussianBlur::repr() const {
  return "GaussianBlur(kernel_size=" + format_size(kernel_w_, kernel_h_) + ", sigma=" + format_range(sigma_) + ")";
}

}  // namespace striate::data
