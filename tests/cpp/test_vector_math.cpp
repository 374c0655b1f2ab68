// The SIMD transcendentals (kernels/cpu/vector_math.h) against libm, on every ISA path the CPU
// runs: millions of random bit patterns and values in the ranges that matter, plus the edge
// values (zeros, subnormals, +-inf, NaN, the overflow / underflow and branch boundaries and their
// neighbours). Float results are measured against libm's double result, double results against
// libm's long double result, in ulps of the result's precision; the bound is 2 ulp (2.5 for
// sigmoid, a quotient with no libm twin).
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <random>
#include <vector>

#include "check.h"
#include "kernels/cpu/vector_math.h"
#include "striate/core/cpu_isa.h"

using striate::CpuIsa;
using striate::kernels::cpu::vector_kernels;
using striate::kernels::cpu::VectorFunction;

namespace {

double max_ulp(VectorFunction f) { return f == VectorFunction::Sigmoid ? 2.5 : 2.0; }

const char* function_name(VectorFunction f) {
  switch (f) {
    case VectorFunction::Exp: return "exp";
    case VectorFunction::Expm1: return "expm1";
    case VectorFunction::Log: return "log";
    case VectorFunction::Log1p: return "log1p";
    case VectorFunction::Tanh: return "tanh";
    case VectorFunction::Sigmoid: return "sigmoid";
    case VectorFunction::Erf: return "erf";
  }
  return "?";
}

// The reference, one precision above T: double libm for float, long double libm for double.
template <typename T>
using Wide = std::conditional_t<sizeof(T) == 4, double, long double>;

template <typename T>
Wide<T> reference(VectorFunction f, T value) {
  const Wide<T> x = value;
  switch (f) {
    case VectorFunction::Exp: return std::exp(x);
    case VectorFunction::Expm1: return std::expm1(x);
    case VectorFunction::Log: return std::log(x);
    case VectorFunction::Log1p: return std::log1p(x);
    case VectorFunction::Tanh: return std::tanh(x);
    case VectorFunction::Sigmoid: return x < 0 ? std::exp(x) / (1 + std::exp(x)) : 1 / (1 + std::exp(-x));
    case VectorFunction::Erf: return std::erf(x);
  }
  return 0;
}

// |got - want| in units of T's last place at want (the subnormal spacing below the normals);
// infinite when they differ in kind (NaN, infinity, sign of an infinity).
template <typename T>
double ulp_error(T got, Wide<T> want) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got) ? 0 : INFINITY;
  const T rounded = static_cast<T>(want);
  if (std::isinf(rounded) || std::isinf(got)) {
    if (got == rounded) return 0;
    // A value just past the largest finite one may round either way.
    if (std::isinf(got) && std::fabs(want) < Wide<T>(std::numeric_limits<T>::max()) * (1 + Wide<T>(1e-6))) return 1;
    return INFINITY;
  }
  const Wide<T> magnitude = std::fabs(want);
  int exponent = 0;
  std::frexp(magnitude, &exponent);
  const int min_exponent = std::numeric_limits<T>::min_exponent;  // frexp's exponent of T's min
  const int digits = std::numeric_limits<T>::digits;
  const Wide<T> ulp = std::ldexp(Wide<T>(1), std::max(exponent, min_exponent) - digits);
  return static_cast<double>(std::fabs(static_cast<Wide<T>>(got) - want) / ulp);
}

template <typename T>
T from_bits(uint64_t bits) {
  if constexpr (sizeof(T) == 4) {
    uint32_t b = static_cast<uint32_t>(bits);
    float v;
    std::memcpy(&v, &b, 4);
    return v;
  } else {
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  }
}

// Values around which the functions change form, and their neighbours.
template <typename T>
std::vector<T> edge_values() {
  const T inf = std::numeric_limits<T>::infinity();
  std::vector<T> centres = {0,
                            std::numeric_limits<T>::denorm_min(),
                            std::numeric_limits<T>::min(),
                            std::numeric_limits<T>::max(),
                            std::numeric_limits<T>::epsilon(),
                            T(1),
                            T(0.5),
                            T(2),
                            T(0.75),
                            T(0.34657359),  // ln 2 / 2: the exp reduction's edge
                            T(0.6931471805599453),
                            T(0.7071067811865476),
                            T(1.4142135623730951),
                            T(3.95),
                            T(5.95),
                            T(5.92),
                            T(3.92),
                            T(9.1),
                            T(19.1),
                            T(25),
                            T(54),
                            T(30),
                            T(40),
                            T(88.72283935546875),
                            T(89),
                            T(103.97),
                            T(104),
                            T(87.33654),
                            T(709.782712893384),
                            T(710),
                            T(745.1332191019411),
                            T(746),
                            T(1e-5),
                            T(1e-10),
                            T(1e-30)};
  std::vector<T> values = {inf, -inf, std::numeric_limits<T>::quiet_NaN(), -std::numeric_limits<T>::quiet_NaN()};
  for (T centre : centres) {
    for (T sign : {T(1), T(-1)}) {
      T v = sign * centre;
      values.push_back(v);
      T up = v, down = v;
      for (int k = 0; k < 8; ++k) {
        up = std::nextafter(up, inf);
        down = std::nextafter(down, -inf);
        values.push_back(up);
        values.push_back(down);
      }
    }
  }
  return values;
}

template <typename T>
std::vector<T> sample_values(std::mt19937_64& rng, int64_t random_bits, int64_t per_range) {
  std::vector<T> values = edge_values<T>();
  for (int64_t i = 0; i < random_bits; ++i) values.push_back(from_bits<T>(rng()));
  // Uniform values over the ranges where the functions do not saturate.
  for (double range : {1e-6, 1e-3, 0.5, 1.0, 2.0, 6.0, 20.0, 100.0, 800.0}) {
    std::uniform_real_distribution<double> uniform(-range, range);
    for (int64_t i = 0; i < per_range; ++i) values.push_back(static_cast<T>(uniform(rng)));
  }
  // Log's and log1p's domain, log-uniformly over all magnitudes.
  std::uniform_real_distribution<double> exponent(-1074, 1023);
  for (int64_t i = 0; i < per_range; ++i) values.push_back(static_cast<T>(std::exp2(exponent(rng))));
  std::uniform_real_distribution<double> near_minus_one(-1, -0.25);
  for (int64_t i = 0; i < per_range; ++i) values.push_back(static_cast<T>(near_minus_one(rng)));
  return values;
}

template <typename T>
void check_accuracy(CpuIsa isa, VectorFunction f, const std::vector<T>& x) {
  std::vector<T> y(x.size());
  vector_kernels<T>().map(f, y.data(), x.data(), static_cast<int64_t>(x.size()));
  double worst = 0;
  T worst_input = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const double error = ulp_error<T>(y[i], reference<T>(f, x[i]));
    if (!(error <= worst)) {
      worst = error;
      worst_input = x[i];
    }
  }
  std::cout << "  " << std::setw(6) << striate::cpu_isa_name(isa) << " " << (sizeof(T) == 4 ? "float " : "double")
            << " " << std::setw(7) << function_name(f) << ": max " << std::setprecision(3) << worst << " ulp (at "
            << std::setprecision(sizeof(T) == 4 ? 9 : 17) << worst_input << ")\n";
  if (!(worst <= max_ulp(f))) {
    std::cerr << "accuracy: " << function_name(f) << " on " << striate::cpu_isa_name(isa) << " misses the bound\n";
    ++failures();
  }
}

// Special values that must come out exactly (NaN as NaN, signed zeros with their sign).
template <typename T>
void check_special_values() {
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  struct Case {
    VectorFunction f;
    T x, want;
  };
  const Case cases[] = {
      {VectorFunction::Exp, -inf, 0},       {VectorFunction::Exp, inf, inf},    {VectorFunction::Exp, 0, 1},
      {VectorFunction::Expm1, -inf, -1},    {VectorFunction::Expm1, inf, inf},  {VectorFunction::Expm1, -0.0, -0.0},
      {VectorFunction::Log, 0, -inf},       {VectorFunction::Log, -0.0, -inf},  {VectorFunction::Log, inf, inf},
      {VectorFunction::Log, -1, nan},       {VectorFunction::Log, -inf, nan},   {VectorFunction::Log, 1, 0},
      {VectorFunction::Log1p, -1, -inf},    {VectorFunction::Log1p, -2, nan},   {VectorFunction::Log1p, inf, inf},
      {VectorFunction::Log1p, -0.0, -0.0},  {VectorFunction::Tanh, inf, 1},     {VectorFunction::Tanh, -inf, -1},
      {VectorFunction::Tanh, -0.0, -0.0},   {VectorFunction::Sigmoid, -inf, 0}, {VectorFunction::Sigmoid, inf, 1},
      {VectorFunction::Sigmoid, 0, T(0.5)}, {VectorFunction::Erf, inf, 1},      {VectorFunction::Erf, -inf, -1},
      {VectorFunction::Erf, -0.0, -0.0},    {VectorFunction::Exp, T(-1e6), 0},  {VectorFunction::Tanh, T(1e6), 1},
  };
  for (const Case& c : cases) {
    T got;
    vector_kernels<T>().map(c.f, &got, &c.x, 1);
    const bool same = std::isnan(c.want) ? std::isnan(got) : got == c.want && std::signbit(got) == std::signbit(c.want);
    if (!same) {
      std::cerr << "special value: " << function_name(c.f) << "(" << c.x << ") = " << got << ", want " << c.want
                << "\n";
      ++failures();
    }
  }
  for (VectorFunction f : {VectorFunction::Exp, VectorFunction::Expm1, VectorFunction::Log, VectorFunction::Log1p,
                           VectorFunction::Tanh, VectorFunction::Sigmoid, VectorFunction::Erf}) {
    T got;
    vector_kernels<T>().map(f, &got, &nan, 1);
    CHECK(std::isnan(got));
  }
}

// Every length (whole vectors plus a tail) and an aliased output give each element the value it
// gets inside a long array.
template <typename T>
void check_tails() {
  std::vector<T> x(67);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(0.37 * static_cast<double>(i) - 11.0);
  for (VectorFunction f : {VectorFunction::Exp, VectorFunction::Tanh, VectorFunction::Erf}) {
    std::vector<T> full(x.size());
    vector_kernels<T>().map(f, full.data(), x.data(), static_cast<int64_t>(x.size()));
    for (int64_t n = 0; n <= static_cast<int64_t>(x.size()); ++n) {
      std::vector<T> part(x.begin(), x.begin() + n);
      vector_kernels<T>().map(f, part.data(), part.data(), n);  // in place
      for (int64_t i = 0; i < n; ++i) CHECK(part[i] == full[i]);
    }
  }
}

template <typename T>
void check_type(CpuIsa isa, std::mt19937_64& rng) {
  const std::vector<T> x = sample_values<T>(rng, 1 << 20, 1 << 17);
  for (VectorFunction f : {VectorFunction::Exp, VectorFunction::Expm1, VectorFunction::Log, VectorFunction::Log1p,
                           VectorFunction::Tanh, VectorFunction::Sigmoid, VectorFunction::Erf})
    check_accuracy<T>(isa, f, x);
  check_special_values<T>();
  check_tails<T>();
}

}  // namespace

int main() {
  std::mt19937_64 rng(20240611);
  for (CpuIsa isa : {CpuIsa::Generic, CpuIsa::AVX2, CpuIsa::AVX512}) {
    if (static_cast<int>(isa) > static_cast<int>(striate::cpu_isa_supported())) continue;
    striate::set_cpu_isa(isa);
    check_type<float>(isa, rng);
    check_type<double>(isa, rng);
  }
  striate::set_cpu_isa(striate::cpu_isa_supported());
  return report("test_vector_math");
}
