"""The benchmark suite (striate.benchmark, `striate bench`, bench/run.py) and the FMA peak probe:
a --quick smoke run end to end (results file structure, printed table), the PyTorch twins against
the zoo, the table and timing helpers, and every bad option or missing package. No timing is
asserted: only that measurements exist and are positive."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import striate as st
from striate import cli
from striate.benchmark import nets as bench_nets
from striate.benchmark.report import format_table, make_row
from striate.benchmark.timing import Timing, interleaved

torch = pytest.importorskip("torch")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAS_ORT = all(importlib.util.find_spec(name) is not None
              for name in ("onnxruntime", "onnx", "onnxscript"))
ROW_KEYS = {"suite", "name", "threads", "unit", "work", "flops", "median", "value", "samples",
            "ratio", "gflops", "peak_fraction", "details"}


# ------------------------------------------------------------------------------ peak probe


def test_peak_gflops_is_positive_for_both_dtypes():
    single = st.backends.cpu.peak_gflops()
    assert isinstance(single, float) and single > 0
    assert st.backends.cpu.peak_gflops(threads=2, dtype="float64") > 0
    assert st.backends.cpu.peak_gflops(1, st.float32) > 0


@pytest.mark.parametrize("isa", ["generic", "avx2", "avx512"])
def test_peak_gflops_runs_on_every_isa_path(isa):
    before = st._C._get_cpu_isa()
    try:
        st._C._set_cpu_isa(isa)  # clamped to what the CPU runs
        assert st.backends.cpu.peak_gflops(1) > 0
    finally:
        st._C._set_cpu_isa(before)


@pytest.mark.parametrize("threads", [0, -2, 1025])
def test_peak_gflops_rejects_thread_counts(threads):
    with pytest.raises(ValueError, match=r"peak_gflops: expected threads in \[1, 1024\], got "
                                         + str(threads)):
        st.backends.cpu.peak_gflops(threads)


def test_peak_gflops_rejects_types():
    with pytest.raises(TypeError, match="peak_gflops: expected threads to be an int, got float"):
        st.backends.cpu.peak_gflops(1.5)
    with pytest.raises(TypeError, match="expected dtype float32 or float64, got int64"):
        st.backends.cpu.peak_gflops(1, "int64")
    with pytest.raises(TypeError, match="expected dtype float32 or float64, got float16"):
        st.backends.cpu.peak_gflops(1, "half")


# ---------------------------------------------------------------------------- torch twins


@pytest.mark.parametrize("name", list(bench_nets.NETS))
def test_twin_has_the_zoo_weights_and_logits(name):
    net = bench_nets.NETS[name]
    st.manual_seed(0)
    model = net.build()
    twin = net.build_twin(model)
    for (key, ours), (their_key, theirs) in zip(model.state_dict().items(),
                                                twin.state_dict().items()):
        assert key == their_key
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    model.eval()
    twin.eval()
    images, _ = bench_nets.make_batch(net, 2)
    with st.no_grad():
        ours = model(st.tensor(images)).numpy()
    with torch.no_grad():
        theirs = twin(torch.tensor(images)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


def test_copy_weights_names_the_mismatch():
    model = bench_nets.NETS["lenet5"].build()
    from striate.benchmark import twins

    with pytest.raises(ValueError, match="state dict keys differ"):
        bench_nets.copy_weights(model, twins.build("resnet20"))
    with pytest.raises(ValueError, match="no PyTorch twin of 'alexnet'"):
        twins.build("alexnet")


def test_forward_flops_are_twice_the_summary_mult_adds():
    net = bench_nets.NETS["lenet5"]
    # LeNet-5 on 28x28: conv1 6*784*25, conv2 16*100*150, fc 400*120 + 120*84 + 84*10.
    mult_adds = 6 * 784 * 25 + 16 * 100 * 150 + 400 * 120 + 120 * 84 + 84 * 10
    assert net.forward_flops() == 2 * mult_adds


# ------------------------------------------------------------------ timing and the table


def test_interleaved_alternates_the_order_and_counts_samples():
    calls = []
    cases = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    samples = interleaved(cases, Timing(repeats=4, warmup=1, min_sample_seconds=0.0,
                                        settle_seconds=0.0))
    assert [len(samples["a"]), len(samples["b"])] == [4, 4]
    assert all(value >= 0 for value in samples["a"] + samples["b"])
    # One call each to calibrate (the warm-up), then one call per sample, in alternating order.
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b", "b", "a"]


def test_timing_rejects_bad_settings():
    with pytest.raises(ValueError, match="Timing: expected repeats >= 1"):
        Timing(repeats=0)


def test_row_ratios_gflops_and_units():
    row = make_row("train", "net", 1, "img/s", {"striate": [0.5, 0.4, 0.6], "torch": [1.0]},
                   work=100, flops=2e9, peak=10.0)
    assert row["value"]["striate"] == pytest.approx(200.0)
    assert row["ratio"]["torch"] == pytest.approx(2.0)  # torch takes twice as long
    assert row["gflops"]["striate"] == pytest.approx(4.0)
    assert row["peak_fraction"]["striate"] == pytest.approx(0.4)
    memory = make_row("memory", "rss", 1, "MiB", {"striate": [2**20], "torch": [3 * 2**20]})
    assert memory["value"]["striate"] == pytest.approx(1.0)
    assert memory["ratio"]["torch"] == pytest.approx(3.0)
    assert memory["gflops"] == {}
    with pytest.raises(ValueError, match="make_row: expected unit in"):
        make_row("train", "net", 1, "furlongs", {"striate": [1.0]})


def test_markdown_table():
    results = {"rows": [make_row("gemm", "SGEMM 8", 1, "ms", {"striate": [1e-3], "torch": [2e-3]},
                                 flops=1e6, peak=1.0)],
               "suites": ["gemm"], "date": "2000-01-01", "notes": ["busy"],
               "machine": {"cpu_model": "cpu", "isa": "avx2", "peak_gflops_float32": {"1": 1.0}}}
    text = format_table(results, markdown=True)
    assert "## gemm" in text
    assert "| SGEMM 8 | 1 | ms | 1.00 | 2.00 |" in text
    assert "2.00x" in text and "note: busy" in text


# ------------------------------------------------------------------- the quick smoke run


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """`striate bench --quick` in a child process (it sets thread counts and seeds)."""
    out = tmp_path_factory.mktemp("bench")
    argv = [sys.executable, "-m", "striate", "bench", "--quick", "--out", str(out)]
    if not HAS_ORT:
        argv.append("--no-onnx")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    files = os.listdir(out)
    assert len(files) == 1 and files[0].endswith("-quick.json"), files
    with open(out / files[0]) as f:
        return json.load(f), done.stdout, done.stderr


def test_quick_run_writes_the_results_file(quick_run):
    results, _, _ = quick_run
    assert results["schema"] == 1 and results["complete"] is True
    assert results["suites"] == ["train", "infer", "layers", "gemm", "overhead", "memory"]
    machine = results["machine"]
    for key in ("host", "cpu_model", "logical_cpus", "isa", "isa_flags", "threads", "versions"):
        assert key in machine
    assert machine["peak_gflops_float32"]["1"] > 0
    assert machine["versions"]["torch"] == torch.__version__
    assert machine["versions"]["striate"] == st.__version__
    assert results["settings"]["quick"] is True and results["settings"]["threads"] == [1]
    assert {row["suite"] for row in results["rows"]} == set(results["suites"])
    for row in results["rows"]:
        assert set(row) == ROW_KEYS
        assert {"striate", "torch"} <= set(row["value"])
        assert all(value > 0 for value in row["value"].values())
        assert all(ratio > 0 for ratio in row["ratio"].values())
        if row["suite"] in ("train", "infer", "layers", "gemm"):
            assert row["flops"] > 0 and row["gflops"]["striate"] > 0
            assert 0 < row["peak_fraction"]["striate"]


def test_quick_run_covers_every_measurement(quick_run):
    results, _, _ = quick_run
    rows = results["rows"]
    names = {(row["suite"], row["name"]) for row in rows}
    assert ("train", "LeNet-5 b8") in names
    assert {("infer", "LeNet-5 b8"), ("infer", "LeNet-5 b1")} <= names
    passes = {row["details"]["pass"] for row in rows if row["suite"] == "layers"}
    assert passes == {"fwd", "bwd-input", "bwd-weight"}
    infer = [row for row in rows if row["suite"] == "infer"]
    assert {row["unit"] for row in infer} == {"img/s", "ms"}
    for row in infer:
        assert row["details"]["parity"]["torch"] < 1e-3
        assert ("onnxruntime" in row["value"]) == HAS_ORT
    memory = [row for row in rows if row["suite"] == "memory"]
    assert memory and memory[0]["unit"] == "MiB"
    assert set(memory[0]["details"]["rss_after_import"]) == {"striate", "torch"}
    overhead = [row["name"] for row in rows if row["suite"] == "overhead"]
    assert len(overhead) == 9 and any(name.endswith("with autograd") for name in overhead)


def test_quick_run_prints_the_table(quick_run):
    _, printed, progress = quick_run
    for suite in ("[train]", "[infer]", "[layers]", "[gemm]", "[overhead]", "[memory]"):
        assert suite in printed
    assert "st/torch" in printed and "results: " in printed
    assert ("st/ORT" in printed) == HAS_ORT
    assert "s] measuring the FMA peak" in progress


def test_bench_script_runs_from_the_repository(tmp_path):
    done = subprocess.run(
        [sys.executable, os.path.join(REPO, "bench", "run.py"), "--quick", "--suite", "gemm",
         "--no-json", "--markdown"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "## gemm" in done.stdout and "| SGEMM 64x64x64 | 1 | ms |" in done.stdout


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("argv, message", [
    (["--threads", "0"], "--threads: expected positive counts"),
    (["--threads", "one"], "--threads: expected a comma-separated list, got 'one'"),
    (["--suite", "train,speed"], "unknown suite 'speed'; choose from train, infer"),
    (["--nets", "alexnet"], "unknown net 'alexnet'; choose from lenet5, resnet20"),
    (["--batch", "0"], "--batch: expected a positive batch size, got 0"),
    (["--repeats", "0"], "--repeats: expected at least 1, got 0"),
])
def test_bad_options_exit_2_with_one_line(argv, message, capsys):
    assert cli.main(["bench", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("striate: error: ") and message in err


def _run_without(module, *argv):
    # The child hides one package: `import module` raises ImportError there.
    code = (f"import sys; sys.modules[{module!r}] = None; from striate import cli; "
            f"sys.exit(cli.main(['bench', '--quick', '--no-json', *{list(argv)!r}]))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)


def test_missing_torch_says_what_to_install():
    done = _run_without("torch")
    assert done.returncode == 2
    assert "striate bench measures against PyTorch, which is not installed" in done.stderr
    assert "pip install 'striate[bench]'" in done.stderr


def test_missing_onnxruntime_says_what_to_install():
    done = _run_without("onnxruntime", "--suite", "infer")
    assert done.returncode == 2
    assert ("but onnxruntime is not installed: pip install onnxruntime onnx onnxscript"
            in done.stderr)
    assert "--no-onnx" in done.stderr
