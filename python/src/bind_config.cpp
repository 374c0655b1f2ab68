// striate._C: what was built and what runs where: version and show_config, the CPU ISA switch,
// FMA peak probe and caching allocator's statistics, CUDA
// availability, the op registry (wrapped by striate.backends), and a test hook that makes tensors
// claiming another device.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bindings.h"
#include "core/cpu_allocator.h"
#include "core/cuda_runtime.h"
#include "kernels/cpu/peak_probe.h"
#include "striate/core/config.h"
#include "striate/core/cpu_isa.h"
#include "striate/ops/registry.h"

namespace striate::python {
namespace {

CpuIsa cpu_isa_from_name(const std::string& name) {
  if (name == "generic") return CpuIsa::Generic;
  if (name == "avx2") return CpuIsa::AVX2;
  if (name == "avx512") return CpuIsa::AVX512;
  throw ValueError(detail::str("_set_cpu_isa: expected 'generic', 'avx2' or 'avx512', got '", name, "'"));
}

DeviceType device_type_of(const std::string& spec) { return Device(spec).type; }

void unmap(void* data, void* context) { munmap(data, reinterpret_cast<size_t>(context)); }

// A tensor whose storage claims `device` but is host memory no one may touch (PROT_NONE): any CPU
// kernel that reads or writes it ends the process with SIGSEGV, which is what the device tests
// watch for. Never used outside tests.
Tensor poisoned_device_tensor(const Shape& shape, DType dtype, const std::string& device) {
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t nbytes = std::max<size_t>(page, static_cast<size_t>(shape.numel()) * element_size(dtype));
  void* p = mmap(nullptr, nbytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw OutOfMemory("_poisoned_device_tensor: mmap failed");
  auto storage = std::make_shared<Storage>(p, nbytes, Device(device), &unmap, reinterpret_cast<void*>(nbytes));
  return Tensor(std::make_shared<TensorImpl>(std::move(storage), shape, contiguous_strides(shape), 0, dtype));
}

}  // namespace

void init_config(py::module_& m) {
  m.def("show_config", &show_config);
  m.def("cuda_is_available", &cuda_is_available);
  m.def("cuda_device_count", &cuda_device_count);
  m.def(
      "_cuda_synchronize",
      [](int device) {
        STRIATE_CHECK(cuda_is_available(), "cuda.synchronize: no CUDA device is available (",
                      cuda_built() ? "none found by the driver" : "striate was built without the CUDA backend", ")");
        backend::cuda_synchronize(device);
      },
      py::arg("device"), py::call_guard<py::gil_scoped_release>());
  m.attr("__version__") = version();
  m.attr("cuda_built") = cuda_built();

  m.def("_set_cpu_isa", [](const std::string& name) { set_cpu_isa(cpu_isa_from_name(name)); }, py::arg("name"));
  m.def("_get_cpu_isa", [] { return std::string(cpu_isa_name(cpu_isa())); });
  m.def("_supported_cpu_isa", [] { return std::string(cpu_isa_name(cpu_isa_supported())); });
  m.def(
      "_cpu_peak_gflops",
      [](int threads, const py::object& dtype) {
        DType type = dtype_from_py(dtype, "peak_gflops");
        py::gil_scoped_release release;
        return kernels::cpu::peak_gflops(threads, type);
      },
      py::arg("threads"), py::arg("dtype"));

  // The caching CPU allocator (wrapped by striate.backends.cpu.memory_stats and friends).
  m.def("_cpu_memory_stats", [] {
    allocator::Stats s = cpu_allocator::stats();
    py::dict d;
    d["allocated_bytes"] = s.allocated_bytes;
    d["cached_bytes"] = s.cached_bytes;
    d["peak_allocated_bytes"] = s.peak_allocated_bytes;
    d["requests"] = s.requests;
    d["cache_hits"] = s.cache_hits;
    d["os_allocations"] = s.os_allocations;
    d["os_frees"] = s.os_frees;
    d["cache_limit"] = s.cache_limit;
    return d;
  });
  m.def("_cpu_empty_cache", [] { return cpu_allocator::empty_cache(); });
  m.def("_cpu_reset_peak_memory_stats", [] { cpu_allocator::reset_peak(); });
  m.def("_cpu_set_cache_limit", [](size_t bytes) { cpu_allocator::set_cache_limit(bytes); }, py::arg("bytes"));

  py::module_ backends = m.def_submodule("_backends", "the op registry; wrapped by striate.backends");
  backends.def("registered_ops", &backends::registered_ops);
  backends.def(
      "supported_ops", [](const std::string& device) { return backends::supported_ops(device_type_of(device)); },
      py::arg("device"));
  backends.def(
      "unsupported_ops", [](const std::string& device) { return backends::unsupported_ops(device_type_of(device)); },
      py::arg("device"));
  backends.def(
      "has_kernel",
      [](const std::string& op, const std::string& device) { return backends::has_kernel(op, device_type_of(device)); },
      py::arg("op"), py::arg("device"));
  backends.def("op_kernels", &backends::op_kernels, py::arg("op"));
  backends.def(
      "_poisoned_device_tensor",
      [](const std::vector<int64_t>& shape, const py::object& dtype, const std::string& device) {
        return poisoned_device_tensor(Shape(shape), dtype_from_py(dtype, "_poisoned_device_tensor"), device);
      },
      py::arg("shape"), py::arg("dtype"), py::arg("device"));
}

}  // namespace striate::python
