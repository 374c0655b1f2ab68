// A per-thread cap on the bytes that new tensor storages may take while a scope is open.
// io::load_model builds a file's architecture under a budget derived from the bytes of the file's
// own tensors, so a forged architecture (a Linear(10**6, 10**6) in a 1 KB file) is refused before
// the OS is asked for the memory, instead of failing (or swapping) after trying:
//     allocation_budget::Scope scope(limit, "the weights in 'm.striate' (1 KB)");
//     auto model = nn::module_from_config(config);  // a storage past `limit` throws Exceeded
#pragma once
#include <cstddef>
#include <string>

#include "striate/core/error.h"

namespace striate::allocation_budget {

// Raised by the allocation that would take the scope's total past its limit; nothing is allocated.
class Exceeded : public ValueError {
 public:
  using ValueError::ValueError;
};

// Opens a budget of `limit_bytes` on this thread (scopes nest: the inner one governs until it
// closes). `described` says where the limit comes from, for the error message.
class Scope {
 public:
  Scope(size_t limit_bytes, std::string described);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  size_t charged() const { return charged_; }

 private:
  friend void charge(size_t nbytes);
  size_t limit_;
  size_t charged_ = 0;
  std::string described_;
  Scope* outer_;
};

// Counts a storage of `nbytes` against the open scope of this thread, if any (Storage::allocate
// calls it for every device); throws Exceeded when it does not fit.
void charge(size_t nbytes);

}  // namespace striate::allocation_budget
