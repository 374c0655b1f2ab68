// The learning-rate schedules (striate/optim/lr_scheduler.h) as _C._optim.LRScheduler, StepLR, ...
// The classes of striate.optim.lr_scheduler subclass these and add torch's argument handling;
// LRScheduler itself has a trampoline, so a Python subclass may define get_lr (and torch's
// _get_closed_form_lr). Every constructor ends with last_epoch and base_lrs (torch's initial_lr).
#include <pybind11/functional.h>

#include "bindings.h"
#include "docstrings/optim_schedules.h"
#include "striate/optim/lr_scheduler.h"

namespace striate::python {

namespace {

using optim::LRScheduler;
using optim::Optimizer;

class PyLRScheduler : public LRScheduler, public py::trampoline_self_life_support {
 public:
  using LRScheduler::LRScheduler;
  std::vector<double> get_lr() override { PYBIND11_OVERRIDE_PURE(std::vector<double>, LRScheduler, get_lr, ); }

 protected:
  std::vector<double> closed_form_lr() override {
    PYBIND11_OVERRIDE_NAME(std::vector<double>, LRScheduler, "_get_closed_form_lr", closed_form_lr, );
  }
};

template <typename T>
using ScheduleClass = py::class_<T, LRScheduler, py::smart_holder>;

// The arguments every schedule ends with.
auto last_epoch_arg() { return py::arg("last_epoch") = -1; }
auto base_lrs_arg() { return py::arg("base_lrs") = std::vector<double>{}; }

void bind_base(py::module_& m) {
  py::class_<LRScheduler, PyLRScheduler, py::smart_holder>(m, "LRScheduler", docstrings::kLRScheduler)
      .def(py::init_alias<Optimizer&, int64_t, std::vector<double>>(), py::arg("optimizer"), last_epoch_arg(),
           base_lrs_arg(), py::keep_alive<1, 2>())
      .def("step", py::overload_cast<>(&LRScheduler::step), docstrings::kLRSchedulerStep)
      .def("get_lr", &LRScheduler::get_lr, docstrings::kLRSchedulerGetLr)
      .def("get_last_lr", &LRScheduler::get_last_lr, docstrings::kLRSchedulerGetLastLr)
      .def("_initial_step", &LRScheduler::initial_step)
      .def_property("last_epoch", &LRScheduler::last_epoch, &LRScheduler::set_last_epoch,
                    docstrings::kLRSchedulerLastEpoch)
      .def_property("base_lrs", &LRScheduler::base_lrs, &LRScheduler::set_base_lrs, docstrings::kLRSchedulerBaseLrs)
      .def_property_readonly("_step_count", &LRScheduler::step_count)
      .def("_state_dict", &LRScheduler::state_dict)
      .def("_load_state_dict", &LRScheduler::load_state_dict, py::arg("state_dict"));
}

void bind_closed_forms(py::module_& m) {
  ScheduleClass<optim::StepLR>(m, "StepLR")
      .def(py::init<Optimizer&, int64_t, double, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("step_size"), py::arg("gamma") = 0.1, last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::MultiStepLR>(m, "MultiStepLR")
      .def(py::init<Optimizer&, std::vector<int64_t>, double, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("milestones"), py::arg("gamma") = 0.1, last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::ExponentialLR>(m, "ExponentialLR")
      .def(py::init<Optimizer&, double, int64_t, std::vector<double>>(), py::arg("optimizer"), py::arg("gamma"),
           last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::InverseTimeLR>(m, "InverseTimeLR")
      .def(py::init<Optimizer&, double, int64_t, std::vector<double>>(), py::arg("optimizer"), py::arg("decay_rate"),
           last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::ConstantLR>(m, "ConstantLR")
      .def(py::init<Optimizer&, double, int64_t, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("factor") = 1.0 / 3, py::arg("total_iters") = 5, last_epoch_arg(), base_lrs_arg(),
           py::keep_alive<1, 2>());
  ScheduleClass<optim::PolynomialLR>(m, "PolynomialLR")
      .def(py::init<Optimizer&, int64_t, double, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("total_iters") = 5, py::arg("power") = 1.0, last_epoch_arg(), base_lrs_arg(),
           py::keep_alive<1, 2>());
  ScheduleClass<optim::LinearLR>(m, "LinearLR")
      .def(py::init<Optimizer&, double, double, int64_t, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("start_factor") = 1.0 / 3, py::arg("end_factor") = 1.0, py::arg("total_iters") = 5, last_epoch_arg(),
           base_lrs_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::CosineAnnealingLR>(m, "CosineAnnealingLR")
      .def(py::init<Optimizer&, int64_t, double, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("T_max"), py::arg("eta_min") = 0.0, last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  using WarmRestarts = optim::CosineAnnealingWarmRestarts;
  ScheduleClass<WarmRestarts>(m, "CosineAnnealingWarmRestarts")
      .def(py::init<Optimizer&, int64_t, int64_t, double, int64_t, std::vector<double>>(), py::arg("optimizer"),
           py::arg("T_0"), py::arg("T_mult") = 1, py::arg("eta_min") = 0.0, last_epoch_arg(), base_lrs_arg(),
           py::keep_alive<1, 2>())
      .def(
          "step",
          [](WarmRestarts& self, std::optional<double> epoch) {
            if (epoch) {
              self.step(*epoch);
            } else {
              self.step();
            }
          },
          py::arg("epoch") = py::none(), docstrings::kWarmRestartsStep)
      .def_property_readonly("T_cur", &WarmRestarts::T_cur, docstrings::kWarmRestartsTCur)
      .def_property_readonly("T_i", &WarmRestarts::T_i, docstrings::kWarmRestartsTI);
}

void bind_user_functions(py::module_& m) {
  using Lambdas = std::vector<optim::LambdaSchedule::Lambda>;
  py::class_<optim::LambdaSchedule, LRScheduler, py::smart_holder>(m, "_LambdaSchedule");
  py::class_<optim::LambdaLR, optim::LambdaSchedule, py::smart_holder>(m, "LambdaLR")
      .def(py::init<Optimizer&, Lambdas, int64_t, std::vector<double>>(), py::arg("optimizer"), py::arg("lr_lambdas"),
           last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
  py::class_<optim::MultiplicativeLR, optim::LambdaSchedule, py::smart_holder>(m, "MultiplicativeLR")
      .def(py::init<Optimizer&, Lambdas, int64_t, std::vector<double>>(), py::arg("optimizer"), py::arg("lr_lambdas"),
           last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>());
}

void bind_cycles(py::module_& m) {
  ScheduleClass<optim::OneCycleLR>(m, "OneCycleLR")
      .def(py::init([](Optimizer& optimizer, const std::vector<double>& max_lr, int64_t total_steps, double pct_start,
                       const std::string& anneal_strategy, bool cycle_momentum,
                       const std::vector<double>& base_momentum, const std::vector<double>& max_momentum,
                       double div_factor, double final_div_factor, bool three_phase, int64_t last_epoch) {
             optim::OneCycleLROptions options(max_lr, total_steps);
             options.pct_start(pct_start).anneal_strategy(anneal_strategy).cycle_momentum(cycle_momentum);
             options.base_momentum(base_momentum).max_momentum(max_momentum).div_factor(div_factor);
             options.final_div_factor(final_div_factor).three_phase(three_phase);
             return std::make_unique<optim::OneCycleLR>(optimizer, options, last_epoch);
           }),
           py::arg("optimizer"), py::arg("max_lr"), py::arg("total_steps"), py::arg("pct_start") = 0.3,
           py::arg("anneal_strategy") = "cos", py::arg("cycle_momentum") = true,
           py::arg("base_momentum") = std::vector<double>{0.85}, py::arg("max_momentum") = std::vector<double>{0.95},
           py::arg("div_factor") = 25.0, py::arg("final_div_factor") = 1e4, py::arg("three_phase") = false,
           last_epoch_arg(), py::keep_alive<1, 2>());
  ScheduleClass<optim::CyclicLR>(m, "CyclicLR")
      .def(py::init([](Optimizer& optimizer, const std::vector<double>& base_lr, const std::vector<double>& max_lr,
                       double step_size_up, std::optional<double> step_size_down, const std::string& mode, double gamma,
                       std::optional<std::function<double(double)>> scale_fn, const std::string& scale_mode,
                       bool cycle_momentum, const std::vector<double>& base_momentum,
                       const std::vector<double>& max_momentum, int64_t last_epoch, std::vector<double> base_lrs) {
             optim::CyclicLROptions options(base_lr, max_lr);
             options.step_size_up(step_size_up).step_size_down(step_size_down).mode(mode).gamma(gamma);
             if (scale_fn) options.scale_fn(*scale_fn);
             options.scale_mode(scale_mode).cycle_momentum(cycle_momentum);
             options.base_momentum(base_momentum).max_momentum(max_momentum);
             return std::make_unique<optim::CyclicLR>(optimizer, options, last_epoch, std::move(base_lrs));
           }),
           py::arg("optimizer"), py::arg("base_lr"), py::arg("max_lr"), py::arg("step_size_up") = 2000.0,
           py::arg("step_size_down") = py::none(), py::arg("mode") = "triangular", py::arg("gamma") = 1.0,
           py::arg("scale_fn") = py::none(), py::arg("scale_mode") = "cycle", py::arg("cycle_momentum") = true,
           py::arg("base_momentum") = std::vector<double>{0.8}, py::arg("max_momentum") = std::vector<double>{0.9},
           last_epoch_arg(), base_lrs_arg(), py::keep_alive<1, 2>())
      .def("scale_fn", &optim::CyclicLR::scale, py::arg("x"), docstrings::kCyclicScaleFn);
}

void bind_composites_and_plateau(py::module_& m) {
  using Schedules = std::vector<std::shared_ptr<LRScheduler>>;
  ScheduleClass<optim::ChainedScheduler>(m, "ChainedScheduler")
      .def(py::init<Schedules, Optimizer*>(), py::arg("schedulers"), py::arg("optimizer") = py::none(),
           py::keep_alive<1, 3>());
  ScheduleClass<optim::SequentialLR>(m, "SequentialLR")
      .def(py::init<Optimizer&, Schedules, std::vector<int64_t>, int64_t>(), py::arg("optimizer"),
           py::arg("schedulers"), py::arg("milestones"), last_epoch_arg(), py::keep_alive<1, 2>());
  using Plateau = optim::ReduceLROnPlateau;
  ScheduleClass<Plateau>(m, "ReduceLROnPlateau")
      .def(py::init([](Optimizer& optimizer, const std::string& mode, double factor, int64_t patience, double threshold,
                       const std::string& threshold_mode, int64_t cooldown, double min_lr,
                       const std::vector<double>& min_lrs, double eps) {
             optim::ReduceLROnPlateauOptions options;
             options.mode(mode).factor(factor).patience(patience).threshold(threshold);
             options.threshold_mode(threshold_mode).cooldown(cooldown).min_lr(min_lr).min_lrs(min_lrs).eps(eps);
             return std::make_unique<Plateau>(optimizer, options);
           }),
           py::arg("optimizer"), py::arg("mode") = "min", py::arg("factor") = 0.1, py::arg("patience") = 10,
           py::arg("threshold") = 1e-4, py::arg("threshold_mode") = "rel", py::arg("cooldown") = 0,
           py::arg("min_lr") = 0.0, py::arg("min_lrs") = std::vector<double>{}, py::arg("eps") = 1e-8,
           py::keep_alive<1, 2>())
      .def("step", py::overload_cast<double>(&Plateau::step), py::arg("metrics"), docstrings::kPlateauStep)
      .def("is_better", &Plateau::is_better, py::arg("a"), py::arg("best"), docstrings::kPlateauIsBetter)
      .def_property_readonly("in_cooldown", &Plateau::in_cooldown, docstrings::kPlateauInCooldown)
      .def_property_readonly("best", &Plateau::best, docstrings::kPlateauBest)
      .def_property_readonly("num_bad_epochs", &Plateau::num_bad_epochs, docstrings::kPlateauNumBadEpochs);
}

}  // namespace

void init_lr_scheduler(py::module_& m) {
  auto optim_module = m.attr("_optim").cast<py::module_>();
  bind_base(optim_module);
  bind_closed_forms(optim_module);
  bind_user_functions(optim_module);
  bind_cycles(optim_module);
  bind_composites_and_plateau(optim_module);
}

}  // namespace striate::python
