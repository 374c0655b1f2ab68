// RNNCell and RNN: parameter registration under PyTorch's names, and the time loop composed of
// linear, add and the activation ops (the input projection of all steps is one matmul).
#include "striate/nn/recurrent.h"

#include <cmath>
#include <vector>

#include "striate/nn/init.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/dropout.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/linalg.h"
#include "striate/ops/shape_ops.h"

namespace striate::nn {
namespace {

Tensor parameter_of(const Module& module, const std::string& name) {
  const Tensor* found = module.local_parameters().find(name);
  return found ? *found : Tensor();
}

std::optional<Tensor> optional_of(const Tensor& t) { return t.defined() ? std::optional<Tensor>(t) : std::nullopt; }

void check_nonlinearity(const std::string& nonlinearity, const char* layer) {
  STRIATE_CHECK(nonlinearity == "tanh" || nonlinearity == "relu", layer,
                ": expected nonlinearity 'tanh' or 'relu', got '", nonlinearity, "'");
}

Tensor activate(const Tensor& x, const std::string& nonlinearity) {
  return nonlinearity == "tanh" ? striate::tanh(x) : relu(x);
}

void reset_uniform(Module& module, int64_t hidden_size) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden_size));
  for (const auto& item : module.local_parameters()) {
    Tensor parameter = item.value;
    if (parameter.defined()) init::uniform_(parameter, -bound, bound);
  }
}

}  // namespace

// ---- RNNCell -----------------------------------------------------------------------------

RNNCellImpl::RNNCellImpl(int64_t input_size, int64_t hidden_size, bool bias, const std::string& nonlinearity)
    : Module("RNNCell"), input_size(input_size), hidden_size(hidden_size), bias(bias), nonlinearity(nonlinearity) {
  STRIATE_CHECK(input_size >= 0, "RNNCell: expected input_size >= 0, got ", input_size);
  STRIATE_CHECK(hidden_size > 0, "RNNCell: expected hidden_size > 0, got ", hidden_size);
  check_nonlinearity(nonlinearity, "RNNCell");
  register_parameter("weight_ih", empty({hidden_size, input_size}));
  register_parameter("weight_hh", empty({hidden_size, hidden_size}));
  register_parameter("bias_ih", bias ? empty({hidden_size}) : Tensor(), bias);
  register_parameter("bias_hh", bias ? empty({hidden_size}) : Tensor(), bias);
  reset_parameters();
}

void RNNCellImpl::reset_parameters() { reset_uniform(*this, hidden_size); }

Tensor RNNCellImpl::forward(const Tensor& input, const Tensor& hx) {
  STRIATE_CHECK(input.defined(), "RNNCell: expected a tensor, got None");
  STRIATE_CHECK_SHAPE((input.dim() == 1 || input.dim() == 2) && input.size(-1) == input_size,
                      "RNNCell: expected input of shape (N, ", input_size, ") or (", input_size, "), got shape ",
                      input.sizes());
  const bool unbatched = input.dim() == 1;
  Tensor x = unbatched ? input.unsqueeze(0) : input;
  Tensor h;
  if (hx.defined()) {
    STRIATE_CHECK_SHAPE(hx.dim() == input.dim() && hx.size(-1) == hidden_size && (unbatched || hx.size(0) == x.size(0)),
                        "RNNCell: expected hx of shape ", unbatched ? "(" : detail::str("(", x.size(0), ", "),
                        hidden_size, ") for input of shape ", input.sizes(), ", got shape ", hx.sizes());
    h = unbatched ? hx.unsqueeze(0) : hx;
  } else {
    h = zeros({x.size(0), hidden_size}, TensorOptions(input.dtype()));
  }
  Tensor pre = add(linear(x, parameter_of(*this, "weight_ih"), optional_of(parameter_of(*this, "bias_ih"))),
                   linear(h, parameter_of(*this, "weight_hh"), optional_of(parameter_of(*this, "bias_hh"))));
  Tensor next = activate(pre, nonlinearity);
  return unbatched ? next.squeeze(0) : next;
}

// Recurrent layers are left out of the multiply-add count (0), which covers the convolutional,
// fully connected and normalization layers.
std::optional<int64_t> RNNCellImpl::mult_adds(const Shape&, const Shape&) const { return 0; }

std::string RNNCellImpl::extra_repr() const {
  std::string text = detail::str(input_size, ", ", hidden_size);
  if (!bias) text += ", bias=False";
  if (nonlinearity != "tanh") text += ", nonlinearity=" + nonlinearity;
  return text;
}

// ---- RNN ---------------------------------------------------------------------------------

RNNImpl::RNNImpl(const RNNOptions& options) : Module("RNN"), options(options) {
  STRIATE_CHECK(options.input_size() >= 0, "RNN: expected input_size >= 0, got ", options.input_size());
  STRIATE_CHECK(options.hidden_size() > 0, "RNN: expected hidden_size > 0, got ", options.hidden_size());
  STRIATE_CHECK(options.num_layers() > 0, "RNN: expected num_layers > 0, got ", options.num_layers());
  STRIATE_CHECK(options.dropout() >= 0.0 && options.dropout() <= 1.0,
                "RNN: expected dropout to be a probability between 0 and 1, got dropout=", options.dropout());
  check_nonlinearity(options.nonlinearity(), "RNN");
  const int64_t H = options.hidden_size();
  const int64_t directions = options.bidirectional() ? 2 : 1;
  for (int64_t layer = 0; layer < options.num_layers(); ++layer) {
    const int64_t layer_input = layer == 0 ? options.input_size() : H * directions;
    for (int64_t direction = 0; direction < directions; ++direction) {
      const std::string suffix = detail::str("_l", layer, direction == 1 ? "_reverse" : "");
      register_parameter("weight_ih" + suffix, empty({H, layer_input}));
      register_parameter("weight_hh" + suffix, empty({H, H}));
      if (options.bias()) {
        register_parameter("bias_ih" + suffix, empty({H}));
        register_parameter("bias_hh" + suffix, empty({H}));
      }
    }
  }
  reset_parameters();
}

void RNNImpl::reset_parameters() { reset_uniform(*this, options.hidden_size()); }

std::tuple<Tensor, Tensor> RNNImpl::forward_with_state(const Tensor& input, const Tensor& hx) {
  const int64_t H = options.hidden_size(), I = options.input_size();
  const int64_t directions = options.bidirectional() ? 2 : 1;
  const int64_t state_count = options.num_layers() * directions;
  STRIATE_CHECK(input.defined(), "RNN: expected a tensor, got None");
  STRIATE_CHECK_SHAPE((input.dim() == 2 || input.dim() == 3) && input.size(-1) == I, "RNN: expected input of shape ",
                      options.batch_first() ? "(N, L, " : "(L, N, ", I, ") or (L, ", I, "), got shape ", input.sizes());
  const bool unbatched = input.dim() == 2;
  // Time-major (L, N, I) from here on.
  Tensor x = unbatched ? input.unsqueeze(1) : (options.batch_first() ? input.transpose(0, 1) : input);
  const int64_t L = x.size(0), N = x.size(1);
  STRIATE_CHECK_SHAPE(L > 0, "RNN: expected a sequence of at least one step, got input of shape ", input.sizes());
  Tensor h0;
  if (hx.defined()) {
    const bool shape_ok = unbatched
                              ? (hx.dim() == 2 && hx.size(0) == state_count && hx.size(1) == H)
                              : (hx.dim() == 3 && hx.size(0) == state_count && hx.size(1) == N && hx.size(2) == H);
    STRIATE_CHECK_SHAPE(shape_ok, "RNN: expected hx of shape (", state_count, unbatched ? "" : detail::str(", ", N),
                        ", ", H, "), got shape ", hx.sizes());
    h0 = unbatched ? hx.unsqueeze(1) : hx;
  } else {
    h0 = zeros({state_count, N, H}, TensorOptions(input.dtype()));
  }

  Tensor layer_input = x;
  std::vector<Tensor> final_states;
  for (int64_t layer = 0; layer < options.num_layers(); ++layer) {
    std::vector<Tensor> direction_outputs;
    for (int64_t direction = 0; direction < directions; ++direction) {
      const std::string suffix = detail::str("_l", layer, direction == 1 ? "_reverse" : "");
      Tensor weight_hh = parameter_of(*this, "weight_hh" + suffix);
      std::optional<Tensor> bias_hh = optional_of(parameter_of(*this, "bias_hh" + suffix));
      // One matmul projects the inputs of all L steps.
      Tensor projected = linear(layer_input, parameter_of(*this, "weight_ih" + suffix),
                                optional_of(parameter_of(*this, "bias_ih" + suffix)));
      Tensor h = h0.select(0, layer * directions + direction);
      std::vector<Tensor> steps(static_cast<size_t>(L));
      for (int64_t step = 0; step < L; ++step) {
        const int64_t t = direction == 0 ? step : L - 1 - step;
        h = activate(add(projected.select(0, t), linear(h, weight_hh, bias_hh)), options.nonlinearity());
        steps[static_cast<size_t>(t)] = h;
      }
      direction_outputs.push_back(stack(steps, 0));
      final_states.push_back(h);
    }
    layer_input = directions == 2 ? cat(direction_outputs, 2) : direction_outputs[0];
    if (options.dropout() > 0.0 && is_training() && layer + 1 < options.num_layers()) {
      layer_input = dropout(layer_input, options.dropout(), true);
    }
  }
  Tensor output = layer_input, h_n = stack(final_states, 0);
  if (unbatched) return {output.squeeze(1), h_n.squeeze(1)};
  if (options.batch_first()) output = output.transpose(0, 1);
  return {output, h_n};
}

// Left out of the multiply-add count, as RNNCell.
std::optional<int64_t> RNNImpl::mult_adds(const Shape&, const Shape&) const { return 0; }

std::string RNNImpl::extra_repr() const {
  std::string text = detail::str(options.input_size(), ", ", options.hidden_size());
  if (options.num_layers() != 1) text += detail::str(", num_layers=", options.num_layers());
  if (options.nonlinearity() != "tanh") text += ", nonlinearity=" + options.nonlinearity();
  if (!options.bias()) text += ", bias=False";
  if (options.batch_first()) text += ", batch_first=True";
  if (options.dropout() != 0.0) text += detail::str(", dropout=", options.dropout());
  if (options.bidirectional()) text += ", bidirectional=True";
  return text;
}

}  // namespace striate::nn
