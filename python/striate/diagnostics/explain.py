"""Looking inside a trained network for one image: a layer's feature maps, the first layer's
filters, the saliency map (the input gradient of the class score, Simonyan et al. 2014) and the
class activation map (Grad-CAM, Selvaraju et al. 2017: a convolution's feature maps weighted by
the spatial mean of the class score's gradient, which equals CAM for networks that end in global
average pooling and one linear layer). Each is a tensor, and :func:`explain` draws them as PNGs
(``striate explain CHECKPOINT IMAGE`` on the command line).
"""

import os

import numpy as np

__all__ = ["feature_maps", "saliency_map", "class_activation_map", "explain"]


def _batch_of_one(model_name, image):
    from .. import Tensor

    if not isinstance(image, Tensor):
        raise TypeError(f"{model_name}: expected image as a striate.Tensor (C, H, W) or "
                        f"(1, C, H, W), got {type(image).__name__}")
    if image.dim() == 3:
        image = image.unsqueeze(0)
    if image.dim() != 4 or image.shape[0] != 1:
        raise ValueError(f"{model_name}: expected one image (C, H, W) or (1, C, H, W), got shape "
                         f"{list(image.shape)}")
    return image


def _module(model, layer, name):
    try:
        return model.get_submodule(layer)
    except (AttributeError, KeyError, TypeError, ValueError):
        names = [n for n, _ in model.named_modules() if n]
        raise ValueError(f"{name}: no layer {layer!r} in the model; its layers: "
                         f"{', '.join(names[:12])}{' ...' if len(names) > 12 else ''}") from None


def _capture(model, module, image, keep_grad):
    """Runs model(image) with a forward hook on module; returns (its output, the model's)."""
    seen = {}

    def hook(_, __, output):
        if keep_grad and output.requires_grad:
            output.retain_grad()
        seen["out"] = output

    handle = module.register_forward_hook(hook)
    try:
        outputs = model(image)
    finally:
        handle.remove()
    if "out" not in seen:
        raise ValueError(f"layer {type(module).__name__} did not run in the model's forward")
    if isinstance(outputs, (tuple, list)):
        outputs = outputs[0]
    return seen["out"], outputs


def feature_maps(model, image, layer):
    """The output of the named ``layer`` for one image: its feature maps.

    Args:
        model (Module): The network (evaluated as it is: call ``model.eval()`` first).
        image (Tensor): One input, (C, H, W) or (1, C, H, W).
        layer (str): A submodule's dotted name, as ``model.named_modules()`` gives it.

    Returns:
        Tensor: The layer's output for the image, without the batch dimension (e.g. (K, H', W')).

    Raises:
        ValueError: No such layer, or more than one image.
        TypeError: ``image`` is not a Tensor.

    Example:
        >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()).eval()
        >>> st.diagnostics.feature_maps(model, st.randn(1, 8, 8), "1").shape
        striate.Size([4, 6, 6])
    """
    from .. import no_grad

    image = _batch_of_one("feature_maps", image)
    module = _module(model, layer, "feature_maps")
    with no_grad():
        out, _ = _capture(model, module, image, keep_grad=False)
    return out[0]


def _scores(model, image, target, name, layer=None):
    image = image.detach().clone()
    image.requires_grad_(True)
    if layer is None:
        activations, outputs = None, model(image)
        if isinstance(outputs, (tuple, list)):
            outputs = outputs[0]
    else:
        activations, outputs = _capture(model, layer, image, keep_grad=True)
    if outputs.dim() != 2:
        raise ValueError(f"{name}: expected the model to output class scores (1, classes), got "
                         f"shape {list(outputs.shape)}")
    classes = outputs.shape[1]
    if target is None:
        target = int(outputs[0].argmax().item())
    elif isinstance(target, bool) or not isinstance(target, int) or not 0 <= target < classes:
        raise ValueError(f"{name}: target must be a class index in [0, {classes}), got "
                         f"{target!r}")
    outputs[0, target].backward()
    return image, activations, target


def saliency_map(model, image, target=None):
    """The saliency map of one image: ``max over channels of |d score_target / d image|``.

    Args:
        model (Module): A classifier returning scores (1, classes) (call ``model.eval()``).
        image (Tensor): One input, (C, H, W) or (1, C, H, W).
        target (int, optional): The class. Default: None (the predicted class).

    Returns:
        Tensor: (H, W), non-negative.

    Raises:
        ValueError: ``target`` out of range, or the model does not output (1, classes).

    Example:
        >>> model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3)).eval()
        >>> st.diagnostics.saliency_map(model, st.randn(1, 4, 4), target=2).shape
        striate.Size([4, 4])
    """
    image, _, _ = _scores(model, _batch_of_one("saliency_map", image), target, "saliency_map")
    return image.grad[0].abs().max(0)[0]


def _last_conv(model):
    last = None
    for name, module in model.named_modules():
        if type(module).__name__ in ("Conv2d", "LocallyConnected2d", "ConvTranspose2d"):
            last = name
    if last is None:
        raise ValueError("class_activation_map: the model has no Conv2d; name the layer whose "
                         "feature maps to weigh (layer=)")
    return last


def class_activation_map(model, image, target=None, layer=None):
    """The class activation map of one image (Grad-CAM): the feature maps ``A_k`` of a
    convolutional layer weighted by ``w_k = mean over (i, j) of d score_target / d A_k[i, j]``,
    ``relu(sum_k w_k A_k)``, resized to the image (bilinear) and scaled to [0, 1].

    Args:
        model (Module): A classifier returning scores (1, classes) (call ``model.eval()``).
        image (Tensor): One input, (C, H, W) or (1, C, H, W).
        target (int, optional): The class. Default: None (the predicted class).
        layer (str, optional): The layer whose maps are weighed. Default: None (the last
            Conv2d).

    Returns:
        Tensor: (H, W) in [0, 1] (all zeros when no location supports the class).

    Raises:
        ValueError: No such layer, its output is not (1, K, H', W'), or a bad ``target``.

    Example:
        >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        ...                       nn.Flatten(), nn.Linear(4, 2)).eval()
        >>> cam = st.diagnostics.class_activation_map(model, st.randn(1, 8, 8))
        >>> cam.shape, float(cam.max()) <= 1.0
        (striate.Size([8, 8]), True)
    """
    from .. import no_grad
    from ..nn.functional import interpolate, relu

    image = _batch_of_one("class_activation_map", image)
    name = layer if layer is not None else _last_conv(model)
    module = _module(model, name, "class_activation_map")
    _, activations, _ = _scores(model, image, target, "class_activation_map", module)
    if activations.dim() != 4 or activations.grad is None:
        raise ValueError(f"class_activation_map: layer {name!r} must output feature maps "
                         f"(1, K, H, W) on the path to the scores, got shape "
                         f"{list(activations.shape)}")
    with no_grad():
        weights = activations.grad.mean((2, 3), keepdim=True)
        cam = relu((weights * activations.detach()).sum(1, keepdim=True))
        cam = interpolate(cam, size=tuple(image.shape[2:]), mode="bilinear",
                          align_corners=False)[0, 0]
        peak = float(cam.max().item())
        return cam / peak if peak > 0 else cam


def _image_for_display(image, mean=None, std=None):
    array = image.detach().numpy()[0] if image.dim() == 4 else image.detach().numpy()
    if mean is not None and std is not None:
        array = array * np.asarray(std, np.float32)[:, None, None] + \
            np.asarray(mean, np.float32)[:, None, None]
    low, high = array.min(), array.max()
    array = (array - low) / (high - low + 1e-12)
    return array[0] if array.shape[0] == 1 else array.transpose(1, 2, 0)


def _plot_maps(maps, path, title, columns=8):
    from ..train.plots import _pyplot, _save

    array = maps.detach().numpy()
    array = array.reshape(-1, *array.shape[-2:]) if array.ndim >= 2 else array[None, None]
    count = min(len(array), 64)
    columns = min(columns, count)
    rows = int(np.ceil(count / columns))
    plt = _pyplot()
    figure, grid = plt.subplots(rows, columns, figsize=(columns * 1.1, rows * 1.1 + 0.3),
                                squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index < count:
            axes.imshow(array[index], cmap="viridis", interpolation="nearest")
    figure.suptitle(title, fontsize=9)
    return _save(figure, path)


def _plot_overlay(picture, heat, path, title):
    from ..train.plots import _pyplot, _save

    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(5, 2.7))
    for axes in (left, right):
        axes.axis("off")
        axes.imshow(picture, cmap="gray" if picture.ndim == 2 else None)
    right.imshow(heat.detach().numpy(), cmap="jet", alpha=0.5)
    figure.suptitle(title, fontsize=9)
    return _save(figure, path)


def explain(model, image, out_dir, layer=None, target=None, classes=None, mean=None, std=None):
    """Draws what the network sees in one image, as four PNGs in ``out_dir``: ``features.png``
    (the feature maps of ``layer``), ``filters.png`` (the first convolution's filters),
    ``saliency.png`` and ``cam.png`` (each beside the image).

    Args:
        model (Module): A classifier returning scores (1, classes); evaluated in eval mode (its
            mode is restored).
        image (Tensor): One input as the model takes it, (C, H, W) or (1, C, H, W).
        out_dir (str or PathLike): Folder for the PNGs (created).
        layer (str, optional): The layer whose feature maps to draw and weigh. Default: None
            (the last Conv2d).
        target (int, optional): The class to explain. Default: None (the predicted class).
        classes (sequence of str, optional): Class names for the titles. Default: None.
        mean, std (sequence of float, optional): The input normalization, undone for display.
            Default: None.

    Returns:
        dict: ``{"prediction": int, "target": int, "features": path, "filters": path or None,
        "saliency": path, "cam": path}``.

    Example:
        >>> import tempfile
        >>> model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
        ...                       nn.Flatten(), nn.Linear(4, 2))
        >>> paths = st.diagnostics.explain(model, st.randn(1, 8, 8), tempfile.mkdtemp())
        >>> sorted(k for k in paths if k not in ("prediction", "target"))
        ['cam', 'features', 'filters', 'saliency']
    """
    from .. import no_grad
    from ..train.plots import first_conv_weight, plot_filters

    image = _batch_of_one("explain", image)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outputs = model(image)
        outputs = outputs[0] if isinstance(outputs, (tuple, list)) else outputs
        prediction = int(outputs[0].argmax().item())
        target = prediction if target is None else target
        name = layer if layer is not None else _last_conv(model)
        _module(model, name, "explain")

        def label(index):
            return classes[index] if classes is not None and index < len(classes) else str(index)

        os.makedirs(out_dir, exist_ok=True)
        maps = feature_maps(model, image, name)
        picture = _image_for_display(image, mean, std)
        result = {"prediction": prediction, "target": target}
        result["features"] = _plot_maps(maps, os.path.join(out_dir, "features.png"),
                                        f"feature maps of layer {name} {tuple(maps.shape)}")
        weight = first_conv_weight(model)
        result["filters"] = None if weight is None else plot_filters(
            weight, os.path.join(out_dir, "filters.png"))
        result["saliency"] = _plot_overlay(
            picture, saliency_map(model, image, target), os.path.join(out_dir, "saliency.png"),
            f"saliency for class {label(target)} (predicted {label(prediction)})")
        result["cam"] = _plot_overlay(
            picture, class_activation_map(model, image, target, name),
            os.path.join(out_dir, "cam.png"),
            f"class activation map (layer {name}) for class {label(target)}")
        return result
    finally:
        model.train(was_training)
