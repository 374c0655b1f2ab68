// Datasets: indexable collections of examples, each a list of tensors ({image, label}).
// Subclasses provide size() and get(); get_batch() has a default that stacks examples, and
// tensor-backed datasets gather a whole batch at once. Later datasets (CIFAR, image folders,
// transforms) derive from Dataset.
//   auto dataset = std::make_shared<striate::data::TensorDataset>(std::vector<striate::Tensor>{x, y});
//   std::vector<striate::Tensor> example = dataset->get(0);   // {x[0], y[0]}
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "striate/core/tensor.h"

namespace striate::data {

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  // One example; index in [0, size()).
  virtual std::vector<Tensor> get(int64_t index) const = 0;
  // The examples at `indices`, field by field, stacked along a new dim 0.
  virtual std::vector<Tensor> get_batch(const std::vector<int64_t>& indices) const;
};

// Tensors that share their first dimension; example i is {t[i] for t in tensors}.
class TensorDataset : public Dataset {
 public:
  explicit TensorDataset(std::vector<Tensor> tensors);
  int64_t size() const override;
  std::vector<Tensor> get(int64_t index) const override;
  // One gather per tensor.
  std::vector<Tensor> get_batch(const std::vector<int64_t>& indices) const override;
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  std::vector<Tensor> tensors_;
};

// Fashion-MNIST (or MNIST) from the four IDX .gz files under `root`: images float32
// (N, 1, 28, 28) in [0, 1], labels int64 (N). Raises IOError naming the missing file.
std::shared_ptr<TensorDataset> load_fashion_mnist(const std::string& root, bool train = true);

}  // namespace striate::data
