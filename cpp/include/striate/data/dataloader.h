// Batching: BatchSampler draws each epoch (the index order, sequential or shuffled, and the
// epoch's augmentation seed) from its own seeded generator so that runs repeat exactly;
// DataLoader turns an epoch into batches, on the caller's thread or on worker threads
// (num_workers > 0) that gather, transform and stack batches ahead of the consumer. Example p of
// an epoch is always transformed under AugmentationSeed(example_seed(epoch seed, p)), so the
// batches are the same bit for bit whatever the number of workers.
//   striate::data::DataLoader loader(dataset, striate::data::DataLoaderOptions().batch_size(64).shuffle(true).seed(0));
//   for (const auto& batch : loader) { auto x = batch[0], y = batch[1]; ... }
#pragma once
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
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
  // Worker threads building batches; 0 builds them on the consumer's thread when asked for.
  STRIATE_ARG(int64_t, num_workers) = 0;
  // With workers, at most num_workers * prefetch_factor batches are built ahead of the consumer.
  STRIATE_ARG(int64_t, prefetch_factor) = 2;
};

// One epoch as the sampler draws it.
struct Epoch {
  std::vector<int64_t> order;  // dataset indices in visiting order
  uint64_t seed = 0;           // the augmentation seed of the epoch
  // Empty: batches of batch_size (drop_last applies). Otherwise batch i is
  // order[batch_bounds[i], batch_bounds[i + 1]) (a batch sampler's batches, of any sizes).
  std::vector<int64_t> batch_bounds;
};

class BatchSampler {
 public:
  BatchSampler(int64_t dataset_size, const DataLoaderOptions& options);
  // Batches per epoch.
  int64_t size() const;
  int64_t dataset_size() const { return dataset_size_; }
  const DataLoaderOptions& options() const { return options_; }
  // The next epoch: its seed is drawn first, then (when shuffling) a fresh permutation.
  Epoch next_epoch();
  // Only an epoch seed, for an epoch whose order comes from elsewhere (a custom sampler).
  uint64_t next_seed() { return generator_.engine()(); }
  // The generator's state, for exact resume: set_state(state()) replays the same epochs.
  std::string state() const { return generator_.get_state(); }
  void set_state(const std::string& state) { generator_.set_state(state); }

 private:
  int64_t dataset_size_;
  DataLoaderOptions options_;
  Generator generator_;
};

// The batches of one epoch, delivered in order. With num_workers > 0, worker threads build them
// ahead (at most num_workers * prefetch_factor undelivered); destroying the object stops and
// joins the workers, so abandoning an epoch midway neither hangs nor leaks.
class EpochBatches {
 public:
  EpochBatches(std::shared_ptr<const Dataset> dataset, Epoch epoch, const DataLoaderOptions& options);
  ~EpochBatches();
  EpochBatches(const EpochBatches&) = delete;
  EpochBatches& operator=(const EpochBatches&) = delete;

  // The next batch, or nullopt after the last one. An exception raised while building a batch is
  // rethrown here, with its type and message, when that batch is due; the epoch then ends.
  std::optional<std::vector<Tensor>> next();
  int64_t size() const { return num_batches_; }
  // Batch `batch_index` of `epoch`, built on the calling thread.
  static std::vector<Tensor> build(const Dataset& dataset, const Epoch& epoch, int64_t batch_size,
                                   int64_t batch_index);

 private:
  void work();
  void stop();

  std::shared_ptr<const Dataset> dataset_;
  Epoch epoch_;
  int64_t batch_size_;
  int64_t num_batches_;
  int64_t ahead_;
  int64_t next_to_deliver_ = 0;
  // Shared with the workers, under mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t next_to_build_ = 0;
  bool stopping_ = false;
  struct Built {
    std::vector<Tensor> batch;
    std::exception_ptr error;
  };
  std::map<int64_t, Built> ready_;
  std::vector<std::thread> workers_;
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
    explicit Iterator(std::shared_ptr<EpochBatches> batches);
    reference operator*() const { return batch_; }
    pointer operator->() const { return &batch_; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return done() == other.done(); }
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    bool done() const { return batches_ == nullptr; }
    void load();
    std::shared_ptr<EpochBatches> batches_;
    std::vector<Tensor> batch_;
  };

  // Starts a new epoch (and, with num_workers > 0, its workers).
  Iterator begin();
  Iterator end() const { return Iterator(); }
  // Draws the next epoch and returns its batches (what begin() iterates; the Python iterator).
  std::shared_ptr<EpochBatches> next_epoch();
  // An epoch in a given order (a custom sampler's), cut into batch_size batches or, when
  // batch_bounds is given, into order[bounds[i], bounds[i + 1]) (a batch sampler's); its
  // augmentation seed is drawn from the loader's generator as for any epoch. Raises IndexError
  // for an index outside the dataset and ValueError for bounds that do not cut the order.
  std::shared_ptr<EpochBatches> epoch_of(std::vector<int64_t> order, std::vector<int64_t> batch_bounds = {});
  // Batches per epoch.
  int64_t size() const { return sampler_.size(); }
  const Dataset& dataset() const { return *dataset_; }
  const std::shared_ptr<const Dataset>& dataset_ptr() const { return dataset_; }
  // The sampler (epoch orders and seeds; its state() is the loader's state for exact resume).
  BatchSampler& sampler() { return sampler_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  BatchSampler sampler_;
};

}  // namespace striate::data
