// The umbrella header: everything public in one include, as <torch/torch.h> is for libtorch.
//   #include <striate/striate.h>
//   striate::nn::Sequential model{striate::nn::Linear(4, 8), striate::nn::ReLU(), striate::nn::Linear(8, 2)};
//   striate::optim::SGD opt(model->parameters(), striate::optim::SGDOptions(0.1));
#pragma once

#include "striate/core/config.h"
#include "striate/core/device.h"
#include "striate/core/dtype.h"
#include "striate/core/error.h"
#include "striate/core/parallel.h"
#include "striate/core/random.h"
#include "striate/core/scalar.h"
#include "striate/core/shape.h"
#include "striate/core/tensor.h"

#include "striate/autograd.h"

#include "striate/ops/activation.h"
#include "striate/ops/conv.h"
#include "striate/ops/creation.h"
#include "striate/ops/dropout.h"
#include "striate/ops/elementwise.h"
#include "striate/ops/linalg.h"
#include "striate/ops/loss.h"
#include "striate/ops/normalization.h"
#include "striate/ops/pool.h"
#include "striate/ops/reduce.h"
#include "striate/ops/shape_helpers.h"
#include "striate/ops/shape_ops.h"

#include "striate/nn/containers.h"
#include "striate/nn/functional.h"
#include "striate/nn/init.h"
#include "striate/nn/layers.h"
#include "striate/nn/conv_layers.h"
#include "striate/nn/activation_layers.h"
#include "striate/nn/normalization.h"
#include "striate/nn/dropout.h"
#include "striate/nn/recurrent.h"
#include "striate/nn/module.h"
#include "striate/nn/pool_layers.h"
#include "striate/nn/blocks.h"
#include "striate/models/resnet.h"
#include "striate/nn/classic_blocks.h"
#include "striate/models/classic.h"

#include "striate/optim/optimizer.h"
#include "striate/optim/sgd.h"
#include "striate/optim/adam.h"
#include "striate/optim/adagrad.h"
#include "striate/optim/rmsprop.h"
#include "striate/optim/clip_grad.h"
#include "striate/optim/lr_scheduler.h"

#include "striate/data/dataloader.h"
#include "striate/data/dataset.h"
#include "striate/data/idx.h"
#include "striate/data/transform.h"
