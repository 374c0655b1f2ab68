"""Per-op framework overhead: microseconds per call of tiny ops from Python, where creating the
tensor, the binding, the dispatch (device check, op registry, kernel object) and recording the
autograd node dominate the arithmetic."""

from .report import make_row
from .timing import interleaved

__all__ = ["cases", "run"]


def cases():
    """name -> {library: zero-argument call}, the same work in each library."""
    import torch

    import striate as st

    xs, xt = st.ones(8), torch.ones(8)
    os_, ot = st.ones(1), torch.ones(1)
    g1s, g1t = st.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    gs, gt = st.ones(8, requires_grad=True), torch.ones(8, requires_grad=True)
    ims, imt = st.ones(1, 3, 8, 8), torch.ones(1, 3, 8, 8)
    ws, wt = st.ones(4, 3, 3, 3), torch.ones(4, 3, 3, 3)
    ls, lt = st.ones(8, 8), torch.ones(8, 8)
    return {
        "empty (8,)": {"striate": lambda: st.empty(8), "torch": lambda: torch.empty(8)},
        "add (1,)": {"striate": lambda: os_ + os_, "torch": lambda: ot + ot},
        "add (1,) with autograd": {"striate": lambda: g1s + g1s, "torch": lambda: g1t + g1t},
        "add (8,)": {"striate": lambda: xs + xs, "torch": lambda: xt + xt},
        "add (8,) with autograd": {"striate": lambda: gs + gs, "torch": lambda: gt + gt},
        "relu (8,)": {"striate": lambda: st.nn.functional.relu(xs),
                      "torch": lambda: torch.relu(xt)},
        "sum (8,)": {"striate": lambda: xs.sum(), "torch": lambda: xt.sum()},
        "linear (1,8)x(8,8)": {"striate": lambda: st.nn.functional.linear(xs.reshape(1, 8), ls),
                               "torch": lambda: torch.nn.functional.linear(xt.reshape(1, 8), lt)},
        "conv2d (1,3,8,8)x(4,3,3,3)": {"striate": lambda: st.nn.functional.conv2d(ims, ws),
                                       "torch": lambda: torch.nn.functional.conv2d(imt, wt)},
    }


def run(context):
    rows = []
    for name, calls in cases().items():
        for threads in context.threads:
            context.set_threads(threads)
            context.log(f"overhead {name}, {threads} thread(s)")
            samples = interleaved(calls, context.overhead_timing)
            rows.append(make_row("overhead", name, threads, "us", samples))
    return rows
