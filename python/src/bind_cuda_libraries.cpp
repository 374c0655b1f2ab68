// striate._C._cuda_libraries: which NVIDIA libraries were loaded (cuBLAS, cuDNN, NCCL), the
// folders searched for them, the CUDA math switches (wrapped by striate.backends.cuda / .cudnn),
// and NCCL's communicators and collectives (wrapped by striate.distributed's "nccl" backend).
#include <cstdint>

#include "bindings.h"
#include "core/cuda_libraries.h"
#include "core/cuda_runtime.h"

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

namespace nccl = backend::nccl;

const nccl::Api& nccl_api(const char* op) {
  const nccl::Api* api = nccl::api();
  if (!api)
    throw RuntimeError(detail::str("distributed.", op, ": NCCL is not available: ", backend::nccl_status().reason));
  return *api;
}

void check_nccl(const nccl::Api& api, nccl::Result result, const char* op) {
  if (result == nccl::kSuccess || result == nccl::kInProgress) return;
  throw RuntimeError(detail::str("distributed.", op, ": NCCL error ", result, ": ", api.get_error_string(result)));
}

int nccl_dtype(DType dtype, const char* op) {
  switch (dtype) {
    case DType::Float32: return nccl::kFloat32;
    case DType::Float64: return nccl::kFloat64;
    case DType::Int64: return nccl::kInt64;
    case DType::UInt8:
    case DType::Bool: return nccl::kUint8;
    default: break;
  }
  throw TypeError(detail::str("distributed.", op, ": NCCL cannot send tensors of dtype ", dtype_name(dtype)));
}

int nccl_op(const std::string& name, const char* op) {
  if (name == "sum") return nccl::kSum;
  if (name == "product") return nccl::kProd;
  if (name == "max") return nccl::kMax;
  if (name == "min") return nccl::kMin;
  if (name == "avg") return nccl::kAvg;
  throw ValueError(detail::str("distributed.", op, ": unknown reduce op '", name, "'"));
}

// NCCL reads and writes device memory directly: a contiguous CUDA tensor.
void check_device_tensor(const Tensor& t, const char* op, const char* name) {
  if (!t.device().is_cuda())
    throw RuntimeError(detail::str("distributed.", op, ": the 'nccl' backend exchanges CUDA tensors; ", name, " is on ",
                                   t.device().str()));
  if (!t.is_contiguous())
    throw ValueError(detail::str("distributed.", op, ": expected a contiguous ", name, " (call .contiguous() first)"));
}

nccl::Comm as_comm(uintptr_t handle) { return reinterpret_cast<nccl::Comm>(handle); }

void* stream_of(const Tensor& t) { return backend::cuda_current_stream(t.device().index); }

void init_nccl(py::module_& sub) {
  sub.def("nccl_status", [] { return status_dict(backend::nccl_status()); });
  sub.def("nccl_unique_id", [] {
    const nccl::Api& api = nccl_api("init_process_group");
    nccl::UniqueId id{};
    check_nccl(api, api.get_unique_id(&id), "init_process_group");
    return py::bytes(id.internal, nccl::kUniqueIdBytes);
  });
  sub.def(
      "nccl_comm_init",
      [](const py::bytes& id_bytes, int nranks, int rank, int device) {
        const nccl::Api& api = nccl_api("init_process_group");
        std::string id_text = id_bytes;
        if (id_text.size() != nccl::kUniqueIdBytes)
          throw ValueError(detail::str("distributed.init_process_group: an NCCL id has ", nccl::kUniqueIdBytes,
                                       " bytes, got ", id_text.size()));
        nccl::UniqueId id{};
        std::copy(id_text.begin(), id_text.end(), id.internal);
        nccl::Comm comm = nullptr;
        {
          py::gil_scoped_release release;  // returns once every rank has joined
          backend::cuda_set_device(device);
          check_nccl(api, api.comm_init_rank(&comm, nranks, id, rank), "init_process_group");
        }
        return reinterpret_cast<uintptr_t>(comm);
      },
      py::arg("unique_id"), py::arg("world_size"), py::arg("rank"), py::arg("device"));
  sub.def("nccl_comm_destroy", [](uintptr_t comm) {
    const nccl::Api& api = nccl_api("destroy_process_group");
    check_nccl(api, api.comm_destroy(as_comm(comm)), "destroy_process_group");
  });
  sub.def("nccl_comm_abort", [](uintptr_t comm) {
    const nccl::Api& api = nccl_api("destroy_process_group");
    api.comm_abort(as_comm(comm));
  });
  sub.def("nccl_async_error", [](uintptr_t comm) -> std::string {
    const nccl::Api& api = nccl_api("wait");
    nccl::Result error = nccl::kSuccess;
    check_nccl(api, api.comm_get_async_error(as_comm(comm), &error), "wait");
    return error == nccl::kSuccess || error == nccl::kInProgress ? std::string() : api.get_error_string(error);
  });
  sub.def(
      "nccl_all_reduce",
      [](uintptr_t comm, const Tensor& tensor, const std::string& op) {
        const nccl::Api& api = nccl_api("all_reduce");
        check_device_tensor(tensor, "all_reduce", "tensor");
        check_nccl(api,
                   api.all_reduce(tensor.data_ptr(), tensor.data_ptr(), static_cast<size_t>(tensor.numel()),
                                  nccl_dtype(tensor.dtype(), "all_reduce"), nccl_op(op, "all_reduce"), as_comm(comm),
                                  stream_of(tensor)),
                   "all_reduce");
        tensor.bump_version();
      },
      py::arg("comm"), py::arg("tensor"), py::arg("op"));
  sub.def(
      "nccl_broadcast",
      [](uintptr_t comm, const Tensor& tensor, int root) {
        const nccl::Api& api = nccl_api("broadcast");
        check_device_tensor(tensor, "broadcast", "tensor");
        check_nccl(api,
                   api.broadcast(tensor.data_ptr(), tensor.data_ptr(), static_cast<size_t>(tensor.numel()),
                                 nccl_dtype(tensor.dtype(), "broadcast"), root, as_comm(comm), stream_of(tensor)),
                   "broadcast");
        tensor.bump_version();
      },
      py::arg("comm"), py::arg("tensor"), py::arg("root"));
  sub.def(
      "nccl_all_gather",
      [](uintptr_t comm, const Tensor& input, const Tensor& output) {
        const nccl::Api& api = nccl_api("all_gather");
        check_device_tensor(input, "all_gather", "tensor");
        check_device_tensor(output, "all_gather", "the gathered buffer");
        if (input.dtype() != output.dtype() || input.numel() == 0 || output.numel() % input.numel() != 0)
          throw ValueError("distributed.all_gather: the gathered buffer must hold world_size inputs of one dtype");
        check_nccl(api,
                   api.all_gather(input.data_ptr(), output.data_ptr(), static_cast<size_t>(input.numel()),
                                  nccl_dtype(input.dtype(), "all_gather"), as_comm(comm), stream_of(input)),
                   "all_gather");
        output.bump_version();
      },
      py::arg("comm"), py::arg("input"), py::arg("output"));
  sub.def(
      "nccl_reduce_scatter",
      [](uintptr_t comm, const Tensor& input, const Tensor& output, const std::string& op) {
        const nccl::Api& api = nccl_api("reduce_scatter");
        check_device_tensor(input, "reduce_scatter", "the stacked inputs");
        check_device_tensor(output, "reduce_scatter", "output");
        if (input.dtype() != output.dtype() || output.numel() == 0 || input.numel() % output.numel() != 0)
          throw ValueError("distributed.reduce_scatter: the inputs must be world_size outputs of one dtype");
        check_nccl(api,
                   api.reduce_scatter(input.data_ptr(), output.data_ptr(), static_cast<size_t>(output.numel()),
                                      nccl_dtype(output.dtype(), "reduce_scatter"), nccl_op(op, "reduce_scatter"),
                                      as_comm(comm), stream_of(output)),
                   "reduce_scatter");
        output.bump_version();
      },
      py::arg("comm"), py::arg("input"), py::arg("output"), py::arg("op"));
}

}  // namespace

void init_cuda_libraries(py::module_& m) {
  auto sub = m.def_submodule("_cuda_libraries", "cuBLAS / cuDNN loading; wrapped by striate.backends.cuda");
  sub.def("cublas_status", [] { return status_dict(backend::cublas_status()); });
  sub.def("cudnn_status", [] { return status_dict(backend::cudnn_status()); });
  init_nccl(sub);
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
