// AveragedModel and the SWA / EMA averaging rules of torch.optim.swa_utils, applied in place under
// no_grad to the averaged module's tensors.
#include "striate/optim/swa_utils.h"

#include "striate/autograd.h"
#include "striate/ops/creation.h"
#include "striate/ops/elementwise.h"

namespace striate::optim {

namespace {

// a = a + weight * (c - a). Integer tensors (num_batches_tracked) are computed in float64 and
// truncated back, as torch's copy_ of the float result does.
void lerp_in_place(const Tensor& averaged, const Tensor& current, double weight) {
  Tensor target = averaged;
  if (averaged.is_floating_point()) {
    target.add_(sub(current.to(averaged.dtype()), averaged), weight);
  } else {
    Tensor mixed = add(averaged.to(DType::Float64), sub(current.to(DType::Float64), averaged.to(DType::Float64)),
                       weight);
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

}  // namespace striate::optim
