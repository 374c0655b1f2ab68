// C++ tests of the Tensor core: creation, views sharing storage, broadcasting, dtype rules, errors.
#include <striate/striate.h>

#include <limits>

#include "check.h"

using namespace striate;

// Sizes, strides and byte counts from user input are checked before anything is allocated, and no
// tensor's geometry may reach past its storage (the checks of core/checked_math.h).
void check_size_overflow() {
  const int64_t big = int64_t(1) << 32;
  int64_t product = 0;
  CHECK(mul_overflows(big, big, &product));
  CHECK(!mul_overflows(big, 4, &product) && product == (int64_t(1) << 34));
  CHECK_THROWS(ValueError, checked_mul(big, big, "op", "the size"), "op: size too large: the size 4294967296 * ");
  CHECK_THROWS(ValueError, checked_add(std::numeric_limits<int64_t>::max(), 1, "op", "the size"), "op: size too large");
  CHECK_THROWS(ValueError, checked_nbytes(int64_t(1) << 62, 4, "op"), "op: size too large");
  CHECK(checked_nbytes(int64_t(1) << 60, 4, "op") == size_t(1) << 62);
  CHECK_THROWS(ValueError, Shape({big, big}).numel(), "size too large");
  CHECK(Shape({big, big, 0}).numel() == 0);
  CHECK_THROWS(ValueError, zeros({big / 2, big / 2}), "zeros: size too large");
  CHECK_THROWS(ValueError, randn({big / 2, big / 2}), "randn: size too large");
  CHECK_THROWS(ValueError, empty({int64_t(1) << 62}), "empty: size too large");
  CHECK_THROWS(OutOfMemory, empty({int64_t(1) << 60}), "4611686018427387904 bytes");
  CHECK_THROWS(ValueError, zeros({0, int64_t(1) << 40, int64_t(1) << 40}), "zeros: size too large");
  CHECK_THROWS(ValueError, zeros({0}).reshape({big, big}), "reshape: size too large");
  CHECK_THROWS(ValueError, ones({1}).expand({big, big}), "expand: size too large");
  CHECK_THROWS(ValueError, arange(Scalar(int64_t(0)), Scalar(int64_t(1) << 62), Scalar(int64_t(1))),
               "arange: size too large");
  CHECK_THROWS(ValueError, linspace(0.0, 1.0, int64_t(1) << 62), "linspace: size too large");
  CHECK_THROWS(ValueError, eye(big), "eye: size too large");
  Tensor wide = ones({1}).expand({int64_t(1) << 62});
  CHECK(wide.numel() == int64_t(1) << 62);
  CHECK_THROWS(ValueError, cat({wide, wide}), "cat: size too large");
  // A geometry past the end of its storage is refused whichever op computed it.
  float buffer[4] = {};
  CHECK_THROWS(ValueError, from_blob(buffer, {5}, {1}, DType::Float32, Device(), nullptr, nullptr, sizeof(buffer)),
               "but the storage holds 16 bytes");
  CHECK_THROWS(ValueError, from_blob(buffer, {2}, {4}, DType::Float32, Device(), nullptr, nullptr, sizeof(buffer)),
               "reach elements 0 to 4");
  CHECK(from_blob(buffer, {2, 2}, {1, 2}, DType::Float32, Device(), nullptr, nullptr, sizeof(buffer)).numel() == 4);
}

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
  {  // A zero-size view with an offset into a storage of no bytes has no address (atheris found
     // sum() of one computing null + 8: undefined behavior, reported by UBSan).
    Tensor empty_rows = zeros({0, 4}).select(1, 2);
    CHECK(empty_rows.numel() == 0 && empty_rows.storage_offset() == 2);
    CHECK(empty_rows.data_ptr() == nullptr);
    CHECK(sum(empty_rows, {0}, false).item<float>() == 0.0f);
  }
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
  check_size_overflow();
  return report("test_tensor");
}
