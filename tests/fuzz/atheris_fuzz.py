"""atheris harnesses for the Python side: the file loaders (IDX, CIFAR python batches, images,
striate.load) and the shape arguments of the creation and view ops. A typed exception (ValueError,
TypeError, IndexError, RuntimeError, OSError, MemoryError, OverflowError, NotImplementedError) is
an accepted answer; anything else - a crash, SystemError, an untyped exception, a tensor whose
element count disagrees with its shape - is a finding.

    python3 tests/fuzz/atheris_fuzz.py shapes -max_total_time=30
    python3 tests/fuzz/atheris_fuzz.py loaders -max_total_time=30 tests/data/fuzz/idx/seeds ...

With STRIATE_DEV_BUILD pointing at a sanitized build (and the ASan runtime preloaded) memory errors
are caught too; tests/fuzz/run_atheris does that."""

import math
import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    import striate as st
    import striate.data.vision as vision

ACCEPTED = (ValueError, TypeError, IndexError, RuntimeError, OSError, MemoryError, OverflowError,
            NotImplementedError, KeyError)

# Interesting sizes: small, zero, negative, and around the overflow limits.
SPECIAL = [0, 1, 2, 3, -1, -2, 2**31 - 1, 2**31, 2**32, 2**32 + 1, 2**40, 2**62, 2**63 - 1,
           -2**63, 2**63, 2**64]
LIMIT = 1 << 22  # a valid shape above this many elements is not allocated (it is just slow)


def size(fdp):
    if fdp.ConsumeBool():
        return SPECIAL[fdp.ConsumeIntInRange(0, len(SPECIAL) - 1)]
    return fdp.ConsumeIntInRange(-3, 8)


def sizes(fdp, most=5):
    return [size(fdp) for _ in range(fdp.ConsumeIntInRange(0, most))]


def affordable(shape):
    """Whether allocating the shape is cheap, or the call must fail (a negative or overflowing
    size): a valid but large shape is skipped rather than allocated."""
    if any(s < 0 for s in shape):
        return True
    count = math.prod(shape)
    return count <= LIMIT or count >= 2**63


CREATION = ["zeros", "ones", "empty", "rand", "randn", "full"]
VIEWS = ["reshape", "view", "expand", "flatten", "unflatten", "permute", "transpose", "narrow",
         "select", "squeeze", "unsqueeze", "getitem"]


def check_tensor(t):
    if isinstance(t, st.Tensor):
        assert t.numel() == math.prod(t.shape), (t.shape, t.numel())
        if t.numel() <= LIMIT and t.is_contiguous():
            t.sum()  # reads every element: ASan catches a buffer smaller than the shape


def fuzz_shapes(data):
    fdp = atheris.FuzzedDataProvider(data)
    kind = fdp.ConsumeIntInRange(0, 1)
    try:
        if kind == 0:
            name = CREATION[fdp.ConsumeIntInRange(0, len(CREATION) - 1)]
            shape = sizes(fdp)
            if not affordable(shape):
                return
            t = st.full(shape, 1.5) if name == "full" else getattr(st, name)(*shape)
            check_tensor(t)
            return
        base_shape = [fdp.ConsumeIntInRange(0, 4) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        x = st.zeros(*base_shape) if base_shape else st.zeros(())
        if fdp.ConsumeBool() and x.dim() >= 2:
            x = x.transpose(0, 1)
        name = VIEWS[fdp.ConsumeIntInRange(0, len(VIEWS) - 1)]
        args = sizes(fdp, 4)
        if name in ("reshape", "view"):
            out = getattr(x, name)(*args)
        elif name == "expand":
            out = x.expand(*args)
            check_tensor(out.contiguous() if out.numel() <= LIMIT else out)
        elif name == "unflatten":
            out = x.unflatten(size(fdp), args)
        elif name == "getitem":
            out = x[tuple(slice(*args[i:i + 3]) if fdp.ConsumeBool() else args[i]
                          for i in range(0, len(args), 3))]
        else:
            out = getattr(x, name)(*args)
        check_tensor(out)
    except ACCEPTED:
        pass


def fuzz_loaders(data):
    fdp = atheris.FuzzedDataProvider(data)
    which = fdp.ConsumeIntInRange(0, 3)
    content = fdp.ConsumeBytes(fdp.remaining_bytes())
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, ["data-idx3-ubyte", "data_batch_1", "image.png",
                                     "model.pt"][which])
        with open(path, "wb") as f:
            f.write(content)
        try:
            if which == 0:
                check_tensor(st.data.read_idx(path))
            elif which == 1:
                vision._unpickle(path, "CIFAR10")
            elif which == 2:
                check_tensor(vision.pil_loader(path))
            else:
                st.load(path)
        except ACCEPTED:
            pass


def main():
    mode = sys.argv.pop(1)
    target = {"shapes": fuzz_shapes, "loaders": fuzz_loaders}[mode]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
