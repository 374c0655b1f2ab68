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

/// The options of DataLoader and BatchSampler (setters chain).
struct DataLoaderOptions {
  /// Batches of 1, in order, no workers.
  DataLoaderOptions() = default;
  /// Examples per batch, > 0 (default 1).
  STRIATE_ARG(int64_t, batch_size) = 1;
  /// Visit the examples in a fresh random order each epoch (default false).
  STRIATE_ARG(bool, shuffle) = false;
  /// Drop the last batch when it is smaller than batch_size (default false).
  STRIATE_ARG(bool, drop_last) = false;
  /// Without a seed, the loader seeds itself from the default generator (so manual_seed() fixes it).
  STRIATE_ARG(std::optional<uint64_t>, seed);
  /// Worker threads building batches; 0 builds them on the consumer's thread when asked for.
  /// (default 0).
  STRIATE_ARG(int64_t, num_workers) = 0;
  /// With workers, at most num_workers * prefetch_factor batches are built ahead of the consumer.
  /// (default 2).
  STRIATE_ARG(int64_t, prefetch_factor) = 2;
};

/// One epoch as the sampler draws it.
struct Epoch {
  /// Dataset indices in visiting order.
  std::vector<int64_t> order;
  /// The epoch's augmentation seed.
  uint64_t seed = 0;
  /// Empty: batches of batch_size (drop_last applies). Otherwise batch i is
  /// order[batch_bounds[i], batch_bounds[i + 1]) (a batch sampler's batches, of any sizes).
  std::vector<int64_t> batch_bounds;
};

/// Draws the epochs of a DataLoader (index order and augmentation seed) from its own seeded
/// generator, so that runs repeat exactly. Not thread-safe.
class BatchSampler {
 public:
  /// @param dataset_size the number of examples (>= 0).
  /// @param options the batching options.
  /// @throws ValueError when batch_size, num_workers or prefetch_factor is out of range.
  BatchSampler(int64_t dataset_size, const DataLoaderOptions& options);
  /// Batches per epoch.
  /// @return the count (drop_last applied).
  int64_t size() const;
  /// The number of examples.
  /// @return the count.
  int64_t dataset_size() const { return dataset_size_; }
  /// The options.
  /// @return them.
  const DataLoaderOptions& options() const { return options_; }
  /// The next epoch: its seed is drawn first, then (when shuffling) a fresh permutation.
  /// @return the epoch.
  Epoch next_epoch();
  /// Only an epoch seed, for an epoch whose order comes from elsewhere (a custom sampler).
  /// @return the seed.
  uint64_t next_seed() { return generator_.engine()(); }
  /// The generator's state, for exact resume: set_state(state()) replays the same epochs.
  /// @return the state, opaque.
  std::string state() const { return generator_.get_state(); }
  /// Restores a state returned by state().
  /// @param state the state.
  /// @throws ValueError for a malformed state.
  void set_state(const std::string& state) { generator_.set_state(state); }

 private:
  int64_t dataset_size_;
  DataLoaderOptions options_;
  Generator generator_;
};

/// The batches of one epoch, delivered in order. With num_workers > 0, worker threads build them
/// ahead (at most num_workers * prefetch_factor undelivered); destroying the object stops and
/// joins the workers, so abandoning an epoch midway neither hangs nor leaks.
class EpochBatches {
 public:
  /// Starts the epoch (and its workers).
  /// @param dataset the dataset (not null).
  /// @param epoch the epoch's order and seed.
  /// @param options the batching options.
  /// @throws ValueError when batch_bounds do not cut the order.
  EpochBatches(std::shared_ptr<const Dataset> dataset, Epoch epoch, const DataLoaderOptions& options);
  /// Stops and joins the workers.
  ~EpochBatches();
  /// Not copyable.
  EpochBatches(const EpochBatches&) = delete;
  /// Not copy-assignable.
  EpochBatches& operator=(const EpochBatches&) = delete;

  /// The next batch, or nullopt after the last one. An exception raised while building a batch is
  /// rethrown here, with its type and message, when that batch is due; the epoch then ends.
  /// @return the stacked fields of the next batch, or std::nullopt.
  std::optional<std::vector<Tensor>> next();
  /// The number of batches of the epoch.
  /// @return the count.
  int64_t size() const { return num_batches_; }
  /// Batch `batch_index` of `epoch`, built on the calling thread.
  /// @param dataset the dataset.
  /// @param epoch the epoch.
  /// @param batch_size examples per batch (when the epoch has no bounds).
  /// @param batch_index the batch's index in the epoch.
  /// @return the batch's stacked fields.
  static std::vector<Tensor> build(const Dataset& dataset, const Epoch& epoch, int64_t batch_size, int64_t batch_index);

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

/// Iterates a dataset in batches, as torch.utils.data.DataLoader; one epoch per begin().
/// Not thread-safe: one consumer iterates a loader.
class DataLoader {
 public:
  /// @param dataset the dataset (not null).
  /// @param options the batching options (default: batches of 1, in order).
  /// @throws ValueError when dataset is null or an option is out of range.
  DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options = {});

  /// Walks one epoch; each batch is the list of stacked fields ({images, labels}).
  class Iterator {
   public:
    /// An input iterator.
    using iterator_category = std::input_iterator_tag;
    /// A batch: the stacked fields.
    using value_type = std::vector<Tensor>;
    /// The iterator difference type.
    using difference_type = std::ptrdiff_t;
    /// A pointer to a batch.
    using pointer = const value_type*;
    /// A reference to a batch.
    using reference = const value_type&;

    /// The end iterator.
    Iterator() = default;  // the end
    /// An iterator at the first batch of `batches`.
    /// @param batches the epoch.
    explicit Iterator(std::shared_ptr<EpochBatches> batches);
    /// @return the current batch.
    reference operator*() const { return batch_; }
    /// @return the current batch.
    pointer operator->() const { return &batch_; }
    /// Advances to the next batch.
    /// @return *this.
    /// @throws Error whatever building the batch raised (rethrown with its type).
    Iterator& operator++();
    /// Whether both are at the end or both are not.
    /// @param other the other iterator.
    /// @return the comparison.
    bool operator==(const Iterator& other) const { return done() == other.done(); }
    /// Negation of operator==.
    /// @param other the other iterator.
    /// @return the comparison.
    bool operator!=(const Iterator& other) const { return !(*this == other); }

   private:
    bool done() const { return batches_ == nullptr; }
    void load();
    std::shared_ptr<EpochBatches> batches_;
    std::vector<Tensor> batch_;
  };

  /// Starts a new epoch (and, with num_workers > 0, its workers).
  /// @return the first batch's iterator.
  Iterator begin();
  /// @return the end iterator.
  Iterator end() const { return Iterator(); }
  /// Draws the next epoch and returns its batches (what begin() iterates; the Python iterator).
  /// @return the epoch's batches.
  std::shared_ptr<EpochBatches> next_epoch();
  /// An epoch in a given order (a custom sampler's), cut into batch_size batches or, when
  /// batch_bounds is given, into order[bounds[i], bounds[i + 1]) (a batch sampler's); its
  /// augmentation seed is drawn from the loader's generator as for any epoch. Raises IndexError
  /// for an index outside the dataset and ValueError for bounds that do not cut the order.
  /// @param order dataset indices in visiting order.
  /// @param batch_bounds the batch boundaries, or empty (default).
  /// @return the epoch's batches.
  /// @throws IndexError when an index is outside the dataset.
  /// @throws ValueError when the bounds do not cut the order.
  std::shared_ptr<EpochBatches> epoch_of(std::vector<int64_t> order, std::vector<int64_t> batch_bounds = {});
  /// Batches per epoch.
  /// @return the count.
  int64_t size() const { return sampler_.size(); }
  /// The dataset.
  /// @return it.
  const Dataset& dataset() const { return *dataset_; }
  /// The dataset.
  /// @return the shared pointer.
  const std::shared_ptr<const Dataset>& dataset_ptr() const { return dataset_; }
  /// The sampler (epoch orders and seeds; its state() is the loader's state for exact resume).
  /// @return the sampler.
  BatchSampler& sampler() { return sampler_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  BatchSampler sampler_;
};

}  // namespace striate::data
