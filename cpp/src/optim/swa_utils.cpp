// AveragedModel and the SWA / EMA averaging rules of torch.optim.swa_utils, applied in place under
// no_grad to the averaged module's tensors; update_bn; SWALR; snapshot ensembles.
#include "striate/optim/swa_utils.h"

#include <algorithm>
#include <cmath>

#include "striate/autograd.h"
#include "striate/nn/normalization.h"
#include "striate/ops/activation.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

namespace {

constexpr double kPi = 3.14159265358979323846;

// a = a + weight * (c - a). Integer tensors (num_batches_tracked) are computed in float64 and
// truncated back, as torch's copy_ of the float result does.
void lerp_in_place(const Tensor& averaged, const Tensor& current, double weight) {
  Tensor target = averaged;
  if (averaged.is_floating_point()) {
    target.add_(sub(current.to(averaged.dtype()), averaged), weight);
  } else {
    Tensor mixed =
        add(averaged.to(DType::Float64), sub(current.to(DType::Float64), averaged.to(DType::Float64)), weight);
    target.copy_(mixed.to(averaged.dtype()));
  }
  target.bump_version();
}

std::vector<Tensor> tensors_of(const nn::Module& module, bool use_buffers) {
  std::vector<Tensor> tensors = module.parameters();
  if (use_buffers) {
    std::vector<Tensor> buffers = module.buffers();
    tensors.insert(tensors.end(), buffers.begin(), buffers.end());
  }
  return tensors;
}

void check_matching(const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, const char* what) {
  STRIATE_CHECK(averaged.size() == current.size(), "AveragedModel.update_parameters: expected a model with ",
                averaged.size(), " ", what, " (the averaged module's), got ", current.size());
  for (size_t i = 0; i < averaged.size(); ++i) {
    STRIATE_CHECK_SHAPE(averaged[i].shape() == current[i].shape(), "AveragedModel.update_parameters: ", what, " ", i,
                        " has shape ", current[i].shape(), ", expected ", averaged[i].shape());
  }
}

}  // namespace

MultiAveragingFn swa_multi_avg_fn() {
  return [](const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t num_averaged) {
    for (size_t i = 0; i < averaged.size(); ++i) {
      lerp_in_place(averaged[i], current[i], 1.0 / static_cast<double>(num_averaged + 1));
    }
  };
}

MultiAveragingFn ema_multi_avg_fn(double decay) {
  STRIATE_CHECK(decay >= 0 && decay <= 1, "ema_multi_avg_fn: expected 0 <= decay <= 1, got ", decay);
  return [decay](const std::vector<Tensor>& averaged, const std::vector<Tensor>& current, int64_t /*num_averaged*/) {
    for (size_t i = 0; i < averaged.size(); ++i) lerp_in_place(averaged[i], current[i], 1.0 - decay);
  };
}

AveragingFn swa_avg_fn() {
  return [](const Tensor& averaged, const Tensor& current, int64_t num_averaged) {
    return add(averaged, div(sub(current, averaged), Scalar(static_cast<double>(num_averaged + 1))));
  };
}

AveragingFn ema_avg_fn(double decay) {
  STRIATE_CHECK(decay >= 0 && decay <= 1, "ema_avg_fn: expected 0 <= decay <= 1, got ", decay);
  return [decay](const Tensor& averaged, const Tensor& current, int64_t /*num_averaged*/) {
    return add(mul(averaged, Scalar(decay)), mul(current, Scalar(1 - decay)));
  };
}

MultiAveragingFn each_tensor(AveragingFn fn) {
  STRIATE_CHECK(static_cast<bool>(fn), "each_tensor: expected an averaging function, got an empty one");
  return [fn = std::move(fn)](const std::vector<Tensor>& averaged, const std::vector<Tensor>& current,
                              int64_t num_averaged) {
    for (size_t i = 0; i < averaged.size(); ++i) {
      Tensor target = averaged[i];
      target.copy_(fn(averaged[i], current[i], num_averaged));
      target.bump_version();
    }
  };
}

AveragedModel::AveragedModel(std::shared_ptr<nn::Module> averaged, MultiAveragingFn fn, bool use_buffers)
    : averaged_(std::move(averaged)),
      fn_(fn ? std::move(fn) : swa_multi_avg_fn()),
      use_buffers_(use_buffers),
      n_averaged_(scalar_tensor(0.0, DType::Int64)) {
  STRIATE_CHECK(averaged_ != nullptr, "AveragedModel: expected a module to hold the average, got None");
}

int64_t AveragedModel::num_averaged() const { return static_cast<int64_t>(n_averaged_.item_double()); }

void AveragedModel::update_parameters(const nn::Module& model) {
  NoGradGuard no_grad;
  std::vector<Tensor> averaged = tensors_of(*averaged_, use_buffers_);
  std::vector<Tensor> current;
  for (const auto& tensor : tensors_of(model, use_buffers_)) current.push_back(tensor.detach());
  check_matching(averaged, current, use_buffers_ ? "parameters and buffers" : "parameters");
  for (auto& tensor : averaged) tensor = tensor.detach();
  int64_t count = num_averaged();
  if (count == 0) {
    for (size_t i = 0; i < averaged.size(); ++i) {
      averaged[i].copy_(current[i]);
      averaged[i].bump_version();
    }
  } else {
    fn_(averaged, current, count);
  }
  if (!use_buffers_) {
    // Buffers are not averaged: they follow the latest model.
    std::vector<Tensor> own_buffers = averaged_->buffers();
    std::vector<Tensor> model_buffers = model.buffers();
    check_matching(own_buffers, model_buffers, "buffers");
    for (size_t i = 0; i < own_buffers.size(); ++i) {
      Tensor target = own_buffers[i].detach();
      target.copy_(model_buffers[i].detach());
      target.bump_version();
    }
  }
  n_averaged_.fill_(static_cast<double>(count + 1));
  n_averaged_.bump_version();
}

// ---- update_bn -----------------------------------------------------------------------------------

namespace {

// Records every module's training flag and puts them back when it goes out of scope.
class TrainingModes {
 public:
  explicit TrainingModes(nn::Module& model) {
    for (const auto& module : model.modules()) modes_.emplace_back(module, module->is_training());
  }
  ~TrainingModes() {
    for (auto& [module, training] : modes_) module->set_training_flag(training);
  }
  TrainingModes(const TrainingModes&) = delete;
  TrainingModes& operator=(const TrainingModes&) = delete;

 private:
  std::vector<std::pair<std::shared_ptr<nn::Module>, bool>> modes_;
};

// Restores the BatchNorm momenta and the model's training flags when update_bn leaves, also on error.
class BatchNormStatsPass {
 public:
  explicit BatchNormStatsPass(nn::Module& model) : model_(model), modes_(model) {
    for (const auto& module : model.modules()) {
      if (auto* norm = dynamic_cast<nn::BatchNormImpl*>(module.get()))
        norms_.emplace_back(norm, norm->options.momentum());
    }
  }
  ~BatchNormStatsPass() {
    for (auto& [norm, momentum] : norms_) norm->options.momentum(momentum);
  }
  BatchNormStatsPass(const BatchNormStatsPass&) = delete;
  BatchNormStatsPass& operator=(const BatchNormStatsPass&) = delete;

  bool empty() const { return norms_.empty(); }
  void begin() {
    for (auto& [norm, momentum] : norms_) {
      norm->reset_running_stats();
      norm->options.momentum(std::nullopt);
    }
    model_.train(true);
  }

 private:
  nn::Module& model_;
  TrainingModes modes_;
  std::vector<std::pair<nn::BatchNormImpl*, std::optional<double>>> norms_;
};

}  // namespace

void update_bn(nn::Module& model, const std::function<void()>& run_batches) {
  BatchNormStatsPass pass(model);
  if (pass.empty()) return;
  pass.begin();
  NoGradGuard no_grad;
  run_batches();
}

void update_bn(data::DataLoader& loader, nn::Module& model) {
  update_bn(model, [&] {
    for (const auto& batch : loader) {
      STRIATE_CHECK(!batch.empty(),
                    "update_bn: expected batches holding at least the input tensor, got an empty batch");
      model.forward(batch[0]);
    }
  });
}

// ---- SWALR -----------------------------------------------------------------------------------------

SWALR::SWALR(Optimizer& optimizer, std::vector<double> swa_lr, int64_t anneal_epochs,
             const std::string& anneal_strategy, int64_t last_epoch, std::vector<double> base_lrs)
    : LRScheduler(optimizer, last_epoch, std::move(base_lrs)),
      anneal_epochs_(anneal_epochs),
      anneal_strategy_(anneal_strategy) {
  const size_t groups = optimizer.param_groups().size();
  if (swa_lr.size() == 1) swa_lr.resize(groups, swa_lr[0]);
  STRIATE_CHECK(swa_lr.size() == groups, "SWALR: expected ", groups, " values for swa_lr, got ", swa_lr.size());
  swa_lrs_ = std::move(swa_lr);
  STRIATE_CHECK(anneal_strategy == "cos" || anneal_strategy == "linear",
                "SWALR: anneal_strategy must be one of 'cos' or 'linear', got '", anneal_strategy, "'");
  STRIATE_CHECK(anneal_epochs >= 0, "SWALR: anneal_epochs must be an int >= 0, got ", anneal_epochs);
  initial_step();
}

double SWALR::anneal(double t) const {
  if (anneal_strategy_ == "cos") return (1 - std::cos(kPi * t)) / 2;
  return t;
}

std::vector<double> SWALR::get_lr() {
  // torch's form: recover the lr the annealing started from out of the current lr and the
  // previous step's alpha, then mix it with swa_lr by this step's alpha.
  int64_t step = step_count_ - 1;
  if (anneal_epochs_ == 0) step = std::max<int64_t>(1, step);
  const auto epochs = static_cast<double>(std::max<int64_t>(1, anneal_epochs_));
  const double previous_alpha = anneal(std::clamp(static_cast<double>(step - 1) / epochs, 0.0, 1.0));
  const double alpha = anneal(std::clamp(static_cast<double>(step) / epochs, 0.0, 1.0));
  std::vector<double> lrs = current_lrs();
  for (size_t i = 0; i < lrs.size(); ++i) {
    const double start =
        previous_alpha == 1 ? swa_lrs_[i] : (lrs[i] - previous_alpha * swa_lrs_[i]) / (1 - previous_alpha);
    lrs[i] = swa_lrs_[i] * alpha + start * (1 - alpha);
  }
  return lrs;
}

void SWALR::fields(ScheduleFields& fields) {
  LRScheduler::fields(fields);
  fields("swa_lrs", swa_lrs_)("anneal_epochs", anneal_epochs_)("anneal_strategy", anneal_strategy_);
}

bool is_restart(const CosineAnnealingWarmRestarts& scheduler) {
  return scheduler.last_epoch() > 0 && scheduler.T_cur() == 0;
}

// ---- SnapshotEnsemble ------------------------------------------------------------------------------

namespace {

OrderedDict<Tensor> copy_state(const nn::Module& model) {
  OrderedDict<Tensor> copy;
  for (const auto& item : model.state_dict()) copy.insert(item.key, item.value.detach().clone());
  return copy;
}

// Loads a snapshot for predict() and puts the model's own state and modes back when it leaves.
class StateRestorer {
 public:
  explicit StateRestorer(nn::Module& model) : model_(model), state_(copy_state(model)), modes_(model) {}
  ~StateRestorer() {
    NoGradGuard no_grad;
    model_.load_state_dict(state_);
  }
  StateRestorer(const StateRestorer&) = delete;
  StateRestorer& operator=(const StateRestorer&) = delete;

 private:
  nn::Module& model_;
  OrderedDict<Tensor> state_;
  TrainingModes modes_;
};

}  // namespace

SnapshotEnsemble::SnapshotEnsemble(std::shared_ptr<nn::Module> model) : model_(std::move(model)) {
  STRIATE_CHECK(model_ != nullptr, "SnapshotEnsemble: expected a module, got None");
}

int64_t SnapshotEnsemble::snapshot() {
  snapshots_.push_back(copy_state(*model_));
  return size();
}

bool SnapshotEnsemble::on_scheduler_step(const CosineAnnealingWarmRestarts& scheduler) {
  std::optional<double> previous = last_t_cur_;
  last_t_cur_ = scheduler.T_cur();
  bool restarted = previous ? scheduler.T_cur() < *previous : is_restart(scheduler);
  if (restarted) snapshot();
  return restarted;
}

Tensor SnapshotEnsemble::predict(const Tensor& input) {
  STRIATE_CHECK(!snapshots_.empty(), "SnapshotEnsemble.predict: no snapshot taken yet (call snapshot())");
  StateRestorer restore(*model_);
  NoGradGuard no_grad;
  model_->eval();
  Tensor total;
  for (const auto& state : snapshots_) {
    model_->load_state_dict(state);
    Tensor probabilities = softmax(model_->call(input), 1);
    total = total.defined() ? add(total, probabilities) : probabilities;
  }
  return div(total, Scalar(static_cast<double>(snapshots_.size())));
}

}  // namespace striate::optim
