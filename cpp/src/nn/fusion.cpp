// Conv2d -> BatchNorm (-> ReLU) folded into one convolution at inference, and BatchNorm (+ a
// residual) -> ReLU as one op (see nn/fusion.h).
#include "striate/nn/fusion.h"

#include <array>
#include <cmath>
#include <mutex>
#include <typeinfo>

#include "kernels/conv_weight_cache.h"
#include "ops/conv_weight_cache.h"
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
  // What the CPU kernels derive from `weight` (Winograd transform, direct packing), kept between
  // calls; replaced with a new, empty one whenever the weights are refolded.
  std::shared_ptr<kernels::ConvWeightCache> derived;
  // The folded weight's version when folded: folded_conv_bn_parameters hands the tensor out, and a
  // write into it would leave `derived` stale, so any write refolds.
  uint32_t folded_version = 0;
};

// Conv2dImpl's folded cache, for the functions of this file.
struct FoldedConvBnAccess {
  static std::shared_ptr<FoldedConvBnCache>& slot(Conv2dImpl& conv) { return conv.folded_bn_; }
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

namespace {

// The folded weight and bias, and the cache of what the kernels derive from that weight.
struct FoldedParameters {
  Tensor weight, bias;
  std::shared_ptr<kernels::ConvWeightCache> derived;
};

std::optional<FoldedParameters> fold_parameters(Conv2dImpl& conv, BatchNormImpl& bn, DType dtype) {
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

  std::shared_ptr<FoldedConvBnCache>& slot = FoldedConvBnAccess::slot(conv);
  if (!slot) slot = std::make_shared<FoldedConvBnCache>();
  FoldedConvBnCache& cache = *slot;
  const FoldedConvBnCache::Key key = {source_of(weight), source_of(conv.bias), source_of(mean),
                                      source_of(var),    source_of(gamma),     source_of(beta)};
  const double eps = bn.options.eps();
  FoldedParameters folded;
  {
    std::lock_guard<std::mutex> lock(cache.mutex);
    if (!cache.valid || !(cache.key == key) || cache.eps != eps ||
        cache.weight.storage()->version() != cache.folded_version) {
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
      cache.derived = std::make_shared<kernels::ConvWeightCache>();
      cache.folded_version = w.storage()->version();
      cache.key = key;
      cache.eps = eps;
      cache.valid = true;
    }
    folded = {cache.weight, cache.bias, cache.derived};
  }
  return folded;
}

}  // namespace

std::optional<std::pair<Tensor, Tensor>> folded_conv_bn_parameters(Conv2dImpl& conv, BatchNormImpl& bn, DType dtype) {
  auto folded = fold_parameters(conv, bn, dtype);
  if (!folded) return std::nullopt;
  return std::make_pair(folded->weight, folded->bias);
}

std::optional<Tensor> fused_conv_bn(Conv2dImpl& conv, BatchNormImpl& bn, bool relu, const Tensor& input) {
  if (!input.defined() || input.dim() != 4) return std::nullopt;
  auto folded = fold_parameters(conv, bn, input.dtype());
  if (!folded) return std::nullopt;
  CallScope scope(conv, input);
  Tensor output =
      conv2d_with_weight_cache(input, folded->weight, folded->bias, conv.functional_options(), relu, *folded->derived);
  return scope.finish(output);
}

std::optional<Tensor> fused_conv_bn_add(Conv2dImpl& conv, BatchNormImpl& bn, bool relu, const Tensor& input,
                                        const Tensor& residual) {
  if (!input.defined() || input.dim() != 4 || !residual.defined() || residual.requires_grad()) return std::nullopt;
  if (residual.dtype() != input.dtype() || !residual.device().is_cpu() || !input.device().is_cpu()) return std::nullopt;
  auto folded = fold_parameters(conv, bn, input.dtype());
  if (!folded) return std::nullopt;
  if (residual.sizes() !=
      conv2d_output_shape(input.sizes(), folded->weight.sizes(), conv.functional_options(), "conv2d"))
    return std::nullopt;
  CallScope scope(conv, input);
  Tensor output = conv2d_add_with_weight_cache(input, folded->weight, folded->bias, conv.functional_options(), residual,
                                               relu, *folded->derived);
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
