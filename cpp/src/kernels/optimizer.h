// Optimizer update kernels: one fused, multi-tensor pass over all the parameters of a group
// (PyTorch's foreach / fused updates) instead of a chain of elementwise ops per parameter. The
// scalars come rounded to T as the op-by-op update rounds them, and the kernels repeat its
// expressions in its order, so both give the same bits (optim/sgd.cpp, optim/adam.cpp).
// float16 / bfloat16 parameters compute in float32 inside the kernel (optimizer_scalars.h).
#pragma once
#include <cstdint>

#include "kernels/kernel.h"
#include "kernels/optimizer_scalars.h"

namespace striate::kernels {

// One SGD step for `count` parameters sharing a group's options (optimizer_scalars.h).
template <typename T>
inline Kernel<void(const SgdTensor<T>* tensors, int64_t count, const SgdScalars<opmath_t<T>>& scalars)> sgd_update{
    "sgd_update", dtype_of<T>::value};

// One Adam / AdamW step for `count` parameters, each with its step's scalars.
template <typename T>
inline Kernel<void(const AdamTensor<T>* tensors, int64_t count)> adam_update{"adam_update", dtype_of<T>::value};

}  // namespace striate::kernels
