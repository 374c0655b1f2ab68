// Batching: BatchSampler yields the index order of each epoch (sequential, or shuffled by its
// own seeded generator so that runs repeat exactly), DataLoader turns it into batches.
//   striate::data::DataLoader loader(dataset, striate::data::DataLoaderOptions().batch_size(64).shuffle(true).seed(0));
//   for (const auto& batch : loader) { auto x = batch[0], y = batch[1]; ... }
#pragma once
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

#include "striate/core/random.h"
#include "striate/data/dataset.h"
#include "striate/ops/options.h"

namespace striate::data {

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  STRIATE_ARG(int64_t, batch_size) = 1;
  STRIATE_ARG(bool, shuffle) = false;
  STRIATE_ARG(bool, drop_last) = false;
  // Without a seed, the loader seeds itself from the default generator (so manual_seed() fixes it).
  STRIATE_ARG(std::optional<uint64_t>, seed);
};

class BatchSampler {
 public:
  BatchSampler(int64_t dataset_size, const DataLoaderOptions& options);
  // Batches per epoch.
  int64_t size() const;
  int64_t dataset_size() const { return dataset_size_; }
  const DataLoaderOptions& options() const { return options_; }
  // The indices of the next epoch in visiting order (a fresh permutation per epoch when shuffling).
  std::vector<int64_t> next_epoch();

 private:
  int64_t dataset_size_;
  DataLoaderOptions options_;
  Generator generator_;
};

class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options = {});

  // Walks one epoch; each batch is the list of stacked fields ({images, labels}).
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::vector<Tensor>;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;  // the end
    Iterator(const DataLoader* loader, std::shared_ptr<const std::vector<int64_t>> order);
    reference operator*() const { return batch_; }
    pointer operator->() const { return &batch_; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return done() == other.done(); }
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    bool done() const { return loader_ == nullptr; }
    void load();
    const DataLoader* loader_ = nullptr;
    std::shared_ptr<const std::vector<int64_t>> order_;
    int64_t batch_index_ = 0;
    std::vector<Tensor> batch_;
  };

  // Starts a new epoch.
  Iterator begin();
  Iterator end() const { return Iterator(); }
  // Batches per epoch.
  int64_t size() const { return sampler_.size(); }
  const Dataset& dataset() const { return *dataset_; }
  // The epoch orders, for callers that walk batches by index (the Python iterator).
  BatchSampler& sampler() { return sampler_; }
  // Batch `batch_index` of an epoch order from the sampler.
  std::vector<Tensor> batch(const std::vector<int64_t>& order, int64_t batch_index) const;

 private:
  std::shared_ptr<const Dataset> dataset_;
  BatchSampler sampler_;
};

}  // namespace striate::data
