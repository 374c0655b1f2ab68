// Weight averaging (torch.optim.swa_utils): an AveragedModel keeps a running average of another
// model's parameters, either the plain mean of stochastic weight averaging (SWA) or an
// exponential moving average (EMA, Polyak averaging); update_bn recomputes BatchNorm statistics.
//   striate::optim::AveragedModel ema(copy_of_model, striate::optim::ema_multi_avg_fn(0.995));
//   for (...) { train_step(model); ema.update_parameters(*model); }
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/nn/module.h"

namespace striate::optim {

// Updates averaged[i] in place from current[i] given how many models the average already holds.
using MultiAveragingFn = std::function<void(const std::vector<Tensor>& averaged, const std::vector<Tensor>& current,
                                            int64_t num_averaged)>;

// The running mean: averaged += (current - averaged) / (num_averaged + 1).
MultiAveragingFn swa_multi_avg_fn();
// The exponential moving average: averaged = decay * averaged + (1 - decay) * current.
MultiAveragingFn ema_multi_avg_fn(double decay = 0.999);

class AveragedModel {
 public:
  // `averaged` is a separate module of the same architecture as the models averaged (a copy); an
  // empty `fn` is the SWA running mean. use_buffers averages the buffers too (running statistics)
  // instead of copying them from the latest model.
  explicit AveragedModel(std::shared_ptr<nn::Module> averaged, MultiAveragingFn fn = {}, bool use_buffers = false);

  // The first call copies the model; each later one averages it in; returns nothing, raises
  // ValueError when the tensors of `model` do not match those of the averaged module.
  void update_parameters(const nn::Module& model);
  const std::shared_ptr<nn::Module>& module() const { return averaged_; }
  // How many models the average holds, as a 0-dim int64 tensor updated in place (a buffer).
  const Tensor& n_averaged() const { return n_averaged_; }
  int64_t num_averaged() const;

 private:
  std::shared_ptr<nn::Module> averaged_;
  MultiAveragingFn fn_;
  bool use_buffers_;
  Tensor n_averaged_;
};

}  // namespace striate::optim
