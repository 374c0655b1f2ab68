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

class RNNCellImpl : public Module {
 public:
  RNNCellImpl(int64_t input_size, int64_t hidden_size, bool bias = true, const std::string& nonlinearity = "tanh");
  // input (N, input_size) or (input_size); hx (N, hidden_size) or (hidden_size), zeros when undefined.
  Tensor forward(const Tensor& input, const Tensor& hx);
  Tensor forward(const Tensor& input) override { return forward(input, Tensor()); }
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  // U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) for every parameter, as PyTorch.
  void reset_parameters();

  int64_t input_size;
  int64_t hidden_size;
  bool bias;
  std::string nonlinearity;
};
STRIATE_MODULE(RNNCell);

struct RNNOptions {
  RNNOptions(int64_t input_size, int64_t hidden_size) : input_size_(input_size), hidden_size_(hidden_size) {}
  STRIATE_ARG(int64_t, input_size);
  STRIATE_ARG(int64_t, hidden_size);
  STRIATE_ARG(int64_t, num_layers) = 1;
  STRIATE_ARG(std::string, nonlinearity) = "tanh";
  STRIATE_ARG(bool, bias) = true;
  STRIATE_ARG(bool, batch_first) = false;
  // Dropout on the outputs of every layer but the last, in training.
  STRIATE_ARG(double, dropout) = 0.0;
  STRIATE_ARG(bool, bidirectional) = false;
};

class RNNImpl : public Module {
 public:
  explicit RNNImpl(const RNNOptions& options);
  // input (L, N, input_size) ((N, L, input_size) with batch_first) or unbatched (L, input_size);
  // hx (num_layers * directions, N, hidden_size), zeros when undefined. Returns (output, h_n):
  // output (L, N, directions * hidden_size) (batch_first: (N, L, ...)), h_n shaped as hx.
  std::tuple<Tensor, Tensor> forward_with_state(const Tensor& input, const Tensor& hx);
  // The output only (the Module interface).
  Tensor forward(const Tensor& input) override { return std::get<0>(forward_with_state(input, Tensor())); }
  std::optional<int64_t> mult_adds(const Shape& input, const Shape& output) const override;
  std::string extra_repr() const override;
  void reset_parameters();

  RNNOptions options;
};
STRIATE_MODULE(RNN);

}  // namespace striate::nn
