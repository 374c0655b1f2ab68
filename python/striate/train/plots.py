"""Training plots as PNG files (matplotlib, the optional `plot` extra): loss and accuracy curves,
the learning rate, a confusion matrix, the first conv layer's filters as an image grid (as the
notes show AlexNet's 96 filters), and sample predictions with their labels.

    plots.plot_history(trainer.history, "runs/a/curves.png")
    plots.plot_filters(model.conv1.weight, "runs/a/filters.png")
"""

import os

import numpy as np

__all__ = ["plot_history", "plot_lr", "plot_confusion_matrix", "plot_filters",
           "plot_predictions", "first_conv_weight"]


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("striate.train.plots needs matplotlib: pip install 'striate[plot]'") from None
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _save(figure, path):
    from ..serialization import atomic_write

    plt = _pyplot()
    path = os.fspath(path)
    atomic_write(path, lambda f: figure.savefig(f, format="png", dpi=110, bbox_inches="tight"))
    plt.close(figure)
    return path


def _series(history, key):
    epochs = [entry["epoch"] for entry in history if entry.get(key) is not None]
    values = [entry[key] for entry in history if entry.get(key) is not None]
    return epochs, values


def plot_history(history, path):
    """Loss (left) and accuracy (right) per epoch, train vs validation."""
    if not history:
        raise ValueError("plot_history: the history is empty (train at least one epoch)")
    plt = _pyplot()
    figure, (loss_axes, accuracy_axes) = plt.subplots(1, 2, figsize=(10, 4))
    for axes, metric in ((loss_axes, "loss"), (accuracy_axes, "accuracy")):
        for split, style in (("train", "-o"), ("val", "-s")):
            epochs, values = _series(history, f"{split}_{metric}")
            if values:
                axes.plot(epochs, values, style, label=split, markersize=3)
        axes.set_xlabel("epoch")
        axes.set_ylabel(metric)
        axes.grid(alpha=0.3)
        if axes.lines:
            axes.legend()
    return _save(figure, path)


def plot_lr(history_or_lrs, path):
    """The learning rate per epoch (a history) or per step (LRMonitor.lrs)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    if history_or_lrs and isinstance(history_or_lrs[0], dict):
        epochs, values = _series(history_or_lrs, "lr")
        axes.plot(epochs, values, "-o", markersize=3)
        axes.set_xlabel("epoch")
    else:
        values = np.asarray(history_or_lrs, dtype=np.float64)
        axes.plot(np.arange(1, len(values) + 1), values)
        axes.set_xlabel("step")
    axes.set_ylabel("learning rate")
    axes.grid(alpha=0.3)
    return _save(figure, path)


def plot_confusion_matrix(matrix, path, classes=None, normalize=True):
    """matrix[true, predicted] as a heat map, rows normalized to recall when normalize."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"plot_confusion_matrix: expected a square matrix, got shape {matrix.shape}")
    if normalize:
        matrix = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    plt = _pyplot()
    size = matrix.shape[0]
    figure, axes = plt.subplots(figsize=(1.0 + 0.6 * size, 0.8 + 0.6 * size))
    image = axes.imshow(matrix, cmap="Blues")
    figure.colorbar(image, ax=axes, fraction=0.046)
    labels = list(classes) if classes is not None else [str(i) for i in range(size)]
    axes.set_xticks(range(size), labels, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(size), labels, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    for row in range(size):
        for column in range(size):
            value = matrix[row, column]
            axes.text(column, row, f"{value:.2f}" if normalize else f"{int(value)}",
                      ha="center", va="center", fontsize=6,
                      color="white" if value > matrix.max() / 2 else "black")
    return _save(figure, path)


def first_conv_weight(model):
    """The weight of the first convolution in `model` (module order), or None."""
    for _, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if weight is not None and len(weight.shape) == 4 and "Conv" in type(module).__name__:
            return weight
    return None


def plot_filters(weight, path, columns=None):
    """Each filter (K, C, R, S) of a conv weight as a small image, min-max scaled per filter;
    RGB when C == 3, else the channel mean in gray."""
    array = weight.detach().numpy() if hasattr(weight, "detach") else np.asarray(weight)
    if array.ndim != 4:
        raise ValueError(f"plot_filters: expected a conv weight (K, C, R, S), got shape {array.shape}")
    count = array.shape[0]
    columns = columns or int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    plt = _pyplot()
    figure, grid = plt.subplots(rows, columns, figsize=(columns * 0.8, rows * 0.8), squeeze=False)
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index >= count:
            continue
        kernel = array[index]
        kernel = kernel.transpose(1, 2, 0) if kernel.shape[0] == 3 else kernel.mean(axis=0)
        low, high = kernel.min(), kernel.max()
        axes.imshow((kernel - low) / (high - low + 1e-12), cmap=None if kernel.ndim == 3 else "gray",
                    interpolation="nearest")
    return _save(figure, path)


def plot_predictions(images, labels, predictions, path, classes=None, count=16):
    """A grid of images titled "predicted (true)", wrong ones in red."""
    images = images.detach().numpy() if hasattr(images, "detach") else np.asarray(images)
    labels = np.asarray(labels.numpy() if hasattr(labels, "numpy") else labels)
    predictions = np.asarray(predictions.numpy() if hasattr(predictions, "numpy") else predictions)
    count = min(count, images.shape[0])
    columns = int(np.ceil(np.sqrt(count)))
    rows = int(np.ceil(count / columns))
    plt = _pyplot()
    figure, grid = plt.subplots(rows, columns, figsize=(columns * 1.6, rows * 1.8), squeeze=False)
    name = (lambda i: classes[int(i)]) if classes is not None else (lambda i: str(int(i)))
    for index, axes in enumerate(grid.flat):
        axes.axis("off")
        if index >= count:
            continue
        image = images[index]
        image = image.transpose(1, 2, 0) if image.shape[0] == 3 else image[0]
        low, high = image.min(), image.max()
        axes.imshow((image - low) / (high - low + 1e-12), cmap=None if image.ndim == 3 else "gray")
        correct = predictions[index] == labels[index]
        axes.set_title(f"{name(predictions[index])} ({name(labels[index])})", fontsize=7,
                       color="black" if correct else "red")
    return _save(figure, path)
