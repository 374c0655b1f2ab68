"""The one place the package unpickles. A pickle names the functions and classes it calls; the
restricted unpickler resolves only the (module, name) pairs its caller allows, so a file can never
name code to run. striate.load (old checkpoints, PyTorch files) and the CIFAR readers each pass
their own list;
tests/test_hardening.py fails if any other module unpickles."""

import io
import pickle
import pickletools

__all__ = ["UnsafeGlobalError", "latin1_bytes", "restricted_load"]


class UnsafeGlobalError(pickle.UnpicklingError):
    """A restricted load met a reference to code (a class or function) it does not allow."""


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, allowed, refusal, persistent_load=None, **options):
        super().__init__(file, **options)
        self._allowed = allowed
        self._refusal = refusal
        self._persistent_load = persistent_load

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafeGlobalError(self._refusal(module, name)) from None

    def persistent_load(self, pid):
        if self._persistent_load is None:
            raise pickle.UnpicklingError("a persistent id in a pickle that declares none")
        return self._persistent_load(pid)


def latin1_bytes(who):
    """The stand-in for _codecs.encode that a reader admits: pickle protocol 2, written by Python 3,
    stores bytes as _codecs.encode(text, "latin1"). Any other call - another encoding (a damaged
    file naming an unknown codec raised LookupError, which no reader expected), errors, or a
    non-string - is refused as an unsafe global naming `who`."""

    def encode(text, encoding="latin1", errors="strict"):
        if not isinstance(text, str) or encoding != "latin1" or errors != "strict":
            raise UnsafeGlobalError(
                f"{who}: _codecs.encode is admitted only as pickle protocol 2 writes bytes, "
                f"encode(str, 'latin1'); the file calls encode({type(text).__name__}, "
                f"{str(encoding)[:40]!r})")
        try:
            return text.encode("latin1")
        except UnicodeEncodeError:
            raise UnsafeGlobalError(f"{who}: _codecs.encode of a string outside latin1, which "
                                    "pickle never writes (a damaged file)") from None

    return encode


_MEMO_OPCODES = ("PUT", "BINPUT", "LONG_BINPUT")


class _BoundedReader:
    """A file whose read(n) never asks for more than the bytes left before `end`: pickletools
    reads a length-prefixed argument with one read(n), and Python's buffered read(n) allocates n
    bytes before it finds how many there are, so a damaged 4 GiB length in a 2 KiB file would
    allocate 4 GiB. Short reads make pickletools report a truncated argument instead."""

    def __init__(self, file, end):
        self._file, self._end = file, end

    def read(self, n=-1):
        left = max(0, self._end - self._file.tell())
        return self._file.read(left if n is None or n < 0 else min(n, left))

    def readline(self):
        return self._file.readline()

    def tell(self):
        return self._file.tell()


def _check_memo_indices(file):
    """Walks the pickle's opcodes (parsing only, nothing runs) and refuses a memo index larger
    than the number of opcodes before it: the C unpickler sizes its memo by the largest index, so
    one damaged LONG_BINPUT would make it allocate and clear gigabytes. An argument longer than
    the bytes left in the file is refused too (before the C unpickler would allocate for it).
    The file is rewound."""
    start = file.tell()
    end = file.seek(0, io.SEEK_END)
    file.seek(start)
    try:
        opcodes = pickletools.genops(_BoundedReader(file, end))
        for count, (opcode, argument, _) in enumerate(opcodes):
            if opcode.name in _MEMO_OPCODES and isinstance(argument, int) and argument > count:
                raise pickle.UnpicklingError(
                    f"memo index {argument} at opcode {count} (a damaged pickle)")
    except ValueError as error:  # genops: an unknown opcode or a truncated argument
        raise pickle.UnpicklingError(f"a damaged pickle ({error})") from None
    finally:
        file.seek(start)


def restricted_load(file, allowed, refusal, persistent_load=None, **options):
    """Unpickles one object from a binary file object. allowed: {(module, name): object} - the only
    globals the pickle may use; refusal(module, name) -> the message of the UnsafeGlobalError raised
    for any other; persistent_load(pid) resolves persistent ids (PyTorch's storages), refused when
    None. options: pickle.Unpickler's (encoding=...)."""
    if file.seekable():
        _check_memo_indices(file)
    return _RestrictedUnpickler(file, allowed, refusal, persistent_load, **options).load()
