"""Ctrl-C inside one long convolution kernel: the Winograd and direct loops poll between blocks (as
the GEMM does in its macro-loop), so SIGINT during a single conv2d forward, or during the one
backward node of a conv2d (input and weight gradients), raises KeyboardInterrupt before the call
completes. Each workload is tens of GFLOP in one call; the child times one whole call first and the
signal comes within 40% of that time, so it lands inside the call on any machine. The child's
SIGINT handler raises its own KeyboardInterrupt subclass: the kernel's poll runs the handler and
raises a plain KeyboardInterrupt from C++ instead, while a kernel that never polls runs to its end
and the handler's exception appears after the call returned - so the test tells the two apart
without timing anything. How fast it stopped is printed, never asserted (no test depends on the
machine's load). The children install Python's SIGINT handler themselves, as in
tests/test_interrupt.py, so the test passes however the suite was launched."""

import textwrap

import pytest
from test_interrupt import interrupt

CONV_CHILD = """
    import signal, sys, time
    import striate as st
    import striate.nn.functional as F


    class AfterTheCall(KeyboardInterrupt):
        pass


    def handler(signum, frame):
        # Runs inside the kernel's poll (which turns it into a plain KeyboardInterrupt raised from
        # C++) or, when the kernel never polls, in the interpreter after the call returned.
        raise AfterTheCall()


    signal.signal(signal.SIGINT, handler)
    st.backends.cpu.set_conv_algorithm({algorithm!r})
    # Direct is faster per call: a larger batch keeps it busy for seconds too.
    n = 16 if {algorithm!r} == "direct" else 4
    chosen = st.backends.cpu.conv_algorithm((n, 256, 128, 128), (256, 256, 3, 3), padding=1)
    assert chosen[{pass_key!r}] == {algorithm!r}, chosen
    w = st.randn(256, 256, 3, 3, requires_grad={backward})
    F.conv2d(st.randn(1, 256, 8, 8), w, padding=1)  # warm-up: scratch buffers and threads


    def prepare(n):
        x = st.randn(n, 256, 128, 128, requires_grad={backward})
        y = F.conv2d(x, w, padding=1) if {backward} else None
        return x, y


    def one_call(x, y):
        if {backward}:
            st.autograd.grad(y, [x, w], st.ones_like(y), retain_graph=True)
        else:
            F.conv2d(x, w, padding=1)


    # One whole call, timed; on a fast machine the batch grows until a call lasts about a second,
    # and the parent signals within 40% of that time, so the signal lands inside the call.
    for _ in range(3):
        x, y = prepare(n)
        started = time.monotonic()
        one_call(x, y)
        elapsed = time.monotonic() - started
        if elapsed >= 1.0 or n >= 32:
            break
        n = min(32, n * max(2, int(1.0 / max(elapsed, 1e-3)) + 1))
    grad = st.ones_like(y) if {backward} else None
    print(f"ready {{elapsed:.3f}}", flush=True)
    start = time.monotonic()
    try:
        if {backward}:
            # autograd.grad stops at x and w: the conv node is the last one the engine runs, so
            # no poll of the engine's comes after it.
            st.autograd.grad(y, [x, w], grad)
        else:
            F.conv2d(x, w, padding=1)
    except AfterTheCall:
        print(f"after-the-call {{time.monotonic() - start:.3f}}", flush=True)
        sys.exit(0)
    except KeyboardInterrupt:
        print(f"interrupted {{time.monotonic() - start:.3f}}", flush=True)
        sys.exit(0)
    print(f"finished {{time.monotonic() - start:.3f}}", flush=True)
"""


@pytest.mark.parametrize("algorithm", ["winograd", "direct"])
@pytest.mark.parametrize("backward", [False, True], ids=["forward", "backward"])
def test_sigint_interrupts_one_long_convolution(algorithm, backward):
    pass_key = "backward_weight" if backward else "forward"
    code = textwrap.dedent(CONV_CHILD.format(algorithm=algorithm, backward=backward,
                                             pass_key=pass_key))
    line, returncode, latency = interrupt(code)
    print(f"{algorithm} {pass_key}: KeyboardInterrupt {latency:.3f} s after SIGINT ({line})")
    assert line.startswith("interrupted"), f"the {algorithm} kernel did not poll: {line!r}"
    assert returncode == 0
