"""The peak-RSS benchmark's child process: trains one net with one library for a few steps and
prints, as one JSON line, its resident set size after the imports and its peak. One library per
process, since a process holding both would count both.

    python _rss_child.py torch resnet20 128 3 1      # LIBRARY NET BATCH STEPS THREADS
"""

import importlib.util
import json
import os
import resource
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def _load_by_path(name):
    # The torch child must not import the striate package, so it loads these files directly.
    path = os.path.join(HERE, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_striate_bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _status_bytes(field):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def rss_now():
    """The current resident set size in bytes (None where /proc is missing)."""
    return _status_bytes("VmRSS")


def peak_rss():
    """The peak resident set size in bytes. VmHWM is this program's own high-water mark;
    getrusage's ru_maxrss (the fallback) keeps the parent's size across fork + exec on Linux."""
    peak = _status_bytes("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def train(library, net_name, batch, steps, threads):
    if library == "striate":
        import striate
        from striate.benchmark.nets import NETS, make_batch

        striate.set_num_threads(threads)
        after_import = rss_now()
        net = NETS[net_name]
        model = net.build()
        optimizer = striate.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        images, labels = make_batch(net, batch)
        x, y = striate.tensor(images), striate.tensor(labels)
        loss_fn = striate.nn.functional.cross_entropy
    else:
        import torch

        nets = _load_by_path("nets")
        twins = _load_by_path("twins")
        torch.set_num_threads(threads)
        after_import = rss_now()
        net = nets.NETS[net_name]
        model = twins.build(net.zoo, **net.kwargs)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        images, labels = nets.make_batch(net, batch)
        x, y = torch.tensor(images), torch.tensor(labels)
        loss_fn = torch.nn.functional.cross_entropy
    model.train()
    allocator = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()
        if library == "striate":
            allocator.append(striate.backends.cpu.memory_stats())
    report = {"library": library, "rss_after_import": after_import, "peak_rss": peak_rss()}
    if allocator:
        # The caching allocator's view: the most bytes tensors held at once, and the requests that
        # went to the OS after the first step (0 in steady state).
        report["allocator"] = {
            "peak_allocated_bytes": allocator[-1]["peak_allocated_bytes"],
            "os_allocations_after_first_step":
                allocator[-1]["os_allocations"] - allocator[0]["os_allocations"],
            "requests_per_step": (allocator[-1]["requests"] - allocator[0]["requests"])
                / max(1, len(allocator) - 1),
        }
    return report


if __name__ == "__main__":
    # sys.path[0] is this folder: drop it so no file here shadows a module.
    if sys.path and os.path.abspath(sys.path[0] or ".") == HERE:
        sys.path.pop(0)
    library, net_name, batch, steps, threads = sys.argv[1:6]
    print(json.dumps(train(library, net_name, int(batch), int(steps), int(threads))))
