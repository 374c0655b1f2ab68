"""striate.optim: optimizers with torch.optim's names and signatures. The update rules run in C++
(cpp/src/optim/); this layer keeps torch's editable ``param_groups`` dicts and copies them into
the C++ groups before each step, so ``opt.param_groups[0]["lr"] = 0.01`` takes effect.

    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from .. import _C
from .._C import Tensor

__all__ = ["Optimizer", "SGD"]


class _RequiredParameter:
    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class: normalizes ``params`` (tensors, or dicts of per-group options) into
    ``param_groups`` and forwards zero_grad/step to the C++ optimizer in ``self._impl``."""

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got a Tensor")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        self.param_groups = [self._complete_group(group) for group in groups]

    def _complete_group(self, group):
        if not isinstance(group, dict):
            raise TypeError("optimizer: a parameter group must be a dict, "
                            f"got {type(group).__name__}")
        group = dict(group)
        params = group.get("params")
        if params is None:
            raise ValueError("optimizer: a parameter group needs a 'params' entry")
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for param in group["params"]:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{type(param).__name__}")
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            group.setdefault(name, default)
        return group

    def zero_grad(self, set_to_none=True):
        """Drops (set_to_none) or zeroes the .grad of every parameter."""
        self._impl.zero_grad(bool(set_to_none))

    def step(self, closure=None):
        """One update of every parameter with a gradient. closure, if given, re-evaluates the model
        and returns the loss (computed with grad enabled), which step returns."""
        loss = None
        if closure is not None:
            from ..autograd import enable_grad

            with enable_grad():
                loss = closure()
        for index, group in enumerate(self.param_groups):
            self._impl._set_group_options(index, self._group_options(group))
        self._impl.step()
        return loss

    def add_param_group(self, param_group):
        group = self._complete_group(param_group)
        self._impl._add_param_group(group["params"], self._group_options(group))
        self.param_groups.append(group)

    @property
    def state(self):
        """parameter -> {name: tensor} for the parameters that have state (after their first
        step)."""
        state = {}
        for group in self.param_groups:
            for param in group["params"]:
                entry = self._impl._state(param)
                if entry:
                    state[param] = entry
        return state

    def state_dict(self):
        """torch's layout: {"state": {index: {name: tensor}},
        "param_groups": [{options..., "params": [indices]}]}; parameters are numbered across
        groups in order."""
        state = {}
        groups = []
        index = 0
        for group in self.param_groups:
            indices = []
            for param in group["params"]:
                entry = self._impl._state(param)
                if entry:
                    state[index] = entry
                indices.append(index)
                index += 1
            packed = {key: value for key, value in group.items() if key != "params"}
            packed["params"] = indices
            groups.append(packed)
        return {"state": state, "param_groups": groups}

    def __repr__(self):
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}"
            for key in sorted(key for key in group if key != "params"):
                text += f"\n    {key}: {group[key]}"
        return text + "\n)"


class SGD(Optimizer):
    """Stochastic gradient descent with torch.optim.SGD's exact update rule:

        g = grad + weight_decay * p
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf (momentum != 0)
        p = p - lr * g
    """

    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False):
        if lr is required:
            raise TypeError("SGD.__init__() missing 1 required argument: 'lr'")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov)
        super().__init__(params, defaults)
        self._impl = _C._optim.SGD(
            [group["params"] for group in self.param_groups],
            [self._group_options(group) for group in self.param_groups],
            self._group_options(self.defaults),
        )

    @staticmethod
    def _group_options(group):
        return (float(group["lr"]), float(group["momentum"]), float(group["dampening"]),
                float(group["weight_decay"]), bool(group["nesterov"]))
