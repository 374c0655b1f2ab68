// Bindings of the data floor into striate._C._data: the IDX reader, Dataset/TensorDataset,
// BatchSampler and the C++ DataLoader (batches gathered with the GIL released).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "striate/data/dataloader.h"
#include "striate/data/idx.h"
#include "striate/data/transform.h"

namespace striate::python {

namespace {

py::tuple to_tuple(const std::vector<Tensor>& tensors) { return py::tuple(py::cast(tensors)); }

// One pass over a C++ DataLoader: the epoch order is drawn when the iterator is created.
struct EpochIterator {
  std::shared_ptr<data::DataLoader> loader;
  std::vector<int64_t> order;
  int64_t next_batch = 0;
};

data::DataLoaderOptions loader_options(int64_t batch_size, bool shuffle, bool drop_last,
                                       std::optional<uint64_t> seed) {
  return data::DataLoaderOptions().batch_size(batch_size).shuffle(shuffle).drop_last(drop_last).seed(seed);
}

}  // namespace

void init_data(py::module_& m) {
  auto data_module = m.def_submodule("_data", "datasets and loaders; wrapped by striate.data");
  data_module.def("read_idx", &data::read_idx, py::arg("path"), py::call_guard<py::gil_scoped_release>());
  data_module.def("load_mnist_images", &data::load_mnist_images, py::arg("path"),
                  py::call_guard<py::gil_scoped_release>());
  data_module.def("load_mnist_labels", &data::load_mnist_labels, py::arg("path"),
                  py::call_guard<py::gil_scoped_release>());

  // The base of the C++ transforms (bound in bind_transforms.cpp); datasets take them as `transform`.
  py::class_<data::Transform, py::smart_holder>(data_module, "Transform")
      .def("__call__", [](const data::Transform& self, const Tensor& image) {
        py::gil_scoped_release release;
        return self(image);
      }, py::arg("image"))
      .def("__repr__", &data::Transform::repr);
  data_module.def("example_seed", &data::example_seed, py::arg("epoch_seed"), py::arg("position"));

  py::class_<data::Dataset, py::smart_holder>(data_module, "Dataset")
      .def("__len__", &data::Dataset::size)
      .def("__getitem__", [](const data::Dataset& self, int64_t index) { return to_tuple(self.get(index)); })
      .def("_get_batch", [](const data::Dataset& self, const std::vector<int64_t>& indices) {
        std::vector<Tensor> batch;
        {
          py::gil_scoped_release release;
          batch = self.get_batch(indices);
        }
        return to_tuple(batch);
      });

  py::class_<data::TensorDataset, data::Dataset, py::smart_holder>(data_module, "TensorDataset", py::dynamic_attr())
      .def(py::init([](const py::args& args) {
        std::vector<Tensor> tensors;
        for (size_t i = 0; i < args.size(); ++i) {
          Tensor tensor;
          try {
            tensor = args[i].cast<Tensor>();
          } catch (const py::cast_error&) {
            throw TypeError(detail::str("TensorDataset: argument ", i, " is not a Tensor (got ",
                                        std::string(py::str(py::type::handle_of(args[i]).attr("__name__"))), ")"));
          }
          tensors.push_back(tensor);
        }
        return std::make_unique<data::TensorDataset>(std::move(tensors));
      }))
      .def_property_readonly("tensors", [](const data::TensorDataset& self) { return to_tuple(self.tensors()); });

  py::class_<data::BatchSampler, py::smart_holder>(data_module, "BatchSampler")
      .def(py::init([](int64_t dataset_size, int64_t batch_size, bool shuffle, bool drop_last,
                       std::optional<uint64_t> seed) {
             return std::make_unique<data::BatchSampler>(dataset_size,
                                                         loader_options(batch_size, shuffle, drop_last, seed));
           }),
           py::arg("dataset_size"), py::arg("batch_size"), py::arg("shuffle"), py::arg("drop_last"), py::arg("seed"))
      .def("__len__", &data::BatchSampler::size)
      .def("next_epoch", &data::BatchSampler::next_epoch);

  py::class_<data::DataLoader, py::smart_holder>(data_module, "DataLoader")
      .def(py::init([](std::shared_ptr<data::Dataset> dataset, int64_t batch_size, bool shuffle, bool drop_last,
                       std::optional<uint64_t> seed) {
             return std::make_unique<data::DataLoader>(std::move(dataset),
                                                       loader_options(batch_size, shuffle, drop_last, seed));
           }),
           py::arg("dataset"), py::arg("batch_size"), py::arg("shuffle"), py::arg("drop_last"), py::arg("seed"))
      .def("__len__", &data::DataLoader::size)
      .def("__iter__", [](std::shared_ptr<data::DataLoader> self) {
        std::vector<int64_t> order = self->sampler().next_epoch();
        return EpochIterator{std::move(self), std::move(order)};
      });

  py::class_<EpochIterator>(data_module, "_EpochIterator")
      .def("__iter__", [](py::object self) { return self; })
      .def("__next__", [](EpochIterator& self) {
        if (self.next_batch >= self.loader->size()) throw py::stop_iteration();
        std::vector<Tensor> batch;
        {
          py::gil_scoped_release release;
          batch = self.loader->batch(self.order, self.next_batch);
        }
        ++self.next_batch;
        return to_tuple(batch);
      });
}

}  // namespace striate::python
