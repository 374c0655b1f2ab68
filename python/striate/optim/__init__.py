"""striate.optim: optimizers with torch.optim's names and signatures. The update rules, the
options and the state dicts live in C++ (cpp/src/optim/); ``param_groups`` are live views of the
C++ groups, so ``opt.param_groups[0]["lr"] = 0.01`` takes effect at once (optimizer.py).

    opt = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    opt.zero_grad(); loss.backward(); opt.step()
"""

from .. import _C
from .optimizer import Optimizer, ParamGroup, required

__all__ = ["Optimizer", "ParamGroup", "SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "LBFGS",
           "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "lr_scheduler", "swa_utils"]

_TORCH_FLAGS_DOC = """
    Note:
        foreach and capturable are taken for torch's signature and have no meaning here: striate
        picks the implementation of the update itself (torch's foreach chooses between a loop
        over the tensors and multi-tensor kernels for the same update), and has no CUDA graph
        capture for capturable to prepare for. Both are kept in param_groups, as torch keeps
        them. differentiable=True (autograd through the update) is not supported: it raises
        NotImplementedError.
"""


def _torch_flags(name, foreach, capturable, differentiable):
    """The defaults' entries of torch's implementation flags, checked."""
    if foreach is not None and not isinstance(foreach, bool):
        raise TypeError(f"{name}: foreach must be None or a bool, got {type(foreach).__name__}")
    for flag, value in (("capturable", capturable), ("differentiable", differentiable)):
        if not isinstance(value, bool):
            raise TypeError(f"{name}: {flag} must be a bool, got {type(value).__name__}")
    if differentiable:
        raise NotImplementedError(f"{name}: differentiable=True (autograd through the update) "
                                  "is not supported by striate's optimizers")
    return dict(foreach=foreach, capturable=capturable, differentiable=differentiable)


def _check_groups(optimizer, name):
    for group in optimizer.param_groups:
        if group.get("differentiable"):
            raise NotImplementedError(f"{name}: differentiable=True (autograd through the "
                                      "update) is not supported by striate's optimizers")


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

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate (required).
        momentum (float): The momentum factor. Default: 0.
        dampening (float): Dampening of the momentum. Default: 0.
        weight_decay (float): L2 penalty. Default: 0.
        nesterov (bool): Nesterov momentum (needs momentum > 0 and dampening 0). Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.
        momentum_form (str): ``'torch'`` or ``'velocity'`` (the notes' form; keyword only).
            Default: ``'torch'``.

    Raises:
        TypeError: ``lr`` is missing.
        ValueError: A negative lr, momentum or weight decay, or nesterov without momentum.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """

    _native = True

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

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-3.
        betas ((float, float)): The decay rates of the moment estimates. Default: (0.9, 0.999).
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty. Default: 0.
        amsgrad (bool): The AMSGrad variant. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.
        bias_correction (bool): Correct the moments' bias (keyword only). Default: True.
        decoupled_weight_decay (bool): AdamW's decay (keyword only). Default: False.

    Raises:
        ValueError: An lr, eps or weight decay below 0, or a beta outside [0, 1).

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.Adam([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """

    _native = True

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
    before the Adam step, instead of weight_decay * p in the gradient.

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-3.
        betas ((float, float)): The decay rates of the moment estimates. Default: (0.9, 0.999).
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): The decoupled decay. Default: 1e-2.
        amsgrad (bool): The AMSGrad variant. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.
        bias_correction (bool): Correct the moments' bias (keyword only). Default: True.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.AdamW([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """

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

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-2.
        lr_decay (float): The learning-rate decay. Default: 0.
        weight_decay (float): L2 penalty. Default: 0.
        initial_accumulator_value (float): The start of ``sum``. Default: 0.
        eps (float): Added to the denominator. Default: 1e-10.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.Adagrad([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """

    _native = True

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

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-2.
        alpha (float): The smoothing constant. Default: 0.99.
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty. Default: 0.
        momentum (float): The momentum factor. Default: 0.
        centered (bool): Normalize by the estimated variance of the gradient. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.RMSprop([w], lr=0.01)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """

    _native = True

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

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The step length. Default: 1.
        max_iter (int): Iterations per :meth:`step`. Default: 20.
        max_eval (int, optional): Closure evaluations per step. Default: None (max_iter * 5 / 4).
        tolerance_grad (float): Stop when the gradient's max-norm falls below it. Default: 1e-7.
        tolerance_change (float): Stop when the step or loss changes less. Default: 1e-9.
        history_size (int): The curvature pairs kept. Default: 100.
        line_search_fn (str, optional): None or ``'strong_wolfe'``. Default: None.

    Raises:
        ValueError: More than one parameter group.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.LBFGS([w], line_search_fn="strong_wolfe")
        >>> def closure():
        ...     opt.zero_grad()
        ...     loss = ((w - 3) ** 2).sum()
        ...     loss.backward()
        ...     return loss
        >>> _ = opt.step(closure)
        >>> bool(((w - 3).abs() < 1e-4).all())
        True
    """

    _native = True

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
        """Runs up to max_iter L-BFGS iterations and returns the closure's first loss.

        Example:
            >>> w = nn.Parameter(st.tensor([3.0]))
            >>> opt = st.optim.LBFGS([w], lr=1.0, max_iter=20)
            >>> def closure():
            ...     opt.zero_grad()
            ...     loss = ((w - 1.0) ** 2).sum()
            ...     loss.backward()
            ...     return loss
            >>> opt.step(closure).item()
            4.0
            >>> round(w.item(), 4)
            1.0
        """
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


class Adadelta(Optimizer):
    """Adadelta with torch.optim.Adadelta's exact update rule:

        g = grad + weight_decay * p          (maximize: -grad)
        square_avg = rho * square_avg + (1 - rho) * g * g
        delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        p = p - lr * delta

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): Scales the update. Default: 1.0.
        rho (float): The decay rate of the running averages. Default: 0.9.
        eps (float): Added inside the square roots. Default: 1e-6.
        weight_decay (float): L2 penalty. Default: 0.
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.Adadelta([w], lr=10.0)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *,
                 capturable=False, maximize=False, differentiable=False):
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                        **_torch_flags("Adadelta", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "Adadelta")
        self._build(_C._optim.Adadelta)


class Adamax(Optimizer):
    """Adamax (Adam with the infinity norm) with torch.optim.Adamax's exact update rule, at step t:

        g = grad + weight_decay * p          (maximize: -grad)
        m = beta1 * m + (1 - beta1) * g
        u = max(beta2 * u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 2e-3.
        betas ((float, float)): The decay rates of m and u. Default: (0.9, 0.999).
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty. Default: 0.
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.Adamax([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 foreach=None, *, maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        maximize=maximize,
                        **_torch_flags("Adamax", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "Adamax")
        self._build(_C._optim.Adamax)


class NAdam(Optimizer):
    """NAdam (Adam with Nesterov momentum) with torch.optim.NAdam's exact update rule, at step t:

        g = grad + weight_decay * p          (decoupled_weight_decay: p = p * (1 - lr * wd))
        mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay)),  mu_product = mu_1 * ... * mu_t
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        denom = sqrt(v / (1 - beta2^t)) + eps
        p = p - lr * (1 - mu_t) / (1 - mu_product) * g / denom
              - lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / denom

    mu_product is kept in float32, as torch keeps it.

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 2e-3.
        betas ((float, float)): The decay rates of the moment estimates. Default: (0.9, 0.999).
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty. Default: 0.
        momentum_decay (float): The momentum schedule's decay. Default: 4e-3.
        decoupled_weight_decay (bool): AdamW-style decay. Default: False.
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.NAdam([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        **_torch_flags("NAdam", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "NAdam")
        self._build(_C._optim.NAdam)


class RAdam(Optimizer):
    """RAdam (rectified Adam) with torch.optim.RAdam's exact update rule, at step t:

        g = grad + weight_decay * p          (decoupled_weight_decay: p = p * (1 - lr * wd))
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1^t)
        rho_inf = 2 / (1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        rho_t > 5: p = p - lr * m_hat * sqrt(1 - beta2^t) / (sqrt(v) + eps) * r_t, with
                   r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
        otherwise: p = p - lr * m_hat

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-3.
        betas ((float, float)): The decay rates of the moment estimates. Default: (0.9, 0.999).
        eps (float): Added to the denominator. Default: 1e-8.
        weight_decay (float): L2 penalty. Default: 0.
        decoupled_weight_decay (bool): AdamW-style decay. Default: False.
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.RAdam([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
                        **_torch_flags("RAdam", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "RAdam")
        self._build(_C._optim.RAdam)


class Rprop(Optimizer):
    """Rprop with torch.optim.Rprop's exact update rule; every coordinate's step size starts at
    lr (so changing lr after a parameter's first step changes nothing, as in torch):

        s = sign(g * prev) mapped > 0 -> etaplus, < 0 -> etaminus, 0 -> 1      (maximize: -grad)
        step_size = clamp(step_size * s, *step_sizes)
        g = 0 where the sign flipped;  p = p - sign(g) * step_size;  prev = g

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The initial step size. Default: 1e-2.
        etas ((float, float)): (etaminus, etaplus), the step-size factors. Default: (0.5, 1.2).
        step_sizes ((float, float)): The (min, max) step size. Default: (1e-6, 50).
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.Rprop([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        defaults = dict(lr=lr, etas=tuple(etas), step_sizes=tuple(step_sizes),
                        maximize=maximize,
                        **_torch_flags("Rprop", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "Rprop")
        self._build(_C._optim.Rprop)


class ASGD(Optimizer):
    """Averaged SGD with torch.optim.ASGD's exact update rule, at step t (eta starts at lr, mu
    at 1):

        g = grad + weight_decay * p          (maximize: -grad)
        p = p * (1 - lambd * eta) - eta * g
        ax = ax + mu * (p - ax)  (ax = p while mu = 1): the averaged parameters, state["ax"]
        eta = lr / (1 + lambd * lr * t)^alpha;  mu = 1 / max(1, t - t0)

    eta and mu are kept in float32, as torch keeps them.

    Args:
        params (iterable): Parameters to optimize, or dicts defining parameter groups.
        lr (float): The learning rate. Default: 1e-2.
        lambd (float): The decay term. Default: 1e-4.
        alpha (float): The power of the eta update. Default: 0.75.
        t0 (float): The step at which averaging starts. Default: 1e6.
        weight_decay (float): L2 penalty. Default: 0.
        foreach (bool, optional): Taken for torch's signature (see the note). Default: None.
        capturable (bool): Taken for torch's signature. Default: False.
        differentiable (bool): Must be False. Default: False.
        maximize (bool): Maximize the objective instead (keyword only). Default: False.

    Example:
        >>> w = nn.Parameter(st.tensor([1.0, -2.0]))
        >>> opt = st.optim.ASGD([w], lr=0.1)
        >>> opt.zero_grad()
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> bool((w.abs() < st.tensor([1.0, 2.0])).all())
        True
    """
    __doc__ += _TORCH_FLAGS_DOC

    _native = True

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0,
                 foreach=None, maximize=False, differentiable=False, capturable=False):
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                        maximize=maximize,
                        **_torch_flags("ASGD", foreach, capturable, differentiable))
        super().__init__(params, defaults)
        _check_groups(self, "ASGD")
        self._build(_C._optim.ASGD)


from . import lr_scheduler  # noqa: E402
from . import swa_utils  # noqa: E402
