"""Samplers with torch.utils.data's names: the order in which a DataLoader visits a dataset
(``DataLoader(dataset, sampler=...)``) or its batches (``batch_sampler=...``).

    weights = 1.0 / class_counts[labels]                  # oversample rare classes
    loader = DataLoader(train, batch_size=64,
                        sampler=WeightedRandomSampler(weights, num_samples=len(train)))

Random samplers draw from their ``generator=`` (a striate.Generator) each time they are
iterated, or, without one, from striate's default generator, so ``striate.manual_seed`` fixes
them and a Trainer checkpoint (which saves that generator) resumes them exactly.
"""

import numbers

import numpy as np

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "DistributedSampler"]


def _positive_int(owner, name, value):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{owner}: {name} should be a positive integer, got {value!r}")
    return int(value)


def _uniforms(count, generator=None):
    """`count` uniforms in [0, 1) from `generator` (None: the default one), as float64."""
    from .. import float64, rand

    return rand(count, dtype=float64, generator=generator).numpy() if count else np.empty(0)


def _check_generator(owner, generator):
    from .._generator import Generator

    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{owner}: generator should be a striate.Generator or None, got "
                        f"{type(generator).__name__}")
    return generator


class Sampler:
    """Base class: iterating gives dataset indices; len() is how many.

    Subclasses implement ``__iter__`` and ``__len__``; any iterable of indices with a length
    works as a sampler too.

    Example:
        >>> class Reversed(st.data.Sampler):
        ...     def __init__(self, n):
        ...         self.n = n
        ...     def __iter__(self):
        ...         return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self):
        ...         return self.n
        >>> list(Reversed(3))
        [2, 1, 0]
    """

    def __iter__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__")


class SequentialSampler(Sampler):
    """0, 1, ..., len(data_source) - 1.

    Args:
        data_source (Dataset): The dataset (its length counts).

    Example:
        >>> list(st.data.SequentialSampler(range(3)))
        [0, 1, 2]
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation each epoch; with replacement, num_samples independent uniform
    draws. num_samples (default len(data_source)) may exceed the dataset without replacement:
    whole permutations are concatenated, as torch does.

    Args:
        data_source (Dataset): The dataset (its length counts).
        replacement (bool): Draw with replacement. Default: False.
        num_samples (int, optional): Indices per epoch. Default: None (``len(data_source)``).
        generator (Generator, optional): The random generator. Default: None (the default one).

    Raises:
        TypeError: ``replacement`` is not a bool.
        ValueError: ``num_samples`` is not a positive int.

    Example:
        >>> sorted(st.data.RandomSampler(range(4), generator=st.Generator().manual_seed(0)))
        [0, 1, 2, 3]
    """

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"RandomSampler: replacement should be a bool, got {replacement!r}")
        self.generator = _check_generator("RandomSampler", generator)
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = (None if num_samples is None else
                             _positive_int("RandomSampler", "num_samples", num_samples))

    @property
    def num_samples(self):
        """The number of indices one epoch yields (``len(data_source)`` unless given)."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        from .. import randint, randperm

        n = len(self.data_source)
        if n == 0:
            return iter(())
        if self.replacement:
            draws = randint(0, n, (self.num_samples,), generator=self.generator)
            return iter(draws.numpy().tolist())
        chunks = [randperm(n, generator=self.generator).numpy()
                  for _ in range(-(-self.num_samples // n))]
        return iter(np.concatenate(chunks)[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order each epoch (e.g. a validation split of one dataset).

    Args:
        indices (sequence of ints): The indices to permute.
        generator (Generator, optional): The random generator. Default: None (the default one).

    Example:
        >>> sorted(st.data.SubsetRandomSampler([5, 7, 9]))
        [5, 7, 9]
    """

    def __init__(self, indices, generator=None):
        self.indices = [int(i) for i in indices]
        self.generator = _check_generator("SubsetRandomSampler", generator)

    def __iter__(self):
        from .. import randperm

        if not self.indices:
            return iter(())
        order = randperm(len(self.indices), generator=self.generator).numpy().tolist()
        return iter([self.indices[i] for i in order])

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """num_samples indices drawn with probability proportional to weights (need not sum to 1);
    with replacement=False each index at most once (successive draws without replacement, the
    law torch.multinomial samples).

    Args:
        weights (sequence of floats or Tensor): Non-negative weights, one per index.
        num_samples (int): Indices per epoch.
        replacement (bool): Draw with replacement. Default: True.
        generator (Generator, optional): The random generator. Default: None (the default one).

    Raises:
        ValueError: Negative or all-zero weights, or more samples than positive weights without
            replacement.

    Example:
        >>> sampler = st.data.WeightedRandomSampler([0.0, 1.0, 0.0], num_samples=4)
        >>> list(sampler)
        [1, 1, 1, 1]
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if not isinstance(replacement, bool):
            raise TypeError(f"WeightedRandomSampler: replacement should be a bool, got "
                            f"{replacement!r}")
        values = weights.numpy() if hasattr(weights, "numpy") else weights
        weights = np.asarray(values, dtype=np.float64)
        if weights.ndim != 1 or weights.size == 0:
            raise ValueError("WeightedRandomSampler: weights should be a non-empty 1-D sequence, "
                             f"got shape {weights.shape}")
        if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError("WeightedRandomSampler: weights should be finite, >= 0, and not all "
                             "zero")
        self.num_samples = _positive_int("WeightedRandomSampler", "num_samples", num_samples)
        if not replacement and self.num_samples > np.count_nonzero(weights):
            raise ValueError(f"WeightedRandomSampler: cannot draw {self.num_samples} samples "
                             f"without replacement from {np.count_nonzero(weights)} non-zero "
                             "weights")
        self.weights = weights
        self.replacement = replacement
        self.generator = _check_generator("WeightedRandomSampler", generator)

    def __iter__(self):
        if self.replacement:
            u = _uniforms(self.num_samples, self.generator)
            cumulative = np.cumsum(self.weights)
            picks = np.searchsorted(cumulative, u * cumulative[-1], side="right")
            return iter(np.minimum(picks, len(self.weights) - 1).tolist())
        # Efraimidis-Spirakis: the num_samples largest u_i^(1/w_i) over all i, in decreasing
        # order, are successive weighted draws without replacement.
        u = _uniforms(len(self.weights), self.generator)
        with np.errstate(divide="ignore"):
            keys = np.where(self.weights > 0, np.log(np.maximum(u, 1e-300)) / self.weights,
                            -np.inf)
        return iter(np.argsort(-keys, kind="stable")[:self.num_samples].tolist())

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of batch_size (the last one shorter unless
    drop_last).

    Args:
        sampler (Sampler or iterable): The indices to group.
        batch_size (int): Indices per batch.
        drop_last (bool): Drop the last, shorter batch.

    Raises:
        ValueError: ``batch_size`` is not a positive int.

    Example:
        >>> list(st.data.BatchSampler(range(5), batch_size=2, drop_last=False))
        [[0, 1], [2, 3], [4]]
    """

    def __init__(self, sampler, batch_size, drop_last):
        if not hasattr(sampler, "__iter__"):
            raise TypeError(f"BatchSampler: sampler should be iterable, got "
                            f"{type(sampler).__name__}")
        if not isinstance(drop_last, bool):
            raise TypeError(f"BatchSampler: drop_last should be a bool, got {drop_last!r}")
        self.sampler = sampler
        self.batch_size = _positive_int("BatchSampler", "batch_size", batch_size)
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for index in self.sampler:
            batch.append(int(index))
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return -(-len(self.sampler) // self.batch_size)


class DistributedSampler(Sampler):
    """Each rank's share of the dataset's indices for one epoch: every rank draws the same
    permutation (from ``seed + epoch``), pads it by repeating its start (or, with drop_last,
    trims it) to a multiple of num_replicas, and takes every num_replicas-th index from its rank.
    Call ``set_epoch(epoch)`` before each epoch so the order changes between epochs.
    num_replicas / rank default to the process group's world size and rank.

    Args:
        dataset (Dataset): The dataset (its length counts).
        num_replicas (int, optional): The number of ranks. Default: None (the world size).
        rank (int, optional): This rank. Default: None (the process's rank).
        shuffle (bool): Permute each epoch. Default: True.
        seed (int): The base seed, the same on every rank. Default: 0.
        drop_last (bool): Trim instead of padding. Default: False.

    Raises:
        ValueError: ``rank`` outside ``[0, num_replicas)``.

    Example:
        >>> list(st.data.DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False))
        [1, 3, 0]
    """

    def __init__(self, dataset, num_replicas=None, rank=None, shuffle=True, seed=0,
                 drop_last=False):
        if num_replicas is None or rank is None:
            from .. import distributed

            if not distributed.is_initialized():
                raise RuntimeError("DistributedSampler: pass num_replicas and rank, or call "
                                   "striate.distributed.init_process_group() first")
            num_replicas = distributed.get_world_size() if num_replicas is None else num_replicas
            rank = distributed.get_rank() if rank is None else rank
        for name, value in (("num_replicas", num_replicas), ("rank", rank), ("seed", seed)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise TypeError(f"DistributedSampler: {name} should be an int, got "
                                f"{type(value).__name__}")
        if num_replicas <= 0:
            raise ValueError(f"DistributedSampler: num_replicas should be positive, got "
                             f"{num_replicas}")
        if not 0 <= rank < num_replicas:
            raise ValueError(f"DistributedSampler: invalid rank {rank}, rank should be in the "
                             f"interval [0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_last = bool(drop_last)
        self.epoch = 0
        n = len(dataset)
        if self.drop_last and n % self.num_replicas:
            self.num_samples = n // self.num_replicas
        else:
            self.num_samples = -(-n // self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            from .. import randperm
            from .._generator import Generator

            generator = Generator().manual_seed(self.seed + self.epoch)
            indices = randperm(n, generator=generator).numpy().tolist() if n else []
        else:
            indices = list(range(n))
        if not self.drop_last:
            padding = self.total_size - len(indices)
            while padding > 0 and indices:
                indices += indices[:padding]
                padding = self.total_size - len(indices)
        else:
            indices = indices[: self.total_size]
        return iter(indices[self.rank:self.total_size:self.num_replicas])

    def __len__(self):
        return self.num_samples

    def set_epoch(self, epoch):
        """The epoch whose order the next iteration draws (same on every rank).

        Args:
            epoch (int): The epoch about to start.

        Example:
            >>> data = st.data.TensorDataset(st.arange(8))
            >>> sampler = st.data.DistributedSampler(data, num_replicas=2, rank=0, seed=0)
            >>> sampler.set_epoch(0)
            >>> first = list(sampler)
            >>> sampler.set_epoch(1)
            >>> len(first), len(list(sampler)), list(sampler) == first
            (4, 4, False)
        """
        self.epoch = int(epoch)
