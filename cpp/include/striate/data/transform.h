// Per-example transforms (augmentation) and the generator they draw from. A transform maps one
// image (C, H, W), uint8 or floating, to another; a dataset applies its transform in get(), so
// DataLoader worker threads augment without the GIL.
//   auto flip = std::make_shared<striate::data::RandomHorizontalFlip>(0.5);
//   striate::Tensor out = (*flip)(image);   // draws from augmentation_generator()
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "striate/core/random.h"
#include "striate/core/tensor.h"

namespace striate::data {

/// The base of the per-example transforms: maps one image (C, H, W) or a batch (N, C, H, W),
/// uint8 or floating, to another. Transforms are immutable after construction, so one instance
/// may run on several DataLoader worker threads at once.
class Transform {
 public:
  /// Destroys the transform.
  virtual ~Transform() = default;
  /// Random transforms draw only from augmentation_generator(), never from anything else, so a
  /// loader that reseeds it per example gets the same augmentation whatever its worker count.
  /// @param image (C, H, W) or (N, C, H, W), uint8, float32 or float64.
  /// @return the transformed image (a new tensor unless documented otherwise).
  /// @throws ShapeError when the image is not 3-D or 4-D.
  /// @throws TypeError when its dtype is not supported.
  virtual Tensor operator()(const Tensor& image) const = 0;
  /// PyTorch-like repr, e.g. "RandomCrop(size=(32, 32), padding=4)".
  /// @return the repr.
  virtual std::string repr() const = 0;
};

/// The generator random transforms draw from on this thread: the one installed by the innermost
/// live AugmentationSeed on this thread, else the default generator (so manual_seed() fixes
/// direct calls).
/// @return the generator; valid on this thread until the seed that installed it dies.
Generator& augmentation_generator();

/// While alive, augmentation_generator() on this thread is a fresh generator seeded with `seed`.
/// The DataLoader installs one per example with seed = example_seed(epoch seed, position).
/// Not copyable; create it on the stack (RAII).
class AugmentationSeed {
 public:
  /// Installs a generator seeded with `seed` on this thread.
  /// @param seed the seed.
  explicit AugmentationSeed(uint64_t seed);
  /// Restores the previous generator of this thread.
  ~AugmentationSeed();
  /// Not copyable.
  AugmentationSeed(const AugmentationSeed&) = delete;
  /// Not copy-assignable.
  AugmentationSeed& operator=(const AugmentationSeed&) = delete;

 private:
  Generator generator_;
  Generator* previous_;
};

/// A well-mixed seed for example `position` of an epoch whose seed is `epoch_seed` (splitmix64).
/// @param epoch_seed the epoch's seed.
/// @param position the example's position in the epoch.
/// @return the example's seed.
uint64_t example_seed(uint64_t epoch_seed, uint64_t position);

}  // namespace striate::data
