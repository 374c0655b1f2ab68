// Fusion of module runs. At inference a Conv2d followed by a BatchNorm (and a ReLU) runs as one convolution,
// with the normalization folded into the convolution's weight and bias,
//   scale = gamma / sqrt(running_var + eps),  W' = W * scale,  b' = (b - running_mean) * scale + beta,
// and the ReLU applied as the convolution writes its output. Blocks and Sequential call it on their
// conv -> bn (-> relu) runs; it applies inside striate::InferenceModeGuard when both modules are the
// built-in classes in eval() mode, the BatchNorm has running statistics and the Conv2d has no
// connection mask. The folded weights are cached on the Conv2d until any of the six tensors changes.
//   striate::InferenceModeGuard inference;
//   model->eval();
//   Tensor y = model(x);   // every conv -> bn -> relu in the model runs fused
#pragma once
#include <optional>
#include <utility>

#include "striate/core/tensor.h"

namespace striate::nn {

/// The base of every layer (nn/module.h).
class Module;
/// The 2-D convolution layer (nn/conv.h).
class Conv2dImpl;
/// The batch normalization layer (nn/normalization.h).
class BatchNormImpl;

/// conv -> bn (-> relu when `relu`) as one convolution, or std::nullopt when fusion does not apply
/// (the caller then runs the modules as usual). The call is reported to call observers as conv's.
/// @param conv the convolution.
/// @param bn the batch norm after it.
/// @param relu apply a ReLU as well.
/// @param input (N, C, H, W).
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_conv_bn(Conv2dImpl& conv, BatchNormImpl& bn, bool relu, const Tensor& input);

/// relu(bn(conv(input)) + residual) (no ReLU when `relu` is false) as one folded convolution that
/// adds `residual` as it writes (a residual block's tail at inference), or std::nullopt (nothing
/// run) where fused_conv_bn does not apply or `residual` is not of the output's shape, dtype and
/// device. The call is reported to call observers as conv's.
/// @param conv the convolution.
/// @param bn the batch norm after it.
/// @param relu apply a ReLU after the sum.
/// @param input (N, C, H, W).
/// @param residual (N, K, P, Q), added to the normalized output.
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_conv_bn_add(Conv2dImpl& conv, BatchNormImpl& bn, bool relu, const Tensor& input,
                                        const Tensor& residual);

/// The folded (weight, bias) of conv -> bn that fused_conv_bn convolves with (cached on conv), or
/// std::nullopt when folding does not apply for an input of `dtype`: outside
/// striate::InferenceModeGuard, either module in training mode, not the built-in class or hooked,
/// a connection mask, no running statistics, mismatched sizes or dtypes, or off the CPU.
/// @param conv the convolution.
/// @param bn the batch norm after it.
/// @param dtype the input's dtype.
/// @return (weight (K, C / groups, R, S), bias (K)), or std::nullopt.
std::optional<std::pair<Tensor, Tensor>> folded_conv_bn_parameters(Conv2dImpl& conv, BatchNormImpl& bn, DType dtype);

/// conv -> relu as one convolution writing max(0, y) (conv2d_relu) at inference, or std::nullopt
/// when it does not apply: outside striate::InferenceModeGuard, `conv` in training mode, `conv` or
/// `relu` not the built-in class or hooked, a connection mask, an input that is not 4-d
/// float32/float64 on the CPU. Call observers hear conv's call, then relu's (on the fused output).
/// @param conv the convolution.
/// @param relu the ReLU module after it.
/// @param input (N, C, H, W).
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_conv_relu(Conv2dImpl& conv, Module& relu, const Tensor& input);

/// conv -> relu -> 2x2 stride-2 max pooling as one op (conv2d_relu_max_pool2d: the activation
/// before pooling is never written) at inference, or std::nullopt when it does not apply: where
/// fused_conv_relu does not, `pool` not the built-in MaxPool2d or hooked or returning indices or
/// not a 2x2 stride-2 window without padding or dilation, or a call observer installed (observers
/// must see each module's own output; a profile may run). The profiler hears conv's call, then
/// relu's and pool's (on the pooled output).
/// @param conv the convolution.
/// @param relu the ReLU module after it.
/// @param pool the MaxPool2d module after the ReLU.
/// @param input (N, C, H, W).
/// @return the fused, pooled output, or std::nullopt.
std::optional<Tensor> fused_conv_relu_max_pool(Conv2dImpl& conv, Module& relu, Module& pool, const Tensor& input);

/// The linear layer (nn/linear.h).
class LinearImpl;

/// linear -> relu at inference: the ReLU runs in place on the linear layer's fresh output (no
/// second tensor, no second module dispatch), or std::nullopt when it does not apply: outside
/// striate::InferenceModeGuard, `linear` or `relu` not the built-in class or hooked. Call observers
/// hear linear's call, then relu's (on the fused output).
/// @param linear the linear layer.
/// @param relu the ReLU module after it.
/// @param input (*, in_features).
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_linear_relu(LinearImpl& linear, Module& relu, const Tensor& input);

/// bn -> relu as one op (batch_norm_relu: a pass over memory saved forward and backward), in
/// training and evaluation alike, or std::nullopt when it does not apply: `bn` or `relu` is not a
/// built-in class or has hooks. `relu` null stands for the relu function (no module). Call
/// observers hear bn's call, then relu's (on the fused output).
/// @param bn the batch norm.
/// @param relu the ReLU module after it, or nullptr for the function.
/// @param input the batch norm's input.
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_bn_relu(BatchNormImpl& bn, Module* relu, const Tensor& input);

/// relu(bn(input) + residual) as one op (batch_norm_add_relu: the tail of a residual block, one
/// pass over memory forward and one backward), in training and evaluation alike, or std::nullopt
/// when it does not apply: as fused_bn_relu, and when residual does not have the input's shape,
/// dtype and device. Call observers hear bn's call, then relu's (both on the fused output).
/// @param bn the batch norm.
/// @param relu the ReLU module after the sum, or nullptr for the function.
/// @param input the batch norm's input.
/// @param residual the tensor added to bn's output (the shortcut).
/// @return the fused output, or std::nullopt.
std::optional<Tensor> fused_bn_add_relu(BatchNormImpl& bn, Module* relu, const Tensor& input, const Tensor& residual);

/// Whether `module` is a built-in ReLU (not a subclass that overrides its forward).
/// @param module the module.
/// @return the flag.
bool is_plain_relu(const Module& module);

}  // namespace striate::nn
