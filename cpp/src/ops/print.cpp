// Printing tensors from C++ (PyTorch-like layout; the Python repr lives in python/striate/_tensor.py).
#include <iomanip>
#include <sstream>

#include "striate/core/tensor.h"
#include "striate/ops/elementwise.h"

namespace striate {
namespace {

void print_recursive(std::ostream& out, const Tensor& t, int dim, int64_t offset, int indent) {
  const Tensor& base = t;
  if (dim == t.dim()) {
    STRIATE_DISPATCH_ALL_AND_REDUCED(base.dtype(), "print", [&] {
      scalar_t v = static_cast<const scalar_t*>(base.storage()->data())[offset];
      if constexpr (std::is_floating_point_v<scalar_t> || is_reduced_float_v<scalar_t>)
        out << std::setprecision(4) << std::fixed << static_cast<double>(static_cast<float>(v));
      else if constexpr (std::is_same_v<scalar_t, bool>)
        out << (v ? "True" : "False");
      else
        out << static_cast<int64_t>(v);
    });
    return;
  }
  out << "[";
  int64_t n = t.sizes()[dim];
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) {
      out << ",";
      if (dim + 1 < t.dim())
        out << "\n" << std::string(indent + 1, ' ');
      else
        out << " ";
    }
    print_recursive(out, t, dim + 1, offset + i * t.strides()[dim], indent + 1);
  }
  out << "]";
}

}  // namespace

std::string Tensor::str() const {
  if (!defined()) return "tensor(undefined)";
  std::ostringstream out;
  Tensor host = device().is_cpu() ? *this : to(kCPU);
  out << "tensor(";
  print_recursive(out, host, 0, host.storage_offset(), 7);
  if (dtype() != DType::Float32 && dtype() != DType::Int64 && dtype() != DType::Bool) out << ", dtype=" << dtype();
  if (requires_grad()) out << ", requires_grad=True";
  out << ")";
  return out.str();
}

std::ostream& operator<<(std::ostream& out, const Tensor& t) { return out << t.str(); }

}  // namespace striate
