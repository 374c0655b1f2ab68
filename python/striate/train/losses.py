"""Losses for multi-output models: AuxiliaryLoss sums a criterion over a model's main and
auxiliary outputs (GoogLeNet's auxiliary classifiers, weighted 0.3 in the paper)."""

import numbers

__all__ = ["AuxiliaryLoss"]


class AuxiliaryLoss:
    """criterion(main, target) + sum_i weight_i * criterion(aux_i, target) for a model that returns
    (main, aux_1, ..., aux_k) in training mode; a single output (evaluation mode, or a model
    without auxiliary heads) gets the plain criterion.

        model = striate.models.googlenet(num_classes=10)           # aux_logits=True
        loss = AuxiliaryLoss(nn.CrossEntropyLoss(), aux_weight=0.3)
        Trainer(model, optimizer, loss).fit(train_loader, val_loader, epochs=30)

    aux_weight is one weight for every auxiliary output or a sequence with one per output.

    Args:
        criterion (callable): ``criterion(outputs, target) -> Tensor``.
        aux_weight (float or sequence of floats): The auxiliary outputs' weight(s). Default: 0.3.

    Raises:
        TypeError: ``criterion`` is not callable.
        ValueError: A negative weight, or as many weights as auxiliary outputs are not given.

    Example:
        >>> loss = st.train.AuxiliaryLoss(nn.CrossEntropyLoss(), aux_weight=0.5)
        >>> main, aux = st.zeros(2, 3), st.zeros(2, 3)
        >>> target = st.tensor([0, 1])
        >>> round(loss((main, aux), target).item(), 4)
        1.6479
    """

    def __init__(self, criterion, aux_weight=0.3):
        if not callable(criterion):
            raise TypeError(f"AuxiliaryLoss: criterion should be callable, got "
                            f"{type(criterion).__name__}")
        weights = aux_weight if isinstance(aux_weight, (list, tuple)) else None
        for value in (weights if weights is not None else [aux_weight]):
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(f"AuxiliaryLoss: aux_weight should be a number >= 0 or a "
                                 f"sequence of them, got {aux_weight!r}")
        self.criterion = criterion
        self.aux_weight = aux_weight

    def __call__(self, outputs, target):
        if not isinstance(outputs, (tuple, list)):
            return self.criterion(outputs, target)
        if len(outputs) == 0:
            raise ValueError("AuxiliaryLoss: expected the model's outputs, got an empty sequence")
        auxiliary = outputs[1:]
        if isinstance(self.aux_weight, (list, tuple)):
            if len(self.aux_weight) != len(auxiliary):
                raise ValueError(f"AuxiliaryLoss: {len(self.aux_weight)} aux weights for "
                                 f"{len(auxiliary)} auxiliary outputs")
            weights = [float(w) for w in self.aux_weight]
        else:
            weights = [float(self.aux_weight)] * len(auxiliary)
        total = self.criterion(outputs[0], target)
        for weight, output in zip(weights, auxiliary):
            total = total + self.criterion(output, target) * weight
        return total

    def __repr__(self):
        return f"AuxiliaryLoss({self.criterion!r}, aux_weight={self.aux_weight!r})"
