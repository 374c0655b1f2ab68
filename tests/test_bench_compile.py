"""The torch.compile column of the bench's train suite (ResNet-20): the probe's answer when
compiling cannot finish, the column in the table, and the options."""

import argparse

import pytest
from striate.benchmark import BenchUsageError, add_arguments
from striate.benchmark.report import format_table, make_row
from striate.benchmark.runner import BenchConfig, config_from_args
from striate.benchmark.training import COMPILE_NETS, compile_unavailable


def test_probe_says_why_when_compiling_cannot_finish():
    # A child process cannot even start Python in a millisecond: the probe times out.
    reason = compile_unavailable(0.001)
    assert reason == "compiling a one-conv model did not finish within 0.001 s"


def test_compile_column_in_the_table():
    row = make_row("train", "ResNet-20 b128", 1, "img/s",
                   {"striate": [0.25], "torch": [0.5], "torch.compile": [0.4]}, work=128)
    results = {"rows": [row], "suites": ["train"], "date": "2000-01-01",
               "notes": ["torch.compile left out (ResNet-20 training): no compiler"],
               "machine": {"cpu_model": "cpu", "isa": "avx2", "peak_gflops_float32": {"1": 1.0}}}
    text = format_table(results, markdown=True)
    assert "| benchmark | thr | unit | striate | torch | compile |" in text
    assert "st/compile" in text and "1.60x" in text
    assert "note: torch.compile left out (ResNet-20 training): no compiler" in text


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return config_from_args(parser.parse_args(list(argv)))


def test_options():
    assert COMPILE_NETS == ("resnet20",)
    assert parse().compile is True and parse().compile_timeout == 300.0
    assert parse("--no-compile").compile is False
    assert parse("--quick").compile is False  # a smoke run must take seconds
    assert parse("--compile-timeout", "20").compile_timeout == 20.0
    assert BenchConfig(quick=True, compile=True).compile is True
    with pytest.raises(BenchUsageError, match="--compile-timeout: expected seconds > 0, got 0"):
        parse("--compile-timeout", "0")
