"""atheris harnesses for the Python side. A typed exception (ValueError, TypeError, IndexError,
RuntimeError, OSError, MemoryError, OverflowError, NotImplementedError, KeyError, and
pickle.UnpicklingError for a refused pickle) is an accepted answer; anything else - a crash,
SystemError, an untyped exception, a tensor whose element count disagrees with its shape - is a
finding.

- shapes: the shape arguments of the creation and view ops (sizes around the overflow limits);
- files: the data readers, by the input's first byte: read_idx, CIFAR python batches, one image
  (pil_loader), an ImageFolder holding the image (scan-time verification, then loading);
- models: striate.load of model files, checkpoints and torch .pt files; the first byte's bit 0
  also loads the result's "model" and "optimizer" state dicts into a small model and an optimizer
  (SGD with momentum, or Adam with bit 1), the way a resumed run does.

    tests/fuzz/run_atheris build/asan 30          # each harness 30 s from its seeds (what CI runs)
    python3 tests/fuzz/atheris_fuzz.py shapes -max_total_time=30
    python3 tests/fuzz/atheris_fuzz.py models -max_total_time=30 tests/data/fuzz/model/seeds

With STRIATE_DEV_BUILD pointing at a sanitized build and the ASan runtime preloaded (run_atheris
does both, through run_sanitized) memory errors are caught too. Every crash found becomes a file
under tests/data/fuzz/atheris_<harness>/regressions, replayed by run_atheris before fuzzing."""

import math
import os
import pickle
import sys
import tempfile

import atheris

# Coverage feedback from the Python code the harnesses reach (instrumenting all of striate would
# take minutes at start-up); the C++ core is reached through these.
INSTRUMENTED = ["striate.data", "striate.serialization", "striate._torch_file",
                "striate._restricted_pickle", "striate.io", "striate._tensor", "striate._creation",
                "striate._size"]
with atheris.instrument_imports(include=INSTRUMENTED):
    import striate as st
    import striate.data.vision as vision

ACCEPTED = (ValueError, TypeError, IndexError, RuntimeError, OSError, MemoryError, OverflowError,
            NotImplementedError, KeyError,
            pickle.UnpicklingError)  # a refused pickle (UnsafeGlobalError, damaged opcodes)

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


def write(path, content):
    with open(path, "wb") as f:
        f.write(content)
    return path


def fuzz_files(data):
    if not data:
        return
    which, content = data[0] % 4, data[1:]
    with tempfile.TemporaryDirectory() as folder:
        try:
            if which == 0:
                check_tensor(st.data.read_idx(write(os.path.join(folder, "x-idx3-ubyte"), content)))
            elif which == 1:
                vision._unpickle(write(os.path.join(folder, "data_batch_1"), content), "CIFAR10")
            elif which == 2:
                check_tensor(vision.pil_loader(write(os.path.join(folder, "image.png"), content)))
            else:
                os.mkdir(os.path.join(folder, "cat"))
                write(os.path.join(folder, "cat", "image.png"), content)
                images = vision.ImageFolder(folder)
                check_tensor(images[0][0])
        except ACCEPTED:
            pass


def tiny_model():
    """fuzz_model.cpp's checkpoint model: Conv2d(1, 2, 3), ReLU, Flatten, Linear(8, 3)."""
    return st.nn.Sequential(st.nn.Conv2d(1, 2, 3), st.nn.ReLU(), st.nn.Flatten(),
                            st.nn.Linear(8, 3))


def check_loaded(obj, depth=0):
    """Walks what striate.load returned: every tensor in it must hold its elements."""
    if depth > 50:
        return
    if isinstance(obj, st.Tensor):
        check_tensor(obj)
    elif isinstance(obj, dict):
        for value in obj.values():
            check_loaded(value, depth + 1)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            check_loaded(value, depth + 1)
    elif isinstance(obj, st.nn.Module):
        for tensor in obj.state_dict().values():
            check_tensor(tensor)


def fuzz_models(data):
    if not data:
        return
    mode, content = data[0], data[1:]
    with tempfile.TemporaryDirectory() as folder:
        path = write(os.path.join(folder, "model.pt"), content)
        try:
            loaded = st.load(path)
            check_loaded(loaded)
            if mode & 1 and isinstance(loaded, dict):
                model = tiny_model()
                if mode & 2:
                    optimizer = st.optim.Adam(model.parameters(), lr=1e-3)
                else:
                    optimizer = st.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
                state, optimizer_state = loaded.get("model"), loaded.get("optimizer")
                if not isinstance(state, dict) or not isinstance(optimizer_state, dict):
                    return
                model.load_state_dict(state)
                optimizer.load_state_dict(optimizer_state)
                model(st.ones(1, 1, 4, 4)).sum().backward()
                optimizer.step()  # the restored state is used
        except ACCEPTED:
            pass


def main():
    mode = sys.argv.pop(1)
    target = {"shapes": fuzz_shapes, "files": fuzz_files, "models": fuzz_models}[mode]
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
