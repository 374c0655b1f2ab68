// C++ API test of the training helpers an embedding program uses without Python: update_bn over a
// DataLoader (BatchNorm statistics recomputed as a cumulative average), SnapshotEnsemble
// (snapshots at SGDR restarts, averaged softmax predictions), schedule state dicts and resuming,
// SWALR, and DataLoader::epoch_of (custom sampler orders). Returns non-zero on a failed check.
#include <striate/striate.h>

#include <cmath>
#include <iostream>
#include <vector>

#include "check.h"

namespace {

namespace nn = striate::nn;
namespace optim = striate::optim;
using striate::Tensor;

std::vector<double> values_of(const Tensor& t) {
  Tensor c = t.to(striate::DType::Float64).contiguous();
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}

// update_bn's running statistics are the plain mean over batches of each batch's mean and unbiased
// variance (momentum None); the layer's momentum and the model's mode are put back.
void test_update_bn_cumulative_average() {
  striate::manual_seed(3);
  const int64_t n = 12, features = 3, batch = 4;
  Tensor x = striate::randn({n, features});
  Tensor y = striate::zeros({n});
  auto dataset = std::make_shared<striate::data::TensorDataset>(std::vector<Tensor>{x, y});
  striate::data::DataLoader loader(dataset, striate::data::DataLoaderOptions().batch_size(batch));

  nn::BatchNorm1d norm{nn::BatchNormOptions(features)};
  norm->options.momentum(0.3);
  norm->eval();
  optim::update_bn(loader, *norm.ptr());

  std::vector<double> data = values_of(x);
  std::vector<double> expected_mean(features, 0.0), expected_var(features, 0.0);
  const int64_t batches = n / batch;
  for (int64_t b = 0; b < batches; ++b) {
    for (int64_t f = 0; f < features; ++f) {
      double mean = 0, square = 0;
      for (int64_t i = 0; i < batch; ++i) mean += data[(b * batch + i) * features + f] / batch;
      for (int64_t i = 0; i < batch; ++i) square += std::pow(data[(b * batch + i) * features + f] - mean, 2);
      expected_mean[f] += mean / batches;
      expected_var[f] += square / (batch - 1) / batches;
    }
  }
  std::vector<double> mean = values_of(norm->named_buffers()["running_mean"]);
  std::vector<double> var = values_of(norm->named_buffers()["running_var"]);
  for (int64_t f = 0; f < features; ++f) {
    CHECK_NEAR(mean[f], expected_mean[f], 1e-5);
    CHECK_NEAR(var[f], expected_var[f], 1e-5);
  }
  CHECK(norm->named_buffers()["num_batches_tracked"].item<int64_t>() == batches);
  CHECK(norm->options.momentum().has_value() && *norm->options.momentum() == 0.3);
  CHECK(!norm->is_training());

  // A model without BatchNorm is left alone; an error in the pass restores modes and momentum.
  nn::Linear plain(features, 2);
  std::vector<double> before = values_of(plain->parameters()[0]);
  optim::update_bn(loader, *plain.ptr());
  CHECK(values_of(plain->parameters()[0]) == before);
  nn::Sequential wrong{nn::Linear(features + 1, 2), nn::BatchNorm1d(nn::BatchNormOptions(2))};
  wrong->eval();
  CHECK_THROWS(striate::ValueError, optim::update_bn(loader, *wrong.ptr()), "in_features");
  CHECK(!wrong->is_training());
  for (const auto& module : wrong->modules()) CHECK(!module->is_training());
}

// predict() is the mean of softmax(model(x)) over the snapshots, in eval mode, and leaves the
// model's own weights and mode as they were.
void test_snapshot_ensemble_predict() {
  striate::manual_seed(0);
  nn::Sequential model{nn::Linear(4, 6), nn::Dropout(0.5), nn::Linear(6, 3)};
  Tensor x = striate::randn({5, 4});
  optim::SnapshotEnsemble ensemble(model.ptr());
  CHECK_THROWS(striate::ValueError, ensemble.predict(x), "no snapshot");

  std::vector<Tensor> expected;
  for (int round = 0; round < 3; ++round) {
    {
      striate::NoGradGuard no_grad;
      for (auto& p : model->parameters()) p.add_(striate::randn(p.shape()), 0.5);
    }
    CHECK(ensemble.snapshot() == round + 1);
    model->eval();
    expected.push_back(striate::softmax(model->forward(x), 1));
    model->train();
  }
  {
    striate::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(striate::randn(p.shape()), 0.5);
  }
  std::vector<std::vector<double>> own;
  for (const auto& p : model->parameters()) own.push_back(values_of(p));

  std::vector<double> got = values_of(ensemble.predict(x));
  std::vector<double> a = values_of(expected[0]), b = values_of(expected[1]), c = values_of(expected[2]);
  CHECK(got.size() == a.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK_NEAR(got[i], (a[i] + b[i] + c[i]) / 3, 1e-6);
  for (int64_t row = 0; row < 5; ++row) CHECK_NEAR(got[row * 3] + got[row * 3 + 1] + got[row * 3 + 2], 1.0, 1e-6);
  CHECK(model->is_training());
  std::vector<Tensor> params = model->parameters();
  for (size_t i = 0; i < params.size(); ++i) CHECK(values_of(params[i]) == own[i]);
}

// on_scheduler_step snapshots exactly when a CosineAnnealingWarmRestarts step begins a new cycle.
void test_snapshot_ensemble_follows_sgdr_restarts() {
  nn::Linear model(2, 2);
  optim::SGD optimizer(model->parameters(), optim::SGDOptions(0.1));
  optim::CosineAnnealingWarmRestarts scheduler(optimizer, /*T_0=*/3, /*T_mult=*/2);
  optim::SnapshotEnsemble ensemble(model.ptr());
  std::vector<int64_t> restarts;
  for (int64_t epoch = 1; epoch <= 21; ++epoch) {
    optimizer.step();
    scheduler.step();
    if (ensemble.on_scheduler_step(scheduler)) restarts.push_back(epoch);
  }
  // cycles of 3, 6 and 12 epochs end after epochs 3, 9 and 21
  CHECK((restarts == std::vector<int64_t>{3, 9, 21}));
  CHECK(ensemble.size() == 3);
}

// A schedule resumed with last_epoch and base_lrs, or loaded from a state dict, continues as the
// uninterrupted one; a state of the wrong type and a resume without base_lrs are refused.
void test_schedule_state_dict_and_resume() {
  nn::Linear model(2, 2);
  optim::SGD a(model->parameters(), optim::SGDOptions(0.1));
  optim::CosineAnnealingLR first(a, /*T_max=*/10);
  for (int i = 0; i < 4; ++i) first.step();
  optim::ScheduleState state = first.state_dict();
  CHECK(std::get<int64_t>(state.at("last_epoch")) == 4);
  CHECK(std::get<int64_t>(state.at("T_max")) == 10);

  // Resuming from epoch 3 (the optimizer's lr restored from its checkpoint): the first step,
  // to epoch 4, keeps that lr, as torch's does.
  optim::SGD b(model->parameters(), optim::SGDOptions(first.get_last_lr()[0]));
  optim::CosineAnnealingLR resumed(b, 10, 0.0, /*last_epoch=*/3, /*base_lrs=*/{0.1});
  optim::SGD c(model->parameters(), optim::SGDOptions(0.1));
  optim::CosineAnnealingLR loaded(c, 10);
  loaded.load_state_dict(state);
  c.param_groups()[0].options().set_lr(first.get_last_lr()[0]);
  CHECK_NEAR(resumed.get_last_lr()[0], first.get_last_lr()[0], 1e-15);
  for (int i = 0; i < 8; ++i) {
    first.step();
    resumed.step();
    loaded.step();
    CHECK_NEAR(resumed.get_last_lr()[0], first.get_last_lr()[0], 1e-15);
    CHECK_NEAR(loaded.get_last_lr()[0], first.get_last_lr()[0], 1e-15);
  }
  CHECK(loaded.last_epoch() == 12);
  CHECK_THROWS(striate::TypeError, loaded.load_state_dict({{"last_epoch", std::string("x")}}),
               "expected a number for 'last_epoch'");
  CHECK_THROWS(striate::ValueError, optim::StepLR(c, 2, 0.1, /*last_epoch=*/5), "needs the base_lrs");
}

// SWALR with linear annealing over 3 epochs: 1.0, then two thirds and one third of the way to
// swa_lr, then swa_lr for good.
void test_swalr_anneals_to_swa_lr() {
  nn::Linear model(2, 2);
  optim::SGD optimizer(model->parameters(), optim::SGDOptions(1.0));
  optim::SWALR schedule(optimizer, {0.1}, /*anneal_epochs=*/3, "linear");
  std::vector<double> expected{1.0, 0.7, 0.4, 0.1, 0.1, 0.1};
  for (double lr : expected) {
    CHECK_NEAR(optimizer.param_groups()[0].options().get_lr(), lr, 1e-12);
    schedule.step();
  }
  CHECK_THROWS(striate::ValueError, optim::SWALR(optimizer, {0.1, 0.2}), "expected 1 values for swa_lr");
}

// DataLoader::epoch_of: a custom sampler's order, cut into batch_size batches or at explicit
// bounds (a batch sampler's), built by worker threads like any epoch; bad orders are refused.
void test_loader_epoch_of_custom_orders() {
  Tensor x = striate::arange(10).reshape({10, 1});
  auto dataset = std::make_shared<striate::data::TensorDataset>(std::vector<Tensor>{x, striate::arange(10)});
  striate::data::DataLoader loader(dataset, striate::data::DataLoaderOptions().batch_size(3).num_workers(2).seed(0));
  auto labels = [](const std::shared_ptr<striate::data::EpochBatches>& epoch) {
    std::vector<std::vector<int64_t>> batches;
    while (auto batch = epoch->next()) {
      Tensor y = (*batch)[1].contiguous();
      batches.emplace_back(y.data<int64_t>(), y.data<int64_t>() + y.numel());
    }
    return batches;
  };
  CHECK((labels(loader.epoch_of({9, 0, 4, 4, 7})) == std::vector<std::vector<int64_t>>{{9, 0, 4}, {4, 7}}));
  CHECK((labels(loader.epoch_of({5, 1, 2, 8}, {0, 1, 4})) == std::vector<std::vector<int64_t>>{{5}, {1, 2, 8}}));
  CHECK(labels(loader.epoch_of({})).empty());
  CHECK_THROWS(striate::IndexError, loader.epoch_of({0, 10}), "outside the dataset of 10");
  CHECK_THROWS(striate::IndexError, loader.epoch_of({-1}), "index -1");
  CHECK_THROWS(striate::ValueError, loader.epoch_of({1, 2}, {0, 1}), "bounds must run from 0");
  CHECK_THROWS(striate::ValueError, loader.epoch_of({1, 2}, {0, 0, 2}), "empty batch");
}

}  // namespace

int main() {
  try {
    test_update_bn_cumulative_average();
    test_snapshot_ensemble_predict();
    test_snapshot_ensemble_follows_sgdr_restarts();
    test_schedule_state_dict_and_resume();
    test_swalr_anneals_to_swa_lr();
    test_loader_epoch_of_custom_orders();
  } catch (const std::exception& e) {
    std::cerr << "unexpected exception: " << e.what() << "\n";
    return 1;
  }
  return report("test_training");
}
