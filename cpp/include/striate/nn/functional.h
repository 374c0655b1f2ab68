// nn::functional: the functional ops under the namespace libtorch users expect; one definition,
// in ops/, made visible here.
//   namespace F = striate::nn::functional;
//   auto loss = F::cross_entropy(model->forward(x), labels);
#pragma once
#include "striate/ops/activation.h"
#include "striate/ops/conv.h"
#include "striate/ops/dropout.h"
#include "striate/ops/linalg.h"
#include "striate/ops/loss.h"
#include "striate/ops/normalization.h"
#include "striate/ops/pooling.h"
#include "striate/ops/shape_helpers.h"
#include "striate/ops/shape_ops.h"

namespace striate::nn::functional {

// Every op of ops/ is visible here (a new op needs no line in this file).
using namespace ::striate;

/// libtorch's names for the options of the functional forms.
/// The options of conv1d.
using Conv1dFuncOptions = ::striate::Conv1dOptions;
/// The options of conv2d.
using Conv2dFuncOptions = ::striate::Conv2dOptions;
/// The options of conv3d.
using Conv3dFuncOptions = ::striate::Conv3dOptions;
/// The options of conv_transpose2d.
using ConvTranspose2dFuncOptions = ::striate::ConvTranspose2dOptions;
/// The options of the 2-D pooling ops.
using Pool2dFuncOptions = ::striate::Pool2dOptions;

}  // namespace striate::nn::functional
