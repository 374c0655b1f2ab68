"""The DataLoader and default_collate.

Over a C++ dataset (no Python __getitem__, no collate_fn) batches are built in C++ with the GIL
released, by C++ worker threads when num_workers > 0. Over anything else, examples are fetched in
Python, by a thread pool when num_workers > 0 (C++ ops and Pillow release the GIL). Either way,
example p of an epoch is fetched under ``augmentation_seed(example_seed(epoch_seed, p))``, the
epoch seed being drawn from the loader's generator, so the batches are the same bit for bit for
any num_workers, and ``state_dict()`` captures everything needed to replay the next epochs.
"""

import collections
import concurrent.futures
import itertools
import numbers
import threading
import warnings

import numpy as np

from .. import _C
from .._C import Tensor
from .dataset import _batches_in_cpp

_data = _C._data

__all__ = ["DataLoader", "default_collate", "get_worker_info"]

WorkerInfo = collections.namedtuple("WorkerInfo", ["id", "num_workers", "seed", "dataset"])
_worker = threading.local()


def get_worker_info():
    """Inside a DataLoader worker (a thread here): its WorkerInfo(id, num_workers, seed,
    dataset), as torch.utils.data.get_worker_info(); None in the main thread.

    Returns:
        WorkerInfo or None: ``(id, num_workers, seed, dataset)`` in a worker thread, else None.

    Example:
        >>> st.data.get_worker_info() is None
        True
    """
    return getattr(_worker, "info", None)


def default_collate(examples):
    """Stacks a list of examples field by field, as torch's default_collate: tensors and NumPy
    arrays along a new dim 0; bools into a bool tensor, ints into int64, floats into float32 (where
    torch makes float64: float32 is what the layers take); strings stay a list; tuples,
    namedtuples, lists and dicts keep their structure with each field collated.

    Args:
        examples (list): The examples of one batch.

    Returns:
        The batch, with the structure of one example.

    Raises:
        TypeError: A field of a type it cannot stack.

    Example:
        >>> batch = st.data.default_collate([(st.zeros(2), 0), (st.ones(2), 1)])
        >>> batch[0].shape, batch[1]
        (striate.Size([2, 2]), tensor([0, 1]))
    """
    from .. import Tensor, stack, tensor

    first = examples[0]
    if isinstance(first, Tensor):
        return stack(list(examples))
    if isinstance(first, np.ndarray):
        return tensor(np.stack(examples))
    if isinstance(first, (bool, np.bool_)):
        return tensor(np.asarray(examples, dtype=np.bool_))
    if isinstance(first, numbers.Integral):
        return tensor(np.asarray(examples, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return tensor(np.asarray(examples, dtype=np.float32))
    if isinstance(first, (str, bytes)):
        return list(examples)
    if isinstance(first, (tuple, list)):
        if any(len(example) != len(first) for example in examples):
            raise ValueError("default_collate: every example in a batch must have the same "
                             f"number of fields, got {sorted({len(e) for e in examples})}")
        fields = [default_collate([example[i] for example in examples]) for i in range(len(first))]
        if isinstance(first, tuple) and hasattr(first, "_fields"):  # namedtuple
            return type(first)(*fields)
        return fields if isinstance(first, list) else tuple(fields)
    if isinstance(first, dict):
        return {key: default_collate([example[key] for example in examples]) for key in first}
    raise TypeError("default_collate: don't know how to batch examples of type "
                    f"{type(first).__name__}")


def _check_int(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"DataLoader: {name} should be an int, got {type(value).__name__}")
    if value < minimum:
        kind = "a positive" if minimum == 1 else "a non-negative"
        raise ValueError(f"DataLoader: {name} should be {kind} integer, got {value}")
    return int(value)


_warned_pin_memory = False


def _warn_pin_memory_once():
    global _warned_pin_memory
    if _warned_pin_memory:
        return
    _warned_pin_memory = True
    warnings.warn("DataLoader: pin_memory=True but page-locked memory needs the CUDA backend and "
                  "a device, which are not available: batches stay in ordinary memory",
                  UserWarning, stacklevel=3)


def _pin(batch):
    if isinstance(batch, Tensor):
        return batch.pin_memory()
    if isinstance(batch, (tuple, list)):
        return type(batch)(_pin(item) for item in batch)
    if isinstance(batch, dict):
        return {key: _pin(value) for key, value in batch.items()}
    return batch


class DataLoader:
    """Iterates over a dataset in batches (tuples of tensors).

    Tensor-backed datasets (TensorDataset, MNIST, FashionMNIST, CIFAR10/100 and their Subsets)
    batch in C++ with the GIL released; any object with ``__len__`` and ``__getitem__`` works too,
    its examples collated by stacking (:func:`default_collate`). Workers are threads of this
    process (C++ ops and Pillow release the GIL), so they share the dataset object. Breaking out
    of the loop or deleting the iterator stops the workers.

    Args:
        dataset (Dataset): The examples.
        batch_size (int): Examples per batch. Default: 1.
        shuffle (bool): A new random order each epoch. Default: False.
        sampler (Sampler or iterable, optional): The order of the examples instead (an iterable of
            indices with a length; not with shuffle). Default: None.
        batch_sampler (Sampler or iterable, optional): The batches themselves (lists of indices;
            not with batch_size, shuffle, sampler or drop_last). Default: None.
        num_workers (int): Threads building batches ahead of the loop (0: built when asked for).
            Default: 0.
        collate_fn (callable, optional): Merges a list of examples into a batch. Default: None
            (:func:`default_collate`).
        pin_memory (bool): Page-locked batches for fast copies to a GPU (warns once and does
            nothing without CUDA). Default: False.
        drop_last (bool): Skip the last incomplete batch. Default: False.
        timeout (float): Seconds to wait for one batch from the workers before RuntimeError
            (0: forever). Default: 0.
        worker_init_fn (callable, optional): ``worker_init_fn(worker_id)``, run in each worker
            thread as it starts (:func:`get_worker_info` answers there). Default: None.
        multiprocessing_context: Must stay None (no processes). Default: None.
        generator (Generator, optional): Where the order and augmentation seeds are drawn from (its
            seed is drawn once, here; not with ``seed``). Default: None.
        prefetch_factor (int, optional): Batches each worker builds ahead (keyword only).
            Default: None (2 with workers).
        persistent_workers (bool): Keep the worker threads between epochs (keyword only).
            Default: False.
        pin_memory_device (str): Accepted for torch's signature (keyword only). Default: "".
        in_order (bool): Must stay True: batches always come in order (keyword only).
            Default: True.
        seed (int, optional): Seed of the loader's own generator for shuffling and augmentation
            (keyword only). Default: None (the default generator, which ``striate.manual_seed``
            fixes).

    Raises:
        ValueError: Mutually exclusive options (sampler with shuffle, batch_sampler with
            batch_size, ...), or bad sizes.
        TypeError: A sampler without a length.

    Example:
        >>> ds = st.data.TensorDataset(st.arange(10.).view(10, 1), st.arange(10))
        >>> loader = st.data.DataLoader(ds, batch_size=4, shuffle=True, seed=0)
        >>> [tuple(x.shape) for x, y in loader]
        [(4, 1), (4, 1), (2, 1)]
        >>> len(loader)
        3
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False,
                 timeout=0, worker_init_fn=None, multiprocessing_context=None, generator=None,
                 *, prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True, seed=None):
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None and (batch_size != 1 or shuffle or sampler is not None
                                          or drop_last):
            raise ValueError("DataLoader: batch_sampler option is mutually exclusive with "
                             "batch_size, shuffle, sampler, and drop_last")
        for name, value in (("sampler", sampler), ("batch_sampler", batch_sampler)):
            if value is not None and not (hasattr(value, "__iter__") and hasattr(value, "__len__")):
                raise TypeError(f"DataLoader: {name} should be an iterable with a length, got "
                                f"{type(value).__name__}")
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.batch_size = _check_int("batch_size", batch_size, 1)
        self.num_workers = _check_int("num_workers", num_workers, 0)
        if prefetch_factor is not None and self.num_workers == 0:
            raise ValueError("DataLoader: prefetch_factor option could only be specified with "
                             "num_workers > 0 (otherwise leave it None)")
        self.prefetch_factor = _check_int("prefetch_factor",
                                          2 if prefetch_factor is None else prefetch_factor, 1)
        if persistent_workers and self.num_workers == 0:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
        self.persistent_workers = bool(persistent_workers)
        if isinstance(timeout, bool) or not isinstance(timeout, numbers.Real) or timeout < 0:
            raise ValueError(f"DataLoader: timeout option should be non-negative, got {timeout!r}")
        self.timeout = float(timeout)
        if worker_init_fn is not None and not callable(worker_init_fn):
            raise TypeError("DataLoader: worker_init_fn should be callable, got "
                            f"{type(worker_init_fn).__name__}")
        self.worker_init_fn = worker_init_fn
        if multiprocessing_context is not None:
            raise ValueError("DataLoader: multiprocessing_context must be None: striate's workers "
                             "are threads of this process")
        if in_order is not True:
            raise ValueError("DataLoader: in_order must be True: batches always come in order")
        self.pin_memory_device = pin_memory_device
        from .._generator import Generator

        if generator is not None:
            if not isinstance(generator, Generator):
                raise TypeError("DataLoader: generator should be a striate.Generator or None, "
                                f"got {type(generator).__name__}")
            if seed is not None:
                raise ValueError("DataLoader: give either seed or generator, not both")
            from .. import randint

            seed = int(randint(0, 1 << 62, (1,), generator=generator).item())
        self.generator = generator
        self._executor = None  # the persistent workers' pool
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                                 or seed < 0):
            raise ValueError(f"DataLoader: seed should be a non-negative int or None, got {seed!r}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError("DataLoader: the dataset must define __len__ and __getitem__, "
                            f"got {type(dataset).__name__}")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn should be callable, got "
                            f"{type(collate_fn).__name__}")
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self.collate_fn = collate_fn or default_collate
        self.pin_memory = bool(pin_memory)
        # Batches are copied into page-locked memory as they are handed out (like PyTorch's
        # pinning thread, but in the consumer: the copy is a memcpy with the GIL released).
        self._pinning = self.pin_memory and _C.cuda_is_available()
        if self.pin_memory and not self._pinning:
            _warn_pin_memory_once()
        seed = None if seed is None else int(seed)
        python_workers_needed = self.num_workers > 0 and (
            worker_init_fn is not None or self.timeout > 0)
        if collate_fn is None and _batches_in_cpp(dataset) and not python_workers_needed:
            self._loader = _data.DataLoader(dataset, self.batch_size, self.shuffle,
                                            self.drop_last, seed, self.num_workers,
                                            self.prefetch_factor)
            self._sampler = None
        else:
            self._loader = None
            self._sampler = _data.BatchSampler(len(dataset), self.batch_size, self.shuffle,
                                               self.drop_last, seed)

    def __len__(self):
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        if self.sampler is not None:
            count = len(self.sampler)
            return count // self.batch_size if self.drop_last else -(-count // self.batch_size)
        return len(self._loader) if self._loader is not None else len(self._sampler)

    def __iter__(self):
        batches = self._batches()
        return (_pin(batch) for batch in batches) if self._pinning else batches

    def _custom_order(self):
        """The epoch's (order, batch bounds) from the sampler or batch sampler: bounds [0, ...,
        len(order)] cut the order into batches."""
        if self.batch_sampler is not None:
            order, bounds = [], [0]
            for batch in self.batch_sampler:
                indices = [int(i) for i in batch]
                if not indices:
                    raise ValueError("DataLoader: the batch sampler gave an empty batch")
                order += indices
                bounds.append(len(order))
            return order, bounds
        order = [int(i) for i in self.sampler]
        bounds = self._fixed_bounds(len(order))
        del order[bounds[-1]:]
        return order, bounds

    def _fixed_bounds(self, length):
        """Batch bounds cutting `length` examples into batch_size batches (drop_last applied)."""
        size = self.batch_size
        full = length // size
        bounds = list(range(0, full * size + 1, size))
        if not self.drop_last and length > full * size:
            bounds.append(length)
        return bounds

    def _batches(self):
        if self.sampler is None and self.batch_sampler is None:
            if self._loader is not None:
                return iter(self._loader)
            order, epoch_seed = self._sampler.next_epoch()
            bounds = self._fixed_bounds(len(order))
        else:
            order, bounds = self._custom_order()
            if self._loader is not None:
                return iter(self._loader.epoch_of(order, bounds))
            size = len(self.dataset)
            for index in order:
                if not 0 <= index < size:
                    raise IndexError(f"DataLoader: the sampler gave index {index}, outside the "
                                     f"dataset of {size} examples")
            epoch_seed = self._sampler.next_seed()
        if self.num_workers == 0:
            return self._python_batches(order, epoch_seed, bounds)
        return self._threaded_batches(order, epoch_seed, bounds)

    def state_dict(self):
        """The sampler generator's state: a loader given it with load_state_dict() draws the
        same epochs (orders and augmentation seeds) as this one from here on.

        Returns:
            dict: ``{"generator_state": ...}``.

        Example:
            >>> data = st.data.TensorDataset(st.arange(4))
            >>> loader = st.data.DataLoader(data, shuffle=True, seed=0)
            >>> "generator_state" in loader.state_dict()
            True
        """
        source = self._loader if self._loader is not None else self._sampler
        return {"generator_state": source.state()}

    def load_state_dict(self, state_dict):
        """Restores the sampling position, so that a resumed epoch yields the remaining batches.

        Args:
            state_dict (dict): A dict from :meth:`state_dict`.

        Raises:
            ValueError: ``state_dict`` does not come from :meth:`state_dict`.

        Example:
            >>> loader = st.data.DataLoader(st.data.TensorDataset(st.arange(8)), batch_size=2,
            ...                             shuffle=True, seed=0)
            >>> state = loader.state_dict()
            >>> loader.load_state_dict(state)
        """
        if not isinstance(state_dict, dict) or "generator_state" not in state_dict:
            raise ValueError("DataLoader.load_state_dict: expected a dict from state_dict() with "
                             "the key 'generator_state'")
        target = self._loader if self._loader is not None else self._sampler
        target.set_state(state_dict["generator_state"])

    def _build_batch(self, order, epoch_seed, bounds, batch):
        examples = []
        for position in range(bounds[batch], bounds[batch + 1]):
            with _data.augmentation_seed(_data.example_seed(epoch_seed, position)):
                examples.append(self.dataset[order[position]])
        return self.collate_fn(examples)

    def _python_batches(self, order, epoch_seed, bounds):
        for batch in range(len(bounds) - 1):
            yield self._build_batch(order, epoch_seed, bounds, batch)

    def _start_workers(self, base_seed):
        ids = itertools.count()
        lock = threading.Lock()

        def initialize():
            with lock:
                worker_id = next(ids)
            _worker.info = WorkerInfo(worker_id, self.num_workers, base_seed + worker_id,
                                      self.dataset)
            if self.worker_init_fn is not None:
                self.worker_init_fn(worker_id)

        return concurrent.futures.ThreadPoolExecutor(
            max_workers=self.num_workers, thread_name_prefix="striate-data",
            initializer=initialize)

    def _threaded_batches(self, order, epoch_seed, bounds):
        num_batches = len(bounds) - 1
        ahead = self.num_workers * self.prefetch_factor
        if self.persistent_workers:
            if self._executor is None:
                self._executor = self._start_workers(epoch_seed)
            executor = self._executor
        else:
            executor = self._start_workers(epoch_seed)
        pending = collections.deque()
        submitted = 0
        timed_out = False
        try:
            for _ in range(num_batches):
                while submitted < num_batches and len(pending) < ahead:
                    pending.append(executor.submit(self._build_batch, order, epoch_seed, bounds,
                                                   submitted))
                    submitted += 1
                try:
                    batch = pending.popleft().result(timeout=self.timeout or None)
                except concurrent.futures.TimeoutError:
                    timed_out = True
                    raise RuntimeError(f"DataLoader timed out after {self.timeout:g} seconds "
                                       "waiting for a batch from its workers") from None
                yield batch
        finally:
            # Reached on exhaustion, on an exception, and when the loop is left early (the
            # generator is closed): queued batches are dropped, running ones awaited (a
            # persistent pool stays up for the next epoch).
            for future in pending:
                future.cancel()
            if timed_out:  # a stuck worker must not hang the loop that gave up on it
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            elif executor is not self._executor:
                executor.shutdown(wait=True)

    def __del__(self):
        executor = getattr(self, "_executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
