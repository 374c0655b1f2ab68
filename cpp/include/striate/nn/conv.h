// The convolution layers: Conv1d, Conv2d (with LeNet-5's connection tables), Conv3d,
// ConvTranspose2d and LocallyConnected2d. Weights start as PyTorch's do: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
//   striate::nn::Conv2d conv(striate::nn::Conv2dOptions(1, 6, 5).padding(2));
//   striate::nn::ConvTranspose2d up(striate::nn::ConvTranspose2dOptions(8, 4, 2).stride(2));
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "striate/nn/module.h"
#include "striate/ops/conv.h"
#include "striate/ops/options.h"

namespace striate::nn {

class BatchNormImpl;
struct FoldedConvBnCache;  // nn/fusion.cpp

// ---- Conv1d -----------------------------------------------------------------------------------

// Channels, kernel and bias, plus the functional options of striate::conv1d (`functional()`).
struct Conv1dOptions {
  Conv1dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  STRIATE_ARG(int64_t, in_channels);
  STRIATE_ARG(int64_t, out_channels);
  STRIATE_ARG(int64_t, kernel_size);
  STRIATE_ARG(bool, bias) = true;
  STRIATE_ARG(striate::Conv1dOptions, functional);

 public:
  Conv1dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  Conv1dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  Conv1dOptions& padding(const std::string& mode) {
    functional_.padding(mode);
    return *this;
  }
  Conv1dOptions& padding_sides(const IntPair& left_right) {
    functional_.padding_sides(left_right);
    return *this;
  }
  Conv1dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  Conv1dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

// Cross-correlation over (N, C, L); weight (K, C / groups, S), bias (K).
class Conv1dImpl : public Module {
 public:
  Conv1dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv1dImpl(Conv1dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv1dImpl(const Conv1dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  Conv1dOptions options;
  Tensor weight;
  Tensor bias;  // undefined when options.bias() is false
};
STRIATE_MODULE(Conv1d);

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
  STRIATE_ARG(IntPair, stride) = { 1, 1 };
  STRIATE_ARG(IntPair, padding) = { 0, 0 };  // used when padding_mode is Explicit
  STRIATE_ARG(PaddingMode, padding_mode) = PaddingMode::Explicit;
  STRIATE_ARG(IntPair, dilation) = { 1, 1 };
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
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  Conv2dOptions options;
  Tensor weight;
  Tensor bias;             // undefined when options.bias() is false
  Tensor connection_mask;  // (K, C, 1, 1) 0/1 in the weight's dtype, or undefined; a non-persistent buffer
  // The options conv2d runs with (stride, resolved padding, dilation, groups).
  const striate::Conv2dOptions& functional_options() const { return functional_options_; }

 private:
  friend std::optional<Tensor> fused_conv_bn(Conv2dImpl&, BatchNormImpl&, bool, const Tensor&);
  striate::Conv2dOptions functional_options_;
  std::shared_ptr<FoldedConvBnCache> folded_bn_;  // nn/fusion.h: weights with a BatchNorm folded in
};
STRIATE_MODULE(Conv2d);

// ---- Conv3d -----------------------------------------------------------------------------------

struct Conv3dOptions {
  Conv3dOptions(int64_t in_channels, int64_t out_channels, IntTriple kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  Conv3dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dOptions(in_channels, out_channels, IntTriple{kernel_size, kernel_size, kernel_size}) {}
  STRIATE_ARG(int64_t, in_channels);
  STRIATE_ARG(int64_t, out_channels);
  STRIATE_ARG(IntTriple, kernel_size);
  STRIATE_ARG(bool, bias) = true;
  STRIATE_ARG(striate::Conv3dOptions, functional);

 public:
  Conv3dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  Conv3dOptions& stride(const IntTriple& s) {
    functional_.stride(s);
    return *this;
  }
  Conv3dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  Conv3dOptions& padding(const IntTriple& p) {
    functional_.padding(p);
    return *this;
  }
  Conv3dOptions& padding(const std::string& mode) {
    functional_.padding(mode);
    return *this;
  }
  // (front, back, top, bottom, left, right)
  Conv3dOptions& padding_sides(const IntSextet& p) {
    functional_.padding_sides(p);
    return *this;
  }
  Conv3dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  Conv3dOptions& dilation(const IntTriple& d) {
    functional_.dilation(d);
    return *this;
  }
  Conv3dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

// Cross-correlation over (N, C, D, H, W); weight (K, C / groups, U, R, S), bias (K).
class Conv3dImpl : public Module {
 public:
  Conv3dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : Conv3dImpl(Conv3dOptions(in_channels, out_channels, kernel_size)) {}
  explicit Conv3dImpl(const Conv3dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  Conv3dOptions options;
  Tensor weight;
  Tensor bias;
};
STRIATE_MODULE(Conv3d);

// ---- ConvTranspose2d -------------------------------------------------------------------------

struct ConvTranspose2dOptions {
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  ConvTranspose2dOptions(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dOptions(in_channels, out_channels, IntPair{kernel_size, kernel_size}) {}
  STRIATE_ARG(int64_t, in_channels);
  STRIATE_ARG(int64_t, out_channels);
  STRIATE_ARG(IntPair, kernel_size);
  STRIATE_ARG(bool, bias) = true;
  STRIATE_ARG(striate::ConvTranspose2dOptions, functional);

 public:
  ConvTranspose2dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  ConvTranspose2dOptions& stride(const IntPair& s) {
    functional_.stride(s);
    return *this;
  }
  ConvTranspose2dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  ConvTranspose2dOptions& padding(const IntPair& p) {
    functional_.padding(p);
    return *this;
  }
  ConvTranspose2dOptions& output_padding(int64_t p) {
    functional_.output_padding(p);
    return *this;
  }
  ConvTranspose2dOptions& output_padding(const IntPair& p) {
    functional_.output_padding(p);
    return *this;
  }
  ConvTranspose2dOptions& dilation(int64_t d) {
    functional_.dilation(d);
    return *this;
  }
  ConvTranspose2dOptions& dilation(const IntPair& d) {
    functional_.dilation(d);
    return *this;
  }
  ConvTranspose2dOptions& groups(int64_t g) {
    functional_.groups(g);
    return *this;
  }
};

// The adjoint of Conv2d (learned upsampling); weight (C_in, C_out / groups, R, S), bias (C_out).
class ConvTranspose2dImpl : public Module {
 public:
  ConvTranspose2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size)
      : ConvTranspose2dImpl(ConvTranspose2dOptions(in_channels, out_channels, kernel_size)) {}
  explicit ConvTranspose2dImpl(const ConvTranspose2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  ConvTranspose2dOptions options;
  Tensor weight;
  Tensor bias;
};
STRIATE_MODULE(ConvTranspose2d);

// ---- LocallyConnected2d ------------------------------------------------------------------------

struct LocallyConnected2dOptions {
  LocallyConnected2dOptions(int64_t in_channels, int64_t out_channels, IntPair in_size, IntPair kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), in_size_(in_size), kernel_size_(kernel_size) {}
  STRIATE_ARG(int64_t, in_channels);
  STRIATE_ARG(int64_t, out_channels);
  STRIATE_ARG(IntPair, in_size);  // (H, W): unshared weights fix the input size
  STRIATE_ARG(IntPair, kernel_size);
  STRIATE_ARG(bool, bias) = true;
  STRIATE_ARG(striate::LocallyConnected2dOptions, functional);

 public:
  LocallyConnected2dOptions& stride(int64_t s) {
    functional_.stride(s);
    return *this;
  }
  LocallyConnected2dOptions& stride(const IntPair& s) {
    functional_.stride(s);
    return *this;
  }
  LocallyConnected2dOptions& padding(int64_t p) {
    functional_.padding(p);
    return *this;
  }
  LocallyConnected2dOptions& padding(const IntPair& p) {
    functional_.padding(p);
    return *this;
  }
};

// A convolution without weight sharing: output position (p, q) has its own filters.
// weight (P, Q, K, C, R, S), bias (K, P, Q); both start U(-1/sqrt(C R S), 1/sqrt(C R S)).
class LocallyConnected2dImpl : public Module {
 public:
  explicit LocallyConnected2dImpl(const LocallyConnected2dOptions& options);
  Tensor forward(const Tensor& input) override;
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  LocallyConnected2dOptions options;
  IntPair output_size;  // (P, Q)
  Tensor weight;
  Tensor bias;
};
STRIATE_MODULE(LocallyConnected2d);

}  // namespace striate::nn
