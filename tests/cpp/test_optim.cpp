// C++ API test of the optimizers' options by name and of the state dict: the names each options
// struct lists, get/set with their conversions and errors, and a state dict that restores an
// optimizer so that it steps on exactly as the saved one (and changes nothing when it fails); the
// optimizers added for torch users (Adadelta ... ASGD) from C++.
#include <striate/striate.h>

#include <cmath>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "check.h"

namespace {

namespace optim = striate::optim;
using striate::Tensor;

Tensor parameter(std::vector<float> values) {
  Tensor t = striate::tensor(values);
  t.requires_grad_(true);
  return t;
}

bool same(const Tensor& a, const Tensor& b) {
  Tensor x = a.contiguous(), y = b.contiguous();
  if (x.numel() != y.numel()) return false;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (x.data<float>()[i] != y.data<float>()[i]) return false;
  }
  return true;
}

// One step on loss = sum(p * p * weights).
void step(optim::Optimizer& opt, const std::vector<Tensor>& params) {
  opt.zero_grad();
  Tensor loss;
  for (const auto& p : params) {
    Tensor term = striate::sum(striate::mul(p, p));
    loss = loss.defined() ? striate::add(loss, term) : term;
  }
  loss.backward();
  opt.step();
}

void test_options_by_name() {
  optim::SGDOptions sgd(0.1);
  sgd.momentum(0.9);
  const std::vector<std::string> expected{"lr",       "momentum", "dampening",    "weight_decay",
                                          "nesterov", "maximize", "momentum_form"};
  CHECK(sgd.names() == expected);
  CHECK(std::get<double>(sgd.get("momentum")) == 0.9);
  sgd.set("lr", optim::OptionValue(int64_t{2}));  // an integer where a number is expected
  CHECK(sgd.lr() == 2.0 && sgd.get_lr() == 2.0);
  sgd.set("nesterov", optim::OptionValue(true));
  CHECK(sgd.nesterov());
  CHECK_THROWS(striate::TypeError, sgd.set("nesterov", optim::OptionValue(1.0)), "nesterov: expected a bool");
  CHECK_THROWS(striate::KeyError, sgd.get("betas"), "unknown option 'betas'");

  optim::AdamOptions adam;
  adam.set("betas", optim::OptionValue(std::vector<double>{0.8, 0.99}));
  CHECK(adam.betas().first == 0.8 && adam.betas().second == 0.99);
  CHECK_THROWS(striate::ValueError, adam.set("betas", optim::OptionValue(std::vector<double>{0.8})), "pair");

  optim::LBFGSOptions lbfgs;
  CHECK(std::holds_alternative<std::monostate>(lbfgs.get("line_search_fn")));
  lbfgs.set("line_search_fn", optim::OptionValue(std::string("strong_wolfe")));
  CHECK(lbfgs.line_search_fn() == std::optional<std::string>("strong_wolfe"));
  lbfgs.set("max_eval", optim::OptionValue());
  CHECK(!lbfgs.max_eval());
}

void test_state_dict_round_trip() {
  std::vector<Tensor> ours{parameter({1.0f, -2.0f}), parameter({0.5f})};
  optim::Adam opt(ours, optim::AdamOptions(0.05).amsgrad(true));
  for (int i = 0; i < 3; ++i) step(opt, ours);
  const optim::OptimizerStateDict saved = opt.state_dict();
  CHECK(saved.param_groups.size() == 1 && saved.param_groups[0].params == std::vector<int64_t>({0, 1}));
  CHECK(saved.state.size() == 2);

  std::vector<Tensor> copies{parameter({0.0f, 0.0f}), parameter({0.0f})};
  for (size_t i = 0; i < ours.size(); ++i) {
    striate::NoGradGuard no_grad;
    copies[i].copy_(ours[i]);
  }
  optim::Adam fresh(copies, optim::AdamOptions(0.5));
  fresh.load_state_dict(saved);
  CHECK(fresh.param_groups()[0].options().get_lr() == 0.05);
  for (int i = 0; i < 3; ++i) {
    step(opt, ours);
    step(fresh, copies);
  }
  for (size_t i = 0; i < ours.size(); ++i) {
    CHECK(same(ours[i], copies[i]));
  }

  // A state tensor of the wrong shape: an error, and the options and state are as before.
  optim::OptimizerStateDict bad = saved;
  bad.param_groups[0].options[0].second = 0.125;
  bad.state[1] = {{"step", striate::scalar_tensor(1.0, striate::DType::Float32)}, {"exp_avg", striate::zeros({7})}};
  const Tensor before = fresh.state(copies[0])->tensors()[0].second.clone();
  CHECK_THROWS(striate::ValueError, fresh.load_state_dict(bad), "exp_avg");
  CHECK(fresh.param_groups()[0].options().get_lr() == 0.05);
  CHECK(same(fresh.state(copies[0])->tensors()[0].second, before));

  bad = saved;
  bad.param_groups[0].params = {0};
  CHECK_THROWS(striate::ValueError, fresh.load_state_dict(bad), "doesn't match the size");
  bad = saved;
  bad.state[5] = saved.state.at(0);
  CHECK_THROWS(striate::ValueError, fresh.load_state_dict(bad), "which no group has");
}

// Each of Adadelta, Adamax, NAdam, RAdam, Rprop and ASGD from C++: options by name, a loss that
// goes down, a state dict that resumes exactly, and a bad option named in the error.
template <typename OptimizerType, typename OptionsType>
void check_more(const OptionsType& options, const std::string& bad_option, optim::OptionValue bad_value,
                const std::string& message) {
  std::vector<Tensor> ours{parameter({1.0f, -2.0f}), parameter({0.5f})};
  OptimizerType opt(ours, options);
  const double before = ours[0].contiguous().data<float>()[0];
  for (int i = 0; i < 5; ++i) step(opt, ours);
  CHECK(std::fabs(ours[0].contiguous().data<float>()[0]) < std::fabs(before));
  const optim::OptimizerStateDict saved = opt.state_dict();
  CHECK(saved.state.size() == 2);
  std::vector<Tensor> copies{parameter({0.0f, 0.0f}), parameter({0.0f})};
  for (size_t i = 0; i < ours.size(); ++i) {
    striate::NoGradGuard no_grad;
    copies[i].copy_(ours[i]);
  }
  OptimizerType fresh(copies, OptionsType(0.5));
  fresh.load_state_dict(saved);
  CHECK(fresh.param_groups()[0].options().get_lr() == options.lr());
  for (int i = 0; i < 3; ++i) {
    step(opt, ours);
    step(fresh, copies);
  }
  for (size_t i = 0; i < ours.size(); ++i) CHECK(same(ours[i], copies[i]));
  OptionsType bad = options;
  bad.set(bad_option, bad_value);
  CHECK_THROWS(striate::ValueError, OptimizerType(ours, bad), message);
}

void test_more_optimizers() {
  using optim::OptionValue;
  check_more<optim::Adadelta>(optim::AdadeltaOptions(1.0).rho(0.8).weight_decay(0.01), "rho", OptionValue(1.5),
                              "Adadelta: invalid rho value");
  check_more<optim::Adamax>(optim::AdamaxOptions(0.05).betas({0.8, 0.99}), "betas",
                            OptionValue(std::vector<double>{0.9, 1.0}), "Adamax: invalid beta parameter at index 1");
  check_more<optim::NAdam>(optim::NAdamOptions(0.05).weight_decay(0.1).decoupled_weight_decay(true), "momentum_decay",
                           OptionValue(-1.0), "NAdam: invalid momentum_decay value");
  check_more<optim::RAdam>(optim::RAdamOptions(0.05).betas({0.9, 0.9}), "lr", OptionValue(-1.0),
                           "RAdam: invalid learning rate");
  check_more<optim::Rprop>(optim::RpropOptions(0.05).etas({0.4, 1.3}), "etas",
                           OptionValue(std::vector<double>{0.5, 0.9}), "Rprop: invalid etas values");
  check_more<optim::ASGD>(optim::ASGDOptions(0.05).t0(2), "lambd", OptionValue(-1.0), "ASGD: invalid lambd value");
}

}  // namespace

int main() {
  try {
    test_options_by_name();
    test_state_dict_round_trip();
    test_more_optimizers();
  } catch (const std::exception& e) {
    std::cerr << "unexpected exception: " << e.what() << "\n";
    return 1;
  }
  return report("test_optim");
}
