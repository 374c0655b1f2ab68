"""The `striate` command: train a zoo model on a dataset, evaluate a checkpoint, predict the
classes of image files, summarize a model, list the zoo, benchmark against PyTorch.

    striate train                                   # LeNet-5 on Fashion-MNIST, offline
    striate train --model resnet20 --augment flip,crop --epochs 30 --out runs/r20
    striate eval runs/r20/best.pt                   # or runs/r20/model.striate
    striate predict runs/r20/best.pt shoe.png
    striate convert old.pt new.pt                   # a checkpoint of the old pickle format
    striate summary resnet50
    striate models
    striate bench --threads 1,2                     # striate beside PyTorch and ONNX Runtime
    striate docs --build                            # the reference site, built with Sphinx

Bad input (an unknown model, dataset or option, a missing data directory, an unreadable
checkpoint) prints one line `striate: error: ...` and exits with status 2.
"""

import argparse
import os
import sys
import time

__all__ = ["main"]

BUNDLED_FASHION_MNIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_sample_data",
                                     "fashion-mnist")
SYSTEM_FASHION_MNIST = "/usr/share/datasets/fashion-mnist"

# Per dataset: channels, image side, classes, normalization (the training set's statistics).
DATASETS = {
    "fashion-mnist": dict(channels=1, size=28, classes=10, mean=(0.2860,), std=(0.3530,)),
    "mnist": dict(channels=1, size=28, classes=10, mean=(0.1307,), std=(0.3081,)),
    "cifar10": dict(channels=3, size=32, classes=10, mean=(0.4914, 0.4822, 0.4465),
                    std=(0.2470, 0.2435, 0.2616)),
    "cifar100": dict(channels=3, size=32, classes=100, mean=(0.5071, 0.4865, 0.4409),
                     std=(0.2673, 0.2564, 0.2762)),
    "imagefolder": dict(channels=3, size=224, classes=None, mean=(0.485, 0.456, 0.406),
                        std=(0.229, 0.224, 0.225)),
}

# The input side each model was designed for (summary's default input).
NATIVE_SIZE = {"lenet5": 28, "convnetjs_mnist": 28, "convnetjs_cifar10": 32, "nin": 32,
               "resnet20": 32, "resnet32": 32, "resnet44": 32, "resnet56": 32, "resnet110": 32,
               "preact_resnet18": 32, "wide_resnet28_10": 32, "wide_resnet": 32,
               "densenet_bc": 32, "fractalnet": 32}

AUGMENTATIONS = ("flip", "vflip", "crop", "rotate", "affine", "jitter", "gray", "blur", "cutout",
                 "erasing", "mixup", "cutmix")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop", "adagrad")
SCHEDULES = ("none", "cosine", "step", "multistep", "exponential", "onecycle", "plateau")
# `--profile N` skips this many steps first (allocations and lazy set-up make them atypical).
PROFILE_WARMUP_STEPS = 2


class UsageError(Exception):
    """Bad input from the user: one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


# ----------------------------------------------------------------------------------- data


def _dataset_root(name, data_dir):
    if data_dir is not None:
        if not os.path.isdir(data_dir):
            raise UsageError(f"data directory {data_dir} does not exist")
        return data_dir, data_dir
    if name == "fashion-mnist":
        if os.path.isdir(SYSTEM_FASHION_MNIST):
            return SYSTEM_FASHION_MNIST, f"{SYSTEM_FASHION_MNIST} (the full dataset)"
        return BUNDLED_FASHION_MNIST, ("the sample bundled with striate (4,000 training and 1,000 "
                                       f"test images; install dataset-fashion-mnist or pass "
                                       "--data-dir for the full dataset)")
    defaults = {"mnist": "data/mnist", "cifar10": "data/cifar-10-batches-py",
                "cifar100": "data/cifar-100-python"}
    if name in defaults and os.path.isdir(defaults[name]):
        return defaults[name], defaults[name]
    raise UsageError(f"dataset {name} needs --data-dir (no data found"
                     + (f" at {defaults[name]}" if name in defaults else "") + ")")


def _transforms(info, augment, train):
    from .data import transforms as T

    steps = []
    size = info["size"]
    if info.get("rescale"):  # --image-size on a fixed-size dataset: resize first, then augment
        steps.append(T.Resize(size))
    if info.get("resize"):  # image folders: any size in, `size` out
        if train and "crop" in augment:
            steps.append(T.RandomResizedCrop(size))
        else:
            steps += [T.Resize(size), T.CenterCrop(size)]
    if train:
        if "crop" in augment and not info.get("resize"):
            steps.append(T.RandomCrop(size, padding=max(size // 8, 2)))
        if "flip" in augment:
            steps.append(T.RandomHorizontalFlip())
        if "vflip" in augment:
            steps.append(T.RandomVerticalFlip())
        if "rotate" in augment:
            steps.append(T.RandomRotation(15))
        if "affine" in augment:
            steps.append(T.RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5))
        if "jitter" in augment:
            steps.append(T.ColorJitter(brightness=0.3, contrast=0.3,
                                       saturation=0.3 if info["channels"] == 3 else 0))
        if "gray" in augment:
            if info["channels"] != 3:
                raise UsageError("--augment gray needs colour images; this dataset is grayscale")
            steps.append(T.RandomGrayscale(0.2))
        if "blur" in augment:
            steps.append(T.RandomApply([T.GaussianBlur(3, sigma=(0.1, 1.5))], p=0.5))
    steps += [T.ToTensor(), T.Normalize(info["mean"], info["std"])]
    if train and "cutout" in augment:
        steps.append(T.Cutout(size // 2))
    if train and "erasing" in augment:
        steps.append(T.RandomErasing())
    return T.Compose(steps)


def _load_split(name, root, train, transform):
    from . import data

    try:
        if name == "fashion-mnist":
            return data.FashionMNIST(root, train=train, transform=transform)
        if name == "mnist":
            return data.MNIST(root, train=train, transform=transform)
        if name == "cifar10":
            return data.CIFAR10(root, train=train, transform=transform)
        if name == "cifar100":
            return data.CIFAR100(root, train=train, transform=transform)
        split = os.path.join(root, "train" if train else "val")
        if not os.path.isdir(split):
            raise UsageError(f"imagefolder expects {root}/train and {root}/val class folders; "
                             f"{split} does not exist")
        return data.ImageFolder(split, transform=transform)
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read dataset {name} from {root}: {error}") from None


def _dataset_info(args):
    info = dict(DATASETS[args.dataset])
    if args.image_size is not None and args.image_size < 1:
        raise UsageError(f"--image-size must be >= 1, got {args.image_size}")
    if args.dataset == "imagefolder":
        info["size"] = args.image_size or 224
        info["resize"] = True
    elif args.image_size is not None and args.image_size != info["size"]:
        info["size"] = args.image_size
        info["rescale"] = True
    return info


# ---------------------------------------------------------------------------------- models


def _model_names():
    from . import models

    return models.list_models()


# Models trained with auxiliary classifiers, and the weight of each auxiliary loss (the paper's).
AUXILIARY_LOSS_WEIGHT = {"googlenet": 0.3}


def _build_model(name, num_classes, in_channels, aux_logits=False):
    from . import models

    if name not in _model_names():
        raise UsageError(f"unknown model {name!r}; `striate models` lists the zoo")
    constructor = getattr(models, name)
    if name == "wide_resnet":
        return constructor(16, 4, num_classes=num_classes, in_channels=in_channels)
    if name == "googlenet":
        return constructor(aux_logits=aux_logits, num_classes=num_classes, in_channels=in_channels)
    return constructor(num_classes=num_classes, in_channels=in_channels)


def _check_fits(model, name, info):
    from . import no_grad, zeros

    model.eval()
    try:
        with no_grad():
            model(zeros(2, info["channels"], info["size"], info["size"]))
    except (ValueError, RuntimeError) as error:
        native = NATIVE_SIZE.get(name, 224)
        raise UsageError(f"model {name} cannot take {info['channels']}x{info['size']}x"
                         f"{info['size']} images ({str(error).splitlines()[0]}); it was designed "
                         f"for {native}x{native}: pass --image-size {native}") from None
    finally:
        model.train()


def _description(constructor):
    lines = [line.strip() for line in (constructor.__doc__ or "").splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(constructor.__name__ + "(")]
    return lines[0] if lines else ""


# -------------------------------------------------------------------------------- commands


def _optimizer(args, model):
    from . import optim

    params = [p for p in model.parameters() if p.requires_grad]
    if args.optimizer == "sgd":
        return optim.SGD(params, lr=args.lr, momentum=args.momentum,
                         weight_decay=args.weight_decay, nesterov=args.nesterov)
    if args.optimizer == "adam":
        return optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay)
    if args.optimizer == "adamw":
        return optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)
    if args.optimizer == "rmsprop":
        return optim.RMSprop(params, lr=args.lr, momentum=args.momentum,
                             weight_decay=args.weight_decay)
    return optim.Adagrad(params, lr=args.lr, weight_decay=args.weight_decay)


def _scheduler(args, optimizer, steps_per_epoch):
    from .optim import lr_scheduler as S

    if args.schedule == "none":
        return None, "epoch"
    if args.schedule == "cosine":
        return S.CosineAnnealingLR(optimizer, T_max=max(args.epochs, 1)), "epoch"
    if args.schedule == "step":
        return S.StepLR(optimizer, step_size=max(args.epochs // 3, 1), gamma=0.1), "epoch"
    if args.schedule == "multistep":
        milestones = [int(args.epochs * 0.5), int(args.epochs * 0.75)]
        return S.MultiStepLR(optimizer, milestones=milestones, gamma=0.1), "epoch"
    if args.schedule == "exponential":
        return S.ExponentialLR(optimizer, gamma=0.95), "epoch"
    if args.schedule == "plateau":
        return S.ReduceLROnPlateau(optimizer, factor=0.1, patience=3), "epoch"
    total_steps = max(args.epochs, 1) * steps_per_epoch
    return S.OneCycleLR(optimizer, max_lr=args.lr, total_steps=total_steps), "step"


class _RandomBatchChoice:
    """Applies one of several batch transforms, picked uniformly for each batch from the default
    generator (so a resumed run picks the same ones): `--augment mixup,cutmix` alternates them as
    torchvision's RandomChoice([MixUp, CutMix]) recipe does."""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, inputs, targets):
        from . import randint

        index = int(randint(0, len(self.transforms), (1,)).item())
        return self.transforms[index](inputs, targets)


def _parse_augment(text):
    names = [name.strip() for name in (text or "").split(",") if name.strip() and name != "none"]
    unknown = [name for name in names if name not in AUGMENTATIONS]
    if unknown:
        raise UsageError(f"unknown augmentation {unknown[0]!r}; choose from "
                         f"{', '.join(AUGMENTATIONS)}")
    return names


def _training_device(text):
    """The striate.device of --device, refused in one line when it cannot be used here."""
    import striate as st

    try:
        device = st.device(text)
    except (TypeError, ValueError, RuntimeError) as error:
        raise UsageError(f"--device: {str(error).splitlines()[0]}") from None
    if device.type == "cuda":
        if not st.cuda.is_available():
            raise UsageError(f"--device {text}: CUDA is not available here "
                             f"({st.cuda.unavailable_reason()})")
        if device.index is not None and device.index >= st.cuda.device_count():
            raise UsageError(f"--device {text}: there are {st.cuda.device_count()} CUDA "
                             "device(s)")
    elif device.type != "cpu":
        raise UsageError(f"--device: expected cpu, cuda or cuda:N, got {text!r}")
    return device


def command_train(args):
    import striate as st
    from . import data, nn
    from .train import CSVLogger, LRMonitor, ModelCheckpoint, Trainer

    out = args.out or os.path.join("runs", f"{args.model}-{args.dataset}")
    last = os.path.join(out, "last.pt")
    resumed_state = _restore_run_arguments(args, last) if args.resume else None
    augment = _parse_augment(args.augment)
    if args.epochs < 0 or args.batch_size < 1 or args.lr <= 0 or args.workers < 0:
        raise UsageError("--epochs must be >= 0, --batch-size >= 1, --lr > 0, --workers >= 0")
    if args.profile < 0:
        raise UsageError(f"--profile must be >= 0 (training steps to profile), got {args.profile}")
    if args.health < 0:
        raise UsageError(f"--health must be >= 0 (steps between layer-health records), got "
                         f"{args.health}")
    if args.model not in _model_names():
        raise UsageError(f"unknown model {args.model!r}; `striate models` lists the zoo")
    if args.threads:
        st.set_num_threads(args.threads)
    device = _training_device(args.device)
    if args.distributed and device.type == "cuda" and device.index is not None:
        raise UsageError(f"--device {args.device} with --distributed: each process takes the GPU "
                         "of its local rank; pass --device cuda")
    if args.distributed and not st.distributed.is_initialized():
        # CPU processes exchange gradients over MPI, GPU processes over NCCL (bootstrapped
        # over MPI, each on its local rank's GPU, which becomes the current device).
        st.distributed.init_process_group("nccl" if device.type == "cuda" else "mpi")
    st.manual_seed(args.seed)
    info = _dataset_info(args)
    root, described = _dataset_root(args.dataset, args.data_dir)
    train_set = _load_split(args.dataset, root, True, _transforms(info, augment, True))
    test_set = _load_split(args.dataset, root, False, _transforms(info, augment, False))
    classes = list(getattr(train_set, "classes", None) or range(info["classes"]))
    info["classes"] = len(classes)
    _say(f"dataset: {args.dataset} from {described}: {len(train_set)} training and "
               f"{len(test_set)} test images, {len(classes)} classes")
    aux_logits = args.model in AUXILIARY_LOSS_WEIGHT
    model = _build_model(args.model, len(classes), info["channels"], aux_logits=aux_logits)
    _check_fits(model, args.model, info)
    loss = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    if aux_logits:  # GoogLeNet: main loss + 0.3 x each auxiliary classifier's, as in the paper
        from .train import AuxiliaryLoss

        loss = AuxiliaryLoss(loss, aux_weight=AUXILIARY_LOSS_WEIGHT[args.model])
    pinned = device.type == "cuda"  # page-locked batches: their copies to the GPU overlap compute
    if args.distributed:  # each process its share of one permutation per epoch
        train_loader = data.DataLoader(
            train_set, batch_size=args.batch_size, num_workers=args.workers, drop_last=False,
            sampler=data.DistributedSampler(train_set, shuffle=True, seed=args.seed),
            pin_memory=pinned)
    else:
        train_loader = data.DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                                       seed=args.seed, num_workers=args.workers, drop_last=False,
                                       pin_memory=pinned)
    test_loader = data.DataLoader(test_set, batch_size=max(args.batch_size, 256),
                                  num_workers=args.workers, pin_memory=pinned)
    optimizer = _optimizer(args, model)
    scheduler, interval = _scheduler(args, optimizer, len(train_loader))
    batch_transform = None
    if "mixup" in augment or "cutmix" in augment:
        from .data import transforms as T

        chosen = [kind(alpha=1.0, num_classes=len(classes))
                  for kind, name in ((T.Mixup, "mixup"), (T.CutMix, "cutmix")) if name in augment]
        batch_transform = chosen[0] if len(chosen) == 1 else _RandomBatchChoice(chosen)
    os.makedirs(out, exist_ok=True)
    lr_monitor = LRMonitor()
    callbacks = [ModelCheckpoint(out, monitor="val_accuracy"),
                 CSVLogger(os.path.join(out, "history.csv")), lr_monitor]
    if args.profile:
        from .train import ProfileSteps

        callbacks.append(ProfileSteps(out, steps=args.profile, warmup=PROFILE_WARMUP_STEPS))
    if args.lr_find:  # on an optimizer of its own, as the run would build it
        return _lr_find(model, train_loader, loss, _optimizer(args, model), device, out)
    if args.tensorboard:
        from .train import TensorBoardLogger

        callbacks.append(TensorBoardLogger(os.path.join(out, "tensorboard")))
    if args.health:
        from .diagnostics import LayerHealth

        callbacks.append(LayerHealth(every=args.health, out_dir=out))
    trainer = Trainer(model, optimizer, loss, scheduler=scheduler, scheduler_interval=interval,
                      metrics=("accuracy", "top5") if len(classes) > 5 else ("accuracy",),
                      callbacks=callbacks,
                      batch_transform=batch_transform,
                      progress="log" if args.quiet else "bar", distributed=args.distributed,
                      device=device, nan_guard=args.nan_guard)
    trainer.run_info = {"model": args.model, "dataset": args.dataset, "classes": classes,
                        "in_channels": info["channels"], "image_size": info["size"],
                        "mean": list(info["mean"]), "std": list(info["std"]),
                        "resize": bool(info.get("resize")), "rescale": bool(info.get("rescale")),
                        "aux_logits": aux_logits, "optimizer": args.optimizer,
                        "schedule": args.schedule,
                        "args": {name: getattr(args, name) for name in _RECORDED_ARGUMENTS}}
    if resumed_state is not None:
        _resume(trainer, last, resumed_state, train_loader)
        _say(f"resumed from {last} at epoch {trainer.epoch}")
    _say(f"model: {args.model} ({model.num_parameters():,} parameters); optimizer "
               f"{args.optimizer} lr {args.lr}; schedule {args.schedule}; augment "
               f"{','.join(augment) or 'none'}; batch {args.batch_size}; {args.epochs} epochs")
    started = time.perf_counter()
    _wrap_checkpoints(trainer)
    trainer.fit(train_loader, test_loader, epochs=args.epochs)
    elapsed = time.perf_counter() - started
    from .train import ConfusionMatrix

    # One pass over the test set gives the reported accuracy and the plotted confusion matrix.
    final = trainer.evaluate(test_loader, metrics=("accuracy", ConfusionMatrix(len(classes))))
    _say(f"final test accuracy: {final['accuracy'] * 100:.2f}% (loss {final['loss']:.4f}) "
         f"after {trainer.epoch} epochs, {elapsed:.1f} s; checkpoints, history.csv and plots "
         f"in {out}")
    if _main_process():
        _write_plots(trainer, lr_monitor, test_loader, final["confusion_matrix"], classes, out)
        _save_model_file(trainer.module, trainer.run_info, os.path.join(out, "model.striate"))
    if args.min_accuracy is not None and final["accuracy"] < args.min_accuracy:
        print(f"striate: test accuracy {final['accuracy']:.4f} is below --min-accuracy "
              f"{args.min_accuracy}", file=sys.stderr)
        return 1
    return 0


def _lr_find(model, loader, loss, optimizer, device, out):
    """`striate train --lr-find`: the LR range test instead of training; writes OUT/lr_find.png
    and prints the suggested learning rate (to pass as --lr)."""
    from .train import lr_find

    result = lr_find(model, loader, loss_fn=loss, optimizer=optimizer, device=device)
    path = os.path.join(out, "lr_find.png")
    if _main_process():
        result.plot(path)
    suggested = "none (the sweep stopped too early)" if result.suggested_lr is None else \
        f"{result.suggested_lr:.3g}"
    _say(f"lr range test: {len(result.lrs)} steps from {result.lrs[0]:.1e} to "
         f"{result.lrs[-1]:.1e}; suggested lr (steepest descent of the loss): {suggested}; plot "
         f"in {path}")
    return 0


# The arguments of `striate train` a checkpoint records: `--resume` restores them, so a resumed run
# is the run that was started. Given again with another value, an argument in
# _RESUME_OVERRIDABLE (and --epochs, except with the one-cycle schedule, whose length is fixed)
# replaces the recorded one, said on the output; any other is refused.
_RECORDED_ARGUMENTS = ("model", "dataset", "image_size", "epochs", "batch_size", "optimizer", "lr",
                       "momentum", "nesterov", "weight_decay", "label_smoothing", "schedule",
                       "augment", "workers", "threads", "seed", "quiet", "profile",
                       "min_accuracy", "data_dir", "device", "health")
# Arguments that do not change what is computed (threads, workers: batches are identical for any
# count) or only what is reported.
# A run may also continue on another device (--device): the same computation, up to the last bits
# of the floating-point sums.
_RESUME_OVERRIDABLE = ("workers", "threads", "quiet", "profile", "min_accuracy", "data_dir",
                       "device", "health")


def _option(name):
    return "--" + name.replace("_", "-")


def _restore_run_arguments(args, last):
    """Reads OUT/last.pt and puts the recorded arguments of its run into `args`; returns the
    checkpoint. Raises UsageError for a missing or unreadable checkpoint and for an argument given
    with a value other than the recorded one (unless it is one that may be overridden)."""
    from . import load

    if not os.path.exists(last):
        raise UsageError(f"--resume: no checkpoint at {last}")
    try:
        state = load(last, map_location="cpu")
    except Exception as error:  # missing, foreign, damaged, or old-format files
        raise UsageError(f"--resume: cannot read checkpoint {last}: "
                         f"{str(error).splitlines()[0]}") from None
    run = state.get("run") if isinstance(state, dict) else None
    if not isinstance(run, dict):
        raise UsageError(f"--resume: {last} is not a checkpoint written by `striate train`")
    recorded = run.get("args")
    if not isinstance(recorded, dict):
        # A checkpoint from before the arguments were recorded: the old comparison only.
        recorded = {key: run[key] for key in ("model", "dataset", "optimizer", "schedule")
                    if key in run}
    explicit = getattr(args, "_explicit", set())
    for name, value in recorded.items():
        if name not in _RECORDED_ARGUMENTS:
            continue
        current = getattr(args, name)
        if name not in explicit:
            setattr(args, name, value)
        elif current != value:
            if name in _RESUME_OVERRIDABLE:
                _say(f"--resume: overriding {_option(name)}: recorded {value!r}, now {current!r}")
            elif name == "epochs" and recorded.get("schedule") != "onecycle":
                # Training longer (or stopping earlier) is a common wish; the schedule restored
                # from the checkpoint keeps the length it was built for.
                _say(f"--resume: overriding --epochs: recorded {value!r}, now {current!r} (the "
                     f"restored {recorded.get('schedule', 'learning-rate')} schedule keeps its "
                     f"recorded length of {value!r} epochs)")
            else:
                raise UsageError(f"--resume: {last} was trained with {_option(name)} {value!r}, "
                                 f"this command gives {current!r}; leave it out to continue the "
                                 "run as recorded (or use another --out)")
    return state


def _resume(trainer, last, state, train_loader):
    previous = state.get("run", {})
    for key in ("image_size", "in_channels", "classes"):
        if key in previous and previous[key] != trainer.run_info[key]:
            raise UsageError(f"--resume: {last} was trained with {key} {previous[key]!r}, this "
                             f"run has {trainer.run_info[key]!r} (the data changed?); use "
                             "another --out")
    try:
        trainer.load_state_dict(state, train_loader)
    except (KeyError, ValueError, RuntimeError, TypeError) as error:
        raise UsageError(f"--resume: cannot restore {last}: {str(error).splitlines()[0]}") from None


def _save_model_file(model, run, path):
    """The trained model as a self-describing model file, with the run's input pipeline in its
    metadata ("run"), for `striate eval/predict` and C++ programs (examples/cpp/infer)."""
    import json

    from . import _C

    try:
        _C._io.save_model(model, path, {"run": json.dumps(run)})
    except TypeError as error:  # a model with a module that is not built in
        _say(f"model file skipped: {str(error).splitlines()[0]}")


def _wrap_checkpoints(trainer):
    # Every checkpoint the CLI writes carries what `striate eval/predict` need to rebuild the
    # model and its input pipeline.
    save = trainer.save_checkpoint
    trainer.save_checkpoint = lambda path, **extra: save(path, run=trainer.run_info, **extra)


def _write_plots(trainer, lr_monitor, test_loader, confusion_matrix, classes, out):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        _say("plots skipped: matplotlib is not installed (pip install matplotlib)")
        return
    from . import no_grad
    from .train import plots

    trainer.module.eval()
    if trainer.history:
        plots.plot_history(trainer.history, os.path.join(out, "curves.png"))
    if lr_monitor.lrs:
        plots.plot_lr([lrs[0] for lrs in lr_monitor.lrs], os.path.join(out, "lr.png"))
    plots.plot_confusion_matrix(confusion_matrix, os.path.join(out, "confusion.png"), classes)
    weight = plots.first_conv_weight(trainer.module)
    if weight is not None:
        plots.plot_filters(weight, os.path.join(out, "filters.png"))
    images, labels = next(iter(test_loader))
    with no_grad():
        predicted = trainer.module(images[:16]).numpy().argmax(1)
    plots.plot_predictions(images[:16], labels[:16], predicted,
                           os.path.join(out, "predictions.png"), classes)


def _bad_checkpoint(path, problem):
    return UsageError(f"cannot read checkpoint {path}: {problem}")


def _check_run(run, path):
    """Validates every field of a run record read from a file, with bounds, before any of them
    decides a size or an allocation."""
    if not isinstance(run, dict):
        raise _bad_checkpoint(path, "its run record is not a dict")

    def field(name, kinds, check=None, what=""):
        if name not in run:
            raise _bad_checkpoint(path, f"its run record has no {name!r}")
        value = run[name]
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in (
                kinds if isinstance(kinds, tuple) else (kinds,)):
            raise _bad_checkpoint(path, f"run field {name!r} should be {what}, got "
                                        f"{type(value).__name__}")
        if check is not None and not check(value):
            raise _bad_checkpoint(path, f"run field {name!r} should be {what}, got {value!r:.80}")
        return value

    field("model", str, lambda v: v in _model_names(), "a model of the zoo")
    field("dataset", str, lambda v: v in DATASETS, "a known dataset")
    channels = field("in_channels", int, lambda v: 1 <= v <= 64, "an integer in [1, 64]")
    field("image_size", int, lambda v: 1 <= v <= 4096, "an integer in [1, 4096]")
    field("classes", list, lambda v: 1 <= len(v) <= 100_000 and all(
        isinstance(c, (str, int)) and not isinstance(c, bool) for c in v),
        "a list of 1 to 100000 class names")
    for name in ("mean", "std"):
        field(name, list, lambda v: len(v) == channels and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) and abs(x) < 1e6 for x in v),
            f"a list of {channels} numbers")
    if not all(x > 0 for x in run["std"]):
        raise _bad_checkpoint(path, "run field 'std' should hold positive numbers")
    for name in ("resize", "rescale", "aux_logits"):
        if name in run and not isinstance(run[name], bool):
            raise _bad_checkpoint(path, f"run field {name!r} should be a bool")
    return run


def _load_run(path):
    """The run record and the model of a checkpoint written by `striate train` (OUT/best.pt,
    OUT/last.pt) or of its model file (OUT/model.striate)."""
    import json

    from . import _C, load
    from .nn import Module

    try:
        state = load(path, map_location="cpu")
    except Exception as error:  # missing, foreign, damaged, old-format or refused files
        raise _bad_checkpoint(path, str(error).splitlines()[0] if str(error) else
                              type(error).__name__) from None
    if isinstance(state, Module):
        try:
            run = json.loads(_C._io.load_metadata(path, "load").get("run", "null"))
        except ValueError as error:
            raise _bad_checkpoint(path, f"its run record is not JSON ({error})") from None
        if run is None:
            raise _bad_checkpoint(path, "a model file without the run record `striate train` "
                                        "writes (load it with striate.load)")
        _check_run(run, path)
        state.eval()
        return run, state, {"epoch": "?"}
    if not isinstance(state, dict) or "run" not in state or "model" not in state:
        raise _bad_checkpoint(path, "not a checkpoint written by `striate train`")
    run = _check_run(state["run"], path)
    if not isinstance(state["model"], dict):
        raise _bad_checkpoint(path, "its 'model' entry is not a state dict")
    model = _build_model(run["model"], len(run["classes"]), run["in_channels"],
                         aux_logits=run.get("aux_logits", False))
    try:
        model.load_state_dict(state["model"])
    except Exception as error:  # wrong keys, shapes or types
        raise _bad_checkpoint(path, str(error).splitlines()[0]) from None
    model.eval()
    epoch = state.get("epoch", "?")
    state = dict(state, epoch=epoch if isinstance(epoch, int) else "?")
    return run, model, state


def command_eval(args):
    from . import data
    from .train import Trainer
    from . import nn, optim

    run, model, state = _load_run(args.checkpoint)
    dataset = args.dataset or run["dataset"]
    if dataset not in DATASETS:
        raise UsageError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)}")
    info = dict(DATASETS[dataset])
    info.update(channels=run["in_channels"], size=run["image_size"], mean=run["mean"],
                std=run["std"], resize=run.get("resize", False))
    # A run trained at another side than the dataset's (--image-size) sees resized test images.
    info["rescale"] = not info["resize"] and info["size"] != DATASETS[dataset]["size"]
    root, described = _dataset_root(dataset, args.data_dir)
    test_set = _load_split(dataset, root, False, _transforms(info, [], False))
    loader = data.DataLoader(test_set, batch_size=args.batch_size, num_workers=args.workers)
    trainer = Trainer(model, optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss(),
                      metrics=("accuracy", "top5") if len(run["classes"]) > 5 else ("accuracy",),
                      progress="none")
    results = trainer.evaluate(loader)
    print(f"{run['model']} (epoch {state.get('epoch', '?')}) on {dataset} test split from "
          f"{described}: " + ", ".join(f"{key} {value:.4f}" for key, value in results.items()))
    return 0


def _read_image(path, run):
    import numpy as np

    try:
        from PIL import Image
    except ImportError:
        raise UsageError("predict needs Pillow to read images: pip install Pillow") from None
    try:
        with Image.open(path) as image:
            image = image.convert("L" if run["in_channels"] == 1 else "RGB")
            size = run["image_size"]
            if image.size != (size, size):
                image = image.resize((size, size), Image.BILINEAR)
            array = np.asarray(image, dtype=np.float32) / 255.0
    except (OSError, ValueError) as error:
        raise UsageError(f"cannot read image {path}: {error}") from None
    array = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    mean = np.asarray(run["mean"], dtype=np.float32)[:, None, None]
    std = np.asarray(run["std"], dtype=np.float32)[:, None, None]
    return (array - mean) / std


def command_predict(args):
    import numpy as np

    from . import no_grad, tensor
    from .nn.functional import softmax

    run, model, _ = _load_run(args.checkpoint)
    batch = tensor(np.stack([_read_image(path, run) for path in args.images]))
    with no_grad():
        probabilities = softmax(model(batch), dim=1).numpy()
    k = min(args.topk, probabilities.shape[1])
    for path, row in zip(args.images, probabilities):
        best = np.argsort(-row)[:k]
        print(f"{path}: " + "  ".join(f"{rank + 1}. {run['classes'][index]} {row[index]:.3f}"
                                      for rank, index in enumerate(best)))
    return 0


def command_explain(args):
    from . import tensor
    from .diagnostics import explain

    run, model, _ = _load_run(args.checkpoint)
    image = tensor(_read_image(args.image, run))
    classes = [str(c) for c in run["classes"]]
    target = None
    if args.target is not None:
        if args.target in classes:
            target = classes.index(args.target)
        elif args.target.isdigit() and int(args.target) < len(classes):
            target = int(args.target)
        else:
            raise UsageError(f"--target {args.target!r}: expected a class name or an index below "
                             f"{len(classes)} ({', '.join(classes[:10])})")
    stem = os.path.splitext(os.path.basename(args.image))[0]
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(args.checkpoint)),
                                   f"explain-{stem}")
    try:
        result = explain(model, image, out, layer=args.layer, target=target, classes=classes,
                         mean=run["mean"], std=run["std"])
    except ValueError as error:
        raise UsageError(str(error).splitlines()[0]) from None  # names the function
    print(f"{args.image}: predicted {classes[result['prediction']]}; explained class "
          f"{classes[result['target']]}")
    for key in ("features", "filters", "saliency", "cam"):
        if result[key]:
            print(f"  {key}: {result[key]}")
    return 0


def command_convert(args):
    """Rewrites a checkpoint of the old pickle-based format in the current one."""
    from .serialization import convert

    if os.path.abspath(args.old) == os.path.abspath(args.new):
        raise UsageError("convert: NEW must differ from OLD (the old file is kept)")
    try:
        convert(args.old, args.new)
    except Exception as error:  # missing, foreign, damaged or refused (foreign code) files
        raise UsageError(f"convert: {str(error).splitlines()[0]}") from None
    print(f"converted {args.old} -> {args.new}")
    return 0


def command_summary(args):
    from . import summary

    if args.model not in _model_names():
        raise UsageError(f"unknown model {args.model!r}; `striate models` lists the zoo")
    if args.input_size:
        try:
            parts = args.input_size.lower().replace("x", ",").split(",")
            shape = tuple(int(part) for part in parts)
        except ValueError:
            raise UsageError(f"--input-size should look like 3x224x224, "
                             f"got {args.input_size!r}") from None
        if len(shape) != 3 or min(shape) < 1:
            raise UsageError(f"--input-size should be CxHxW, got {args.input_size!r}")
    else:
        size = NATIVE_SIZE.get(args.model, 224)
        shape = (1 if size == 28 else 3, size, size)
    model = _build_model(args.model, args.num_classes or _default_classes(args.model), shape[0])
    try:
        summary(model, shape, batch_size=args.batch_size)
    except (ValueError, RuntimeError) as error:
        raise UsageError(f"model {args.model} cannot take input {'x'.join(map(str, shape))}: "
                         f"{str(error).splitlines()[0]}") from None
    return 0


def _default_classes(name):
    # CIFAR- and MNIST-sized models default to 10 classes, ImageNet models to 1000.
    return 10 if name in NATIVE_SIZE else 1000


def command_models(args):
    from . import models

    names = _model_names()
    width = max(len(name) for name in names)
    for name in names:
        size = NATIVE_SIZE.get(name, 224)
        print(f"{name:<{width}}  {size:>3}px  {_description(getattr(models, name))}")
    return 0


def command_bench(args):
    from .benchmark import BenchUsageError, command

    try:
        return command(args)
    except BenchUsageError as error:
        raise UsageError(str(error)) from None


# ---------------------------------------------------------------------------------- parser


def _main_process():
    """False on the ranks other than 0 of a distributed run (they neither print nor write)."""
    from . import distributed

    return not distributed.is_initialized() or distributed.get_rank() == 0


def _say(message):
    if _main_process():
        print(message, flush=True)


def build_parser():
    parser = _Parser(prog="striate",
                     description="Train, evaluate and inspect convolutional networks.")
    commands = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    train = commands.add_parser("train", help="train a zoo model on a dataset")
    train.add_argument("--model", default="lenet5", help="a model of the zoo (striate models)")
    train.add_argument("--dataset", default="fashion-mnist", choices=sorted(DATASETS))
    train.add_argument("--data-dir", default=None, help="where the dataset's files are")
    train.add_argument("--image-size", type=int, default=None,
                       help="input side: images are resized to it (imagefolder default 224; "
                            "other datasets keep their own size unless given)")
    train.add_argument("--epochs", type=int, default=10)
    train.add_argument("--batch-size", type=int, default=128)
    train.add_argument("--optimizer", default="sgd", choices=OPTIMIZERS)
    train.add_argument("--lr", type=float, default=0.05)
    train.add_argument("--momentum", type=float, default=0.9)
    train.add_argument("--nesterov", action="store_true")
    train.add_argument("--weight-decay", type=float, default=5e-4)
    train.add_argument("--label-smoothing", type=float, default=0.0)
    train.add_argument("--schedule", default="cosine", choices=SCHEDULES)
    train.add_argument("--augment", default="", help=f"comma-separated: {','.join(AUGMENTATIONS)}")
    train.add_argument("--workers", type=int, default=0, help="data-loading threads")
    train.add_argument("--threads", type=int, default=0, help="compute threads (0: all cores)")
    train.add_argument("--device", default="cpu",
                       help="where to train: cpu, cuda or cuda:N (the batches are copied there)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--out", default=None, help="run directory (default runs/MODEL-DATASET)")
    train.add_argument("--resume", action="store_true",
                       help="continue from OUT/last.pt with the run's recorded arguments (an "
                            "argument given again must match, except --epochs, --workers, "
                            "--threads, --quiet, --profile, --min-accuracy, --data-dir, which "
                            "override)")
    train.add_argument("--quiet", action="store_true", help="one line per epoch, no progress bar")
    train.add_argument("--distributed", action="store_true",
                       help="data-parallel over the processes of `striate run --nproc N -- ...` "
                            "or mpirun (MPI on CPUs; NCCL with --device cuda, one GPU per "
                            "process); --batch-size is per process; rank 0 writes")
    train.add_argument("--health", type=int, default=0, metavar="N",
                       help="every N steps record each layer's output mean/std, dead-ReLU "
                            "fraction, gradient norm and update/weight ratio: health.csv and "
                            "health.png in the run folder, and warnings when a ratio leaves "
                            "[1e-4, 1e-1] or a ReLU is over 90%% dead")
    train.add_argument("--profile", type=int, default=0, metavar="N",
                       help=f"profile N training steps after {PROFILE_WARMUP_STEPS} warm-up steps: "
                            "profile.json (Chrome trace) and profile.txt (top ops) in the run "
                            "folder; training goes on")
    train.add_argument("--lr-find", action="store_true",
                       help="run the LR range test instead of training: OUT/lr_find.png and the "
                            "suggested --lr (where the loss falls fastest)")
    train.add_argument("--tensorboard", action="store_true",
                       help="write TensorBoard event files (scalars, weight and gradient "
                            "histograms) to OUT/tensorboard; needs pip install tensorboardX")
    train.add_argument("--nan-guard", action="store_true",
                       help="check every batch's forward and backward for NaN/Inf and stop at "
                            "the first, naming the layer, op, step and batch (slower)")
    train.add_argument("--min-accuracy", type=float, default=None,
                       help="exit with status 1 when the final test accuracy is below this (CI)")
    train.set_defaults(run=command_train)
    parser._train_parser = train

    evaluate = commands.add_parser("eval", help="test accuracy of a checkpoint")
    evaluate.add_argument("checkpoint")
    evaluate.add_argument("--dataset", default=None, help="default: the one it was trained on")
    evaluate.add_argument("--data-dir", default=None)
    evaluate.add_argument("--batch-size", type=int, default=256)
    evaluate.add_argument("--workers", type=int, default=0)
    evaluate.set_defaults(run=command_eval)

    predict = commands.add_parser("predict", help="top-5 classes of image files")
    predict.add_argument("checkpoint")
    predict.add_argument("images", nargs="+")
    predict.add_argument("--topk", type=int, default=5)
    predict.set_defaults(run=command_predict)
    explaining = commands.add_parser(
        "explain", help="what the network sees in one image: feature maps, filters, saliency "
                        "and class activation map as PNGs")
    explaining.add_argument("checkpoint", help="best.pt / last.pt / model.striate of a run")
    explaining.add_argument("image", help="an image file (resized to the run's image size)")
    explaining.add_argument("--layer", help="the layer whose feature maps to draw and weigh "
                                            "(default: the last Conv2d)")
    explaining.add_argument("--target", help="the class to explain, by name or index "
                                             "(default: the predicted class)")
    explaining.add_argument("--out", help="folder for the PNGs (default: explain-IMAGE beside "
                                          "the checkpoint)")
    explaining.set_defaults(run=command_explain)

    converting = commands.add_parser(
        "convert", help="rewrite a checkpoint of the old pickle format in the current format",
        description="Reads a file written by striate.save before the safetensors format (only "
                    "containers, numbers, strings and tensors: no code in it runs) and writes "
                    "it as a current checkpoint.")
    converting.add_argument("old")
    converting.add_argument("new")
    converting.set_defaults(run=command_convert)

    summary = commands.add_parser("summary", help="per-layer table of a zoo model")
    summary.add_argument("model")
    summary.add_argument("--input-size", default=None,
                         help="CxHxW, default: the model's native size")
    summary.add_argument("--num-classes", type=int, default=None)
    summary.add_argument("--batch-size", type=int, default=1)
    summary.set_defaults(run=command_summary)

    listing = commands.add_parser("models", help="list the model zoo")
    listing.set_defaults(run=command_models)

    from .benchmark import add_arguments as add_bench_arguments

    bench = commands.add_parser(
        "bench", help="speed and memory beside PyTorch and ONNX Runtime",
        description="Measures striate beside PyTorch 2.13 and ONNX Runtime in one process, "
                    "interleaved, with the same threads, weights and data; prints the table and "
                    "writes OUT/<date>-<host>.json (docs/performance.md says what each suite "
                    "measures). Needs: pip install 'striate[bench]'.")
    add_bench_arguments(bench)
    bench.set_defaults(run=command_bench)

    launch = commands.add_parser(
        "run", help="start N processes of a data-parallel training script (mpirun)",
        description="Starts NPROC copies of SCRIPT (or of a striate command) under Open MPI's "
                    "mpirun, so that striate.distributed.init_process_group('mpi') joins them: "
                    "striate run --nproc 2 -- train_ddp.py --epochs 3, or striate run --nproc 2 "
                    "-- train --distributed. On several hosts pass --hostfile "
                    "(docs/distributed.md).")
    launch.add_argument("--nproc", type=int, required=True, help="number of processes")
    launch.add_argument("--hostfile", help="Open MPI hostfile (several machines)")
    launch.add_argument("--threads", type=int, default=1,
                        help="OpenMP threads per process (default 1)")
    launch.add_argument("script", help="the Python script every process runs, or a striate "
                                       "command (train, eval, predict, bench)")
    launch.add_argument("args", nargs=argparse.REMAINDER, help="its arguments")
    launch.set_defaults(run=command_run)

    docs = commands.add_parser(
        "docs", help="how to build and open the reference site (--build builds it)",
        description="Prints the commands that build the reference site (docs/site, Sphinx) and "
                    "where to open it; with --build, builds it (needs pip install "
                    "'.[docs]', run from the repository's root).")
    docs.add_argument("--build", action="store_true", help="build the site now")
    docs.add_argument("--out", default=os.path.join("build", "site"),
                      help="output folder (default build/site)")
    docs.set_defaults(run=command_docs)
    return parser


def command_docs(args):
    """Says how to build and open the reference site (docs/site), and builds it with --build."""
    import importlib.util
    import subprocess

    here = os.path.dirname(os.path.abspath(__file__))
    source = None
    for root in (os.getcwd(), os.path.dirname(os.path.dirname(here))):
        if os.path.isfile(os.path.join(root, "docs", "site", "conf.py")):
            source = os.path.join(root, "docs", "site")
            break
    out = os.path.abspath(args.out)
    build = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
             source or "docs/site", out]
    if not args.build:
        print("The reference site is built from a clone of the repository with Sphinx:")
        print("  pip install '.[docs]'                   # sphinx, myst-parser (from the clone)")
        print("  " + " ".join(["sphinx-build"] + build[3:]))
        print(f"then open {os.path.join(out, 'index.html')} in a browser "
              "(or: python -m striate docs --build).")
        print("The C++ reference (Doxygen, from cpp/include's /// comments) is built with it when "
              "doxygen is installed, as " + os.path.join(out, "cpp-api", "index.html")
              + "; alone: mkdir -p build && doxygen docs/doxygen/Doxyfile "
              "(writes build/doxygen/cpp-api/).")
        if source is None:
            print("(No docs/site here: run it from the repository's root folder.)")
        return 0
    if source is None:
        raise UsageError("docs: docs/site/conf.py not found; run it from the root of a clone "
                         "of the repository")
    if any(importlib.util.find_spec(name) is None for name in ("sphinx", "myst_parser")):
        raise UsageError("docs: Sphinx is not installed: pip install '.[docs]' (from the clone)")
    code = subprocess.run(build).returncode
    if code == 0:
        print(f"built: open {os.path.join(out, 'index.html')}")
        if os.path.isfile(os.path.join(out, "cpp-api", "index.html")):
            print(f"the C++ reference: {os.path.join(out, 'cpp-api', 'index.html')}")
    return code


def command_run(args):
    import shutil
    import subprocess

    if args.nproc <= 0:
        raise UsageError(f"run: --nproc must be positive, got {args.nproc}")
    if args.threads <= 0:
        raise UsageError(f"run: --threads must be positive, got {args.threads}")
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        raise UsageError("run: mpirun was not found; install Open MPI (apt-get install "
                         "openmpi-bin) and mpi4py (pip install mpi4py)")
    subcommand = args.script in ("train", "eval", "predict", "bench")
    if not subcommand and not os.path.isfile(args.script):
        raise UsageError(f"run: {args.script}: no such script (nor a striate command: train, "
                         "eval, predict, bench)")
    command = [mpirun, "-np", str(args.nproc), "-x", f"OMP_NUM_THREADS={args.threads}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-run-as-root")
    if args.hostfile:
        command += ["--hostfile", args.hostfile]
    elif args.nproc > (os.cpu_count() or 1):
        command.append("--oversubscribe")
    rest = args.args[1:] if args.args[:1] == ["--"] else args.args
    target = [sys.executable, "-m", "striate", args.script] if subcommand else [
        sys.executable, args.script]
    command += [*target, *rest]
    return subprocess.run(command).returncode


def _explicit_options(parser, argv):
    """The destinations of the `train` options given on the command line (not defaulted)."""
    train = parser._train_parser
    saved = [(action, action.default) for action in train._actions]
    try:
        for action, _ in saved:
            action.default = argparse.SUPPRESS
        given = parser.parse_args(argv)
    finally:
        for action, default in saved:
            action.default = default
    return set(vars(given)) - {"command", "run"}


def main(argv=None):
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "train":
            args._explicit = _explicit_options(parser, argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.run(args)
    except UsageError as error:
        print(f"striate: error: {error}", file=sys.stderr)
        return 2
    except FloatingPointError as error:  # training diverged: the Trainer's message, one line
        print(f"striate: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("striate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
