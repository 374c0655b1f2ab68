"""Seeing inside training (issue 17): memory planning (``plan``, ``max_batch_size``), layer
health (``LayerHealth``), looking inside a trained network (``feature_maps``, ``saliency_map``,
``class_activation_map``, ``explain``), gradient checks (``gradcheck``, ``check_gradients``,
``compare_devices``), first-NaN localization (``detect_anomaly``, ``Trainer(nan_guard=True)``),
the LR range test (``lr_find``) and TensorBoard logging (``TensorBoardLogger``).

The public names also live where users look for them: ``striate.autograd.gradcheck`` and
``detect_anomaly`` (PyTorch's places), ``striate.check_gradients`` and
``striate.compare_devices``, ``striate.train.lr_find`` and ``striate.train.TensorBoardLogger``.
"""

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .explain import class_activation_map, explain, feature_maps, saliency_map
from .gradcheck import (DeviceComparison, GradcheckError, GradientCheckReport, check_gradients,
                        compare_devices, gradcheck)
from .health import LayerHealth
from .lr_find import LRFinderResult, lr_find
from .memory_plan import Plan, max_batch_size, plan

__all__ = ["LayerHealth", "Plan", "class_activation_map", "explain", "feature_maps",
           "max_batch_size", "plan", "saliency_map", "AnomalyError", "detect_anomaly",
           "is_anomaly_enabled", "set_detect_anomaly", "DeviceComparison", "GradcheckError",
           "GradientCheckReport", "check_gradients", "compare_devices", "gradcheck",
           "LRFinderResult", "lr_find", "TensorBoardLogger"]


def __getattr__(name):
    # TensorBoardLogger needs tensorboardX only when built, but is imported on first use all the
    # same, as before the merge.
    if name == "TensorBoardLogger":
        from .tensorboard import TensorBoardLogger

        return TensorBoardLogger
    raise AttributeError(f"module 'striate.diagnostics' has no attribute {name!r}")
