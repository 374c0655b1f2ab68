// Autograd from Python: backward, autograd.grad, grad mode, tensor hooks and grad_fn nodes.
#include <pybind11/functional.h>

#include "bindings.h"
#include "docstrings/tensor.h"
#include "py_scalar.h"
#include "striate/anomaly.h"
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

// The backward of a Python-defined autograd Function (striate.autograd.Function): `backward`
// receives one gradient per forward output (None where none arrived) and returns one per tensor
// input (None where not needed); the Python side checks shapes and dtypes.
class PythonFunctionNode : public autograd::Node {
 public:
  PythonFunctionNode(std::shared_ptr<py::object> backward, std::string name, size_t inputs)
      : backward_(std::move(backward)), name_(std::move(name)), inputs_(inputs) {}

  std::vector<Tensor> apply(std::vector<Tensor>&& grad_outputs) override {
    py::gil_scoped_acquire gil;
    py::list grads;
    for (const Tensor& g : grad_outputs) grads.append(g.defined() ? py::cast(g) : py::none());
    py::object result = (*backward_)(grads);
    std::vector<Tensor> out(inputs_);
    py::sequence items = result.cast<py::sequence>();
    STRIATE_CHECK(items.size() == inputs_, name_, ": backward returned ", items.size(), " gradients for ", inputs_,
                  " tensor inputs");
    for (size_t i = 0; i < inputs_; ++i) {
      py::object item = items[i];
      if (!item.is_none()) out[i] = item.cast<Tensor>();
    }
    return out;
  }
  std::string name() const override { return name_; }
  std::string torch_name() const override { return name_; }  // torch: "<Function>Backward"
  void release_saved() override {
    py::gil_scoped_acquire gil;
    backward_.reset();  // the closure holds ctx and its saved tensors
  }

 private:
  std::shared_ptr<py::object> backward_;
  std::string name_;
  size_t inputs_;
};

// torch shows each node as an instance of a class named after it: type(g).__name__ is
// "MseLossBackward0" ("AccumulateGrad" for torch::autograd::AccumulateGrad). One subclass of the
// bound Node per name, made on first use and kept for the process; it adds no slots, so CPython
// accepts it as the object's __class__ (Node carries a dict, hence the GC deallocator every
// Python subclass has). isinstance(g, Node) holds.
py::object node_class(const std::string& torch_name) {
  // Leaked on purpose: the classes live as long as the interpreter, and no destructor may run
  // after it is finalized.
  static PyObject* classes = PyDict_New();
  const size_t scope = torch_name.rfind("::");
  const std::string name = scope == std::string::npos ? torch_name : torch_name.substr(scope + 2);
  py::str key(name);
  if (PyObject* found = PyDict_GetItem(classes, key.ptr())) return py::reinterpret_borrow<py::object>(found);
  py::type base = py::type::of<autograd::Node>();
  py::dict body;
  body["__slots__"] = py::tuple();
  body["__module__"] = "builtins";  // as torch's: <class 'MseLossBackward0'>
  body["__doc__"] = py::str("The backward node " + name + " (a striate.autograd.Node).");
  py::object cls = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(Py_TYPE(base.ptr())))(
      key, py::make_tuple(base), body);
  PyDict_SetItem(classes, key.ptr(), cls.ptr());
  return cls;
}

// A node object for Python (None for no node), of its per-name class.
py::object present_node(const std::shared_ptr<autograd::Node>& node) {
  if (!node) return py::none();
  py::object obj = py::cast(node);
  py::object cls = node_class(node->torch_name());
  if (!obj.get_type().is(cls)) obj.attr("__class__") = cls;
  return obj;
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

  // grad_fn as PyTorch shows it: name(), the class and the repr are torch's ("ConvolutionBackward0",
  // <ConvolutionBackward0 object at 0x...>), next_functions walks torch's graph ((node or None, input_nr) pairs);
  // _name() is ours (the profiler's record name).
  py::class_<autograd::Node, std::shared_ptr<autograd::Node>>(
      ag, "Node", R"doc(A node of the backward graph (a tensor's ``grad_fn``), as torch shows it.

Each node is an instance of a subclass named after it (``type(loss.grad_fn).__name__`` is
``"MseLossBackward0"``; the leaves' nodes are ``AccumulateGrad``), so ``isinstance(g,
striate.autograd.Node)`` holds for every one.

Example:
    >>> x = st.tensor([1.0, 2.0], requires_grad=True)
    >>> g = (x * 2).sum().grad_fn
    >>> type(g).__name__, isinstance(g, st.autograd.Node)
    ('SumBackward0', True)
)doc",
      py::dynamic_attr())
      .def("name", &autograd::Node::torch_name, R"doc(The node's name as torch gives it.

Returns:
    str: e.g. ``"ConvolutionBackward0"`` or ``"torch::autograd::AccumulateGrad"``.

Example:
    >>> (st.ones(2, requires_grad=True) * 2).grad_fn.name()
    'MulBackward0'
)doc")
      .def("_name", &autograd::Node::name)
      .def_property_readonly("_sequence_nr", &autograd::Node::sequence_nr)
      .def_property_readonly(
          "next_functions",
          [](const autograd::Node& n) {
            py::list out;
            for (const auto& e : n.torch_next_edges()) out.append(py::make_tuple(present_node(e.node), e.input_nr));
            return py::tuple(out);
          },
          R"doc(The nodes this one passes gradients to, as torch walks them.

Returns:
    tuple: ``(node or None, input_nr)`` pairs, one per input of the forward op.

Example:
    >>> x = st.ones(2, requires_grad=True)
    >>> (x * 2).grad_fn.next_functions[0][0].name()
    'torch::autograd::AccumulateGrad'
)doc")
      .def_property_readonly("_next_functions",
                             [](const autograd::Node& n) {
                               py::list out;
                               for (const auto& e : n.next_edges())
                                 out.append(py::make_tuple(present_node(e.node), e.input_nr));
                               return py::tuple(out);
                             })
      .def("__repr__", [](py::object self) {
        py::object hex = py::module_::import("builtins").attr("hex");
        return py::str("<{} object at {}>")
            .format(self.get_type().attr("__name__"), hex(py::int_(reinterpret_cast<uintptr_t>(self.ptr()))));
      });

  // Anomaly detection (striate.autograd.detect_anomaly): fn(torch_name, sequence_nr, received,
  // returned) after each node's backward on this thread, the lists holding a Tensor or None per
  // forward output / input; None removes the check.
  ag.def(
      "_set_node_check",
      [](py::object fn) {
        if (fn.is_none()) {
          autograd::set_node_check(nullptr);
          return;
        }
        auto holder = gil_safe(py::reinterpret_borrow<py::function>(fn));
        autograd::set_node_check([holder](const autograd::Node& node, const std::vector<Tensor>& received,
                                          const std::vector<Tensor>& returned) {
          py::gil_scoped_acquire gil;
          auto as_list = [](const std::vector<Tensor>& grads) {
            py::list items;
            for (const Tensor& g : grads) items.append(g.defined() ? py::cast(g) : py::none());
            return items;
          };
          (*holder)(node.torch_name(), node.sequence_nr(), as_list(received), as_list(returned));
        });
      },
      py::arg("fn").none(true));
  ag.def("_peek_sequence_nr", &autograd::peek_sequence_nr,
         "The sequence number the next autograd node will get (nodes are numbered in creation order).");

  py::class_<HookHandle>(ag, "RemovableHandle").def("remove", &HookHandle::remove);

  ag.def(
      "_record_function",
      [](py::function backward, const std::string& name, const std::vector<Tensor>& inputs,
         std::vector<Tensor> outputs) {
        auto node = std::make_shared<PythonFunctionNode>(gil_safe(std::move(backward)), name, inputs.size());
        std::vector<const Tensor*> in;
        for (const Tensor& t : inputs) in.push_back(&t);
        std::vector<Tensor*> out;
        for (Tensor& t : outputs) out.push_back(&t);
        autograd::record(node, in, out);
      },
      py::arg("backward"), py::arg("name"), py::arg("inputs"), py::arg("outputs"),
      "Makes `outputs` the results of a node whose backward is the Python callable `backward` "
      "(striate.autograd.Function).");

  TensorClass cls = tensor_class(m);
  cls.def_property_readonly(
         "grad_fn", [](const Tensor& t) { return present_node(t.grad_fn()); }, docstrings::kTensorGradFn)
      .def(
          "register_hook",
          [](const Tensor& t, py::function fn) {
            int id = t.register_hook(wrap_hook(std::move(fn)));
            return HookHandle{t, id};
          },
          py::arg("hook"), docstrings::kTensorRegisterHook);
}

}  // namespace striate::python
