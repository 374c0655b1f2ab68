// nn::functional: the functional ops under the namespace libtorch users expect; one definition,
// in ops/, re-exported here.
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

using ::striate::alpha_dropout;
using ::striate::batch_norm;
using ::striate::dropout;
using ::striate::dropout2d;
using ::striate::group_norm;
using ::striate::instance_norm;
using ::striate::layer_norm;
using ::striate::local_response_norm;
using ::striate::stochastic_depth;

// convolution
using Conv1dFuncOptions = ::striate::Conv1dOptions;
using Conv3dFuncOptions = ::striate::Conv3dOptions;
using ConvTranspose2dFuncOptions = ::striate::ConvTranspose2dOptions;
using ::striate::conv1d;
using ::striate::conv3d;
using ::striate::conv_transpose2d;
using ::striate::locally_connected2d;

// pooling and shape
using ::striate::adaptive_avg_pool2d;
using ::striate::adaptive_max_pool2d;
using ::striate::adaptive_max_pool2d_with_indices;
using ::striate::avg_pool1d;
using ::striate::avg_pool3d;
using ::striate::channel_max_pool;
using ::striate::fractional_max_pool2d;
using ::striate::fractional_max_pool2d_with_indices;
using ::striate::interpolate;
using ::striate::max_pool1d;
using ::striate::max_pool1d_with_indices;
using ::striate::max_pool3d;
using ::striate::max_pool3d_with_indices;
using ::striate::max_unpool2d;
using ::striate::one_hot;
using ::striate::pad;
using ::striate::pixel_shuffle;
using ::striate::pixel_unshuffle;

// activations and losses
using ::striate::abs_tanh;
using ::striate::binary_cross_entropy;
using ::striate::binary_cross_entropy_with_logits;
using ::striate::cosine_embedding_loss;
using ::striate::elastic_net_penalty;
using ::striate::elu;
using ::striate::elu_;
using ::striate::gelu;
using ::striate::hardswish;
using ::striate::hardswish_;
using ::striate::hardtanh;
using ::striate::hardtanh_;
using ::striate::huber_loss;
using ::striate::kl_div;
using ::striate::l1_loss;
using ::striate::l1_penalty;
using ::striate::l2_penalty;
using ::striate::leaky_relu;
using ::striate::leaky_relu_;
using ::striate::multi_margin_loss;
using ::striate::prelu;
using ::striate::relu6;
using ::striate::relu6_;
using ::striate::selu;
using ::striate::selu_;
using ::striate::silu;
using ::striate::silu_;
using ::striate::smooth_l1_loss;
using ::striate::softmin;
using ::striate::softplus;

}  // namespace striate::nn::functional
