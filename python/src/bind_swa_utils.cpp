// Weight averaging (striate/optim/swa_utils.h) as _C._optim.AveragedModel, SWALR, update_bn,
// SnapshotEnsemble, is_restart and the averaging rules; striate.optim.swa_utils wraps them with
// torch's signatures. The built-in rules are C++ objects, so an AveragedModel built with one never
// calls back into Python; a Python averaging function is called with the count as an int.
#include <pybind11/functional.h>

#include "bindings.h"
#include "docstrings/optim_schedules.h"
#include "striate/optim/swa_utils.h"

namespace striate::python {

namespace {

// An averaging rule written in C++, over lists of tensors in place (torch's multi_avg_fn) ...
struct MultiAveragingRule {
  optim::MultiAveragingFn fn;
};
// ... or over one tensor, out of place (torch's avg_fn).
struct AveragingRule {
  optim::AveragingFn fn;
};

// torch passes the number of models averaged as a tensor; plain ints are accepted too.
int64_t count_of(const py::handle& num_averaged) {
  if (py::isinstance<TensorImpl>(num_averaged)) {
    return static_cast<int64_t>(num_averaged.cast<Tensor>().item_double());
  }
  return num_averaged.cast<int64_t>();
}

// The rule an AveragedModel applies: a C++ rule as it is, a Python function through std::function;
// avg_fn rules are applied to each tensor.
optim::MultiAveragingFn averaging_of(const py::object& multi_avg_fn, const py::object& avg_fn) {
  if (py::isinstance<MultiAveragingRule>(multi_avg_fn)) return multi_avg_fn.cast<const MultiAveragingRule&>().fn;
  if (!multi_avg_fn.is_none()) return multi_avg_fn.cast<optim::MultiAveragingFn>();
  if (py::isinstance<AveragingRule>(avg_fn)) return optim::each_tensor(avg_fn.cast<const AveragingRule&>().fn);
  if (!avg_fn.is_none()) return optim::each_tensor(avg_fn.cast<optim::AveragingFn>());
  return {};
}

void bind_averaging(py::module_& m) {
  py::class_<MultiAveragingRule>(m, "_MultiAveragingRule")
      .def(
          "__call__",
          [](const MultiAveragingRule& self, const std::vector<Tensor>& averaged, const std::vector<Tensor>& current,
             const py::handle& num_averaged) { self.fn(averaged, current, count_of(num_averaged)); },
          py::arg("averaged_param_list"), py::arg("current_param_list"), py::arg("num_averaged"));
  py::class_<AveragingRule>(m, "_AveragingRule")
      .def(
          "__call__",
          [](const AveragingRule& self, const Tensor& averaged, const Tensor& current, const py::handle& num_averaged) {
            return self.fn(averaged, current, count_of(num_averaged));
          },
          py::arg("averaged_param"), py::arg("current_param"), py::arg("num_averaged"));
  m.def("swa_multi_avg_fn", [] { return MultiAveragingRule{optim::swa_multi_avg_fn()}; });
  m.def(
      "ema_multi_avg_fn", [](double decay) { return MultiAveragingRule{optim::ema_multi_avg_fn(decay)}; },
      py::arg("decay") = 0.999);
  m.def("swa_avg_fn", [] { return AveragingRule{optim::swa_avg_fn()}; });
  m.def("ema_avg_fn", [](double decay) { return AveragingRule{optim::ema_avg_fn(decay)}; }, py::arg("decay") = 0.999);

  py::class_<optim::AveragedModel, py::smart_holder>(m, "AveragedModel")
      .def(py::init([](std::shared_ptr<nn::Module> averaged, const py::object& multi_avg_fn, const py::object& avg_fn,
                       bool use_buffers) {
             return std::make_unique<optim::AveragedModel>(std::move(averaged), averaging_of(multi_avg_fn, avg_fn),
                                                           use_buffers);
           }),
           py::arg("module"), py::arg("multi_avg_fn") = py::none(), py::arg("avg_fn") = py::none(),
           py::arg("use_buffers") = false)
      .def("update_parameters", &optim::AveragedModel::update_parameters, py::arg("model"))
      .def_property_readonly("n_averaged", &optim::AveragedModel::n_averaged);
}

void bind_batch_norm_and_snapshots(py::module_& m) {
  // The model as a shared_ptr: a Python-defined module walks its tree through shared_from_this.
  m.def(
      "update_bn",
      [](const std::shared_ptr<nn::Module>& model, const std::function<void()>& run_batches) {
        optim::update_bn(*model, run_batches);
      },
      py::arg("model"), py::arg("run_batches"));

  py::class_<optim::SWALR, optim::LRScheduler, py::smart_holder>(m, "SWALR")
      .def(
          py::init<optim::Optimizer&, std::vector<double>, int64_t, const std::string&, int64_t, std::vector<double>>(),
          py::arg("optimizer"), py::arg("swa_lr"), py::arg("anneal_epochs") = 10, py::arg("anneal_strategy") = "cos",
          py::arg("last_epoch") = -1, py::arg("base_lrs") = std::vector<double>{}, py::keep_alive<1, 2>());
  m.def("is_restart", &optim::is_restart, py::arg("scheduler"));

  py::class_<optim::SnapshotEnsemble, py::smart_holder>(m, "SnapshotEnsemble")
      .def(py::init<std::shared_ptr<nn::Module>>(), py::arg("model"))
      .def("snapshot", &optim::SnapshotEnsemble::snapshot, docstrings::kSnapshotEnsembleSnapshot)
      .def("on_scheduler_step", &optim::SnapshotEnsemble::on_scheduler_step, py::arg("scheduler"))
      .def("predict", &optim::SnapshotEnsemble::predict, py::arg("input"), docstrings::kSnapshotEnsemblePredict)
      .def("__len__", &optim::SnapshotEnsemble::size)
      // Each snapshot as a {name: tensor} dict.
      .def_property_readonly(
          "snapshots",
          [](const optim::SnapshotEnsemble& self) {
            py::list snapshots;
            for (const auto& state : self.snapshots()) {
              py::dict entry;
              for (const auto& item : state) entry[py::str(item.key)] = item.value;
              snapshots.append(entry);
            }
            return snapshots;
          },
          docstrings::kSnapshotEnsembleSnapshots);
}

}  // namespace

void init_swa_utils(py::module_& m) {
  auto optim_module = m.attr("_optim").cast<py::module_>();
  bind_averaging(optim_module);
  bind_batch_norm_and_snapshots(optim_module);
}

}  // namespace striate::python
