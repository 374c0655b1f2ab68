// The per-thread autocast state and cast cache (see striate/core/autocast.h).
#include "striate/core/autocast.h"

#include <unordered_map>

namespace striate::autocast {
namespace {

struct DeviceState {
  bool enabled = false;
  DType dtype;
};

struct CachedCast {
  Tensor source;  // kept so its address is not reused while the entry lives
  uint32_t version;
  Tensor cast;
};

struct ThreadState {
  DeviceState cpu{false, DType::BFloat16};
  DeviceState cuda{false, DType::Float16};
  bool cache_enabled = true;
  int nesting = 0;
  std::unordered_map<const TensorImpl*, CachedCast> cache[2];  // per target: float16, bfloat16
};

ThreadState& state() {
  thread_local ThreadState s;
  return s;
}

DeviceState& of(DeviceType device) { return device == DeviceType::CPU ? state().cpu : state().cuda; }

}  // namespace

bool is_enabled(DeviceType device) { return of(device).enabled; }
void set_enabled(DeviceType device, bool enabled) { of(device).enabled = enabled; }
DType dtype(DeviceType device) { return of(device).dtype; }
void set_dtype(DeviceType device, DType dtype) {
  STRIATE_CHECK_TYPE(is_floating(dtype) && dtype != DType::Float64, "autocast: expected dtype float16, bfloat16 or ",
                     "float32, got ", dtype);
  of(device).dtype = dtype;
}
bool is_cache_enabled() { return state().cache_enabled; }
void set_cache_enabled(bool enabled) { state().cache_enabled = enabled; }
int increment_nesting() { return ++state().nesting; }
int decrement_nesting() {
  ThreadState& s = state();
  if (s.nesting > 0) --s.nesting;
  if (s.nesting == 0) clear_cache();
  return s.nesting;
}
void clear_cache() {
  for (auto& cache : state().cache) cache.clear();
}

Tensor cached_cast(const Tensor& t, DType dtype, Tensor (*cast)(const Tensor&, DType)) {
  ThreadState& s = state();
  const bool cacheable =
      s.cache_enabled && s.nesting > 0 && is_reduced_float(dtype) && t.is_leaf() && t.requires_grad();
  if (!cacheable) return cast(t, dtype);
  auto& cache = s.cache[dtype == DType::Float16 ? 0 : 1];
  const uint32_t version = t.storage()->version();
  auto it = cache.find(t.impl());
  if (it != cache.end() && it->second.version == version) return it->second.cast;
  Tensor out = cast(t, dtype);
  cache[t.impl()] = CachedCast{t, version, out};
  return out;
}

Guard::Guard(DeviceType device, DType dtype, bool enabled)
    : device_(device), was_enabled_(is_enabled(device)), old_dtype_(autocast::dtype(device)) {
  set_dtype(device, dtype);
  set_enabled(device, enabled);
  increment_nesting();
}

Guard::~Guard() {
  set_enabled(device_, was_enabled_);
  of(device_).dtype = old_dtype_;
  decrement_nesting();
}

}  // namespace striate::autocast
