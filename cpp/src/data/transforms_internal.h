// Helpers shared by the transforms_*.cpp files: image validation, output allocation, the random
// draws (all from augmentation_generator()), argument checks, index maps and repr formatting.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "striate/data/transforms.h"

// Calls the lambda with scalar_t bound to the pixel types the transforms support.
#define STRIATE_DISPATCH_IMAGE(DTYPE, NAME, ...)                                                     \
  [&] {                                                                                              \
    switch (DTYPE) {                                                                                 \
      STRIATE_DTYPE_CASE(::striate::DType::UInt8, uint8_t, __VA_ARGS__)                             \
      STRIATE_DTYPE_CASE(::striate::DType::Float32, float, __VA_ARGS__)                              \
      STRIATE_DTYPE_CASE(::striate::DType::Float64, double, __VA_ARGS__)                             \
      default:                                                                                       \
        throw ::striate::TypeError(                                                                  \
            ::striate::detail::str(NAME, ": expected a uint8, float32 or float64 image, got ", DTYPE)); \
    }                                                                                                \
  }()

namespace striate::data::detail {

// An image (C, H, W) or a batch (N, C, H, W), viewed as N images (N = 1 when unbatched).
struct ImageGeometry {
  bool batched = false;
  int64_t N = 1, C = 0, H = 0, W = 0;
  int64_t planes() const { return N * C; }
};

// Checks a transform's input (defined, 3 or 4 dims, non-empty, a supported dtype).
ImageGeometry check_image(const Tensor& image, const char* name);
// A new uninitialised image shaped like `geometry` with H×W pixels.
Tensor new_image(const ImageGeometry& geometry, int64_t H, int64_t W, DType dtype);

// The pixels of image, contiguous: the image itself when it already is, else a copy (never
// recorded by autograd). copy_pixels always copies, for transforms that write into the result.
Tensor contiguous_pixels(const Tensor& image);
Tensor copy_pixels(const Tensor& image);

// Uniform integer in [low, high) and uniform real in [low, high), from augmentation_generator().
int64_t random_int(int64_t low, int64_t high);
double random_uniform(double low, double high);
// A uniform random permutation of 0..n-1 (Fisher-Yates).
std::vector<int64_t> random_permutation(int64_t n);

void check_probability(double p, const char* name);
// Size arguments: 1 value = square, 2 = (h, w); each positive.
std::pair<int64_t, int64_t> check_size(const std::vector<int64_t>& size, const char* name);
// 1 value or one per channel, expanded to C values.
std::vector<double> per_channel(const std::vector<double>& values, int64_t C, const char* name, const char* argument);
void check_interpolation(const std::string& interpolation, const char* name);
void check_range(Range range, const char* name, const char* argument, bool positive);

// Index maps: entry i is the source index of output i along one axis, or -1 for fill.
std::vector<int64_t> identity_index(int64_t length);
// Pads a map by `before` and `after` entries in padding mode constant, edge, reflect or symmetric.
std::vector<int64_t> pad_index(const std::vector<int64_t>& source, int64_t before, int64_t after,
                               const std::string& mode);
// Writes every image through the row and column maps (fill: 1 value, or one per channel).
Tensor gather(const Tensor& image, const ImageGeometry& geometry, const std::vector<int64_t>& rows,
              const std::vector<int64_t>& cols, const std::vector<double>& fill);

// Python-like formatting for repr(): 0.5, 1.0, (32, 32), [0.1, 0.2].
std::string format_number(double value);
std::string format_list(const std::vector<double>& values, const char* open = "[", const char* close = "]");
std::string format_size(int64_t height, int64_t width);
std::string format_range(Range range);

}  // namespace striate::data::detail
