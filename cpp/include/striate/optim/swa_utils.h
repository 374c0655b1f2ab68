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

/// Updates averaged[i] in place from current[i] given how many models the average already holds.
using MultiAveragingFn =
    std::function<void(const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t num_averaged)>;

/// Returns the new average of one tensor, out of place (torch's avg_fn).
using AveragingFn = std::function<Tensor(const Tensor& averaged, const Tensor& current, int64_t num_averaged)>;

/// The running mean: averaged += (current - averaged) / (num_averaged + 1).
/// @return the rule.
MultiAveragingFn swa_multi_avg_fn();
/// The exponential moving average: averaged = decay * averaged + (1 - decay) * current.
/// @param decay the weight of the old average, in [0, 1] (default 0.999).
/// @return the rule.
/// @throws ValueError when decay is outside [0, 1].
MultiAveragingFn ema_multi_avg_fn(double decay = 0.999);
/// The same two rules for one tensor, out of place.
/// @return the running mean for one tensor.
AveragingFn swa_avg_fn();
/// The exponential moving average for one tensor, out of place.
/// @param decay the weight of the old average, in [0, 1] (default 0.999).
/// @return the rule.
/// @throws ValueError when decay is outside [0, 1].
AveragingFn ema_avg_fn(double decay = 0.999);
/// Applies a one-tensor rule to every tensor, copying each new average into place.
/// @param fn the one-tensor rule.
/// @return the many-tensor rule.
MultiAveragingFn each_tensor(AveragingFn fn);

/// A running average (SWA or EMA) of another model's parameters. Not thread-safe.
class AveragedModel {
 public:
  /// `averaged` is a separate module of the same architecture as the models averaged (a copy); an
  /// empty `fn` is the SWA running mean. use_buffers averages the buffers too (running statistics)
  /// instead of copying them from the latest model.
  /// @param averaged the module holding the average (not null).
  /// @param fn the averaging rule (default: the SWA mean).
  /// @param use_buffers average the buffers too (default false).
  /// @throws ValueError when averaged is null.
  explicit AveragedModel(std::shared_ptr<nn::Module> averaged, MultiAveragingFn fn = {}, bool use_buffers = false);

  /// The first call copies the model; each later one averages it in; returns nothing, raises
  /// ValueError when the tensors of `model` do not match those of the averaged module.
  /// @param model the model averaged in.
  /// @throws ValueError when its tensors do not match the averaged module's.
  void update_parameters(const nn::Module& model);
  /// The averaged module.
  /// @return the module.
  const std::shared_ptr<nn::Module>& module() const { return averaged_; }
  /// How many models the average holds, as a 0-dim int64 tensor updated in place (a buffer).
  /// @return the count tensor.
  const Tensor& n_averaged() const { return n_averaged_; }
  /// How many models the average holds.
  /// @return the count.
  int64_t num_averaged() const;

 private:
  std::shared_ptr<nn::Module> averaged_;
  MultiAveragingFn fn_;
  bool use_buffers_;
  Tensor n_averaged_;
};

/// Recomputes the running statistics of every BatchNorm in `model` with one pass over `loader`
/// (the first tensor of each batch is the input), as torch.optim.swa_utils.update_bn: statistics
/// are reset and accumulated as a cumulative average (momentum nullopt) in training mode under
/// no_grad; each layer's momentum and the model's mode are restored afterwards, also on error.
/// @param loader the batches.
/// @param model the model whose BatchNorm statistics are recomputed.
void update_bn(data::DataLoader& loader, nn::Module& model);
/// The same pass over any source of batches: run_batches() runs the model on each of them (Python
/// iterates its loader and calls the model there). Nothing runs when the model has no BatchNorm.
/// @param model the model whose BatchNorm statistics are recomputed.
/// @param run_batches runs the model on every batch.
void update_bn(nn::Module& model, const std::function<void()>& run_batches);

/// Anneals each group's lr from its value to swa_lr over anneal_epochs steps ("cos" or "linear"),
/// then holds it, with torch.optim.swa_utils.SWALR's formula.
class SWALR : public LRScheduler {
 public:
  /// @param optimizer the optimizer whose lrs are scheduled.
  /// @param swa_lr the final lr: one value, or one per group.
  /// @param anneal_epochs the steps of the annealing, >= 0 (default 10).
  /// @param anneal_strategy "cos" (default) or "linear".
  /// @param last_epoch the epoch of the last step taken (default -1: afresh).
  /// @param base_lrs the initial lrs (default empty: the groups' current ones).
  /// @throws ValueError for a bad swa_lr count, a negative anneal_epochs or an unknown strategy.
  SWALR(Optimizer& optimizer, std::vector<double> swa_lr, int64_t anneal_epochs = 10,
        const std::string& anneal_strategy = "cos", int64_t last_epoch = -1, std::vector<double> base_lrs = {});
  /// @return one lr per group.
  std::vector<double> get_lr() override;

 protected:
  /// Adds swa_lrs, anneal_epochs and anneal_strategy to the state dict.
  /// @param fields the visitor.
  void fields(ScheduleFields& fields) override;

 private:
  double anneal(double t) const;

  std::vector<double> swa_lrs_;
  int64_t anneal_epochs_;
  std::string anneal_strategy_;
};

/// Whether the last step of an SGDR schedule began a new cycle (the moment to take a snapshot);
/// valid for whole-epoch steps (SnapshotEnsemble::on_scheduler_step also follows fractional ones).
/// @param scheduler the SGDR schedule.
/// @return true right after a restart.
bool is_restart(const CosineAnnealingWarmRestarts& scheduler);

/// Snapshot ensembles (Huang et al.): copies of the model's state taken at the end of each SGDR
/// cycle; predict() is the mean of the snapshots' softmax outputs along dim 1, in eval mode. The
/// model's own state and mode are restored after predict(), so it needs no separate copy.
///   SnapshotEnsemble ensemble(model);
///   for (...) { train_epoch(); scheduler.step(); ensemble.on_scheduler_step(scheduler); }
///   Tensor probabilities = ensemble.predict(images);
///
/// Not thread-safe.
class SnapshotEnsemble {
 public:
  /// @param model the model trained (not null).
  /// @throws ValueError when model is null.
  explicit SnapshotEnsemble(std::shared_ptr<nn::Module> model);
  /// Stores a copy of the model's state dict; returns the number of snapshots.
  /// @return the number of snapshots.
  int64_t snapshot();
  /// Call after each scheduler.step(): snapshots when that step began a new cycle (T_cur went
  /// back); returns whether it did.
  /// @param scheduler the SGDR schedule.
  /// @return whether a snapshot was taken.
  bool on_scheduler_step(const CosineAnnealingWarmRestarts& scheduler);
  /// The ensemble's prediction.
  /// @param input the model's input, (N, ...).
  /// @return the mean softmax probabilities, (N, num_classes).
  /// @throws RuntimeError when no snapshot was taken.
  Tensor predict(const Tensor& input);
  /// @return the number of snapshots.
  int64_t size() const { return static_cast<int64_t>(snapshots_.size()); }
  /// The snapshots' state dicts.
  /// @return them, oldest first.
  const std::vector<OrderedDict<Tensor>>& snapshots() const { return snapshots_; }

 private:
  std::shared_ptr<nn::Module> model_;
  std::vector<OrderedDict<Tensor>> snapshots_;
  std::optional<double> last_t_cur_;
};

}  // namespace striate::optim
