// C++ tests of the Tensor core: creation, views sharing storage, broadcasting, dtype rules, errors.
#include <striate/striate.h>

#include "check.h"

using namespace striate;

int main() {
  manual_seed(0);
  Tensor x = arange(24).reshape({2, 3, 4});
  CHECK(x.dtype() == DType::Int64);
  CHECK(x.sizes() == Shape({2, 3, 4}));
  CHECK(x.is_contiguous());

  Tensor p = x.permute({2, 0, 1});
  CHECK(p.storage() == x.storage());
  CHECK(!p.is_contiguous());
  CHECK(p.sizes() == Shape({4, 2, 3}));
  CHECK(p.contiguous().data<int64_t>()[1] == 4);  // p[0,0,1] = x[0,1,0]

  Tensor s = x.slice(2, 1, 4, 2);  // x[:, :, 1::2]
  CHECK(s.sizes() == Shape({2, 3, 2}));
  CHECK(s.contiguous().data<int64_t>()[1] == 3);
  CHECK(x.select(1, 2).sizes() == Shape({2, 4}));
  CHECK(x.narrow(0, 1, 1).storage_offset() == 12);
  CHECK(ones({3, 1}).expand({3, 5}).strides() == Shape({1, 0}));
  CHECK(x.unsqueeze(0).squeeze(0).sizes() == x.sizes());
  CHECK(x.flatten(1).sizes() == Shape({2, 12}));

  Tensor a = full({4, 1}, 2.0);
  Tensor b = arange(0.0, 3.0, 1.0);
  Tensor c = a * b + 1.0;
  CHECK(c.sizes() == Shape({4, 3}));
  CHECK(c.dtype() == DType::Float32);
  CHECK_NEAR(c.contiguous().data<float>()[5], 2.0 * 2.0 + 1.0, 1e-6);
  CHECK((arange(3) + 1.5).dtype() == DType::Float32);
  CHECK((arange(3) / 2).dtype() == DType::Float32);

  Tensor r = randn({1000});
  CHECK(std::fabs(r.mean().item<float>()) < 0.15);

  CHECK_THROWS(ShapeError, ones({2, 3}) + ones({4}), "cannot be broadcast");
  CHECK_THROWS(ShapeError, arange(6).reshape({4, 2}), "invalid for input of size 6");
  CHECK_THROWS(IndexError, x.select(0, 5), "out of bounds");
  CHECK_THROWS(TypeError, arange(3).requires_grad_(), "floating-point");
  CHECK_THROWS(ShapeError, zeros({-1}), "non-negative");

  Tensor y = zeros({2, 2});
  y.add_(ones({2}), 3.0);
  CHECK_NEAR(y.sum().item<float>(), 12.0, 1e-6);
  CHECK(y.str().find("tensor([[3.0000, 3.0000]") == 0);
  return report("test_tensor");
}
