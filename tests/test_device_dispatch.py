"""The device seam: every registered op either has a kernel on a device or raises the typed
NotImplementedError before touching that device's memory; mixed devices raise ValueError naming
both. Without a GPU, the CUDA side is exercised with tensors that claim cuda:0 but whose memory
is unreadable (PROT_NONE): a CPU kernel reaching them would kill the process, so the sweep runs in
a subprocess and a crash fails the test with the op it died on."""

import ast
import json
import os
import subprocess
import sys
import textwrap

import pytest
import striate as st

backends = st.backends

HERE = os.path.dirname(os.path.abspath(__file__))


def sweep_entries():
    """{op: (call, test file)} from the DEVICE_SWEEP dict each concept's test file declares (read
    with ast, not imported). An op declared in two files is reported, not silently overwritten."""
    entries, twice = {}, []
    for name in sorted(os.listdir(HERE)):
        if not (name.startswith("test_") and name.endswith(".py")):
            continue
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            tree = ast.parse(f.read(), name)
        for node in tree.body:
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and getattr(node.targets[0], "id", None) == "DEVICE_SWEEP"
            ):
                for op, call in ast.literal_eval(node.value).items():
                    if op in entries:
                        twice.append(f"{op} ({entries[op][1]} and {name})")
                    entries[op] = (call, name)
    return entries, twice


# The sweep's program: `P(*shape, dtype=...)` makes a poisoned cuda:0 tensor, `x()` a 2x3x4x4 one.
CALLS = (
    textwrap.dedent(
        """
    import striate as st
    import striate.nn.functional as F
    def P(*shape, dtype="float32"):
        return st.backends._registry._poisoned_device_tensor(list(shape), dtype, "cuda:0")
    x = lambda: P(2, 3, 4, 4)
    """
    )
    + "CALLS = {\n"
    + "".join(
        f"    {op!r}: lambda: {call},\n" for op, (call, _) in sorted(sweep_entries()[0].items())
    )
    + "}\n"
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


def test_the_sweep_collects_each_concept_file_once():
    entries, twice = sweep_entries()
    assert not twice, "ops declared in two DEVICE_SWEEP tables: " + ", ".join(twice)
    files = {name for _, name in entries.values()}
    assert {"test_activation.py", "test_conv.py", "test_elementwise.py", "test_loss.py"} <= files
    assert entries["conv2d"] == ("F.conv2d(x(), P(4, 3, 3, 3))", "test_conv.py")


def test_cpu_runs_every_registered_op():
    ops = backends.registered_ops()
    assert len(ops) > 90 and ops == sorted(ops)
    assert backends.supported_ops("cpu") == ops
    assert backends.unsupported_ops("cpu") == []
    assert all(backends.has_kernel(op, "cpu") for op in ops)


def test_every_registered_op_has_a_device_sweep_call():
    """An op's sweep entry lives in its concept's test file (DEVICE_SWEEP), next to its tests."""
    names = call_table_names()
    missing = sorted(set(backends.registered_ops()) - names)
    assert not missing, f"add these ops to DEVICE_SWEEP in their concept's test file: {missing}"
    assert set(backends.registered_ops()) == names, sorted(names - set(backends.registered_ops()))


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
        assert "add" in backends.supported_ops("cuda")


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


def _run_sweep(ops):
    proc = subprocess.run(
        [sys.executable, "-c", SWEEP, json.dumps(ops)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    started = [
        line.split(" ", 1)[1] for line in proc.stdout.splitlines() if line.startswith("START ")
    ]
    assert proc.returncode == 0, (
        f"the sweep died (exit {proc.returncode}) on op {started[-1] if started else '?'}"
        f": a kernel touched memory it must not\n{proc.stderr[-2000:]}"
    )
    results = [
        json.loads(line.split(" ", 1)[1])
        for line in proc.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
    assert [r["op"] for r in results] == ops
    return results


def test_ops_without_a_device_kernel_raise_before_touching_its_memory():
    """Each op without a CUDA kernel, called on poisoned cuda:0 tensors, raises
    NotImplementedError('<op>: no CUDA kernel yet (... on cuda:0)'); reaching a CPU kernel would
    crash the subprocess (SIGSEGV)."""
    ops = backends.unsupported_ops("cuda")
    if not ops:
        pytest.skip("every registered op has a CUDA kernel: nothing to refuse")
    wrong = [
        r
        for r in _run_sweep(ops)
        if r["raised"] != "NotImplementedError"
        or not r["message"].startswith(f"{r['op']}: no CUDA kernel yet (")
        or "on cuda:0)" not in r["message"]
    ]
    assert not wrong, "ops that did not raise the typed error:\n" + "\n".join(map(str, wrong))


@pytest.mark.skipif(st.cuda.is_available(), reason="poisoned tensors would fault a real GPU")
def test_ops_with_a_device_kernel_fail_cleanly_without_a_device():
    """Without a GPU (or without the backend), each op that has a CUDA kernel, called on poisoned
    cuda:0 tensors, raises an error naming CUDA before any kernel reads the memory."""
    ops = backends.supported_ops("cuda")
    if not ops:
        assert not st.cuda_built
        return
    wrong = [
        r
        for r in _run_sweep(ops)
        if r["raised"] is None or "cuda" not in r["message"].lower()
    ]
    assert not wrong, "ops that did not refuse the missing device:\n" + "\n".join(map(str, wrong))


def test_op_family_tests_run_on_every_available_device():
    """Collecting a PER_DEVICE module yields every test once per device in helpers.DEVICES;
    a module without the flag is collected once."""
    import helpers

    here = HERE

    def collected(module):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "no:cacheprovider",
                os.path.join(here, module),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
            cwd=here,
        )
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        return [line for line in proc.stdout.splitlines() if "::" in line]

    per_device = collected("test_dropout.py")
    assert per_device
    for device in helpers.DEVICES:
        with_device = [t for t in per_device if f"[{device}" in t]
        assert len(with_device) * len(helpers.DEVICES) == len(per_device), device
    plain = collected("test_ops_doc.py")
    assert plain and not any("[cpu" in t for t in plain)
