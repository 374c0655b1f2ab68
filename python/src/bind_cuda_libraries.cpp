// striate._C._cuda_libraries: which NVIDIA libraries were loaded (cuBLAS, cuDNN), the folders
// searched for them, and the CUDA math switches; wrapped by striate.backends.cuda / .cudnn.
#include "bindings.h"
#include "core/cuda_libraries.h"

namespace striate::python {
namespace {

py::dict status_dict(const backend::CudaLibraryStatus& status) {
  py::dict result;
  result["loaded"] = status.loaded;
  result["path"] = status.path;
  result["version"] = status.version;
  result["reason"] = status.reason;
  return result;
}

}  // namespace

void init_cuda_libraries(py::module_& m) {
  auto sub = m.def_submodule("_cuda_libraries", "cuBLAS / cuDNN loading; wrapped by striate.backends.cuda");
  sub.def("cublas_status", [] { return status_dict(backend::cublas_status()); });
  sub.def("cudnn_status", [] { return status_dict(backend::cudnn_status()); });
  sub.def("add_directory", &backend::add_cuda_library_directory, py::arg("directory"));
  sub.def("directories", &backend::cuda_library_directories);
  sub.def("get_allow_tf32", &backend::cuda_matmul_allow_tf32);
  sub.def("set_allow_tf32", &backend::set_cuda_matmul_allow_tf32, py::arg("allow"));
  sub.def("get_use_cublas", &backend::cuda_use_cublas);
  sub.def("set_use_cublas", &backend::set_cuda_use_cublas, py::arg("use"));
  sub.def("get_cudnn_settings", [] {
    const backend::CudnnSettings s = backend::cudnn_settings();
    py::dict result;
    result["enabled"] = s.enabled;
    result["benchmark"] = s.benchmark;
    result["deterministic"] = s.deterministic;
    result["allow_tf32"] = s.allow_tf32;
    return result;
  });
  sub.def(
      "set_cudnn_setting",
      [](const std::string& name, bool value) {
        backend::CudnnSettings s = backend::cudnn_settings();
        if (name == "enabled")
          s.enabled = value;
        else if (name == "benchmark")
          s.benchmark = value;
        else if (name == "deterministic")
          s.deterministic = value;
        else if (name == "allow_tf32")
          s.allow_tf32 = value;
        else
          throw ValueError(detail::str("backends.cudnn: no setting named '", name, "'"));
        backend::set_cudnn_settings(s);
      },
      py::arg("name"), py::arg("value"));
}

}  // namespace striate::python
