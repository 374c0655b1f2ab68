"""Random hyper-parameter search (Bergstra & Bengio): sample each trial's values from the
given distributions, train briefly, and report the results best first, one line per trial as
in the notes ("val_acc: 0.412, lr: 1.2e-03, reg: 3.1e-04").

    results = random_search(build,
                            space={"lr": LogUniform(1e-4, 1e-1), "reg": LogUniform(1e-5, 1e-2)},
                            trials=20, epochs=2, train_loader=train, val_loader=val)
"""

import math
import random
import sys

__all__ = ["LogUniform", "Uniform", "IntUniform", "Choice", "random_search", "format_results"]


class LogUniform:
    """exp(U(log low, log high)): the right prior for learning rates and regularization.

    Args:
        low (float): The lower bound, above 0.
        high (float): The upper bound, above ``low``.

    Raises:
        ValueError: Not ``0 < low < high``.

    Example:
        >>> import random
        >>> 1e-4 <= st.train.LogUniform(1e-4, 1e-1).sample(random.Random(0)) <= 1e-1
        True
    """

    def __init__(self, low, high):
        if not 0 < low < high:
            raise ValueError(f"LogUniform: expected 0 < low < high, got low={low}, high={high}")
        self.low, self.high = float(low), float(high)

    def sample(self, rng):
        """Draws one value.

        Args:
            rng (random.Random): The search's random generator.

        Returns:
            float: A value in ``[low, high]``.

        Example:
            >>> import random
            >>> rng = random.Random(0)
            >>> values = [st.train.LogUniform(1e-4, 1e-1).sample(rng) for _ in range(100)]
            >>> 1e-4 <= min(values) and max(values) <= 1e-1
            True
        """
        return math.exp(rng.uniform(math.log(self.low), math.log(self.high)))


class Uniform:
    """A float drawn uniformly from ``[low, high]``.

    Args:
        low (float): The lower bound.
        high (float): The upper bound, above ``low``.

    Raises:
        ValueError: ``low >= high``.

    Example:
        >>> import random
        >>> from striate.train import Uniform
        >>> 0.0 <= Uniform(0.0, 0.5).sample(random.Random(0)) <= 0.5
        True
    """
    def __init__(self, low, high):
        if not low < high:
            raise ValueError(f"Uniform: expected low < high, got low={low}, high={high}")
        self.low, self.high = float(low), float(high)

    def sample(self, rng):
        """Draws one value.

        Args:
            rng (random.Random): The search's random generator.

        Returns:
            float: A value in ``[low, high]``.

        Example:
            >>> import random
            >>> rng = random.Random(0)
            >>> value = st.train.Uniform(0.0, 0.5).sample(rng)
            >>> 0.0 <= value <= 0.5
            True
        """
        return rng.uniform(self.low, self.high)


class IntUniform:
    """An integer in [low, high], both included.

    Args:
        low (int): The lowest value.
        high (int): The highest value.

    Raises:
        ValueError: ``low > high``.

    Example:
        >>> import random
        >>> st.train.IntUniform(3, 3).sample(random.Random(0))
        3
    """

    def __init__(self, low, high):
        if not low <= high:
            raise ValueError(f"IntUniform: expected low <= high, got low={low}, high={high}")
        self.low, self.high = int(low), int(high)

    def sample(self, rng):
        """Draws one value.

        Args:
            rng (random.Random): The search's random generator.

        Returns:
            int: A value in ``[low, high]``.

        Example:
            >>> import random
            >>> rng = random.Random(0)
            >>> sorted({st.train.IntUniform(1, 3).sample(rng) for _ in range(50)})
            [1, 2, 3]
        """
        return rng.randint(self.low, self.high)


class Choice:
    """One of ``options``, each equally likely.

    Args:
        options (iterable): The candidates (at least one).

    Raises:
        ValueError: ``options`` is empty.

    Example:
        >>> import random
        >>> from striate.train import Choice
        >>> Choice(["sgd", "adam"]).sample(random.Random(0)) in ("sgd", "adam")
        True
    """
    def __init__(self, options):
        self.options = list(options)
        if not self.options:
            raise ValueError("Choice: expected at least one option")

    def sample(self, rng):
        """Draws one value.

        Args:
            rng (random.Random): The search's random generator.

        Returns:
            One of the options.

        Example:
            >>> import random
            >>> rng = random.Random(0)
            >>> sorted({st.train.Choice(["sgd", "adam"]).sample(rng) for _ in range(20)})
            ['adam', 'sgd']
        """
        return rng.choice(self.options)


def _format_value(value):
    if isinstance(value, float):
        if value != 0 and (abs(value) < 1e-2 or abs(value) >= 1e4):
            return f"{value:.3e}"
        return f"{value:.4g}"
    return str(value)


def format_results(results, metric="val_accuracy"):
    """One line per trial, best first.

    Args:
        results (list of dict): What :func:`random_search` returns.
        metric (str): The score's history key. Default: ``'val_accuracy'``.

    Returns:
        str: The lines.

    Example:
        >>> print(st.train.format_results([{"params": {"lr": 0.001}, "val_accuracy": 0.5}]))
        val_acc: 0.5000, lr: 1.000e-03
    """
    short = {"val_accuracy": "val_acc"}.get(metric, metric)
    return "\n".join(f"{short}: {result[metric]:.4f}, " +
                     ", ".join(f"{key}: {_format_value(value)}"
                               for key, value in result["params"].items())
                     for result in results)


def random_search(build_fn, space, trials, epochs, train_loader, val_loader, seed=0,
                  metric="val_accuracy", mode="max", verbose=True, file=None):
    """Runs `trials` trials. build_fn(**params) returns a Trainer for the sampled params; each is
    fitted for `epochs` epochs and scored by the best `metric` of its history. Returns a list of
    {"params", metric, "history"} dicts, best first.

    Args:
        build_fn (callable): ``build_fn(**params) -> Trainer``.
        space (dict): ``{name: LogUniform | Uniform | IntUniform | Choice}``.
        trials (int): The number of trials.
        epochs (int): Epochs per trial.
        train_loader (iterable): The training batches.
        val_loader (iterable): The validation batches.
        seed (int): Seeds the sampling of the values. Default: 0.
        metric (str): The history key that scores a trial. Default: ``'val_accuracy'``.
        mode (str): ``'max'`` or ``'min'``. Default: ``'max'``.
        verbose (bool): Print a line per trial. Default: True.
        file (file, optional): Where the lines go. Default: None (stdout).

    Returns:
        list of dict: ``{"params", metric, "history"}`` per trial, best first.

    Raises:
        ValueError: An empty space, or a bad mode.
        TypeError: A space entry without ``sample``.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> def build(lr):
        ...     model = nn.Linear(4, 2)
        ...     return st.train.Trainer(model, st.optim.SGD(model.parameters(), lr=lr),
        ...                             F.cross_entropy, progress="none")
        >>> results = st.train.random_search(build, {"lr": st.train.LogUniform(1e-3, 1e-1)},
        ...                                  trials=2, epochs=1, train_loader=loader,
        ...                                  val_loader=loader, verbose=False)
        >>> len(results), sorted(results[0])
        (2, ['history', 'params', 'val_accuracy'])
    """
    if not isinstance(space, dict) or not space:
        raise ValueError("random_search: space should be a non-empty dict name -> distribution")
    for name, distribution in space.items():
        if not hasattr(distribution, "sample"):
            raise TypeError(f"random_search: space[{name!r}] should be a distribution "
                            "(LogUniform, Uniform, IntUniform, Choice), got "
                            f"{type(distribution).__name__}")
    if mode not in ("max", "min"):
        raise ValueError(f"random_search: mode should be 'max' or 'min', got {mode!r}")
    rng = random.Random(seed)
    results = []
    for trial in range(trials):
        params = {name: distribution.sample(rng) for name, distribution in space.items()}
        trainer = build_fn(**params)
        history = trainer.fit(train_loader, val_loader, epochs=epochs)
        values = [entry[metric] for entry in history if metric in entry]
        if not values:
            raise ValueError(f"random_search: metric {metric!r} is not in the trial's history "
                             f"(keys: {', '.join(history[-1]) if history else 'none'})")
        score = max(values) if mode == "max" else min(values)
        result = {"params": params, metric: score, "history": history}
        results.append(result)
        if verbose:
            print(f"trial {trial + 1}/{trials}  " + format_results([result], metric),
                  file=file or sys.stdout, flush=True)
    results.sort(key=lambda result: result[metric], reverse=(mode == "max"))
    return results
