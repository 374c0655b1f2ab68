"""Training throughput: images/s of one SGD step (forward, cross-entropy, backward, SGD with
momentum) on the same weights and data in striate and its PyTorch twin; for ResNet-20 also the
twin under ``torch.compile`` (inductor), when it compiles here: a one-conv model is compiled in a
child process first (a missing C++ compiler or an inductor failure, or no result within
``compile_timeout`` seconds, leaves the column out and the table says why)."""

import copy
import subprocess
import sys

from . import nets as bench_nets
from .report import make_row
from .timing import interleaved

__all__ = ["COMPILE_NETS", "compile_unavailable", "run"]

# The nets timed under torch.compile too (the ">= 1.0x torch.compile on ResNet-20").
COMPILE_NETS = ("resnet20",)

_COMPILE_PROBE = """
import torch
model = torch.compile(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU()))
model(torch.randn(2, 3, 8, 8)).sum().backward()
print("compiled")
"""


def compile_unavailable(timeout):
    """None when torch.compile compiles and runs a one-conv model's forward and backward in a child
    process within ``timeout`` seconds; otherwise why not, in one line."""
    try:
        done = subprocess.run([sys.executable, "-c", _COMPILE_PROBE], capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        return f"compiling a one-conv model did not finish within {timeout:g} s"
    if done.returncode == 0 and "compiled" in done.stdout:
        return None
    lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    last = lines[-1] if lines else f"exit status {done.returncode}"
    return f"compiling a one-conv model failed: {last[:200]}"

LEARNING_RATE = 0.01
MOMENTUM = 0.9
# A twin whose logits differ more than this from striate's is not the same net.
PARITY_TOLERANCE = 1e-3


def check_twin(model, twin, images, what):
    """Relative difference of the logits of ``model`` and its torch ``twin`` in eval mode on a few
    images; raises RuntimeError past PARITY_TOLERANCE (the comparison would be meaningless)."""
    import torch

    from .. import no_grad, tensor

    model.eval()
    twin.eval()
    few = images[:4]
    with no_grad():
        ours = model(tensor(few)).numpy()
    with torch.no_grad():
        theirs = twin(torch.tensor(few)).numpy()
    difference = bench_nets.max_relative_difference(ours, theirs)
    if not difference <= PARITY_TOLERANCE:
        raise RuntimeError(f"benchmark: the PyTorch twin of {what} disagrees with striate's model "
                           f"(max relative difference {difference:.2e} > {PARITY_TOLERANCE})")
    return difference


def _torch_step(twin, images, labels):
    import torch

    twin.train()
    x, y = torch.tensor(images), torch.tensor(labels)
    optimizer = torch.optim.SGD(twin.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def step():
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(twin(x), y).backward()
        optimizer.step()

    return step


def _steps(model, twin, images, labels):
    from .. import optim, tensor
    from ..nn import functional as F

    model.train()
    x, y = tensor(images), tensor(labels)
    ours = optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def striate_step():
        ours.zero_grad()
        F.cross_entropy(model(x), y).backward()
        ours.step()

    return {"striate": striate_step, "torch": _torch_step(twin, images, labels)}


def _compiled_step(twin, images, labels, context, label):
    """The step of a copy of ``twin`` under torch.compile, compiled by one first call; None (and a
    note) when compiling fails."""
    import torch

    try:
        step = _torch_step(torch.compile(copy.deepcopy(twin)), images, labels)
        context.log(f"compiling {label} with torch.compile (the first step)")
        step()
        return step
    except Exception as error:  # inductor's failures have no common type
        text = str(error).strip().splitlines()
        context.notes.append(f"torch.compile left out of {label} training: it failed: "
                             f"{type(error).__name__}: {text[0][:200] if text else ''}")
        return None


def run(context):
    rows = []
    for net in context.nets:
        for batch in context.train_batches(net):
            for threads in context.threads:
                context.set_threads(threads)
                context.log(f"train {net.name} batch {batch}, {threads} thread(s)")
                model = context.build(net)
                twin = net.build_twin(model)
                images, labels = bench_nets.make_batch(net, batch)
                parity = check_twin(model, twin, images, net.label)
                flops = 3 * net.forward_flops(model) * batch
                cases = _steps(model, twin, images, labels)
                if context.compile and net.name in COMPILE_NETS:
                    if not hasattr(context, "compile_reason"):
                        context.log("probing torch.compile in a child process")
                        context.compile_reason = compile_unavailable(context.compile_timeout)
                        if context.compile_reason:
                            context.notes.append("torch.compile left out (ResNet-20 training): "
                                                 + context.compile_reason)
                    if context.compile_reason is None:
                        compiled = _compiled_step(twin, images, labels, context, net.label)
                        if compiled is not None:
                            cases["torch.compile"] = compiled
                samples = interleaved(cases, context.timing)
                rows.append(make_row(
                    "train", f"{net.label} b{batch}", threads, "img/s", samples, work=batch,
                    flops=flops, peak=context.peaks[threads],
                    details={"net": net.name, "batch": batch, "twin_parity": parity,
                             "flops_rule": "3 x forward (2 x multiply-adds per image)"}))
                del model, twin
    return rows
