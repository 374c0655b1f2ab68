"""Per-layer microbenchmarks: conv2d at the shapes of the benchmark nets, its forward and its two
backward passes timed apart, and square SGEMM against torch.mm.

The passes are isolated the same way in both libraries: the forward runs without autograd;
backward-input is autograd.grad(y, x) with only x requiring grad, backward-weight is
autograd.grad(y, [w, b]) with only the weight (and bias) requiring grad, each on a graph kept
alive with retain_graph, so each timed call runs exactly one backward kernel of the convolution.
"""

from dataclasses import dataclass

import numpy as np

from .report import make_row
from .timing import interleaved

__all__ = ["CONV_SHAPES", "GEMM_SIZES", "ConvShape", "run_conv", "run_gemm"]

PASSES = ("fwd", "bwd-input", "bwd-weight")
# Relative tolerance of the pre-timing check that both libraries compute the same thing.
PARITY_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ConvShape:
    net: str
    batch: int
    in_channels: int
    size: int  # input height = width
    out_channels: int
    kernel: int
    stride: int = 1
    padding: int = 0
    bias: bool = False

    @property
    def output_size(self):
        return (self.size + 2 * self.padding - self.kernel) // self.stride + 1

    @property
    def label(self):
        stride = f" s{self.stride}" if self.stride != 1 else ""
        return (f"{self.net} {self.in_channels}->{self.out_channels} {self.kernel}x{self.kernel}"
                f"{stride} {self.size}x{self.size} b{self.batch}")

    def flops(self):
        """FLOPs of one pass (forward, backward-input and backward-weight cost the same)."""
        return (2 * self.batch * self.out_channels * self.in_channels * self.kernel ** 2
                * self.output_size ** 2)


# Layers of the four nets, at their training batch sizes: LeNet-5's two 5x5 convs; ResNet-20's
# stem, each stage's 3x3 and a strided one; DenseNet-BC-40's bottleneck 1x1s, 3x3 growth convs
# and a transition; VGG-11 from its first to its narrowest layers.
CONV_SHAPES = (
    ConvShape("LeNet-5", 64, 1, 28, 6, 5, padding=2, bias=True),
    ConvShape("LeNet-5", 64, 6, 14, 16, 5, bias=True),
    ConvShape("ResNet-20", 128, 3, 32, 16, 3, padding=1),
    ConvShape("ResNet-20", 128, 16, 32, 16, 3, padding=1),
    ConvShape("ResNet-20", 128, 16, 32, 32, 3, stride=2, padding=1),
    ConvShape("ResNet-20", 128, 32, 16, 32, 3, padding=1),
    ConvShape("ResNet-20", 128, 64, 8, 64, 3, padding=1),
    ConvShape("DenseNet-40", 64, 84, 32, 48, 1),
    ConvShape("DenseNet-40", 64, 48, 32, 12, 3, padding=1),
    ConvShape("DenseNet-40", 64, 96, 32, 48, 1),
    ConvShape("DenseNet-40", 64, 120, 8, 48, 1),
    ConvShape("DenseNet-40", 64, 48, 8, 12, 3, padding=1),
    ConvShape("VGG-11", 64, 3, 32, 64, 3, padding=1, bias=True),
    ConvShape("VGG-11", 64, 64, 16, 128, 3, padding=1, bias=True),
    ConvShape("VGG-11", 64, 256, 8, 256, 3, padding=1, bias=True),
    ConvShape("VGG-11", 64, 512, 4, 512, 3, padding=1, bias=True),
)

GEMM_SIZES = (256, 512, 1024, 2048)


def _conv_passes(shape, lib):
    """name of pass -> (zero-argument call, what it returns as numpy arrays) for one library."""
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((shape.batch, shape.in_channels, shape.size, shape.size),
                               dtype=np.float32)
    w_np = rng.standard_normal((shape.out_channels, shape.in_channels, shape.kernel, shape.kernel),
                               dtype=np.float32) * np.float32(0.1)
    b_np = rng.standard_normal(shape.out_channels, dtype=np.float32) if shape.bias else None
    if lib == "striate":
        import striate as L
        from striate.nn import functional as F
    else:
        import torch as L
        from torch.nn import functional as F

    def make(array, requires_grad):
        return None if array is None else L.tensor(array, requires_grad=requires_grad)

    def conv(x, w, b):
        return F.conv2d(x, w, b, stride=shape.stride, padding=shape.padding)

    x_plain, w_plain, b_plain = make(x_np, False), make(w_np, False), make(b_np, False)
    with L.no_grad():
        y_plain = conv(x_plain, w_plain, b_plain)
    dy = L.tensor(rng.standard_normal(tuple(y_plain.shape), dtype=np.float32))

    x_grad = make(x_np, True)
    y_for_input = conv(x_grad, w_plain, b_plain)
    w_grad, b_grad = make(w_np, True), make(b_np, True)
    weights = [w_grad] + ([b_grad] if b_grad is not None else [])
    y_for_weight = conv(x_plain, w_grad, b_grad)

    def forward():
        with L.no_grad():
            return conv(x_plain, w_plain, b_plain)

    def backward_input():
        return L.autograd.grad(y_for_input, x_grad, dy, retain_graph=True)

    def backward_weight():
        return L.autograd.grad(y_for_weight, weights, dy, retain_graph=True)

    return {"fwd": forward, "bwd-input": backward_input, "bwd-weight": backward_weight}


def _as_arrays(result):
    items = result if isinstance(result, (tuple, list)) else (result,)
    return [item.detach().numpy() if hasattr(item, "detach") else item.numpy() for item in items]


def _parity(cases):
    ours = _as_arrays(cases["striate"]())
    theirs = _as_arrays(cases["torch"]())
    worst = 0.0
    for a, b in zip(ours, theirs):
        scale = float(np.max(np.abs(b))) or 1.0
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


def run_conv(context):
    rows = []
    for shape in context.conv_shapes:
        passes = {lib: _conv_passes(shape, lib) for lib in ("striate", "torch")}
        for name in PASSES:
            cases = {lib: passes[lib][name] for lib in passes}
            parity = _parity(cases)
            if not parity <= PARITY_TOLERANCE:
                raise RuntimeError(f"benchmark: conv2d {name} on {shape.label} differs between "
                                   f"striate and torch (max relative difference {parity:.2e})")
            for threads in context.threads:
                context.set_threads(threads)
                context.log(f"conv {shape.label} {name}, {threads} thread(s)")
                samples = interleaved(cases, context.timing)
                rows.append(make_row("layers", f"{shape.label} {name}", threads, "ms", samples,
                                     flops=shape.flops(), peak=context.peaks[threads],
                                     details={"op": "conv2d", "pass": name, "parity": parity,
                                              **shape.__dict__}))
    return rows


def run_gemm(context):
    import torch

    import striate

    rows = []
    for size in context.gemm_sizes:
        rng = np.random.default_rng(size)
        a_np = rng.standard_normal((size, size), dtype=np.float32)
        b_np = rng.standard_normal((size, size), dtype=np.float32)
        a, b = striate.tensor(a_np), striate.tensor(b_np)
        a_torch, b_torch = torch.tensor(a_np), torch.tensor(b_np)
        cases = {"striate": lambda a=a, b=b: striate.matmul(a, b),
                 "torch": lambda a=a_torch, b=b_torch: torch.mm(a, b)}
        parity = _parity(cases)
        if not parity <= PARITY_TOLERANCE:
            raise RuntimeError(f"benchmark: SGEMM {size} differs between striate and torch.mm "
                               f"(max relative difference {parity:.2e})")
        for threads in context.threads:
            context.set_threads(threads)
            context.log(f"gemm {size}, {threads} thread(s)")
            samples = interleaved(cases, context.timing)
            rows.append(make_row("gemm", f"SGEMM {size}x{size}x{size}", threads, "ms", samples,
                                 flops=2 * size ** 3, peak=context.peaks[threads],
                                 details={"op": "matmul", "size": size, "parity": parity}))
    return rows
