// Docstrings of the recurrent layers bound in bind_recurrent.cpp (Google style; the examples run as
// doctests with striate as st, striate.nn as nn).
#pragma once

#include "nn_common.h"

namespace striate::python::docstrings {

inline constexpr const char* kRNNCell = R"doc(One step of an Elman recurrent layer (the vanilla RNN cell of
the notes): ``h' = act(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)``.

Args:
    input_size (int): Features of the input x.
    hidden_size (int): Features of the hidden state h.
    bias (bool): Use the biases b_ih and b_hh. Default: True.
    nonlinearity (str): ``'tanh'`` or ``'relu'``. Default: ``'tanh'``.

Shape:
    - Input: (N, input_size) or (input_size,), and hx (N, hidden_size) (zeros when None).
    - Output: (N, hidden_size), the next hidden state.

Attributes:
    weight_ih (Parameter): (hidden_size, input_size).
    weight_hh (Parameter): (hidden_size, hidden_size).
    bias_ih, bias_hh (Parameter): (hidden_size,). All uniform in
        (-1/sqrt(hidden_size), 1/sqrt(hidden_size)).

Raises:
    ValueError: ``nonlinearity`` is not 'tanh' or 'relu', or the input's features differ.

Example:
    >>> cell = nn.RNNCell(10, 20)
    >>> h = cell(st.randn(3, 10))
    >>> cell(st.randn(3, 10), h).shape
    striate.Size([3, 20])
)doc";

inline constexpr const char* kRNNCellForward =
    R"doc(The next hidden state from ``input`` and ``hx`` (zeros when None).

Args:
    input (Tensor): (N, input_size) or (input_size).
    hx (Tensor, optional): (N, hidden_size) or (hidden_size). Default: None (zeros).

Returns:
    Tensor: h', the input's batch shape with hidden_size features.

Example:
    >>> cell = nn.RNNCell(4, 6)
    >>> cell.forward(st.randn(2, 4)).shape
    striate.Size([2, 6])
)doc";

inline constexpr const char* kRNN = R"doc(Multi-layer Elman RNN over a sequence, unrolled with shared
weights (backpropagation through time): for each step t and layer l,
``h_t = act(x_t @ W_ih.T + b_ih + h_{t-1} @ W_hh.T + b_hh)``, the input of layer l > 0 being
the output of layer l - 1. Parameter names are PyTorch's (``weight_ih_l0``, ``weight_hh_l0``,
``bias_ih_l0``, ``bias_hh_l0``, ``..._reverse``), so its state dicts load.

Args:
    input_size (int): Features of each input step.
    hidden_size (int): Features of the hidden state.
    num_layers (int): Stacked layers. Default: 1.
    nonlinearity (str): ``'tanh'`` or ``'relu'``. Default: ``'tanh'``.
    bias (bool): Use the biases. Default: True.
    batch_first (bool): Inputs and outputs are (N, L, *) instead of (L, N, *). Default: False.
    dropout (float): Dropout on the outputs of each layer but the last, in training.
        Default: 0.0.
    bidirectional (bool): Also run each layer backwards in time and concatenate. Default: False.

Shape:
    - Input: (L, N, input_size) (or (N, L, input_size) with batch_first, or (L, input_size)),
      and hx (D * num_layers, N, hidden_size), zeros when None; D = 2 if bidirectional else 1.
    - Output: ``(output, h_n)``: output (L, N, D * hidden_size), h_n
      (D * num_layers, N, hidden_size).

Raises:
    ValueError: ``nonlinearity`` is not 'tanh' or 'relu', or the input or hx shape is wrong.

Example:
    >>> rnn = nn.RNN(10, 20, num_layers=2)
    >>> output, h_n = rnn(st.randn(5, 3, 10))
    >>> output.shape, h_n.shape
    (striate.Size([5, 3, 20]), striate.Size([2, 3, 20]))
)doc";

inline constexpr const char* kRNNForward = R"doc(Runs the sequence ``input`` from the initial state ``hx``
(zeros when None); returns ``(output, h_n)``.

Args:
    input (Tensor): (L, N, input_size), (N, L, input_size) with batch_first, or (L, input_size).
    hx (Tensor, optional): (D * num_layers, N, hidden_size). Default: None (zeros).

Returns:
    tuple: ``(output, h_n)``: the last layer's state at every step, (L, N, D * hidden_size), and
    every layer's last state, (D * num_layers, N, hidden_size).

Example:
    >>> rnn = nn.RNN(4, 6)
    >>> output, h_n = rnn.forward(st.randn(5, 2, 4))
    >>> output.shape, h_n.shape
    (striate.Size([5, 2, 6]), striate.Size([1, 2, 6]))
)doc";

}  // namespace striate::python::docstrings
