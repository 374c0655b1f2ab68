// Conv2d -> BatchNorm (-> ReLU) folded into one convolution at inference, and BatchNorm (+ a
// residual) -> ReLU as one op (see nn/fusion.h).
#include "striate/nn/fusion.h"

#include <array>
#include <cmath>
#include <mutex>
#include <typeinfo>

#include "striate/autograd.h"
#include "striate/nn/activation.h"
#include "striate/nn/call_observer.h"
#include "striate/nn/conv.h"
#include "striate/nn/linear.h"
#include "striate/nn/normalization.h"
#include "striate/nn/pooling.h"
#include "striate/ops/activation.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"
#include "striate/ops/normalization.h"
#include "striate/ops/pooling.h"

namespace striate::nn {

// What the folded weights were computed from: each tensor's storage, offset and version.
struct FoldedConvBnCache {
  // The memory a folded tensor was computed from. The storage is held, so its address cannot be
  // reused by a newer tensor (`t.data = ...`, Module.to) and mistaken for it.
  struct Source {
    std::shared_ptr<Storage> storage;
    const void* data = nullptr;
    uint32_t version = 0;
    DType dtype = DType::Float32;
    bool operator==(const Source& other) const {
      return storage == other.storage && data == other.data && version == other.version && dtype == other.dtype;
    }
  };
  using Key = std::array<Source, 6>;

  std::mutex mutex;
  bool valid = false;
  Key key;
  double eps = 0.0;
  Tensor weight, bias;
};

namespace {

Tensor local(const OrderedDict<Tensor>& items, const std::string& name) {
  const Tensor* found = items.find(name);
  return found ? *found : Tensor();
}

FoldedConvBnCache::Source source_of(const Tensor& t) {
  if (!t.defined()) return {};
  return {t.storage(), t.data_ptr(), t.storage()->version(), t.dtype()};
}

template <typename T>
void fold(T* weight, T* bias, const T* mean, const T* var, const T* gamma, const T* beta, double eps, int64_t K,
          int64_t per_filter) {
  for (int64_t k = 0; k < K; ++k) {
    const double scale = (gamma ? static_cast<double>(gamma[k]) : 1.0) / std::sqrt(static_cast<double>(var[k]) + eps);
    for (int64_t i = 0; i < per_filter; ++i)
      weight[k * per_filter + i] = static_cast<T>(static_cast<double>(weight[k * per_filter + i]) * scale);
    const double shifted = (static_cast<double>(bias[k]) - static_cast<double>(mean[k])) * scale;
    bias[k] = static_cast<T>(shifted + (beta ? static_cast<double>(beta[k]) : 0.0));
  }
}

}  // namespace

bool is_plain_relu(const Module& module) { return typeid(module) == typeid(ReLUImpl) && !module.has_hooks(); }

std::optional<std::pair<Tensor, Tensor>> folded_conv_bn_parameters(Conv2dImpl& conv, BatchNormImpl& bn, DType dtype) {
  if (!inference_mode_enabled() || conv.is_training() || bn.is_training()) return std::nullopt;
  // Only the built-in classes: a Python subclass may override forward.
  if (typeid(conv) != typeid(Conv2dImpl) || typeid(bn) != typeid(BatchNorm2dImpl)) return std::nullopt;
  if (conv.has_hooks() || bn.has_hooks()) return std::nullopt;  // their hooks must run
  if (conv.connection_mask.defined()) return std::nullopt;
  const Tensor mean = local(bn.local_buffers(), "running_mean");
  const Tensor var = local(bn.local_buffers(), "running_var");
  const Tensor gamma = local(bn.local_parameters(), "weight");
  const Tensor beta = local(bn.local_parameters(), "bias");
  const Tensor& weight = conv.weight;
  const int64_t K = weight.defined() && weight.dim() == 4 ? weight.size(0) : -1;
  if (!mean.defined() || !var.defined() || bn.options.num_features() != K) return std::nullopt;
  if ((dtype != DType::Float32 && dtype != DType::Float64) || weight.dtype() != dtype) return std::nullopt;
  const Tensor& bias = conv.bias;
  for (const Tensor* t : {&mean, &var, &gamma, &beta, &bias}) {
    if (!t->defined()) continue;
    if (t->dtype() != dtype || t->numel() != K || t->device() != weight.device()) return std::nullopt;
  }
  if (!weight.device().is_cpu()) return std::nullopt;

  if (!conv.folded_bn_) conv.folded_bn_ = std::make_shared<FoldedConvBnCache>();
  FoldedConvBnCache& cache = *conv.folded_bn_;
  const FoldedConvBnCache::Key key = {source_of(weight), source_of(conv.bias), source_of(mean),
                                      source_of(var),    source_of(gamma),     source_of(beta)};
  const double eps = bn.options.eps();
  Tensor folded_weight, folded_bias;
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (!cache.valid || !(cache.key == key) || cache.eps != eps) {
      Tensor w = weight.detach().contiguous().clone();
      Tensor b = conv.bias.defined() ? conv.bias.detach().contiguous().clone() : zeros({K}, TensorOptions(dtype));
      const Tensor m = mean.contiguous(), v = var.contiguous();
      const Tensor g = gamma.defined() ? gamma.detach().contiguous() : Tensor();
      const Tensor be = beta.defined() ? beta.detach().contiguous() : Tensor();
      const int64_t per_filter = w.numel() / K;
      if (dtype == DType::Float32)
        fold(w.data<float>(), b.data<float>(), m.data<float>(), v.data<float>(),
             g.defined() ? g.data<float>() : nullptr, be.defined() ? be.data<float>() : nullptr, eps, K, per_filter);
      else
        fold(w.data<double>(), b.data<double>(), m.data<double>(), v.data<double>(),
             g.defined() ? g.data<double>() : nullptr, be.defined() ? be.data<double>() : nullptr, eps, K, per_filter);
      cache.weight = w;
      cache.bias = b;
      cache.key = key;
      cache.eps = eps;
      cache.valid = true;
    }
    folded_weight = cache.weight;
    folded_bias = cache.bias;
  }
  return std::make_pair(folded_weight, folded_bias);
}

std::optional<Tensor> fused_conv_bn(Conv2dImpl& conv, BatchNormImpl& bn, bool relu, const Tensor& input) {
  if (!input.defined() || input.dim() != 4) return std::nullopt;
  auto folded = folded_conv_bn_parameters(conv, bn, input.dtype());
  if (!folded) return std::nullopt;
  const auto& [folded_weight, folded_bias] = *folded;
  CallScope scope(conv, input);
  Tensor output = relu ? conv2d_relu(input, folded_weight, folded_bias, conv.functional_options())
                       : conv2d(input, folded_weight, folded_bias, conv.functional_options());
  return scope.finish(output);
}

namespace {

// Conv2d -> ReLU runs as conv2d_relu (and, with a max pool after it, conv2d_relu_max_pool2d):
// inference mode, the built-in classes without hooks or a connection mask, and a floating-point
// 4-D input on the CPU with parameters of its dtype there.
bool conv_relu_fusible(const Conv2dImpl& conv, const Module& relu, const Tensor& input) {
  if (!inference_mode_enabled() || conv.is_training() || typeid(conv) != typeid(Conv2dImpl) || conv.has_hooks() ||
      !is_plain_relu(relu))
    return false;
  if (conv.connection_mask.defined() || !input.defined() || input.dim() != 4) return false;
  const Tensor& weight = conv.weight;
  const DType dtype = input.dtype();
  if ((dtype != DType::Float32 && dtype != DType::Float64) || !weight.defined() || weight.dtype() != dtype)
    return false;
  if (!input.device().is_cpu() || !weight.device().is_cpu()) return false;
  return !conv.bias.defined() || (conv.bias.dtype() == dtype && conv.bias.device().is_cpu());
}

std::optional<Tensor> bias_of(const Conv2dImpl& conv) {
  return conv.bias.defined() ? std::optional<Tensor>(conv.bias) : std::nullopt;
}

}  // namespace

std::optional<Tensor> fused_conv_relu(Conv2dImpl& conv, Module& relu, const Tensor& input) {
  if (!conv_relu_fusible(conv, relu, input)) return std::nullopt;
  Tensor output;
  {
    CallScope scope(conv, input);
    output = scope.finish(conv2d_relu(input, conv.weight, bias_of(conv), conv.functional_options()));
  }
  CallScope scope(relu, output);
  return scope.finish(output);
}

std::optional<Tensor> fused_conv_relu_max_pool(Conv2dImpl& conv, Module& relu, Module& pool, const Tensor& input) {
  // conv2d_relu_max_pool2d itself falls back to the separate ops for windows its kernel lacks.
  if (call_observer() != nullptr || typeid(pool) != typeid(MaxPool2dImpl) || pool.has_hooks() ||
      static_cast<const MaxPool2dImpl&>(pool).return_indices || !conv_relu_fusible(conv, relu, input))
    return std::nullopt;
  const Pool2dOptions& options = static_cast<const MaxPool2dImpl&>(pool).options;
  Tensor output;
  {
    CallScope scope(conv, input);
    output =
        scope.finish(conv2d_relu_max_pool2d(input, conv.weight, bias_of(conv), conv.functional_options(), options));
  }
  {
    CallScope scope(relu, output);
    scope.finish(output);
  }
  CallScope scope(pool, output);
  return scope.finish(output);
}

std::optional<Tensor> fused_linear_relu(LinearImpl& linear, Module& relu, const Tensor& input) {
  if (!inference_mode_enabled() || typeid(linear) != typeid(LinearImpl) || linear.has_hooks() || !is_plain_relu(relu))
    return std::nullopt;
  Tensor output;
  {
    CallScope scope(linear, input);
    output = linear.forward(input);
    scope.finish(output);
  }
  // Inference mode records no graph and the output is the layer's own fresh tensor: in place is safe.
  relu_(output);
  CallScope scope(relu, output);
  return scope.finish(output);
}

namespace {

bool fusable_bn_relu(const BatchNormImpl& bn, const Module* relu, const Tensor& input) {
  const std::type_info& type = typeid(bn);
  const bool builtin =
      type == typeid(BatchNorm1dImpl) || type == typeid(BatchNorm2dImpl) || type == typeid(BatchNorm3dImpl);
  return builtin && !bn.has_hooks() && (!relu || is_plain_relu(*relu)) && input.defined();
}

}  // namespace

std::optional<Tensor> fused_bn_add_relu(BatchNormImpl& bn, Module* relu, const Tensor& input, const Tensor& residual) {
  if (!fusable_bn_relu(bn, relu, input) || !residual.defined()) return std::nullopt;
  if (residual.sizes() != input.sizes() || residual.dtype() != input.dtype() || residual.device() != input.device())
    return std::nullopt;
  Tensor output;
  {
    CallScope scope(bn, input);
    output = scope.finish(bn.forward_add_relu(input, residual));
  }
  if (!relu) return output;
  CallScope scope(*relu, output);
  return scope.finish(output);
}

std::optional<Tensor> fused_bn_relu(BatchNormImpl& bn, Module* relu, const Tensor& input) {
  if (!fusable_bn_relu(bn, relu, input)) return std::nullopt;
  Tensor output;
  {
    CallScope scope(bn, input);
    output = scope.finish(bn.forward_relu(input));
  }
  if (!relu) return output;
  CallScope scope(*relu, output);
  return scope.finish(output);
}

}  // namespace striate::nn
