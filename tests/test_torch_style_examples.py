"""examples/torch_style: three training scripts in the idiom of PyTorch's official tutorials and
examples, each as a PyTorch version and a striate version that differ only in their import lines.
The test diffs each pair (any other difference fails), runs every striate version on the bundled
Fashion-MNIST sample with short settings (train, then --resume from the checkpoint), and runs the
PyTorch versions the same way with torchvision's real data modules (tests/torchvision_shim.py;
CI installs torchvision for them)."""

import gzip
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import torchvision_shim

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(ROOT, "examples", "torch_style")
SAMPLE = os.path.join(ROOT, "python", "striate", "_sample_data", "fashion-mnist")
SHIM = os.path.join(ROOT, "tests", "torchvision_shim.py")
SCRIPTS = ["fashion_mnist_cnn.py", "image_folder_classifier.py", "quickstart.py"]
IMPORT = re.compile(r"(import|from) \S")


def split_imports(path):
    """(import lines, every other line) of a script."""
    with open(path) as f:
        lines = f.read().split("\n")
    return ([line for line in lines if IMPORT.match(line)],
            [line for line in lines if not IMPORT.match(line)])


def test_the_two_folders_hold_the_same_scripts():
    assert sorted(os.listdir(os.path.join(EXAMPLES, "with_pytorch"))) == SCRIPTS
    assert sorted(os.listdir(os.path.join(EXAMPLES, "with_striate"))) == SCRIPTS


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_twins_differ_only_in_their_import_lines(script):
    torch_imports, torch_body = split_imports(os.path.join(EXAMPLES, "with_pytorch", script))
    st_imports, st_body = split_imports(os.path.join(EXAMPLES, "with_striate", script))
    assert st_body == torch_body, "the scripts differ outside their import lines"
    for line in st_imports:
        assert not re.search(r"\b(torch|torchvision)\b(?! *$)", line.replace(" as torch", "")), line
    assert any("striate" in line for line in st_imports)
    assert any(line.startswith(("import torch", "from torch")) for line in torch_imports)
    assert not any("striate" in line for line in torch_imports)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    """The bundled sample in torchvision's layouts: root/FashionMNIST/raw/*-ubyte (unpacked, as
    torchvision keeps them) and an ImageFolder of three classes
    (root/folder/{train,val}/<class>)."""
    root = tmp_path_factory.mktemp("torch_style_data")
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    arrays = {}
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                 "t10k-labels-idx1-ubyte"):
        with gzip.open(os.path.join(SAMPLE, name + ".gz")) as f:
            content = f.read()
        (raw / name).write_bytes(content)
        arrays[name] = np.frombuffer(content, np.uint8, offset=16 if "images" in name else 8)
    from PIL import Image

    classes = {0: "shirt", 1: "trouser", 7: "sneaker"}
    for split, prefix, count in (("train", "train", 24), ("val", "t10k", 10)):
        images = arrays[f"{prefix}-images-idx3-ubyte"].reshape(-1, 28, 28)
        labels = arrays[f"{prefix}-labels-idx1-ubyte"]
        for label, name in classes.items():
            folder = root / "folder" / split / name
            folder.mkdir(parents=True)
            for k, i in enumerate(np.flatnonzero(labels == label)[:count]):
                Image.fromarray(images[i]).save(folder / f"{k:03d}.png")
    return root


def arguments(script, root, out):
    if script == "fashion_mnist_cnn.py":
        return ["--data-root", str(root), "--limit", "256", "--test-limit", "200",
                "--log-interval", "2", "--checkpoint", str(out / "cnn.pt")]
    if script == "image_folder_classifier.py":
        return ["--data-root", str(root / "folder"), "--batch-size", "12", "--out", str(out)]
    return ["--data-root", str(root), "--limit", "256", "--out", str(out)]


def run(command, cwd):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600, env=env,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def train_then_resume(prefix, script, root, out, resumed_epochs=2):
    """One epoch, then --resume up to resumed_epochs: the second run starts from the checkpoint
    (with resumed_epochs=1 it only loads it, then evaluates and saves as the script ends)."""
    base = arguments(script, root, out)
    first = run(prefix + base + ["--epochs", "1", "--workers", "2"], out)
    second = run(prefix + base + ["--epochs", str(resumed_epochs), "--workers", "2", "--resume"],
                 out)
    for output in (first, second):
        accuracy = float(re.search(r"final accuracy (\d+\.\d+)", output).group(1))
        assert 0.0 <= accuracy <= 100.0
    assert re.search(r"(?i)resum", second), second[-2000:]
    assert "Using cpu device" in first
    return first, second


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_striate_version_trains_and_resumes(script, data_root, tmp_path):
    path = os.path.join(EXAMPLES, "with_striate", script)
    first, second = train_then_resume([sys.executable, path], script, data_root, tmp_path)
    if script != "fashion_mnist_cnn.py":
        assert "final accuracy" in second


@pytest.mark.skipif(torchvision_shim.torchvision_folder() is None,
                    reason="torchvision not installed for the shim (pip install --no-deps "
                           "--target /opt/torchvision-nodeps torchvision==0.28.0)")
@pytest.mark.parametrize("script", SCRIPTS)
def test_the_pytorch_version_runs_with_torchvision(script, data_root, tmp_path):
    path = os.path.join(EXAMPLES, "with_pytorch", script)
    # the resumed run only loads the checkpoint: PyTorch's runs cost CI time, striate's train
    train_then_resume([sys.executable, SHIM, path], script, data_root, tmp_path, resumed_epochs=1)
