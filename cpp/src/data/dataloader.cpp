// BatchSampler (epochs), EpochBatches (one epoch's batches, optionally built by worker threads)
// and DataLoader on top.
#include "striate/data/dataloader.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "striate/autograd.h"
#include "striate/core/parallel.h"

namespace striate::data {

namespace {

uint64_t seed_or_draw(const DataLoaderOptions& options) {
  return options.seed().has_value() ? *options.seed() : default_generator().engine()();
}

void check_options(const DataLoaderOptions& options) {
  STRIATE_CHECK(options.batch_size() > 0, "DataLoader: expected a positive batch_size, got ", options.batch_size());
  STRIATE_CHECK(options.num_workers() >= 0, "DataLoader: expected num_workers >= 0, got ", options.num_workers());
  STRIATE_CHECK(options.prefetch_factor() > 0, "DataLoader: expected a positive prefetch_factor, got ",
                options.prefetch_factor());
}

int64_t batches_per_epoch(int64_t dataset_size, const DataLoaderOptions& options) {
  int64_t batch = options.batch_size();
  return options.drop_last() ? dataset_size / batch : (dataset_size + batch - 1) / batch;
}

int64_t batches_in(const Epoch& epoch, const DataLoaderOptions& options) {
  if (!epoch.batch_bounds.empty()) return static_cast<int64_t>(epoch.batch_bounds.size()) - 1;
  return batches_per_epoch(static_cast<int64_t>(epoch.order.size()), options);
}

}  // namespace

// ---- BatchSampler -----------------------------------------------------------------------------

BatchSampler::BatchSampler(int64_t dataset_size, const DataLoaderOptions& options)
    : dataset_size_(dataset_size), options_(options), generator_(seed_or_draw(options)) {
  check_options(options);
  STRIATE_CHECK(dataset_size >= 0, "DataLoader: expected a non-negative dataset size, got ", dataset_size);
}

int64_t BatchSampler::size() const { return batches_per_epoch(dataset_size_, options_); }

Epoch BatchSampler::next_epoch() {
  Epoch epoch;
  epoch.seed = generator_.engine()();
  epoch.order.resize(dataset_size_);
  std::iota(epoch.order.begin(), epoch.order.end(), int64_t{0});
  if (options_.shuffle()) {
    // Fisher-Yates with our own draws, so the order is the same on every platform.
    for (int64_t i = dataset_size_ - 1; i > 0; --i) {
      auto j = static_cast<int64_t>(generator_.engine()() % static_cast<uint64_t>(i + 1));
      std::swap(epoch.order[i], epoch.order[j]);
    }
  }
  return epoch;
}

// ---- EpochBatches -----------------------------------------------------------------------------

EpochBatches::EpochBatches(std::shared_ptr<const Dataset> dataset, Epoch epoch, const DataLoaderOptions& options)
    : dataset_(std::move(dataset)),
      epoch_(std::move(epoch)),
      batch_size_(options.batch_size()),
      num_batches_(batches_in(epoch_, options)),
      ahead_(options.num_workers() * options.prefetch_factor()) {
  check_options(options);
  STRIATE_CHECK(dataset_ != nullptr, "DataLoader: expected a dataset, got None");
  int64_t num_workers = std::min(options.num_workers(), num_batches_);
  try {
    for (int64_t i = 0; i < num_workers; ++i) workers_.emplace_back([this] { work(); });
  } catch (...) {
    stop();  // joins the threads already started when the system refuses another one
    throw;
  }
}

EpochBatches::~EpochBatches() { stop(); }

void EpochBatches::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_) worker.join();
  workers_.clear();
}

std::vector<Tensor> EpochBatches::build(const Dataset& dataset, const Epoch& epoch, int64_t batch_size,
                                        int64_t batch_index) {
  auto order_size = static_cast<int64_t>(epoch.order.size());
  int64_t start = batch_index * batch_size;
  int64_t stop = std::min(start + batch_size, order_size);
  if (!epoch.batch_bounds.empty()) {
    STRIATE_CHECK_INDEX(batch_index >= 0 && batch_index + 1 < static_cast<int64_t>(epoch.batch_bounds.size()),
                        "DataLoader: batch ", batch_index, " is out of range");
    start = epoch.batch_bounds[batch_index];
    stop = epoch.batch_bounds[batch_index + 1];
  }
  STRIATE_CHECK_INDEX(batch_index >= 0 && start < stop, "DataLoader: batch ", batch_index, " is out of range");
  std::vector<int64_t> indices(epoch.order.begin() + start, epoch.order.begin() + stop);
  std::vector<uint64_t> seeds(indices.size());
  for (int64_t position = start; position < stop; ++position) {
    seeds[position - start] = example_seed(epoch.seed, static_cast<uint64_t>(position));
  }
  return dataset.get_batch(indices, seeds);
}

void EpochBatches::work() {
  // The workers are the parallelism: nested parallel_for would oversubscribe the cores.
  SerialRegion serial;
  NoGradGuard no_grad;
  while (true) {
    int64_t batch_index;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || next_to_build_ >= num_batches_ || next_to_build_ < next_to_deliver_ + ahead_;
      });
      if (stopping_ || next_to_build_ >= num_batches_) return;
      batch_index = next_to_build_++;
    }
    Built built;
    try {
      built.batch = build(*dataset_, epoch_, batch_size_, batch_index);
    } catch (...) {
      built.error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(batch_index, std::move(built));
    }
    changed_.notify_all();
  }
}

std::optional<std::vector<Tensor>> EpochBatches::next() {
  if (next_to_deliver_ >= num_batches_) return std::nullopt;
  if (workers_.empty()) {
    try {
      return build(*dataset_, epoch_, batch_size_, next_to_deliver_++);
    } catch (...) {
      next_to_deliver_ = num_batches_;  // the epoch ends at its first error, as with workers
      throw;
    }
  }
  Built built;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Wakes up now and then to honour Ctrl-C while a slow batch is being built.
    while (!changed_.wait_for(lock, std::chrono::milliseconds(50),
                              [&] { return ready_.count(next_to_deliver_) > 0; })) {
      lock.unlock();
      check_interrupt();
      lock.lock();
    }
    auto found = ready_.find(next_to_deliver_);
    built = std::move(found->second);
    ready_.erase(found);
    ++next_to_deliver_;
  }
  changed_.notify_all();  // a slot ahead is free
  if (built.error) {
    stop();
    next_to_deliver_ = num_batches_;  // the epoch ends at its first error
    std::rethrow_exception(built.error);
  }
  return std::move(built.batch);
}

// ---- DataLoader -------------------------------------------------------------------------------

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options)
    : dataset_(std::move(dataset)), sampler_(dataset_ ? dataset_->size() : 0, options) {
  STRIATE_CHECK(dataset_ != nullptr, "DataLoader: expected a dataset, got None");
}

std::shared_ptr<EpochBatches> DataLoader::next_epoch() {
  return std::make_shared<EpochBatches>(dataset_, sampler_.next_epoch(), sampler_.options());
}

std::shared_ptr<EpochBatches> DataLoader::epoch_of(std::vector<int64_t> order, std::vector<int64_t> batch_bounds) {
  const int64_t size = dataset_->size();
  for (int64_t index : order) {
    STRIATE_CHECK_INDEX(index >= 0 && index < size, "DataLoader: the sampler gave index ", index,
                        ", outside the dataset of ", size, " examples");
  }
  if (!batch_bounds.empty()) {
    STRIATE_CHECK(batch_bounds.front() == 0 && batch_bounds.back() == static_cast<int64_t>(order.size()),
                  "DataLoader: batch bounds must run from 0 to the order's length ", order.size());
    for (size_t i = 1; i < batch_bounds.size(); ++i) {
      STRIATE_CHECK(batch_bounds[i] > batch_bounds[i - 1], "DataLoader: the batch sampler gave an empty batch (",
                    i - 1, ")");
    }
  }
  Epoch epoch;
  epoch.order = std::move(order);
  epoch.batch_bounds = std::move(batch_bounds);
  epoch.seed = sampler_.next_seed();
  return std::make_shared<EpochBatches>(dataset_, std::move(epoch), sampler_.options());
}

DataLoader::Iterator DataLoader::begin() { return Iterator(next_epoch()); }

DataLoader::Iterator::Iterator(std::shared_ptr<EpochBatches> batches) : batches_(std::move(batches)) { load(); }

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  load();
  return *this;
}

void DataLoader::Iterator::load() {
  if (batches_ == nullptr) return;
  std::optional<std::vector<Tensor>> batch = batches_->next();
  if (!batch) {
    batches_.reset();  // the end
    batch_.clear();
    return;
  }
  batch_ = std::move(*batch);
}

}  // namespace striate::data
