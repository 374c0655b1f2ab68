// The process-wide convolution algorithm preference and the algorithm names.
#include "striate/core/conv_algorithm.h"

#include <atomic>
#include <cstdlib>

#include "striate/core/error.h"

namespace striate {
namespace {

std::atomic<int>& preference() {
  static std::atomic<int> value{static_cast<int>(ConvAlgorithm::Auto)};
  return value;
}

constexpr ConvAlgorithm kAlgorithms[] = {ConvAlgorithm::Auto,     ConvAlgorithm::Im2colGemm, ConvAlgorithm::Gemm1x1,
                                         ConvAlgorithm::Winograd, ConvAlgorithm::Direct,     ConvAlgorithm::Depthwise,
                                         ConvAlgorithm::Cudnn};

}  // namespace

void set_conv_algorithm(ConvAlgorithm algorithm) {
  preference().store(static_cast<int>(algorithm), std::memory_order_relaxed);
}

ConvAlgorithm conv_algorithm() { return static_cast<ConvAlgorithm>(preference().load(std::memory_order_relaxed)); }

const char* conv_algorithm_name(ConvAlgorithm algorithm) {
  switch (algorithm) {
    case ConvAlgorithm::Auto: return "auto";
    case ConvAlgorithm::Im2colGemm: return "im2col_gemm";
    case ConvAlgorithm::Gemm1x1: return "gemm_1x1";
    case ConvAlgorithm::Winograd: return "winograd";
    case ConvAlgorithm::Direct: return "direct";
    case ConvAlgorithm::Depthwise: return "depthwise";
    case ConvAlgorithm::Cudnn: return "cudnn";
  }
  return "?";
}

ConvAlgorithm conv_algorithm_from_name(const std::string& name) {
  for (ConvAlgorithm algorithm : kAlgorithms)
    if (name == conv_algorithm_name(algorithm)) return algorithm;
  throw ValueError(
      detail::str("set_conv_algorithm: expected 'auto', 'im2col_gemm', 'gemm_1x1', 'winograd', 'direct', "
                  "'depthwise' or 'cudnn', got '",
                  name, "'"));
}

const char* conv_pass_name(ConvPass pass) {
  switch (pass) {
    case ConvPass::Forward: return "forward";
    case ConvPass::BackwardInput: return "backward_input";
    case ConvPass::BackwardWeight: return "backward_weight";
  }
  return "?";
}

bool conv_algorithm_logging() {
  static const bool enabled = [] {
    const char* env = std::getenv("STRIATE_LOG_CONV_ALGORITHM");
    return env && *env && std::string(env) != "0";
  }();
  return enabled;
}

}  // namespace striate
