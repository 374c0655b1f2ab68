// SGD with PyTorch's update rule (torch.optim.SGD), per parameter p with gradient g:
//   g = g + weight_decay * p                                   (when weight_decay != 0)
//   buf = g on the first step, else buf = momentum * buf + (1 - dampening) * g
//   g = g + momentum * buf  (nesterov)   or   g = buf          (when momentum != 0)
//   p = p - lr * g
// momentum_form "velocity" (the notes' form) keeps v = -lr * buf instead:
//   v = -lr * g on the first step, else v = momentum * v - lr * (1 - dampening) * g
//   p = p + momentum * v - lr * g  (nesterov)   or   p = p + v
// For a constant lr both forms give the same trajectory. When lr changes, "torch" rescales the
// whole accumulated buffer at once, while "velocity" applies the new lr to new gradients only.
// The torch form runs as one fused pass over all the group's parameters (kernels/optimizer.h),
// with the same bits as the op-by-op update below, which serves the velocity form and the
// parameters the fused kernel cannot take (strided, on a device without the kernel).
#include "striate/optim/sgd.h"

#include <type_traits>
#include <vector>

#include "kernels/optimizer.h"
#include "ops/reduced_precision.h"
#include "optim/fused_update.h"
#include "optim/state_tensors.h"
#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

SGD::SGD(std::vector<OptimizerParamGroup> param_groups, const SGDOptions& defaults)
    : Optimizer(std::move(param_groups), std::make_unique<SGDOptions>(defaults)) {
  check_options(*defaults_);
  for (const auto& group : param_groups_) check_options(group.options());
}

void SGD::check_options(const OptimizerOptions& base_options) const {
  const auto* options = dynamic_cast<const SGDOptions*>(&base_options);
  STRIATE_CHECK_TYPE(options != nullptr, "SGD: expected SGDOptions for a parameter group");
  STRIATE_CHECK(options->lr() >= 0, "SGD: invalid learning rate: expected lr >= 0, got ", options->lr());
  STRIATE_CHECK(options->momentum() >= 0, "SGD: invalid momentum value: expected momentum >= 0, got ",
                options->momentum());
  STRIATE_CHECK(options->weight_decay() >= 0, "SGD: invalid weight_decay value: expected weight_decay >= 0, got ",
                options->weight_decay());
  STRIATE_CHECK(!options->nesterov() || (options->momentum() > 0 && options->dampening() == 0),
                "SGD: nesterov momentum requires a momentum and zero dampening, got momentum=", options->momentum(),
                ", dampening=", options->dampening());
  STRIATE_CHECK(options->momentum_form() == "torch" || options->momentum_form() == "velocity",
                "SGD: invalid momentum_form: expected 'torch' or 'velocity', got '", options->momentum_form(), "'");
}

namespace {

// PyTorch's form: the buffer accumulates gradients, lr multiplies it at each step.
void torch_momentum_step(Tensor& param, Tensor update, SGDParamState& state, const SGDOptions& options) {
  if (!state.momentum_buffer.defined() && state.velocity.defined()) {
    // The group switched forms: buf = -v / lr (a zero lr leaves no way back, so restart).
    if (options.lr() != 0) state.momentum_buffer = mul(state.velocity, -1.0 / options.lr());
    state.velocity = Tensor();
  }
  if (!state.momentum_buffer.defined()) {
    state.momentum_buffer = update.clone();
  } else {
    state.momentum_buffer.mul_(options.momentum());
    state.momentum_buffer.add_(update, 1.0 - options.dampening());
  }
  const Tensor& buffer = state.momentum_buffer;
  update = options.nesterov() ? add(update, buffer, options.momentum()) : buffer;
  param.add_(update, -options.lr());
}

// The notes' form: the velocity accumulates lr-scaled gradients and is added to p.
void velocity_momentum_step(Tensor& param, const Tensor& update, SGDParamState& state, const SGDOptions& options) {
  if (!state.velocity.defined() && state.momentum_buffer.defined()) {
    state.velocity = mul(state.momentum_buffer, -options.lr());
    state.momentum_buffer = Tensor();
  }
  if (!state.velocity.defined()) {
    state.velocity = mul(update, -options.lr());
  } else {
    state.velocity.mul_(options.momentum());
    state.velocity.add_(update, -options.lr() * (1.0 - options.dampening()));
  }
  if (options.nesterov()) {
    param.add_(state.velocity, options.momentum());
    param.add_(update, -options.lr());
  } else {
    param.add_(state.velocity);
  }
}

// The scalars of the fused update, rounded to T as the op-by-op update rounds its Scalars (float32
// for float16/bfloat16 parameters, whose update computes in float32).
template <typename T>
kernels::SgdScalars<T> sgd_scalars(const SGDOptions& options) {
  kernels::SgdScalars<T> s;
  s.weight_decay = static_cast<T>(options.weight_decay());
  s.momentum = static_cast<T>(options.momentum());
  s.dampening_complement = static_cast<T>(1.0 - options.dampening());
  s.negative_lr = static_cast<T>(-options.lr());
  s.has_weight_decay = options.weight_decay() != 0;
  s.has_momentum = options.momentum() != 0;
  s.nesterov = options.nesterov();
  s.maximize = options.maximize();
  return s;
}

// Whether the fused kernel takes this parameter: a floating parameter and gradient of one dtype,
// shape and device, both contiguous, on a device with the kernel, and no velocity-form state.
bool fusable(const Tensor& param, const SGDParamState* state) {
  const Tensor& grad = param.grad();
  if (!param.is_floating_point() || grad.dtype() != param.dtype() || grad.device() != param.device()) return false;
  if (grad.sizes() != param.sizes() || !param.is_contiguous() || !grad.is_contiguous()) return false;
  const bool on_device = STRIATE_DISPATCH_FLOATING_AND_REDUCED(
      param.dtype(), "SGD.step", [&] { return kernels::sgd_update<scalar_t>.implemented_on(param.device().type); });
  if (!on_device || state == nullptr) return on_device;
  if (state->velocity.defined()) return false;
  return !state->momentum_buffer.defined() || state->momentum_buffer.is_contiguous();
}

}  // namespace

void SGD::step() {
  NoGradGuard no_grad;
  for (auto& group : param_groups_) {
    check_options(group.options());
    const auto& options = static_cast<const SGDOptions&>(group.options());
    detail::FusedBatch<kernels::SgdTensor> fused;
    for (auto& param : group.params()) {
      if (!param.grad().defined()) continue;
      auto* existing = static_cast<SGDParamState*>(state(param));
      if (options.momentum_form() == "torch" && fusable(param, existing) &&
          fused.takes(param.dtype(), param.device())) {
        Tensor buffer;
        bool first = false;
        if (options.momentum() != 0) {
          if (existing == nullptr) {
            auto fresh = std::make_unique<SGDParamState>();
            existing = fresh.get();
            set_state(param, std::move(fresh));
          }
          if (!existing->momentum_buffer.defined()) {
            existing->momentum_buffer = empty(param.sizes(), options_of(param));
            first = true;
          }
          buffer = existing->momentum_buffer;
        }
        STRIATE_DISPATCH_FLOATING_AND_REDUCED(param.dtype(), "SGD.step", [&] {
          kernels::SgdTensor<scalar_t> entry{param.data<scalar_t>(), param.grad().data<scalar_t>(),
                                             buffer.defined() ? buffer.data<scalar_t>() : nullptr, param.numel(),
                                             first};
          fused.add(entry, param.device());
        });
        param.bump_version();
        continue;
      }
      Tensor update = options.maximize() ? neg(param.grad()) : param.grad();
      if (options.weight_decay() != 0) update = add(update, param, options.weight_decay());
      if (options.momentum() == 0) {
        param.add_(update, -options.lr());
      } else {
        auto* param_state = static_cast<SGDParamState*>(state(param));
        if (param_state == nullptr) {
          auto fresh = std::make_unique<SGDParamState>();
          param_state = fresh.get();
          set_state(param, std::move(fresh));
        }
        if (options.momentum_form() == "velocity") {
          velocity_momentum_step(param, update, *param_state, options);
        } else {
          torch_momentum_step(param, update, *param_state, options);
        }
      }
      param.bump_version();
    }
    fused.launch([&](const auto& part) {
      using T = typename std::decay_t<decltype(part)>::type;
      kernels::sgd_update<T>(part.device, part.entries.data(), part.size(), sgd_scalars<kernels::opmath_t<T>>(options));
    });
  }
}

void SGD::load_param_state(const Tensor& param, const detail::NamedTensors& tensors) {
  auto fresh = std::make_unique<SGDParamState>();
  fresh->momentum_buffer = detail::load_buffer(tensors, "momentum_buffer", param, "SGD", false);
  fresh->velocity = detail::load_buffer(tensors, "velocity", param, "SGD", false);
  set_state(param, std::move(fresh));
}

}  // namespace striate::optim
