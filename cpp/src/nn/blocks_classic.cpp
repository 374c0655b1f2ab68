// The classic merge blocks (Fire, Inception, MlpConv, DenseBlock, Transition, FractalBlock) and
// LeNet-5's Subsampling, built from the existing layers; see nn/blocks_classic.h.
#include "striate/nn/blocks_classic.h"

#include <algorithm>
#include <cstring>
#include <sstream>

#include "nn/dense_inference.h"
#include "striate/autograd.h"
#include "striate/core/error.h"
#include "striate/core/random.h"
#include "striate/nn/conv.h"
#include "striate/nn/dropout.h"
#include "striate/nn/fusion.h"
#include "striate/nn/init.h"
#include "striate/nn/normalization.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/dropout.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/pooling.h"
#include "striate/ops/shape_ops.h"

namespace striate::nn {

namespace {

void check_positive(int64_t value, const char* block, const char* argument) {
  STRIATE_CHECK(value > 0, block, ": expected ", argument, " to be positive, got ", value);
}

void check_feature_map(const Tensor& input, int64_t channels, const char* block) {
  STRIATE_CHECK_SHAPE(input.dim() == 4 && input.size(1) == channels, block, ": expected input of shape (N, ", channels,
                      ", H, W), got ", input.sizes());
}

// Calls the registered child `name`, read from the registry so that a replacement assigned from
// Python takes effect; a child set to None raises.
Tensor run_child(const Module& block, const char* name, const Tensor& input) {
  const auto* child = block.local_children().find(name);
  STRIATE_CHECK_STATE(child && *child, block.name(), ": the child module '", name, "' is missing");
  return (*child)->call(input);
}

std::shared_ptr<Module> conv2d(int64_t in_channels, int64_t out_channels, int64_t kernel, int64_t stride = 1,
                               int64_t padding = 0, bool bias = true) {
  return Conv2d(Conv2dOptions(in_channels, out_channels, kernel).stride(stride).padding(padding).bias(bias)).ptr();
}

}  // namespace

// ---- Subsampling ---------------------------------------------------------------------------

SubsamplingImpl::SubsamplingImpl(int64_t channels) : Module("Subsampling"), channels(channels) {
  check_positive(channels, "Subsampling", "channels");
  // LeNet-5 draws trainable weights from U(-2.4 / fan_in, 2.4 / fan_in) with fan_in = 4 inputs.
  weight = register_parameter("weight", empty({channels}));
  bias = register_parameter("bias", empty({channels}));
  init::uniform_(weight, -0.6, 0.6);
  init::uniform_(bias, -0.6, 0.6);
}

Tensor SubsamplingImpl::forward(const Tensor& input) {
  check_feature_map(input, channels, "Subsampling");
  Tensor pooled = avg_pool2d(input, Pool2dOptions(2));
  const Tensor& w = local_parameters()["weight"];
  const Tensor& b = local_parameters()["bias"];
  return sigmoid(add(mul(pooled, w.view({1, channels, 1, 1})), b.view({1, channels, 1, 1})));
}

// Pooling, a per-channel scale and a sigmoid: counted 0, as pooling and activations are.
std::optional<int64_t> SubsamplingImpl::mult_adds(const Shape&, const Shape&) const { return 0; }

std::string SubsamplingImpl::extra_repr() const { return std::to_string(channels); }

Tensor ScaledTanhImpl::forward(const Tensor& input) { return mul(striate::tanh(mul(input, slope)), amplitude); }

// ---- BasicConv2d ---------------------------------------------------------------------------

BasicConv2dImpl::BasicConv2dImpl(int64_t in_channels, int64_t out_channels, int64_t kernel_size, int64_t stride,
                                 int64_t padding)
    : Module("BasicConv2d") {
  conv = register_module("conv", conv2d(in_channels, out_channels, kernel_size, stride, padding, false));
  bn = register_module("bn", BatchNorm2d(BatchNormOptions(out_channels).eps(0.001)).ptr());
}

Tensor BasicConv2dImpl::forward(const Tensor& input) {
  Tensor y = conv->call(input);
  if (auto* norm = dynamic_cast<BatchNormImpl*>(bn.get()))
    if (auto fused = fused_bn_relu(*norm, nullptr, y)) return *fused;  // one op (nn/fusion.h)
  return relu(bn->call(y));
}

// ---- Fire ----------------------------------------------------------------------------------

FireImpl::FireImpl(int64_t in_channels, int64_t squeeze_channels, int64_t expand1x1_channels,
                   int64_t expand3x3_channels)
    : Module("Fire"),
      in_channels(in_channels),
      squeeze_channels(squeeze_channels),
      expand1x1_channels(expand1x1_channels),
      expand3x3_channels(expand3x3_channels) {
  check_positive(in_channels, "Fire", "in_channels");
  check_positive(squeeze_channels, "Fire", "squeeze_channels");
  check_positive(expand1x1_channels, "Fire", "expand1x1_channels");
  check_positive(expand3x3_channels, "Fire", "expand3x3_channels");
  register_module("squeeze", conv2d(in_channels, squeeze_channels, 1));
  register_module("squeeze_activation", ReLU());
  register_module("expand1x1", conv2d(squeeze_channels, expand1x1_channels, 1));
  register_module("expand1x1_activation", ReLU());
  register_module("expand3x3", conv2d(squeeze_channels, expand3x3_channels, 3, 1, 1));
  register_module("expand3x3_activation", ReLU());
}

Tensor FireImpl::forward(const Tensor& input) {
  check_feature_map(input, in_channels, "Fire");
  Tensor squeezed = run_child(*this, "squeeze_activation", run_child(*this, "squeeze", input));
  return cat({run_child(*this, "expand1x1_activation", run_child(*this, "expand1x1", squeezed)),
              run_child(*this, "expand3x3_activation", run_child(*this, "expand3x3", squeezed))},
             1);
}

std::string FireImpl::extra_repr() const {
  std::ostringstream text;
  text << in_channels << ", " << squeeze_channels << ", " << expand1x1_channels << ", " << expand3x3_channels;
  return text.str();
}

// ---- Inception -----------------------------------------------------------------------------

InceptionImpl::InceptionImpl(int64_t in_channels, int64_t ch1x1, int64_t ch3x3_reduce, int64_t ch3x3,
                             int64_t ch5x5_reduce, int64_t ch5x5, int64_t pool_proj)
    : Module("Inception"), out_channels_(ch1x1 + ch3x3 + ch5x5 + pool_proj) {
  for (int64_t value : {in_channels, ch1x1, ch3x3_reduce, ch3x3, ch5x5_reduce, ch5x5, pool_proj})
    check_positive(value, "Inception", "every channel count");
  register_module("branch1", BasicConv2d(in_channels, ch1x1, 1));
  register_module("branch2",
                  Sequential(BasicConv2d(in_channels, ch3x3_reduce, 1), BasicConv2d(ch3x3_reduce, ch3x3, 3, 1, 1)));
  register_module("branch3",
                  Sequential(BasicConv2d(in_channels, ch5x5_reduce, 1), BasicConv2d(ch5x5_reduce, ch5x5, 3, 1, 1)));
  register_module("branch4",
                  Sequential(MaxPool2d(Pool2dOptions(3).stride(IntPair{1, 1}).padding(IntPair{1, 1}).ceil_mode(true)),
                             BasicConv2d(in_channels, pool_proj, 1)));
}

Tensor InceptionImpl::forward(const Tensor& input) {
  STRIATE_CHECK_SHAPE(input.dim() == 4, "Inception: expected a 4-d input (N, C, H, W), got ", input.sizes());
  return cat({run_child(*this, "branch1", input), run_child(*this, "branch2", input),
              run_child(*this, "branch3", input), run_child(*this, "branch4", input)},
             1);
}

InceptionAuxImpl::InceptionAuxImpl(int64_t in_channels, int64_t num_classes, double dropout)
    : Module("InceptionAux"), dropout(dropout) {
  register_module("conv", BasicConv2d(in_channels, 128, 1));
  register_module("fc1", Linear(2048, 1024));
  register_module("fc2", Linear(1024, num_classes));
  register_module("dropout", Dropout(dropout));
}

Tensor InceptionAuxImpl::forward(const Tensor& input) {
  Tensor x = run_child(*this, "conv", adaptive_avg_pool2d(input, {4, 4})).flatten(1);
  x = relu(run_child(*this, "fc1", x));
  return run_child(*this, "fc2", run_child(*this, "dropout", x));
}

// ---- MlpConv -------------------------------------------------------------------------------

MlpConvImpl::MlpConvImpl(int64_t in_channels, const std::vector<int64_t>& channels, int64_t kernel_size, int64_t stride,
                         int64_t padding)
    : out_channels(channels.empty() ? 0 : channels.back()) {
  STRIATE_CHECK(!channels.empty(), "MlpConv: expected at least one output channel count in channels, got none");
  check_positive(in_channels, "MlpConv", "in_channels");
  int64_t previous = in_channels;
  for (size_t i = 0; i < channels.size(); ++i) {
    check_positive(channels[i], "MlpConv", "every entry of channels");
    push_back(i == 0 ? conv2d(previous, channels[i], kernel_size, stride, padding) : conv2d(previous, channels[i], 1));
    push_back(ReLU());
    previous = channels[i];
  }
}

// ---- DenseBlock ----------------------------------------------------------------------------

DenseLayerImpl::DenseLayerImpl(int64_t in_channels, int64_t growth_rate, bool bottleneck, int64_t bn_size,
                               double drop_rate)
    : Module("DenseLayer"), drop_rate(drop_rate) {
  register_module("norm1", BatchNorm2d(BatchNormOptions(in_channels)));
  register_module("relu1", ReLU());
  if (bottleneck) {
    register_module("conv1", conv2d(in_channels, bn_size * growth_rate, 1, 1, 0, false));
    register_module("norm2", BatchNorm2d(BatchNormOptions(bn_size * growth_rate)));
    register_module("relu2", ReLU());
    register_module("conv2", conv2d(bn_size * growth_rate, growth_rate, 3, 1, 1, false));
  } else {
    register_module("conv1", conv2d(in_channels, growth_rate, 3, 1, 1, false));
  }
}

namespace {

Module* child_or_null(const Module& block, const char* name) {
  const auto* child = block.local_children().find(name);
  return child && *child ? child->get() : nullptr;
}

// The registered children `norm` -> `relu` on x, as one op when they fuse (batch_norm_relu, nn/fusion.h).
Tensor norm_relu(const Module& block, const char* norm, const char* relu, const Tensor& x) {
  auto* bn = dynamic_cast<BatchNormImpl*>(child_or_null(block, norm));
  Module* activation = child_or_null(block, relu);
  if (bn && activation)
    if (auto fused = fused_bn_relu(*bn, activation, x)) return *fused;
  return run_child(block, relu, run_child(block, norm, x));
}

// The registered children `conv` -> `norm` -> `relu` on x: one convolution at inference (the batch norm folded, the
// ReLU in its epilogue), else the convolution, then the batch norm and the ReLU as one op.
Tensor conv_norm_relu(const Module& block, const char* conv, const char* norm, const char* relu, const Tensor& x) {
  auto* convolution = dynamic_cast<Conv2dImpl*>(child_or_null(block, conv));
  auto* bn = dynamic_cast<BatchNormImpl*>(child_or_null(block, norm));
  Module* activation = child_or_null(block, relu);
  if (convolution && bn && activation && is_plain_relu(*activation))
    if (auto fused = fused_conv_bn(*convolution, *bn, true, x)) return *fused;
  return norm_relu(block, norm, relu, run_child(block, conv, x));
}

}  // namespace

Tensor DenseLayerImpl::forward(const Tensor& input) {
  const bool bottleneck = local_children().contains("conv2");
  Tensor x = norm_relu(*this, "norm1", "relu1", input);
  x = bottleneck ? conv_norm_relu(*this, "conv1", "norm2", "relu2", x) : run_child(*this, "conv1", x);
  if (bottleneck) x = run_child(*this, "conv2", x);
  if (drop_rate > 0) x = striate::dropout(x, drop_rate, is_training());
  return x;
}

namespace {

// The first channels of the block's buffer seen as the concatenation of the pieces written there:
// no copy forward; backward hands each piece its channel slice of the gradient.
struct DenseConcatBackward : autograd::Node {
  std::vector<int64_t> piece_channels;
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> result(piece_channels.size());
    int64_t start = 0;
    for (size_t i = 0; i < piece_channels.size(); ++i) {
      if (should_compute_input_grad(i) && grads[0].defined()) result[i] = grads[0].narrow(1, start, piece_channels[i]);
      start += piece_channels[i];
    }
    return result;
  }
  std::string name() const override { return "DenseConcatBackward"; }
};

Tensor dense_concat_view(const Tensor& buffer, const std::vector<Tensor>& pieces) {
  std::vector<int64_t> piece_channels;
  int64_t channels = 0;
  for (const Tensor& piece : pieces) {
    piece_channels.push_back(piece.size(1));
    channels += piece.size(1);
  }
  Tensor view = buffer.narrow(1, 0, channels);
  std::vector<const Tensor*> inputs;
  for (const Tensor& piece : pieces) inputs.push_back(&piece);
  bool any_grad = false;
  for (const Tensor& piece : pieces) any_grad = any_grad || autograd::needs_grad(piece);
  if (any_grad) {
    auto node = std::make_shared<DenseConcatBackward>();
    node->piece_channels = std::move(piece_channels);
    autograd::record(node, inputs, std::vector<Tensor*>{&view});
  }
  return view;
}

}  // namespace

DenseBlockImpl::DenseBlockImpl(int64_t num_layers, int64_t in_channels, int64_t growth_rate, bool bottleneck,
                               double drop_rate, int64_t bn_size, bool shared_buffer)
    : Module("DenseBlock"),
      num_layers(num_layers),
      in_channels(in_channels),
      growth_rate(growth_rate),
      out_channels(in_channels + num_layers * growth_rate),
      shared_buffer(shared_buffer) {
  check_positive(num_layers, "DenseBlock", "num_layers");
  check_positive(in_channels, "DenseBlock", "in_channels");
  check_positive(growth_rate, "DenseBlock", "growth_rate");
  check_positive(bn_size, "DenseBlock", "bn_size");
  STRIATE_CHECK(drop_rate >= 0 && drop_rate < 1, "DenseBlock: expected drop_rate in [0, 1), got ", drop_rate);
  for (int64_t i = 0; i < num_layers; ++i) {
    layers_.push_back(
        register_module("denselayer" + std::to_string(i + 1),
                        DenseLayer(in_channels + i * growth_rate, growth_rate, bottleneck, bn_size, drop_rate).ptr()));
  }
}

Tensor DenseBlockImpl::forward(const Tensor& input) {
  check_feature_map(input, in_channels, "DenseBlock");
  std::vector<Tensor> pieces{input};
  // The buffer is filled with host memcpy; other devices take the per-layer cat path.
  if (!shared_buffer || !input.device().is_cpu()) {
    for (const auto& layer : layers_) pieces.push_back(layer->call(cat(pieces, 1)));
    return cat(pieces, 1);
  }
  // At inference each layer is one fused chain writing into the buffer (nn/dense_inference.h).
  if (auto fused = detail::dense_block_inference(*this, layers_, input)) return *fused;
  Tensor buffer = empty({input.size(0), out_channels, input.size(2), input.size(3)}, TensorOptions(input.dtype()));
  // Each forward gets its own buffer, so two forwards before one backward never share storage.
  detail::write_channels(buffer, input, 0);
  int64_t filled = in_channels;
  for (const auto& layer : layers_) {
    Tensor features = layer->call(dense_concat_view(buffer, pieces));
    detail::write_channels(buffer, features, filled);
    filled += features.size(1);
    pieces.push_back(features);
  }
  return dense_concat_view(buffer, pieces);
}

std::string DenseBlockImpl::extra_repr() const {
  std::ostringstream text;
  text << "num_layers=" << num_layers << ", in_channels=" << in_channels << ", growth_rate=" << growth_rate;
  return text.str();
}

TransitionImpl::TransitionImpl(int64_t in_channels, int64_t out_channels) {
  check_positive(in_channels, "Transition", "in_channels");
  check_positive(out_channels, "Transition", "out_channels");
  push_back("norm", BatchNorm2d(BatchNormOptions(in_channels)));
  push_back("relu", ReLU());
  push_back("conv", conv2d(in_channels, out_channels, 1, 1, 0, false));
  push_back("pool", AvgPool2d(Pool2dOptions(2)));
}

Tensor TransitionImpl::forward(const Tensor& input) {
  if (auto fused = detail::transition_inference(*this, input)) return *fused;
  return SequentialImpl::forward(input);
}

// ---- FractalBlock --------------------------------------------------------------------------

namespace {

std::shared_ptr<Module> conv_bn_relu(int64_t in_channels, int64_t out_channels) {
  // No conv bias: the BatchNorm right after cancels it (its gradient would be zero).
  return Sequential(conv2d(in_channels, out_channels, 3, 1, 1, false), BatchNorm2d(BatchNormOptions(out_channels)),
                    ReLU())
      .ptr();
}

// Uniform in [0, count), from the default generator (so manual_seed reproduces drop-path).
size_t uniform_index(size_t count) {
  auto index = static_cast<size_t>(default_generator().uniform() * static_cast<double>(count));
  return index < count ? index : count - 1;
}

// Which inputs of a join survive local drop-path: each is dropped with probability `drop`, and
// when all were, one chosen uniformly is kept (a join never goes empty).
std::vector<bool> sample_join(size_t count, double drop) {
  std::vector<bool> keep(count, true);
  if (drop <= 0.0) return keep;
  Generator& generator = default_generator();
  bool any_kept = false;
  for (size_t i = 0; i < count; ++i) {
    keep[i] = generator.uniform() >= drop;
    any_kept = any_kept || keep[i];
  }
  if (!any_kept) keep[uniform_index(count)] = true;
  return keep;
}

}  // namespace

FractalBlockImpl::FractalBlockImpl(int64_t in_channels, int64_t out_channels, int64_t num_columns, double local_drop,
                                   double global_drop)
    : Module("FractalBlock"),
      in_channels(in_channels),
      out_channels(out_channels),
      num_columns(num_columns),
      local_drop(local_drop),
      global_drop(global_drop) {
  check_positive(in_channels, "FractalBlock", "in_channels");
  check_positive(out_channels, "FractalBlock", "out_channels");
  check_positive(num_columns, "FractalBlock", "num_columns");
  STRIATE_CHECK(local_drop >= 0 && local_drop <= 1, "FractalBlock: expected local_drop in [0, 1], got ", local_drop);
  STRIATE_CHECK(global_drop >= 0 && global_drop <= 1, "FractalBlock: expected global_drop in [0, 1], got ",
                global_drop);
  shallow_ = register_module("shallow", conv_bn_relu(in_channels, out_channels));
  if (num_columns > 1) {
    deep_first_ = register_module(
        "deep1", std::make_shared<FractalBlockImpl>(in_channels, out_channels, num_columns - 1, local_drop));
    deep_second_ = register_module(
        "deep2", std::make_shared<FractalBlockImpl>(out_channels, out_channels, num_columns - 1, local_drop));
  }
}

Tensor FractalBlockImpl::forward(const Tensor& input) {
  check_feature_map(input, in_channels, "FractalBlock");
  if (is_training() && global_drop > 0.0 && default_generator().uniform() < global_drop)
    return column_path(input, static_cast<int64_t>(uniform_index(static_cast<size_t>(num_columns))));
  return joined(input, is_training() ? local_drop : 0.0);
}

Tensor FractalBlockImpl::forward_column(const Tensor& input, int64_t column) {
  check_feature_map(input, in_channels, "FractalBlock");
  STRIATE_CHECK_INDEX(column >= 0 && column < num_columns, "FractalBlock: expected column in [0, ", num_columns,
                      "), got ", column);
  return column_path(input, column);
}

Tensor FractalBlockImpl::column_path(const Tensor& input, int64_t column) {
  if (column == 0) return shallow_->call(input);
  // Each half runs as a call of its sub-block, so that call observers see the columns' nesting.
  CallScope first(*deep_first_, input);
  Tensor middle = first.finish(deep_first_->column_path(input, column - 1));
  CallScope second(*deep_second_, middle);
  return second.finish(deep_second_->column_path(middle, column - 1));
}

Tensor FractalBlockImpl::joined(const Tensor& input, double drop) {
  std::vector<Tensor> columns = column_outputs(input, sample_join(static_cast<size_t>(num_columns), drop), drop);
  Tensor sum;
  int64_t kept = 0;
  for (const Tensor& column : columns) {
    if (!column.defined()) continue;
    sum = sum.defined() ? add(sum, column) : column;
    ++kept;
  }
  return kept == 1 ? sum : div(sum, static_cast<double>(kept));
}

std::vector<Tensor> FractalBlockImpl::column_outputs(const Tensor& input, const std::vector<bool>& keep, double drop) {
  std::vector<Tensor> columns(keep.size());
  if (keep[0]) columns[0] = shallow_->call(input);
  // The deep columns share their first half (deep1, joined); it runs only when one of them is kept.
  std::vector<bool> deep_keep(keep.begin() + 1, keep.end());
  if (std::find(deep_keep.begin(), deep_keep.end(), true) != deep_keep.end()) {
    // Run as calls of the sub-blocks (observers see deep2 give its first kept column).
    CallScope first(*deep_first_, input);
    Tensor middle = first.finish(deep_first_->joined(input, drop));
    CallScope second(*deep_second_, middle);
    std::vector<Tensor> deep = deep_second_->column_outputs(middle, deep_keep, drop);
    second.finish(*std::find_if(deep.begin(), deep.end(), [](const Tensor& column) { return column.defined(); }));
    for (size_t column = 0; column < deep.size(); ++column) columns[column + 1] = deep[column];
  }
  return columns;
}

std::string FractalBlockImpl::extra_repr() const {
  std::ostringstream text;
  text << in_channels << ", " << out_channels << ", num_columns=" << num_columns;
  if (local_drop > 0) text << ", local_drop=" << local_drop;
  if (global_drop > 0) text << ", global_drop=" << global_drop;
  return text.str();
}

Tensor lenet5_c3_table() {
  static const std::vector<std::vector<int>> connections = {
      {0, 1, 2},    {1, 2, 3},    {2, 3, 4},    {3, 4, 5},         {0, 4, 5},    {0, 1, 5},
      {0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {0, 3, 4, 5},      {0, 1, 4, 5}, {0, 1, 2, 5},
      {0, 1, 3, 4}, {1, 2, 4, 5}, {0, 2, 3, 5}, {0, 1, 2, 3, 4, 5}};
  Tensor table = zeros({16, 6}, TensorOptions(DType::Bool));
  bool* cells = table.data<bool>();
  for (size_t out_map = 0; out_map < connections.size(); ++out_map)
    for (int in_map : connections[out_map]) cells[out_map * 6 + in_map] = true;
  return table;
}

}  // namespace striate::nn
