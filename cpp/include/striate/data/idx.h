// Reading the IDX format of MNIST-style datasets (raw or gzip-compressed, detected from the
// content), and the MNIST/Fashion-MNIST conventions on top of it.
//   striate::Tensor images = striate::data::read_idx("train-images-idx3-ubyte.gz");  // uint8 (N, 28, 28)
//   striate::Tensor x = striate::data::load_mnist_images(path);  // float32 (N, 1, 28, 28) in [0, 1]
#pragma once
#include <string>

#include "striate/core/tensor.h"

namespace striate::data {

/// Element types map to: ubyte -> uint8, byte/short/int -> int64, float -> float32,
/// double -> float64. Raises IOError naming the path for a missing, unreadable, truncated or
/// malformed file (bad magic, unknown type code).
/// Reads an IDX file.
/// @param path the file (raw or gzip).
/// @return the tensor, shaped as the file says.
/// @throws IOError as described above.
Tensor read_idx(const std::string& path);

/// An IDX image file as float32 (N, 1, H, W) scaled to [0, 1].
/// @param path the file.
/// @return the images.
/// @throws IOError for a missing or malformed file, or one that is not 3-D uint8.
Tensor load_mnist_images(const std::string& path);
/// An IDX label file as int64 (N).
/// @param path the file.
/// @return the labels.
/// @throws IOError for a missing or malformed file, or one that is not 1-D uint8.
Tensor load_mnist_labels(const std::string& path);

}  // namespace striate::data
