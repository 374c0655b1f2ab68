// Datasets built on Dataset: views (Subset, ConcatDataset, random_split), the MNIST family from
// IDX files, CIFAR-10/100 from their binary batches, and GaussianNoise, a small transform.
//   auto train = striate::data::load_mnist("/data", /*train=*/true, "FashionMNIST");
//   auto parts = striate::data::random_split(train, {50000, 10000}, /*seed=*/0);  // train, validation
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "striate/data/dataset.h"
#include "striate/data/transform.h"

namespace striate::data {

/// The examples `indices` of `dataset`, in that order (indices may repeat).
class Subset : public Dataset {
 public:
  /// @param dataset the wrapped dataset (not null).
  /// @param indices indices into it, each in [0, dataset->size()).
  /// @throws IndexError when an index is out of range.
  /// @throws ValueError when dataset is null.
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices);
  /// @return indices().size().
  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  /// @param index the position in the subset.
  /// @return the wrapped dataset's example indices()[index].
  /// @throws IndexError when index is out of range.
  std::vector<Tensor> get(int64_t index) const override;
  /// The wrapped dataset.
  /// @return it.
  const std::shared_ptr<const Dataset>& dataset() const { return dataset_; }
  /// The indices into the wrapped dataset.
  /// @return them.
  const std::vector<int64_t>& indices() const { return indices_; }

 protected:
  /// Maps the indices and lets the wrapped dataset batch them (a gather stays a gather).
  /// @param indices positions in the subset (checked).
  /// @param seeds one augmentation seed per index, or empty.
  /// @return one tensor per field.
  std::vector<Tensor> fetch_batch(const std::vector<int64_t>& indices,
                                  const std::vector<uint64_t>& seeds) const override;

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> indices_;
};

/// The datasets one after another; example i of the concatenation is example i - offset of the
/// dataset holding it. Their examples must have the same fields to be batched together.
class ConcatDataset : public Dataset {
 public:
  /// @param datasets the datasets (none null).
  /// @throws ValueError when a dataset is null.
  explicit ConcatDataset(std::vector<std::shared_ptr<const Dataset>> datasets);
  /// @return the total number of examples.
  int64_t size() const override { return cumulative_sizes_.empty() ? 0 : cumulative_sizes_.back(); }
  /// @param index the position in the concatenation.
  /// @return the example.
  /// @throws IndexError when index is out of range.
  std::vector<Tensor> get(int64_t index) const override;
  /// The datasets.
  /// @return them, in order.
  const std::vector<std::shared_ptr<const Dataset>>& datasets() const { return datasets_; }
  /// cumulative_sizes()[i] = examples in datasets 0..i (PyTorch's attribute of that name).
  /// @return the running totals.
  const std::vector<int64_t>& cumulative_sizes() const { return cumulative_sizes_; }

 protected:
  /// A batch inside one dataset is batched by it; one that spans datasets goes example by example.
  /// @param indices positions in the concatenation (checked).
  /// @param seeds one augmentation seed per index, or empty.
  /// @return one tensor per field.
  std::vector<Tensor> fetch_batch(const std::vector<int64_t>& indices,
                                  const std::vector<uint64_t>& seeds) const override;

 private:
  // {dataset number, index inside it} of a valid index of the concatenation.
  std::pair<size_t, int64_t> locate(int64_t index) const;
  std::vector<std::shared_ptr<const Dataset>> datasets_;
  std::vector<int64_t> cumulative_sizes_;
};

/// Lengths of a split of `dataset_size` examples given as fractions summing to 1: floor of each
/// fraction, then the remainder handed out one by one from the first part on (PyTorch's rule).
/// @param dataset_size the number of examples.
/// @param fractions the parts' fractions (summing to 1).
/// @return the parts' lengths, summing to dataset_size.
/// @throws ValueError when the fractions are negative or do not sum to 1.
std::vector<int64_t> split_lengths(int64_t dataset_size, const std::vector<double>& fractions);
/// The index lists of a random split into parts of `lengths` (summing to dataset_size), drawn from
/// a permutation by a generator seeded with `seed`: the same seed gives the same split.
/// @param dataset_size the number of examples.
/// @param lengths the parts' lengths.
/// @param seed the permutation's seed.
/// @return one index list per part.
/// @throws ValueError when the lengths do not sum to dataset_size.
std::vector<std::vector<int64_t>> random_split_indices(int64_t dataset_size, const std::vector<int64_t>& lengths,
                                                       uint64_t seed);
/// Splits a dataset at random into non-overlapping subsets (torch.utils.data.random_split).
/// @param dataset the dataset.
/// @param lengths the parts' lengths, summing to dataset->size().
/// @param seed the permutation's seed.
/// @return one Subset per part.
/// @throws ValueError when the lengths do not sum to the dataset's size.
std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<int64_t>& lengths, uint64_t seed);

/// The image and label files of an MNIST-style split: `{split}-images-idx3-ubyte` and
/// `{split}-labels-idx1-ubyte` (split "train" or "t10k"), raw or with ".gz", looked for in `root`,
/// then `root/<class_name>/raw` (torchvision's layout), then `root/<class_name>`. Raises IOError
/// naming the folders searched and the expected files.
/// @param root the folder searched first.
/// @param train the training split ("train") or the test split ("t10k").
/// @param class_name the dataset's folder name ("MNIST", "FashionMNIST").
/// @return {images path, labels path}.
/// @throws IOError when the files are not found.
std::vector<std::string> find_mnist_files(const std::string& root, bool train, const std::string& class_name);
/// MNIST, Fashion-MNIST, KMNIST...: images float32 (N, 1, 28, 28) in [0, 1], labels int64 (N).
/// @param root the folder holding the files (see find_mnist_files()).
/// @param train the training split (default true) or the test split.
/// @param class_name the dataset's folder name (default "MNIST").
/// @param transform applied to each image (default nullptr: none).
/// @return the dataset.
/// @throws IOError when a file is missing or malformed.
std::shared_ptr<TensorDataset> load_mnist(const std::string& root, bool train = true,
                                          const std::string& class_name = "MNIST",
                                          std::shared_ptr<const Transform> transform = nullptr);

/// Records of CIFAR's binary batches: a label byte (CIFAR-100: a coarse then a fine label byte)
/// then 3072 pixel bytes (1024 red, 1024 green, 1024 blue, rows top to bottom). Returns {images
/// uint8 (N, 3, 32, 32), labels int64 (N)} over all files in order; `fine_labels` selects the
/// CIFAR-100 layout and its fine labels. Raises IOError for a missing file or a size that is not
/// a whole number of records.
/// @param paths the batch files.
/// @param fine_labels the CIFAR-100 layout (fine labels).
/// @return {images, labels}.
/// @throws IOError when a file is missing or malformed.
std::vector<Tensor> load_cifar_binary(const std::vector<std::string>& paths, bool fine_labels);
/// The binary batch files of CIFAR-10 (data_batch_1..5.bin / test_batch.bin) or CIFAR-100
/// (train.bin / test.bin) in `root` or in root/cifar-10-batches-bin (cifar-100-binary); empty
/// when they are not all there.
/// @param root the folder searched.
/// @param cifar100 CIFAR-100 instead of CIFAR-10.
/// @param train the training files instead of the test file.
/// @return the paths, or empty.
std::vector<std::string> find_cifar_binary_files(const std::string& root, bool cifar100, bool train);
/// CIFAR-10/100 from the binary batches found by find_cifar_binary_files (IOError naming the
/// expected files when absent): images uint8 (N, 3, 32, 32), labels int64 (N).
/// @param root the folder holding the batches.
/// @param cifar100 CIFAR-100 instead of CIFAR-10.
/// @param train the training split (default true) or the test split.
/// @param transform applied to each image (default nullptr: none).
/// @return the dataset.
/// @throws IOError when the files are missing or malformed.
std::shared_ptr<TensorDataset> load_cifar(const std::string& root, bool cifar100, bool train = true,
                                          std::shared_ptr<const Transform> transform = nullptr);

/// Adds independent N(0, std^2) noise to every element of a floating-point image, drawn from
/// augmentation_generator(): a simple augmentation, and the loader's determinism test transform.
class GaussianNoise : public Transform {
 public:
  /// @param standard_deviation the noise's standard deviation (>= 0).
  /// @throws ValueError when it is negative.
  explicit GaussianNoise(double standard_deviation);
  Tensor operator()(const Tensor& image) const override;
  std::string repr() const override;
  /// The noise's standard deviation.
  /// @return it.
  double standard_deviation() const { return standard_deviation_; }

 private:
  double standard_deviation_;
};

}  // namespace striate::data
