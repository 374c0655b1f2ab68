// Bindings of the data floor into striate._C._data: the IDX and CIFAR readers, the datasets,
// the augmentation seed hook, BatchSampler and the C++ DataLoader (batches built with the GIL
// released, on worker threads when num_workers > 0).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "docstrings/data_transforms.h"
#include "striate/data/dataloader.h"
#include "striate/data/datasets.h"
#include "striate/data/idx.h"
#include "striate/data/transform.h"

namespace striate::python {

namespace {

py::tuple to_tuple(const std::vector<Tensor>& tensors) { return py::tuple(py::cast(tensors)); }

// The Python object of a dataset held by a C++ view (the same object the user passed in).
std::shared_ptr<data::Dataset> as_mutable(const std::shared_ptr<const data::Dataset>& dataset) {
  return std::const_pointer_cast<data::Dataset>(dataset);
}

// `with augmentation_seed(seed):` installs a seeded augmentation generator on this thread.
struct AugmentationSeedScope {
  uint64_t seed;
  std::unique_ptr<data::AugmentationSeed> installed;
};

data::DataLoaderOptions loader_options(int64_t batch_size, bool shuffle, bool drop_last, std::optional<uint64_t> seed,
                                       int64_t num_workers = 0, int64_t prefetch_factor = 2) {
  return data::DataLoaderOptions()
      .batch_size(batch_size)
      .shuffle(shuffle)
      .drop_last(drop_last)
      .seed(seed)
      .num_workers(num_workers)
      .prefetch_factor(prefetch_factor);
}

void init_readers(py::module_& data_module) {
  data_module.def("read_idx", &data::read_idx, py::arg("path"), py::call_guard<py::gil_scoped_release>());
  data_module.def("load_mnist_images", &data::load_mnist_images, py::arg("path"),
                  py::call_guard<py::gil_scoped_release>());
  data_module.def("load_mnist_labels", &data::load_mnist_labels, py::arg("path"),
                  py::call_guard<py::gil_scoped_release>());
  data_module.def("find_mnist_files", &data::find_mnist_files, py::arg("root"), py::arg("train"),
                  py::arg("class_name"));
  data_module.def(
      "load_cifar_binary",
      [](const std::vector<std::string>& paths, bool fine_labels) {
        std::vector<Tensor> fields;
        {
          py::gil_scoped_release release;
          fields = data::load_cifar_binary(paths, fine_labels);
        }
        return to_tuple(fields);
      },
      py::arg("paths"), py::arg("fine_labels"));
  data_module.def("find_cifar_binary_files", &data::find_cifar_binary_files, py::arg("root"), py::arg("cifar100"),
                  py::arg("train"));
}

void init_transforms_and_seeds(py::module_& data_module) {
  // The base of the C++ transforms (bound in bind_transforms.cpp); datasets take them as `transform`.
  py::class_<data::Transform, py::smart_holder>(data_module, "Transform", docstrings::kTransform)
      .def(
          "__call__",
          [](const data::Transform& self, const Tensor& image) {
            py::gil_scoped_release release;
            return self(image);
          },
          py::arg("image"))
      .def("__repr__", &data::Transform::repr);
  py::class_<data::GaussianNoise, data::Transform, py::smart_holder>(data_module, "GaussianNoise",
                                                                     docstrings::kGaussianNoise)
      .def(py::init<double>(), py::arg("std"))
      .def_property_readonly("std", &data::GaussianNoise::standard_deviation, docstrings::kGaussianNoiseStd);
  data_module.def("example_seed", &data::example_seed, py::arg("epoch_seed"), py::arg("position"),
                  docstrings::kExampleSeed);
  py::class_<AugmentationSeedScope>(data_module, "augmentation_seed", docstrings::kAugmentationSeed)
      .def(py::init([](uint64_t seed) { return AugmentationSeedScope{seed, nullptr}; }), py::arg("seed"))
      .def("__enter__",
           [](AugmentationSeedScope& self) {
             STRIATE_CHECK_STATE(!self.installed, "augmentation_seed: this context is already entered");
             self.installed = std::make_unique<data::AugmentationSeed>(self.seed);
           })
      .def("__exit__", [](AugmentationSeedScope& self, const py::args&) {
        self.installed.reset();
        return false;
      });
}

void init_datasets(py::module_& data_module) {
  py::class_<data::Dataset, py::smart_holder>(data_module, "Dataset")
      .def("__len__", &data::Dataset::size)
      .def("__getitem__",
           [](const data::Dataset& self, int64_t index) {
             std::vector<Tensor> example;
             {
               py::gil_scoped_release release;
               example = self.get(index);
             }
             return to_tuple(example);
           })
      .def(
          "_get_batch",
          [](const data::Dataset& self, const std::vector<int64_t>& indices, const std::vector<uint64_t>& seeds) {
            std::vector<Tensor> batch;
            {
              py::gil_scoped_release release;
              batch = self.get_batch(indices, seeds);
            }
            return to_tuple(batch);
          },
          py::arg("indices"), py::arg("seeds") = std::vector<uint64_t>{});

  py::class_<data::TensorDataset, data::Dataset, py::smart_holder>(data_module, "TensorDataset", py::dynamic_attr(),
                                                                   docstrings::kTensorDataset)
      .def(py::init([](const py::args& args, const py::object& transform_object) {
             std::shared_ptr<data::Transform> transform;
             if (!transform_object.is_none()) {
               try {
                 transform = transform_object.cast<std::shared_ptr<data::Transform>>();
               } catch (const py::cast_error&) {
                 throw TypeError(
                     detail::str("TensorDataset: transform should be a C++ Transform or None, got ",
                                 std::string(py::str(py::type::handle_of(transform_object).attr("__name__")))));
               }
             }
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
             return std::make_unique<data::TensorDataset>(std::move(tensors), std::move(transform));
           }),
           py::arg("transform") = py::none())
      .def_property_readonly(
          "tensors", [](const data::TensorDataset& self) { return to_tuple(self.tensors()); },
          docstrings::kTensorDatasetTensors)
      .def_property_readonly("_cpp_transform", [](const data::TensorDataset& self) {
        return std::const_pointer_cast<data::Transform>(self.transform());
      });

  py::class_<data::Subset, data::Dataset, py::smart_holder>(data_module, "Subset", py::dynamic_attr())
      .def(py::init([](std::shared_ptr<data::Dataset> dataset, std::vector<int64_t> indices) {
             return std::make_unique<data::Subset>(std::move(dataset), std::move(indices));
           }),
           py::arg("dataset"), py::arg("indices"))
      .def_property_readonly("dataset", [](const data::Subset& self) { return as_mutable(self.dataset()); })
      .def_property_readonly("indices", &data::Subset::indices);

  py::class_<data::ConcatDataset, data::Dataset, py::smart_holder>(data_module, "ConcatDataset", py::dynamic_attr())
      .def(py::init([](const std::vector<std::shared_ptr<data::Dataset>>& datasets) {
             return std::make_unique<data::ConcatDataset>(
                 std::vector<std::shared_ptr<const data::Dataset>>(datasets.begin(), datasets.end()));
           }),
           py::arg("datasets"))
      .def_property_readonly("datasets",
                             [](const data::ConcatDataset& self) {
                               py::list datasets;
                               for (const auto& dataset : self.datasets())
                                 datasets.append(py::cast(as_mutable(dataset)));
                               return datasets;
                             })
      .def_property_readonly("cumulative_sizes", &data::ConcatDataset::cumulative_sizes);

  data_module.def("split_lengths", &data::split_lengths, py::arg("dataset_size"), py::arg("fractions"));
  data_module.def("random_split_indices", &data::random_split_indices, py::arg("dataset_size"), py::arg("lengths"),
                  py::arg("seed"));
}

void init_loader(py::module_& data_module) {
  py::class_<data::BatchSampler, py::smart_holder>(data_module, "BatchSampler")
      .def(py::init([](int64_t dataset_size, int64_t batch_size, bool shuffle, bool drop_last,
                       std::optional<uint64_t> seed) {
             return std::make_unique<data::BatchSampler>(dataset_size,
                                                         loader_options(batch_size, shuffle, drop_last, seed));
           }),
           py::arg("dataset_size"), py::arg("batch_size"), py::arg("shuffle"), py::arg("drop_last"), py::arg("seed"))
      .def("__len__", &data::BatchSampler::size)
      .def(
          "next_epoch",
          [](data::BatchSampler& self) {
            data::Epoch epoch = self.next_epoch();
            return py::make_tuple(py::cast(epoch.order), epoch.seed);
          },
          "(order, epoch_seed) of the next epoch")
      .def("next_seed", &data::BatchSampler::next_seed, "only an epoch seed (the order comes from a sampler)")
      .def("state", &data::BatchSampler::state)
      .def("set_state", &data::BatchSampler::set_state, py::arg("state"));

  py::class_<data::DataLoader, py::smart_holder>(data_module, "DataLoader")
      .def(py::init([](std::shared_ptr<data::Dataset> dataset, int64_t batch_size, bool shuffle, bool drop_last,
                       std::optional<uint64_t> seed, int64_t num_workers, int64_t prefetch_factor) {
             return std::make_unique<data::DataLoader>(
                 std::move(dataset),
                 loader_options(batch_size, shuffle, drop_last, seed, num_workers, prefetch_factor));
           }),
           py::arg("dataset"), py::arg("batch_size"), py::arg("shuffle"), py::arg("drop_last"), py::arg("seed"),
           py::arg("num_workers") = 0, py::arg("prefetch_factor") = 2)
      .def("__len__", &data::DataLoader::size)
      .def("__iter__", [](data::DataLoader& self) { return self.next_epoch(); })
      .def("epoch_of", &data::DataLoader::epoch_of, py::arg("order"), py::arg("batch_bounds") = std::vector<int64_t>{})
      .def("state", [](data::DataLoader& self) { return self.sampler().state(); })
      .def(
          "set_state", [](data::DataLoader& self, const std::string& state) { self.sampler().set_state(state); },
          py::arg("state"));

  // Deleting it (or breaking out of the loop) stops and joins the epoch's workers.
  py::class_<data::EpochBatches, py::smart_holder>(data_module, "_EpochIterator")
      .def("__iter__", [](py::object self) { return self; })
      .def("__len__", &data::EpochBatches::size)
      .def("__next__", [](data::EpochBatches& self) {
        std::optional<std::vector<Tensor>> batch;
        {
          py::gil_scoped_release release;
          batch = self.next();
        }
        if (!batch) throw py::stop_iteration();
        return to_tuple(*batch);
      });
}

}  // namespace

void init_data(py::module_& m) {
  auto data_module = m.def_submodule("_data", "datasets and loaders; wrapped by striate.data");
  init_readers(data_module);
  init_transforms_and_seeds(data_module);
  init_datasets(data_module);
  init_loader(data_module);
}

}  // namespace striate::python
