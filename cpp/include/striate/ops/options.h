// STRIATE_ARG declares an option with a chained setter, as libtorch's TORCH_ARG does:
//   Conv2dOptions(1, 6, 5).stride(2).padding(1)
#pragma once
#include <utility>

#define STRIATE_ARG(T, name)                              \
 public:                                                  \
  auto name(const T& new_##name)->decltype(*this)& {      \
    this->name##_ = new_##name;                           \
    return *this;                                         \
  }                                                       \
  const T& name() const noexcept { return this->name##_; } \
  T& name() noexcept { return this->name##_; }            \
                                                          \
 private:                                                 \
  T name##_
