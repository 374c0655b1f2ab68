// Bindings of the io floor into striate._C._io: the safetensors reader and writer, with the GIL
// released while they touch the disk. Tensors cross as (name, tensor) pairs so their order holds;
// `operation` is the Python function's name, which error messages start with. Also the model files
// (save_model/load_model) and the architecture JSON of nn::module_config.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "striate/io/model.h"
#include "striate/io/safetensors.h"
#include "striate/nn/config.h"
#include "striate/optim/optimizer.h"

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

  // Architecture JSON and model files (io/model.h, nn/config.h).
  submodule.def(
      "module_config", [](const nn::Module& module) { return nn::module_config(module).dump(); }, py::arg("module"),
      "The module's architecture as a JSON string; TypeError for a module that is not built in.");
  submodule.def(
      "module_from_config",
      [](const std::string& text) {
        py::gil_scoped_release release;
        return nn::module_from_config(io::Json::parse(text, "module_from_config: the architecture"));
      },
      py::arg("config"));
  submodule.def(
      "save_model",
      [](const nn::Module& module, const std::string& path, const io::Metadata& extra) {
        py::gil_scoped_release release;
        io::save_model(module, path, extra);
      },
      py::arg("module"), py::arg("path"), py::arg("metadata"));
  submodule.def(
      "load_model",
      [](const std::string& path) {
        py::gil_scoped_release release;
        return io::load_model(path);
      },
      py::arg("path"));
  // C++'s checkpoint reader, which an embedding program uses (Python reads with striate.load).
  submodule.def(
      "load_checkpoint",
      [](const std::string& path, nn::Module& module, optim::Optimizer* optimizer) {
        io::CheckpointInfo info;
        {
          py::gil_scoped_release release;
          info = io::load_checkpoint(path, module, optimizer);
        }
        return py::make_tuple(info.epoch, info.step);
      },
      py::arg("path"), py::arg("module"), py::arg("optimizer") = nullptr, "(epoch, step)");
}

}  // namespace striate::python
