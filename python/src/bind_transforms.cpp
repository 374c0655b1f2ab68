// Bindings of the C++ transforms (striate/data/transforms.h) into striate._C._data, with
// torchvision's argument names and defaults; python/striate/data/transforms.py re-exports them.
// Conversions only: an int or a sequence for sizes, a number or a sequence for fill and ranges.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "docstrings/data_transforms.h"
#include "striate/data/transforms.h"

namespace striate::python {

namespace {

using data::Range;

std::string type_name(py::handle object) { return py::str(py::type::handle_of(object).attr("__name__")); }

// The image argument of __call__: a striate.Tensor, or a TypeError naming the transform.
Tensor image_argument(py::handle image, const std::string& name) {
  if (!py::isinstance<TensorImpl>(image))
    throw TypeError(name + ": expected a striate.Tensor image of shape (C, H, W) or (N, C, H, W), got " +
                    type_name(image));
  return image.cast<Tensor>();
}

bool is_number(py::handle value) {
  return (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) && !py::isinstance<py::bool_>(value);
}

// One number → {value}; a sequence of numbers → its values.
std::vector<double> numbers(py::handle value, const std::string& name, const char* argument) {
  if (is_number(value)) return {value.cast<double>()};
  if (py::isinstance<py::sequence>(value) && !py::isinstance<py::str>(value)) {
    std::vector<double> values;
    for (py::handle item : value.cast<py::sequence>()) {
      if (!is_number(item))
        throw TypeError(name + ": expected " + argument +
                        " as a number or a sequence of numbers, got an item of type " + type_name(item));
      values.push_back(item.cast<double>());
    }
    return values;
  }
  throw TypeError(name + ": expected " + argument + " as a number or a sequence of numbers, got " + type_name(value));
}

// One int → {value}; a sequence of ints → its values.
std::vector<int64_t> integers(py::handle value, const std::string& name, const char* argument) {
  auto is_int = [](py::handle item) { return py::isinstance<py::int_>(item) && !py::isinstance<py::bool_>(item); };
  if (is_int(value)) return {value.cast<int64_t>()};
  if (py::isinstance<py::sequence>(value) && !py::isinstance<py::str>(value)) {
    std::vector<int64_t> values;
    for (py::handle item : value.cast<py::sequence>()) {
      if (!is_int(item))
        throw TypeError(name + ": expected " + argument + " as an int or a sequence of ints, got an item of type " +
                        type_name(item));
      values.push_back(item.cast<int64_t>());
    }
    return values;
  }
  throw TypeError(name + ": expected " + argument + " as an int or a sequence of ints, got " + type_name(value));
}

Range range(py::handle value, const std::string& name, const char* argument) {
  std::vector<double> values = numbers(value, name, argument);
  if (values.size() != 2)
    throw ValueError(name + ": expected " + argument + " as a (min, max) pair, got " + std::to_string(values.size()) +
                     " values");
  return {values[0], values[1]};
}

std::optional<Range> optional_range(py::handle value, const std::string& name, const char* argument) {
  if (value.is_none()) return std::nullopt;
  return range(value, name, argument);
}

// "bilinear" / "nearest", or an InterpolationMode (whose value is that string).
std::string interpolation(py::handle value, const std::string& name) {
  py::handle text = py::hasattr(value, "value") && !py::isinstance<py::str>(value) ? value.attr("value") : value;
  if (!py::isinstance<py::str>(text))
    throw TypeError(name + ": expected interpolation as 'bilinear', 'nearest' or an InterpolationMode, got " +
                    type_name(value));
  return text.cast<std::string>();
}

std::optional<std::pair<double, double>> center(py::handle value, const std::string& name) {
  if (value.is_none()) return std::nullopt;
  return range(value, name, "center");
}

template <typename Class>
using TransformClass = py::class_<Class, data::Transform, py::smart_holder>;

// A transform class whose __call__ checks its argument and releases the GIL.
template <typename Class>
TransformClass<Class> transform_class(py::module_& module, const char* name, const char* doc = "") {
  TransformClass<Class> cls(module, name, doc);
  std::string label = name;
  cls.def(
      "__call__",
      [label](const Class& self, py::handle image) {
        Tensor tensor = image_argument(image, label);
        py::gil_scoped_release release;
        return self(tensor);
      },
      py::arg("image"));
  return cls;
}

py::tuple box_tuple(const data::CropBox& box) { return py::make_tuple(box.top, box.left, box.height, box.width); }

// (H, W) of an image argument of get_params.
std::pair<int64_t, int64_t> image_size(py::handle image, const std::string& name) {
  Tensor tensor = image_argument(image, name);
  if (tensor.dim() < 2) throw ValueError(name + ": expected an image with at least 2 dimensions");
  return {tensor.size(-2), tensor.size(-1)};
}

template <typename Mixer>
void bind_mixer(py::module_& module, const char* name, const char* doc) {
  std::string label = name;
  py::class_<Mixer, py::smart_holder>(module, name, doc)
      .def(py::init([label](double alpha, std::optional<int64_t> num_classes) {
             if (!num_classes) throw ValueError(label + ": num_classes is required (the width of the soft targets)");
             return std::make_unique<Mixer>(alpha, *num_classes);
           }),
           py::arg("alpha") = 1.0, py::arg("num_classes") = py::none())
      .def(
          "__call__",
          [label](const Mixer& self, py::handle images, py::handle labels) {
            Tensor image_batch = image_argument(images, label);
            if (!py::isinstance<TensorImpl>(labels))
              throw TypeError(label + ": expected labels as a striate.Tensor, got " + type_name(labels));
            Tensor label_tensor = labels.cast<Tensor>();
            std::pair<Tensor, Tensor> result;
            {
              py::gil_scoped_release release;
              result = self(image_batch, label_tensor);
            }
            return py::make_tuple(result.first, result.second);
          },
          py::arg("images"), py::arg("labels"))
      .def("__repr__", &Mixer::repr);
}

}  // namespace

void init_transforms(py::module_& m) {
  py::module_ module = m.attr("_data");

  transform_class<data::Compose>(module, "Compose")
      .def(py::init<std::vector<std::shared_ptr<data::Transform>>>(), py::arg("transforms"))
      .def_property_readonly("transforms", &data::Compose::transforms);

  // One uniform draw from this thread's augmentation generator (Python transforms that draw
  // like the C++ ones: reproducible under the loader's per-example seeds).
  module.def("_augmentation_uniform", [] { return data::augmentation_generator().uniform(); });

  transform_class<data::RandomApply>(module, "RandomApply")
      .def(py::init<std::vector<std::shared_ptr<data::Transform>>, double>(), py::arg("transforms"), py::arg("p") = 0.5)
      .def_property_readonly("transforms", &data::RandomApply::transforms);

  transform_class<data::RandomChoice>(module, "RandomChoice")
      .def(py::init([](std::vector<std::shared_ptr<data::Transform>> transforms, py::handle p) {
             std::vector<double> weights = p.is_none() ? std::vector<double>{} : numbers(p, "RandomChoice", "p");
             return std::make_unique<data::RandomChoice>(std::move(transforms), std::move(weights));
           }),
           py::arg("transforms"), py::arg("p") = py::none())
      .def_property_readonly("transforms", &data::RandomChoice::transforms);
  transform_class<data::RandomOrder>(module, "RandomOrder")
      .def(py::init<std::vector<std::shared_ptr<data::Transform>>>(), py::arg("transforms"))
      .def_property_readonly("transforms", &data::RandomOrder::transforms);

  transform_class<data::ToTensor>(module, "ToTensor").def(py::init<>());

  transform_class<data::Pad>(module, "Pad", docstrings::kPad)
      .def(py::init([](py::handle padding, py::handle fill, std::string padding_mode) {
             return std::make_unique<data::Pad>(integers(padding, "Pad", "padding"), numbers(fill, "Pad", "fill"),
                                                std::move(padding_mode));
           }),
           py::arg("padding"), py::arg("fill") = 0, py::arg("padding_mode") = "constant");
  transform_class<data::GaussianBlur>(module, "GaussianBlur", docstrings::kGaussianBlur)
      .def(py::init([](py::handle kernel_size, py::handle sigma) {
             std::vector<double> range = numbers(sigma, "GaussianBlur", "sigma");
             STRIATE_CHECK(range.size() == 1 || range.size() == 2,
                           "GaussianBlur: expected sigma as one number or a (min, max) pair, got ", range.size(),
                           " values");
             return std::make_unique<data::GaussianBlur>(integers(kernel_size, "GaussianBlur", "kernel_size"),
                                                         data::Range{range.front(), range.back()});
           }),
           py::arg("kernel_size"), py::arg("sigma") = py::make_tuple(0.1, 2.0))
      .def_static("get_params", &data::GaussianBlur::get_params, py::arg("sigma_min"), py::arg("sigma_max"),
                  docstrings::kGaussianBlurGetParams);
  transform_class<data::Grayscale>(module, "Grayscale", docstrings::kGrayscale)
      .def(py::init<int64_t>(), py::arg("num_output_channels") = 1);
  transform_class<data::RandomGrayscale>(module, "RandomGrayscale", docstrings::kRandomGrayscale)
      .def(py::init<double>(), py::arg("p") = 0.1);

  transform_class<data::Normalize>(module, "Normalize", docstrings::kNormalize)
      .def(py::init([](py::handle mean, py::handle std, bool inplace) {
             return std::make_unique<data::Normalize>(numbers(mean, "Normalize", "mean"),
                                                      numbers(std, "Normalize", "std"), inplace);
           }),
           py::arg("mean"), py::arg("std"), py::arg("inplace") = false);

  transform_class<data::RandomHorizontalFlip>(module, "RandomHorizontalFlip", docstrings::kRandomHorizontalFlip)
      .def(py::init<double>(), py::arg("p") = 0.5);
  transform_class<data::RandomVerticalFlip>(module, "RandomVerticalFlip", docstrings::kRandomVerticalFlip)
      .def(py::init<double>(), py::arg("p") = 0.5);

  transform_class<data::RandomCrop>(module, "RandomCrop", docstrings::kRandomCrop)
      .def(py::init(
               [](py::handle size, py::handle padding, bool pad_if_needed, py::handle fill, std::string padding_mode) {
                 std::vector<int64_t> pads =
                     padding.is_none() ? std::vector<int64_t>{} : integers(padding, "RandomCrop", "padding");
                 return std::make_unique<data::RandomCrop>(integers(size, "RandomCrop", "size"), pads, pad_if_needed,
                                                           numbers(fill, "RandomCrop", "fill"), padding_mode);
               }),
           py::arg("size"), py::arg("padding") = py::none(), py::arg("pad_if_needed") = false, py::arg("fill") = 0,
           py::arg("padding_mode") = "constant")
      .def_static(
          "get_params",
          [](py::handle image, py::handle output_size) {
            auto [height, width] = image_size(image, "RandomCrop");
            std::vector<int64_t> size = integers(output_size, "RandomCrop", "output_size");
            int64_t crop_h = size.at(0), crop_w = size.size() > 1 ? size[1] : size[0];
            return box_tuple(data::RandomCrop::get_params(height, width, crop_h, crop_w));
          },
          py::arg("img"), py::arg("output_size"), docstrings::kRandomCropGetParams);

  transform_class<data::CenterCrop>(module, "CenterCrop", docstrings::kCenterCrop)
      .def(py::init([](py::handle size) {
             return std::make_unique<data::CenterCrop>(integers(size, "CenterCrop", "size"));
           }),
           py::arg("size"));

  transform_class<data::Resize>(module, "Resize", docstrings::kResize)
      .def(py::init([](py::handle size, py::handle mode, std::optional<int64_t> max_size, bool antialias) {
             return std::make_unique<data::Resize>(integers(size, "Resize", "size"), interpolation(mode, "Resize"),
                                                   max_size, antialias);
           }),
           py::arg("size"), py::arg("interpolation") = "bilinear", py::arg("max_size") = py::none(),
           py::arg("antialias") = false);

  transform_class<data::RandomResizedCrop>(module, "RandomResizedCrop", docstrings::kRandomResizedCrop)
      .def(py::init([](py::handle size, py::handle scale, py::handle ratio, py::handle mode, bool antialias) {
             const char* name = "RandomResizedCrop";
             return std::make_unique<data::RandomResizedCrop>(integers(size, name, "size"), range(scale, name, "scale"),
                                                              range(ratio, name, "ratio"), interpolation(mode, name),
                                                              antialias);
           }),
           py::arg("size"), py::arg("scale") = py::make_tuple(0.08, 1.0),
           py::arg("ratio") = py::make_tuple(3.0 / 4.0, 4.0 / 3.0), py::arg("interpolation") = "bilinear",
           py::arg("antialias") = false)
      .def_static(
          "get_params",
          [](py::handle image, py::handle scale, py::handle ratio) {
            const char* name = "RandomResizedCrop";
            auto [height, width] = image_size(image, name);
            return box_tuple(data::RandomResizedCrop::get_params(height, width, range(scale, name, "scale"),
                                                                 range(ratio, name, "ratio")));
          },
          py::arg("img"), py::arg("scale"), py::arg("ratio"), docstrings::kRandomResizedCropGetParams);

  transform_class<data::RandomRotation>(module, "RandomRotation", docstrings::kRandomRotation)
      .def(py::init([](py::handle degrees, py::handle mode, bool expand, py::handle center_xy, py::handle fill) {
             const char* name = "RandomRotation";
             return std::make_unique<data::RandomRotation>(numbers(degrees, name, "degrees"), interpolation(mode, name),
                                                           expand, center(center_xy, name),
                                                           numbers(fill, name, "fill"));
           }),
           py::arg("degrees"), py::arg("interpolation") = "nearest", py::arg("expand") = false,
           py::arg("center") = py::none(), py::arg("fill") = 0)
      .def_static(
          "get_params",
          [](py::handle degrees) {
            return data::RandomRotation::get_params(range(degrees, "RandomRotation", "degrees"));
          },
          py::arg("degrees"), docstrings::kRandomRotationGetParams);

  transform_class<data::RandomAffine>(module, "RandomAffine", docstrings::kRandomAffine)
      .def(py::init([](py::handle degrees, py::handle translate, py::handle scale, py::handle shear, py::handle mode,
                       py::handle fill, py::handle center_xy) {
             const char* name = "RandomAffine";
             std::vector<double> shears = shear.is_none() ? std::vector<double>{} : numbers(shear, name, "shear");
             return std::make_unique<data::RandomAffine>(
                 numbers(degrees, name, "degrees"), optional_range(translate, name, "translate"),
                 optional_range(scale, name, "scale"), shears, interpolation(mode, name), numbers(fill, name, "fill"),
                 center(center_xy, name));
           }),
           py::arg("degrees"), py::arg("translate") = py::none(), py::arg("scale") = py::none(),
           py::arg("shear") = py::none(), py::arg("interpolation") = "nearest", py::arg("fill") = 0,
           py::arg("center") = py::none())
      .def_static(
          "get_params",
          [](py::handle degrees, py::handle translate, py::handle scale_ranges, py::handle shears,
             std::pair<int64_t, int64_t> image_size_wh) {
            const char* name = "RandomAffine";
            std::vector<double> shear = shears.is_none() ? std::vector<double>{} : numbers(shears, name, "shears");
            data::AffineParams params = data::RandomAffine::get_params(
                range(degrees, name, "degrees"), optional_range(translate, name, "translate"),
                optional_range(scale_ranges, name, "scale_ranges"), shear, image_size_wh.first, image_size_wh.second);
            return py::make_tuple(params.angle, py::make_tuple(params.translate_x, params.translate_y), params.scale,
                                  py::make_tuple(params.shear_x, params.shear_y));
          },
          py::arg("degrees"), py::arg("translate"), py::arg("scale_ranges"), py::arg("shears"), py::arg("img_size"),
          docstrings::kRandomAffineGetParams);

  transform_class<data::ColorJitter>(module, "ColorJitter", docstrings::kColorJitter)
      .def(py::init([](py::handle brightness, py::handle contrast, py::handle saturation, py::handle hue) {
             const char* name = "ColorJitter";
             return std::make_unique<data::ColorJitter>(
                 numbers(brightness, name, "brightness"), numbers(contrast, name, "contrast"),
                 numbers(saturation, name, "saturation"), numbers(hue, name, "hue"));
           }),
           py::arg("brightness") = 0, py::arg("contrast") = 0, py::arg("saturation") = 0, py::arg("hue") = 0)
      .def_static(
          "get_params",
          [](py::handle brightness, py::handle contrast, py::handle saturation, py::handle hue) {
            const char* name = "ColorJitter";
            data::ColorJitter::Params params = data::ColorJitter::get_params(
                optional_range(brightness, name, "brightness"), optional_range(contrast, name, "contrast"),
                optional_range(saturation, name, "saturation"), optional_range(hue, name, "hue"));
            std::vector<int> order(params.order.begin(), params.order.end());
            return py::make_tuple(order, params.brightness, params.contrast, params.saturation, params.hue);
          },
          py::arg("brightness"), py::arg("contrast"), py::arg("saturation"), py::arg("hue"),
          docstrings::kColorJitterGetParams);

  transform_class<data::PCALighting>(module, "PCALighting", docstrings::kPCALighting)
      .def(py::init<double, std::vector<double>, std::vector<std::vector<double>>>(), py::arg("alphastd") = 0.1,
           py::arg("eigval") = data::PCALighting::imagenet_eigval(),
           py::arg("eigvec") = data::PCALighting::imagenet_eigvec());

  transform_class<data::RandomErasing>(module, "RandomErasing", docstrings::kRandomErasing)
      .def(py::init([](double p, py::handle scale, py::handle ratio, py::handle value, bool inplace) {
             const char* name = "RandomErasing";
             bool random_value = py::isinstance<py::str>(value);
             if (random_value && value.cast<std::string>() != "random")
               throw ValueError("RandomErasing: if value is a str, it should be 'random', got '" +
                                value.cast<std::string>() + "'");
             std::vector<double> values = random_value ? std::vector<double>{} : numbers(value, name, "value");
             return std::make_unique<data::RandomErasing>(p, range(scale, name, "scale"), range(ratio, name, "ratio"),
                                                          values, random_value, inplace);
           }),
           py::arg("p") = 0.5, py::arg("scale") = py::make_tuple(0.02, 0.33),
           py::arg("ratio") = py::make_tuple(0.3, 3.3), py::arg("value") = 0, py::arg("inplace") = false)
      .def_static(
          "get_params",
          [](py::handle image, py::handle scale, py::handle ratio) {
            const char* name = "RandomErasing";
            auto [height, width] = image_size(image, name);
            std::optional<data::CropBox> box = data::RandomErasing::get_params(
                height, width, range(scale, name, "scale"), range(ratio, name, "ratio"));
            return box_tuple(box.value_or(data::CropBox{0, 0, height, width}));
          },
          py::arg("img"), py::arg("scale"), py::arg("ratio"), docstrings::kRandomErasingGetParams);

  transform_class<data::Cutout>(module, "Cutout", docstrings::kCutout).def(py::init<int64_t>(), py::arg("size"));

  transform_class<data::FiveCrop>(module, "FiveCrop", docstrings::kFiveCrop)
      .def(py::init(
               [](py::handle size) { return std::make_unique<data::FiveCrop>(integers(size, "FiveCrop", "size")); }),
           py::arg("size"));
  transform_class<data::TenCrop>(module, "TenCrop", docstrings::kTenCrop)
      .def(py::init([](py::handle size, bool vertical_flip) {
             return std::make_unique<data::TenCrop>(integers(size, "TenCrop", "size"), vertical_flip);
           }),
           py::arg("size"), py::arg("vertical_flip") = false);

  bind_mixer<data::Mixup>(module, "Mixup", docstrings::kMixup);
  bind_mixer<data::CutMix>(module, "CutMix", docstrings::kCutMix);

  auto release = py::call_guard<py::gil_scoped_release>();
  module.def("adjust_brightness", &data::adjust_brightness, py::arg("image"), py::arg("brightness_factor"), release,
             docstrings::kAdjustBrightness);
  module.def("adjust_contrast", &data::adjust_contrast, py::arg("image"), py::arg("contrast_factor"), release,
             docstrings::kAdjustContrast);
  module.def("adjust_saturation", &data::adjust_saturation, py::arg("image"), py::arg("saturation_factor"), release,
             docstrings::kAdjustSaturation);
  module.def("adjust_hue", &data::adjust_hue, py::arg("image"), py::arg("hue_factor"), release, docstrings::kAdjustHue);
}

}  // namespace striate::python
