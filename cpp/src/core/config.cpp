// show_config(): what was built and what is in use, for users and bug reports.
#include "striate/core/config.h"

#include <cstdlib>
#include <sstream>

#include "core/cuda_libraries.h"
#include "core/cuda_runtime.h"
#include "striate/core/cpu_isa.h"
#include "striate/core/parallel.h"

namespace striate {

std::string version() { return STRIATE_VERSION; }
bool cuda_built() { return backend::cuda_built(); }
int cuda_device_count() { return backend::cuda_built() ? backend::cuda_device_count() : 0; }
bool cuda_is_available() { return cuda_device_count() > 0; }

std::string show_config() {
  std::ostringstream out;
  out << "striate " << version() << "\n";
  out << "  compiler: " << STRIATE_CXX_COMPILER << " (C++" << __cplusplus / 100 % 100 << ")\n";
  out << "  CPU ISA path: " << cpu_isa_name(cpu_isa()) << " (CPU supports " << cpu_isa_name(cpu_isa_supported());
  if (const char* env = std::getenv("STRIATE_CPU_ISA")) out << "; STRIATE_CPU_ISA=" << env;
  out << ")\n";
  out << "  OpenMP threads: " << get_num_threads() << "\n";
  if (backend::cuda_built()) {
    out << "  CUDA backend: built (CUDA " << backend::cuda_version() << "), " << cuda_device_count() << " device(s)\n";
    const std::string why = backend::cuda_unavailable_reason();
    if (!why.empty()) out << "  CUDA unavailable: " << why << "\n";
    for (int d = 0; d < cuda_device_count(); ++d) {
      const auto p = backend::cuda_device_properties(d);
      out << "  cuda:" << d << ": " << p.name << " (sm_" << p.major << p.minor << ", " << (p.total_memory >> 20)
          << " MiB)\n";
    }
    // Looking the libraries up (dlopen) touches no device.
    auto library = [&out](const char* name, const backend::CudaLibraryStatus& status, const char* without) {
      out << "  " << name << ": ";
      if (status.loaded)
        out << "loaded (" << status.version << ", " << status.path << ")\n";
      else
        out << status.reason << "; " << without << "\n";
    };
    library("cuBLAS", backend::cublas_status(), "GEMMs run striate's own CUDA kernel");
    library("cuDNN", backend::cudnn_status(), "convolutions run striate's own CUDA kernels");
    library("NCCL", backend::nccl_status(), "striate.distributed's 'nccl' backend is unavailable");
  } else {
    out << "  CUDA backend: not built (" << backend::cuda_unavailable_reason() << ")\n";
  }
  return out.str();
}

}  // namespace striate
