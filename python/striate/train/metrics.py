"""Metrics the Trainer accumulates over an epoch: each sees (outputs, targets) per batch and
reports one value (or a matrix) at the end. Targets may be class indices (N) or soft targets
(N, K) from Mixup/CutMix, which count as their argmax class.

    metric = Accuracy(); metric.update(logits, labels); metric.compute()  # -> 0.91
"""

import numpy as np

__all__ = ["Metric", "Accuracy", "TopK", "ConfusionMatrix", "resolve_metrics"]


def _as_numpy(tensor):
    return tensor.detach().cpu().numpy()  # metrics accumulate on the host


def _target_classes(targets):
    targets = _as_numpy(targets)
    return targets.argmax(axis=1) if targets.ndim == 2 else targets


class Metric:
    """Accumulates over batches; reset() starts a new epoch."""

    name = "metric"

    def reset(self):
        raise NotImplementedError

    def update(self, outputs, targets):
        raise NotImplementedError

    def compute(self):
        raise NotImplementedError

    def reduce_across(self, sum_in_place):
        """Adds up this metric's counts over the processes of a distributed run:
        sum_in_place(array) replaces array by its sum over the processes."""
        raise NotImplementedError(f"{type(self).__name__} cannot be reduced across processes")


class TopK(Metric):
    """Fraction of examples whose class is among the k largest outputs."""

    def __init__(self, k=5):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"TopK: k should be a positive int, got {k!r}")
        self.k = k
        self.name = "accuracy" if k == 1 else f"top{k}"
        self.reset()

    def reset(self):
        self.correct = 0
        self.count = 0

    def update(self, outputs, targets):
        scores = _as_numpy(outputs)
        if scores.ndim != 2:
            raise ValueError(f"{type(self).__name__}: expected outputs of shape (N, classes), "
                             f"got {tuple(scores.shape)}")
        classes = _target_classes(targets)
        k = min(self.k, scores.shape[1])
        if k == 1:
            hits = scores.argmax(axis=1) == classes
        else:
            top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            hits = (top == classes[:, None]).any(axis=1)
        self.correct += int(hits.sum())
        self.count += int(classes.shape[0])

    def compute(self):
        return self.correct / self.count if self.count else float("nan")

    def reduce_across(self, sum_in_place):
        counts = np.array([self.correct, self.count], dtype=np.int64)
        sum_in_place(counts)
        self.correct, self.count = int(counts[0]), int(counts[1])


class Accuracy(TopK):
    """Fraction of examples whose largest output is the target class."""

    def __init__(self):
        super().__init__(1)


class ConfusionMatrix(Metric):
    """matrix[true, predicted] counts (int64 NumPy array, num_classes x num_classes)."""

    name = "confusion_matrix"

    def __init__(self, num_classes):
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"ConfusionMatrix: num_classes should be a positive int, "
                             f"got {num_classes!r}")
        self.num_classes = num_classes
        self.reset()

    def reset(self):
        self.matrix = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)

    def reduce_across(self, sum_in_place):
        sum_in_place(self.matrix)

    def update(self, outputs, targets):
        predicted = _as_numpy(outputs).argmax(axis=1)
        classes = _target_classes(targets).astype(np.int64)
        if classes.min(initial=0) < 0 or classes.max(initial=0) >= self.num_classes:
            raise ValueError(f"ConfusionMatrix: targets should lie in [0, {self.num_classes}), "
                             f"got values in [{classes.min()}, {classes.max()}]")
        np.add.at(self.matrix, (classes, predicted), 1)

    def compute(self):
        return self.matrix.copy()


def resolve_metrics(metrics, num_classes=None):
    """Turns names ("accuracy", "top5", "confusion_matrix") and Metric objects into Metrics."""
    resolved = []
    for metric in metrics or ():
        if isinstance(metric, Metric):
            resolved.append(metric)
        elif metric == "accuracy":
            resolved.append(Accuracy())
        elif isinstance(metric, str) and metric.startswith("top") and metric[3:].isdigit():
            resolved.append(TopK(int(metric[3:])))
        elif metric == "confusion_matrix":
            if num_classes is None:
                raise ValueError("Trainer: the 'confusion_matrix' metric needs num_classes= "
                                 "(or pass ConfusionMatrix(num_classes))")
            resolved.append(ConfusionMatrix(num_classes))
        else:
            raise ValueError(f"Trainer: unknown metric {metric!r}; expected 'accuracy', 'topK' "
                             "(e.g. 'top5'), 'confusion_matrix' or a Metric object")
    return resolved
