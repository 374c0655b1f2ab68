"""Peak resident memory of a training run, per library: each library trains the net for a few
steps in a child process of its own (one process holding both would count both) that reports its
peak RSS (VmHWM) and its RSS right after the imports; striate's child adds its caching
allocator's counters (peak bytes held by tensors, OS allocations after the first step)."""

import json
import os
import subprocess
import sys

from .report import make_row

__all__ = ["measure", "run"]

_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_rss_child.py")
TIMEOUT_SECONDS = 900


def measure(libraries, net, batch, steps, threads):
    """library -> the child's report {"peak_rss": bytes, "rss_after_import": bytes, ...}. The
    children run at the same time: memory does not mind sharing the CPU."""
    children = {}
    for library in libraries:
        command = [sys.executable, _CHILD, library, net.name, str(batch), str(steps), str(threads)]
        children[library] = subprocess.Popen(command, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True)
    reports = {}
    try:
        for library, child in children.items():
            out, err = child.communicate(timeout=TIMEOUT_SECONDS)
            if child.returncode != 0:
                raise RuntimeError(f"benchmark: the peak-RSS run of {net.label} with {library} "
                                   f"failed (exit {child.returncode}):\n{err[-2000:]}")
            reports[library] = json.loads(out.strip().splitlines()[-1])
    finally:
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()
    return reports


def run(context):
    rows = []
    for net in context.nets:
        batch = context.train_batches(net)[0]
        for threads in context.threads:
            context.log(f"peak RSS {net.name} batch {batch}, {threads} thread(s)")
            reports = measure(("striate", "torch"), net, batch, context.memory_steps, threads)
            samples = {lib: [report["peak_rss"]] for lib, report in reports.items()}
            after_import = {lib: report["rss_after_import"] for lib, report in reports.items()}
            rows.append(make_row(
                "memory", f"{net.label} b{batch} train peak RSS", threads, "MiB", samples,
                details={"net": net.name, "batch": batch, "steps": context.memory_steps,
                         "rss_after_import": after_import,
                         "striate_allocator": reports["striate"].get("allocator")}))
    return rows
