// nn::init: PyTorch's initializer formulas, and the fast counter-based random fills behind them
// (deterministic for a seed whatever the thread count).
#include "striate/nn/init.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "striate/autograd.h"
#include "striate/core/parallel.h"
#include "striate/core/random.h"
#include "striate/ops/creation.h"

namespace striate::nn::init {

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "conv1d" || nonlinearity == "conv2d" ||
      nonlinearity == "conv3d" || nonlinearity == "sigmoid") {
    return 1.0;
  }
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nonlinearity == "selu") return 3.0 / 4.0;
  throw ValueError(detail::str("calculate_gain: unsupported nonlinearity \"", nonlinearity,
                               "\" (expected linear, conv2d, sigmoid, tanh, relu, leaky_relu or selu)"));
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& tensor) {
  STRIATE_CHECK(tensor.defined(), "calculate_fan_in_and_fan_out: expected a tensor, got None");
  STRIATE_CHECK(tensor.dim() >= 2,
                "calculate_fan_in_and_fan_out: fan in and fan out can not be computed for a tensor with fewer than 2 "
                "dimensions, got shape ",
                tensor.sizes());
  int64_t receptive_field = 1;
  for (int d = 2; d < tensor.dim(); ++d) receptive_field *= tensor.size(d);
  return {tensor.size(1) * receptive_field, tensor.size(0) * receptive_field};
}

namespace {

// ---- counter-based random streams ----
// One 64-bit seed per call comes from the default generator; the tensor is cut into chunks of a
// fixed size and chunk c draws from a xoshiro256** stream seeded by splitmix64(seed, c). Chunks
// are independent, so any thread can fill any chunk and the values never depend on the split.
constexpr int64_t kChunk = 4096;

constexpr double kPi = 3.14159265358979323846;

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  Xoshiro256(uint64_t seed, uint64_t stream) {
    uint64_t mix = seed ^ (stream * 0xD1B54A32D192ED03ULL);
    for (auto& word : state_) word = splitmix64(mix);
  }
  uint64_t next() {
    uint64_t result = rotl(state_[1] * 5, 7) * 9;
    uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, 1) on the 53-bit grid of doubles.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1], safe for log().
  double uniform_open_zero() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

uint64_t draw_seed() { return default_generator().engine()(); }

// Calls fill(stream, begin, end) for every chunk of [0, n), chunks spread over the threads.
template <typename ChunkFill>
void fill_chunks(int64_t n, uint64_t seed, const ChunkFill& fill) {
  int64_t chunks = (n + kChunk - 1) / kChunk;
  parallel_for(0, chunks, 4, [&](int64_t first, int64_t last) {
    for (int64_t c = first; c < last; ++c) {
      Xoshiro256 stream(seed, static_cast<uint64_t>(c));
      fill(stream, c * kChunk, std::min(n, (c + 1) * kChunk));
    }
  });
}

// Runs write(data, n) on the tensor's elements in order: straight into its memory when it is a
// contiguous CPU tensor, else into a contiguous copy that is then copied back.
template <typename Write>
void write_elements(Tensor& tensor, const char* op, const Write& write) {
  NoGradGuard no_grad;
  bool direct = tensor.is_contiguous() && tensor.device().is_cpu();
  Tensor target = direct ? tensor : empty(tensor.sizes(), TensorOptions(tensor.dtype()));
  STRIATE_DISPATCH_FLOATING(tensor.dtype(), op, [&] { write(target.data<scalar_t>(), target.numel()); });
  if (!direct) tensor.copy_(target);
  tensor.bump_version();
}

void fill_uniform(Tensor& tensor, double low, double high, const char* op) {
  uint64_t seed = draw_seed();
  write_elements(tensor, op, [&](auto* data, int64_t n) {
    using scalar_t = std::remove_pointer_t<decltype(data)>;
    fill_chunks(n, seed, [&](Xoshiro256& stream, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) data[i] = static_cast<scalar_t>(low + (high - low) * stream.uniform());
    });
  });
}

// Standard normals by the ziggurat method (Marsaglia & Tsang) with 256 layers: the density is
// covered by layers of equal area V; a draw picks a layer with 8 bits and a position with 52 more,
// and ~99% of draws fall where the layer lies wholly under the curve and are accepted at once.
// Box-Muller's log, sqrt, cos and sin per pair cost several times more.
class Ziggurat {
 public:
  static const Ziggurat& get() {
    static const Ziggurat tables;
    return tables;
  }

  double sample(Xoshiro256& stream) const {
    while (true) {
      uint64_t bits = stream.next();
      int layer = static_cast<int>(bits & 0xff);
      // +1 or -1 without a branch: the sign bit is a coin flip no predictor can learn.
      double sign = 1.0 - 2.0 * static_cast<double>((bits >> 8) & 1);
      bool negative = sign < 0;
      uint64_t position = (bits >> 9) & ((uint64_t(1) << 52) - 1);
      double x = static_cast<double>(position) * width_[layer];
      if (position < inner_[layer]) return sign * x;
      if (layer == 0) {
        // The tail beyond R, by Marsaglia's exponential rejection.
        double a;
        double b;
        do {
          a = -std::log(stream.uniform_open_zero()) / kR;
          b = -std::log(stream.uniform_open_zero());
        } while (b + b < a * a);
        return negative ? -(kR + a) : kR + a;
      }
      // The wedge between the curve and the layer's right edge: accept under the curve.
      double y = density_[layer] + stream.uniform() * (density_[layer + 1] - density_[layer]);
      if (y < std::exp(-0.5 * x * x)) return negative ? -x : x;
    }
  }

 private:
  static constexpr int kLayers = 256;
  static constexpr double kR = 3.6541528853610088;     // the right edge of the base layer
  static constexpr double kArea = 4.92867323399e-3;    // the area of every layer

  // edge[i] falls with i: edge[0] = V / f(R) (the base layer with its tail as one width), edge[1]
  // = R, edge[i + 1] = f^-1(f(edge[i]) + V / edge[i]), edge[256] = 0; layer i spans heights
  // f(edge[i]) .. f(edge[i + 1]).
  Ziggurat() {
    auto density = [](double x) { return std::exp(-0.5 * x * x); };
    double edge[kLayers + 1];
    edge[0] = kArea / density(kR);
    edge[1] = kR;
    for (int i = 1; i < kLayers - 1; ++i) edge[i + 1] = std::sqrt(-2.0 * std::log(density(edge[i]) + kArea / edge[i]));
    edge[kLayers] = 0.0;
    for (int i = 0; i < kLayers; ++i) {
      width_[i] = edge[i] * 0x1.0p-52;
      inner_[i] = static_cast<uint64_t>(edge[i + 1] / edge[i] * 0x1.0p52);
      density_[i] = density(edge[i]);
    }
    density_[kLayers] = 1.0;
  }

  double width_[kLayers];          // edge[i] / 2^52: position -> x
  uint64_t inner_[kLayers];        // positions below this lie under the curve
  double density_[kLayers + 1];    // f(edge[i])
};

void fill_normal(Tensor& tensor, double mean, double std, const char* op) {
  uint64_t seed = draw_seed();
  const Ziggurat& ziggurat = Ziggurat::get();
  write_elements(tensor, op, [&](auto* data, int64_t n) {
    using scalar_t = std::remove_pointer_t<decltype(data)>;
    fill_chunks(n, seed, [&](Xoshiro256& stream, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) data[i] = static_cast<scalar_t>(mean + std * ziggurat.sample(stream));
    });
  });
}

// Inverse of erf on (-1, 1): Giles' single-precision approximation refined by two Newton steps.
double erfinv(double y) {
  double w = -std::log((1.0 - y) * (1.0 + y));
  double x;
  if (w < 5.0) {
    w -= 2.5;
    x = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                     -0.00417768164, 0.246640727, 1.50140941}) {
      x = c + x * w;
    }
  } else {
    w = std::sqrt(w) - 3.0;
    x = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                     1.00167406, 2.83297682}) {
      x = c + x * w;
    }
  }
  x *= y;
  for (int step = 0; step < 2; ++step) x -= (std::erf(x) - y) / (2.0 / std::sqrt(kPi) * std::exp(-x * x));
  return x;
}

double normal_cdf(double x) { return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))); }

int64_t select_fan(const Tensor& tensor, const std::string& mode, const char* op) {
  STRIATE_CHECK(mode == "fan_in" || mode == "fan_out", op, ": expected mode \"fan_in\" or \"fan_out\", got \"", mode,
                "\"");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  return mode == "fan_in" ? fan_in : fan_out;
}

void check_floating(const Tensor& tensor, const char* op) {
  STRIATE_CHECK(tensor.defined(), op, ": expected a tensor, got None");
  STRIATE_CHECK_TYPE(tensor.is_floating_point(), op, ": expected a floating-point tensor, got ", tensor.dtype());
}

// Copies row-major double values (tensor.numel() of them) into the tensor.
void assign_values(Tensor& tensor, const std::vector<double>& values, const char* op) {
  write_elements(tensor, op, [&](auto* data, int64_t n) {
    using scalar_t = std::remove_pointer_t<decltype(data)>;
    for (int64_t i = 0; i < n; ++i) data[i] = static_cast<scalar_t>(values[i]);
  });
}

}  // namespace

Tensor& uniform_(Tensor& tensor, double low, double high) {
  check_floating(tensor, "uniform_");
  STRIATE_CHECK(low <= high, "uniform_: expected low <= high, got low=", low, ", high=", high);
  fill_uniform(tensor, low, high, "uniform_");
  return tensor;
}

Tensor& normal_(Tensor& tensor, double mean, double std) {
  check_floating(tensor, "normal_");
  STRIATE_CHECK(std >= 0, "normal_: expected std >= 0, got ", std);
  fill_normal(tensor, mean, std, "normal_");
  return tensor;
}

Tensor& trunc_normal_(Tensor& tensor, double mean, double std, double a, double b) {
  check_floating(tensor, "trunc_normal_");
  STRIATE_CHECK(std > 0, "trunc_normal_: expected std > 0, got ", std);
  STRIATE_CHECK(a < b, "trunc_normal_: expected a < b, got a=", a, ", b=", b);
  // Inverse-CDF sampling as torch: uniform on [cdf(a), cdf(b)] mapped back through erfinv, so a
  // window far in a tail costs no rejections.
  double lower = 2.0 * normal_cdf((a - mean) / std) - 1.0;
  double upper = 2.0 * normal_cdf((b - mean) / std) - 1.0;
  uint64_t seed = draw_seed();
  write_elements(tensor, "trunc_normal_", [&](auto* data, int64_t n) {
    using scalar_t = std::remove_pointer_t<decltype(data)>;
    fill_chunks(n, seed, [&](Xoshiro256& stream, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        double y = std::clamp(lower + (upper - lower) * stream.uniform(), -1.0 + 1e-15, 1.0 - 1e-15);
        double value = mean + std * std::sqrt(2.0) * erfinv(y);
        data[i] = static_cast<scalar_t>(std::clamp(value, a, b));
      }
    });
  });
  return tensor;
}

Tensor& constant_(Tensor& tensor, double value) {
  check_floating(tensor, "constant_");
  NoGradGuard no_grad;
  tensor.fill_(value);
  return tensor;
}

Tensor& zeros_(Tensor& tensor) { return constant_(tensor, 0.0); }

Tensor& ones_(Tensor& tensor) { return constant_(tensor, 1.0); }

Tensor& eye_(Tensor& tensor) {
  check_floating(tensor, "eye_");
  STRIATE_CHECK(tensor.dim() == 2, "eye_: only 2-dimensional tensors are supported, got shape ", tensor.sizes());
  int64_t rows = tensor.size(0);
  int64_t cols = tensor.size(1);
  std::vector<double> values(rows * cols, 0.0);
  for (int64_t i = 0; i < std::min(rows, cols); ++i) values[i * cols + i] = 1.0;
  assign_values(tensor, values, "eye_");
  return tensor;
}

Tensor& dirac_(Tensor& tensor, int64_t groups) {
  check_floating(tensor, "dirac_");
  STRIATE_CHECK(tensor.dim() >= 3 && tensor.dim() <= 5,
                "dirac_: only tensors with 3, 4 or 5 dimensions are supported, got shape ", tensor.sizes());
  STRIATE_CHECK(groups >= 1 && tensor.size(0) % groups == 0, "dirac_: expected groups >= 1 dividing dim 0 (",
                tensor.size(0), "), got groups=", groups);
  int64_t out_per_group = tensor.size(0) / groups;
  int64_t identities = std::min(out_per_group, tensor.size(1));
  // The centre tap of the kernel, as a flat offset inside one (out, in) slice.
  int64_t kernel_numel = 1;
  int64_t centre = 0;
  for (int d = 2; d < tensor.dim(); ++d) {
    centre = centre * tensor.size(d) + tensor.size(d) / 2;
    kernel_numel *= tensor.size(d);
  }
  std::vector<double> values(tensor.numel(), 0.0);
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t d = 0; d < identities; ++d) {
      int64_t out = g * out_per_group + d;
      values[(out * tensor.size(1) + d) * kernel_numel + centre] = 1.0;
    }
  }
  assign_values(tensor, values, "dirac_");
  return tensor;
}

Tensor& orthogonal_(Tensor& tensor, double gain) {
  check_floating(tensor, "orthogonal_");
  STRIATE_CHECK(tensor.dim() >= 2, "orthogonal_: only tensors with 2 or more dimensions are supported, got shape ",
                tensor.sizes());
  if (tensor.numel() == 0) return tensor;
  int64_t rows = tensor.size(0);
  int64_t cols = tensor.numel() / rows;
  // Gram-Schmidt (twice, for stability) on the columns of a tall Gaussian matrix: the Q of its QR
  // with a positive diagonal of R, which is what torch's sign correction produces.
  int64_t tall = std::max(rows, cols);
  int64_t narrow = std::min(rows, cols);
  Tensor gaussian = empty({narrow, tall}, TensorOptions(DType::Float64));
  fill_normal(gaussian, 0.0, 1.0, "orthogonal_");
  std::vector<double> basis(gaussian.data<double>(), gaussian.data<double>() + narrow * tall);  // row j = column j
  for (int64_t j = 0; j < narrow; ++j) {
    double* column = &basis[j * tall];
    for (int pass = 0; pass < 2; ++pass) {
      for (int64_t k = 0; k < j; ++k) {
        const double* previous = &basis[k * tall];
        double dot = 0.0;
        for (int64_t i = 0; i < tall; ++i) dot += previous[i] * column[i];
        for (int64_t i = 0; i < tall; ++i) column[i] -= dot * previous[i];
      }
    }
    double norm = 0.0;
    for (int64_t i = 0; i < tall; ++i) norm += column[i] * column[i];
    norm = std::sqrt(norm);
    for (int64_t i = 0; i < tall; ++i) column[i] /= norm;
  }
  // rows < cols: the orthonormal vectors are the rows; otherwise they are the columns.
  std::vector<double> values(rows * cols);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      values[r * cols + c] = gain * (rows < cols ? basis[r * tall + c] : basis[c * tall + r]);
    }
  }
  assign_values(tensor, values, "orthogonal_");
  return tensor;
}

Tensor& sparse_(Tensor& tensor, double sparsity, double std) {
  check_floating(tensor, "sparse_");
  STRIATE_CHECK(tensor.dim() == 2, "sparse_: only 2-dimensional tensors are supported, got shape ", tensor.sizes());
  STRIATE_CHECK(sparsity >= 0 && sparsity <= 1, "sparse_: expected 0 <= sparsity <= 1, got ", sparsity);
  STRIATE_CHECK(std >= 0, "sparse_: expected std >= 0, got ", std);
  int64_t rows = tensor.size(0);
  int64_t cols = tensor.size(1);
  int64_t zeros_per_column = static_cast<int64_t>(std::ceil(sparsity * static_cast<double>(rows)));
  Tensor values = empty({rows, cols}, TensorOptions(DType::Float64));
  fill_normal(values, 0.0, std, "sparse_");
  double* data = values.data<double>();
  for (int64_t c = 0; c < cols; ++c) {
    Tensor order = randperm(rows);
    const int64_t* row_order = order.data<int64_t>();
    for (int64_t k = 0; k < zeros_per_column; ++k) data[row_order[k] * cols + c] = 0.0;
  }
  NoGradGuard no_grad;
  tensor.copy_(values.to(tensor.dtype()));
  return tensor;
}

Tensor& kaiming_uniform_(Tensor& tensor, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(tensor, "kaiming_uniform_");
  int64_t fan = select_fan(tensor, mode, "kaiming_uniform_");
  if (tensor.numel() == 0) return tensor;  // nothing to draw (PyTorch warns and does nothing)
  double bound = calculate_gain(nonlinearity, a) * std::sqrt(3.0 / static_cast<double>(fan));
  return init::uniform_(tensor, -bound, bound);
}

Tensor& kaiming_normal_(Tensor& tensor, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(tensor, "kaiming_normal_");
  int64_t fan = select_fan(tensor, mode, "kaiming_normal_");
  if (tensor.numel() == 0) return tensor;
  double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan));
  return init::normal_(tensor, 0.0, std);
}

Tensor& xavier_uniform_(Tensor& tensor, double gain) {
  check_floating(tensor, "xavier_uniform_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;
  double bound = gain * std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  return init::uniform_(tensor, -bound, bound);
}

Tensor& xavier_normal_(Tensor& tensor, double gain) {
  check_floating(tensor, "xavier_normal_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(tensor);
  if (tensor.numel() == 0) return tensor;
  double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  return init::normal_(tensor, 0.0, std);
}

}  // namespace striate::nn::init
