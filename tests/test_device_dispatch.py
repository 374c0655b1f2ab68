"""The device seam: every registered op either has a kernel on a device or raises the typed
NotImplementedError before touching that device's memory; mixed devices raise ValueError naming
both. Without a GPU, the CUDA side is exercised with tensors that claim cuda:0 but whose memory
is unreadable (PROT_NONE): a CPU kernel reaching them would kill the process, so the sweep runs in
a subprocess and a crash fails the test with the op it died on."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
import striate as st

backends = st.backends

# One call per registered op; `P(*shape, dtype=...)` makes a poisoned cuda:0 tensor.
CALLS = textwrap.dedent(
    """
    import striate as st
    import striate.nn.functional as F
    def P(*shape, dtype="float32"):
        return st.backends._registry._poisoned_device_tensor(list(shape), dtype, "cuda:0")
    x = lambda: P(2, 3, 4, 4)
    CALLS = {
        "add": lambda: st.add(x(), x()),
        "sub": lambda: st.sub(x(), x()),
        "mul": lambda: st.mul(x(), x()),
        "div": lambda: st.div(x(), x()), "pow": lambda: st.pow(x(), x()),
        "maximum": lambda: st.maximum(x(), x()), "minimum": lambda: st.minimum(x(), x()),
        "neg": lambda: st.neg(x()), "abs": lambda: st.abs(x()), "exp": lambda: st.exp(x()),
        "log": lambda: st.log(x()), "sqrt": lambda: st.sqrt(x()), "sign": lambda: st.sign(x()),
        "clamp": lambda: st.clamp(x(), 0.0, 1.0),
        "eq": lambda: x() == x(), "ne": lambda: x() != x(), "lt": lambda: x() < x(),
        "le": lambda: x() <= x(), "gt": lambda: x() > x(), "ge": lambda: x() >= x(),
        "logical_and": lambda: st.logical_and(x(), x()),
        "logical_or": lambda: st.logical_or(x(), x()),
        "logical_not": lambda: st.logical_not(x()),
        "where": lambda: st.where(P(2, 3, 4, 4, dtype="bool"), x(), x()),
        "copy_": lambda: x().copy_(x()), "fill_": lambda: x().fill_(1.0),
        "to_dtype": lambda: x().to(st.float64),
        "relu": lambda: F.relu(x()),
        "relu_": lambda: F.relu_(x()),
        "sigmoid": lambda: F.sigmoid(x()),
        "tanh": lambda: F.tanh(x()),
        "hardtanh": lambda: F.hardtanh(x()),
        "hardtanh_": lambda: F.hardtanh_(x()),
        "relu6": lambda: F.relu6(x()), "relu6_": lambda: st._C._functional.relu6_(x()),
        "leaky_relu": lambda: F.leaky_relu(x()), "leaky_relu_": lambda: F.leaky_relu_(x()),
        "elu": lambda: F.elu(x()), "elu_": lambda: F.elu_(x()), "selu": lambda: F.selu(x()),
        "selu_": lambda: st._C._functional.selu_(x()), "silu": lambda: F.silu(x()),
        "silu_": lambda: st._C._functional.silu_(x()),
        "hardswish": lambda: F.hardswish(x()),
        "hardswish_": lambda: F.hardswish(x(), inplace=True), "gelu": lambda: F.gelu(x()),
        "softplus": lambda: F.softplus(x()), "abs_tanh": lambda: F.abs_tanh(x()),
        "prelu": lambda: F.prelu(x(), P(3)),
        "softmax": lambda: F.softmax(x(), 1), "log_softmax": lambda: F.log_softmax(x(), 1),
        "softmin": lambda: F.softmin(x(), 1),
        "conv1d": lambda: F.conv1d(P(2, 3, 8), P(4, 3, 3)),
        "conv2d": lambda: F.conv2d(x(), P(4, 3, 3, 3)),
        "conv3d": lambda: F.conv3d(P(1, 3, 4, 4, 4), P(2, 3, 3, 3, 3)),
        "conv_transpose2d": lambda: F.conv_transpose2d(x(), P(3, 2, 3, 3)),
        "locally_connected2d": lambda: F.locally_connected2d(x(), P(2, 2, 4, 3, 3, 3)),
        "linear": lambda: F.linear(P(2, 3), P(4, 3)), "matmul": lambda: st.matmul(P(2, 3), P(3, 4)),
        "max_pool1d": lambda: F.max_pool1d(P(2, 3, 8), 2),
        "max_pool2d": lambda: F.max_pool2d(x(), 2),
        "max_pool3d": lambda: F.max_pool3d(P(1, 3, 4, 4, 4), 2),
        "avg_pool1d": lambda: F.avg_pool1d(P(2, 3, 8), 2),
        "avg_pool2d": lambda: F.avg_pool2d(x(), 2),
        "avg_pool3d": lambda: F.avg_pool3d(P(1, 3, 4, 4, 4), 2),
        "adaptive_avg_pool2d": lambda: F.adaptive_avg_pool2d(x(), 2),
        "adaptive_max_pool2d": lambda: F.adaptive_max_pool2d(x(), 2),
        "fractional_max_pool2d": lambda: F.fractional_max_pool2d(x(), 2, output_size=2),
        "max_unpool2d": lambda: F.max_unpool2d(P(2, 3, 2, 2), P(2, 3, 2, 2, dtype="int64"), 2),
        "channel_max_pool": lambda: F.channel_max_pool(P(2, 4, 4, 4), 2),
        "batch_norm": lambda: F.batch_norm(x(), None, None, training=True),
        "instance_norm": lambda: F.instance_norm(x()),
        "layer_norm": lambda: F.layer_norm(x(), [4, 4]),
        "group_norm": lambda: F.group_norm(x(), 3),
        "local_response_norm": lambda: F.local_response_norm(x(), 2),
        "cross_entropy": lambda: F.cross_entropy(P(2, 3), P(2, dtype="int64")),
        "nll_loss": lambda: F.nll_loss(P(2, 3), P(2, dtype="int64")),
        "multi_margin_loss": lambda: F.multi_margin_loss(P(2, 3), P(2, dtype="int64")),
        "cosine_embedding_loss": lambda: F.cosine_embedding_loss(P(2, 3), P(2, 3), P(2)),
        "binary_cross_entropy": lambda: F.binary_cross_entropy(P(2, 3), P(2, 3)),
        "binary_cross_entropy_with_logits":
            lambda: F.binary_cross_entropy_with_logits(P(2, 3), P(2, 3)),
        "kl_div": lambda: F.kl_div(P(2, 3), P(2, 3)),
        "mse_loss": lambda: F.mse_loss(P(2, 3), P(2, 3)),
        "huber_loss": lambda: F.huber_loss(P(2, 3), P(2, 3)),
        "smooth_l1_loss": lambda: F.smooth_l1_loss(P(2, 3), P(2, 3)),
        "elastic_net_penalty": lambda: st._C._functional.elastic_net_penalty([P(2, 3)], 0.1, 0.1),
        "dropout": lambda: F.dropout(x(), 0.5),
        "dropout_": lambda: F.dropout(x(), 0.5, inplace=True),
        "dropout2d": lambda: F.dropout2d(x(), 0.5),
        "alpha_dropout": lambda: F.alpha_dropout(x(), 0.5, True),
        "stochastic_depth": lambda: F.stochastic_depth(x(), 0.5, "row", True),
        "sum": lambda: st.sum(x()), "mean": lambda: st.mean(x()), "var": lambda: st.var(x()),
        "std": lambda: st.std(x()), "max": lambda: st.max(x()), "min": lambda: st.min(x()),
        "argmax": lambda: st.argmax(x()), "argmin": lambda: st.argmin(x()),
        "cat": lambda: st.cat([x(), x()]), "stack": lambda: st.stack([x(), x()]),
        "index_select": lambda: st.index_select(x(), 0, P(1, dtype="int64")),
        "take": lambda: st._C._take(x(), P(1, dtype="int64")),
        "gather": lambda: st.gather(x(), 1, P(2, 1, 4, 4, dtype="int64")),
        "masked_select": lambda: st.masked_select(x(), P(2, 3, 4, 4, dtype="bool")),
        "masked_fill_": lambda: x().masked_fill_(P(2, 3, 4, 4, dtype="bool"), 0.0),
        "masked_scatter_": lambda: st._C._masked_scatter_(x(), P(2, 3, 4, 4, dtype="bool"), x()),
        "index_put_": lambda: st._C._index_put_(x(), P(1, dtype="int64"), P(1, 3, 4, 4)),
    }
    """
)

SWEEP = CALLS + textwrap.dedent(
    """
    import json, sys
    for op in json.loads(sys.argv[1]):
        print("START", op, flush=True)
        try:
            CALLS[op]()
            outcome = {"op": op, "raised": None}
        except Exception as e:
            outcome = {"op": op, "raised": type(e).__name__, "message": str(e)}
        print("RESULT", json.dumps(outcome), flush=True)
    """
)


def call_table_names():
    scope = {}
    exec(CALLS, scope)
    return set(scope["CALLS"])


def test_cpu_runs_every_registered_op():
    ops = backends.registered_ops()
    assert len(ops) > 90 and ops == sorted(ops)
    assert backends.supported_ops("cpu") == ops
    assert backends.unsupported_ops("cpu") == []
    assert all(backends.has_kernel(op, "cpu") for op in ops)


def test_every_registered_op_has_a_device_sweep_call():
    names = call_table_names()
    assert set(backends.registered_ops()) == names


def test_op_kernels_names_forward_and_backward():
    assert backends.op_kernels("conv2d") == [
        "conv2d_forward<float32>",
        "conv2d_backward_input<float32>",
        "conv2d_backward_weight<float32>",
    ]
    assert backends.op_kernels("add") == ["add"]
    with pytest.raises(ValueError, match="op_kernels: unknown op 'no_such_op'"):
        backends.op_kernels("no_such_op")
    assert not backends.has_kernel("no_such_op", "cpu")


def test_supported_and_unsupported_partition_the_registry():
    for device in ("cuda", "cuda:0"):
        supported, unsupported = backends.supported_ops(device), backends.unsupported_ops(device)
        assert sorted(supported + unsupported) == backends.registered_ops()
        assert not set(supported) & set(unsupported)
    if not st.cuda_built:
        assert backends.supported_ops("cuda") == []
    else:
        assert "add" in backends.supported_ops("cuda") and "conv2d" in backends.unsupported_ops(
            "cuda"
        )


def test_show_config_counts_the_registry(capsys):
    st.show_config()
    out = capsys.readouterr().out
    n = len(backends.registered_ops())
    assert (
        f"ops: {n} registered; {n} run on the CPU, {len(backends.supported_ops('cuda'))} on CUDA"
        in out
    )


def test_mixed_devices_raise_value_error_naming_both():
    poisoned = backends._registry._poisoned_device_tensor([4, 3, 3, 3], "float32", "cuda:0")
    with pytest.raises(
        ValueError,
        match=r"conv2d: expected all tensors on one device, got input on cpu and "
        r"weight on cuda:0",
    ):
        st.nn.functional.conv2d(st.ones(1, 3, 5, 5), poisoned)
    with pytest.raises(
        ValueError,
        match=r"add: expected all tensors on one device, got self on cpu and other on cuda:0",
    ):
        st.add(st.ones(4, 3, 3, 3), poisoned)


def test_ops_without_a_device_kernel_raise_before_touching_its_memory():
    """Each op without a CUDA kernel, called on poisoned cuda:0 tensors, raises
    NotImplementedError('<op>: no CUDA kernel yet (... on cuda:0)'); reaching a CPU kernel would
    crash the subprocess (SIGSEGV)."""
    ops = backends.unsupported_ops("cuda")
    assert len(ops) > 80
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-c", SWEEP, json.dumps(ops)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    started = [
        line.split(" ", 1)[1] for line in proc.stdout.splitlines() if line.startswith("START ")
    ]
    assert proc.returncode == 0, (
        f"the sweep died (exit {proc.returncode}) on op {started[-1] if started else '?'}"
        f": a CPU kernel touched device memory\n{proc.stderr[-2000:]}"
    )
    results = [
        json.loads(line.split(" ", 1)[1])
        for line in proc.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    assert [r["op"] for r in results] == ops
    wrong = [
        r
        for r in results
        if r["raised"] != "NotImplementedError"
        or not r["message"].startswith(f"{r['op']}: no CUDA kernel yet (")
        or "on cuda:0)" not in r["message"]
    ]
    assert not wrong, "ops that did not raise the typed error:\n" + "\n".join(map(str, wrong))


def test_op_family_tests_run_on_every_available_device():
    """Collecting a PER_DEVICE module yields every test once per device in helpers.DEVICES;
    a module without the flag is collected once."""
    import helpers

    here = os.path.dirname(os.path.abspath(__file__))

    def collected(module):
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             os.path.join(here, module)],
            capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, cwd=here)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        return [line for line in proc.stdout.splitlines() if "::" in line]

    per_device = collected("test_dropout.py")
    assert per_device
    for device in helpers.DEVICES:
        with_device = [t for t in per_device if f"[{device}" in t]
        assert len(with_device) * len(helpers.DEVICES) == len(per_device), device
    plain = collected("test_ops_doc.py")
    assert plain and not any("[cpu" in t for t in plain)
