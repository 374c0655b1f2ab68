// The process-wide default generator and generator state (de)serialization.
#include "striate/core/random.h"

#include <sstream>

#include "striate/core/error.h"

namespace striate {

Generator& default_generator() {
  static Generator generator(5489u);
  return generator;
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
