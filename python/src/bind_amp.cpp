// striate._C._amp: the autocast state behind striate.autocast and GradScaler's fused unscale.
#include "bindings.h"
#include "ops/elementwise_internal.h"
#include "striate/core/autocast.h"
#include "striate/ops/amp.h"

namespace striate::python {
namespace {

DeviceType device_type_of(const std::string& name) {
  if (name == "cpu") return DeviceType::CPU;
  if (name == "cuda") return DeviceType::CUDA;
  throw ValueError(detail::str("autocast: expected device_type 'cpu' or 'cuda', got '", name, "'"));
}

}  // namespace

void init_amp(py::module_& m) {
  py::module_ amp = m.def_submodule("_amp", "autocast state and GradScaler kernels (striate.amp)");
  amp.def("is_autocast_enabled", [](const std::string& d) { return autocast::is_enabled(device_type_of(d)); });
  amp.def("set_autocast_enabled",
          [](const std::string& d, bool enabled) { autocast::set_enabled(device_type_of(d), enabled); });
  amp.def("get_autocast_dtype", [](const std::string& d) { return autocast::dtype(device_type_of(d)); });
  amp.def("set_autocast_dtype", [](const std::string& d, const py::handle& dtype) {
    autocast::set_dtype(device_type_of(d), dtype_from_py(dtype, "autocast"));
  });
  amp.def("is_autocast_cache_enabled", &autocast::is_cache_enabled);
  amp.def("set_autocast_cache_enabled", &autocast::set_cache_enabled);
  amp.def("increment_nesting", &autocast::increment_nesting);
  amp.def("decrement_nesting", &autocast::decrement_nesting);
  amp.def("clear_autocast_cache", &autocast::clear_cache);
  // Type promotion (torch.promote_types / torch.result_type), exposed by striate/__init__.py.
  amp.def("promote_types", [](const py::handle& a, const py::handle& b) {
    return promote_types(dtype_from_py(a, "promote_types"), dtype_from_py(b, "promote_types"));
  });
  amp.def("result_type_tensors", [](const Tensor& a, const Tensor& b) { return elementwise::result_dtype(a, b); });
  amp.def(
      "non_finite_check_and_unscale_",
      [](const std::vector<Tensor>& grads, const Tensor& found_inf, const Tensor& inv_scale) {
        py::gil_scoped_release release;
        amp_non_finite_check_and_unscale_(grads, found_inf, inv_scale);
      },
      py::arg("grads"), py::arg("found_inf"), py::arg("inv_scale"));
}

}  // namespace striate::python
