"""GPU training throughput and memory: striate beside PyTorch (cuDNN) on the same GPU, in one
process, interleaved, same weights and data (issue 12's benchmark).

    python3 bench/bench_gpu.py                          # all nets, eager and CUDA Graphs
    python3 bench/bench_gpu.py --nets resnet20 --repeats 20
    python3 bench/bench_gpu.py --device cpu --quick     # the smoke run the tests use (no GPU)

One step = forward + cross-entropy + backward + SGD (lr 0.01, momentum 0.9). Each timed call ends
with a device synchronize in both libraries. "graphs" rows capture the whole step once
(striate.cuda.CUDAGraph / torch.cuda.CUDAGraph, the recipe of PyTorch's CUDA Graphs notes: warm-up
on a side stream, gradients set to None before capture) and replay it. Peak memory is each
library's own allocator high-water mark for the timed net (max_memory_allocated after a reset).
Prints a table and writes bench/results/<date>-<host>-gpu.json.
"""

import argparse
import datetime
import json
import os
import socket
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))  # torch_twins: torchvision-layout twins

LEARNING_RATE = 0.01
MOMENTUM = 0.9


def _nets():
    """name -> (label, striate builder, torch twin builder(model), input shape, batch)."""
    from striate import models
    from striate.benchmark import nets

    def zoo(name):
        net = nets.NETS[name]
        return (net.label, net.build, net.build_twin, net.input_shape, net.train_batches[-1])

    def resnet18_twin(model):
        import torch
        import torch_twins

        twin = torch_twins.resnet18(num_classes=10)
        state = {key: torch.tensor(value.numpy()) for key, value in model.state_dict().items()}
        twin.load_state_dict(state)  # the zoo's resnet18 has torchvision's names
        return twin

    table = {name: zoo(name) for name in ("lenet5", "resnet20", "densenet40")}
    table["resnet18"] = ("ResNet-18 224x224", lambda: models.resnet18(num_classes=10),
                         resnet18_twin, (3, 224, 224), 64)
    return table


class _Library:
    """What differs between the libraries: tensors, the loss, the optimizer, synchronize,
    memory counters and CUDA Graphs."""

    def __init__(self, name, device):
        self.name = name
        self.device = device
        if name == "striate":
            import striate as lib
            from striate.nn import functional as F
        else:
            import torch as lib
            from torch.nn import functional as F
        self.lib, self.F = lib, F

    @property
    def on_gpu(self):
        return self.device.startswith("cuda")

    def tensor(self, array):
        return self.lib.tensor(array).to(self.device)

    def optimizer(self, model):
        return self.lib.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def synchronize(self):
        if self.on_gpu:
            self.lib.cuda.synchronize()

    def reset_peak(self):
        if self.on_gpu:
            self.lib.cuda.synchronize()
            self.lib.cuda.reset_peak_memory_stats()

    def peak_mib(self):
        return self.lib.cuda.max_memory_allocated() / 2**20 if self.on_gpu else float("nan")

    def step_function(self, model, x, y, graphs):
        optimizer = self.optimizer(model)
        F = self.F

        def step():
            optimizer.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            return loss

        if not graphs:
            def eager():
                step()
                self.synchronize()
            return eager
        cuda = self.lib.cuda
        side = cuda.Stream()
        side.wait_stream(cuda.current_stream())
        with cuda.stream(side):
            for _ in range(3):
                step()
        cuda.current_stream().wait_stream(side)
        optimizer.zero_grad(set_to_none=True)
        graph = cuda.CUDAGraph()
        with cuda.graph(graph):
            step()

        def replay():
            graph.replay()
            self.synchronize()
        replay.graph = graph  # alive as long as the step
        return replay


def _parity(model, twin, images, device):
    import torch

    import striate as st

    model.eval()
    twin.eval()
    with st.no_grad():
        ours = model(st.tensor(images[:2]).to(device)).cpu().numpy()
    with torch.no_grad():
        theirs = twin(torch.tensor(images[:2]).to(device)).cpu().numpy()
    model.train()
    twin.train()
    scale = float(np.max(np.abs(theirs))) or 1.0
    return float(np.max(np.abs(ours - theirs))) / scale


def run(args):
    import striate as st
    from striate.benchmark.timing import Timing, interleaved, median

    if args.device.startswith("cuda") and not st.cuda.is_available():
        raise SystemExit(f"bench_gpu: CUDA is not available to striate here "
                         f"({st.cuda.unavailable_reason()}); use --device cpu for a smoke run")
    libraries = {name: _Library(name, args.device) for name in ("striate", "torch")}
    if args.device.startswith("cuda"):
        import torch

        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        if not torch.cuda.is_available():
            raise SystemExit("bench_gpu: this torch has no CUDA (install a CUDA build of torch)")
    timing = Timing(repeats=args.repeats, warmup=args.warmup, min_sample_seconds=0.05 if not
                    args.quick else 0.0, settle_seconds=0.0)
    rows = []
    table = _nets()
    for name in args.nets:
        label, build, build_twin, shape, batch = table[name]
        batch = args.batch or batch
        st.manual_seed(0)
        model = build()
        twin = build_twin(model)
        rng = np.random.default_rng(0)
        images = rng.standard_normal((batch, *shape), dtype=np.float32)
        labels = rng.integers(0, 10, batch).astype(np.int64)
        model.to(args.device)
        twin.to(args.device)
        parity = _parity(model, twin, images, args.device)
        modes = ["eager"] + (["graphs"] if args.graphs and args.device.startswith("cuda")
                             and name in ("lenet5", "resnet20") else [])
        for mode in modes:
            steps, peaks = {}, {}
            for lib_name, library in libraries.items():
                library.reset_peak()
                x, y = library.tensor(images), library.tensor(labels)
                steps[lib_name] = library.step_function(model if lib_name == "striate" else twin,
                                                        x, y, graphs=mode == "graphs")
                steps[lib_name]()
                peaks[lib_name] = library.peak_mib()
            samples = interleaved(steps, timing)
            speed = {lib: batch / median(values) for lib, values in samples.items()}
            row = {"net": name, "label": label, "batch": batch, "mode": mode,
                   "img_per_s": speed, "ratio": speed["striate"] / speed["torch"],
                   "peak_mib": peaks, "parity": parity, "samples": samples}
            rows.append(row)
            print(f"{label:22s} b{batch:<4d} {mode:6s}  striate {speed['striate']:10.1f} img/s  "
                  f"torch {speed['torch']:10.1f} img/s  ratio {row['ratio']:5.2f}x  "
                  f"peak MiB {peaks['striate']:.0f} / {peaks['torch']:.0f}  "
                  f"parity {parity:.1e}", flush=True)
            del steps
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nets", default="lenet5,resnet20,resnet18,densenet40")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batch", type=int, default=None, help="one batch size for every net")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-graphs", dest="graphs", action="store_false")
    parser.add_argument("--quick", action="store_true", help="1 repeat, no warm-up: a smoke run")
    parser.add_argument("--out", default=os.path.join(HERE, "results"))
    parser.add_argument("--no-json", action="store_true")
    args = parser.parse_args(argv)
    args.nets = [name.strip() for name in args.nets.split(",") if name.strip()]
    unknown = [name for name in args.nets if name not in _nets()]
    if unknown:
        parser.error(f"unknown net {unknown[0]!r}; choose from {', '.join(_nets())}")
    if args.quick:
        args.repeats, args.warmup = 1, 0
    rows = run(args)
    if not args.no_json:
        import striate as st
        import torch

        os.makedirs(args.out, exist_ok=True)
        stamp = datetime.date.today().isoformat()
        path = os.path.join(args.out, f"{stamp}-{socket.gethostname()}-gpu"
                            f"{'-quick' if args.quick else ''}.json")
        device_name = (st.cuda.get_device_name() if args.device.startswith("cuda") else "cpu")
        result = {"device": device_name, "striate": st.__version__, "torch": torch.__version__,
                  "settings": {k: v for k, v in vars(args).items() if k != "out"}, "rows": rows}
        with open(path + ".tmp", "w") as handle:
            json.dump(result, handle, indent=1)
        os.replace(path + ".tmp", path)
        print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
