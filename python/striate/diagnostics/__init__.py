"""striate.diagnostics: seeing inside training. Gradient checks (gradcheck, check_gradients,
compare_devices), first-NaN localization (detect_anomaly, Trainer(nan_guard=True)), the LR range
test (lr_find) and TensorBoard logging (TensorBoardLogger).

The public names also live where users look for them: ``striate.autograd.gradcheck`` and
``detect_anomaly`` (PyTorch's places), ``striate.check_gradients`` and
``striate.compare_devices``, ``striate.train.lr_find`` and ``striate.train.TensorBoardLogger``.
"""

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .gradcheck import (DeviceComparison, GradcheckError, GradientCheckReport, check_gradients,
                        compare_devices, gradcheck)
from .lr_find import LRFinderResult, lr_find

__all__ = ["AnomalyError", "detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly",
           "DeviceComparison", "GradcheckError", "GradientCheckReport", "check_gradients",
           "compare_devices", "gradcheck", "LRFinderResult", "lr_find", "TensorBoardLogger"]


def __getattr__(name):
    # TensorBoardLogger subclasses the Trainer's Callback: imported on first use, so that
    # `import striate.autograd` does not pull striate.train in.
    if name == "TensorBoardLogger":
        from .tensorboard import TensorBoardLogger

        return TensorBoardLogger
    raise AttributeError(f"module 'striate.diagnostics' has no attribute {name!r}")
