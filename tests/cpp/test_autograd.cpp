// C++ tests of the autograd engine: fan-out summation, leaf accumulation, no_grad, retain_graph,
// hooks and autograd::grad.
#include <striate/striate.h>

#include "check.h"

using namespace striate;

int main() {
  // y = x*x + 3x, evaluated at x = [1, 2]: dy/dx = 2x + 3
  Tensor x = tensor<float>({1.0f, 2.0f}).requires_grad_();
  Tensor y = (x * x + x * 3.0).sum();
  y.backward();
  CHECK_NEAR(x.grad().data<float>()[0], 5.0, 1e-6);
  CHECK_NEAR(x.grad().data<float>()[1], 7.0, 1e-6);

  // accumulation across backward calls
  (x * 2.0).sum().backward();
  CHECK_NEAR(x.grad().data<float>()[0], 7.0, 1e-6);

  {
    NoGradGuard guard;
    Tensor z = x * 2.0;
    CHECK(!z.requires_grad());
    CHECK(z.grad_fn() == nullptr);
  }

  Tensor w = tensor<float>({3.0f}).requires_grad_();
  Tensor loss = (w * w).sum();
  loss.backward(Tensor(), /*retain_graph=*/true);
  loss.backward();
  CHECK_NEAR(w.grad().item<float>(), 12.0, 1e-6);
  CHECK_THROWS(RuntimeError, loss.backward(), "second time");

  // hooks see and may replace the gradient
  Tensor h = tensor<float>({1.0f, 1.0f}).requires_grad_();
  float seen = 0;
  h.register_hook([&](const Tensor& g) {
    seen = g.sum().item<float>();
    return Tensor();
  });
  Tensor m = h * 4.0;
  m.register_hook([](const Tensor& g) { return g * 0.5; });
  m.sum().backward();
  CHECK_NEAR(seen, 4.0, 1e-6);

  // autograd::grad leaves .grad untouched
  Tensor u = tensor<double>({2.0}).requires_grad_();
  auto grads = autograd::grad({(u * u * u).sum()}, {}, {u}, false, false);
  CHECK_NEAR(grads[0].item<double>(), 12.0, 1e-12);
  CHECK(!u.grad().defined());

  // concat splits by ranges
  Tensor a = ones({2, 3}).requires_grad_();
  Tensor b = ones({2, 2}).requires_grad_();
  (cat({a, b}, 1) * arange(0.0, 5.0, 1.0)).sum().backward();
  CHECK_NEAR(a.grad().sum().item<float>(), 2 * (0 + 1 + 2), 1e-6);
  CHECK_NEAR(b.grad().sum().item<float>(), 2 * (3 + 4), 1e-6);
  return report("test_autograd");
}
