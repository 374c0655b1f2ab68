// Convolutions through cuDNN (loaded at run time, core/cuda_libraries.h), for kernels/cuda/conv.cu
// to try before its own lowering: each call answers false when cuDNN is absent, switched off,
// cannot take the geometry, or fails, and the caller then runs the im2col + GEMM path.
#pragma once
#include <optional>

#include "kernels/conv.h"

namespace striate::kernels::cuda::cudnn_conv {

// One convolution as cuDNN's N-d descriptors take it (2 or 3 spatial dims, int sizes).
struct Problem {
  int spatial;  // 2 or 3
  int N, C, K, groups;
  int input[3], filter[3], output[3];
  int padding[3], stride[3], dilation[3];
};

// The problem, or nothing where cuDNN cannot run it: sizes past int, or bottom / right padding
// that changes the output size from what cuDNN's symmetric padding gives, tensors past 2^31
// elements.
std::optional<Problem> problem_of(const Conv2dGeometry& g);
std::optional<Problem> problem_of(const Conv3dGeometry& g);

// Whether cuDNN is loaded, backends.cudnn.enabled is set, and the conv algorithm preference
// (striate.backends.cpu.set_conv_algorithm) does not ask for our own lowering.
bool usable();

// dst is overwritten; false when cuDNN declined (dst is then unspecified; the caller recomputes).
template <typename T>
bool forward(T* output, const T* input, const T* weight, const Problem& problem);
template <typename T>
bool backward_data(T* dinput, const T* doutput, const T* weight, const Problem& problem);
template <typename T>
bool backward_filter(T* dweight, const T* doutput, const T* input, const Problem& problem);

}  // namespace striate::kernels::cuda::cudnn_conv
