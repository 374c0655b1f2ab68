// CPU image kernels for the data transforms (see kernels/cpu/image.h). Small images (the usual
// per-example case) run on the calling thread: the grain keeps a task at tens of thousands of
// pixel visits, so DataLoader workers do not fan out into the OpenMP pool for a 32×32 crop.
#include "kernels/cpu/image.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "striate/core/parallel.h"

namespace striate::kernels::cpu {
namespace {

int64_t plane_grain(int64_t pixels_per_plane) {
  return std::max<int64_t>(1, 32768 / std::max<int64_t>(1, pixels_per_plane));
}

// Geometry results: uint8 rounds to nearest and clamps; floating types keep the value.
template <typename T>
T store_rounded(double value) {
  if constexpr (std::is_same_v<T, uint8_t>) {
    return static_cast<uint8_t>(std::floor(std::clamp(value, 0.0, 255.0) + 0.5));
  } else {
    return static_cast<T>(value);
  }
}

// Colour blends: torchvision clamps and then converts, which truncates for uint8.
template <typename T>
T store_truncated(double value, double bound) {
  double clamped = std::clamp(value, 0.0, bound);
  if constexpr (std::is_same_v<T, uint8_t>) {
    return static_cast<uint8_t>(clamped);
  } else {
    return static_cast<T>(clamped);
  }
}

constexpr double kRed = 0.299, kGreen = 0.587, kBlue = 0.114;

}  // namespace

template <typename T>
void gather_image(T* out, const T* in, const int64_t* rows, const int64_t* cols, const double* fill,
                  int64_t planes, int64_t C, int64_t H, int64_t W, int64_t P, int64_t Q) {
  parallel_for(0, planes, plane_grain(P * Q), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* in_plane = in + plane * H * W;
      T fill_value = store_rounded<T>(fill[plane % C]);
      for (int64_t y = 0; y < P; ++y) {
        T* out_row = out + (plane * P + y) * Q;
        if (rows[y] < 0) {
          std::fill(out_row, out_row + Q, fill_value);
          continue;
        }
        const T* in_row = in_plane + rows[y] * W;
        for (int64_t x = 0; x < Q; ++x) out_row[x] = cols[x] < 0 ? fill_value : in_row[cols[x]];
      }
    }
  });
}

template <typename T>
void resample_separable(T* out, const T* in, const ResampleTaps& row_taps, const ResampleTaps& col_taps,
                        int64_t planes, int64_t H, int64_t W, int64_t top, int64_t left, int64_t P, int64_t Q) {
  int64_t rows_read = 0;
  for (int64_t y = 0; y < P; ++y) rows_read = std::max(rows_read, row_taps.first[y] + row_taps.count[y]);
  parallel_for(0, planes, plane_grain(std::max(rows_read, P) * Q * 2), [&](int64_t begin, int64_t end) {
    // Columns first, over the rows the row taps read; then rows.
    std::vector<double> across(static_cast<size_t>(rows_read * Q));
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* in_box = in + plane * H * W + top * W + left;
      for (int64_t r = 0; r < rows_read; ++r) {
        const T* in_row = in_box + r * W;
        for (int64_t x = 0; x < Q; ++x) {
          const double* weight = &col_taps.weights[x * col_taps.width];
          const T* source = in_row + col_taps.first[x];
          double sum = 0.0;
          for (int64_t k = 0; k < col_taps.count[x]; ++k) sum += weight[k] * static_cast<double>(source[k]);
          across[r * Q + x] = sum;
        }
      }
      for (int64_t y = 0; y < P; ++y) {
        T* out_row = out + (plane * P + y) * Q;
        const double* weight = &row_taps.weights[y * row_taps.width];
        const double* source = &across[row_taps.first[y] * Q];
        for (int64_t x = 0; x < Q; ++x) {
          double sum = 0.0;
          for (int64_t k = 0; k < row_taps.count[y]; ++k) sum += weight[k] * source[k * Q + x];
          out_row[x] = store_rounded<T>(sum);
        }
      }
    }
  });
}

template <typename T>
void affine_sample(T* out, const T* in, const double* inverse_matrix, const double* fill, bool bilinear,
                   int64_t planes, int64_t C, int64_t H, int64_t W, int64_t P, int64_t Q) {
  const double* m = inverse_matrix;
  double out_center_x = (Q - 1) * 0.5, out_center_y = (P - 1) * 0.5;
  double in_center_x = (W - 1) * 0.5, in_center_y = (H - 1) * 0.5;
  parallel_for(0, planes, plane_grain(P * Q * (bilinear ? 4 : 1)), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* in_plane = in + plane * H * W;
      double fill_value = fill[plane % C];
      auto pixel = [&](int64_t y, int64_t x) {
        return (y >= 0 && y < H && x >= 0 && x < W) ? static_cast<double>(in_plane[y * W + x]) : fill_value;
      };
      for (int64_t y = 0; y < P; ++y) {
        double yc = y - out_center_y;
        for (int64_t x = 0; x < Q; ++x) {
          double xc = x - out_center_x;
          double source_x = m[0] * xc + m[1] * yc + m[2] + in_center_x;
          double source_y = m[3] * xc + m[4] * yc + m[5] + in_center_y;
          double value;
          if (bilinear) {
            double x0 = std::floor(source_x), y0 = std::floor(source_y);
            double wx = source_x - x0, wy = source_y - y0;
            auto ix = static_cast<int64_t>(x0), iy = static_cast<int64_t>(y0);
            value = (1 - wy) * ((1 - wx) * pixel(iy, ix) + wx * pixel(iy, ix + 1)) +
                    wy * ((1 - wx) * pixel(iy + 1, ix) + wx * pixel(iy + 1, ix + 1));
          } else {
            value = pixel(static_cast<int64_t>(std::nearbyint(source_y)),
                          static_cast<int64_t>(std::nearbyint(source_x)));
          }
          out[(plane * P + y) * Q + x] = store_rounded<T>(value);
        }
      }
    }
  });
}

template <typename T>
void blend(T* out, const T* image, const double* other, bool other_per_pixel, double factor, double bound,
           int64_t N, int64_t C, int64_t HW) {
  parallel_for(0, N * C, plane_grain(HW), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      int64_t n = plane / C;
      const T* in = image + plane * HW;
      T* result = out + plane * HW;
      for (int64_t i = 0; i < HW; ++i) {
        double second = other_per_pixel ? other[n * HW + i] : other[n];
        result[i] = store_truncated<T>(factor * static_cast<double>(in[i]) + (1.0 - factor) * second, bound);
      }
    }
  });
}

template <typename T>
void grayscale(double* gray, const T* image, int64_t N, int64_t C, int64_t HW) {
  parallel_for(0, N, plane_grain(HW), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* red = image + n * C * HW;
      for (int64_t i = 0; i < HW; ++i) {
        double value = C == 1 ? static_cast<double>(red[i])
                              : kRed * red[i] + kGreen * red[HW + i] + kBlue * red[2 * HW + i];
        gray[n * HW + i] = std::is_same_v<T, uint8_t> ? std::floor(value) : value;
      }
    }
  });
}

template <typename T>
void shift_hue(T* out, const T* image, double hue_shift, int64_t N, int64_t HW) {
  const double scale = std::is_same_v<T, uint8_t> ? 255.0 : 1.0;
  parallel_for(0, N, plane_grain(HW * 8), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* in = image + n * 3 * HW;
      T* result = out + n * 3 * HW;
      for (int64_t i = 0; i < HW; ++i) {
        double red = in[i] / scale, green = in[HW + i] / scale, blue = in[2 * HW + i] / scale;
        double high = std::max({red, green, blue}), low = std::min({red, green, blue});
        double rgb[3] = {red, green, blue};
        if (high > low) {
          double range = high - low, saturation = range / high, value = high;
          double rc = (high - red) / range, gc = (high - green) / range, bc = (high - blue) / range;
          double hue = red == high ? bc - gc : green == high ? 2.0 + rc - bc : 4.0 + gc - rc;
          hue = hue / 6.0 + hue_shift;
          hue -= std::floor(hue);
          double sector = std::floor(hue * 6.0), fraction = hue * 6.0 - sector;
          double p = value * (1.0 - saturation), q = value * (1.0 - saturation * fraction);
          double t = value * (1.0 - saturation * (1.0 - fraction));
          switch (static_cast<int>(sector) % 6) {
            case 0: rgb[0] = value, rgb[1] = t, rgb[2] = p; break;
            case 1: rgb[0] = q, rgb[1] = value, rgb[2] = p; break;
            case 2: rgb[0] = p, rgb[1] = value, rgb[2] = t; break;
            case 3: rgb[0] = p, rgb[1] = q, rgb[2] = value; break;
            case 4: rgb[0] = t, rgb[1] = p, rgb[2] = value; break;
            default: rgb[0] = value, rgb[1] = p, rgb[2] = q; break;
          }
        }
        for (int c = 0; c < 3; ++c) result[c * HW + i] = store_rounded<T>(rgb[c] * scale);
      }
    }
  });
}

template <typename T>
void affine_channels(T* out, const T* image, const double* scale, const double* offset, int64_t N, int64_t C,
                     int64_t HW) {
  parallel_for(0, N * C, plane_grain(HW), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      int64_t c = plane % C;
      const T* in = image + plane * HW;
      T* result = out + plane * HW;
      if constexpr (std::is_same_v<T, uint8_t>) {
        for (int64_t i = 0; i < HW; ++i) result[i] = store_rounded<T>(in[i] * scale[c] + offset[c]);
      } else {
        // In the image's own precision, as (x - mean) / std is in PyTorch.
        T channel_scale = static_cast<T>(scale[c]), channel_offset = static_cast<T>(offset[c]);
        for (int64_t i = 0; i < HW; ++i) result[i] = in[i] * channel_scale + channel_offset;
      }
    }
  });
}

template <typename T>
void fill_box(T* image, const double* values, bool per_pixel, int64_t planes, int64_t C, int64_t H, int64_t W,
              int64_t top, int64_t left, int64_t h, int64_t w) {
  for (int64_t plane = 0; plane < planes; ++plane) {
    int64_t c = plane % C;
    for (int64_t y = 0; y < h; ++y) {
      T* row = image + plane * H * W + (top + y) * W + left;
      for (int64_t x = 0; x < w; ++x)
        row[x] = store_rounded<T>(per_pixel ? values[(c * h + y) * w + x] : values[c]);
    }
  }
}

template <typename T>
void mix_images(T* out, const T* images, const int64_t* partner, double lambda, int64_t N, int64_t CHW) {
  parallel_for(0, N, plane_grain(CHW), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      const T* first = images + n * CHW;
      const T* second = images + partner[n] * CHW;
      for (int64_t i = 0; i < CHW; ++i)
        out[n * CHW + i] = store_rounded<T>(lambda * first[i] + (1.0 - lambda) * second[i]);
    }
  });
}

template <typename T>
void paste_box(T* out, const T* images, const int64_t* partner, int64_t N, int64_t C, int64_t H, int64_t W,
               int64_t top, int64_t left, int64_t h, int64_t w) {
  parallel_for(0, N, plane_grain(C * H * W), [&](int64_t begin, int64_t end) {
    for (int64_t n = begin; n < end; ++n) {
      std::copy(images + n * C * H * W, images + (n + 1) * C * H * W, out + n * C * H * W);
      for (int64_t c = 0; c < C; ++c) {
        for (int64_t y = top; y < top + h; ++y) {
          const T* source = images + ((partner[n] * C + c) * H + y) * W + left;
          std::copy(source, source + w, out + ((n * C + c) * H + y) * W + left);
        }
      }
    }
  });
}

template <typename Out, typename In>
void convert_divided(Out* out, const In* in, double divisor, int64_t count) {
  auto denominator = static_cast<Out>(divisor);
  parallel_for(0, count, 65536, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) out[i] = static_cast<Out>(in[i]) / denominator;
  });
}

#define STRIATE_INSTANTIATE_IMAGE(T)                                                                          \
  template void gather_image<T>(T*, const T*, const int64_t*, const int64_t*, const double*, int64_t, int64_t, \
                                int64_t, int64_t, int64_t, int64_t);                                          \
  template void resample_separable<T>(T*, const T*, const ResampleTaps&, const ResampleTaps&, int64_t, int64_t, \
                                      int64_t, int64_t, int64_t, int64_t, int64_t);                           \
  template void affine_sample<T>(T*, const T*, const double*, const double*, bool, int64_t, int64_t, int64_t,  \
                                 int64_t, int64_t, int64_t);                                                  \
  template void blend<T>(T*, const T*, const double*, bool, double, double, int64_t, int64_t, int64_t);       \
  template void grayscale<T>(double*, const T*, int64_t, int64_t, int64_t);                                   \
  template void shift_hue<T>(T*, const T*, double, int64_t, int64_t);                                         \
  template void affine_channels<T>(T*, const T*, const double*, const double*, int64_t, int64_t, int64_t);    \
  template void fill_box<T>(T*, const double*, bool, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,     \
                            int64_t, int64_t);                                                                \
  template void mix_images<T>(T*, const T*, const int64_t*, double, int64_t, int64_t);                        \
  template void paste_box<T>(T*, const T*, const int64_t*, int64_t, int64_t, int64_t, int64_t, int64_t,        \
                             int64_t, int64_t, int64_t);

STRIATE_INSTANTIATE_IMAGE(uint8_t)
STRIATE_INSTANTIATE_IMAGE(float)
STRIATE_INSTANTIATE_IMAGE(double)
#undef STRIATE_INSTANTIATE_IMAGE

template void convert_divided<float, uint8_t>(float*, const uint8_t*, double, int64_t);
template void convert_divided<double, uint8_t>(double*, const uint8_t*, double, int64_t);

}  // namespace striate::kernels::cpu
