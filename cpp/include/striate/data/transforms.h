// The image transforms of striate.data.transforms, with torchvision's names, arguments and
// defaults: geometry (flips, crops, resize, rotation, affine), colour (jitter, PCA lighting),
// occlusion (random erasing, cutout), test-time crops, and the batch-level Mixup and CutMix.
// Images are (C, H, W) or (N, C, H, W), uint8, float32 or float64; a batch shares one draw of the
// random parameters (as torchvision v2 does). Random draws come only from augmentation_generator().
//   auto augment = std::make_shared<striate::data::Compose>(std::vector<std::shared_ptr<striate::data::Transform>>{
//       std::make_shared<striate::data::RandomCrop>(std::vector<int64_t>{32}, std::vector<int64_t>{4}),
//       std::make_shared<striate::data::RandomHorizontalFlip>()});
//   striate::Tensor out = (*augment)(image);
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "striate/data/transform.h"

namespace striate::data {

/// A (min, max) range of a random parameter.
using Range = std::pair<double, double>;

/// Applies transforms in order.
class Compose : public Transform {
 public:
  /// @param transforms the transforms, applied first to last; none may be null.
  /// @throws ValueError when a transform is null.
  explicit Compose(std::vector<std::shared_ptr<Transform>> transforms);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The composed transforms.
  /// @return them, in order.
  const std::vector<std::shared_ptr<Transform>>& transforms() const { return transforms_; }

 private:
  std::vector<std::shared_ptr<Transform>> transforms_;
};

/// uint8 pixels → float32 in [0, 1]; floating images pass through unchanged.
class ToTensor : public Transform {
 public:
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override { return "ToTensor()"; }
};

/// (image - mean[c]) / std[c] on floating images; mean and std hold 1 or C values.
class Normalize : public Transform {
 public:
  /// @param mean 1 or C means.
  /// @param std 1 or C standard deviations, none zero.
  /// @param inplace overwrite the input instead of returning a new tensor (default false).
  /// @throws ValueError when a list is empty, has the wrong length, or std holds a zero.
  Normalize(std::vector<double> mean, std::vector<double> std, bool inplace = false);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  std::vector<double> mean_, std_;
  bool inplace_;
};

/// Reverses the columns (horizontal) or rows (vertical) with probability p.
class RandomHorizontalFlip : public Transform {
 public:
  /// @param p the probability of a flip, in [0, 1] (default 0.5).
  /// @throws ValueError when p is outside [0, 1].
  explicit RandomHorizontalFlip(double p = 0.5);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  double p_;
};

/// Reverses the rows with probability p.
class RandomVerticalFlip : public Transform {
 public:
  /// @param p the probability of a flip, in [0, 1] (default 0.5).
  /// @throws ValueError when p is outside [0, 1].
  explicit RandomVerticalFlip(double p = 0.5);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  double p_;
};

/// A crop (top, left, height, width) in image coordinates.
struct CropBox {
  ///@{
  /// The box's first row and column and its size in pixels.
  int64_t top = 0, left = 0, height = 0, width = 0;
  ///@}
};

/// Pads (padding: 1 value = every side, 2 = left/right and top/bottom, 4 = left, top, right,
/// bottom), pads to `size` when pad_if_needed, then crops size (1 value = square, or (h, w)) at a
/// uniform position. padding_mode: "constant" (fill, 1 or C values), "edge", "reflect", "symmetric".
class RandomCrop : public Transform {
 public:
  /// @param size the crop: 1 value (square) or (h, w).
  /// @param padding 0 (default empty), 1, 2 or 4 padding values.
  /// @param pad_if_needed pad an image smaller than size up to it (default false).
  /// @param fill the constant padding's value: 1 or C values (default 0).
  /// @param padding_mode "constant" (default), "edge", "reflect" or "symmetric".
  /// @throws ValueError for a bad size, padding count or mode, or a crop larger than the padded
  ///   image (at call time).
  RandomCrop(std::vector<int64_t> size, std::vector<int64_t> padding = {}, bool pad_if_needed = false,
             std::vector<double> fill = {0.0}, std::string padding_mode = "constant");
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// torchvision's get_params: a uniform crop of height×width inside an image of image_h×image_w.
  /// @param image_h the image's height.
  /// @param image_w the image's width.
  /// @param height the crop's height (<= image_h).
  /// @param width the crop's width (<= image_w).
  /// @return the crop box.
  /// @throws ValueError when the crop is larger than the image.
  static CropBox get_params(int64_t image_h, int64_t image_w, int64_t height, int64_t width);

 private:
  int64_t height_, width_;
  std::array<int64_t, 4> padding_ = {0, 0, 0, 0};  // left, top, right, bottom
  std::vector<int64_t> padding_given_;
  bool pad_if_needed_;
  std::vector<double> fill_;
  std::string padding_mode_;
};

/// Pads every image (padding: 1 value = every side, 2 = left/right and top/bottom, 4 = left, top,
/// right, bottom) with padding_mode "constant" (fill, 1 or C values), "edge", "reflect" or
/// "symmetric", as torchvision's Pad.
class Pad : public Transform {
 public:
  /// @param padding 1, 2 or 4 non-negative values.
  /// @param fill the constant padding's value: 1 or C values (default 0).
  /// @param padding_mode "constant" (default), "edge", "reflect" or "symmetric".
  /// @throws ValueError for a bad padding count, a negative value or an unknown mode.
  explicit Pad(std::vector<int64_t> padding, std::vector<double> fill = {0.0}, std::string padding_mode = "constant");
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  std::array<int64_t, 4> padding_ = {0, 0, 0, 0};  // left, top, right, bottom
  std::vector<int64_t> padding_given_;
  std::vector<double> fill_;
  std::string padding_mode_;
};

/// Applies `transforms` in order with probability p, else nothing (one draw per call).
class RandomApply : public Transform {
 public:
  /// @param transforms the transforms, applied in order.
  /// @param p the probability of applying them, in [0, 1] (default 0.5).
  /// @throws ValueError when p is outside [0, 1] or a transform is null.
  explicit RandomApply(std::vector<std::shared_ptr<Transform>> transforms, double p = 0.5);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The transforms.
  /// @return them, in order.
  const std::vector<std::shared_ptr<Transform>>& transforms() const { return transforms_; }

 private:
  std::vector<std::shared_ptr<Transform>> transforms_;
  double p_;
};

/// Applies one of `transforms`, picked with probabilities proportional to p (uniform when empty).
class RandomChoice : public Transform {
 public:
  /// @param transforms the candidates (at least one).
  /// @param p one non-negative weight per transform, or empty (default: uniform).
  /// @throws ValueError when the list is empty, p has the wrong length, or a weight is negative.
  explicit RandomChoice(std::vector<std::shared_ptr<Transform>> transforms, std::vector<double> p = {});
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The candidates.
  /// @return them, in order.
  const std::vector<std::shared_ptr<Transform>>& transforms() const { return transforms_; }

 private:
  std::vector<std::shared_ptr<Transform>> transforms_;
  std::vector<double> cumulative_;  // normalized cumulative weights
};

/// Applies all of `transforms` in a random order.
class RandomOrder : public Transform {
 public:
  /// @param transforms the transforms.
  /// @throws ValueError when a transform is null.
  explicit RandomOrder(std::vector<std::shared_ptr<Transform>> transforms);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The transforms.
  /// @return them, in the given order.
  const std::vector<std::shared_ptr<Transform>>& transforms() const { return transforms_; }

 private:
  std::vector<std::shared_ptr<Transform>> transforms_;
};

/// The central crop (top/left offsets rounded half to even like torchvision); zero padding when
/// the crop is larger than the image.
class CenterCrop : public Transform {
 public:
  /// @param size the crop: 1 value (square) or (h, w), positive.
  /// @throws ValueError for another count or a non-positive value.
  explicit CenterCrop(std::vector<int64_t> size);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  int64_t height_, width_;
};

/// size: (h, w), or one value = the shorter side, keeping the aspect ratio (the longer side capped
/// by max_size). interpolation "bilinear" (align_corners=False, as interpolate) or "nearest".
/// Resizes to `size`.
class Resize : public Transform {
 public:
  /// @param size (h, w), or one value for the shorter side.
  /// @param interpolation "bilinear" (default) or "nearest".
  /// @param max_size the cap of the longer side when size has one value (default none).
  /// @param antialias low-pass filter when downsampling, as torchvision (default false).
  /// @throws ValueError for a bad size, an unknown interpolation, or max_size <= size.
  Resize(std::vector<int64_t> size, std::string interpolation = "bilinear",
         std::optional<int64_t> max_size = std::nullopt, bool antialias = false);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The (height, width) an image_h×image_w image is resized to.
  /// @param image_h the image's height.
  /// @param image_w the image's width.
  /// @return (height, width) after resizing.
  std::pair<int64_t, int64_t> output_size(int64_t image_h, int64_t image_w) const;

 private:
  std::vector<int64_t> size_;
  std::string interpolation_;
  std::optional<int64_t> max_size_;
  bool antialias_;
};

/// A random crop of random area (a fraction in `scale`) and aspect ratio (in `ratio`, sampled
/// log-uniformly), resized to size; torchvision's 10 attempts, then a central crop.
class RandomResizedCrop : public Transform {
 public:
  /// @param size the output: 1 value (square) or (h, w).
  /// @param scale the crop's area as a fraction of the image's (default (0.08, 1.0)).
  /// @param ratio the crop's aspect ratio w/h (default (3/4, 4/3)).
  /// @param interpolation "bilinear" (default) or "nearest".
  /// @param antialias low-pass filter when downsampling (default false).
  /// @throws ValueError for a bad size, a decreasing range or an unknown interpolation.
  RandomResizedCrop(std::vector<int64_t> size, Range scale = {0.08, 1.0}, Range ratio = {3.0 / 4.0, 4.0 / 3.0},
                    std::string interpolation = "bilinear", bool antialias = false);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// torchvision's get_params: the box of one crop.
  /// @param image_h the image's height.
  /// @param image_w the image's width.
  /// @param scale the area fraction's range.
  /// @param ratio the aspect ratio's range.
  /// @return the crop box.
  static CropBox get_params(int64_t image_h, int64_t image_w, Range scale, Range ratio);

 private:
  int64_t height_, width_;
  Range scale_, ratio_;
  std::string interpolation_;
  bool antialias_;
};

/// Rotates by a uniform angle in degrees (1 value d = (-d, d)), counter-clockwise, about center
/// ((x, y) in pixels; default the image centre). expand grows the output to hold the whole image.
class RandomRotation : public Transform {
 public:
  /// @param degrees d for (-d, d), or (min, max).
  /// @param interpolation "nearest" (default) or "bilinear".
  /// @param expand grow the output to hold the rotated image (default false).
  /// @param center the rotation's centre (x, y) in pixels (default: the image's centre).
  /// @param fill the value outside the image: 1 or C values (default 0).
  /// @throws ValueError for a bad degrees count, a negative single value or an unknown mode.
  RandomRotation(std::vector<double> degrees, std::string interpolation = "nearest", bool expand = false,
                 std::optional<std::pair<double, double>> center = std::nullopt, std::vector<double> fill = {0.0});
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// One angle.
  /// @param degrees the range.
  /// @return an angle uniform in it.
  static double get_params(Range degrees);

 private:
  Range degrees_;
  std::string interpolation_;
  bool expand_;
  std::optional<std::pair<double, double>> center_;
  std::vector<double> fill_;
};

/// The parameters of one RandomAffine draw.
struct AffineParams {
  /// Rotation in degrees, clockwise.
  double angle = 0.0;
  ///@{
  /// Translation in pixels.
  int64_t translate_x = 0, translate_y = 0;
  ///@}
  /// Scale factor.
  double scale = 1.0;
  ///@{
  /// Shear angles in degrees.
  double shear_x = 0.0, shear_y = 0.0;
  ///@}
};

/// Gaussian blur with a sigma drawn uniformly from sigma (min, max) per call, as torchvision's:
/// separable kernels of kernel_size (1 value, or (width, height); odd and positive) with
/// reflect padding; uint8 results rounded.
class GaussianBlur : public Transform {
 public:
  /// @param kernel_size 1 value, or (width, height); odd and positive.
  /// @param sigma the range of sigma (default (0.1, 2.0)), positive.
  /// @throws ValueError for an even or non-positive size or a bad sigma range.
  GaussianBlur(std::vector<int64_t> kernel_size, Range sigma = {0.1, 2.0});
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The sigma of one call: uniform in [sigma_min, sigma_max].
  /// @param sigma_min the least sigma.
  /// @param sigma_max the largest sigma.
  /// @return sigma.
  static double get_params(double sigma_min, double sigma_max);

 private:
  int64_t kernel_w_, kernel_h_;
  Range sigma_;
};

/// Random rotation (clockwise degrees, torchvision's convention for affine), translation (fractions
/// of width and height), scale and shear (1 value s = x-shear in (-s, s); 2 = x range; 4 = x and y).
class RandomAffine : public Transform {
 public:
  /// @param degrees d for (-d, d), or (min, max).
  /// @param translate the largest shifts as fractions of (width, height) (default none).
  /// @param scale the scale's range (default none: 1).
  /// @param shear 0 (default), 1, 2 or 4 values.
  /// @param interpolation "nearest" (default) or "bilinear".
  /// @param fill the value outside the image: 1 or C values (default 0).
  /// @param center the centre (x, y) in pixels (default: the image's centre).
  /// @throws ValueError for bad ranges or counts or an unknown interpolation.
  RandomAffine(std::vector<double> degrees, std::optional<Range> translate = std::nullopt,
               std::optional<Range> scale = std::nullopt, std::vector<double> shear = {},
               std::string interpolation = "nearest", std::vector<double> fill = {0.0},
               std::optional<std::pair<double, double>> center = std::nullopt);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// torchvision's get_params: one draw.
  /// @param degrees the angle's range.
  /// @param translate the largest shifts as fractions, or none.
  /// @param scale the scale's range, or none.
  /// @param shear the shear values (0, 2 or 4).
  /// @param image_w the image's width.
  /// @param image_h the image's height.
  /// @return the drawn parameters.
  static AffineParams get_params(Range degrees, std::optional<Range> translate, std::optional<Range> scale,
                                 const std::vector<double>& shear, int64_t image_w, int64_t image_h);

 private:
  Range degrees_;
  std::optional<Range> translate_, scale_;
  std::vector<double> shear_;  // empty, or (x_min, x_max[, y_min, y_max])
  std::string interpolation_;
  std::vector<double> fill_;
  std::optional<std::pair<double, double>> center_;
};

/// The 2×3 inverse map from output to input pixel coordinates (both relative to the image centre)
/// of torchvision's affine; shared with the functional forms and tests.
/// @param center the centre (x, y) relative to the image centre.
/// @param angle rotation in degrees.
/// @param translate (x, y) in pixels.
/// @param scale scale factor (non-zero).
/// @param shear (x, y) shear in degrees.
/// @return the matrix, row major.
std::array<double, 6> inverse_affine_matrix(std::pair<double, double> center, double angle,
                                            std::pair<double, double> translate, double scale,
                                            std::pair<double, double> shear);

/// Random brightness, contrast, saturation and hue, applied in a random order. Each factor is one
/// value v (a range (max(0, 1 - v), 1 + v); hue: (-v, v)) or a (min, max) range; 0 disables it.
class ColorJitter : public Transform {
 public:
  /// @param brightness v or (min, max) (default 0: off).
  /// @param contrast v or (min, max) (default 0: off).
  /// @param saturation v or (min, max) (default 0: off).
  /// @param hue v in [0, 0.5] or (min, max) within [-0.5, 0.5] (default 0: off).
  /// @throws ValueError for a negative value, a bad count or an out-of-range hue.
  ColorJitter(std::vector<double> brightness = {0.0}, std::vector<double> contrast = {0.0},
              std::vector<double> saturation = {0.0}, std::vector<double> hue = {0.0});
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

  /// The parameters of one draw.
  struct Params {
    /// The order of the operations.
    std::array<int, 4> order;  // 0 brightness, 1 contrast, 2 saturation, 3 hue
    ///@{
    /// Each factor, or none when that operation is off.
    std::optional<double> brightness, contrast, saturation, hue;
    ///@}
  };
  /// torchvision's get_params: one draw.
  /// @param brightness the range, or none.
  /// @param contrast the range, or none.
  /// @param saturation the range, or none.
  /// @param hue the range, or none.
  /// @return the drawn order and factors.
  static Params get_params(std::optional<Range> brightness, std::optional<Range> contrast,
                           std::optional<Range> saturation, std::optional<Range> hue);

 private:
  std::optional<Range> brightness_, contrast_, saturation_, hue_;
};

/// The colour operations ColorJitter applies, for one factor (torchvision's adjust_*).
/// @param image (C, H, W) or (N, C, H, W).
/// @param factor 0 gives black, 1 the image.
/// @return the image times factor, clamped to its range.
Tensor adjust_brightness(const Tensor& image, double factor);
/// Blends with the mean gray level.
/// @param image (C, H, W) or (N, C, H, W) with 1 or 3 channels.
/// @param factor 0 gives flat gray, 1 the image.
/// @return the adjusted image.
Tensor adjust_contrast(const Tensor& image, double factor);
/// Blends with the grayscale image.
/// @param image (C, H, W) or (N, C, H, W) with 3 channels.
/// @param factor 0 gives gray, 1 the image.
/// @return the adjusted image.
Tensor adjust_saturation(const Tensor& image, double factor);
/// Rotates the hue in HSV space.
/// @param image (C, H, W) or (N, C, H, W) with 3 channels.
/// @param hue_shift the shift in turns, in [-0.5, 0.5].
/// @return the adjusted image.
/// @throws ValueError when hue_shift is out of range.
Tensor adjust_hue(const Tensor& image, double hue_shift);

/// AlexNet's colour augmentation: adds eigvec · (alpha ⊙ eigval) to the RGB channels, alpha drawn
/// from N(0, alphastd²) per component (uint8 images: the offset is scaled by 255).
class PCALighting : public Transform {
 public:
  /// @param alphastd the standard deviation of alpha (default 0.1).
  /// @param eigval the 3 eigenvalues (default: ImageNet's).
  /// @param eigvec the 3×3 eigenvectors, one per row (default: ImageNet's).
  /// @throws ValueError when the sizes are not 3 and 3×3 or alphastd < 0.
  explicit PCALighting(double alphastd = 0.1, std::vector<double> eigval = imagenet_eigval(),
                       std::vector<std::vector<double>> eigvec = imagenet_eigvec());
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The eigenvalues of ImageNet's RGB covariance (AlexNet's).
  /// @return 3 values.
  static std::vector<double> imagenet_eigval();
  /// The eigenvectors of ImageNet's RGB covariance (AlexNet's).
  /// @return 3 rows of 3.
  static std::vector<std::vector<double>> imagenet_eigvec();

 private:
  double alphastd_;
  std::vector<double> eigval_;
  std::vector<std::vector<double>> eigvec_;
};

/// Luma 0.299 R + 0.587 G + 0.114 B (as ColorJitter's saturation; uint8 truncated), on 1 or 3
/// output channels; a 1-channel image is already gray.
class Grayscale : public Transform {
 public:
  /// @param num_output_channels 1 (default) or 3.
  /// @throws ValueError for another count.
  explicit Grayscale(int64_t num_output_channels = 1);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  int64_t num_output_channels_;
};

/// Grayscale with probability p, keeping the number of channels.
class RandomGrayscale : public Transform {
 public:
  /// @param p the probability, in [0, 1] (default 0.1).
  /// @throws ValueError when p is outside [0, 1].
  explicit RandomGrayscale(double p = 0.1);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  double p_;
};

/// With probability p, overwrites a random box (area fraction in scale, aspect ratio in ratio) with
/// value (1 or C values), or with N(0, 1) noise when random_value; torchvision's 10 attempts.
class RandomErasing : public Transform {
 public:
  /// @param p the probability of erasing, in [0, 1] (default 0.5).
  /// @param scale the box's area fraction (default (0.02, 0.33)).
  /// @param ratio the box's aspect ratio (default (0.3, 3.3)).
  /// @param value the fill: 1 or C values (default 0).
  /// @param random_value fill with N(0, 1) noise instead (default false).
  /// @param inplace overwrite the input (default false).
  /// @throws ValueError for a bad probability, range or value count.
  RandomErasing(double p = 0.5, Range scale = {0.02, 0.33}, Range ratio = {0.3, 3.3}, std::vector<double> value = {0.0},
                bool random_value = false, bool inplace = false);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The box, or nullopt when no attempt fitted (the image is then returned unchanged).
  /// @param image_h the image's height.
  /// @param image_w the image's width.
  /// @param scale the area fraction's range.
  /// @param ratio the aspect ratio's range.
  /// @return the box, or std::nullopt.
  static std::optional<CropBox> get_params(int64_t image_h, int64_t image_w, Range scale, Range ratio);

 private:
  double p_;
  Range scale_, ratio_;
  std::vector<double> value_;
  bool random_value_, inplace_;
};

/// DeVries & Taylor's cutout: zeroes a size×size square centred at a uniform pixel, clipped at the
/// border (rows [y - size/2, y - size/2 + size), likewise columns).
class Cutout : public Transform {
 public:
  /// @param size the square's side in pixels (> 0).
  /// @throws ValueError when size <= 0.
  explicit Cutout(int64_t size);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  int64_t size_;
};

/// Test-time crops, stacked rather than returned as a tuple (torchvision's form) so that the crops
/// average in one forward: (C, H, W) → (5, C, h, w); (N, C, H, W) → (N, 5, C, h, w). Order:
/// top-left, top-right, bottom-left, bottom-right, centre; TenCrop adds the same five of the
/// flipped image (horizontally, or vertically when vertical_flip).
class FiveCrop : public Transform {
 public:
  /// @param size the crop: 1 value (square) or (h, w).
  /// @throws ValueError for a bad size or a crop larger than the image (at call time).
  explicit FiveCrop(std::vector<int64_t> size);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  int64_t height_, width_;
};

/// The five crops of FiveCrop and the five of the flipped image: (C, H, W) → (10, C, h, w).
class TenCrop : public Transform {
 public:
  /// @param size the crop: 1 value (square) or (h, w).
  /// @param vertical_flip flip vertically instead of horizontally (default false).
  /// @throws ValueError for a bad size.
  explicit TenCrop(std::vector<int64_t> size, bool vertical_flip = false);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;

 private:
  int64_t height_, width_;
  bool vertical_flip_;
};

/// Batch-level mixing on (images (N, C, H, W) floating, labels int64 (N) or probabilities
/// (N, num_classes)) → (mixed images, soft targets (N, num_classes)). lambda ~ Beta(alpha, alpha);
/// each example is mixed with a partner drawn as a random permutation of the batch.
/// Stateless; safe to call from several threads.
class Mixup {
 public:
  /// @param alpha the Beta distribution's parameter (> 0).
  /// @param num_classes the number of classes (> 0).
  /// @throws ValueError when alpha or num_classes is not positive.
  Mixup(double alpha, int64_t num_classes);
  /// @param images (N, C, H, W), floating.
  /// @param labels int64 (N), or probabilities (N, num_classes).
  /// @return (mixed images (N, C, H, W), soft targets (N, num_classes)).
  /// @throws ShapeError when the shapes do not match.
  /// @throws TypeError when the images are not floating.
  std::pair<Tensor, Tensor> operator()(const Tensor& images, const Tensor& labels) const;
  /// @return "Mixup(alpha=..., num_classes=...)".
  std::string repr() const;

 private:
  double alpha_;
  int64_t num_classes_;
};

/// Pastes the partner's box (area fraction 1 - lambda around a uniform centre, clipped) into each
/// image; the targets use the exact pasted area.
/// Stateless; safe to call from several threads.
class CutMix {
 public:
  /// @param alpha the Beta distribution's parameter (> 0).
  /// @param num_classes the number of classes (> 0).
  /// @throws ValueError when alpha or num_classes is not positive.
  CutMix(double alpha, int64_t num_classes);
  /// @param images (N, C, H, W), floating.
  /// @param labels int64 (N), or probabilities (N, num_classes).
  /// @return (mixed images (N, C, H, W), soft targets (N, num_classes)).
  /// @throws ShapeError when the shapes do not match.
  /// @throws TypeError when the images are not floating.
  std::pair<Tensor, Tensor> operator()(const Tensor& images, const Tensor& labels) const;
  /// @return "CutMix(alpha=..., num_classes=...)".
  std::string repr() const;

 private:
  double alpha_;
  int64_t num_classes_;
};

}  // namespace striate::data
