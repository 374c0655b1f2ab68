"""PyTorch's device and dtype idioms: Module.to/cpu/cuda/float/double/type (in place: the same
Parameter objects, the C++ layers and an optimizer built earlier see the converted tensors),
Tensor.data assignment, Tensor.type/to(copy=), striate.Size, striate.cuda, striate.accelerator,
striate.backends.cudnn/mps — compared with torch where torch runs here, and the device-selection
lines of PyTorch's examples running unchanged."""

import copy
import pickle

import numpy as np
import pytest
import striate as st
import striate.nn as nn
import torch
from helpers import to_np

rng = np.random.default_rng(0)


def twins():
    ours = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 3 * 3, 2)
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.Flatten(),
        torch.nn.Linear(36, 2),
    )
    for name, tensor in theirs.state_dict().items():
        if "num_batches" not in name:
            ours.state_dict()[name].copy_(st.tensor(tensor.numpy()))
    return ours, theirs


def test_module_double_and_float_convert_in_place_like_torch():
    ours, theirs = twins()
    weight = ours[0].weight
    assert ours.double() is ours
    theirs.double()
    assert weight is ours[0].weight and weight.dtype == st.float64 and weight.requires_grad
    assert isinstance(weight, nn.Parameter)
    # Buffers follow; integer buffers keep their dtype, as in torch.
    buffers = dict(ours.named_buffers())
    assert buffers["1.running_mean"].dtype == st.float64
    assert buffers["1.num_batches_tracked"].dtype == st.int64
    x = rng.standard_normal((2, 3, 5, 5))
    ys, yt = ours(st.tensor(x)), theirs(torch.tensor(x))
    assert ys.dtype == st.float64
    np.testing.assert_allclose(to_np(ys), yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    ys.sum().backward()
    assert ours[0].weight.grad.dtype == st.float64
    ours.float()
    assert weight.dtype == st.float32 and weight.grad.dtype == st.float32  # grads follow


def test_an_optimizer_built_before_to_keeps_training_the_converted_parameters():
    ours, _ = twins()
    opt = st.optim.SGD(ours.parameters(), lr=0.1)
    before = to_np(ours[4].weight).astype(np.float64)
    ours.to(st.float64)
    x = st.tensor(rng.standard_normal((2, 3, 5, 5)))
    ours(x).sum().backward()
    opt.step()
    after = to_np(ours[4].weight)
    assert after.dtype == np.float64 and not np.allclose(after, before)


def test_module_to_forms_and_inference_fusion_after_a_cast():
    ours, _ = twins()
    ours.eval()
    assert ours.to("cpu") is ours and ours.cpu() is ours
    ours.to(device="cpu", dtype=st.float64)
    assert ours[0].weight.dtype == st.float64
    ours.to(st.zeros(1, dtype=st.float32))  # to(tensor)
    assert ours[0].weight.dtype == st.float32
    ours.to("cpu", st.float64, non_blocking=True)
    x = st.tensor(rng.standard_normal((2, 3, 5, 5)))
    with st.inference_mode():
        fused = ours(x)  # the folded conv-BN cache is rebuilt for the new dtype
    np.testing.assert_allclose(to_np(fused), to_np(ours(x)), rtol=1e-10, atol=1e-12)
    ours.type(st.float32)
    assert ours[0].weight.dtype == st.float32


def test_module_to_bad_arguments():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="Module.to only accepts floating point dtypes"):
        layer.to(st.int64)
    with pytest.raises(TypeError, match="Module.to: expected a dtype, a device or a tensor, got"):
        layer.to(3.5)
    with pytest.raises(TypeError, match="Module.to only accepts floating point dtypes"):
        layer.to(st.uint8)
    if not st.cuda.is_available():
        with pytest.raises(Exception, match="cuda|CUDA"):
            layer.cuda()
        assert layer.weight.device.type == "cpu"  # nothing moved


def test_tensor_data_assignment_type_and_copy():
    t = st.ones(2, 3, requires_grad=True)
    t.data = st.zeros(4, dtype=st.float64)
    assert t.shape == (4,) and t.dtype == st.float64 and t.requires_grad and t.is_leaf
    with pytest.raises(TypeError, match="data: expected a Tensor, got list"):
        t.data = [1, 2]
    x = st.ones(2)
    assert x.type() == "striate.FloatTensor"
    assert x.type("torch.DoubleTensor").dtype == st.float64
    assert x.type(st.int64).dtype == st.int64
    assert x.type("striate.HalfTensor").dtype == st.float16
    with pytest.raises(TypeError, match="type: unknown tensor type 'striate.ComplexFloatTensor'"):
        x.type("striate.ComplexFloatTensor")
    assert x.to(st.float32) is x and x.to(st.float32, copy=True) is not x
    assert torch.ones(2).type() == "torch.FloatTensor"  # the form we mirror


def test_size_behaves_like_torch_size():
    t = st.zeros(2, 3, 4)
    shape = t.shape
    assert isinstance(shape, st.Size) and isinstance(shape, tuple)
    assert (
        repr(shape)
        == "striate.Size([2, 3, 4])"
        == repr(torch.zeros(2, 3, 4).shape).replace("torch", "striate")
    )
    assert shape == (2, 3, 4) and t.size() == shape and t.size(1) == 3 and t.size(-1) == 4
    assert shape.numel() == 24 and st.Size([]).numel() == 1
    assert isinstance(shape[1:], st.Size) and shape[1:] == (3, 4) and shape[0] == 2
    assert isinstance(shape + (5,), st.Size) and (1,) + shape == (1, 2, 3, 4)
    assert type(pickle.loads(pickle.dumps(shape))) is tuple  # files never name the class
    assert copy.deepcopy(shape) == shape
    assert st.zeros(*shape).shape == shape and np.zeros(shape).shape == (2, 3, 4)
    with pytest.raises(TypeError, match="Size: expected a sequence of ints"):
        st.Size([2.5])


def test_cuda_accelerator_and_backend_flags_answer_as_torch_does_without_a_gpu():
    assert st.cuda.is_built() == st.cuda_built
    assert st.accelerator.is_available() == st.cuda.is_available()
    if not st.cuda.is_available():
        assert st.cuda.device_count() == 0 and st.accelerator.device_count() == 0
        with pytest.raises(RuntimeError, match="cuda.synchronize: CUDA is not available"):
            st.cuda.synchronize()
        assert st.accelerator.current_accelerator(check_available=True) is None
    st.cuda.manual_seed_all(0)
    st.cuda.manual_seed(1)
    assert st.backends.mps.is_available() is False and st.backends.mps.is_built() is False
    assert st.backends.cudnn.is_available() is st.backends.cuda.cudnn_status()["loaded"]
    st.backends.cudnn.benchmark = True
    st.backends.cudnn.deterministic = True
    st.backends.cudnn.benchmark = st.backends.cudnn.deterministic = False


def test_the_device_selection_lines_of_pytorch_examples_run_unchanged():
    # The idioms at the top of PyTorch's official examples, with `torch` renamed.
    torch_ = st
    use_cuda = torch_.cuda.is_available()
    use_mps = torch_.backends.mps.is_available()
    if use_cuda:
        device = torch_.device("cuda")
    elif use_mps:
        device = torch_.device("mps")
    else:
        device = torch_.device("cpu")
    device2 = (
        torch_.accelerator.current_accelerator().type
        if torch_.accelerator.is_available()
        else "cpu"
    )
    model = nn.Linear(3, 2).to(device)
    x = st.ones(4, 3).to(device2)
    assert model(x).device.type == ("cuda" if use_cuda else "cpu")


def test_device_compares_unequal_to_other_types_as_torch():
    import torch

    for ours, theirs in ((st.device("cpu"), torch.device("cpu")),
                         (st.device("cuda:0"), torch.device("cuda:0"))):
        assert (ours == None) == (theirs == None) is False  # noqa: E711
        assert (ours != 3) == (theirs != 3) is True
        assert ours in (None, ours) and ours not in (None, 1)
