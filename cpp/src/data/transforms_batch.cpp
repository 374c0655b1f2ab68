// Batch-level augmentation: Mixup (Zhang et al.) and CutMix (Yun et al.), returning soft targets
// that cross_entropy accepts as class probabilities. The draws are made on the host, and the mix
// runs on the images' device (kernels/mix.h: CPU and CUDA give the same results from one seed);
// the (N, K) targets are built on the host and moved there.
#include <algorithm>
#include <cmath>
#include <random>

#include "data/transforms_internal.h"
#include "kernels/mix.h"
#include "striate/ops/creation.h"

namespace striate::data {

using namespace detail;

namespace {

// Beta(alpha, alpha) as X / (X + Y) with X, Y ~ Gamma(alpha, 1).
double sample_beta(double alpha) {
  std::mt19937_64& engine = augmentation_generator().engine();
  double x = std::gamma_distribution<double>(alpha, 1.0)(engine);
  double y = std::gamma_distribution<double>(alpha, 1.0)(engine);
  return x + y > 0.0 ? x / (x + y) : 0.5;
}

void check_mix_options(double alpha, int64_t num_classes, const char* name) {
  STRIATE_CHECK(alpha > 0, name, ": expected a positive alpha, got ", alpha);
  STRIATE_CHECK(num_classes > 0, name, ": expected a positive num_classes, got ", num_classes);
}

// The per-example class probabilities (N, K) of labels given as int64 (N) or probabilities (N, K).
std::vector<double> class_probabilities(const Tensor& labels, int64_t N, int64_t num_classes, const char* name) {
  STRIATE_CHECK_TYPE(labels.defined(), name, ": expected labels as a Tensor, got None");
  std::vector<double> probabilities(N * num_classes, 0.0);
  if (labels.dtype() == DType::Int64) {
    STRIATE_CHECK(labels.dim() == 1 && labels.size(0) == N, name, ": expected int64 labels of shape (", N,
                  "), got shape ", labels.sizes());
    Tensor source = contiguous_pixels(labels);
    const int64_t* values = source.data<int64_t>();
    for (int64_t n = 0; n < N; ++n) {
      STRIATE_CHECK_INDEX(values[n] >= 0 && values[n] < num_classes, name, ": label ", values[n],
                          " is out of range for num_classes=", num_classes);
      probabilities[n * num_classes + values[n]] = 1.0;
    }
    return probabilities;
  }
  STRIATE_CHECK_TYPE(labels.is_floating_point(), name, ": expected int64 class labels or floating probabilities, got ",
                     labels.dtype());
  STRIATE_CHECK(labels.dim() == 2 && labels.size(0) == N && labels.size(1) == num_classes, name,
                ": expected probabilities of shape (", N, ", ", num_classes, "), got shape ", labels.sizes());
  Tensor source = contiguous_pixels(labels.to(DType::Float64));
  const double* values = source.data<double>();
  std::copy(values, values + N * num_classes, probabilities.begin());
  return probabilities;
}

// lambda · p[n] + (1 - lambda) · p[partner[n]], in the images' floating type (float32 for uint8).
Tensor mixed_targets(const std::vector<double>& probabilities, const std::vector<int64_t>& partner, double lambda,
                     int64_t N, int64_t num_classes, DType image_dtype) {
  DType target_dtype = image_dtype == DType::Float64 ? DType::Float64 : DType::Float32;
  Tensor targets = empty({N, num_classes}, TensorOptions(target_dtype));
  STRIATE_DISPATCH_FLOATING(targets.dtype(), "mixed_targets", [&] {
    scalar_t* out = targets.data<scalar_t>();
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < num_classes; ++k)
        out[n * num_classes + k] = static_cast<scalar_t>(lambda * probabilities[n * num_classes + k] +
                                                         (1.0 - lambda) * probabilities[partner[n] * num_classes + k]);
  });
  return targets;
}

ImageGeometry check_batch(const Tensor& images, const char* name) {
  STRIATE_CHECK_TYPE(images.defined(), name, ": expected a Tensor image, got None");
  // check_image's checks without its CPU requirement (the mix runs on the images' device): a CPU
  // stand-in of the same shape and dtype, a broadcast scalar that holds no pixels.
  ImageGeometry geometry = check_image(
      images.device().is_cpu() ? images : empty({}, TensorOptions(images.dtype())).expand(images.sizes()), name);
  STRIATE_CHECK(geometry.batched, name, ": expected a batch of images (N, C, H, W), got shape ", images.sizes());
  return geometry;
}

// The labels on the host: class_probabilities reads them there (N values, or N·K).
Tensor host_labels(const Tensor& labels) {
  return labels.defined() && !labels.device().is_cpu() ? labels.detach().to(Device(DeviceType::CPU)) : labels;
}

// The partner permutation as an int64 tensor on `device`, for the mixing kernels.
Tensor partner_tensor(const std::vector<int64_t>& partner, Device device) {
  Tensor index = empty({static_cast<int64_t>(partner.size())}, TensorOptions(DType::Int64));
  std::copy(partner.begin(), partner.end(), index.data<int64_t>());
  return index.to(device);
}

}  // namespace

Mixup::Mixup(double alpha, int64_t num_classes) : alpha_(alpha), num_classes_(num_classes) {
  check_mix_options(alpha, num_classes, "Mixup");
}

std::pair<Tensor, Tensor> Mixup::operator()(const Tensor& images, const Tensor& labels) const {
  ImageGeometry geometry = check_batch(images, "Mixup");
  STRIATE_CHECK_TYPE(images.is_floating_point(), "Mixup: expected floating-point images, got ", images.dtype(),
                     " (apply ToTensor first)");
  std::vector<double> probabilities = class_probabilities(host_labels(labels), geometry.N, num_classes_, "Mixup");
  double lambda = sample_beta(alpha_);
  std::vector<int64_t> partner = random_permutation(geometry.N);
  Tensor source = contiguous_pixels(images);
  Tensor mixed = empty_like(source);
  Tensor index = partner_tensor(partner, images.device());
  STRIATE_DISPATCH_FLOATING(images.dtype(), "Mixup", [&] {
    kernels::mix_images<scalar_t>(images.device(), mixed.data<scalar_t>(), source.data<scalar_t>(),
                                  index.data<int64_t>(), lambda, geometry.N, geometry.C * geometry.H * geometry.W);
  });
  Tensor targets = mixed_targets(probabilities, partner, lambda, geometry.N, num_classes_, images.dtype());
  return {mixed, targets.to(images.device())};
}

std::string Mixup::repr() const {
  return "Mixup(alpha=" + format_number(alpha_) + ", num_classes=" + std::to_string(num_classes_) + ")";
}

CutMix::CutMix(double alpha, int64_t num_classes) : alpha_(alpha), num_classes_(num_classes) {
  check_mix_options(alpha, num_classes, "CutMix");
}

std::pair<Tensor, Tensor> CutMix::operator()(const Tensor& images, const Tensor& labels) const {
  ImageGeometry geometry = check_batch(images, "CutMix");
  std::vector<double> probabilities = class_probabilities(host_labels(labels), geometry.N, num_classes_, "CutMix");
  double lambda = sample_beta(alpha_);
  std::vector<int64_t> partner = random_permutation(geometry.N);
  const int64_t H = geometry.H, W = geometry.W;
  // A box of area (1 - lambda)·H·W around a uniform centre, clipped to the image.
  int64_t center_x = random_int(0, W), center_y = random_int(0, H);
  double half_side = 0.5 * std::sqrt(1.0 - lambda);
  auto half_w = static_cast<int64_t>(half_side * W), half_h = static_cast<int64_t>(half_side * H);
  int64_t left = std::max<int64_t>(center_x - half_w, 0), right = std::min<int64_t>(center_x + half_w, W);
  int64_t top = std::max<int64_t>(center_y - half_h, 0), bottom = std::min<int64_t>(center_y + half_h, H);
  double exact_lambda = 1.0 - static_cast<double>((right - left) * (bottom - top)) / static_cast<double>(H * W);
  Tensor source = contiguous_pixels(images);
  Tensor mixed = empty_like(source);
  Tensor index = partner_tensor(partner, images.device());
  STRIATE_DISPATCH_IMAGE(images.dtype(), "CutMix", [&] {
    kernels::paste_box<scalar_t>(images.device(), mixed.data<scalar_t>(), source.data<scalar_t>(),
                                 index.data<int64_t>(), geometry.N, geometry.C, H, W, top, left, bottom - top,
                                 right - left);
  });
  Tensor targets = mixed_targets(probabilities, partner, exact_lambda, geometry.N, num_classes_, images.dtype());
  return {mixed, targets.to(images.device())};
}

std::string CutMix::repr() const {
  return "CutMix(alpha=" + format_number(alpha_) + ", num_classes=" + std::to_string(num_classes_) + ")";
}

}  // namespace striate::data
