// Datasets: indexable collections of examples, each a list of tensors ({image, label}).
// Subclasses provide size() and get(); get_batch() has a default that stacks examples, and
// tensor-backed datasets gather a whole batch at once. A dataset may carry a Transform applied to
// the image field of each example (see data/transform.h). Subset, ConcatDataset, random_split,
// MNIST and CIFAR live in data/datasets.h.
//   auto dataset = std::make_shared<striate::data::TensorDataset>(std::vector<striate::Tensor>{x, y});
//   std::vector<striate::Tensor> example = dataset->get(0);   // {x[0], y[0]}
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/data/transform.h"

namespace striate::data {

/// Datasets are read concurrently by DataLoader worker threads: get() and fetch_batch() must be
/// safe to call from several threads at once (const, no shared mutable state).
/// An indexable collection of examples, each a list of tensors ({image, label}); subclasses
/// provide size() and get().
class Dataset {
 public:
  /// Destroys the dataset.
  virtual ~Dataset() = default;
  /// The number of examples.
  /// @return the count.
  virtual int64_t size() const = 0;
  /// One example; index in [0, size()). Random transforms draw from augmentation_generator().
  /// @param index the example's index.
  /// @return the example's fields ({image, label}).
  /// @throws IndexError when index is outside [0, size()).
  virtual std::vector<Tensor> get(int64_t index) const = 0;
  /// The examples at `indices`, field by field, stacked along a new dim 0. With `seeds` (one per
  /// index), example i is fetched under AugmentationSeed(seeds[i]), so its random transform gives
  /// the same pixels whichever thread fetches it and whatever else that thread drew before.
  /// @param indices the examples' indices, each in [0, size()).
  /// @param seeds one augmentation seed per index, or empty (default) for none.
  /// @return one tensor per field, (len(indices), ...).
  /// @throws IndexError when an index is out of range.
  /// @throws ValueError when seeds is neither empty nor as long as indices.
  /// @throws ShapeError when the examples' fields differ in shape.
  std::vector<Tensor> get_batch(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds = {}) const;

 protected:
  /// get_batch() after its checks; the default calls get() per example and stacks.
  /// @param indices the examples' indices (checked).
  /// @param seeds one augmentation seed per index, or empty.
  /// @return one tensor per field.
  virtual std::vector<Tensor> fetch_batch(const std::vector<int64_t>& indices,
                                          const std::vector<uint64_t>& seeds) const;
  /// get(indices[position]) under seeds[position] when seeds are given.
  /// @param indices the examples' indices.
  /// @param seeds one augmentation seed per index, or empty.
  /// @param position which of the indices.
  /// @return the example's fields.
  std::vector<Tensor> get_seeded(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds,
                                 size_t position) const;
};

/// Tensors that share their first dimension; example i is {t[i] for t in tensors}, with
/// `transform` (when given) applied to t[0][i], the image.
class TensorDataset : public Dataset {
 public:
  /// @param tensors the fields, all with the same size of dim 0 (at least one tensor).
  /// @param transform applied to the image field of each example (default nullptr: none).
  /// @throws ValueError when tensors is empty or their first dims differ.
  explicit TensorDataset(std::vector<Tensor> tensors, std::shared_ptr<const Transform> transform = nullptr);
  /// @return the size of dim 0 of the tensors.
  int64_t size() const override;
  /// Example `index`: {t[index] for t in tensors}, the transform applied to the first.
  /// @param index the example's index.
  /// @return the example's fields.
  /// @throws IndexError when index is outside [0, size()).
  std::vector<Tensor> get(int64_t index) const override;
  /// The fields.
  /// @return the tensors given to the constructor.
  const std::vector<Tensor>& tensors() const { return tensors_; }
  /// The transform of the image field.
  /// @return the transform, or nullptr.
  const std::shared_ptr<const Transform>& transform() const { return transform_; }

 protected:
  /// One gather per tensor; with a transform, the images are transformed one by one and stacked.
  /// @param indices the examples' indices (checked).
  /// @param seeds one augmentation seed per index, or empty.
  /// @return one tensor per field.
  std::vector<Tensor> fetch_batch(const std::vector<int64_t>& indices,
                                  const std::vector<uint64_t>& seeds) const override;

 private:
  std::vector<Tensor> tensors_;
  std::shared_ptr<const Transform> transform_;
};

/// Fashion-MNIST from its IDX files under `root` (see load_mnist in data/datasets.h): images
/// float32 (N, 1, 28, 28) in [0, 1], labels int64 (N). Raises IOError naming the missing file.
/// @param root the directory holding the IDX files.
/// @param train the training split (default true) or the test split.
/// @return the dataset.
/// @throws IOError when a file is missing or malformed.
std::shared_ptr<TensorDataset> load_fashion_mnist(const std::string& root, bool train = true);

}  // namespace striate::data
