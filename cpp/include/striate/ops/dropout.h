// Dropout-like regularizers with PyTorch's (and torchvision's) semantics; masks come from the
// seeded default generator, and with training=false every one of them is the identity (classic
// dropout excepted: it scales by 1 - p at evaluation).
//   striate::manual_seed(0);
//   Tensor y = striate::dropout(x, 0.5, /*training=*/true);   // kept units scaled by 1 / (1 - p)
#pragma once
#include <string>

#include "striate/core/tensor.h"

namespace striate {

/// Zeroes each element with probability p. inverted (PyTorch's): kept units are scaled by
/// 1 / (1 - p) in training and evaluation is the identity; classic (inverted=false): no scaling in
/// training, evaluation multiplies by 1 - p.
/// @param input the input, any shape.
/// @param p the drop probability, in [0, 1] (default 0.5).
/// @param training apply the regularizer (default true); false is the identity. (classic: scales by 1 - p)
/// @param inverted PyTorch's inverted form (default true).
/// @return the result, input's shape.
/// @throws ValueError when p is outside [0, 1].
Tensor dropout(const Tensor& input, double p = 0.5, bool training = true, bool inverted = true);
/// In place on input (PyTorch's inplace=True).
/// @param input the tensor overwritten.
/// @param p the drop probability, in [0, 1] (default 0.5).
/// @param training apply the regularizer (default true); false is the identity.
/// @param inverted PyTorch's inverted form (default true).
/// @return input.
/// @throws ValueError when p is outside [0, 1].
Tensor& dropout_(Tensor& input, double p = 0.5, bool training = true, bool inverted = true);
/// Zeroes whole channels: one draw per (N, C) of an (N, C, *) input, kept channels scaled by 1 / (1 - p).
/// @param input (N, C, *).
/// @param p the drop probability, in [0, 1] (default 0.5).
/// @param training apply the regularizer (default true); false is the identity.
/// @return the result, input's shape.
/// @throws ValueError when p is outside [0, 1].
Tensor dropout2d(const Tensor& input, double p = 0.5, bool training = true);
/// SELU-preserving dropout: dropped units take SELU's negative saturation value and an affine map
/// keeps zero mean and unit variance (torch.nn.functional.alpha_dropout's formula).
/// @param input the input, any shape.
/// @param p the drop probability, in [0, 1] (default 0.5).
/// @param training apply the regularizer (default true); false is the identity.
/// @return the result, input's shape.
/// @throws ValueError when p is outside [0, 1].
Tensor alpha_dropout(const Tensor& input, double p = 0.5, bool training = true);
/// torchvision's stochastic depth: mode "row" drops whole samples (dim 0), "batch" the whole input;
/// survivors are scaled by 1 / (1 - p).
/// @param input (N, ...).
/// @param p the drop probability, in [0, 1].
/// @param mode "row" (default) or "batch".
/// @param training apply the regularizer (default true); false is the identity.
/// @return the result, input's shape.
/// @throws ValueError for p outside [0, 1] or an unknown mode.
Tensor stochastic_depth(const Tensor& input, double p, const std::string& mode = "row", bool training = true);

}  // namespace striate
