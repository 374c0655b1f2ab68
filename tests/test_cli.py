"""The `striate` command: training on the bundled Fashion-MNIST sample, eval/predict from its
checkpoint, summary/models, and one-line errors with exit status 2."""

import csv
import os
import subprocess
import sys

import numpy as np
import pytest

import striate
from striate import cli

SAMPLE = cli.BUNDLED_FASHION_MNIST


def run_cli(argv, capsys):
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        status = cli.main(["train", "--data-dir", SAMPLE, "--epochs", "3", "--batch-size", "64",
                           "--lr", "0.05", "--quiet", "--augment", "flip", "--out", str(out)])
    assert status == 0, stderr.getvalue()
    return out, stdout.getvalue()


def test_bundled_sample_is_real_fashion_mnist():
    from striate import data

    train = data.FashionMNIST(SAMPLE, train=True)
    test = data.FashionMNIST(SAMPLE, train=False)
    assert (len(train), len(test)) == (4000, 1000)
    counts = np.bincount(train.targets.numpy(), minlength=10)
    assert counts.tolist() == [400] * 10
    assert os.path.exists(os.path.join(SAMPLE, "LICENSE"))
    with open(os.path.join(SAMPLE, "LICENSE")) as f:
        assert "Zalando SE" in f.read()


def test_train_on_the_sample_learns(trained_run):
    out, printed = trained_run
    assert "the sample bundled with striate" not in printed  # --data-dir given explicitly
    with open(out / "history.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    losses = [float(row["train_loss"]) for row in rows]
    assert losses[-1] < losses[0]
    final = [line for line in printed.splitlines() if line.startswith("final test accuracy")]
    assert final, printed
    accuracy = float(final[0].split(":")[1].split("%")[0])
    assert accuracy > 70.0, printed
    for name in ("last.pt", "best.pt", "history.csv", "curves.png", "lr.png", "confusion.png",
                 "filters.png", "predictions.png"):
        assert (out / name).exists(), name
    for line in printed.splitlines()[:4]:
        assert not line.startswith("Traceback")


def test_default_dataset_falls_back_to_the_bundled_sample(monkeypatch):
    monkeypatch.setattr(cli, "SYSTEM_FASHION_MNIST", "/nonexistent/fashion-mnist")
    root, described = cli._dataset_root("fashion-mnist", None)
    assert root == SAMPLE and "sample bundled with striate" in described
    if os.path.isdir("/usr/share/datasets/fashion-mnist"):
        monkeypatch.setattr(cli, "SYSTEM_FASHION_MNIST", "/usr/share/datasets/fashion-mnist")
        root, described = cli._dataset_root("fashion-mnist", None)
        assert root == "/usr/share/datasets/fashion-mnist" and "full dataset" in described


def test_eval_reports_the_checkpoint_accuracy(trained_run, capsys):
    out, printed = trained_run
    status, stdout, _ = run_cli(["eval", str(out / "last.pt"), "--data-dir", SAMPLE], capsys)
    assert status == 0
    final = float(printed.split("final test accuracy: ")[1].split("%")[0]) / 100
    reported = float(stdout.split("accuracy ")[1].split(",")[0])
    assert reported == pytest.approx(final, abs=1e-4)


def test_predict_prints_top5(trained_run, capsys, tmp_path):
    from PIL import Image

    from striate import data

    out, _ = trained_run
    test = data.FashionMNIST(SAMPLE, train=False)
    paths = []
    for index in range(2):
        image = (test.data[index].numpy()[0] * 255).round().astype(np.uint8)
        path = tmp_path / f"item{index}.png"
        Image.fromarray(image).save(path)
        paths.append(str(path))
    status, stdout, _ = run_cli(["predict", str(out / "best.pt"), *paths], capsys)
    assert status == 0
    lines = stdout.strip().splitlines()
    assert len(lines) == 2
    for line in lines:
        assert line.count(". ") == 5 and "5. " in line
        probabilities = [float(part.split()[-1]) for part in line.split(": ", 1)[1].split("  ")]
        assert probabilities == sorted(probabilities, reverse=True)
        assert 0 < sum(probabilities) <= 1.0 + 1e-3
    assert any(name in stdout for name in data.FashionMNIST.classes)


def test_summary_and_models(capsys):
    status, stdout, _ = run_cli(["models"], capsys)
    assert status == 0
    names = [line.split()[0] for line in stdout.strip().splitlines()]
    assert names == striate.models.list_models()
    status, stdout, _ = run_cli(["summary", "resnet20"], capsys)
    assert status == 0 and "Total mult-adds" in stdout and "269,722" in stdout
    status, stdout, _ = run_cli(["summary", "lenet5", "--input-size", "1x28x28"], capsys)
    assert status == 0 and "61,706" in stdout


@pytest.mark.parametrize("argv, message", [
    (["train", "--model", "nosuch"], "unknown model 'nosuch'"),
    (["train", "--dataset", "imagenet"], "argument --dataset: invalid choice: 'imagenet'"),
    (["train", "--augment", "flip,twirl"], "unknown augmentation 'twirl'"),
    (["train", "--data-dir", "/nonexistent/dir"], "data directory /nonexistent/dir does not exist"),
    (["train", "--dataset", "cifar10"], "dataset cifar10 needs --data-dir"),
    (["train", "--epochs", "ten"], "argument --epochs: invalid int value: 'ten'"),
    (["train", "--bogus-option"], "unrecognized arguments: --bogus-option"),
    (["train", "--model", "alexnet", "--epochs", "0"], "model alexnet cannot take 1x28x28 images"),
    (["train", "--model", "vgg11", "--epochs", "0"], "designed for 224x224: pass --image-size 224"),
    (["train", "--image-size", "0"], "--image-size must be >= 1, got 0"),
    (["train", "--augment", "gray"], "--augment gray needs colour images"),
    (["eval", "/nonexistent/ckpt.pt"], "cannot read checkpoint /nonexistent/ckpt.pt"),
    (["summary", "lenet5", "--input-size", "abc"], "--input-size should look like 3x224x224"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_is_one_line_and_status_2(argv, message, capsys):
    status, stdout, stderr = run_cli(argv, capsys)
    assert status == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("striate: error: "), stderr
    assert message in lines[0]


def test_unreadable_checkpoint_and_image(tmp_path, trained_run, capsys):
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"\x00" * 100)
    status, _, stderr = run_cli(["eval", str(garbage)], capsys)
    assert status == 2 and "cannot read checkpoint" in stderr and "Traceback" not in stderr
    not_image = tmp_path / "notes.png"
    not_image.write_text("hello")
    out, _ = trained_run
    status, _, stderr = run_cli(["predict", str(out / "best.pt"), str(not_image)], capsys)
    assert status == 2 and "cannot read image" in stderr


def test_console_entry_point_exits_2_without_traceback():
    result = subprocess.run([sys.executable, "-m", "striate", "train", "--model", "nosuch"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip() == ("striate: error: unknown model 'nosuch'; `striate models` "
                                     "lists the zoo")


def write_image_folder(root):
    """train/ and val/ folders of red and blue 20x24 PNGs (12 + 4 per class)."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for split, count in (("train", 12), ("val", 4)):
        for label, colour in (("red", (200, 30, 30)), ("blue", (30, 30, 200))):
            folder = root / split / label
            folder.mkdir(parents=True)
            for index in range(count):
                pixels = np.clip(np.array(colour) + rng.integers(-20, 20, size=(20, 24, 3)), 0, 255)
                Image.fromarray(pixels.astype(np.uint8)).save(folder / f"{index}.png")


def test_googlenet_trains_with_its_auxiliary_classifiers(tmp_path, capsys):
    write_image_folder(tmp_path / "images")
    out = tmp_path / "run"
    status, stdout, stderr = run_cli(["train", "--dataset", "imagefolder", "--data-dir",
                                      str(tmp_path / "images"), "--image-size", "32", "--model",
                                      "googlenet", "--epochs", "1", "--batch-size", "8", "--quiet",
                                      "--out", str(out)], capsys)
    assert status == 0, stderr
    state = striate.load(out / "last.pt")
    assert state["run"]["aux_logits"] is True
    assert any(name.startswith("aux1.") for name in state["model"])
    assert any(name.startswith("aux2.") for name in state["model"])
    status, stdout, stderr = run_cli(["predict", str(out / "last.pt"),
                                      str(tmp_path / "images" / "val" / "red" / "0.png")], capsys)
    assert status == 0 and stdout.count(". ") == 2, stderr


def test_train_on_an_image_folder(tmp_path, capsys):
    write_image_folder(tmp_path / "images")
    out = tmp_path / "run"
    status, stdout, stderr = run_cli(["train", "--dataset", "imagefolder", "--data-dir",
                                      str(tmp_path / "images"), "--image-size", "32", "--model",
                                      "convnetjs_cifar10", "--epochs", "2", "--batch-size", "8",
                                      "--augment", "crop,flip,blur,gray", "--quiet", "--out",
                                      str(out)], capsys)
    assert status == 0, stderr
    assert "24 training and 8 test images, 2 classes" in stdout
    status, stdout, _ = run_cli(["predict", str(out / "last.pt"),
                                 str(tmp_path / "images" / "val" / "red" / "0.png")], capsys)
    assert status == 0 and stdout.count(". ") == 2 and ("red" in stdout and "blue" in stdout)
    status, _, stderr = run_cli(["train", "--dataset", "imagefolder", "--data-dir", str(tmp_path)],
                                capsys)
    assert status == 2 and "imagefolder expects" in stderr


def test_image_size_resizes_a_fixed_size_dataset(tmp_path, capsys):
    # convnetjs_cifar10 needs 32x32 inputs; --image-size 32 makes it train on 28x28 Fashion-MNIST,
    # and eval/predict of the checkpoint resize the same way.
    out = tmp_path / "run"
    status, stdout, stderr = run_cli(["train", "--data-dir", SAMPLE, "--model", "convnetjs_cifar10",
                                      "--image-size", "32", "--epochs", "1", "--augment",
                                      "crop,flip", "--quiet", "--out", str(out)], capsys)
    assert status == 0, stderr
    final = [line for line in stdout.splitlines() if line.startswith("final test accuracy")][0]
    accuracy = float(final.split(":")[1].split("%")[0]) / 100
    assert striate.load(out / "last.pt")["run"]["image_size"] == 32
    status, stdout, stderr = run_cli(["eval", str(out / "last.pt"), "--data-dir", SAMPLE], capsys)
    assert status == 0, stderr
    assert f"accuracy {accuracy:.4f}" in stdout
    status, _, stderr = run_cli(["train", "--data-dir", SAMPLE, "--model", "convnetjs_cifar10",
                                 "--epochs", "0", "--out", str(tmp_path / "other")], capsys)
    assert status == 2 and "pass --image-size 32" in stderr


def test_mixup_and_cutmix_together_alternate_per_batch():
    calls = []
    choice = cli._RandomBatchChoice([lambda x, y: calls.append("mixup") or (x, y),
                                     lambda x, y: calls.append("cutmix") or (x, y)])
    striate.manual_seed(5)
    for _ in range(200):
        choice(None, None)
    assert 70 < calls.count("mixup") < 130 and calls.count("cutmix") == 200 - calls.count("mixup")
    first = list(calls)
    calls.clear()
    striate.manual_seed(5)
    for _ in range(200):
        choice(None, None)
    assert calls == first  # the default generator drives it: seeded runs and resumes repeat


def test_resume_continues_and_refuses_another_setup(trained_run, tmp_path, capsys):
    import shutil

    source, _ = trained_run
    out = tmp_path / "run"
    shutil.copytree(source, out)
    common = ["train", "--data-dir", SAMPLE, "--batch-size", "64", "--lr", "0.05", "--quiet",
              "--augment", "flip", "--out", str(out), "--resume"]
    for extra, message in ((["--model", "resnet20"], "was trained with --model 'lenet5', this "
                            "command gives 'resnet20'; leave it out"),
                           (["--optimizer", "adam"], "trained with --optimizer 'sgd', this "
                            "command gives 'adam'"),
                           (["--schedule", "step"], "trained with --schedule 'cosine'"),
                           (["--lr", "0.1"], "trained with --lr 0.05, this command gives 0.1")):
        status, _, stderr = run_cli(common + ["--epochs", "4"] + extra, capsys)
        lines = stderr.strip().splitlines()
        assert status == 2 and len(lines) == 1 and message in lines[0], stderr
    status, stdout, stderr = run_cli(common + ["--epochs", "4", "--workers", "1"], capsys)
    assert status == 0, stderr
    assert "resumed from" in stdout and "at epoch 3" in stdout
    assert "overriding --epochs: recorded 3, now 4" in stdout
    assert "overriding --workers: recorded 0, now 1" in stdout
    assert striate.load(out / "last.pt")["epoch"] == 4
    (out / "last.pt").write_bytes(b"garbage")
    status, _, stderr = run_cli(common + ["--epochs", "5"], capsys)
    assert status == 2 and "--resume: cannot read checkpoint" in stderr


def test_resume_restores_the_recorded_arguments(tmp_path, capsys):
    # A run with a non-default model, optimizer, schedule and epochs, resumed by --out alone.
    out = tmp_path / "run"
    first = ["train", "--data-dir", SAMPLE, "--model", "convnetjs_mnist", "--optimizer", "adam",
             "--lr", "0.002", "--schedule", "step", "--epochs", "2", "--batch-size", "256",
             "--quiet", "--out", str(out)]
    status, _, stderr = run_cli(first, capsys)
    assert status == 0, stderr
    state = striate.load(out / "last.pt")
    assert state["epoch"] == 2 and state["run"]["args"]["epochs"] == 2
    # Simulate a run stopped after its first epoch: the checkpoint of epoch 1 as last.pt.
    status, _, stderr = run_cli(["train", "--data-dir", SAMPLE, "--model", "convnetjs_mnist",
                                 "--optimizer", "adam", "--lr", "0.002", "--schedule", "step",
                                 "--epochs", "1", "--batch-size", "256", "--quiet", "--out",
                                 str(tmp_path / "one")], capsys)
    assert status == 0, stderr
    one = striate.load(tmp_path / "one" / "last.pt")
    one["run"]["args"]["epochs"] = 2
    striate.save(one, out / "last.pt")
    status, stdout, stderr = run_cli(["train", "--out", str(out), "--resume", "--data-dir",
                                      SAMPLE], capsys)
    assert status == 0, stderr
    assert "resumed from" in stdout and "model: convnetjs_mnist" in stdout
    assert "optimizer adam lr 0.002; schedule step" in stdout and "2 epochs" in stdout
    resumed = striate.load(out / "last.pt")
    assert resumed["epoch"] == 2 and resumed["optimizer_type"] == "Adam"
    # The resumed epoch equals the uninterrupted run's, bit for bit.
    untimed = [[{k: v for k, v in entry.items() if k not in ("time", "images_per_s")}
                for entry in run["history"]]
               for run in (resumed, state)]
    assert untimed[0] == untimed[1]
    for name, value in state["model"].items():
        np.testing.assert_array_equal(resumed["model"][name].numpy(), value.numpy(), err_msg=name)


def _malformed(tmp_path, source, change):
    state = striate.load(source)
    change(state)
    path = tmp_path / "malformed.pt"
    striate.save(state, path)
    return path


@pytest.mark.parametrize("change, message", [
    (lambda s: s["run"].update(image_size=10**9), "run field 'image_size' should be an integer in"),
    (lambda s: s["run"].update(in_channels="1"), "run field 'in_channels' should be an integer"),
    (lambda s: s["run"].update(classes=[]), "run field 'classes' should be a list of 1 to"),
    (lambda s: s["run"].update(std=[0.0]), "run field 'std' should hold positive numbers"),
    (lambda s: s["run"].update(mean=[0.1, 0.2]), "run field 'mean' should be a list of 1 numbers"),
    (lambda s: s["run"].update(model="gpt"), "run field 'model' should be a model of the zoo"),
    (lambda s: s["run"].pop("classes"), "its run record has no 'classes'"),
    (lambda s: s.update(run=[1]), "its run record is not a dict"),
    (lambda s: s.update(model=3), "its 'model' entry is not a state dict"),
    (lambda s: s["model"].pop("classifier.4.weight", None) or s["model"].popitem(),
     "cannot read checkpoint"),
])
def test_eval_and_predict_of_malformed_checkpoints_print_one_line(trained_run, tmp_path, capsys,
                                                                   change, message):
    out, _ = trained_run
    path = _malformed(tmp_path, out / "last.pt", change)
    for argv in (["eval", str(path), "--data-dir", SAMPLE], ["predict", str(path), "x.png"]):
        status, _, stderr = run_cli(argv, capsys)
        lines = stderr.strip().splitlines()
        assert status == 2 and len(lines) == 1 and message in lines[0], stderr


def test_train_writes_a_model_file_that_eval_and_cpp_read(trained_run, capsys):
    out, _ = trained_run
    model = striate.load(out / "model.striate")
    assert isinstance(model, striate.nn.Module)
    status, stdout, stderr = run_cli(["eval", str(out / "model.striate"), "--data-dir", SAMPLE],
                                     capsys)
    assert status == 0, stderr
    status_pt, stdout_pt, _ = run_cli(["eval", str(out / "last.pt"), "--data-dir", SAMPLE], capsys)
    assert stdout.split("accuracy")[1] == stdout_pt.split("accuracy")[1]


def test_convert_refuses_bad_input_with_one_line(tmp_path, capsys):
    status, _, stderr = run_cli(["convert", str(tmp_path / "none.pt"), str(tmp_path / "n.pt")],
                                capsys)
    assert status == 2 and len(stderr.strip().splitlines()) == 1 and "convert:" in stderr
    (tmp_path / "new.pt").write_bytes(b"{}")
    status, _, stderr = run_cli(["convert", str(tmp_path / "new.pt"), str(tmp_path / "x.pt")],
                                capsys)
    assert status == 2 and "not a file of the old pickle format" in stderr


def test_a_diverging_run_ends_in_one_line(tmp_path, capsys):
    # A learning rate far too large makes the loss non-finite within a few batches: the CLI
    # says so in one line (the Trainer's message) and exits 1, without a traceback.
    status, _, stderr = run_cli(["train", "--data-dir", SAMPLE, "--epochs", "1", "--lr", "1e6",
                                 "--quiet", "--out", str(tmp_path / "run")], capsys)
    assert status == 1, stderr
    assert "the loss became" in stderr and "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
