// Elman recurrent layers with torch.nn's names, shapes and parameter names (weight_ih_l0,
// weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse), so state dicts load from PyTorch's:
// h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh), act tanh or relu. Built from recorded ops, so
// backpropagation through time sums the shared weights' gradients over the steps.
//   striate::nn::RNN rnn(striate::nn::RNNOptions(8, 16).num_layers(2));
//   auto [output, h_n] = rnn->forward_with_state(x, Tensor());   // x (L, N, 8)
#pragma once
#include <string>
#include <tuple>

#include "striate/nn/module.h"
#include "striate/ops/options.h"

namespace striate::nn {

/// One step of an Elman RNN: h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh).
class RNNCellImpl : public Module {
 public:
  /// @param input_size the input's features.
  /// @param hidden_size the hidden state's features.
  /// @param bias learn b_ih and b_hh (default true).
  /// @param nonlinearity "tanh" (default) or "relu".
  /// @throws ValueError for a non-positive size or an unknown nonlinearity.
  RNNCellImpl(int64_t input_size, int64_t hidden_size, bool bias = true, const std::string& nonlinearity = "tanh");
  /// input (N, input_size) or (input_size); hx (N, hidden_size) or (hidden_size), zeros when undefined.
  /// @param input the step's input.
  /// @param hx the previous hidden state, or undefined.
  /// @return h', (N, hidden_size) or (hidden_size).
  /// @throws ShapeError when the shapes do not match.
  Tensor forward(const Tensor& input, const Tensor& hx);
  /// One step from a zero hidden state.
  /// @param input (N, input_size) or (input_size).
  /// @return h'.
  Tensor forward(const Tensor& input) override { return forward(input, Tensor()); }
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every parameter, as PyTorch.
  void reset_parameters();

  /// The input's features.
  int64_t input_size;
  /// The hidden state's features.
  int64_t hidden_size;
  /// Whether the biases are learned.
  bool bias;
  /// "tanh" or "relu".
  std::string nonlinearity;
};
/// The holder of RNNCellImpl.
STRIATE_MODULE(RNNCell);

/// The options of RNN (torch's arguments; setters chain).
struct RNNOptions {
  /// @param input_size the input's features.
  /// @param hidden_size the hidden state's features.
  RNNOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  /// The input's features.
  STRIATE_ARG(int64_t, input_size);
  /// The hidden state's features.
  STRIATE_ARG(int64_t, hidden_size);
  /// Stacked layers (default 1).
  STRIATE_ARG(int64_t, num_layers) = 1;
  /// "tanh" (default) or "relu".
  STRIATE_ARG(std::string, nonlinearity) = "tanh";
  /// Learn the biases (default true).
  STRIATE_ARG(bool, bias) = true;
  /// Inputs and outputs are (N, L, ...) instead of (L, N, ...) (default false).
  STRIATE_ARG(bool, batch_first) = false;
  /// Dropout on the outputs of every layer but the last, in training.
  /// (default 0).
  STRIATE_ARG(double, dropout) = 0.0;
  /// Run a reverse direction too (default false).
  STRIATE_ARG(bool, bidirectional) = false;
};

/// A multi-layer Elman RNN over a sequence.
class RNNImpl : public Module {
 public:
  /// @param options the layer's options.
  /// @throws ValueError for a non-positive size, an unknown nonlinearity or dropout outside [0, 1].
  explicit RNNImpl(const RNNOptions& options);
  /// input (L, N, input_size) ((N, L, input_size) with batch_first) or unbatched (L, input_size);
  /// hx (num_layers * directions, N, hidden_size), zeros when undefined. Returns (output, h_n):
  /// output (L, N, directions * hidden_size) (batch_first: (N, L, ...)), h_n shaped as hx.
  /// @param input the sequence.
  /// @param hx the initial hidden state, or undefined.
  /// @return (output, h_n).
  /// @throws ShapeError when the shapes do not match.
  std::tuple<Tensor, Tensor> forward_with_state(const Tensor& input, const Tensor& hx);
  /// The output only (the Module interface).
  /// @param input the sequence.
  /// @return the output sequence.
  Tensor forward(const Tensor& input) override { return std::get<0>(forward_with_state(input, Tensor())); }
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  /// U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every parameter, as PyTorch.
  void reset_parameters();

  /// The options the layer was built with.
  RNNOptions options;
};
/// The holder of RNNImpl.
STRIATE_MODULE(RNN);

}  // namespace striate::nn
