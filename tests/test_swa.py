"""optim.swa_utils: AveragedModel (SWA mean, EMA through multi_avg_fn and avg_fn, use_buffers)
and update_bn against torch.optim.swa_utils on the same weights, SWALR against torch, deep copies
of modules, snapshot ensembles, and bad arguments."""

import copy

import numpy as np
import pytest
import striate as st
import torch
from striate import models, nn, optim
from striate.nn import functional as F
from striate.optim import lr_scheduler, swa_utils


def to_np(t):
    return np.array(t.detach().numpy(), copy=True)


def pair_of_models(seed=0):
    st.manual_seed(seed)
    ours = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(),
                         nn.Linear(4 * 6 * 6, 5))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                 torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 5))
    copy_weights(ours, theirs)
    return ours, theirs


def copy_weights(ours, theirs):
    state = {name: torch.tensor(to_np(t)) for name, t in ours.state_dict().items()}
    theirs.load_state_dict(state)


def perturb(ours, theirs, rng):
    # A "training step" applied identically to both models: new random weights and statistics.
    for name, tensor in ours.state_dict().items():
        if tensor.dtype in (st.float32, st.float64):
            noise = rng.standard_normal(tuple(tensor.shape)).astype(np.float32)
            values = to_np(tensor) + noise * 0.1
            if "running_var" in name:
                values = np.abs(values) + 0.5
            with st.no_grad():
                tensor.copy_(st.tensor(values))
    copy_weights(ours, theirs)


def assert_same_model(ours, theirs, tol=1e-6, buffers=True):
    their_state = theirs.state_dict()
    for name, tensor in ours.state_dict().items():
        if not buffers and "running" in name:
            continue
        if tensor.dtype in (st.float32, st.float64):
            np.testing.assert_allclose(to_np(tensor), their_state[name].numpy(), rtol=tol, atol=tol,
                                       err_msg=name)


AVERAGING = {
    "swa": (dict(), dict()),
    "ema_multi": (dict(multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.995)),
                  dict(multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.995))),
    "ema_avg_fn": (dict(avg_fn=swa_utils.get_ema_avg_fn(0.9)),
                   dict(avg_fn=torch.optim.swa_utils.get_ema_avg_fn(0.9))),
    "swa_avg_fn": (dict(avg_fn=swa_utils.get_swa_avg_fn()),
                   dict(avg_fn=torch.optim.swa_utils.get_swa_avg_fn())),
    # (torch's swa multi_avg_fn fails on the int64 num_batches_tracked; its default does not)
    "swa_buffers": (dict(use_buffers=True), dict(use_buffers=True)),
    "swa_multi": (dict(multi_avg_fn=swa_utils.get_swa_multi_avg_fn()),
                  dict(multi_avg_fn=torch.optim.swa_utils.get_swa_multi_avg_fn())),
    # a user's function receives the count as a tensor, as torch's does
    "user_avg_fn": (dict(avg_fn=lambda avg, cur, n: avg + (cur - avg) / (n + 1)),
                    dict(avg_fn=lambda avg, cur, n: avg + (cur - avg) / (n + 1))),
    "ema_buffers": (dict(multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.5), use_buffers=True),
                    dict(multi_avg_fn=torch.optim.swa_utils.get_ema_multi_avg_fn(0.5),
                         use_buffers=True)),
}


@pytest.mark.parametrize("name", list(AVERAGING))
def test_averaged_model_matches_torch(name):
    our_kwargs, their_kwargs = AVERAGING[name]
    ours, theirs = pair_of_models()
    our_avg = swa_utils.AveragedModel(ours, **our_kwargs)
    their_avg = torch.optim.swa_utils.AveragedModel(theirs, **their_kwargs)
    rng = np.random.default_rng(0)
    for _ in range(6):
        perturb(ours, theirs, rng)
        our_avg.update_parameters(ours)
        their_avg.update_parameters(theirs)
    assert int(our_avg.n_averaged.item()) == int(their_avg.n_averaged.item()) == 6
    assert_same_model(our_avg.module, their_avg.module)
    # The average is not the last model (it really averaged).
    assert not np.allclose(to_np(our_avg.module[0].weight), to_np(ours[0].weight))
    x = np.random.default_rng(1).standard_normal((2, 3, 8, 8)).astype(np.float32)
    our_avg.eval()
    their_avg.eval()
    np.testing.assert_allclose(to_np(our_avg(st.tensor(x))),
                               their_avg(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)
    assert "n_averaged" in our_avg.state_dict()


def test_ema_with_the_notes_decay_by_hand():
    ours, _ = pair_of_models()
    ema = swa_utils.AveragedModel(ours, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.995))
    expected = to_np(ours[4].weight)
    ema.update_parameters(ours)
    for step in range(3):
        with st.no_grad():
            ours[4].weight.add_(st.ones(5, 144) * (step + 1))
        expected = 0.995 * expected + 0.005 * to_np(ours[4].weight)
        ema.update_parameters(ours)
    np.testing.assert_allclose(to_np(ema.module[4].weight), expected, rtol=1e-6, atol=1e-6)


def test_update_bn_matches_torch():
    ours, theirs = pair_of_models(3)
    rng = np.random.default_rng(2)
    batches = [rng.standard_normal((5, 3, 8, 8)).astype(np.float32) * 2 + 1 for _ in range(4)]
    our_loader = [(st.tensor(b), 0) for b in batches]
    their_loader = [(torch.tensor(b), 0) for b in batches]
    ours.eval()
    theirs.eval()
    swa_utils.update_bn(our_loader, ours)
    torch.optim.swa_utils.update_bn(their_loader, theirs)
    bn, their_bn = ours[1], theirs[1]
    np.testing.assert_allclose(to_np(bn.running_mean), their_bn.running_mean.numpy(),
                               rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(to_np(bn.running_var), their_bn.running_var.numpy(),
                               rtol=1e-6, atol=1e-6)
    assert bn.momentum == 0.1 and not ours.training
    # Cumulative average: the mean of the per-batch means.
    features = [to_np(ours[0](st.tensor(b))).mean(axis=(0, 2, 3)) for b in batches]
    np.testing.assert_allclose(to_np(bn.running_mean), np.mean(features, axis=0),
                               rtol=1e-5, atol=1e-6)


def test_update_bn_on_an_averaged_model_with_plain_batches():
    ours, theirs = pair_of_models(4)
    our_avg = swa_utils.AveragedModel(ours)
    their_avg = torch.optim.swa_utils.AveragedModel(theirs)
    our_avg.update_parameters(ours)
    their_avg.update_parameters(theirs)
    batches = [np.random.default_rng(i).standard_normal((3, 3, 8, 8)).astype(np.float32)
               for i in range(3)]
    swa_utils.update_bn([st.tensor(b) for b in batches], our_avg)
    torch.optim.swa_utils.update_bn([torch.tensor(b) for b in batches], their_avg)
    assert_same_model(our_avg.module, their_avg.module)


@pytest.mark.parametrize("strategy", ["cos", "linear"])
def test_swalr_matches_torch(strategy):
    p = nn.Parameter(st.zeros(2))
    q = torch.nn.Parameter(torch.zeros(2))
    our_opt = optim.SGD([p], lr=0.5)
    their_opt = torch.optim.SGD([q], lr=0.5)
    ours = swa_utils.SWALR(our_opt, swa_lr=0.05, anneal_epochs=4, anneal_strategy=strategy)
    theirs = torch.optim.swa_utils.SWALR(their_opt, swa_lr=0.05, anneal_epochs=4,
                                         anneal_strategy=strategy)
    for _ in range(7):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-12)
        our_opt.step()
        their_opt.step()
        ours.step()
        theirs.step()


def test_deepcopy_of_modules():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1, bias=False),
                                          nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2))
            self.head = nn.Linear(4 * 4 * 4, 3)
            self.scale = nn.Parameter(st.ones(3))
            self.note = {"tag": [1, 2]}

        def forward(self, x):
            return self.head(self.features(x).flatten(1)) * self.scale

    net = Net()
    net.head.weight.requires_grad_(False)
    net.eval()
    state = st.get_rng_state()
    twin = copy.deepcopy(net)
    assert st.get_rng_state() == state  # copying drew no random numbers
    assert type(twin) is Net and twin.note == net.note and twin.note is not net.note
    assert not twin.training and not twin.features[1].training
    assert not twin.head.weight.requires_grad and twin.scale.requires_grad
    assert twin.features[0].bias is None
    x = st.randn(2, 3, 8, 8)
    np.testing.assert_array_equal(to_np(twin(x)), to_np(net(x)))
    with st.no_grad():
        twin.head.bias.add_(st.ones(3))
    assert not np.array_equal(to_np(twin.head.bias), to_np(net.head.bias))
    lenet = models.lenet5()
    np.testing.assert_array_equal(to_np(copy.deepcopy(lenet)(st.randn(1, 1, 28, 28) * 0)),
                                  to_np(lenet(st.randn(1, 1, 28, 28) * 0)))


def test_zoo_models_are_rebuilt_from_their_constructor():
    model = models.resnet20(num_classes=7)
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.9))
    assert type(ema.module).__name__ == "CifarResNet" and ema.module is not model
    start = {name: to_np(p).copy() for name, p in model.named_parameters()}
    ema.update_parameters(model)  # the first update copies, as torch's
    with st.no_grad():
        for p in model.parameters():
            p.add_(st.ones(p.shape))
    ema.update_parameters(model)
    for name, p in ema.module.named_parameters():
        np.testing.assert_allclose(to_np(p), 0.9 * start[name] + 0.1 * (start[name] + 1),
                                   rtol=1e-6, atol=1e-6, err_msg=name)


def test_cpp_models_without_readable_arguments_copy_from_their_config():
    model = models.resnet20()
    del model._zoo_constructor  # as if built without the zoo's Python constructor
    averaged = swa_utils.AveragedModel(model)  # deep-copied from its module config
    for p, q in zip(averaged.module.parameters(), model.parameters()):
        np.testing.assert_array_equal(to_np(p), to_np(q))
    fresh = models.resnet20()
    ema = swa_utils.AveragedModel(model, multi_avg_fn=swa_utils.get_ema_multi_avg_fn(0.995),
                                  module=fresh)
    ema.update_parameters(model)
    for p, q in zip(ema.module.parameters(), model.parameters()):
        np.testing.assert_array_equal(to_np(p), to_np(q))


def test_snapshot_ensemble_averages_softmaxes_of_the_snapshots():
    st.manual_seed(5)
    model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
    opt = optim.SGD(model.parameters(), lr=0.5)
    scheduler = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    ensemble = swa_utils.SnapshotEnsemble(model)
    x, y = st.randn(8, 4), st.tensor(np.array([0, 1, 2, 0, 1, 2, 0, 1]))
    states = []
    taken = []
    for epoch in range(6):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
        scheduler.step()
        if ensemble.on_scheduler_step(scheduler):
            taken.append(epoch)
            states.append({k: to_np(v) for k, v in model.state_dict().items()})
    assert taken == [1, 3, 5] and len(ensemble) == 3
    model.train()
    live = {k: to_np(v) for k, v in model.state_dict().items()}
    probabilities = to_np(ensemble.predict(x))
    # By hand: each stored state in a fresh model, eval mode, softmax, mean.
    expected = []
    for state in states:
        fresh = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
        fresh.load_state_dict({k: st.tensor(v) for k, v in state.items()})
        fresh.eval()
        logits = to_np(fresh(x))
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        expected.append(exp / exp.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(probabilities, np.mean(expected, axis=0), rtol=1e-5, atol=1e-6)
    # The model is left as it was.
    assert model.training
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(to_np(v), live[k])
    assert swa_utils.is_restart(scheduler)


def test_bad_arguments():
    model, _ = pair_of_models()
    with pytest.raises(ValueError, match="pass avg_fn or multi_avg_fn, not both"):
        swa_utils.AveragedModel(model, avg_fn=swa_utils.get_swa_avg_fn(),
                                multi_avg_fn=swa_utils.get_swa_multi_avg_fn())
    with pytest.raises(TypeError, match="AveragedModel: expected an nn.Module"):
        swa_utils.AveragedModel([1, 2])
    with pytest.raises(ValueError, match="expected 0 <= decay <= 1"):
        swa_utils.get_ema_multi_avg_fn(1.5)
    avg = swa_utils.AveragedModel(model)
    other = nn.Sequential(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="AveragedModel.update_parameters: expected a model with"):
        avg.update_parameters(other)
    with pytest.raises(ValueError, match="SnapshotEnsemble.predict: no snapshot taken yet"):
        swa_utils.SnapshotEnsemble(model).predict(st.randn(1, 3, 8, 8))
    with pytest.raises(TypeError, match="is_restart: expected a CosineAnnealingWarmRestarts"):
        swa_utils.is_restart(lr_scheduler.StepLR(optim.SGD(model.parameters(), lr=0.1), 2))
    with pytest.raises(ValueError, match="SWALR: anneal_strategy must be one of"):
        swa_utils.SWALR(optim.SGD(model.parameters(), lr=0.1), swa_lr=0.01, anneal_strategy="step")
