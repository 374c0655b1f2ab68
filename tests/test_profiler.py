"""striate.profiler: records of forward and backward with their module paths, FLOPs that follow
the formulas, self <= total, the table and its orders, the Chrome trace, nesting rules, threads,
and `striate train --profile N`. Structural checks only: no test asserts a duration."""

import json
import threading

import pytest
import striate as st
from striate import cli, nn
from striate.nn import functional as F
from striate.profiler import profile, record_function


class Net(nn.Module):
    """A Python module around C++ containers: paths cross the binding both ways."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                                      nn.Conv2d(4, 4, 3, groups=2), nn.MaxPool2d(2))
        self.head = nn.Linear(4 * 3 * 3, 5)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))


def by_name(prof, name):
    return [event for event in prof.events() if event.name == name]


def conv_flops(n, k, c, groups, r, s, p, q):
    return 2 * n * k * (c // groups) * r * s * p * q


def run_step(model, x, y):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    return loss


def test_forward_and_backward_records_carry_module_paths():
    st.manual_seed(0)
    model, x, y = Net(), st.randn(2, 3, 8, 8), st.randint(0, 5, (2,))
    with profile() as prof:
        run_step(model, x, y)
    forward = by_name(prof, "conv2d_forward")
    assert [event.module for event in forward] == ["features.0", "features.3"]
    assert all(event.kind == "kernel" for event in forward)
    nodes = by_name(prof, "Conv2dBackward")
    assert sorted(event.module for event in nodes) == ["features.0", "features.3"]
    assert all(event.kind == "backward" for event in nodes)
    # The second conv's input needs a gradient, the first's does not.
    assert [event.module for event in by_name(prof, "conv2d_backward_input")] == ["features.3"]
    assert sorted(e.module for e in by_name(prof, "conv2d_backward_weight")) == ["features.0",
                                                                                  "features.3"]
    # BatchNorm2d -> ReLU runs as one op (nn/fusion.h), recorded under the batch norm's path.
    assert {e.module for e in by_name(prof, "batch_norm_relu_apply")} == {"features.1"}
    assert {e.module for e in by_name(prof, "BatchNormReluBackward")} == {"features.1"}
    assert not by_name(prof, "relu_backward")
    assert "ReLU" in {event.name for event in prof.events() if event.kind == "module"}
    assert {e.module for e in by_name(prof, "gemm")} == {"head"}
    modules = {event.name: event.module for event in prof.events() if event.kind == "module"}
    assert modules["Net"] == "" and modules["Sequential"] == "features"
    assert modules["Linear"] == "head"
    # The loss ran outside any module.
    assert {e.module for e in by_name(prof, "cross_entropy_forward")} == {""}


def test_times_are_consistent_and_self_excludes_nested_records():
    st.manual_seed(0)
    model, x, y = Net(), st.randn(2, 3, 8, 8), st.randint(0, 5, (2,))
    with profile() as prof:
        run_step(model, x, y)
    events = prof.events()
    assert events and prof.wall_time_us >= 0
    for event in events:
        assert event.duration_us >= 0 and 0 <= event.self_time_us <= event.duration_us + 1e-6
        assert event.start_us >= 0
    # A backward node's kernels nest inside it, one level deeper, within its span.
    node = by_name(prof, "BatchNormReluBackward")[0]
    kernels = by_name(prof, "batch_norm_relu_backward")
    kernel = next(e for e in kernels if e.start_us >= node.start_us)
    assert kernel.depth == node.depth + 1
    assert kernel.start_us + kernel.duration_us <= node.start_us + node.duration_us + 1e-3
    assert node.self_time_us <= node.duration_us - kernel.duration_us + 1e-3
    for row in prof.key_averages():
        assert row.kind != "module" and 0 <= row.self_time_us <= row.total_time_us + 1e-6


def test_conv2d_flops_follow_the_formula_in_all_three_passes():
    x = st.randn(2, 6, 9, 11, requires_grad=True)
    w = st.randn(8, 3, 3, 2, requires_grad=True)
    with profile() as prof:
        out = F.conv2d(x, w, stride=(2, 1), padding=1, dilation=(1, 2), groups=2)
        out.sum().backward()
    n, k, p, q = out.shape
    expected = conv_flops(n, k, 6, 2, 3, 2, p, q)
    for name in ("conv2d_forward", "conv2d_backward_input", "conv2d_backward_weight"):
        (event,) = by_name(prof, name)
        assert event.flops == expected, name
        assert event.bytes == (x.numel() + w.numel() + out.numel()) * 4, name


def test_flops_of_conv_transpose_conv3d_linear_and_matmul():
    x = st.randn(2, 4, 5, 5, requires_grad=True)
    w = st.randn(4, 3, 3, 3, requires_grad=True)
    with profile() as prof:
        out = F.conv_transpose2d(x, w, stride=2)
        out.sum().backward()
    # The adjoint convolution: (N, C=3) at out's size to (N, K=4) at x's size, 3x3 windows.
    expected = conv_flops(2, 4, 3, 1, 3, 3, 5, 5)
    for name in ("conv2d_backward_input", "conv2d_forward", "conv2d_backward_weight"):
        assert [event.flops for event in by_name(prof, name)] == [expected], name

    x3, w3 = st.randn(1, 2, 4, 5, 6), st.randn(3, 2, 2, 3, 3)
    with profile() as prof:
        out3 = F.conv3d(x3, w3)
    (event,) = by_name(prof, "conv3d_forward")
    o, p, q = out3.shape[2:]
    assert event.flops == 2 * 1 * 3 * 2 * (2 * 3 * 3) * o * p * q

    a, b = st.randn(3, 4, 5), st.randn(3, 5, 6)
    inputs, weight = st.randn(7, 10), st.randn(9, 10)
    with profile() as prof:
        F.linear(inputs, weight)
        st.matmul(a, b)
    gemms = by_name(prof, "gemm")
    assert gemms[0].flops == 2 * 7 * 9 * 10
    assert sum(event.flops for event in gemms[1:]) == 2 * 3 * 4 * 5 * 6


def test_bytes_of_elementwise_normalization_pooling_activation_and_loss():
    x = st.randn(4, 3, 8, 8, requires_grad=True)
    target = st.randint(0, 3, (4, 8, 8))
    with profile() as prof:
        z = F.relu(F.batch_norm(x * 2, None, None, training=True))
        # A 2x2 pooling's backward reads the input again (max_pool2d_2x2_backward); a 3x3 one
        # reads the forward's indices (max_pool2d_backward).
        y = F.max_pool2d(z, 2) + F.max_pool2d(z, 3, stride=2, padding=1)
        F.cross_entropy(y, target[:, ::2, ::2]).backward()
    names = ("mul", "batch_norm_stats", "batch_norm_apply", "batch_norm_backward", "relu_forward",
             "relu_backward", "max_pool2d_forward", "max_pool2d_backward",
             "max_pool2d_2x2_backward", "cross_entropy_forward", "cross_entropy_backward")
    for name in names:
        events = by_name(prof, name)
        assert events and all(event.bytes and event.bytes > 0 for event in events), name
    assert by_name(prof, "mul")[0].bytes == 3 * x.numel() * 4
    assert by_name(prof, "relu_forward")[0].bytes == 2 * x.numel() * 4


def test_table_orders_and_sort_keys():
    st.manual_seed(0)
    model, x, y = Net(), st.randn(2, 3, 8, 8), st.randint(0, 5, (2,))
    with profile() as prof:
        for _ in range(2):
            run_step(model, x, y)
    rows = prof.key_averages()
    self_times = [row.self_time_us for row in rows]
    assert self_times == sorted(self_times, reverse=True)
    assert sum(row.calls for row in rows) == sum(1 for e in prof.events() if e.kind != "module")
    by_calls = max(rows, key=lambda row: row.calls)
    text = prof.table(sort_by="calls", row_limit=3)
    lines = text.splitlines()
    assert lines[1].split()[:4] == ["Name", "Self", "time", "Self"]
    assert lines[3].split()[0] == by_calls.name
    assert len([line for line in lines if line and not line.startswith("-")]) == 1 + 3 + 1
    flops_first = prof.table(sort_by="flops", row_limit=1).splitlines()[3].split()[0]
    assert flops_first == max(rows, key=lambda row: row.flops or -1).name
    for key in ("self_time", "total_time", "calls", "flops", "bytes", "self_cpu_time_total",
                "cpu_time_total", "count"):
        assert "Name" in prof.table(sort_by=key)
    assert prof.key_averages().table(sort_by="cpu_time_total") == prof.table("cpu_time_total")
    grouped = prof.table(group_by_module=True, row_limit=0)
    assert "Module" in grouped and "features.3" in grouped
    with pytest.raises(ValueError, match="unknown sort_by 'fastest'; expected one of self_time"):
        prof.table(sort_by="fastest")
    with pytest.raises(TypeError, match="row_limit should be an int"):
        prof.table(row_limit="10")


def test_chrome_trace_parses_with_the_expected_events(tmp_path):
    st.manual_seed(0)
    model, x, y = Net(), st.randn(2, 3, 8, 8), st.randint(0, 5, (2,))
    with profile() as prof, record_function("step \"one\""):
        run_step(model, x, y)
    path = tmp_path / "trace.json"
    prof.export_chrome_trace(path)
    trace = json.loads(path.read_text())
    complete = [event for event in trace["traceEvents"] if event["ph"] == "X"]
    assert len(complete) == len(prof.events())
    for event in complete:
        assert {"name", "cat", "ts", "dur", "pid", "tid", "args"} <= set(event)
        assert event["dur"] >= 0 and event["cat"] in ("kernel", "backward", "module", "user")
        assert "module" in event["args"]
    conv = [event for event in complete if event["name"] == "conv2d_forward"]
    assert conv[0]["args"]["module"] == "features.0" and conv[0]["args"]["flops"] > 0
    assert any(event["name"] == 'step "one"' and event["cat"] == "user" for event in complete)
    names = [event for event in trace["traceEvents"] if event["ph"] == "M"]
    assert names and names[0]["name"] == "thread_name"
    assert not list(tmp_path.glob("*.tmp*")), "written through a temporary file, renamed"


def test_profiles_do_not_nest_and_results_wait_for_stop():
    a = st.ones(3)
    with profile() as outer:
        with pytest.raises(RuntimeError, match="profiles do not nest"), profile():
            pass
        with pytest.raises(RuntimeError, match="still running"):
            outer.table()
        st.add(a, a)
    assert [event.name for event in outer.events()] == ["add"]
    with pytest.raises(RuntimeError, match="not started"):
        profile().events()
    with pytest.raises(RuntimeError, match="not running"):
        profile().stop()


def test_profiler_off_records_nothing():
    a = st.ones(8)
    st.add(a, a)  # before: not recorded
    with profile() as prof:
        pass
    st.mul(a, a)  # after: not recorded either
    assert prof.events() == [] and prof.key_averages() == []
    assert "Self time total: 0.000us" in prof.table()
    with profile() as prof:
        prof.pause()
        st.add(a, a)
        prof.resume()
        st.mul(a, a)
    assert [event.name for event in prof.events()] == ["mul"]


def test_record_function_regions_nest_and_decorate():
    @record_function("helper")
    def helper(t):
        return st.relu(t)

    t = st.randn(16)
    with profile() as prof, record_function("outer"):
        with record_function("inner"):
            helper(t)
        helper(t)
    outer, inner = by_name(prof, "outer")[0], by_name(prof, "inner")[0]
    helpers = by_name(prof, "helper")
    assert outer.kind == inner.kind == "user" and len(helpers) == 2
    assert inner.depth == outer.depth + 1
    assert sorted(h.depth for h in helpers) == [outer.depth + 1, inner.depth + 1]
    assert all(e.depth == h.depth + 1 for e, h in zip(by_name(prof, "relu_forward"), helpers))
    assert outer.self_time_us <= outer.duration_us
    with record_function("no profile running"):  # inert, and closes cleanly
        st.relu(t)
    with pytest.raises(TypeError, match="name should be a str"):
        record_function(3)


def test_two_threads_record_into_their_own_buffers():
    barrier = threading.Barrier(2)

    def work():
        t = st.ones(64)
        barrier.wait()
        for _ in range(25):
            t = st.add(t, t)

    with profile() as prof:
        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    adds = by_name(prof, "add")
    assert len(adds) == 50
    assert len({event.thread for event in adds}) == 2
    starts = [event.start_us for event in prof.events()]
    assert all(event.duration_us >= 0 for event in adds) and min(starts) >= 0


class Squares(st.data.Dataset):
    """A Python dataset running an op per item: with workers, on the loader's threads."""

    def __init__(self):
        self.x = st.randn(32, 4)

    def __len__(self):
        return 32

    def __getitem__(self, index):
        return st.mul(self.x[index], self.x[index]), index % 3


def test_data_loader_workers_are_recorded_while_profiling():
    loader = st.data.DataLoader(Squares(), batch_size=8, num_workers=2)
    with profile() as prof, record_function("consumer"):
        batches = sum(1 for _ in loader)
    assert batches == 4
    (consumer,) = by_name(prof, "consumer")
    squares = by_name(prof, "mul")
    assert len(squares) == 32
    assert all(event.thread != consumer.thread for event in squares)


def test_cli_profile_writes_the_trace_and_the_table_and_training_goes_on(tmp_path, capsys):
    out = tmp_path / "run"
    status = cli.main(["train", "--data-dir", cli.BUNDLED_FASHION_MNIST, "--epochs", "1",
                       "--batch-size", "256", "--quiet", "--profile", "2", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert "profiled 2 training steps" in captured.out and "final test accuracy" in captured.out
    trace = json.loads((out / "profile.json").read_text())
    names = {event["name"] for event in trace["traceEvents"]}
    assert {"conv2d_forward", "Conv2dBackward", "gemm"} <= names
    table = (out / "profile.txt").read_text()
    assert "2 training steps, after 2 warm-up steps" in table
    assert "conv2d_backward_weight" in table and "Module" in table
    assert (out / "last.pt").exists() and st.load(out / "last.pt")["epoch"] == 1
    # The callback keeps no state: the run resumes without --profile.
    status = cli.main(["train", "--data-dir", cli.BUNDLED_FASHION_MNIST, "--epochs", "2",
                       "--batch-size", "256", "--quiet", "--out", str(out), "--resume"])
    assert status == 0, capsys.readouterr().err


def test_cli_profile_rejects_a_negative_count(capsys):
    status = cli.main(["train", "--profile", "-1"])
    assert status == 2 and "--profile must be >= 0" in capsys.readouterr().err


def test_profile_steps_checks_its_arguments():
    with pytest.raises(ValueError, match="steps should be an int >= 1"):
        st.train.ProfileSteps("out", steps=0)
    with pytest.raises(ValueError, match="warmup should be an int >= 0"):
        st.train.ProfileSteps("out", steps=1, warmup=-1)
