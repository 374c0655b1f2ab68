"""Fine-tuning: replace a trained model's classifier head with a fresh one for a new number of
classes, and freeze the bottom of the network.

    model = finetune(models.resnet18(), num_classes=10, freeze_until="layer3")
"""

from .. import nn

__all__ = ["finetune", "classifier_head"]


def classifier_head(model):
    """(dotted name, module) of the model's last Linear layer, its classifier head.

    Args:
        model (Module): The model.

    Returns:
        tuple: ``(name, Linear)``.

    Raises:
        ValueError: The model has no Linear layer.

    Example:
        >>> st.train.classifier_head(nn.Sequential(nn.Flatten(), nn.Linear(4, 2)))[0]
        '1'
    """
    head = None
    for name, module in model.named_modules():
        if isinstance(module, nn.Linear):
            head = (name, module)
    if head is None:
        raise ValueError(f"finetune: {type(model).__name__} has no Linear layer to replace as "
                         "its classifier head")
    return head


def finetune(model, num_classes, freeze_until=None):
    """Replaces the last Linear layer with a new Linear(in_features, num_classes) (PyTorch's
    default init) and, when freeze_until names a child (e.g. "layer3", "features.10"), freezes
    every parameter up to and including it (model.freeze). Returns the model.

    Args:
        model (Module): A (pretrained) model.
        num_classes (int): The classes of the new head.
        freeze_until (str, optional): The last child to freeze. Default: None (freeze nothing).

    Returns:
        Module: ``model``, changed in place.

    Raises:
        ValueError: ``num_classes`` is not a positive int, or the model has no Linear layer.

    Example:
        >>> model = st.train.finetune(st.models.lenet5(), num_classes=3)
        >>> model(st.randn(2, 1, 28, 28)).shape
        striate.Size([2, 3])
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"finetune: num_classes should be a positive int, got {num_classes!r}")
    name, head = classifier_head(model)
    parent = model.get_submodule(name.rpartition(".")[0]) if "." in name else model
    replacement = nn.Linear(head.in_features, num_classes, bias=head.bias is not None)
    setattr(parent, name.rpartition(".")[2], replacement)
    if hasattr(model, "_zoo_constructor"):
        # Rebuilding (deepcopy) now means the zoo model with the new number of classes.
        zoo_name, args, kwargs = model._zoo_constructor
        model._zoo_constructor = (zoo_name, args, dict(kwargs, num_classes=num_classes))
    if freeze_until is not None:
        model.freeze(until=freeze_until)
    return model
