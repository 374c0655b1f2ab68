"""The benchmark run: options, the machine's peak, every suite in turn, the table and the results
file. `striate bench` and bench/run.py both call :func:`command`.

    striate bench                                  # everything, 1 and 2 threads (about an hour)
    striate bench --suite train,infer --nets resnet20 --threads 1
    striate bench --quick                          # a fast smoke run (CI)
"""

import datetime
import importlib.util
import sys
import time

from . import nets as bench_nets
from .layers import CONV_SHAPES, GEMM_SIZES, ConvShape
from .report import format_table, write_results
from .timing import Timing

__all__ = ["SUITES", "BenchConfig", "BenchUsageError", "add_arguments", "command", "run"]

SUITES = ("train", "infer", "layers", "gemm", "overhead", "memory")
SCHEMA_VERSION = 1
TORCH_REFERENCE = "2.13"


class BenchUsageError(ValueError):
    """A bad option or a missing package: the CLI prints it as one line and exits with 2."""


def _stderr_log(start):
    def log(message):
        print(f"[bench {time.perf_counter() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    return log


class BenchConfig:
    """What to run. ``quick`` shrinks everything (one small net, tiny batches, two samples) for a
    smoke test; explicit arguments still win over the quick defaults."""

    def __init__(self, threads=None, suites=SUITES, nets=None, quick=False, onnx=True, batch=None,
                 repeats=None, warmup=None, log=None, compile=None, compile_timeout=300.0):
        self.quick = quick
        # torch.compile beside eager PyTorch (ResNet-20 training): off in --quick runs, which
        # must take seconds (compiling takes minutes).
        self.compile = (not quick) if compile is None else compile
        self.compile_timeout = compile_timeout
        self.threads = tuple(threads) if threads else ((1,) if quick else (1, 2))
        self.suites = tuple(suites)
        names = tuple(nets) if nets else (("lenet5",) if quick else tuple(bench_nets.NETS))
        unknown = [s for s in self.suites if s not in SUITES]
        if unknown:
            raise BenchUsageError(f"unknown suite {unknown[0]!r}; choose from {', '.join(SUITES)}")
        unknown = [n for n in names if n not in bench_nets.NETS]
        if unknown:
            raise BenchUsageError(f"unknown net {unknown[0]!r}; choose from "
                                  f"{', '.join(bench_nets.NETS)}")
        if any(t < 1 for t in self.threads):
            raise BenchUsageError(f"--threads: expected positive counts, got {self.threads}")
        if batch is not None and batch < 1:
            raise BenchUsageError(f"--batch: expected a positive batch size, got {batch}")
        self.nets = [bench_nets.NETS[name] for name in names]
        self.onnx = onnx
        self.batch = batch
        default = Timing(2, 1, 0.0, 0.0) if quick else Timing(10, 3, 0.05, 0.03)
        self.timing = Timing(repeats if repeats is not None else default.repeats,
                             warmup if warmup is not None else default.warmup,
                             default.min_sample_seconds, default.settle_seconds)
        self.overhead_timing = Timing(self.timing.repeats, self.timing.warmup,
                                      0.002 if quick else 0.05, default.settle_seconds)
        self.infer_batches = ((batch or 8) if quick else (batch or 256), 1)
        quick_conv = (ConvShape("LeNet-5", 8, 6, 14, 16, 5, bias=True),)
        self.conv_shapes = quick_conv if quick else CONV_SHAPES
        self.gemm_sizes = (64,) if quick else GEMM_SIZES
        self.memory_steps = 1 if quick else 3
        self.log = log or _stderr_log(time.perf_counter())

    def train_batches(self, net):
        if self.batch is not None:
            return (self.batch,)
        return (8,) if self.quick else net.train_batches

    def as_dict(self):
        return {"threads": list(self.threads), "suites": list(self.suites),
                "nets": [net.name for net in self.nets], "quick": self.quick, "onnx": self.onnx,
                "timing": self.timing.as_dict(), "overhead_timing": self.overhead_timing.as_dict(),
                "infer_batches": list(self.infer_batches), "memory_steps": self.memory_steps,
                "compile": self.compile, "compile_timeout": self.compile_timeout}


class _Context:
    """What the suites read: the config, the measured peaks, and thread and seed control."""

    def __init__(self, config, peaks):
        self.__dict__.update(config.__dict__)
        self.train_batches = config.train_batches
        self.peaks = peaks

    def set_threads(self, threads):
        import torch

        import striate

        striate.set_num_threads(threads)
        torch.set_num_threads(threads)

    def build(self, net):
        """The zoo model with the same initial weights on every call (seeded)."""
        import striate

        striate.manual_seed(0)
        return net.build()


def _require(config):
    """Imports the peers, or raises BenchUsageError saying what to pip-install."""
    try:
        import torch
    except ImportError:
        raise BenchUsageError(
            "striate bench measures against PyTorch, which is not installed: pip install "
            "'striate[bench]' (or: pip install torch==2.13.0 onnxruntime onnx onnxscript)"
        ) from None
    notes = []
    if not torch.__version__.startswith(TORCH_REFERENCE):
        notes.append(f"PyTorch {torch.__version__} is not the reference release "
                     f"{TORCH_REFERENCE} (pip install 'striate[bench]')")
    if config.onnx and "infer" in config.suites:
        # torch.onnx.export needs onnx, and onnxscript for its torch.export-based exporter;
        # looked up, not imported (onnxscript takes seconds to import and may not be needed).
        for name in ("onnxruntime", "onnx", "onnxscript"):
            if importlib.util.find_spec(name) is None:
                raise BenchUsageError(
                    f"striate bench compares inference with ONNX Runtime, but {name} is not "
                    "installed: pip install onnxruntime onnx onnxscript (or pass --no-onnx)")
    return notes


def run(config, on_progress=None):
    """Runs the configured suites and returns the results (a JSON-ready dict); after each suite,
    ``on_progress`` (if given) receives the results so far ("complete" is False until the end)."""
    notes = _require(config)
    from ..backends import cpu
    from . import inference, layers, memory, overhead, training
    from .machine import machine_info

    config.log("measuring the FMA peak")
    peaks = {threads: cpu.peak_gflops(threads) for threads in config.threads}
    for threads in config.threads:
        if threads > 1 and peaks[threads] < 0.8 * threads * peaks[1 if 1 in peaks else threads]:
            notes.append(f"the {threads}-thread FMA probe reached {peaks[threads]:.0f} GFLOP/s, "
                         f"less than 0.8 x {threads} x the 1-thread figure: the machine is busy, "
                         "so the fractions of peak at that thread count read high")
    context = _Context(config, peaks)
    context.notes = notes
    runners = {"train": training.run, "infer": inference.run, "layers": layers.run_conv,
               "gemm": layers.run_gemm, "overhead": overhead.run, "memory": memory.run}
    if "train" in config.suites and not config.compile and not config.quick:
        notes.append("torch.compile left out (--no-compile)")
    if "infer" in config.suites and not config.onnx:
        notes.append("ONNX Runtime left out (--no-onnx)")
    if not config.quick and config.timing.repeats < 10:
        notes.append(f"medians of {config.timing.repeats} samples (fewer than the suite's 10)")
    now = datetime.datetime.now()
    results = {
        "schema": SCHEMA_VERSION,
        "date": now.strftime("%Y-%m-%d"),
        "started": now.isoformat(timespec="seconds"),
        "complete": False,
        "machine": machine_info(config.threads, peaks),
        "settings": config.as_dict(),
        "suites": list(config.suites),
        "rows": [],
        "notes": notes,
    }
    for index, suite in enumerate(config.suites):
        results["rows"] += runners[suite](context)
        results["complete"] = index == len(config.suites) - 1
        if on_progress is not None:
            on_progress(results)
    return results


def _list_option(text, option, convert=str):
    try:
        values = tuple(convert(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise BenchUsageError(f"{option}: expected a comma-separated list, got {text!r}") from None
    if not values:
        raise BenchUsageError(f"{option}: expected at least one value, got {text!r}")
    return values


def add_arguments(parser, default_out="bench/results"):
    """The options of `striate bench` (and bench/run.py) on an argparse parser."""
    parser.add_argument("--threads", default=None,
                        help="comma-separated thread counts (default 1,2; --quick: 1)")
    parser.add_argument("--suite", default=",".join(SUITES),
                        help=f"comma-separated suites, from {','.join(SUITES)} (default: all)")
    parser.add_argument("--nets", default=None,
                        help=f"comma-separated nets, from {','.join(bench_nets.NETS)} "
                             "(default: all; --quick: lenet5)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: one small net, tiny batches, two samples")
    parser.add_argument("--batch", type=int, default=None,
                        help="one batch size for training and batched inference, instead of "
                             "each net's own")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed samples per library (default 10; --quick: 2)")
    parser.add_argument("--warmup", type=int, default=None,
                        help="untimed calls first (default 3; --quick: 1)")
    parser.add_argument("--no-onnx", action="store_true",
                        help="leave ONNX Runtime out of the inference suite")
    parser.add_argument("--no-compile", action="store_true",
                        help="leave torch.compile out of ResNet-20 training (it compiles for "
                             "minutes; --quick leaves it out)")
    parser.add_argument("--compile-timeout", type=float, default=300.0,
                        help="seconds the torch.compile probe (a one-conv model, in a child "
                             "process) may take before the column is left out (default 300)")
    parser.add_argument("--out", default=default_out,
                        help=f"folder of the results file <date>-<host>.json "
                             f"(default {default_out})")
    parser.add_argument("--no-json", action="store_true", help="print the table only")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    return parser


def config_from_args(args):
    threads = _list_option(args.threads, "--threads", int) if args.threads else None
    nets = _list_option(args.nets, "--nets") if args.nets else None
    if args.repeats is not None and args.repeats < 1:
        raise BenchUsageError(f"--repeats: expected at least 1, got {args.repeats}")
    if args.warmup is not None and args.warmup < 0:
        raise BenchUsageError(f"--warmup: expected at least 0, got {args.warmup}")
    if args.compile_timeout <= 0:
        raise BenchUsageError("--compile-timeout: expected seconds > 0, got "
                              f"{args.compile_timeout:g}")
    return BenchConfig(threads=threads, suites=_list_option(args.suite, "--suite"), nets=nets,
                       quick=args.quick, onnx=not args.no_onnx, batch=args.batch,
                       repeats=args.repeats, warmup=args.warmup,
                       compile=False if args.no_compile else None,
                       compile_timeout=args.compile_timeout)


def command(args):
    """Runs the benchmark from parsed options: prints the table, writes the results file (also
    after each suite, so a long run that stops keeps what it measured), and returns 0."""
    config = config_from_args(args)
    save = None if args.no_json else (lambda results: write_results(results, args.out,
                                                                     quick=config.quick))
    results = run(config, on_progress=save)
    print(format_table(results, markdown=args.markdown), flush=True)
    if save is not None:
        print(f"results: {save(results)}", flush=True)
    return 0
