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
    """Base class of the Trainer's metrics: accumulates over batches; ``reset()`` starts an epoch.

    Subclasses set ``name`` (the history key) and implement ``reset``, ``update`` and
    ``compute`` (and ``reduce_across`` for distributed runs).

    Example:
        >>> class MeanOutput(st.train.Metric):
        ...     name = "mean_output"
        ...     def reset(self):
        ...         self.total, self.count = 0.0, 0
        ...     def update(self, outputs, targets):
        ...         self.total += float(outputs.sum())
        ...         self.count += outputs.numel()
        ...     def compute(self):
        ...         return self.total / self.count
        >>> m = MeanOutput()
        >>> m.reset()
        >>> m.update(st.ones(2, 3), st.zeros(2))
        >>> m.compute()
        1.0
    """

    name = "metric"

    def reset(self):
        """Starts a new epoch: clears the accumulated counts.

        Example:
            >>> metric = st.train.Accuracy()
            >>> metric.update(st.tensor([[0.2, 0.8]]), st.tensor([1]))
            >>> metric.compute()
            1.0
            >>> metric.reset()
            >>> metric.update(st.tensor([[0.2, 0.8]]), st.tensor([0]))
            >>> metric.compute()
            0.0
        """
        raise NotImplementedError

    def update(self, outputs, targets):
        """Accumulates one batch.

        Args:
            outputs (Tensor): The model's outputs, (N, classes).
            targets (Tensor): Class indices (N,) or soft targets (N, classes).

        Example:
            >>> metric = st.train.Accuracy()
            >>> metric.update(st.tensor([[0.2, 0.8], [0.6, 0.4]]), st.tensor([1, 1]))
            >>> metric.update(st.tensor([[0.1, 0.9]]), st.tensor([[0.0, 1.0]]))
            >>> metric.compute()
            0.6666666666666666
        """
        raise NotImplementedError

    def compute(self):
        """The metric over the batches seen since :meth:`reset`.

        Returns:
            The value (a float, or an array for matrices).

        Example:
            >>> metric = st.train.Accuracy()
            >>> metric.compute()
            nan
            >>> metric.update(st.tensor([[0.2, 0.8], [0.6, 0.4]]), st.tensor([1, 0]))
            >>> metric.compute()
            1.0
        """
        raise NotImplementedError

    def reduce_across(self, sum_in_place):
        """Adds up this metric's counts over the processes of a distributed run:
        sum_in_place(array) replaces array by its sum over the processes.

        Example:
            >>> import numpy as np
            >>> metric = st.train.Accuracy()
            >>> metric.update(st.tensor([[0.2, 0.8]]), st.tensor([1]))
            >>> def sum_over_two_processes(array):
            ...     array *= 2
            >>> metric.reduce_across(sum_over_two_processes)
            >>> metric.correct, metric.count
            (2, 2)
        """
        raise NotImplementedError(f"{type(self).__name__} cannot be reduced across processes")


class TopK(Metric):
    """Fraction of examples whose class is among the ``k`` largest outputs (top-k accuracy).

    Args:
        k (int): How many of the largest outputs count. Default: 5.

    Raises:
        ValueError: ``k`` is not a positive int.

    Example:
        >>> from striate.train import TopK
        >>> metric = TopK(2)
        >>> metric.update(st.tensor([[0.1, 0.5, 0.4], [0.8, 0.05, 0.15]]), st.tensor([2, 1]))
        >>> metric.compute()
        0.5
    """

    def __init__(self, k=5):
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"TopK: k should be a positive int, got {k!r}")
        self.k = k
        self.name = "accuracy" if k == 1 else f"top{k}"
        self.reset()

    def reset(self):
        """Clears the counts of hits and examples.

        Example:
            >>> metric = st.train.TopK(2)
            >>> metric.update(st.tensor([[0.1, 0.5, 0.4]]), st.tensor([2]))
            >>> metric.reset()
            >>> metric.correct, metric.count
            (0, 0)
        """
        self.correct = 0
        self.count = 0

    def update(self, outputs, targets):
        """Counts the batch's examples whose class is among the k largest outputs.

        Args:
            outputs (Tensor): The model's outputs, (N, classes).
            targets (Tensor): Class indices (N,) or soft targets (N, classes).

        Raises:
            ValueError: ``outputs`` is not 2-D.

        Example:
            >>> metric = st.train.TopK(2)
            >>> metric.update(st.tensor([[0.1, 0.5, 0.4], [0.8, 0.05, 0.15]]), st.tensor([2, 1]))
            >>> metric.correct, metric.count
            (1, 2)
        """
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
        """The fraction of hits, or nan before any example.

        Returns:
            float: ``correct / count``.

        Example:
            >>> metric = st.train.TopK(2)
            >>> metric.update(st.tensor([[0.1, 0.5, 0.4], [0.8, 0.05, 0.15]]), st.tensor([0, 2]))
            >>> metric.compute()
            0.5
        """
        return self.correct / self.count if self.count else float("nan")

    def reduce_across(self, sum_in_place):
        """Sums the hit and example counts over the processes.

        Args:
            sum_in_place (callable): ``sum_in_place(array)`` replaces a NumPy array by its sum over
                the processes.

        Example:
            >>> metric = st.train.TopK(1)
            >>> metric.update(st.tensor([[0.2, 0.8], [0.9, 0.1]]), st.tensor([1, 1]))
            >>> metric.reduce_across(lambda counts: None)
            >>> metric.compute()
            0.5
        """
        counts = np.array([self.correct, self.count], dtype=np.int64)
        sum_in_place(counts)
        self.correct, self.count = int(counts[0]), int(counts[1])


class Accuracy(TopK):
    """Fraction of examples whose largest output is the target class.

    Example:
        >>> from striate.train import Accuracy
        >>> metric = Accuracy()
        >>> metric.update(st.tensor([[0.1, 0.9], [0.8, 0.2]]), st.tensor([1, 1]))
        >>> metric.compute()
        0.5
    """

    def __init__(self):
        super().__init__(1)


class ConfusionMatrix(Metric):
    """Counts ``matrix[true, predicted]`` (an int64 NumPy array, num_classes x num_classes).

    Args:
        num_classes (int): The number of classes.

    Raises:
        ValueError: ``num_classes`` is not a positive int.

    Example:
        >>> from striate.train import ConfusionMatrix
        >>> metric = ConfusionMatrix(2)
        >>> metric.update(st.tensor([[0.1, 0.9], [0.8, 0.2]]), st.tensor([1, 1]))
        >>> metric.compute()
        array([[0, 0],
               [1, 1]])
    """

    name = "confusion_matrix"

    def __init__(self, num_classes):
        if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"ConfusionMatrix: num_classes should be a positive int, "
                             f"got {num_classes!r}")
        self.num_classes = num_classes
        self.reset()

    def reset(self):
        """Zeroes the matrix.

        Example:
            >>> metric = st.train.ConfusionMatrix(2)
            >>> metric.update(st.tensor([[0.1, 0.9]]), st.tensor([1]))
            >>> metric.reset()
            >>> metric.compute()
            array([[0, 0],
                   [0, 0]])
        """
        self.matrix = np.zeros((self.num_classes, self.num_classes), dtype=np.int64)

    def reduce_across(self, sum_in_place):
        """Sums the matrix over the processes.

        Args:
            sum_in_place (callable): ``sum_in_place(array)`` replaces a NumPy array by its sum over
                the processes.

        Example:
            >>> metric = st.train.ConfusionMatrix(2)
            >>> metric.update(st.tensor([[0.1, 0.9]]), st.tensor([0]))
            >>> def sum_over_two_processes(array):
            ...     array *= 2
            >>> metric.reduce_across(sum_over_two_processes)
            >>> metric.compute()
            array([[0, 2],
                   [0, 0]])
        """
        sum_in_place(self.matrix)

    def update(self, outputs, targets):
        """Adds the batch's (true, predicted) pairs to the matrix.

        Args:
            outputs (Tensor): The model's outputs, (N, classes).
            targets (Tensor): Class indices (N,) or soft targets (N, classes).

        Raises:
            ValueError: A target class lies outside ``[0, num_classes)``.

        Example:
            >>> metric = st.train.ConfusionMatrix(3)
            >>> metric.update(st.tensor([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), st.tensor([0, 1]))
            >>> metric.compute()
            array([[1, 0, 0],
                   [0, 0, 1],
                   [0, 0, 0]])
        """
        predicted = _as_numpy(outputs).argmax(axis=1)
        classes = _target_classes(targets).astype(np.int64)
        if classes.min(initial=0) < 0 or classes.max(initial=0) >= self.num_classes:
            raise ValueError(f"ConfusionMatrix: targets should lie in [0, {self.num_classes}), "
                             f"got values in [{classes.min()}, {classes.max()}]")
        np.add.at(self.matrix, (classes, predicted), 1)

    def compute(self):
        """A copy of the matrix.

        Returns:
            numpy.ndarray: int64, ``matrix[true, predicted]``.

        Example:
            >>> metric = st.train.ConfusionMatrix(2)
            >>> metric.update(st.tensor([[0.9, 0.1], [0.3, 0.7], [0.6, 0.4]]), st.tensor([0, 1, 1]))
            >>> matrix = metric.compute()
            >>> matrix
            array([[1, 0],
                   [1, 1]])
            >>> round(float(matrix.diagonal().sum() / matrix.sum()), 3)
            0.667
        """
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
