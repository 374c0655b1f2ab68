// The algorithms a backend may run for a convolution pass, and the process-wide preference that
// tests and benchmarks use to force one. Each backend answers which algorithm it picks for a
// given geometry (striate::conv2d_algorithms in ops/conv.h; striate.backends.cpu.conv_algorithm
// in Python); setting STRIATE_LOG_CONV_ALGORITHM=1 in the environment prints each new choice once.
//   striate::set_conv_algorithm(striate::ConvAlgorithm::Im2colGemm);  // where it applies
//   ...
//   striate::set_conv_algorithm(striate::ConvAlgorithm::Auto);        // back to the rule
#pragma once
#include <string>

namespace striate {

/// A convolution algorithm (Auto only as a preference).
enum class ConvAlgorithm {
  Auto = 0,        ///< the backend's rule (only as a preference, never as a choice)
  Im2colGemm = 1,  ///< unfold the input into columns, one GEMM per batch of samples
  Gemm1x1 = 2,     ///< 1x1 kernel, unit stride, no padding: the input is already the column matrix
  Winograd = 3,    ///< 3x3 stride 1: transform tiles, fewer multiplies (float32 only)
  Direct = 4,      ///< register-blocked loops over channel blocks, any kernel/stride/dilation (float32, groups 1)
  Depthwise = 5,   ///< groups == C (channel multiplier >= 1): per-plane loops along rows (float32 and float64)
  Cudnn = 6,       ///< CUDA: cuDNN's convolution (its own algorithm by heuristics or benchmark), when loaded
};

/// A pass of a convolution: the output, the input gradient or the weight gradient.
enum class ConvPass { Forward = 0, BackwardInput = 1, BackwardWeight = 2 };

/// The preference: Auto (the default) lets the backend's rule choose; any other value makes every
/// conv pass that algorithm can compute use it, and the rest use the rule.
/// @param algorithm the preference.
void set_conv_algorithm(ConvAlgorithm algorithm);
/// The current preference.
/// @return it.
ConvAlgorithm conv_algorithm();

/// "auto", "im2col_gemm", "gemm_1x1", "winograd", "direct", "depthwise", "cudnn"; from_name raises ValueError on
/// anything else.
/// @param algorithm the algorithm.
/// @return its name.
const char* conv_algorithm_name(ConvAlgorithm algorithm);
/// The algorithm of a name.
/// @param name the name.
/// @return the algorithm.
/// @throws ValueError for another name.
ConvAlgorithm conv_algorithm_from_name(const std::string& name);
/// "forward", "backward_input", "backward_weight".
/// @param pass the pass.
/// @return its name.
const char* conv_pass_name(ConvPass pass);

/// Whether STRIATE_LOG_CONV_ALGORITHM asks for the choices to be printed (read once).
/// @return the flag.
bool conv_algorithm_logging();

}  // namespace striate
