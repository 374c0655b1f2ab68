// The built-in layers, each once, in C++ (Python binds these same classes): Linear, Conv2d,
// MaxPool2d, AvgPool2d, ReLU, Sigmoid, Tanh, Flatten, Identity. Weights start as PyTorch's do:
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias.
//   striate::nn::Conv2d conv(striate::nn::Conv2dOptions(1, 6, 5).padding(2));
//   striate::nn::Linear fc(120, 84);
#pragma once
#include <array>
#include <optional>
#include <string>
#include <tuple>

#include "striate/nn/module.h"
#include "striate/ops/conv.h"
#include "striate/ops/options.h"
#include "striate/ops/pool.h"

namespace striate::nn {

// ---- Linear -------------------------------------------------------------------------

struct LinearOptions {
  LinearOptions(int64_t in_features, int64_t out_features) : in_features_(in_features), out_features_(out_features) {}
  STRIATE_ARG(int64_t, in_features);
  STRIATE_ARG(int64_t, out_features);
  STRIATE_ARG(bool, bias) = true;
};

// y = x W^T + b; weight (out_features, in_features), bias (out_features).
class LinearImpl : public Module {
 public:
  LinearImpl(int64_t in_features, int64_t out_features) : LinearImpl(LinearOptions(in_features, out_features)) {}
  explicit LinearImpl(const LinearOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  // Draws fresh weights from the default generator, as the constructor does.
  void reset_parameters();

  LinearOptions options;
  Tensor weight;
  Tensor bias;  // undefined when options.bias() is false
};
STRIATE_MODULE(Linear);

// ---- Conv2d --------------------------------------------------------------------------

// The layer's options: channels and kernel plus the functional options of striate::conv2d.
struct Conv2dOptions {
  Conv2dOptions(int64_t in_channels, int64_t out_channels, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  Conv2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dOptions(in_channels, out_channels, IntPair{kernel_size, kernel_size}) {}
  STRIATE_ARG(int64_t, in_channels);
  STRIATE_ARG(int64_t, out_channels);
  STRIATE_ARG(IntPair, kernel_size);
  STRIATE_ARG(IntPair, stride) = {1, 1};
  STRIATE_ARG(IntPair, padding) = {0, 0};  // used when padding_mode is Explicit
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(IntPair, dilation) = {1, 1};
  STRIATE_ARG(int64_t, groups) = 1;
  STRIATE_ARG(bool, bias) = true;
  // Per-side (top, bottom, left, right) padding; when set it wins over `padding`.
  STRIATE_ARG(std::optional<IntQuad>, padding_sides);
  // LeNet-5's sparse connections: a (out_channels, in_channels) table, nonzero where output map
  // k reads input map c (groups must be 1). Undefined: every map reads every map.
  STRIATE_ARG(Tensor, connection_table);

 public:
  Conv2dOptions& stride(int64_t s) { return stride(IntPair{s, s}); }
  Conv2dOptions& padding(int64_t p) { return padding(IntPair{p, p}); }
  Conv2dOptions& dilation(int64_t d) { return dilation(IntPair{d, d}); }
  // "same", "valid" or "full"; anything else raises ValueError.
  Conv2dOptions& padding(const std::string& mode);
  // The options striate::conv2d takes.
  striate::Conv2dOptions functional() const;
};

// Cross-correlation over (N, C, H, W); weight (K, C / groups, R, S), bias (K). With a
// connection table the forward uses weight * mask, so masked weights get exactly zero gradient.
class Conv2dImpl : public Module {
 public:
  Conv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv2dImpl(Conv2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv2dImpl(const Conv2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  void reset_parameters();

  Conv2dOptions options;
  Tensor weight;
  Tensor bias;             // undefined when options.bias() is false
  Tensor connection_mask;  // (K, C, 1, 1) 0/1 in the weight's dtype, or undefined; a non-persistent buffer

 private:
  striate::Conv2dOptions functional_options_;
};
STRIATE_MODULE(Conv2d);

// ---- pooling ----------------------------------------------------------------------------

using MaxPool2dOptions = Pool2dOptions;
using AvgPool2dOptions = Pool2dOptions;

// return_indices is PyTorch's module flag, read by the Python binding's forward; from C++ call
// forward_with_indices for (output, flat h * W + w indices).
class MaxPool2dImpl : public Module {
 public:
  explicit MaxPool2dImpl(const MaxPool2dOptions& options, bool return_indices = false);
  Tensor forward(const Tensor& input) override;
  std::tuple<Tensor, Tensor> forward_with_indices(const Tensor& input);
  std::string extra_repr() const override;
  MaxPool2dOptions options;
  bool return_indices;
};
STRIATE_MODULE(MaxPool2d);

class AvgPool2dImpl : public Module {
 public:
  explicit AvgPool2dImpl(const AvgPool2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  AvgPool2dOptions options;
};
STRIATE_MODULE(AvgPool2d);

// ---- activations and reshaping --------------------------------------------------------------

class ReLUImpl : public Module {
 public:
  // inplace overwrites the input, as torch.nn.ReLU(inplace=True).
  explicit ReLUImpl(bool inplace = false) : Module("ReLU"), inplace(inplace) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override { return inplace ? "inplace=True" : ""; }
  bool inplace;
};
STRIATE_MODULE(ReLU);

class SigmoidImpl : public Module {
 public:
  SigmoidImpl() : Module("Sigmoid") {}
  Tensor forward(const Tensor& input) override;
};
STRIATE_MODULE(Sigmoid);

class TanhImpl : public Module {
 public:
  TanhImpl() : Module("Tanh") {}
  Tensor forward(const Tensor& input) override;
};
STRIATE_MODULE(Tanh);

// Flattens dims start_dim..end_dim into one (the batch dim stays by default).
class FlattenImpl : public Module {
 public:
  explicit FlattenImpl(int64_t start_dim = 1, int64_t end_dim = -1)
      : Module("Flatten"), start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& input) override;
  std::string extra_repr() const override;
  int64_t start_dim;
  int64_t end_dim;
};
STRIATE_MODULE(Flatten);

class IdentityImpl : public Module {
 public:
  IdentityImpl() : Module("Identity") {}
  Tensor forward(const Tensor& input) override { return input; }
};
STRIATE_MODULE(Identity);

}  // namespace striate::nn
