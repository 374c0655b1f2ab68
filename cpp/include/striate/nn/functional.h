// nn::functional: the functional ops under the namespace libtorch users expect; one definition,
// in ops/, re-exported here.
//   namespace F = striate::nn::functional;
//   auto loss = F::cross_entropy(model->forward(x), labels);
#pragma once
#include "striate/ops/activation.h"
#include "striate/ops/conv.h"
#include "striate/ops/linalg.h"
#include "striate/ops/loss.h"
#include "striate/ops/pool.h"
#include "striate/ops/shape_ops.h"

namespace striate::nn::functional {

using Conv2dFuncOptions = ::striate::Conv2dOptions;
using Pool2dFuncOptions = ::striate::Pool2dOptions;

using ::striate::avg_pool2d;
using ::striate::cat;
using ::striate::conv2d;
using ::striate::cross_entropy;
using ::striate::linear;
using ::striate::log_softmax;
using ::striate::max_pool2d;
using ::striate::max_pool2d_with_indices;
using ::striate::mse_loss;
using ::striate::nll_loss;
using ::striate::relu;
using ::striate::relu_;
using ::striate::sigmoid;
using ::striate::softmax;
using ::striate::tanh;

}  // namespace striate::nn::functional
