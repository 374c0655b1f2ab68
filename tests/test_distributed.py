"""striate.distributed on MPI: `mpirun -np 2` training equals one process on the doubled batch
(plain, and with no_sync gradient accumulation), a dead or hung peer ends the job with a clear
error instead of a hang, DistributedSampler shards as torch's does, and the API refuses misuse.
The MPI runs need Open MPI's mpirun and mpi4py (.ci/run installs both)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import striate as st

HERE = os.path.dirname(os.path.abspath(__file__))
MPIRUN = shutil.which("mpirun")
needs_mpi = pytest.mark.skipif(
    MPIRUN is None or not st.distributed.is_mpi_available(),
    reason="needs Open MPI (apt-get install openmpi-bin) and mpi4py",
)


def mpirun(nproc, script, *args, timeout=300):
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    return subprocess.run(
        [
            MPIRUN,
            "--allow-run-as-root",
            "--oversubscribe",
            "-np",
            str(nproc),
            sys.executable,
            os.path.join(HERE, "distributed", script),
            *map(str, args),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def run_training(tmp_path, nproc, mode, steps=50):
    out = tmp_path / f"{mode}{nproc}"
    proc = mpirun(nproc, "ddp_worker.py", mode, out, steps)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return [dict(np.load(f"{out}.{rank}.npz")) for rank in range(nproc)]


@needs_mpi
@pytest.mark.parametrize("mode", ["plain", "accumulate", "bn"])
def test_two_processes_train_as_one_on_the_doubled_batch(tmp_path, mode):
    """bn: SyncBatchNorm on two processes against BatchNorm over the full batch in one."""
    (single,) = run_training(tmp_path, 1, "bn" if mode == "bn" else "plain")
    ranks = run_training(tmp_path, 2, mode)
    assert list(single) == list(ranks[0])
    for key, expected in single.items():
        np.testing.assert_array_equal(ranks[0][key], ranks[1][key], err_msg=key)  # replicas agree
        scale = np.abs(expected).max() + 1e-30
        assert np.abs(ranks[0][key] - expected).max() / scale <= 1e-6, key


@needs_mpi
def test_a_killed_peer_ends_the_job_naming_it():
    # The job must end rather than hang: mpirun's own timeout (120 s, far above the worker's 20 s
    # collective deadline) turns a hang into a TimeoutExpired failure; no wall-time assertion.
    proc = mpirun(2, "fault_worker.py", "die", 20, timeout=120)
    assert proc.returncode != 0
    assert "process rank 1" in proc.stdout + proc.stderr


@needs_mpi
def test_a_hung_peer_makes_the_others_raise_within_the_timeout():
    proc = mpirun(2, "fault_worker.py", "hang", 3, timeout=120)
    assert proc.returncode != 0
    assert (
        "all_reduce: rank 0 of 2 waited 3 s and the collective did not complete: a peer "
        "process died or stopped answering"
    ) in proc.stderr


class _Sized:
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n


@pytest.mark.parametrize(
    "n, replicas, drop_last",
    [(10, 3, False), (10, 3, True), (9, 3, False), (2, 4, False), (7, 2, True)],
)
def test_distributed_sampler_shards_as_torch_does(n, replicas, drop_last):
    torch_data = pytest.importorskip("torch.utils.data")
    for shuffle in (False, True):
        ours = [
            list(
                st.data.DistributedSampler(
                    _Sized(n), replicas, r, shuffle=shuffle, drop_last=drop_last
                )
            )
            for r in range(replicas)
        ]
        theirs = [
            list(
                torch_data.DistributedSampler(
                    _Sized(n), replicas, r, shuffle=shuffle, drop_last=drop_last
                )
            )
            for r in range(replicas)
        ]
        assert [len(s) for s in ours] == [len(s) for s in theirs]
        if not shuffle:
            assert ours == theirs
        else:  # another generator, the same structure: a permutation, padded or trimmed alike
            flat = sorted(i for shard in ours for i in shard)
            if drop_last:
                assert len(set(flat)) == len(flat) and set(flat) <= set(range(n))
            else:
                assert set(flat) == set(range(n))


def test_distributed_sampler_epochs_and_errors():
    a = st.data.DistributedSampler(_Sized(100), 2, 0, seed=3)
    b = st.data.DistributedSampler(_Sized(100), 2, 1, seed=3)
    first = list(a)
    assert sorted(first + list(b)) == list(range(100))  # the ranks split one permutation
    a.set_epoch(1)
    assert list(a) != first and len(a) == 50
    with pytest.raises(
        ValueError,
        match=r"invalid rank 2, rank should be in the interval "
        r"\[0, 1\]",
    ):
        st.data.DistributedSampler(_Sized(4), 2, 2)
    with pytest.raises(
        RuntimeError,
        match="pass num_replicas and rank, or call striate.distributed.init_process_group",
    ):
        st.data.DistributedSampler(_Sized(4))


def test_api_misuse_is_refused_before_any_mpi_call():
    dist = st.distributed
    assert not dist.is_initialized()
    with pytest.raises(
        RuntimeError, match="get_rank: the default process group has not been initialized"
    ):
        dist.get_rank()
    if not st.cuda.is_available():  # refused before MPI starts in this process
        with pytest.raises(RuntimeError, match="the 'nccl' backend needs a CUDA device: "):
            dist.init_process_group("nccl")
    elif not dist.is_nccl_available():
        with pytest.raises(RuntimeError, match="NCCL is not available"):
            dist.init_process_group("nccl")
    with pytest.raises(ValueError, match="unknown backend 'gloo'"):
        dist.init_process_group("gloo")
    with pytest.raises(ValueError, match="init_method and store are not used"):
        dist.init_process_group("mpi", init_method="tcp://10.0.0.1:23456")
    with pytest.raises(RuntimeError, match="DistributedDataParallel: the default process group"):
        st.nn.parallel.DistributedDataParallel(st.nn.Linear(2, 2))


@needs_mpi
def test_collectives_in_one_process_group_of_one():
    """A singleton MPI process (no mpirun): every collective works on a world of one, and bad
    arguments name the collective. Run in a subprocess so MPI stays out of the test process."""
    code = """
import numpy as np, pytest, striate as st, striate.distributed as dist
dist.init_process_group("mpi", timeout=30)
assert (dist.get_rank(), dist.get_world_size(), dist.get_backend()) == (0, 1, "mpi")
x = st.arange(6.0)
dist.all_reduce(x, op=dist.ReduceOp.AVG); assert x.tolist() == list(range(6))
dist.broadcast(x, 0)
out = [st.zeros(6)]; dist.all_gather(out, x); assert out[0].tolist() == x.tolist()
y = st.zeros(6); dist.reduce_scatter(y, [x]); assert y.tolist() == x.tolist()
work = dist.all_reduce(x, async_op=True); assert work.wait() and work.is_completed()
dist.barrier()
for call, error, text in [
    (lambda: dist.broadcast(x, 1), ValueError, "broadcast: src must be a rank in [0, 0], got 1"),
    (lambda: dist.all_reduce([1.0]), TypeError, "all_reduce: expected tensor as a striate.Tensor"),
    (lambda: dist.all_reduce(x, op="median"), ValueError, "all_reduce: unknown reduce op"),
    (lambda: dist.all_reduce(st.ones(4, 4).t()), ValueError, "all_reduce: expected a contiguous"),
    (lambda: dist.all_gather([], x), ValueError, "all_gather: expected tensor_list as a list of 1"),
    (lambda: dist.init_process_group("mpi"), RuntimeError, "already initialized"),
    (lambda: dist.barrier(timeout=-1), ValueError, "barrier: timeout must be positive"),
]:
    with pytest.raises(error) as info:
        call()
    assert text in str(info.value), (text, str(info.value))
dist.destroy_process_group(); assert not dist.is_initialized()
print("OK")
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, OMP_NUM_THREADS="1"),
    )
    assert proc.returncode == 0 and "OK" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]


@needs_mpi
def test_striate_run_launches_the_processes(tmp_path):
    script = tmp_path / "hello.py"
    script.write_text(
        "import sys, striate.distributed as d\n"
        "d.init_process_group('mpi')\n"
        "line = 'rank %d of %d %s' % (d.get_rank(), d.get_world_size(), sys.argv[1:])\n"
        "with open(sys.argv[0] + '.%d' % d.get_rank(), 'w') as f:\n"
        "    f.write(line)\n"
        "sys.stdout.write(line + '\\n')\n"
        "sys.stdout.flush()\n"
        "d.destroy_process_group()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "striate", "run", "--nproc", "2", str(script), "--", "--flag", "x"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # Each rank records its own line: the ranks' stdout streams reach the launcher's stdout
    # concurrently, so their order (and, for writes split by the interpreter, their bytes) may
    # interleave; the files say what each process saw, stdout only that both were forwarded.
    for rank in (0, 1):
        assert (tmp_path / f"hello.py.{rank}").read_text() == f"rank {rank} of 2 ['--flag', 'x']"
    assert proc.stdout.count("of 2 ['--flag', 'x']") == 2, proc.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "striate", "run", "--nproc", "0", str(script)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert bad.returncode == 2 and "run: --nproc must be positive, got 0" in bad.stderr


@needs_mpi
def test_trainer_distributed_reduces_metrics_and_only_rank_0_writes(tmp_path):
    out = tmp_path / "run"
    proc = mpirun(2, "trainer_worker.py", out, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert sum(line.startswith("epoch 3/3") for line in lines) == 1  # rank 0 logs, once
    finals = [open(f"{out}.final{rank}").read() for rank in range(2)]
    assert finals[0] == finals[1]  # reduced metrics agree on both ranks
    assert "6 batches" in finals[0]  # 96 examples, batch 8, two ranks
    assert sorted(os.listdir(out)) == ["best.pt", "history0.csv", "last.pt"]
    # A checkpoint written by 2 processes resumes in 1: the model's state has no DDP prefix.
    model = st.nn.Sequential(st.nn.Linear(8, 16), st.nn.ReLU(), st.nn.Linear(16, 2))
    callbacks = [
        st.train.ModelCheckpoint(tmp_path / "again", monitor="val_accuracy"),
        st.train.CSVLogger(tmp_path / "again.csv"),
    ]
    trainer = st.train.Trainer(
        model,
        st.optim.SGD(model.parameters(), lr=0.1),
        st.nn.CrossEntropyLoss(),
        callbacks=callbacks,
        progress="none",
    )
    state = trainer.load_checkpoint(out / "last.pt")
    assert trainer.epoch == 3 and list(state["model"])[0] == "0.weight"


@needs_mpi
def test_striate_train_distributed_on_fashion_mnist(tmp_path):
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.skip("needs the Debian package dataset-fashion-mnist (.ci/run installs it)")
    out = tmp_path / "run"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "striate",
            "run",
            "--nproc",
            "2",
            "--",
            "train",
            "--distributed",
            "--epochs",
            "1",
            "--batch-size",
            "256",
            "--quiet",
            "--out",
            str(out),
            "--min-accuracy",
            "0.6",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("final test accuracy") == 1
    assert {"best.pt", "last.pt", "history.csv", "model.striate"} <= set(os.listdir(out))


def test_sync_batchnorm_alone_is_batchnorm():
    """Outside a distributed run SyncBatchNorm is BatchNorm: torch's BatchNorm2d forward, input
    and parameter gradients, running statistics and eval mode; convert_sync_batchnorm swaps the
    layers and keeps their state."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(4).standard_normal((6, 3, 4, 5))
    ours = st.nn.SyncBatchNorm(3, momentum=0.3).double()
    theirs = torch.nn.BatchNorm2d(3, momentum=0.3).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([0.5, 1.5, -1.0]))
        theirs.bias.copy_(torch.tensor([0.1, 0.0, -0.2]))
    ours.load_state_dict({k: v.detach() for k, v in theirs.state_dict().items()})
    xs, xt = st.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ys, yt = ours(xs), theirs(xt)
    np.testing.assert_allclose(ys.detach().numpy(), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = np.random.default_rng(5).standard_normal(x.shape)
    (ys * st.tensor(weights)).sum().backward()
    (yt * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(xs.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-9)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(
            getattr(ours, name).numpy(), getattr(theirs, name).numpy(), rtol=1e-10
        )
    ours.eval()
    theirs.eval()
    np.testing.assert_allclose(
        ours(st.tensor(x)).detach().numpy(),
        theirs(torch.tensor(x)).detach().numpy(),
        rtol=1e-10,
        atol=1e-12,
    )
    model = st.nn.Sequential(st.nn.Conv2d(3, 4, 3), st.nn.BatchNorm2d(4), st.nn.ReLU())
    converted = st.nn.SyncBatchNorm.convert_sync_batchnorm(model)
    assert type(converted[1]).__name__ == "SyncBatchNorm"
    assert list(converted.state_dict()) == list(model.state_dict())
    with pytest.raises(
        ValueError,
        match=r"SyncBatchNorm: expected an input \(N, 3, \*\), got "
        r"shape \[2, 4, 5\]",
    ):
        st.nn.SyncBatchNorm(3)(st.ones(2, 4, 5))


# ---- the 'nccl' backend (CUDA tensors) ---------------------------------------------------------

_gpus = st.cuda.device_count() if st.cuda.is_available() else 0


def test_nccl_status_says_why_when_unavailable():
    status = st.backends.cuda.nccl_status()
    assert set(status) == {"loaded", "path", "version", "reason"}
    assert st.distributed.is_nccl_available() == status["loaded"]
    if not status["loaded"]:
        assert status["reason"]


@pytest.mark.skipif(_gpus == 0 or not st.distributed.is_nccl_available(),
                    reason="needs a CUDA device and NCCL (pip install nvidia-nccl-cu13)")
@needs_mpi
def test_nccl_collectives_on_the_gpus():
    # One process per GPU (NCCL refuses two ranks on one device): 2 with two GPUs, else 1.
    proc = mpirun(min(_gpus, 2), "nccl_worker.py")
    assert proc.returncode == 0 and proc.stdout.count("OK") == min(_gpus, 2), \
        proc.stdout[-2000:] + proc.stderr[-2000:]


@pytest.mark.skipif(_gpus == 0 or not st.distributed.is_nccl_available(),
                    reason="needs a CUDA device and NCCL (pip install nvidia-nccl-cu13)")
@needs_mpi
def test_striate_train_distributed_on_the_gpus(tmp_path):
    # --distributed with --device cuda runs over NCCL, one GPU per process; a named GPU index is
    # refused in one line (each process takes its local rank's GPU).
    if not os.path.isdir("/usr/share/datasets/fashion-mnist"):
        pytest.skip("needs the Debian package dataset-fashion-mnist (.ci/run installs it)")
    nproc = min(_gpus, 2)
    out = tmp_path / "run"
    command = [sys.executable, "-m", "striate", "run", "--nproc", str(nproc), "--", "train",
               "--distributed", "--device", "cuda", "--epochs", "1", "--batch-size", "256",
               "--quiet", "--out", str(out), "--min-accuracy", "0.6"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("final test accuracy") == 1
    assert {"best.pt", "last.pt", "history.csv", "model.striate"} <= set(os.listdir(out))
    refused = subprocess.run(
        [sys.executable, "-m", "striate", "train", "--distributed", "--device", "cuda:0",
         "--epochs", "0", "--out", str(tmp_path / "refused")],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert refused.returncode == 2 and "each process takes the GPU" in refused.stderr, \
        refused.stderr
