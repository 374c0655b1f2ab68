import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import helpers  # noqa: E402
import striate as st  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "cuda: runs on a CUDA device; collected only where one is visible"
    )


def pytest_generate_tests(metafunc):
    # Op-family modules (PER_DEVICE = True) run every test once per available device.
    if getattr(metafunc.module, "PER_DEVICE", False) and "op_device" in metafunc.fixturenames:
        params = [
            pytest.param(d, marks=pytest.mark.cuda) if d == "cuda" else d for d in helpers.DEVICES
        ]
        metafunc.parametrize("op_device", params, indirect=True)


@pytest.fixture(autouse=True)
def op_device(request):
    """Where gradcheck / check_parity place their inputs (the CPU outside op-family modules)."""
    device = getattr(request, "param", "cpu")
    helpers.set_device(device)
    yield device
    helpers.set_device("cpu")


@pytest.fixture(params=helpers.SUPPORTED_ISAS)
def isa(request):
    """Runs the test once per SIMD path of the CPU kernels this CPU has (generic, avx2, avx512),
    restoring the previous choice afterwards."""
    previous = st._C._get_cpu_isa()
    st._C._set_cpu_isa(request.param)
    assert st._C._get_cpu_isa() == request.param
    yield request.param
    st._C._set_cpu_isa(previous)
