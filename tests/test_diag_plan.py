"""striate.plan / diagnostics.max_batch_size and Trainer(batch_size=, memory_limit=): the plan's
peak memory against the peak measured in a plain training loop at the planned batch, its
optimizer state against the optimizer's real state, its FLOPs against the profiler's, and
micro-batched training against whole batches."""

import gc

import numpy as np
import pytest
import striate as st
from striate import nn
from striate.backends import cpu
from striate.nn import functional as F


def _measured_peak(model, input_shape, batch, optimizer_class, **kwargs):
    """Peak bytes of one training step at `batch` in a plain loop: parameters and optimizer
    state (alive between steps) plus the forward/backward peak over what was alive before."""
    optimizer = optimizer_class(model.parameters(), **kwargs)
    x = st.randn(batch, *input_shape)
    y = st.randint(0, 10, (batch,))
    for _ in range(2):  # the second step runs with the optimizer state and warm caches
        optimizer.zero_grad(set_to_none=True)
        gc.collect()
        base = cpu.memory_allocated()
        cpu.reset_peak_memory_stats()
        F.cross_entropy(model(x), y).backward()
        peak = cpu.max_memory_allocated() - base
        optimizer.step()
    state = sum(v.numel() * v.element_size() for s in optimizer.state.values()
                for v in s.values() if isinstance(v, st.Tensor))
    params = sum(p.numel() * p.element_size() for p in model.parameters())
    # x and y were alive before the reset here; the plan counts its batch as activation memory
    return peak + params + state + x.numel() * x.element_size() + y.numel() * y.element_size()


@pytest.mark.parametrize("name, shape, batch", [
    ("lenet5", (1, 28, 28), 64),
    ("lenet5", (1, 28, 28), 200),
    ("resnet20", (3, 32, 32), 48),
])
def test_plan_peak_memory_matches_a_measured_training_step(name, shape, batch):
    model = getattr(st.models, name)()
    planned = st.plan(model, shape, batch, optimizer="adam")
    measured = _measured_peak(getattr(st.models, name)(), shape, batch, st.optim.Adam)
    assert abs(planned.peak_bytes - measured) <= 0.10 * measured, (planned, measured)
    assert planned.activation_bytes > 0 and planned.calibration[1] < batch


@pytest.mark.parametrize("optimizer, copies", [("sgd", 0), ("sgd_momentum", 1), ("adam", 2),
                                               ("adagrad", 1)])
def test_optimizer_state_is_the_real_optimizers(optimizer, copies):
    model = st.models.lenet5()
    planned = st.plan(model, (1, 28, 28), 16, optimizer=optimizer)
    assert planned.parameters == sum(p.numel() for p in model.parameters()) == 61706
    assert planned.parameter_bytes == planned.gradient_bytes == 61706 * 4
    # Adagrad also keeps a step counter per parameter: a few bytes beyond one copy.
    assert copies * planned.parameter_bytes <= planned.optimizer_state_bytes <= \
        copies * planned.parameter_bytes + 64 * len(list(model.parameters()))


def test_plan_flops_equal_the_profilers_count_at_the_batch():
    model = st.models.lenet5()
    planned = st.plan(model, (1, 28, 28), 48)
    with st.profiler.profile() as prof:
        F.cross_entropy(model(st.randn(48, 1, 28, 28)), st.randint(0, 10, (48,))).backward()
    counted = sum(e.flops or 0 for e in prof.events() if e.kind == "kernel")
    assert abs(planned.flops - counted) <= 0.01 * counted
    assert planned.step_time_s > 0
    assert "peak memory" in repr(planned) and "GFLOP" in repr(planned)


def test_plan_leaves_the_model_untouched():
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                          nn.Linear(4 * 6 * 6, 3))
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    st.plan(model, (1, 8, 8), 32, optimizer="adam")
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value.numpy(), before[key], err_msg=key)
    assert all(p.grad is None for p in model.parameters())


def test_max_batch_size_is_the_largest_that_fits():
    model = st.models.lenet5()
    planned = st.plan(model, (1, 28, 28), 16)
    limit = planned.peak_bytes_at(100) + 1
    best = st.diagnostics.max_batch_size(model, (1, 28, 28), limit)
    assert planned.peak_bytes_at(best) <= limit < planned.peak_bytes_at(best + 1)
    assert 90 <= best <= 110
    assert st.diagnostics.max_batch_size(model, (1, 28, 28), limit, upper=20) == 20
    with pytest.raises(MemoryError, match=r"max_batch_size: one sample of \(1, 28, 28\) needs"):
        st.diagnostics.max_batch_size(model, (1, 28, 28), 1000)


@pytest.mark.parametrize("args, error, message", [
    (((1, 28, 28), 0), ValueError, "plan: batch_size must be a positive int, got 0"),
    (((1, 28, 28), 2.5), ValueError, "plan: batch_size must be a positive int, got 2.5"),
    (((1, -28, 28), 4), ValueError, "plan: input_shape must be one sample's shape"),
    ((7, 4), TypeError, "plan: expected input_shape as one sample's shape"),
])
def test_plan_bad_arguments(args, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        st.plan(st.models.lenet5(), *args)


def test_plan_bad_optimizer():
    with pytest.raises(ValueError, match="plan: unknown optimizer 'lbfgs'"):
        st.plan(st.models.lenet5(), (1, 28, 28), 4, optimizer="lbfgs")
    with pytest.raises(TypeError, match="plan: expected optimizer as a name or an optim"):
        st.plan(st.models.lenet5(), (1, 28, 28), 4, optimizer=3)
    assert st.plan(st.models.lenet5(), (1, 28, 28), 4, optimizer=st.optim.RMSprop).fits(2**30)


def _train(batch_size=None, memory_limit=None, steps_seed=0):
    st.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 3)).double()
    rng = np.random.default_rng(steps_seed)
    x = st.tensor(rng.standard_normal((96, 1, 8, 8)))
    y = st.tensor(rng.integers(0, 3, 96))
    loader = st.data.DataLoader(st.data.TensorDataset(x, y), batch_size=32)
    trainer = st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9),
                               F.cross_entropy, progress="none", batch_size=batch_size,
                               memory_limit=memory_limit)
    trainer.fit(loader, epochs=2)
    return trainer, model


def test_micro_batches_train_as_whole_batches():
    whole, whole_model = _train()
    micro, micro_model = _train(batch_size=10)  # 32 = 10 + 10 + 10 + 2
    for a, b in zip(whole_model.parameters(), micro_model.parameters()):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(whole.history, micro.history):
        assert abs(a["train_loss"] - b["train_loss"]) < 1e-10
        assert a["train_accuracy"] == b["train_accuracy"]


def test_auto_micro_batch_fits_the_memory_limit():
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 3)).double()
    planned = st.plan(model, (1, 8, 8), 32, optimizer=st.optim.SGD)
    limit = planned.peak_bytes_at(12)
    trainer, trained = _train(batch_size="auto", memory_limit=limit)
    assert 8 <= trainer._auto_batch <= 12
    whole, whole_model = _train()
    for a, b in zip(whole_model.parameters(), trained.parameters()):
        np.testing.assert_allclose(b.detach().numpy(), a.detach().numpy(), rtol=1e-10, atol=1e-12)
    trainer, _ = _train(batch_size="auto")  # the machine's free memory: whole batches
    assert trainer._auto_batch == 32


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, "Trainer: batch_size should be a positive int, 'auto' or None, got 0"),
    ({"batch_size": "big"}, "Trainer: batch_size should be a positive int, 'auto' or None"),
    ({"memory_limit": -5}, "Trainer: memory_limit should be a positive number of bytes"),
])
def test_trainer_refuses_bad_batch_arguments(kwargs, message):
    model = nn.Linear(4, 2)
    with pytest.raises(ValueError, match=message):
        st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=0.1), F.cross_entropy,
                         **kwargs)
