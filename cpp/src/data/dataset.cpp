// Dataset's default batching, TensorDataset, and the Fashion-MNIST loader.
#include "striate/data/dataset.h"

#include <algorithm>
#include <cstring>

#include "striate/autograd.h"
#include "striate/data/datasets.h"
#include "striate/data/idx.h"
#include "striate/ops/creation.h"
#include "striate/ops/shape_ops.h"

namespace striate::data {

namespace {

// Copies rows `indices` of a contiguous CPU tensor: one memcpy per example, which is what a
// data loader spends its time on (index_select's general strided path is much slower here).
Tensor gather_rows(const Tensor& source, const std::vector<int64_t>& indices) {
  Shape shape = source.sizes();
  shape[0] = static_cast<int64_t>(indices.size());
  Tensor result = empty(shape, TensorOptions(source.dtype()).set_device(source.device()));
  const size_t row_bytes = static_cast<size_t>(source.numel() / std::max<int64_t>(source.size(0), 1)) *
                           element_size(source.dtype());
  const auto* from = static_cast<const char*>(source.data_ptr());
  auto* to = static_cast<char*>(result.data_ptr());
  // Single-threaded on purpose: a batch is a few hundred KB, less than a thread hand-off costs.
  for (size_t i = 0; i < indices.size(); ++i) std::memcpy(to + i * row_bytes, from + indices[i] * row_bytes, row_bytes);
  return result;
}

}  // namespace

std::vector<Tensor> Dataset::get_batch(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds) const {
  STRIATE_CHECK(!indices.empty(), "Dataset.get_batch: expected at least one index");
  STRIATE_CHECK(seeds.empty() || seeds.size() == indices.size(), "Dataset.get_batch: expected one seed per index (",
                indices.size(), "), got ", seeds.size());
  int64_t count = size();
  for (int64_t index : indices) {
    STRIATE_CHECK_INDEX(index >= 0 && index < count, "Dataset.get_batch: index ", index, " is out of range for ",
                        count, " examples");
  }
  NoGradGuard no_grad;
  return fetch_batch(indices, seeds);
}

std::vector<Tensor> Dataset::get_seeded(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds,
                                        size_t position) const {
  if (seeds.empty()) return get(indices[position]);
  AugmentationSeed seed(seeds[position]);
  return get(indices[position]);
}

std::vector<Tensor> Dataset::fetch_batch(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds) const {
  std::vector<std::vector<Tensor>> fields;
  for (size_t position = 0; position < indices.size(); ++position) {
    std::vector<Tensor> example = get_seeded(indices, seeds, position);
    if (fields.empty()) fields.resize(example.size());
    STRIATE_CHECK(example.size() == fields.size(), "Dataset.get_batch: example ", indices[position], " has ",
                  example.size(), " fields, the first one had ", fields.size());
    for (size_t f = 0; f < example.size(); ++f) fields[f].push_back(std::move(example[f]));
  }
  std::vector<Tensor> batch;
  batch.reserve(fields.size());
  for (const auto& field : fields) batch.push_back(stack(field, 0));
  return batch;
}

TensorDataset::TensorDataset(std::vector<Tensor> tensors, std::shared_ptr<const Transform> transform)
    : tensors_(std::move(tensors)), transform_(std::move(transform)) {
  STRIATE_CHECK(!tensors_.empty(), "TensorDataset: expected at least one tensor");
  for (size_t i = 0; i < tensors_.size(); ++i) {
    STRIATE_CHECK(tensors_[i].defined(), "TensorDataset: tensor ", i, " is None");
    STRIATE_CHECK_SHAPE(tensors_[i].dim() >= 1, "TensorDataset: tensor ", i,
                        " must have at least one dimension (the examples), got a 0-d tensor");
    STRIATE_CHECK_SHAPE(tensors_[i].size(0) == tensors_[0].size(0),
                        "TensorDataset: size mismatch between tensors: tensor 0 has ", tensors_[0].size(0),
                        " examples, tensor ", i, " has ", tensors_[i].size(0));
  }
}

int64_t TensorDataset::size() const { return tensors_[0].size(0); }

std::vector<Tensor> TensorDataset::get(int64_t index) const {
  int64_t count = size();
  STRIATE_CHECK_INDEX(index >= -count && index < count, "TensorDataset: index ", index, " is out of range for ", count,
                      " examples");
  if (index < 0) index += count;
  std::vector<Tensor> example;
  example.reserve(tensors_.size());
  for (const auto& tensor : tensors_) example.push_back(tensor.select(0, index));
  if (transform_) example[0] = (*transform_)(example[0]);
  return example;
}

std::vector<Tensor> TensorDataset::fetch_batch(const std::vector<int64_t>& indices,
                                               const std::vector<uint64_t>& seeds) const {
  std::vector<Tensor> batch;
  batch.reserve(tensors_.size());
  for (size_t field = 0; field < tensors_.size(); ++field) {
    const Tensor& source = tensors_[field];
    if (field == 0 && transform_) {
      std::vector<Tensor> images;
      images.reserve(indices.size());
      for (size_t position = 0; position < indices.size(); ++position) {
        Tensor image = source.select(0, indices[position]);
        if (seeds.empty()) {
          images.push_back((*transform_)(image));
        } else {
          AugmentationSeed seed(seeds[position]);
          images.push_back((*transform_)(image));
        }
      }
      batch.push_back(stack(images, 0));
    } else if (source.is_contiguous() && source.device().is_cpu()) {
      batch.push_back(gather_rows(source, indices));
    } else {
      batch.push_back(index_select(source, 0, tensor<int64_t>(indices)));
    }
  }
  return batch;
}

std::shared_ptr<TensorDataset> load_fashion_mnist(const std::string& root, bool train) {
  return load_mnist(root, train, "FashionMNIST");
}

}  // namespace striate::data
