"""striate.benchmark: striate beside PyTorch 2.13 and ONNX Runtime, in one process, interleaved,
with the same threads, weights and data (`striate bench` on the command line, bench/run.py in the
repository).

Suites: ``train`` (images/s of an SGD-momentum step of LeNet-5, ResNet-20, DenseNet-BC-40 and
VGG-11), ``infer`` (images/s at batch 256, latency at batch 1, with ONNX Runtime), ``layers``
(conv2d forward, backward-input and backward-weight at the nets' shapes), ``gemm`` (square SGEMM
against torch.mm), ``overhead`` (microseconds per tiny op from Python) and ``memory`` (peak RSS of
a training run, one child process per library). Each row has the medians, GFLOP/s and the
fraction of the machine's FMA peak (striate.backends.cpu.peak_gflops) where FLOPs are known, and
striate/peer ratios, higher is better for striate.

    from striate.benchmark import BenchConfig, run, format_table
    results = run(BenchConfig(suites=["train"], nets=["resnet20"], threads=[1]))
    print(format_table(results))

torch, onnxruntime and onnx are needed only here: pip install 'striate[bench]'.
"""

from .report import format_table, write_results
from .runner import SUITES, BenchConfig, BenchUsageError, add_arguments, command, run

__all__ = ["SUITES", "BenchConfig", "BenchUsageError", "add_arguments", "command", "format_table",
           "run", "write_results"]
