// The shared transform helpers (transforms_internal.h) and the index-map transforms: Compose,
// ToTensor, Normalize, flips, RandomCrop, CenterCrop, FiveCrop and TenCrop. Crops, pads and flips
// become one row map and one column map, so each writes its output in a single pass.
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "data/transforms_internal.h"
#include "kernels/cpu/image.h"
#include "striate/ops/creation.h"

namespace striate::data {
namespace detail {

ImageGeometry check_image(const Tensor& image, const char* name) {
  STRIATE_CHECK_TYPE(image.defined(), name, ": expected a Tensor image, got None");
  STRIATE_CHECK(image.dim() == 3 || image.dim() == 4, name,
                ": expected an image of shape (C, H, W) or (N, C, H, W), got shape ", image.sizes());
  STRIATE_CHECK(image.device().is_cpu(), name, ": expected a CPU image, got one on ", image.device().str());
  STRIATE_CHECK_TYPE(image.dtype() == DType::UInt8 || image.is_floating_point(), name,
                     ": expected a uint8, float32 or float64 image, got ", image.dtype());
  ImageGeometry geometry;
  geometry.batched = image.dim() == 4;
  int first = geometry.batched ? 1 : 0;
  geometry.N = geometry.batched ? image.size(0) : 1;
  geometry.C = image.size(first);
  geometry.H = image.size(first + 1);
  geometry.W = image.size(first + 2);
  STRIATE_CHECK(geometry.N > 0 && geometry.C > 0 && geometry.H > 0 && geometry.W > 0, name,
                ": expected a non-empty image, got shape ", image.sizes());
  return geometry;
}

Tensor new_image(const ImageGeometry& geometry, int64_t H, int64_t W, DType dtype) {
  if (geometry.batched) return empty({geometry.N, geometry.C, H, W}, TensorOptions(dtype));
  return empty({geometry.C, H, W}, TensorOptions(dtype));
}

Tensor contiguous_pixels(const Tensor& image) { return image.is_contiguous() ? image : image.detach().contiguous(); }

Tensor copy_pixels(const Tensor& image) {
  return image.is_contiguous() ? image.detach().clone() : image.detach().contiguous();
}

int64_t random_int(int64_t low, int64_t high) {
  if (high - low <= 1) return low;
  return std::uniform_int_distribution<int64_t>(low, high - 1)(augmentation_generator().engine());
}

double random_uniform(double low, double high) { return low + (high - low) * augmentation_generator().uniform(); }

std::vector<int64_t> random_permutation(int64_t n) {
  std::vector<int64_t> order = identity_index(n);
  for (int64_t i = n - 1; i > 0; --i) std::swap(order[i], order[random_int(0, i + 1)]);
  return order;
}

void check_probability(double p, const char* name) {
  STRIATE_CHECK(p >= 0.0 && p <= 1.0, name, ": expected p in [0, 1], got ", p);
}

std::pair<int64_t, int64_t> check_size(const std::vector<int64_t>& size, const char* name) {
  STRIATE_CHECK(size.size() == 1 || size.size() == 2, name,
                ": expected size as one int or a (height, width) pair, got ", size.size(), " values");
  int64_t height = size[0], width = size.size() == 2 ? size[1] : size[0];
  STRIATE_CHECK(height > 0 && width > 0, name, ": expected a positive size, got ", format_size(height, width));
  return {height, width};
}

std::vector<double> per_channel(const std::vector<double>& values, int64_t C, const char* name, const char* argument) {
  STRIATE_CHECK(values.size() == 1 || static_cast<int64_t>(values.size()) == C, name, ": expected ", argument,
                " as 1 value or one per channel (", C, "), got ", values.size(), " values");
  return values.size() == 1 ? std::vector<double>(C, values[0]) : values;
}

void check_interpolation(const std::string& interpolation, const char* name) {
  STRIATE_CHECK(interpolation == "bilinear" || interpolation == "nearest", name,
                ": expected interpolation 'bilinear' or 'nearest', got '", interpolation, "'");
}

void check_range(Range range, const char* name, const char* argument, bool positive) {
  STRIATE_CHECK(range.first <= range.second, name, ": expected ", argument, " as (min, max) with min <= max, got ",
                format_range(range));
  STRIATE_CHECK(!positive || range.first > 0, name, ": expected positive ", argument, " values, got ",
                format_range(range));
}

std::vector<int64_t> identity_index(int64_t length) {
  std::vector<int64_t> index(length);
  for (int64_t i = 0; i < length; ++i) index[i] = i;
  return index;
}

std::vector<int64_t> pad_index(const std::vector<int64_t>& source, int64_t before, int64_t after,
                               const std::string& mode) {
  auto length = static_cast<int64_t>(source.size());
  std::vector<int64_t> index(length + before + after);
  for (int64_t i = 0; i < static_cast<int64_t>(index.size()); ++i) {
    int64_t position = i - before;
    if (position < 0 || position >= length) {
      if (mode == "constant") {
        index[i] = -1;
        continue;
      }
      if (mode == "edge") {
        position = std::min(std::max<int64_t>(position, 0), length - 1);
      } else if (mode == "reflect") {  // mirror without repeating the edge: period 2(L - 1)
        int64_t period = 2 * (length - 1);
        position = period == 0 ? 0 : ((position % period) + period) % period;
        if (position >= length) position = period - position;
      } else {  // symmetric: mirror repeating the edge, period 2L
        int64_t period = 2 * length;
        position = ((position % period) + period) % period;
        if (position >= length) position = period - 1 - position;
      }
    }
    index[i] = source[position];
  }
  return index;
}

Tensor gather(const Tensor& image, const ImageGeometry& geometry, const std::vector<int64_t>& rows,
              const std::vector<int64_t>& cols, const std::vector<double>& fill) {
  auto P = static_cast<int64_t>(rows.size()), Q = static_cast<int64_t>(cols.size());
  std::vector<double> channel_fill = per_channel(fill, geometry.C, "gather", "fill");
  Tensor source = contiguous_pixels(image);
  Tensor out = new_image(geometry, P, Q, image.dtype());
  STRIATE_DISPATCH_IMAGE(image.dtype(), "gather", [&] {
    kernels::cpu::gather_image<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), rows.data(), cols.data(),
                                         channel_fill.data(), geometry.planes(), geometry.C, geometry.H, geometry.W, P,
                                         Q);
  });
  return out;
}

std::string format_number(double value) {
  std::ostringstream out;
  if (value == std::floor(value) && std::abs(value) < 1e15) {
    out << static_cast<int64_t>(value) << ".0";
  } else {
    out.precision(12);
    out << value;
  }
  return out.str();
}

std::string format_list(const std::vector<double>& values, const char* open, const char* close) {
  std::string text = open;
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + format_number(values[i]);
  return text + close;
}

std::string format_size(int64_t height, int64_t width) {
  return "(" + std::to_string(height) + ", " + std::to_string(width) + ")";
}

std::string format_range(Range range) { return format_list({range.first, range.second}, "(", ")"); }

}  // namespace detail

using namespace detail;

Compose::Compose(std::vector<std::shared_ptr<Transform>> transforms) : transforms_(std::move(transforms)) {
  for (size_t i = 0; i < transforms_.size(); ++i)
    STRIATE_CHECK_TYPE(transforms_[i] != nullptr, "Compose: transform ", i, " is null");
}

Tensor Compose::operator()(const Tensor& image) const {
  Tensor out = image;
  for (const auto& transform : transforms_) out = (*transform)(out);
  return out;
}

std::string Compose::repr() const {
  std::string text = "Compose(\n";
  for (const auto& transform : transforms_) text += "    " + transform->repr() + "\n";
  return text + ")";
}

Tensor ToTensor::operator()(const Tensor& image) const {
  check_image(image, "ToTensor");
  if (image.is_floating_point()) return image;
  Tensor source = contiguous_pixels(image);
  Tensor out = empty(image.sizes(), TensorOptions(DType::Float32));
  kernels::cpu::convert_divided(out.data<float>(), source.data<uint8_t>(), 255.0, image.numel());
  return out;
}

Normalize::Normalize(std::vector<double> mean, std::vector<double> std, bool inplace)
    : mean_(std::move(mean)), std_(std::move(std)), inplace_(inplace) {
  STRIATE_CHECK(!mean_.empty() && !std_.empty(), "Normalize: expected non-empty mean and std");
  for (double value : std_)
    STRIATE_CHECK(value != 0.0, "Normalize: std evaluated to zero after conversion, got std=", format_list(std_),
                  " (division by zero)");
}

Tensor Normalize::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "Normalize");
  STRIATE_CHECK_TYPE(image.is_floating_point(), "Normalize: expected a floating-point image, got ", image.dtype(),
                     " (apply ToTensor first)");
  if (!image.device().is_cpu()) {
    // The channel loop runs on the host: a device image takes a round trip through a CPU copy.
    Tensor result = Normalize(mean_, std_, false)(image.detach().to(Device(DeviceType::CPU))).to(image.device());
    if (!inplace_) return result;
    Tensor target = image;
    target.copy_(result);
    return target;
  }
  std::vector<double> mean = per_channel(mean_, geometry.C, "Normalize", "mean");
  std::vector<double> std = per_channel(std_, geometry.C, "Normalize", "std");
  std::vector<double> scale(geometry.C), offset(geometry.C);
  for (int64_t c = 0; c < geometry.C; ++c) {
    scale[c] = 1.0 / std[c];
    offset[c] = -mean[c] / std[c];
  }
  bool write_in_place = inplace_ && image.is_contiguous();
  Tensor source = contiguous_pixels(image);
  Tensor out = write_in_place ? image : empty_like(source);
  STRIATE_DISPATCH_FLOATING(image.dtype(), "Normalize", [&] {
    kernels::cpu::affine_channels<scalar_t>(out.data<scalar_t>(), source.data<scalar_t>(), scale.data(), offset.data(),
                                            geometry.N, geometry.C, geometry.H * geometry.W);
  });
  if (write_in_place) {
    image.bump_version();
  } else if (inplace_) {
    Tensor target = image;  // a strided view: write back through it
    target.copy_(out);
    return target;
  }
  return out;
}

std::string Normalize::repr() const {
  return "Normalize(mean=" + format_list(mean_) + ", std=" + format_list(std_) +
         ", inplace=" + (inplace_ ? "True" : "False") + ")";
}

RandomHorizontalFlip::RandomHorizontalFlip(double p) : p_(p) { check_probability(p, "RandomHorizontalFlip"); }

Tensor RandomHorizontalFlip::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomHorizontalFlip");
  if (!(augmentation_generator().uniform() < p_)) return image;
  std::vector<int64_t> cols(geometry.W);
  for (int64_t x = 0; x < geometry.W; ++x) cols[x] = geometry.W - 1 - x;
  return gather(image, geometry, identity_index(geometry.H), cols, {0.0});
}

std::string RandomHorizontalFlip::repr() const { return "RandomHorizontalFlip(p=" + format_number(p_) + ")"; }

RandomVerticalFlip::RandomVerticalFlip(double p) : p_(p) { check_probability(p, "RandomVerticalFlip"); }

Tensor RandomVerticalFlip::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomVerticalFlip");
  if (!(augmentation_generator().uniform() < p_)) return image;
  std::vector<int64_t> rows(geometry.H);
  for (int64_t y = 0; y < geometry.H; ++y) rows[y] = geometry.H - 1 - y;
  return gather(image, geometry, rows, identity_index(geometry.W), {0.0});
}

std::string RandomVerticalFlip::repr() const { return "RandomVerticalFlip(p=" + format_number(p_) + ")"; }

namespace {

// torchvision's padding argument: 1 value = every side, 2 = left/right and top/bottom, 4 = left,
// top, right, bottom.
std::array<int64_t, 4> sides_of(const std::vector<int64_t>& padding, const char* name) {
  STRIATE_CHECK(padding.size() == 1 || padding.size() == 2 || padding.size() == 4, name,
                ": expected padding as 1, 2 or 4 values, got ", padding.size(), " values");
  for (int64_t amount : padding) STRIATE_CHECK(amount >= 0, name, ": expected non-negative padding, got ", amount);
  if (padding.size() == 1) return {padding[0], padding[0], padding[0], padding[0]};
  if (padding.size() == 2) return {padding[0], padding[1], padding[0], padding[1]};
  return {padding[0], padding[1], padding[2], padding[3]};
}

void check_padding_mode(const std::string& mode, const char* name) {
  STRIATE_CHECK(mode == "constant" || mode == "edge" || mode == "reflect" || mode == "symmetric", name,
                ": expected padding_mode 'constant', 'edge', 'reflect' or 'symmetric', got '", mode, "'");
}

std::string format_padding(const std::vector<int64_t>& padding) {
  if (padding.size() == 1) return std::to_string(padding[0]);
  std::string text = "(";
  for (size_t i = 0; i < padding.size(); ++i) text += (i ? ", " : "") + std::to_string(padding[i]);
  return text + ")";
}

}  // namespace

RandomCrop::RandomCrop(std::vector<int64_t> size, std::vector<int64_t> padding, bool pad_if_needed,
                       std::vector<double> fill, std::string padding_mode)
    : padding_given_(padding),
      pad_if_needed_(pad_if_needed),
      fill_(std::move(fill)),
      padding_mode_(std::move(padding_mode)) {
  std::tie(height_, width_) = check_size(size, "RandomCrop");
  if (!padding.empty()) padding_ = sides_of(padding, "RandomCrop");
  check_padding_mode(padding_mode_, "RandomCrop");
  STRIATE_CHECK(!fill_.empty(), "RandomCrop: expected fill as 1 value or one per channel, got none");
}

CropBox RandomCrop::get_params(int64_t image_h, int64_t image_w, int64_t height, int64_t width) {
  STRIATE_CHECK(height <= image_h && width <= image_w, "RandomCrop: required crop size ", format_size(height, width),
                " is larger than the (padded) input image size ", format_size(image_h, image_w));
  if (height == image_h && width == image_w) return {0, 0, height, width};
  int64_t top = random_int(0, image_h - height + 1);
  int64_t left = random_int(0, image_w - width + 1);
  return {top, left, height, width};
}

Tensor RandomCrop::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "RandomCrop");
  std::vector<double> fill = per_channel(fill_, geometry.C, "RandomCrop", "fill");
  std::vector<int64_t> rows = pad_index(identity_index(geometry.H), padding_[1], padding_[3], padding_mode_);
  std::vector<int64_t> cols = pad_index(identity_index(geometry.W), padding_[0], padding_[2], padding_mode_);
  // torchvision pads the deficit on both sides, as a second padding of the padded image.
  auto padded_w = static_cast<int64_t>(cols.size()), padded_h = static_cast<int64_t>(rows.size());
  if (pad_if_needed_ && padded_w < width_) cols = pad_index(cols, width_ - padded_w, width_ - padded_w, padding_mode_);
  if (pad_if_needed_ && padded_h < height_)
    rows = pad_index(rows, height_ - padded_h, height_ - padded_h, padding_mode_);
  CropBox box = get_params(static_cast<int64_t>(rows.size()), static_cast<int64_t>(cols.size()), height_, width_);
  std::vector<int64_t> crop_rows(rows.begin() + box.top, rows.begin() + box.top + box.height);
  std::vector<int64_t> crop_cols(cols.begin() + box.left, cols.begin() + box.left + box.width);
  return gather(image, geometry, crop_rows, crop_cols, fill);
}

std::string RandomCrop::repr() const {
  std::string padding = padding_given_.empty() ? "None" : format_padding(padding_given_);
  return "RandomCrop(size=" + format_size(height_, width_) + ", padding=" + padding +
         ", pad_if_needed=" + (pad_if_needed_ ? "True" : "False") +
         ", fill=" + (fill_.size() == 1 ? format_number(fill_[0]) : format_list(fill_)) +
         ", padding_mode=" + padding_mode_ + ")";
}

Pad::Pad(std::vector<int64_t> padding, std::vector<double> fill, std::string padding_mode)
    : padding_(sides_of(padding, "Pad")),
      padding_given_(std::move(padding)),
      fill_(std::move(fill)),
      padding_mode_(std::move(padding_mode)) {
  check_padding_mode(padding_mode_, "Pad");
  STRIATE_CHECK(!fill_.empty(), "Pad: expected fill as 1 value or one per channel, got none");
}

Tensor Pad::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "Pad");
  std::vector<double> fill = per_channel(fill_, geometry.C, "Pad", "fill");
  if (padding_mode_ == "reflect") {
    STRIATE_CHECK(std::max(padding_[1], padding_[3]) < geometry.H && std::max(padding_[0], padding_[2]) < geometry.W,
                  "Pad: reflect padding must be smaller than the image (", geometry.H, "x", geometry.W, "), got ",
                  format_padding(padding_given_));
  }
  std::vector<int64_t> rows = pad_index(identity_index(geometry.H), padding_[1], padding_[3], padding_mode_);
  std::vector<int64_t> cols = pad_index(identity_index(geometry.W), padding_[0], padding_[2], padding_mode_);
  return gather(image, geometry, rows, cols, fill);
}

std::string Pad::repr() const {
  return "Pad(padding=" + format_padding(padding_given_) +
         ", fill=" + (fill_.size() == 1 ? format_number(fill_[0]) : format_list(fill_)) +
         ", padding_mode=" + padding_mode_ + ")";
}

namespace {

void check_members(const std::vector<std::shared_ptr<Transform>>& transforms, const char* name) {
  for (size_t i = 0; i < transforms.size(); ++i)
    STRIATE_CHECK_TYPE(transforms[i] != nullptr, name, ": transform ", i, " is null");
}

std::string members_repr(const std::string& head, const std::vector<std::shared_ptr<Transform>>& transforms) {
  std::string text = head + "(\n";
  for (const auto& transform : transforms) text += "    " + transform->repr() + "\n";
  return text + ")";
}

}  // namespace

RandomApply::RandomApply(std::vector<std::shared_ptr<Transform>> transforms, double p)
    : transforms_(std::move(transforms)), p_(p) {
  check_probability(p, "RandomApply");
  check_members(transforms_, "RandomApply");
}

Tensor RandomApply::operator()(const Tensor& image) const {
  if (augmentation_generator().uniform() >= p_) return image;
  Tensor out = image;
  for (const auto& transform : transforms_) out = (*transform)(out);
  return out;
}

std::string RandomApply::repr() const {
  std::string text = "RandomApply(\n    p=" + format_number(p_) + "\n";
  for (const auto& transform : transforms_) text += "    " + transform->repr() + "\n";
  return text + ")";
}

RandomChoice::RandomChoice(std::vector<std::shared_ptr<Transform>> transforms, std::vector<double> p)
    : transforms_(std::move(transforms)) {
  STRIATE_CHECK(!transforms_.empty(), "RandomChoice: expected at least one transform, got none");
  check_members(transforms_, "RandomChoice");
  if (p.empty()) p.assign(transforms_.size(), 1.0);
  STRIATE_CHECK(p.size() == transforms_.size(), "RandomChoice: expected ", transforms_.size(),
                " probabilities (one per transform), got ", p.size());
  double total = 0;
  for (double weight : p) {
    STRIATE_CHECK(std::isfinite(weight) && weight >= 0, "RandomChoice: expected non-negative probabilities, got ",
                  format_number(weight));
    total += weight;
    cumulative_.push_back(total);
  }
  STRIATE_CHECK(total > 0, "RandomChoice: expected probabilities that are not all zero");
  for (double& value : cumulative_) value /= total;
}

Tensor RandomChoice::operator()(const Tensor& image) const {
  const double u = augmentation_generator().uniform();
  size_t pick = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
  return (*transforms_[std::min(pick, transforms_.size() - 1)])(image);
}

std::string RandomChoice::repr() const { return members_repr("RandomChoice", transforms_); }

RandomOrder::RandomOrder(std::vector<std::shared_ptr<Transform>> transforms) : transforms_(std::move(transforms)) {
  check_members(transforms_, "RandomOrder");
}

Tensor RandomOrder::operator()(const Tensor& image) const {
  Tensor out = image;
  for (int64_t index : random_permutation(static_cast<int64_t>(transforms_.size()))) out = (*transforms_[index])(out);
  return out;
}

std::string RandomOrder::repr() const { return members_repr("RandomOrder", transforms_); }

namespace {

// The rows (or columns) of a crop of `length` starting at `start`, -1 outside [0, extent).
std::vector<int64_t> window_index(int64_t start, int64_t length, int64_t extent) {
  std::vector<int64_t> index(length);
  for (int64_t i = 0; i < length; ++i) index[i] = (start + i >= 0 && start + i < extent) ? start + i : -1;
  return index;
}

// torchvision's center_crop offset: the crop origin in the (zero-padded) image, rounded half to
// even as Python's round() does, minus the padding in front.
int64_t center_offset(int64_t extent, int64_t crop) {
  int64_t pad_before = crop > extent ? (crop - extent) / 2 : 0;
  int64_t padded = crop > extent ? extent + (crop - extent) / 2 + (crop - extent + 1) / 2 : extent;
  return static_cast<int64_t>(std::nearbyint((padded - crop) / 2.0)) - pad_before;
}

}  // namespace

CenterCrop::CenterCrop(std::vector<int64_t> size) { std::tie(height_, width_) = check_size(size, "CenterCrop"); }

Tensor CenterCrop::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "CenterCrop");
  return gather(image, geometry, window_index(center_offset(geometry.H, height_), height_, geometry.H),
                window_index(center_offset(geometry.W, width_), width_, geometry.W), {0.0});
}

std::string CenterCrop::repr() const { return "CenterCrop(size=" + format_size(height_, width_) + ")"; }

namespace {

// Writes the five crops of every image into out (N, K, C, h, w) at crop slots first..first+4;
// flip_rows / flip_cols crop the flipped image instead.
void five_crops(Tensor& out, const Tensor& image, const ImageGeometry& geometry, int64_t height, int64_t width,
                int64_t crops_per_image, int64_t first, bool flip_rows, bool flip_cols, const char* name) {
  STRIATE_CHECK(height <= geometry.H && width <= geometry.W, name, ": requested crop size ", format_size(height, width),
                " is bigger than the input size ", format_size(geometry.H, geometry.W));
  const int64_t H = geometry.H, W = geometry.W;
  const int64_t tops[5] = {0, 0, H - height, H - height, static_cast<int64_t>(std::nearbyint((H - height) / 2.0))};
  const int64_t lefts[5] = {0, W - width, 0, W - width, static_cast<int64_t>(std::nearbyint((W - width) / 2.0))};
  Tensor source = contiguous_pixels(image);
  const double fill = 0.0;
  for (int k = 0; k < 5; ++k) {
    std::vector<int64_t> rows = window_index(tops[k], height, H), cols = window_index(lefts[k], width, W);
    if (flip_rows)
      for (auto& row : rows) row = H - 1 - row;
    if (flip_cols)
      for (auto& col : cols) col = W - 1 - col;
    for (int64_t n = 0; n < geometry.N; ++n) {
      STRIATE_DISPATCH_IMAGE(image.dtype(), name, [&] {
        kernels::cpu::gather_image<scalar_t>(
            out.data<scalar_t>() + (n * crops_per_image + first + k) * geometry.C * height * width,
            source.data<scalar_t>() + n * geometry.C * H * W, rows.data(), cols.data(), &fill, geometry.C, 1, H, W,
            height, width);
      });
    }
  }
}

Tensor new_crops(const ImageGeometry& geometry, int64_t count, int64_t height, int64_t width, DType dtype) {
  if (geometry.batched) return empty({geometry.N, count, geometry.C, height, width}, TensorOptions(dtype));
  return empty({count, geometry.C, height, width}, TensorOptions(dtype));
}

}  // namespace

FiveCrop::FiveCrop(std::vector<int64_t> size) { std::tie(height_, width_) = check_size(size, "FiveCrop"); }

Tensor FiveCrop::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "FiveCrop");
  Tensor out = new_crops(geometry, 5, height_, width_, image.dtype());
  five_crops(out, image, geometry, height_, width_, 5, 0, false, false, "FiveCrop");
  return out;
}

std::string FiveCrop::repr() const { return "FiveCrop(size=" + format_size(height_, width_) + ")"; }

TenCrop::TenCrop(std::vector<int64_t> size, bool vertical_flip) : vertical_flip_(vertical_flip) {
  std::tie(height_, width_) = check_size(size, "TenCrop");
}

Tensor TenCrop::operator()(const Tensor& image) const {
  ImageGeometry geometry = check_image(image, "TenCrop");
  Tensor out = new_crops(geometry, 10, height_, width_, image.dtype());
  five_crops(out, image, geometry, height_, width_, 10, 0, false, false, "TenCrop");
  five_crops(out, image, geometry, height_, width_, 10, 5, vertical_flip_, !vertical_flip_, "TenCrop");
  return out;
}

std::string TenCrop::repr() const {
  return "TenCrop(size=" + format_size(height_, width_) + ", vertical_flip=" + (vertical_flip_ ? "True" : "False") +
         ")";
}

}  // namespace striate::data
