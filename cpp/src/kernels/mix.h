// The batch-mixing kernels of Mixup and CutMix (data/transforms_batch.cpp), one object per
// element type with a CPU and a CUDA implementation. The random draws (lambda, the partner
// permutation, the box) are made on the host by the transform and passed in, so both devices give
// the same results from the same seed: the CUDA kernels repeat the CPU's arithmetic (double,
// every product and sum rounded on its own) and its final rounding to T.
#pragma once
#include <cstdint>

#include "kernels/kernel.h"

namespace striate::kernels {

// out[n] = lambda · images[n] + (1 - lambda) · images[partner[n]], in double, rounded to T.
template <typename T>
inline Kernel<void(T* out,                  // (N, CHW)
                   const T* images,         // (N, CHW)
                   const int64_t* partner,  // (N), on the images' device
                   double lambda, int64_t N, int64_t CHW)>
    mix_images{"mix_images", dtype_of<T>::value};

// out[n, :, box] = images[partner[n], :, box]; elsewhere out[n] = images[n]. The box is rows
// [top, top + h) and columns [left, left + w).
template <typename T>
inline Kernel<void(T* out,                  // (N, C, H, W)
                   const T* images,         // (N, C, H, W)
                   const int64_t* partner,  // (N), on the images' device
                   int64_t N, int64_t C, int64_t H, int64_t W, int64_t top, int64_t left, int64_t h, int64_t w)>
    paste_box{"paste_box", dtype_of<T>::value};

}  // namespace striate::kernels
