"""bench/bench_gpu.py, the GPU benchmark of issue 12, run as its smoke test on the CPU: the same
nets, twins, parity check and interleaved timing as on a GPU, so the script cannot rot while no
GPU is at hand (its GPU figures come from a GPU session, not from this test)."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("torch")

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "bench", "bench_gpu.py")


def test_bench_gpu_smoke_run_on_the_cpu(tmp_path):
    proc = subprocess.run(
        [sys.executable, SCRIPT, "--device", "cpu", "--quick", "--nets", "lenet5,resnet18",
         "--batch", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if "img/s" in line]
    assert len(lines) == 2 and "LeNet-5" in lines[0] and "ResNet-18" in lines[1], proc.stdout
    for line in lines:  # the twins hold the same weights: parity is tiny
        assert float(line.rsplit("parity", 1)[1]) < 1e-3, line
    assert len(list(tmp_path.glob("*-gpu-quick.json"))) == 1


def test_bench_gpu_refuses_unknown_nets():
    proc = subprocess.run([sys.executable, SCRIPT, "--device", "cpu", "--nets", "alexnet"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "unknown net 'alexnet'" in proc.stderr
