"""striate.optim: optimizers with torch.optim's names and signatures. The update rules, the
options and the state dicts live in C++ (cpp/src/optim/); ``param_groups`` are live views of the
C++ groups, so ``opt.param_groups[0]["lr"] = 0.01`` takes effect at once (optimizer.py).

    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from .. import _C
from .optimizer import Optimizer, ParamGroup, required

__all__ = ["Optimizer", "ParamGroup", "SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "LBFGS",
           "lr_scheduler", "swa_utils"]


class SGD(Optimizer):
    """Stochastic gradient descent with torch.optim.SGD's exact update rule:

        g = grad + weight_decay * p
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf (nesterov) or buf (momentum != 0)
        p = p - lr * g

    maximize=True ascends the objective: g = -grad before everything else (as in torch; Adam,
    AdamW, Adagrad and RMSprop take it too). momentum_form="velocity" uses the notes' form
    instead, v = momentum * v - lr * g, p += v (nesterov: p += momentum * v - lr * g): the same
    trajectory for a constant lr; when lr changes,
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

        self._impl._step(evaluate)
        return first[0]


from . import lr_scheduler  # noqa: E402
from . import swa_utils  # noqa: E402
