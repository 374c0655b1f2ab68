"""striate.diagnostics' views inside a network (feature maps, saliency, Grad-CAM, explain) and
`striate explain`: parity with the same computations written in PyTorch on a twin network, a
synthetic image whose class evidence sits in a known place, and bad inputs."""

import io
import os
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest
import striate as st
import torch
from striate import cli, nn

SAMPLE = cli.BUNDLED_FASHION_MNIST


def _twins(seed=0):
    st.manual_seed(seed)
    ours = nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(8, 5)).eval()
    theirs = torch.nn.Sequential(torch.nn.Conv2d(3, 6, 3, padding=1), torch.nn.ReLU(),
                                 torch.nn.MaxPool2d(2), torch.nn.Conv2d(6, 8, 3, padding=1),
                                 torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
                                 torch.nn.Flatten(), torch.nn.Linear(8, 5)).eval()
    theirs.load_state_dict({k: torch.from_numpy(v.detach().numpy().copy())
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _image(seed=1, shape=(3, 12, 12)):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("target", [None, 0, 3])
def test_saliency_equals_torchs_input_gradient(target):
    ours, theirs = _twins()
    x = _image()
    got = st.diagnostics.saliency_map(ours, st.tensor(x), target=target).numpy()
    tx = torch.tensor(x[None], requires_grad=True)
    scores = theirs(tx)
    t = int(scores[0].argmax()) if target is None else target
    scores[0, t].backward()
    expected = tx.grad[0].abs().amax(0).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("layer", [None, "0"])
def test_class_activation_map_equals_grad_cam_in_torch(layer):
    ours, theirs = _twins(seed=3)
    x = _image(seed=4)
    got = st.diagnostics.class_activation_map(ours, st.tensor(x), target=2, layer=layer).numpy()
    module = theirs[3 if layer is None else 0]  # the last Conv2d by default
    kept = {}
    handle = module.register_forward_hook(lambda m, i, o: kept.update(a=o) or o.retain_grad())
    tx = torch.tensor(x[None])
    theirs(tx)[0, 2].backward()
    handle.remove()
    a = kept["a"]
    weights = a.grad.mean((2, 3), keepdim=True)
    cam = torch.relu((weights * a.detach()).sum(1, keepdim=True))
    cam = torch.nn.functional.interpolate(cam, size=x.shape[1:], mode="bilinear",
                                          align_corners=False)[0, 0]
    cam = cam / cam.max() if cam.max() > 0 else cam
    np.testing.assert_allclose(got, cam.numpy(), rtol=1e-4, atol=1e-6)


def _localizer():
    # score_1 = mean of relu(x), score_0 = its negative: class 1's evidence is where x is bright.
    model = nn.Sequential(nn.Conv2d(1, 1, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(1, 2)).eval()
    with st.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.fill_(0.0)
        model[4].weight.copy_(st.tensor([[-1.0], [1.0]]))
        model[4].bias.fill_(0.0)
    image = np.zeros((1, 20, 20), np.float32)
    image[0, 2:8, 11:17] = 1.0
    return model, st.tensor(image)


def test_class_activation_map_finds_the_evidence_where_it_is():
    model, image = _localizer()
    cam = st.diagnostics.class_activation_map(model, image, target=1).numpy()
    row, column = np.unravel_index(cam.argmax(), cam.shape)
    assert 2 <= row < 8 and 11 <= column < 17
    assert cam[12:, :8].max() == 0.0 and cam.max() == 1.0
    against = st.diagnostics.class_activation_map(model, image, target=0).numpy()
    assert against.max() == 0.0  # nothing in the image supports class 0


def test_feature_maps_are_the_layers_output():
    ours, _ = _twins()
    x = st.tensor(_image())
    maps = st.diagnostics.feature_maps(ours, x, "2")
    with st.no_grad():
        expected = ours[2](ours[1](ours[0](x.unsqueeze(0))))[0]
    np.testing.assert_array_equal(maps.numpy(), expected.numpy())


def test_explain_writes_the_four_pictures(tmp_path):
    ours, _ = _twins()
    ours.train()
    result = st.diagnostics.explain(ours, st.tensor(_image()), tmp_path / "x",
                                    classes=list("abcde"))
    assert ours.training  # its mode is restored
    for key in ("features", "filters", "saliency", "cam"):
        assert os.path.getsize(result[key]) > 1000, key
        with open(result[key], "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert result["target"] == result["prediction"]


@pytest.mark.parametrize("call, error, message", [
    (lambda m, x: st.diagnostics.feature_maps(m, x, "9"), ValueError,
     "feature_maps: no layer '9' in the model; its layers: 0, 1"),
    (lambda m, x: st.diagnostics.saliency_map(m, x, target=5), ValueError,
     r"saliency_map: target must be a class index in \[0, 5\), got 5"),
    (lambda m, x: st.diagnostics.saliency_map(m, x, target=-1), ValueError,
     "saliency_map: target must be a class index"),
    (lambda m, x: st.diagnostics.saliency_map(m, st.stack([x, x])), ValueError,
     r"saliency_map: expected one image \(C, H, W\) or \(1, C, H, W\), got shape \[2, 3"),
    (lambda m, x: st.diagnostics.class_activation_map(m, x.numpy()), TypeError,
     "class_activation_map: expected image as a striate.Tensor"),
    (lambda m, x: st.diagnostics.class_activation_map(m, x, layer="7"), ValueError,
     r"class_activation_map: layer '7' must output feature maps \(1, K, H, W\)"),
    (lambda m, x: st.diagnostics.class_activation_map(nn.Sequential(nn.Flatten(),
                                                                    nn.Linear(432, 2)), x),
     ValueError, "class_activation_map: the model has no Conv2d"),
])
def test_bad_inputs(call, error, message):
    ours, _ = _twins()
    with pytest.raises(error, match=message):
        call(ours, st.tensor(_image()))


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()) as err:
        status = cli.main(["train", "--data-dir", SAMPLE, "--epochs", "1", "--batch-size", "64",
                           "--quiet", "--out", str(out)])
    assert status == 0, err.getvalue()
    from PIL import Image

    picture = (np.random.default_rng(0).random((28, 28)) * 255).astype(np.uint8)
    Image.fromarray(picture).save(out / "shoe.png")
    return out


def test_cli_explain_draws_the_pictures(run_folder, capsys):
    status = cli.main(["explain", str(run_folder / "best.pt"), str(run_folder / "shoe.png"),
                       "--target", "Sneaker", "--out", str(run_folder / "why")])
    out = capsys.readouterr().out
    assert status == 0 and "explained class Sneaker" in out, out
    for name in ("features", "filters", "saliency", "cam"):
        assert os.path.getsize(run_folder / "why" / f"{name}.png") > 1000


@pytest.mark.parametrize("extra, message", [
    (["--target", "Dragon"], "--target 'Dragon': expected a class name or an index below 10"),
    (["--layer", "nope"], "explain: no layer 'nope' in the model; its layers: 0, 1"),
])
def test_cli_explain_refuses_in_one_line(run_folder, capsys, extra, message):
    status = cli.main(["explain", str(run_folder / "best.pt"), str(run_folder / "shoe.png"),
                       *extra])
    err = capsys.readouterr().err
    assert status == 2 and message in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1
