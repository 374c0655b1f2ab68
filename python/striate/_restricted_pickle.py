"""The one place the package unpickles. A pickle names the functions and classes it calls; the
restricted unpickler resolves only the (module, name) pairs its caller allows, so a file can never
name code to run. striate.load (checkpoints) and the CIFAR readers each pass their own list;
tests/test_hardening.py fails if any other module unpickles."""

import pickle

__all__ = ["UnsafeGlobalError", "restricted_load", "unrestricted_load"]


class UnsafeGlobalError(pickle.UnpicklingError):
    """A restricted load met a reference to code (a class or function) it does not allow."""


class _RestrictedUnpickler(pickle.Unpickler):
    def __init__(self, file, allowed, refusal, **options):
        super().__init__(file, **options)
        self._allowed = allowed
        self._refusal = refusal

    def find_class(self, module, name):
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise UnsafeGlobalError(self._refusal(module, name)) from None


def restricted_load(file, allowed, refusal, **options):
    """Unpickles one object from a binary file object. allowed: {(module, name): object} - the only
    globals the pickle may use; refusal(module, name) -> the message of the UnsafeGlobalError raised
    for any other. options: pickle.Unpickler's (encoding=...)."""
    return _RestrictedUnpickler(file, allowed, refusal, **options).load()


def unrestricted_load(file):
    """Unpickles with no restriction: runs whatever code the file names. Only for files the user
    has said they trust (striate.load(..., weights_only=False))."""
    return pickle.Unpickler(file).load()
