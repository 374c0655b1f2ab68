// The seeded generator behind rand/randn/randint, shuffling and dropout masks.
//   striate::manual_seed(0);
#pragma once
#include <cstdint>
#include <random>
#include <string>

namespace striate {

/// A seeded Mersenne-Twister generator (std::mt19937_64). Not thread-safe: one thread draws from
/// a generator at a time.
class Generator {
 public:
  /// @param seed the seed (default 5489).
  explicit Generator(uint64_t seed = 5489u) { manual_seed(seed); }
  /// Reseeds the generator.
  /// @param seed the seed.
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    engine_.seed(seed);
  }
  /// The last seed set.
  /// @return the seed.
  uint64_t initial_seed() const { return seed_; }
  /// The underlying engine.
  /// @return it.
  std::mt19937_64& engine() { return engine_; }
  /// One draw from U[0, 1).
  /// @return the draw.
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  /// One draw from N(0, 1).
  /// @return the draw.
  double normal() { return std::normal_distribution<double>(0.0, 1.0)(engine_); }
  /// Serialized engine state, for exact resume.
  /// @return the state, opaque.
  std::string get_state() const;
  /// Restores a state returned by get_state().
  /// @param state the state.
  /// @throws ValueError for a malformed state.
  void set_state(const std::string& state);

 private:
  uint64_t seed_ = 5489u;
  std::mt19937_64 engine_;
};

/// The process-wide generator behind rand, randn, shuffling and dropout (seeded by manual_seed).
/// @return it.
Generator& default_generator();

/// The counter-based (Philox) generator state of one CUDA device: draws on the device are keyed
/// by seed and start at counter `offset`; each draw advances the offset past the counters it used,
/// so consecutive draws are independent and a result depends on neither launch shape nor thread
/// count. Seeded by manual_seed (every device) and cuda_manual_seed (one device); 5489 until then.
struct PhiloxState {
  /// The key.
  uint64_t seed = 5489u;
  /// The first counter of the next draw.
  uint64_t offset = 0;
};
/// The state a draw of `counters` counters on `device` starts from; advances the device's offset.
/// @param device the CUDA device index.
/// @param counters the counters the draw uses.
/// @return the state to draw from.
PhiloxState reserve_device_philox(int device, uint64_t counters);
/// Seeds one CUDA device's generator (offset 0).
/// @param device the device index.
/// @param seed the seed.
void cuda_manual_seed(int device, uint64_t seed);
/// Seeds every CUDA device's generator.
/// @param seed the seed.
void cuda_manual_seed_all(uint64_t seed);
/// The state the next draw on `device` starts from (without drawing), and its restoration: a
/// checkpoint records it so a resumed run draws the same dropout masks on the device.
/// @param device the device index.
/// @return the state.
PhiloxState cuda_rng_state(int device);
/// Restores a device's state.
/// @param device the device index.
/// @param state the state.
void set_cuda_rng_state(int device, PhiloxState state);

/// Seeds the default generator and every device's generator, as torch.manual_seed does.
/// @param seed the seed.
inline void manual_seed(uint64_t seed) {
  default_generator().manual_seed(seed);
  cuda_manual_seed_all(seed);
}

}  // namespace striate
