// Pixel-value transforms: ColorJitter and the adjust_* operations behind it (torchvision's blends,
// clamped to [0, 1] for floating images and [0, 255] for uint8), PCALighting, RandomErasing, Cutout.
#include <algorithm>
#include <cmath>

#include "data/transforms_internal.h"
#include "kernels/cpu/image.h"
#include "striate/ops/creation.h"

namespace striate::data {

using namespace detail;

namespace {

double max_pixel(DType dtype) { return dtype == DType::UInt8 ? 255.0 : 1.0; }

// out = clamp(factor · image + (1 - factor) · other) with other per pixel or per image.
Tensor blend_with(const Tensor& image, const ImageGeometry& geometry, const std::vector<double>& other,
                  bool other_per_pixel, double factor, const char* name) {
  Tensor source = contiguous_pixels(image);
  Tensor out = empty_like(source);
  STRIATE_DISPATCH_IMAGE(image.dtype(), name, [&] {
    kernels::cpu::blend<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), other.data(), other_per_pixel,
                                  factor, max_pixel(image.dtype()), geometry.N, geometry.C, geometry.H * geometry.W);
  });
  return out;
}

std::vector<double> grayscale_of(const Tensor& image, const ImageGeometry& geometry, const char* name) {
  STRIATE_CHECK(geometry.C == 1 || geometry.C == 3, name, ": expected a 1- or 3-channel image, got ", geometry.C,
                " channels");
  Tensor source = contiguous_pixels(image);
  std::vector<double> gray(geometry.N * geometry.H * geometry.W);
  STRIATE_DISPATCH_IMAGE(image.dtype(), name, [&] {
    kernels::cpu::grayscale<scalar_t>(gray.data(), source.data<scalar_t>(), geometry.N, geometry.C,
                                      geometry.H * geometry.W);
  });
  return gray;
}

void check_factor(double factor, const char* name) {
  STRIATE_CHECK(factor >= 0, name, ": expected a non-negative factor, got ", factor);
}

// A jitter argument: v means (max(0, center - v), center + v); nullopt when it changes nothing.
std::optional<Range> jitter_range(const std::vector<double>& value, const char* argument, double center,
                                  double low_bound, double high_bound, bool clip_first) {
  STRIATE_CHECK(value.size() == 1 || value.size() == 2, "ColorJitter: expected ", argument,
                " as one number or a (min, max) pair, got ", value.size(), " values");
  Range range;
  if (value.size() == 1) {
    STRIATE_CHECK(value[0] >= 0, "ColorJitter: if ", argument, " is a single number, it must be non-negative, got ",
                  format_number(value[0]));
    range = {center - value[0], center + value[0]};
    if (clip_first) range.first = std::max(range.first, 0.0);
  } else {
    range = {value[0], value[1]};
  }
  STRIATE_CHECK(low_bound <= range.first && range.first <= range.second && range.second <= high_bound,
                "ColorJitter: ", argument, " values should be between ", format_number(low_bound), " and ",
                format_number(high_bound), ", got ", format_range(range));
  if (range.first == center && range.second == center) return std::nullopt;
  return range;
}

}  // namespace

Tensor adjust_brightness(const Tensor& image, double factor) {
  ImageGeometry geometry = check_image(image, "adjust_brightness");
  check_factor(factor, "adjust_brightness");
  std::vector<double> zero(geometry.N, 0.0);
  return blend_with(image, geometry, zero, false, factor, "adjust_brightness");
}

Tensor adjust_contrast(const Tensor& image, double factor) {
  ImageGeometry geometry = check_image(image, "adjust_contrast");
  check_factor(factor, "adjust_contrast");
  std::vector<double> gray = grayscale_of(image, geometry, "adjust_contrast");
  int64_t HW = geometry.H * geometry.W;
  std::vector<double> mean(geometry.N, 0.0);
  for (int64_t n = 0; n < geometry.N; ++n) {
    for (int64_t i = 0; i < HW; ++i) mean[n] += gray[n * HW + i];
    mean[n] /= static_cast<double>(HW);
  }
  return blend_with(image, geometry, mean, false, factor, "adjust_contrast");
}

Tensor adjust_saturation(const Tensor& image, double factor) {
  ImageGeometry geometry = check_image(image, "adjust_saturation");
  check_factor(factor, "adjust_saturation");
  STRIATE_CHECK(geometry.C == 3, "adjust_saturation: expected an RGB image (3 channels), got ", geometry.C,
                " channels");
  std::vector<double> gray = grayscale_of(image, geometry, "adjust_saturation");
  return blend_with(image, geometry, gray, true, factor, "adjust_saturation");
}

Tensor adjust_hue(const Tensor& image, double hue_shift) {
  ImageGeometry geometry = check_image(image, "adjust_hue");
  STRIATE_CHECK(hue_shift >= -0.5 && hue_shift <= 0.5, "adjust_hue: expected hue_shift in [-0.5, 0.5], got ",
                hue_shift);
  STRIATE_CHECK(geometry.C == 3, "adjust_hue: expected an RGB image (3 channels), got ", geometry.C, " channels");
  Tensor source = contiguous_pixels(image);
  Tensor out = empty_like(source);
  STRIATE_DISPATCH_IMAGE(image.dtype(), "adjust_hue", [&] {
    kernels::cpu::shift_hue<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), hue_shift, geometry.N,
                                      geometry.H * geometry.W);
  });
  return out;
}

ColorJitter::ColorJitter(std::vector<double> brightness, std::vector<double> contrast, std::vector<double> saturation,
                         std::vector<double> hue) {
  constexpr double kUnbounded = 1e300;
  brightness_ = jitter_range(brightness, "brightness", 1.0, 0.0, kUnbounded, true);
  contrast_ = jitter_range(contrast, "contrast", 1.0, 0.0, kUnbounded, true);
  saturation_ = jitter_range(saturation, "saturation", 1.0, 0.0, kUnbounded, true);
  hue_ = jitter_range(hue, "hue", 0.0, -0.5, 0.5, false);
}

ColorJitter::Params ColorJitter::get_params(std::optional<Range> brightness, std::optional<Range> contrast,
                                            std::optional<Range> saturation, std::optional<Range> hue) {
  Params params;
  std::vector<int64_t> order = random_permutation(4);
  for (int i = 0; i < 4; ++i) params.order[i] = static_cast<int>(order[i]);
  auto draw = [](const std::optional<Range>& range) -> std::optional<double> {
    if (!range) return std::nullopt;
    return random_uniform(range->first, range->second);
  };
  params.brightness = draw(brightness);
  params.contrast = draw(contrast);
  params.saturation = draw(saturation);
  params.hue = draw(hue);
  return params;
}

// ---- Grayscale, RandomGrayscale ------------------------------------------------------------------

namespace {

Tensor to_grayscale(const Tensor& image, int64_t num_output_channels, const char* name) {
  ImageGeometry geometry = check_image(image, name);
  std::vector<double> gray = grayscale_of(image, geometry, name);
  Tensor every_channel = blend_with(image, geometry, gray, true, 0.0, name);  // each channel = the luma
  const int64_t channel_dim = image.dim() - 3;
  Tensor one = every_channel.narrow(channel_dim, 0, 1);
  if (num_output_channels == 1) return one.contiguous();
  Shape shape = image.sizes();
  shape[channel_dim] = num_output_channels;
  return one.expand(shape).contiguous();
}

}  // namespace

Grayscale::Grayscale(int64_t num_output_channels) : num_output_channels_(num_output_channels) {
  STRIATE_CHECK(num_output_channels == 1 || num_output_channels == 3,
                "Grayscale: expected num_output_channels 1 or 3, got ", num_output_channels);
}

Tensor Grayscale::operator()(const Tensor& image) const { return to_grayscale(image, num_output_channels_, "Grayscale"); }

std::string Grayscale::repr() const {
  return "Grayscale(num_output_channels=" + std::to_string(num_output_channels_) + ")";
}

RandomGrayscale::RandomGrayscale(double p) : p_(p) { check_probability(p, "RandomGrayscale"); }

Tensor RandomGrayscale::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomGrayscale");
  STRIATE_CHECK(geometry.C == 1 || geometry.C == 3, "RandomGrayscale: expected a 1- or 3-channel image, got ",
                geometry.C, " channels");
  if (augmentation_generator().uniform() >= p_) return image;
  return to_grayscale(image, geometry.C, "RandomGrayscale");
}

std::string RandomGrayscale::repr() const { return "RandomGrayscale(p=" + format_number(p_) + ")"; }

Tensor ColorJitter::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "ColorJitter");
  STRIATE_CHECK(!(saturation_ || hue_) || geometry.C == 3, "ColorJitter: saturation and hue need an RGB image ",
                "(3 channels), got ", geometry.C, " channels");
  STRIATE_CHECK(!contrast_ || geometry.C == 1 || geometry.C == 3,
                "ColorJitter: contrast needs a 1- or 3-channel image, got ", geometry.C, " channels");
  Params params = get_params(brightness_, contrast_, saturation_, hue_);
  Tensor out = image;
  for (int operation : params.order) {
    if (operation == 0 && params.brightness) out = adjust_brightness(out, *params.brightness);
    if (operation == 1 && params.contrast) out = adjust_contrast(out, *params.contrast);
    if (operation == 2 && params.saturation) out = adjust_saturation(out, *params.saturation);
    if (operation == 3 && params.hue) out = adjust_hue(out, *params.hue);
  }
  return out;
}

std::string ColorJitter::repr() const {
  auto range = [](const std::optional<Range>& value) { return value ? format_range(*value) : std::string("None"); };
  return "ColorJitter(brightness=" + range(brightness_) + ", contrast=" + range(contrast_) +
         ", saturation=" + range(saturation_) + ", hue=" + range(hue_) + ")";
}

PCALighting::PCALighting(double alphastd, std::vector<double> eigval, std::vector<std::vector<double>> eigvec)
    : alphastd_(alphastd), eigval_(std::move(eigval)), eigvec_(std::move(eigvec)) {
  STRIATE_CHECK(alphastd >= 0, "PCALighting: expected a non-negative alphastd, got ", alphastd);
  STRIATE_CHECK(eigval_.size() == 3, "PCALighting: expected 3 eigenvalues, got ", eigval_.size());
  STRIATE_CHECK(eigvec_.size() == 3, "PCALighting: expected eigvec of shape (3, 3), got ", eigvec_.size(), " rows");
  for (const auto& row : eigvec_)
    STRIATE_CHECK(row.size() == 3, "PCALighting: expected eigvec of shape (3, 3), got a row of ", row.size(),
                  " values");
}

std::vector<double> PCALighting::imagenet_eigval() { return {0.2175, 0.0188, 0.0045}; }

std::vector<std::vector<double>> PCALighting::imagenet_eigvec() {
  return {{-0.5675, 0.7192, 0.4009}, {-0.5808, -0.0045, -0.8140}, {-0.5836, -0.6948, 0.4203}};
}

Tensor PCALighting::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "PCALighting");
  STRIATE_CHECK(geometry.C == 3, "PCALighting: expected an RGB image (3 channels), got ", geometry.C, " channels");
  if (alphastd_ == 0.0) return image;
  double alpha[3];
  for (double& component : alpha) component = augmentation_generator().normal() * alphastd_;
  std::vector<double> scale(3, 1.0), offset(3, 0.0);
  for (int c = 0; c < 3; ++c) {
    for (int j = 0; j < 3; ++j) offset[c] += eigvec_[c][j] * alpha[j] * eigval_[j];
    offset[c] *= max_pixel(image.dtype());
  }
  Tensor source = contiguous_pixels(image);
  Tensor out = empty_like(source);
  STRIATE_DISPATCH_IMAGE(image.dtype(), "PCALighting", [&] {
    kernels::cpu::affine_channels<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), scale.data(),
                                            offset.data(), geometry.N, 3, geometry.H * geometry.W);
  });
  return out;
}

std::string PCALighting::repr() const {
  return "PCALighting(alphastd=" + format_number(alphastd_) + ", eigval=" + format_list(eigval_) + ")";
}

RandomErasing::RandomErasing(double p, Range scale, Range ratio, std::vector<double> value, bool random_value,
                             bool inplace)
    : p_(p), scale_(scale), ratio_(ratio), value_(std::move(value)), random_value_(random_value), inplace_(inplace) {
  check_probability(p, "RandomErasing");
  check_range(scale, "RandomErasing", "scale", false);
  STRIATE_CHECK(scale.first >= 0 && scale.second <= 1, "RandomErasing: expected scale in [0, 1], got ",
                format_range(scale));
  check_range(ratio, "RandomErasing", "ratio", true);
  STRIATE_CHECK(random_value_ || !value_.empty(), "RandomErasing: expected value as a number, a sequence or 'random'");
}

std::optional<CropBox> RandomErasing::get_params(int64_t image_h, int64_t image_w, Range scale, Range ratio) {
  double area = static_cast<double>(image_h * image_w);
  double log_low = std::log(ratio.first), log_high = std::log(ratio.second);
  for (int attempt = 0; attempt < 10; ++attempt) {
    double erase_area = area * random_uniform(scale.first, scale.second);
    double aspect_ratio = std::exp(random_uniform(log_low, log_high));
    auto height = static_cast<int64_t>(std::nearbyint(std::sqrt(erase_area * aspect_ratio)));
    auto width = static_cast<int64_t>(std::nearbyint(std::sqrt(erase_area / aspect_ratio)));
    if (!(height < image_h && width < image_w)) continue;
    int64_t top = random_int(0, image_h - height + 1);
    int64_t left = random_int(0, image_w - width + 1);
    return CropBox{top, left, height, width};
  }
  return std::nullopt;
}

Tensor RandomErasing::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomErasing");
  std::vector<double> values;
  if (!random_value_) values = per_channel(value_, geometry.C, "RandomErasing", "value");
  if (!(augmentation_generator().uniform() < p_)) return image;
  std::optional<CropBox> box = get_params(geometry.H, geometry.W, scale_, ratio_);
  if (!box) return image;
  if (random_value_) {
    values.resize(geometry.C * box->height * box->width);
    for (double& value : values) value = augmentation_generator().normal();
  }
  bool write_in_place = inplace_ && image.is_contiguous();
  Tensor out = write_in_place ? image : copy_pixels(image);
  STRIATE_DISPATCH_IMAGE(image.dtype(), "RandomErasing", [&] {
    kernels::cpu::fill_box<scalar_t>(out.data<scalar_t>(), values.data(), random_value_, geometry.planes(),
                                     geometry.C, geometry.H, geometry.W, box->top, box->left, box->height,
                                     box->width);
  });
  if (write_in_place) image.bump_version();
  return out;
}

std::string RandomErasing::repr() const {
  std::string value = random_value_ ? "random" : value_.size() == 1 ? format_number(value_[0]) : format_list(value_);
  return "RandomErasing(p=" + format_number(p_) + ", scale=" + format_range(scale_) + ", ratio=" +
         format_range(ratio_) + ", value=" + value + ", inplace=" + (inplace_ ? "True" : "False") + ")";
}

Cutout::Cutout(int64_t size) : size_(size) {
  STRIATE_CHECK(size > 0, "Cutout: expected a positive size, got ", size);
}

Tensor Cutout::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "Cutout");
  int64_t center_y = random_int(0, geometry.H), center_x = random_int(0, geometry.W);
  int64_t top = std::max<int64_t>(center_y - size_ / 2, 0);
  int64_t bottom = std::min<int64_t>(center_y - size_ / 2 + size_, geometry.H);
  int64_t left = std::max<int64_t>(center_x - size_ / 2, 0);
  int64_t right = std::min<int64_t>(center_x - size_ / 2 + size_, geometry.W);
  Tensor out = copy_pixels(image);
  if (bottom <= top || right <= left) return out;
  std::vector<double> zero(geometry.C, 0.0);
  STRIATE_DISPATCH_IMAGE(image.dtype(), "Cutout", [&] {
    kernels::cpu::fill_box<scalar_t>(out.data<scalar_t>(), zero.data(), false, geometry.planes(), geometry.C,
                                     geometry.H, geometry.W, top, left, bottom - top, right - left);
  });
  return out;
}

std::string Cutout::repr() const { return "Cutout(size=" + std::to_string(size_) + ")"; }

}  // namespace striate::data
