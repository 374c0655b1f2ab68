"""striate.optim: optimizers with torch.optim's names and signatures. The update rules run in C++
(cpp/src/optim/); this layer keeps torch's editable ``param_groups`` dicts and copies them into
the C++ groups before each step, so ``opt.param_groups[0]["lr"] = 0.01`` takes effect.

    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from .. import _C
from .._C import Tensor

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "LBFGS", "lr_scheduler",
           "swa_utils"]


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

    def load_state_dict(self, state_dict):
        """Restores options and state saved by state_dict(): groups are matched by position, their
        options replace the current ones (params kept), and every saved state tensor is copied
        into the C++ optimizer, so stepping on continues as the saved optimizer would."""
        if not isinstance(state_dict, dict) or "param_groups" not in state_dict:
            raise ValueError("load_state_dict: expected a dict with 'state' and 'param_groups', "
                             f"got {type(state_dict).__name__}")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups: "
                             f"expected {len(self.param_groups)}, got {len(saved_groups)}")
        for index, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't match "
                                 f"the size of optimizer's group {index}: expected "
                                 f"{len(group['params'])} parameters, got {len(saved['params'])}")
        id_to_param = {}
        for group, saved in zip(self.param_groups, saved_groups):
            id_to_param.update(zip(saved["params"], group["params"]))
        saved_state = state_dict.get("state", {})
        for key in saved_state:
            if key not in id_to_param:
                raise ValueError(f"load_state_dict: state for parameter {key}, which no group has")
        new_groups = []
        for group, saved in zip(self.param_groups, saved_groups):
            merged = {key: value for key, value in saved.items() if key != "params"}
            merged["params"] = group["params"]
            # Options the saved dict lacks (a state dict of torch's) take the defaults.
            for name, default in self.defaults.items():
                merged.setdefault(name, default)
            new_groups.append(merged)
        for index, group in enumerate(new_groups):
            self._impl._set_group_options(index, self._group_options(group))
        self.param_groups = new_groups
        for key, entry in saved_state.items():
            self._impl._load_state(id_to_param[key], dict(entry))

    def __repr__(self):
        text = type(self).__name__ + " ("
        for index, group in enumerate(self.param_groups):
            text += f"\nParameter Group {index}"
            for key in sorted(key for key in group if key != "params"):
                text += f"\n    {key}: {group[key]}"
        return text + "\n)"


    def _build(self, impl_class):
        self._impl = impl_class(
            [group["params"] for group in self.param_groups],
            [self._group_options(group) for group in self.param_groups],
            self._group_options(self.defaults),
        )


class SGD(Optimizer):
    """Stochastic gradient descent with torch.optim.SGD's exact update rule:

        g = grad + weight_decay * p
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf (momentum != 0)
        p = p - lr * g

    maximize=True ascends the objective: g = -grad before everything else (as in torch; Adam,
    AdamW, Adagrad and RMSprop take it too). momentum_form="velocity" uses the notes' form instead, v = momentum * v - lr * g, p += v
    (nesterov: p += momentum * v - lr * g): the same trajectory for a constant lr; when lr changes,
    the new lr applies to new gradients only, where torch's form rescales the whole buffer. Its
    state is "velocity" (= -lr * momentum_buffer).
    """

    def __init__(self, params, lr=required, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, momentum_form="torch"):
        if lr is required:
            raise TypeError("SGD.__init__() missing 1 required argument: 'lr'")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                        nesterov=nesterov, maximize=maximize, momentum_form=momentum_form)
        super().__init__(params, defaults)
        self._build(_C._optim.SGD)

    @staticmethod
    def _group_options(group):
        return (float(group["lr"]), float(group["momentum"]), float(group["dampening"]),
                float(group["weight_decay"]), bool(group["nesterov"]), str(group["momentum_form"]),
                _flag(group, "maximize"))


def _flag(group, key):
    """A boolean group option; absent in groups saved before it existed (False)."""
    value = group.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"{key}: expected a bool, got {value!r}")
    return bool(value)


def _betas(group):
    betas = tuple(group["betas"])
    if len(betas) != 2:
        raise ValueError(f"betas: expected a pair (beta1, beta2), got {group['betas']!r}")
    return float(betas[0]), float(betas[1])


class Adam(Optimizer):
    """Adam with torch.optim.Adam's exact update rule, at step t:

        g = grad + weight_decay * p                      (decoupled: p = p * (1 - lr * wd))
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g;  v_max = max(v_max, v), v = v_max   (amsgrad)
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    bias_correction=False is the notes' simplified form, p = p - lr * m / (sqrt(v) + eps).
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False, bias_correction=True,
                 decoupled_weight_decay=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, bias_correction=bias_correction,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        self._build(_C._optim.AdamW if decoupled_weight_decay else _C._optim.Adam)

    @staticmethod
    def _group_options(group):
        beta1, beta2 = _betas(group)
        return (float(group["lr"]), beta1, beta2, float(group["eps"]),
                float(group["weight_decay"]), bool(group["amsgrad"]),
                bool(group["bias_correction"]), _flag(group, "maximize"))


class AdamW(Adam):
    """Adam with decoupled weight decay (torch.optim.AdamW): p = p * (1 - lr * weight_decay)
    before the Adam step, instead of weight_decay * p in the gradient."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, bias_correction=True):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize, bias_correction=bias_correction,
                         decoupled_weight_decay=True)


class Adagrad(Optimizer):
    """Adagrad with torch.optim.Adagrad's exact update rule, at step t:

        g = grad + weight_decay * p
        sum = sum + g * g                  (sum starts at initial_accumulator_value)
        p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(sum) + eps)

    The state is created at a parameter's first step (torch creates it in the constructor).
    """

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, *, maximize=False):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)
        self._build(_C._optim.Adagrad)

    @staticmethod
    def _group_options(group):
        return (float(group["lr"]), float(group["lr_decay"]), float(group["weight_decay"]),
                float(group["initial_accumulator_value"]), float(group["eps"]),
                _flag(group, "maximize"))


class RMSprop(Optimizer):
    """RMSprop with torch.optim.RMSprop's exact update rule:

        g = grad + weight_decay * p
        square_avg = alpha * square_avg + (1 - alpha) * g * g
        avg = sqrt(square_avg) + eps, or centered: sqrt(square_avg - grad_avg^2) + eps with
              grad_avg = alpha * grad_avg + (1 - alpha) * g
        buf = momentum * buf + g / avg, p = p - lr * buf    (momentum > 0)
        p = p - lr * g / avg                                (otherwise)
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)
        self._build(_C._optim.RMSprop)

    @staticmethod
    def _group_options(group):
        return (float(group["lr"]), float(group["alpha"]), float(group["eps"]),
                float(group["weight_decay"]), float(group["momentum"]), bool(group["centered"]),
                _flag(group, "maximize"))


class LBFGS(Optimizer):
    """L-BFGS with torch.optim.LBFGS's algorithm, for full-batch problems. step(closure) runs up to
    max_iter iterations; the closure must zero the gradients, compute the loss, call backward and
    return the loss. Each iteration takes the two-loop recursion's direction over the last
    history_size curvature pairs and moves lr along it (line_search_fn=None) or a step satisfying
    the strong Wolfe conditions (line_search_fn="strong_wolfe"). One parameter group only; the
    state (kept in float64) sits under the first parameter, as torch's does.

        opt = optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")
        def closure():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            return loss
        opt.step(closure)
    """

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7,
                 tolerance_change=1e-9, history_size=100, line_search_fn=None):
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, history_size=history_size,
                        line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups), "
                             f"got {len(self.param_groups)} groups")
        self._build(_C._optim.LBFGS)

    @staticmethod
    def _group_options(group):
        line_search_fn = group["line_search_fn"]
        if line_search_fn is not None and not isinstance(line_search_fn, str):
            raise ValueError("LBFGS: line_search_fn: expected None or 'strong_wolfe', got "
                             f"{line_search_fn!r}")
        return (float(group["lr"]), int(group["max_iter"]), int(group["max_eval"]),
                float(group["tolerance_grad"]), float(group["tolerance_change"]),
                int(group["history_size"]), line_search_fn or "")

    def step(self, closure):
        """Runs up to max_iter L-BFGS iterations and returns the closure's first loss."""
        if closure is None or not callable(closure):
            raise TypeError("LBFGS.step: expected a closure that re-evaluates the model and "
                            f"returns the loss, got {type(closure).__name__}")
        from ..autograd import enable_grad

        first = []

        def evaluate():
            with enable_grad():
                loss = closure()
            if not first:
                first.append(loss)
            return float(loss)

        self._impl._set_group_options(0, self._group_options(self.param_groups[0]))
        self._impl._step(evaluate)
        return first[0]


from . import lr_scheduler  # noqa: E402
from . import swa_utils  # noqa: E402
