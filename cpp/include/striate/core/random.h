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
inline void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace striate
