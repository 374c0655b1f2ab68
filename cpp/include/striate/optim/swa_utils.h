// Weight averaging (torch.optim.swa_utils): an AveragedModel keeps a running average of another
// model's parameters, either the plain mean of stochastic weight averaging (SWA) or an
// exponential moving average (EMA, Polyak averaging); SWALR anneals the lr to a constant for SWA;
// update_bn recomputes BatchNorm statistics; SnapshotEnsemble keeps the model at each SGDR restart
// and averages the snapshots' predictions. The one implementation: Python's swa_utils wraps these.
//   striate::optim::AveragedModel ema(copy_of_model, striate::optim::ema_multi_avg_fn(0.995));
//   for (...) { train_step(model); ema.update_parameters(*model); }
//   striate::optim::update_bn(train_loader, *ema.module());
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "striate/core/tensor.h"
#include "striate/data/dataloader.h"
#include "striate/nn/module.h"
#include "striate/optim/lr_scheduler.h"

namespace striate::optim {

// Updates averaged[i] in place from current[i] given how many models the average already holds.
using MultiAveragingFn =
    std::function<void(const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t num_averaged)>;

// Returns the new average of one tensor, out of place (torch's avg_fn).
using AveragingFn = std::function<Tensor(const Tensor& averaged, const Tensor& current, int64_t num_averaged)>;

// The running mean: averaged += (current - averaged) / (num_averaged + 1).
MultiAveragingFn swa_multi_avg_fn();
// The exponential moving average: averaged = decay * averaged + (1 - decay) * current.
MultiAveragingFn ema_multi_avg_fn(double decay = 0.999);
// The same two rules for one tensor, out of place.
AveragingFn swa_avg_fn();
AveragingFn ema_avg_fn(double decay = 0.999);
// Applies a one-tensor rule to every tensor, copying each new average into place.
MultiAveragingFn each_tensor(AveragingFn fn);

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

// Recomputes the running statistics of every BatchNorm in `model` with one pass over `loader`
// (the first tensor of each batch is the input), as torch.optim.swa_utils.update_bn: statistics
// are reset and accumulated as a cumulative average (momentum nullopt) in training mode under
// no_grad; each layer's momentum and the model's mode are restored afterwards, also on error.
void update_bn(data::DataLoader& loader, nn::Module& model);
// The same pass over any source of batches: run_batches() runs the model on each of them (Python
// iterates its loader and calls the model there). Nothing runs when the model has no BatchNorm.
void update_bn(nn::Module& model, const std::function<void()>& run_batches);

// Anneals each group's lr from its value to swa_lr over anneal_epochs steps ("cos" or "linear"),
// then holds it, with torch.optim.swa_utils.SWALR's formula.
class SWALR : public LRScheduler {
 public:
  SWALR(Optimizer& optimizer, std::vector<double> swa_lr, int64_t anneal_epochs = 10,
        const std::string& anneal_strategy = "cos", int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  std::vector<double> get_lr() override;

 protected:
  void fields(ScheduleFields& fields) override;

 private:
  double anneal(double t) const;

  std::vector<double> swa_lrs_;
  int64_t anneal_epochs_;
  std::string anneal_strategy_;
};

// Whether the last step of an SGDR schedule began a new cycle (the moment to take a snapshot);
// valid for whole-epoch steps (SnapshotEnsemble::on_scheduler_step also follows fractional ones).
bool is_restart(const CosineAnnealingWarmRestarts& scheduler);

// Snapshot ensembles (Huang et al.): copies of the model's state taken at the end of each SGDR
// cycle; predict() is the mean of the snapshots' softmax outputs along dim 1, in eval mode. The
// model's own state and mode are restored after predict(), so it needs no separate copy.
//   SnapshotEnsemble ensemble(model);
//   for (...) { train_epoch(); scheduler.step(); ensemble.on_scheduler_step(scheduler); }
//   Tensor probabilities = ensemble.predict(images);
class SnapshotEnsemble {
 public:
  explicit SnapshotEnsemble(std::shared_ptr<nn::Module> model);
  // Stores a copy of the model's state dict; returns the number of snapshots.
  int64_t snapshot();
  // Call after each scheduler.step(): snapshots when that step began a new cycle (T_cur went
  // back); returns whether it did.
  bool on_scheduler_step(const CosineAnnealingWarmRestarts& scheduler);
  Tensor predict(const Tensor& input);
  int64_t size() const { return static_cast<int64_t>(snapshots_.size()); }
  const std::vector<OrderedDict<Tensor>>& snapshots() const { return snapshots_; }

 private:
  std::shared_ptr<nn::Module> model_;
  std::vector<OrderedDict<Tensor>> snapshots_;
  std::optional<double> last_t_cur_;
};

}  // namespace striate::optim
