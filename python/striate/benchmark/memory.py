"""Peak resident memory of a training run, per library: each library trains the net for a few
steps in a child process of its own (one process holding both would count both) that reports its
peak RSS (VmHWM) and its RSS right after the imports."""

import json
import os
import subprocess
import sys

from .report import make_row

__all__ = ["measure", "run"]

_CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_rss_child.py")
TIMEOUT_SECONDS = 900


def measure(library, net, batch, steps, threads):
    """The child's report: {"peak_rss": bytes, "rss_after_import": bytes, ...}."""
    command = [sys.executable, _CHILD, library, net.name, str(batch), str(steps), str(threads)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"benchmark: the peak-RSS run of {net.label} with {library} failed "
                           f"(exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(context):
    rows = []
    for net in context.nets:
        batch = context.train_batches(net)[0]
        for threads in context.threads:
            context.log(f"peak RSS {net.name} batch {batch}, {threads} thread(s)")
            reports = {lib: measure(lib, net, batch, context.memory_steps, threads)
                       for lib in ("striate", "torch")}
            samples = {lib: [report["peak_rss"]] for lib, report in reports.items()}
            after_import = {lib: report["rss_after_import"] for lib, report in reports.items()}
            rows.append(make_row(
                "memory", f"{net.label} b{batch} train peak RSS", threads, "MiB", samples,
                details={"net": net.name, "batch": batch, "steps": context.memory_steps,
                         "rss_after_import": after_import}))
    return rows
