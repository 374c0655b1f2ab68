// The per-thread augmentation generator and per-example seeding (see data/transform.h).
#include "striate/data/transform.h"

namespace striate::data {

namespace {
thread_local Generator* current_augmentation_generator = nullptr;
}  // namespace

Generator& augmentation_generator() {
  return current_augmentation_generator != nullptr ? *current_augmentation_generator : default_generator();
}

AugmentationSeed::AugmentationSeed(uint64_t seed) : generator_(seed), previous_(current_augmentation_generator) {
  current_augmentation_generator = &generator_;
}

AugmentationSeed::~AugmentationSeed() { current_augmentation_generator = previous_; }

uint64_t example_seed(uint64_t epoch_seed, uint64_t position) {
  uint64_t z = epoch_seed + 0x9E3779B97F4A7C15ull * (position + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace striate::data
