// The process-wide default generator and generator state (de)serialization.
#include "striate/core/random.h"

#include <map>
#include <mutex>
#include <sstream>

#include "striate/core/error.h"

namespace striate {

Generator& default_generator() {
  static Generator generator(5489u);
  return generator;
}

namespace {

// Devices not yet drawn on take the last seed given to every device.
struct DeviceGenerators {
  std::mutex mutex;
  std::map<int, PhiloxState> states;
  uint64_t seed_all = 5489u;
};

DeviceGenerators& device_generators() {
  static DeviceGenerators generators;
  return generators;
}

}  // namespace

PhiloxState reserve_device_philox(int device, uint64_t counters) {
  DeviceGenerators& generators = device_generators();
  std::lock_guard<std::mutex> lock(generators.mutex);
  auto [it, inserted] = generators.states.try_emplace(device, PhiloxState{generators.seed_all, 0});
  const PhiloxState state = it->second;
  it->second.offset += counters;
  return state;
}

void cuda_manual_seed(int device, uint64_t seed) {
  DeviceGenerators& generators = device_generators();
  std::lock_guard<std::mutex> lock(generators.mutex);
  generators.states[device] = PhiloxState{seed, 0};
}

PhiloxState cuda_rng_state(int device) {
  DeviceGenerators& generators = device_generators();
  std::lock_guard<std::mutex> lock(generators.mutex);
  auto it = generators.states.find(device);
  return it == generators.states.end() ? PhiloxState{generators.seed_all, 0} : it->second;
}

void set_cuda_rng_state(int device, PhiloxState state) {
  DeviceGenerators& generators = device_generators();
  std::lock_guard<std::mutex> lock(generators.mutex);
  generators.states[device] = state;
}

void cuda_manual_seed_all(uint64_t seed) {
  DeviceGenerators& generators = device_generators();
  std::lock_guard<std::mutex> lock(generators.mutex);
  generators.seed_all = seed;
  generators.states.clear();
}

std::string Generator::get_state() const {
  std::ostringstream out;
  out << seed_ << ' ' << engine_;
  return out.str();
}

void Generator::set_state(const std::string& state) {
  std::istringstream in(state);
  uint64_t seed = 0;
  std::mt19937_64 engine;
  in >> seed >> engine;
  STRIATE_CHECK(!in.fail(), "Generator.set_state: the state string is not one produced by get_state()");
  seed_ = seed;
  engine_ = engine;
}

}  // namespace striate
