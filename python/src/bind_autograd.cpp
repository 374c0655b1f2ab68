// Autograd from Python: backward, autograd.grad, grad mode, tensor hooks and grad_fn nodes.
#include <pybind11/functional.h>

#include "bindings.h"
#include "py_scalar.h"
#include "striate/autograd.h"

namespace striate::python {
namespace {

// A removable handle, as PyTorch's RemovableHandle.
struct HookHandle {
  Tensor tensor;
  int id;
  bool removed = false;
  void remove() {
    if (!removed) tensor.remove_hook(id);
    removed = true;
  }
};

TensorHook wrap_hook(py::function fn) {
  auto holder = gil_safe(std::move(fn));
  return [holder](const Tensor& grad) -> Tensor {
    py::gil_scoped_acquire gil;
    py::object result = (*holder)(grad);
    if (result.is_none()) return Tensor();
    STRIATE_CHECK_TYPE(py::isinstance<TensorImpl>(result), "register_hook: a hook must return None or a Tensor");
    Tensor replaced = result.cast<Tensor>();
    STRIATE_CHECK_SHAPE(replaced.sizes() == grad.sizes(), "register_hook: the hook returned a gradient of shape ",
                        replaced.sizes(), " but ", grad.sizes(), " was expected");
    return replaced;
  };
}

}  // namespace

void init_autograd(py::module_& m) {
  auto ag = m.def_submodule("_autograd", "autograd engine entry points");
  ag.def("is_grad_enabled", &grad_mode_enabled);
  ag.def("set_grad_enabled", &set_grad_mode, py::arg("mode"));
  ag.def("is_inference_mode_enabled", &inference_mode_enabled);
  ag.def("_set_inference_mode", &set_inference_mode, py::arg("mode"));
  ag.def(
      "backward",
      [](const std::vector<Tensor>& roots, const std::vector<Tensor>& grads, bool retain_graph) {
        autograd::backward(roots, grads, retain_graph);
      },
      py::arg("tensors"), py::arg("grad_tensors"), py::arg("retain_graph"), py::call_guard<py::gil_scoped_release>());
  ag.def(
      "grad",
      [](const std::vector<Tensor>& roots, const std::vector<Tensor>& grads, const std::vector<Tensor>& inputs,
         bool retain_graph,
         bool allow_unused) { return autograd::grad(roots, grads, inputs, retain_graph, allow_unused); },
      py::arg("outputs"), py::arg("grad_outputs"), py::arg("inputs"), py::arg("retain_graph"), py::arg("allow_unused"),
      py::call_guard<py::gil_scoped_release>());

  py::class_<autograd::Node, std::shared_ptr<autograd::Node>>(ag, "Node")
      .def("name", &autograd::Node::name)
      .def_property_readonly("next_functions",
                             [](const autograd::Node& n) {
                               py::list out;
                               for (const auto& e : n.next_edges()) out.append(py::make_tuple(e.node, e.input_nr));
                               return py::tuple(out);
                             })
      .def("__repr__", [](const autograd::Node& n) { return "<" + n.name() + ">"; });

  py::class_<HookHandle>(ag, "RemovableHandle").def("remove", &HookHandle::remove);

  TensorClass cls = tensor_class(m);
  cls.def_property_readonly("grad_fn", tensor_method(&Tensor::grad_fn))
      .def(
          "register_hook",
          [](const Tensor& t, py::function fn) {
            int id = t.register_hook(wrap_hook(std::move(fn)));
            return HookHandle{t, id};
          },
          py::arg("hook"));
}

}  // namespace striate::python
