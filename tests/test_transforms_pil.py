"""torchvision's picture-level transforms in striate.data.transforms (transforms_pil.py): on PIL
images the same pixels as torchvision's (its real transforms, through tests/torchvision_shim.py),
on tensors the same values as torchvision's tensor forms, p=0 leaves the image alone, and bad
inputs raise naming the transform."""

import numpy as np
import pytest
import striate as st
import torchvision_shim
from PIL import Image

from striate.data import transforms as T

torch = pytest.importorskip("torch")
if not torchvision_shim.install():
    pytest.skip("torchvision not installed for the shim (pip install --no-deps --target "
                "/opt/torchvision-nodeps torchvision==0.28.0)", allow_module_level=True)
import torchvision.transforms as TV  # noqa: E402


def picture(mode="RGB", seed=0):
    rng = np.random.default_rng(seed)
    array = rng.integers(20, 230, (9, 11, 3), dtype=np.uint8)
    image = Image.fromarray(array)
    return image if mode == "RGB" else image.convert(mode)


# name: (striate transform, torchvision transform), both applying always (p=1)
CASES = {
    "invert": (T.RandomInvert(p=1), TV.RandomInvert(p=1)),
    "posterize": (T.RandomPosterize(3, p=1), TV.RandomPosterize(3, p=1)),
    "solarize": (T.RandomSolarize(128, p=1), TV.RandomSolarize(128, p=1)),
    "autocontrast": (T.RandomAutocontrast(p=1), TV.RandomAutocontrast(p=1)),
    "equalize": (T.RandomEqualize(p=1), TV.RandomEqualize(p=1)),
    "sharpness": (T.RandomAdjustSharpness(2.0, p=1), TV.RandomAdjustSharpness(2.0, p=1)),
    "blur": (T.RandomAdjustSharpness(0.3, p=1), TV.RandomAdjustSharpness(0.3, p=1)),
}


@pytest.mark.parametrize("mode", ["RGB", "L"])
@pytest.mark.parametrize("name", list(CASES))
def test_pictures_match_torchvision(name, mode):
    ours, theirs = CASES[name]
    image = picture(mode)
    np.testing.assert_array_equal(np.asarray(ours(image)), np.asarray(theirs(image)))


@pytest.mark.parametrize("name, dtype", [(name, dtype) for name in ("invert", "solarize",
                                                                      "autocontrast", "posterize")
                                          for dtype in ("uint8", "float32")
                                          if (name, dtype) != ("posterize", "float32")])
def test_tensors_match_torchvision(name, dtype):
    # torchvision posterizes uint8 tensors only (float raises there, and here: bad inputs below)
    ours, theirs = CASES[name]
    if name == "solarize" and dtype == "float32":
        ours, theirs = T.RandomSolarize(0.5, p=1), TV.RandomSolarize(0.5, p=1)
    array = np.asarray(picture()).transpose(2, 0, 1).copy()
    if dtype == "float32":
        array = (array / 255.0).astype(np.float32)
    np.testing.assert_allclose(ours(st.tensor(array)).numpy(), theirs(torch.tensor(array)).numpy(),
                               rtol=1e-6, atol=1e-6)


def test_p_zero_keeps_the_image_and_reprs_follow_torchvision():
    image = picture()
    for ours, theirs in CASES.values():
        assert type(ours)(**{**_arguments(ours), "p": 0.0})(image) is image
        assert repr(ours) == repr(theirs)


def _arguments(transform):
    return {k: v for k, v in vars(transform).items() if k in ("bits", "threshold",
                                                               "sharpness_factor")}


def test_conversions_match_torchvision():
    image = picture()
    ours = T.PILToTensor()(image)
    theirs = TV.PILToTensor()(image)
    assert ours.dtype == st.uint8 and ours.tolist() == theirs.tolist()
    as_float = T.ConvertImageDtype(st.float32)(ours)
    np.testing.assert_allclose(as_float.numpy(),
                               TV.ConvertImageDtype(torch.float32)(theirs).numpy(), rtol=1e-6)
    back = T.ConvertImageDtype(st.uint8)(as_float)
    assert back.tolist() == TV.ConvertImageDtype(torch.uint8)(
        TV.ConvertImageDtype(torch.float32)(theirs)).tolist()
    for tensor_ours, tensor_theirs in ((as_float, TV.ConvertImageDtype(torch.float32)(theirs)),
                                       (ours, theirs)):
        np.testing.assert_array_equal(np.asarray(T.ToPILImage()(tensor_ours)),
                                      np.asarray(TV.ToPILImage()(tensor_theirs)))
    gray = T.ToPILImage()(as_float[:1])
    assert gray.mode == "L" and gray.size == image.size


def test_bad_inputs_name_the_transform():
    with pytest.raises(ValueError, match=r"RandomInvert: expected p in \[0, 1\], got 2"):
        T.RandomInvert(p=2)
    with pytest.raises(ValueError, match=r"RandomPosterize: expected bits as an int in \[0, 8\]"):
        T.RandomPosterize(9)
    with pytest.raises(TypeError, match="RandomPosterize: expected a uint8 tensor, got"):
        T.RandomPosterize(2, p=1)(st.zeros(3, 4, 4))
    with pytest.raises(NotImplementedError, match="RandomEqualize: histogram equalization"):
        T.RandomEqualize(p=1)(st.zeros(3, 4, 4))
    with pytest.raises(TypeError,
                       match="RandomSolarize: expected a PIL image or a striate.Tensor"):
        T.RandomSolarize(0.5)([1, 2])
    with pytest.raises(ValueError,
                       match="RandomSolarize: threshold 2 is above the image's maximum"):
        T.RandomSolarize(2, p=1)(st.zeros(3, 4, 4))
    with pytest.raises(TypeError, match="PILToTensor: expected a PIL image"):
        T.PILToTensor()(st.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="ToPILImage: expected 1 to 4 channels, got 5"):
        T.ToPILImage()(st.zeros(5, 4, 4))
    with pytest.raises(TypeError, match="ConvertImageDtype: converting"):
        T.ConvertImageDtype(st.int64)(st.zeros(3, 4, 4))
