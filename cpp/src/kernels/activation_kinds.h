// The kinds of the parameterized pointwise activations (kernels/activation.h), apart so that the
// SIMD files can name them without the kernel objects' headers.
#pragma once

namespace striate::kernels {

// The parameterized elementwise activations; a and b are their scalar arguments:
// Hardtanh (a = min_val, b = max_val; relu6 is Hardtanh(0, 6)), LeakyRelu (a = negative_slope),
// Elu (a = alpha), Selu, Gelu (erf form), GeluTanh (tanh approximation), Silu,
// Softplus (a = beta, b = threshold), AbsTanh (|tanh x|), Hardswish (x * relu6(x + 3) / 6).
enum class PointwiseActivation { Hardtanh, LeakyRelu, Elu, Selu, Gelu, GeluTanh, Silu, Softplus, AbsTanh, Hardswish };

}  // namespace striate::kernels
