// Image kernels behind the data transforms: index-map gathers (crop, pad, flip in one pass),
// separable resampling with per-output tap tables (bilinear, antialiased bilinear, nearest),
// affine resampling, and the colour operations. Templates on the pixel type (uint8, float,
// double); uint8 results are rounded (geometry) or truncated (colour blends, as torchvision does)
// and clamped to [0, 255]. Images are planes of H×W pixels; "planes" counts N·C, and per-channel
// values (fill, offsets) are indexed by plane % C. The transforms validated every argument.
#pragma once
#include <cstdint>
#include <vector>

namespace striate::kernels::cpu {

// out[p, y, x] = rows[y] < 0 || cols[x] < 0 ? fill[p % C] : in[p, rows[y], cols[x]].
template <typename T>
void gather_image(T* out,               // (planes, P, Q)
                  const T* in,          // (planes, H, W)
                  const int64_t* rows,  // (P), -1 = fill
                  const int64_t* cols,  // (Q), -1 = fill
                  const double* fill,   // (C)
                  int64_t planes, int64_t C, int64_t H, int64_t W, int64_t P, int64_t Q);

// The taps of a 1-D resampling: output index o reads in[first[o] + k] with weight
// weights[o * width + k] for k < count[o].
struct ResampleTaps {
  std::vector<int64_t> first;
  std::vector<int64_t> count;
  std::vector<double> weights;
  int64_t width = 0;
};

// Resamples the box (top, left, box_h, box_w) of each input plane to P×Q, rows then columns.
template <typename T>
void resample_separable(T* out,                       // (planes, P, Q)
                        const T* in,                  // (planes, H, W)
                        const ResampleTaps& row_taps,  // P outputs over box_h inputs
                        const ResampleTaps& col_taps,  // Q outputs over box_w inputs
                        int64_t planes, int64_t H, int64_t W, int64_t top, int64_t left, int64_t P, int64_t Q);

// Samples in at M·(x, y, 1) for each output pixel centre (x, y), with coordinates relative to
// each image's centre: source = inverse_matrix · (x - (Q-1)/2, y - (P-1)/2, 1) + ((W-1)/2, (H-1)/2).
// nearest: rounds half to even (grid_sample's rule); bilinear: taps outside the image take fill.
template <typename T>
void affine_sample(T* out,                      // (planes, P, Q)
                   const T* in,                 // (planes, H, W)
                   const double* inverse_matrix,  // (2, 3), row-major
                   const double* fill,          // (C)
                   bool bilinear, int64_t planes, int64_t C, int64_t H, int64_t W, int64_t P, int64_t Q);

// out = clamp(factor · image + (1 - factor) · other, 0, bound) where other is per pixel
// (other_per_pixel: (N, H, W), shared by the C channels) or per image (a scalar per n).
template <typename T>
void blend(T* out,               // (N, C, H, W)
           const T* image,       // (N, C, H, W)
           const double* other,  // (N, H, W) or (N)
           bool other_per_pixel, double factor, double bound, int64_t N, int64_t C, int64_t HW);

// Grayscale 0.299 R + 0.587 G + 0.114 B of RGB images (C = 3), or the single channel (C = 1);
// floored for uint8 as torchvision does before blending.
template <typename T>
void grayscale(double* gray,    // (N, H, W)
               const T* image,  // (N, C, H, W)
               int64_t N, int64_t C, int64_t HW);

// Shifts the hue of RGB images by hue_shift (a fraction of the colour circle) through HSV.
template <typename T>
void shift_hue(T* out,          // (N, 3, H, W)
               const T* image,  // (N, 3, H, W)
               double hue_shift, int64_t N, int64_t HW);

// out[n, c] = clamp(image[n, c] · scale[c] + offset[c]) (uint8: rounded, clamped to [0, 255];
// floating: not clamped). Serves Normalize (scale 1/std, offset -mean/std) and PCA lighting.
template <typename T>
void affine_channels(T* out,               // (N, C, H, W)
                     const T* image,       // (N, C, H, W)
                     const double* scale,  // (C)
                     const double* offset,  // (C)
                     int64_t N, int64_t C, int64_t HW);

// Overwrites the box (top, left, h, w) of every plane with values: per channel (values (C)) or
// per pixel (values (C, h, w), the same for every image of a batch).
template <typename T>
void fill_box(T* image,             // (planes, H, W)
              const double* values,  // (C) or (C, h, w)
              bool per_pixel, int64_t planes, int64_t C, int64_t H, int64_t W, int64_t top, int64_t left,
              int64_t h, int64_t w);

// out[n] = lambda · images[n] + (1 - lambda) · images[partner[n]] (partner: a permutation).
template <typename T>
void mix_images(T* out,                  // (N, CHW)
                const T* images,         // (N, CHW)
                const int64_t* partner,  // (N)
                double lambda, int64_t N, int64_t CHW);

// out[n, :, box] = images[partner[n], :, box]; elsewhere out[n] = images[n].
template <typename T>
void paste_box(T* out,                  // (N, C, H, W)
               const T* images,         // (N, C, H, W)
               const int64_t* partner,  // (N)
               int64_t N, int64_t C, int64_t H, int64_t W, int64_t top, int64_t left, int64_t h, int64_t w);

// Converts pixels: out = in / divisor (uint8 → floating for ToTensor; a division, as
// PyTorch's x.float().div(255), so results match bit for bit).
template <typename Out, typename In>
void convert_divided(Out* out, const In* in, double divisor, int64_t count);

}  // namespace striate::kernels::cpu
