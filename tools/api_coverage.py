#!/usr/bin/env python3
"""How much of PyTorch's CNN surface striate has, name by name, with signatures compared.

The list below is the CNN-relevant public surface a PyTorch user's training script touches
(torch creation and math functions, Tensor methods, torch.nn modules, torch.nn.functional,
torch.optim and its schedulers, torch.utils.data, torchvision.transforms (v1) and
torchvision.utils), written down once; OUT_OF_SCOPE names what we deliberately leave out, and why.
For each name the tool looks up striate's counterpart and, where both sides expose a signature
(inspect.signature, or the signature line pybind11 writes at the top of a bound function's
docstring), compares them: every parameter torch's has must exist in striate's with the same
default (an extra striate parameter is fine; striate taking **kwargs accepts any name).

    python3 tools/api_coverage.py            # prints the summary, writes docs/api-coverage.md
    python3 tools/api_coverage.py --check    # exits 1 when docs/api-coverage.md is stale

Needs PyTorch (the reference) and striate importable; torchvision's names are checked for
presence only when torchvision cannot be imported (its CPU wheels do not match torch 2.13's).
"""

import argparse
import importlib
import inspect
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "api-coverage.md")

# (title, torch module, striate module, names)
SURFACE = [
    ("torch: creation, math, autograd and utility functions", "torch", "striate", """
        tensor as_tensor from_numpy zeros ones full empty zeros_like ones_like full_like
        empty_like rand randn randint randperm rand_like randn_like randint_like arange linspace
        eye cat concatenate stack split chunk flatten reshape squeeze unsqueeze transpose permute
        where clamp clip abs exp log log1p sqrt rsqrt sigmoid tanh relu softmax log_softmax sum
        mean max min argmax argmin prod std var matmul mm bmm add sub mul div pow maximum minimum
        eq ne lt le gt ge allclose isclose isnan isinf isfinite sign neg floor ceil round trunc
        topk sort argsort gather scatter index_select masked_select nonzero broadcast_to flip
        roll cumsum norm logical_and logical_or logical_not all any no_grad enable_grad
        set_grad_enabled is_grad_enabled inference_mode manual_seed seed initial_seed save load
        device dtype Size Generator set_num_threads get_num_threads is_tensor numel
        float32 float64 int64 uint8 bool float double long
        use_deterministic_algorithms are_deterministic_algorithms_enabled get_default_dtype
        set_default_dtype outer dot einsum tile repeat_interleave unbind narrow
    """),
    ("torch.Tensor methods and attributes", "torch.Tensor", "striate.Tensor", """
        size shape dim ndim numel view view_as reshape reshape_as flatten squeeze unsqueeze
        permute transpose t T contiguous is_contiguous clone detach detach_ requires_grad
        requires_grad_ backward grad grad_fn is_leaf retain_grad item tolist numpy to cpu cuda
        float double long int bool half type type_as device dtype is_cuda fill_ zero_ copy_ add
        add_ sub sub_ mul mul_ div div_ pow sum mean max min argmax argmin std var abs exp log
        sqrt clamp clamp_ relu sigmoid tanh softmax log_softmax matmul mm eq ne lt gt le ge
        masked_fill masked_fill_ index_select gather scatter_ scatter_add_ expand expand_as
        repeat chunk split topk sort uniform_ normal_ data new_zeros new_ones new_full
        new_tensor new_empty unbind all any norm flip round floor ceil sign neg cumsum
        element_size nbytes stride storage_offset data_ptr register_hook apply_ map_
    """),
    ("torch.nn: modules and containers", "torch.nn", "striate.nn", """
        Module Sequential ModuleList ModuleDict ParameterList ParameterDict Parameter Linear
        Bilinear Identity Flatten Unflatten Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d
        ConvTranspose3d MaxPool1d MaxPool2d MaxPool3d AvgPool1d AvgPool2d AvgPool3d
        AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d
        AdaptiveMaxPool2d AdaptiveMaxPool3d LPPool2d MaxUnpool2d BatchNorm1d BatchNorm2d
        BatchNorm3d SyncBatchNorm LayerNorm GroupNorm InstanceNorm1d InstanceNorm2d InstanceNorm3d
        LocalResponseNorm Dropout Dropout1d Dropout2d Dropout3d AlphaDropout ReLU ReLU6
        LeakyReLU PReLU ELU SELU CELU GELU SiLU Mish Sigmoid Tanh Softmax LogSoftmax Softmax2d
        Softplus Softsign Softmin Hardtanh Hardswish Hardsigmoid Hardshrink Softshrink
        Tanhshrink Threshold LogSigmoid CrossEntropyLoss NLLLoss MSELoss L1Loss SmoothL1Loss
        HuberLoss BCELoss BCEWithLogitsLoss KLDivLoss MarginRankingLoss HingeEmbeddingLoss
        MultiLabelSoftMarginLoss SoftMarginLoss CosineEmbeddingLoss TripletMarginLoss
        PoissonNLLLoss GaussianNLLLoss Upsample UpsamplingNearest2d UpsamplingBilinear2d
        PixelShuffle PixelUnshuffle ChannelShuffle ZeroPad2d ConstantPad1d ConstantPad2d
        ReflectionPad1d ReflectionPad2d ReplicationPad1d ReplicationPad2d Fold Unfold
        CosineSimilarity PairwiseDistance Embedding RNN LSTM GRU RNNCell LSTMCell GRUCell
    """),
    ("torch.nn.functional", "torch.nn.functional", "striate.nn.functional", """
        conv1d conv2d conv3d conv_transpose1d conv_transpose2d conv_transpose3d linear
        bilinear relu relu6 leaky_relu prelu elu selu celu gelu silu mish sigmoid tanh
        hardtanh hardswish hardsigmoid softmax log_softmax softmin softplus softsign
        logsigmoid threshold max_pool1d max_pool2d max_pool3d avg_pool1d avg_pool2d avg_pool3d
        adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d
        adaptive_max_pool2d lp_pool2d batch_norm layer_norm group_norm instance_norm
        local_response_norm dropout dropout1d dropout2d dropout3d alpha_dropout cross_entropy
        nll_loss mse_loss l1_loss smooth_l1_loss huber_loss binary_cross_entropy
        binary_cross_entropy_with_logits kl_div margin_ranking_loss hinge_embedding_loss
        soft_margin_loss cosine_embedding_loss triplet_margin_loss one_hot pad interpolate
        upsample pixel_shuffle pixel_unshuffle normalize cosine_similarity pairwise_distance
        unfold fold embedding grid_sample affine_grid
    """),
    ("torch.optim", "torch.optim", "striate.optim", """
        Optimizer SGD Adam AdamW RMSprop Adagrad Adadelta Adamax NAdam RAdam Rprop ASGD LBFGS
    """),
    ("torch.optim.lr_scheduler", "torch.optim.lr_scheduler", "striate.optim.lr_scheduler", """
        LRScheduler StepLR MultiStepLR ExponentialLR CosineAnnealingLR
        CosineAnnealingWarmRestarts ReduceLROnPlateau OneCycleLR CyclicLR LambdaLR
        MultiplicativeLR LinearLR ConstantLR PolynomialLR SequentialLR ChainedScheduler
    """),
    ("torch.utils.data", "torch.utils.data", "striate.data", """
        Dataset IterableDataset TensorDataset ConcatDataset ChainDataset Subset DataLoader
        random_split Sampler SequentialSampler RandomSampler SubsetRandomSampler
        WeightedRandomSampler BatchSampler DistributedSampler default_collate get_worker_info
    """),
    ("torchvision.transforms (v1)", "torchvision.transforms", "striate.data.transforms", """
        Compose ToTensor PILToTensor ToPILImage ConvertImageDtype Normalize Resize CenterCrop
        RandomCrop RandomHorizontalFlip RandomVerticalFlip RandomResizedCrop RandomRotation
        RandomAffine RandomPerspective ColorJitter Grayscale RandomGrayscale Pad Lambda
        RandomApply RandomChoice RandomOrder RandomErasing GaussianBlur FiveCrop TenCrop
        RandomInvert RandomPosterize RandomSolarize RandomAdjustSharpness RandomAutocontrast
        RandomEqualize AutoAugment RandAugment TrivialAugmentWide AugMix LinearTransformation
        ElasticTransform
    """),
    ("torchvision.utils", "torchvision.utils", "striate.utils", """
        make_grid save_image
    """),
]

# Deliberately not in striate, with the reason; counted apart, not as missing.
OUT_OF_SCOPE = {
    "torch.nn.Embedding": "word embeddings: not a CNN layer (the lecture notes' scope)",
    "torch.nn.functional.embedding": "word embeddings: not a CNN layer",
    "torch.nn.Bilinear": "a bilinear form of two inputs: not used by the networks of the notes",
    "torch.nn.functional.bilinear": "see nn.Bilinear",
    "torch.nn.functional.grid_sample": "spatial transformers: outside the notes",
    "torch.nn.functional.affine_grid": "spatial transformers: outside the notes",
    "torch.Tensor.data_ptr": "raw addresses: striate exposes buffers through DLPack/__array__",
    "torch.Tensor.map_": "per-element Python callbacks: use vectorized ops",
    "torch.Tensor.apply_": "per-element Python callbacks: use vectorized ops",
    "torch.utils.data.ChainDataset": "iterable-dataset chaining: map-style datasets only so far",
    "torch.utils.data.IterableDataset": "streaming datasets: map-style datasets only so far",
    "torchvision.transforms.ElasticTransform": "rarely used; outside the notes' augmentations",
    "torchvision.transforms.LinearTransformation": "whitening matrices: outside the notes",
}

# Parameters torch's signatures carry that are about torch's own machinery, not the operation.
IGNORED_PARAMETERS = {"out", "layout", "pin_memory", "memory_format", "_stacklevel",
                      "_random_samples", "capturable", "differentiable", "self"}


def resolve(path):
    """The object a dotted path names, or None."""
    parts = path.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                obj = getattr(obj, attribute)
        except AttributeError:
            return None
        return obj
    return None


_SIGNATURE_HEAD = re.compile(r"^\s*(?:\d+\.\s*)?[\w.]+\(")
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*$")


def _arguments_text(line):
    """The text between a signature line's first '(' and its matching ')', or None."""
    match = _SIGNATURE_HEAD.match(line)
    if not match:
        return None
    depth, start = 1, match.end()
    for i in range(start, len(line)):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(line[i], 0)
        if depth == 0:
            return line[start:i]
    return None


def _stable_repr(value):
    """repr without the memory address some objects print (the page must be reproducible)."""
    return re.sub(r" at 0x[0-9a-f]+", "", repr(value))


def _split_top_level(text):
    parts, depth, current = [], 0, []
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


def parameters(obj):
    """{name: default repr or None}, plus whether **kwargs is accepted; None when unknowable."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(obj if not inspect.isclass(obj) else target)
        names = {}
        var_keyword = False
        for p in signature.parameters.values():
            if p.kind is p.VAR_KEYWORD:
                var_keyword = True
            elif p.kind is not p.VAR_POSITIONAL and p.name != "self":
                names[p.name] = None if p.default is p.empty else _stable_repr(p.default)
        return names, var_keyword
    except (TypeError, ValueError):
        pass
    doc = (getattr(target, "__doc__", None) or "").strip()
    if doc.startswith("Overloaded function."):  # pybind11: "1. name(...)", "2. name(...)"
        heads = [line for line in doc.splitlines() if re.match(r"^\d+\. \w+\(", line)]
    else:  # pybind11 and torch's C functions: the signature lines before the first blank line
        heads = doc.split("\n\n", 1)[0].splitlines()
    found, seen = {}, False
    for line in heads:
        arguments = _arguments_text(line)
        if arguments is None:
            continue
        seen = True
        for part in _split_top_level(arguments):
            if part in ("*", "/") or part.startswith("*"):
                continue
            name, _, default = part.partition("=")
            name = name.split(":")[0].strip()
            if _IDENTIFIER.match(name) and name not in ("self", "int", "bool", "float"):
                found.setdefault(name, default.strip() or None)
    return (found, False) if seen else None


def _same_default(torch_default, striate_default):
    if torch_default is None:
        return True  # a required torch parameter: striate's may have a default
    if striate_default is None:
        return False
    norm = {"True": "True", "False": "False", "None": "None"}
    a, b = norm.get(torch_default, torch_default), norm.get(striate_default, striate_default)
    try:
        return float(a) == float(b)
    except ValueError:
        return a.strip("'\"") == b.strip("'\"")


def compare(torch_obj, striate_obj):
    """('compatible' | 'differs' | 'present', note)."""
    theirs, ours = parameters(torch_obj), parameters(striate_obj)
    if theirs is None or ours is None:
        return "present", "signature not inspectable on " + ("torch" if theirs is None else
                                                             "striate") + "'s side"
    (theirs, _), (ours, any_keyword) = theirs, ours
    problems = []
    for name, default in theirs.items():
        if name in IGNORED_PARAMETERS:
            continue
        if name not in ours:
            if not any_keyword:
                problems.append(f"no `{name}`")
        elif not _same_default(default, ours[name]):
            problems.append(f"`{name}` default {ours[name]} (torch: {default})")
    return ("differs", "; ".join(problems)) if problems else ("compatible", "")


def survey():
    rows = []
    for title, torch_module, striate_module, names in SURFACE:
        section = []
        for name in names.split():
            full = f"{torch_module}.{name}"
            torch_obj = resolve(full)
            striate_obj = resolve(f"{striate_module}.{name}")
            if full in OUT_OF_SCOPE:
                section.append((name, "out of scope", OUT_OF_SCOPE[full]))
            elif striate_obj is None:
                section.append((name, "missing", ""))
            elif torch_obj is None or not callable(torch_obj) or not callable(striate_obj):
                section.append((name, "present", "" if torch_obj is not None else
                                "reference not importable here: presence only"))
            else:
                section.append((name,) + compare(torch_obj, striate_obj))
        rows.append((title, torch_module, striate_module, section))
    return rows


def render(rows):
    totals = {"compatible": 0, "present": 0, "differs": 0, "missing": 0, "out of scope": 0}
    for _, _, _, section in rows:
        for _, status, _ in section:
            totals[status] += 1
    in_scope = sum(totals.values()) - totals["out of scope"]
    have = totals["compatible"] + totals["present"] + totals["differs"]
    lines = [
        "# PyTorch API coverage",
        "",
        "Generated by `python3 tools/api_coverage.py` (tests/test_api_coverage.py fails when this "
        "page is stale). The list is the CNN-relevant public surface of PyTorch a training script "
        "touches, written down in the tool; *out of scope* names what we leave out on purpose, "
        "with the reason. *compatible*: every parameter of torch's signature exists in striate's "
        "with the same default; *differs*: present, with the differences listed; *present*: "
        "present, signatures not comparable (a C builtin on torch's side, or torchvision not "
        "importable here).",
        "",
        f"**{have} of {in_scope} names in scope are present ({100.0 * have / in_scope:.1f}%)**; "
        f"{totals['compatible']} compatible, {totals['differs']} with differing signatures, "
        f"{totals['present']} not comparable, {totals['missing']} missing; "
        f"{totals['out of scope']} out of scope.",
        "",
    ]
    for title, torch_module, striate_module, section in rows:
        lines += [f"## {title}", "", f"`{torch_module}` → `{striate_module}`", "",
                  "| name | status | note |", "|---|---|---|"]
        for name, status, note in section:
            lines.append(f"| `{name}` | {status} | {note.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines), have, in_scope, totals


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when docs/api-coverage.md is not what the tool generates")
    parser.add_argument("--output", default=DOC)
    args = parser.parse_args(argv)
    text, have, in_scope, totals = render(survey())
    print(f"{have}/{in_scope} present ({100.0 * have / in_scope:.1f}%): {totals}")
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = ""
        if current != text:
            print(f"{args.output} is stale: run python3 tools/api_coverage.py")
            return 1
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
