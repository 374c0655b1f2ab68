// Winograd convolution for 3x3, stride-1 layers on the CPU (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks"): F(4x4, 3x3) or F(2x2, 3x3) tiles, batched GEMMs per transform
// point, AVX-512 / AVX2 / portable variants chosen at run time. conv.cpp decides when to call it.
#pragma once
#include "kernels/conv.h"

namespace striate::kernels::cpu::winograd {

// Whether the Winograd path computes this convolution: R == S == 3, unit stride, unit dilation,
// groups == 1, any padding (bottom/right padding shows through P and Q), any N, C, K, H, W >= 1.
bool supports(const Conv2dGeometry& g);
// Whether backward_weight is implemented (and worth it) for g.
bool supports_backward_weight(const Conv2dGeometry& g);

// float32 only; the same contracts as kernels::conv2d_forward / conv2d_backward_input /
// conv2d_backward_weight in kernels/conv.h (outputs overwritten; bias / dbias may be null; forward
// adds g.residual and applies g.relu as it writes, and keeps its transformed weights in
// g.weight_cache).
void forward(float* output,        // (N, K, P, Q)
             const float* input,   // (N, C, H, W)
             const float* weight,  // (K, C, 3, 3)
             const float* bias,    // (K) or null
             const Conv2dGeometry& g);
void backward_input(float* dinput,         // (N, C, H, W)
                    const float* doutput,  // (N, K, P, Q)
                    const float* weight,   // (K, C, 3, 3)
                    const Conv2dGeometry& g);
void backward_weight(float* dweight,        // (K, C, 3, 3)
                     float* dbias,          // (K) or null
                     const float* doutput,  // (N, K, P, Q)
                     const float* input,    // (N, C, H, W)
                     const Conv2dGeometry& g);

// The output tile edge (4 or 2) that forward and backward_weight use for g; backward_input
// tiles its own output, so it uses tile_size of the geometry with (H, W) and (P, Q) swapped.
// F(2x2) is chosen only where 4x4 tiles would waste most of a tiny image. force_tile(2 or 4)
// overrides the rule for every later call in the process (tests run both transforms on every
// shape; benchmarks compare them); force_tile(0) restores it.
int tile_size(const Conv2dGeometry& g);
void force_tile(int m);

}  // namespace striate::kernels::cpu::winograd
