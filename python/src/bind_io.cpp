// Bindings of the io floor into striate._C._io: the safetensors reader and writer, with the GIL
// released while they touch the disk. Tensors cross as (name, tensor) pairs so their order holds;
// `operation` is the Python function's name, which error messages start with.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "striate/io/safetensors.h"

namespace striate::python {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

void init_io(py::module_& m) {
  auto submodule = m.def_submodule("_io", "the safetensors container; wrapped by striate.io");

  submodule.def(
      "save_file",
      [](const std::string& path, const NamedTensors& tensors, const io::Metadata& metadata,
         const std::string& operation) {
        OrderedDict<Tensor> ordered;
        for (const auto& [name, tensor] : tensors) ordered.insert(name, tensor);
        py::gil_scoped_release release;
        io::detail::save_safetensors(path, ordered, metadata, operation);
      },
      py::arg("path"), py::arg("tensors"), py::arg("metadata"), py::arg("operation"));

  submodule.def(
      "load_file",
      [](const std::string& path, const std::string& operation) {
        io::SafetensorsContent content;
        {
          py::gil_scoped_release release;
          content = io::detail::load_safetensors(path, operation);
        }
        NamedTensors tensors;
        tensors.reserve(content.tensors.size());
        for (auto& item : content.tensors) tensors.emplace_back(std::move(item.key), std::move(item.value));
        return py::make_tuple(tensors, content.metadata);
      },
      py::arg("path"), py::arg("operation"), "(list of (name, tensor) in the file's order, metadata dict)");

  submodule.def(
      "load_metadata",
      [](const std::string& path, const std::string& operation) {
        py::gil_scoped_release release;
        return io::detail::load_safetensors_metadata(path, operation);
      },
      py::arg("path"), py::arg("operation"));
}

}  // namespace striate::python
