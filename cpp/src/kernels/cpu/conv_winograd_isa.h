// The contract between the Winograd dispatcher (conv_winograd.cpp: plans, blocks, threads,
// buffers) and its SIMD variants (conv_winograd_<isa>.cpp: the transforms and GEMMs of one block).
#pragma once
#include <cstdint>

namespace striate::kernels::cpu::winograd::detail {

// One 3x3 stride-1 convolution as the Winograd passes see it. Backward input is a plan too: a
// convolution of doutput (as "input") with the weights rotated by 180 degrees and transposed.
// The image is cut into tile rows: row r in [0, N * tiles_h) is sample r / tiles_h, tile row
// r % tiles_h, and holds tiles_w tiles of m x m outputs. A block is a range of tile rows.
struct Plan {
  int m;                      // output tile edge: 4 for F(4x4, 3x3), 2 for F(2x2, 3x3)
  int alpha;                  // transform tile edge, m + 2
  int lanes;                  // the variant's vector width in floats
  int64_t N, C, H, W;         // the input this pass reads
  int64_t K, P, Q;            // the output it writes
  int64_t pad_top, pad_left;  // may be negative (backward input of a layer padded by more than 2)
  int64_t tiles_h, tiles_w;
  int64_t C_padded, K_padded;  // C and K rounded up to lanes
  int64_t block_rows;          // tile rows per block (the last block may hold fewer)
  int64_t tile_capacity;       // tiles per transform point in the block buffers (>= block tiles)
  // Backward input: weight (C, K, 3, 3) in this plan's terms (the layer's (K, C)) is read
  // rotated by 180 degrees, element (k_out, c_in) at weight[c_in][k_out][2 - r][2 - s].
  bool transposed_weight;
  // Forward only: added to conv + bias as the output is written (N, K, P, Q), then max(0, .) when
  // relu; a residual block's tail at inference (Conv2dGeometry::residual, ::relu).
  const float* residual = nullptr;
  bool relu = false;
};

// One compiled variant (plain data: safe to pass between ISA files). Call its functions only
// when striate::cpu_isa_supported() allows it.
struct Variant {
  int lanes;
  // Floats of per-thread workspace that forward_block / weight_grad_block need for `plan`.
  int64_t (*forward_workspace)(const Plan& plan);
  int64_t (*weight_grad_workspace)(const Plan& plan);
  // Floats of one weight-gradient accumulator (all transform points; zeroed by the caller).
  int64_t (*weight_grad_accumulator)(const Plan& plan);
  // transformed (alpha^2, C, K_padded) for input channels [c_begin, c_end) from (K, C, 3, 3).
  void (*transform_weights)(float* transformed, const float* weight, const Plan& plan, int64_t c_begin, int64_t c_end);
  // output rows of tile rows [row_begin, row_end): input transform, GEMMs, output transform + bias.
  void (*forward_block)(float* output, const float* input, const float* transformed_weight, const float* bias,
                        const Plan& plan, int64_t row_begin, int64_t row_end, float* workspace);
  // accumulator += the transform-domain weight gradient of tile rows [row_begin, row_end);
  // bias_sums (K, or null) += their output gradient summed over tiles.
  void (*weight_grad_block)(float* accumulator, double* bias_sums, const float* doutput, const float* input,
                            const Plan& plan, int64_t row_begin, int64_t row_end, float* workspace);
  // dweight (K, C, 3, 3) for output channels [k_begin, k_end) from the summed accumulator.
  void (*weight_grad_finish)(float* dweight, const float* accumulator, const Plan& plan, int64_t k_begin,
                             int64_t k_end);
};

Variant variant_generic();
Variant variant_avx2();
Variant variant_avx512();

}  // namespace striate::kernels::cpu::winograd::detail
