// Subset, ConcatDataset, random splits, the MNIST family's file lookup, and GaussianNoise.
#include "striate/data/datasets.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "striate/data/idx.h"
#include "striate/ops/creation.h"
#include "striate/ops/shape_ops.h"

namespace striate::data {

// ---- Subset -------------------------------------------------------------------------------

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  STRIATE_CHECK(dataset_ != nullptr, "Subset: expected a dataset, got None");
  int64_t count = dataset_->size();
  for (int64_t index : indices_) {
    STRIATE_CHECK_INDEX(index >= 0 && index < count, "Subset: index ", index, " is out of range for a dataset of ",
                        count, " examples");
  }
}

std::vector<Tensor> Subset::get(int64_t index) const {
  int64_t count = size();
  STRIATE_CHECK_INDEX(index >= -count && index < count, "Subset: index ", index, " is out of range for ", count,
                      " examples");
  return dataset_->get(indices_[index < 0 ? index + count : index]);
}

std::vector<Tensor> Subset::fetch_batch(const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds) const {
  std::vector<int64_t> mapped(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) mapped[i] = indices_[indices[i]];
  return dataset_->get_batch(mapped, seeds);
}

// ---- ConcatDataset --------------------------------------------------------------------------

ConcatDataset::ConcatDataset(std::vector<std::shared_ptr<const Dataset>> datasets) : datasets_(std::move(datasets)) {
  STRIATE_CHECK(!datasets_.empty(), "ConcatDataset: expected at least one dataset");
  int64_t total = 0;
  for (size_t i = 0; i < datasets_.size(); ++i) {
    STRIATE_CHECK(datasets_[i] != nullptr, "ConcatDataset: dataset ", i, " is None");
    total += datasets_[i]->size();
    cumulative_sizes_.push_back(total);
  }
}

std::pair<size_t, int64_t> ConcatDataset::locate(int64_t index) const {
  auto after = std::upper_bound(cumulative_sizes_.begin(), cumulative_sizes_.end(), index);
  auto dataset = static_cast<size_t>(after - cumulative_sizes_.begin());
  int64_t offset = dataset == 0 ? 0 : cumulative_sizes_[dataset - 1];
  return {dataset, index - offset};
}

std::vector<Tensor> ConcatDataset::get(int64_t index) const {
  int64_t count = size();
  STRIATE_CHECK_INDEX(index >= -count && index < count, "ConcatDataset: index ", index, " is out of range for ", count,
                      " examples");
  auto [dataset, inner] = locate(index < 0 ? index + count : index);
  return datasets_[dataset]->get(inner);
}

std::vector<Tensor> ConcatDataset::fetch_batch(const std::vector<int64_t>& indices,
                                               const std::vector<uint64_t>& seeds) const {
  size_t first_dataset = locate(indices[0]).first;
  std::vector<int64_t> inner(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) {
    auto [dataset, index] = locate(indices[i]);
    if (dataset != first_dataset) return Dataset::fetch_batch(indices, seeds);
    inner[i] = index;
  }
  return datasets_[first_dataset]->get_batch(inner, seeds);
}

// ---- random_split ---------------------------------------------------------------------------

std::vector<int64_t> split_lengths(int64_t dataset_size, const std::vector<double>& fractions) {
  STRIATE_CHECK(!fractions.empty(), "random_split: expected at least one length");
  double total = 0;
  for (double fraction : fractions) {
    STRIATE_CHECK(fraction >= 0 && fraction <= 1, "random_split: fractions must lie in [0, 1], got ", fraction);
    total += fraction;
  }
  STRIATE_CHECK(std::abs(total - 1.0) < 1e-6, "random_split: fractions must sum to 1, got a sum of ", total);
  std::vector<int64_t> lengths;
  int64_t assigned = 0;
  for (double fraction : fractions) {
    lengths.push_back(static_cast<int64_t>(std::floor(static_cast<double>(dataset_size) * fraction)));
    assigned += lengths.back();
  }
  for (int64_t i = 0; i < dataset_size - assigned; ++i) lengths[i % lengths.size()] += 1;
  return lengths;
}

std::vector<std::vector<int64_t>> random_split_indices(int64_t dataset_size, const std::vector<int64_t>& lengths,
                                                       uint64_t seed) {
  STRIATE_CHECK(!lengths.empty(), "random_split: expected at least one length");
  int64_t total = 0;
  for (int64_t length : lengths) {
    STRIATE_CHECK(length >= 0, "random_split: lengths must be non-negative, got ", length);
    total += length;
  }
  STRIATE_CHECK(total == dataset_size, "random_split: the lengths sum to ", total,
                ", which is not the length of the dataset (", dataset_size, ")");
  std::vector<int64_t> permutation(dataset_size);
  std::iota(permutation.begin(), permutation.end(), int64_t{0});
  // Fisher-Yates with our own draws, as BatchSampler does, so a split is the same on every platform.
  Generator generator(seed);
  for (int64_t i = dataset_size - 1; i > 0; --i) {
    auto j = static_cast<int64_t>(generator.engine()() % static_cast<uint64_t>(i + 1));
    std::swap(permutation[i], permutation[j]);
  }
  std::vector<std::vector<int64_t>> parts;
  int64_t start = 0;
  for (int64_t length : lengths) {
    parts.emplace_back(permutation.begin() + start, permutation.begin() + start + length);
    start += length;
  }
  return parts;
}

std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<int64_t>& lengths, uint64_t seed) {
  STRIATE_CHECK(dataset != nullptr, "random_split: expected a dataset, got None");
  std::vector<std::shared_ptr<Subset>> subsets;
  for (auto& indices : random_split_indices(dataset->size(), lengths, seed)) {
    subsets.push_back(std::make_shared<Subset>(dataset, std::move(indices)));
  }
  return subsets;
}

// ---- MNIST family ---------------------------------------------------------------------------

std::vector<std::string> find_mnist_files(const std::string& root, bool train, const std::string& class_name) {
  namespace fs = std::filesystem;
  const std::string split = train ? "train" : "t10k";
  const std::vector<std::string> names = {split + "-images-idx3-ubyte", split + "-labels-idx1-ubyte"};
  const std::vector<fs::path> folders = {fs::path(root), fs::path(root) / class_name / "raw",
                                         fs::path(root) / class_name};
  std::error_code error;
  for (const auto& folder : folders) {
    std::vector<std::string> found;
    for (const auto& name : names) {
      for (const char* suffix : {".gz", ""}) {
        fs::path candidate = folder / (name + suffix);
        if (fs::is_regular_file(candidate, error)) {
          found.push_back(candidate.string());
          break;
        }
      }
    }
    if (found.size() == names.size()) return found;
  }
  std::ostringstream searched;
  for (size_t i = 0; i < folders.size(); ++i) searched << (i ? ", '" : "'") << folders[i].string() << "'";
  throw IOError(detail::str(class_name, ": cannot find ", names[0], ".gz and ", names[1], ".gz (or the same names ",
                            "without .gz) in ", searched.str()));
}

std::shared_ptr<TensorDataset> load_mnist(const std::string& root, bool train, const std::string& class_name,
                                          std::shared_ptr<const Transform> transform) {
  std::vector<std::string> files = find_mnist_files(root, train, class_name);
  Tensor images = load_mnist_images(files[0]);
  Tensor labels = load_mnist_labels(files[1]);
  STRIATE_CHECK_AS(IOError, images.size(0) == labels.size(0), class_name, ": '", files[0], "' holds ", images.size(0),
                   " images but '", files[1], "' holds ", labels.size(0), " labels");
  return std::make_shared<TensorDataset>(std::vector<Tensor>{images, labels}, std::move(transform));
}

// ---- GaussianNoise --------------------------------------------------------------------------

namespace {

template <typename T>
void add_gaussian_noise(T* values, int64_t count, double standard_deviation, Generator& generator) {
  for (int64_t i = 0; i < count; ++i) values[i] += static_cast<T>(standard_deviation * generator.normal());
}

}  // namespace

GaussianNoise::GaussianNoise(double standard_deviation) : standard_deviation_(standard_deviation) {
  STRIATE_CHECK(std::isfinite(standard_deviation) && standard_deviation >= 0,
                "GaussianNoise: expected a finite non-negative std, got ", standard_deviation);
}

Tensor GaussianNoise::operator()(const Tensor& image) const {
  STRIATE_CHECK_TYPE(image.is_floating_point(), "GaussianNoise: expected a floating-point image, got ",
                     image.dtype(), " (convert uint8 images with ToTensor first)");
  Tensor result = image.contiguous().clone();
  Generator& generator = augmentation_generator();
  if (result.dtype() == DType::Float32) {
    add_gaussian_noise(result.data<float>(), result.numel(), standard_deviation_, generator);
  } else {
    add_gaussian_noise(result.data<double>(), result.numel(), standard_deviation_, generator);
  }
  return result;
}

std::string GaussianNoise::repr() const { return detail::str("GaussianNoise(std=", standard_deviation_, ")"); }

}  // namespace striate::data
