// The seeded generator behind rand/randn/randint, shuffling and dropout masks.
//   striate::manual_seed(0);
#pragma once
#include <cstdint>
#include <random>
#include <string>

namespace striate {

class Generator {
 public:
  explicit Generator(uint64_t seed = 5489u) { manual_seed(seed); }
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    engine_.seed(seed);
  }
  uint64_t initial_seed() const { return seed_; }
  std::mt19937_64& engine() { return engine_; }
  double uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(engine_); }
  double normal() { return std::normal_distribution<double>(0.0, 1.0)(engine_); }
  // Serialized engine state, for exact resume.
  std::string get_state() const;
  void set_state(const std::string& state);

 private:
  uint64_t seed_ = 5489u;
  std::mt19937_64 engine_;
};

Generator& default_generator();

// The counter-based (Philox) generator state of one CUDA device: draws on the device are keyed
// by seed and start at counter `offset`; each draw advances the offset past the counters it used,
// so consecutive draws are independent and a result depends on neither launch shape nor thread
// count. Seeded by manual_seed (every device) and cuda_manual_seed (one device); 5489 until then.
struct PhiloxState {
  uint64_t seed = 5489u;
  uint64_t offset = 0;
};
// The state a draw of `counters` counters on `device` starts from; advances the device's offset.
PhiloxState reserve_device_philox(int device, uint64_t counters);
void cuda_manual_seed(int device, uint64_t seed);
void cuda_manual_seed_all(uint64_t seed);
// The state the next draw on `device` starts from (without drawing), and its restoration: a
// checkpoint records it so a resumed run draws the same dropout masks on the device.
PhiloxState cuda_rng_state(int device);
void set_cuda_rng_state(int device, PhiloxState state);

// Seeds the default generator and every device's generator, as torch.manual_seed does.
inline void manual_seed(uint64_t seed) {
  default_generator().manual_seed(seed);
  cuda_manual_seed_all(seed);
}

}  // namespace striate
