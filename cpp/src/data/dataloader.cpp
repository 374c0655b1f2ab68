// BatchSampler (epoch orders) and DataLoader (batches through Dataset::get_batch).
#include "striate/data/dataloader.h"

#include <algorithm>
#include <numeric>

namespace striate::data {

namespace {

uint64_t seed_or_draw(const DataLoaderOptions& options) {
  return options.seed().has_value() ? *options.seed() : default_generator().engine()();
}

}  // namespace

BatchSampler::BatchSampler(int64_t dataset_size, const DataLoaderOptions& options)
    : dataset_size_(dataset_size), options_(options), generator_(seed_or_draw(options)) {
  STRIATE_CHECK(options.batch_size() > 0, "DataLoader: expected a positive batch_size, got ", options.batch_size());
  STRIATE_CHECK(dataset_size >= 0, "DataLoader: expected a non-negative dataset size, got ", dataset_size);
}

int64_t BatchSampler::size() const {
  int64_t batch = options_.batch_size();
  return options_.drop_last() ? dataset_size_ / batch : (dataset_size_ + batch - 1) / batch;
}

std::vector<int64_t> BatchSampler::next_epoch() {
  std::vector<int64_t> order(dataset_size_);
  std::iota(order.begin(), order.end(), int64_t{0});
  if (options_.shuffle()) {
    // Fisher-Yates with our own draws, so the order is the same on every platform.
    for (int64_t i = dataset_size_ - 1; i > 0; --i) {
      auto j = static_cast<int64_t>(generator_.engine()() % static_cast<uint64_t>(i + 1));
      std::swap(order[i], order[j]);
    }
  }
  return order;
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options)
    : dataset_(std::move(dataset)), sampler_(dataset_ ? dataset_->size() : 0, options) {
  STRIATE_CHECK(dataset_ != nullptr, "DataLoader: expected a dataset, got None");
}

DataLoader::Iterator DataLoader::begin() {
  auto order = std::make_shared<const std::vector<int64_t>>(sampler_.next_epoch());
  return Iterator(this, std::move(order));
}

std::vector<Tensor> DataLoader::batch(const std::vector<int64_t>& order, int64_t batch_index) const {
  int64_t batch_size = sampler_.options().batch_size();
  int64_t start = batch_index * batch_size;
  int64_t stop = std::min<int64_t>(start + batch_size, static_cast<int64_t>(order.size()));
  STRIATE_CHECK_INDEX(batch_index >= 0 && batch_index < size() && start < stop, "DataLoader: batch ", batch_index,
                      " is out of range for ", size(), " batches");
  return dataset_->get_batch(std::vector<int64_t>(order.begin() + start, order.begin() + stop));
}

DataLoader::Iterator::Iterator(const DataLoader* loader, std::shared_ptr<const std::vector<int64_t>> order)
    : loader_(loader), order_(std::move(order)) {
  load();
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++batch_index_;
  load();
  return *this;
}

void DataLoader::Iterator::load() {
  if (loader_ == nullptr) return;
  if (batch_index_ >= loader_->size()) {
    loader_ = nullptr;  // the end
    batch_.clear();
    return;
  }
  batch_ = loader_->batch(*order_, batch_index_);
}

}  // namespace striate::data
