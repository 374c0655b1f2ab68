"""The generated pages of the reference site, written by conf.py before Sphinx reads the sources.

- api/<page>.rst: the reference pages, laid out as torch's (tensors, nn, nn.functional, optim,
  data, models, train, io, utils, distributed, cuda, profiler, autograd); every public name of
  tools/doc_inventory.py appears on exactly one page, under the module it is documented in.
- cli.md: `striate --help` and each command's help, from the argparse parser itself.
- cpp_api.md: every public C++ header with its opening comment (Doxygen is not needed).
- _generated/networks.md (+ .svg pictures): the classic networks of the notes, each with its
  striate.summary table and, where Graphviz's dot is installed, its striate.viz.graph picture.

A file is rewritten only when its text changes, so an incremental build stays incremental.
"""

import io
import os
import re
import shutil
from contextlib import redirect_stdout

import doc_inventory

# What write_all() writes under docs/site (git-ignored; tests/test_doc_examples.py skips it).
GENERATED = ("api", "cli.md", "cpp_api.md", "_generated")

# (page, title, intro, modules); every module of doc_inventory.PUBLIC_MODULES is on one page.
API_PAGES = [
    ("tensors", "striate: tensors and functions",
     "The package itself: ``Tensor``, dtypes, devices, creation functions, math on tensors, "
     "random numbers, saving and loading.", ["striate"]),
    ("nn", "striate.nn", "Layers, containers, the classic blocks, ``Module``, initialization "
     "and the utilities of ``torch.nn.utils``.",
     ["striate.nn", "striate.nn.init", "striate.nn.utils", "striate.nn.parallel"]),
    ("nn.functional", "striate.nn.functional", "The functional form of every layer.",
     ["striate.nn.functional"]),
    ("optim", "striate.optim", "Optimizers, learning-rate schedules and weight averaging.",
     ["striate.optim", "striate.optim.lr_scheduler", "striate.optim.swa_utils"]),
    ("data", "striate.data", "Datasets, samplers, the DataLoader and transforms.",
     ["striate.data", "striate.data.transforms", "striate.data.dataset", "striate.data.loader",
      "striate.data.sampler", "striate.data.vision", "striate.data.datasets"]),
    ("models", "striate.models", "The model zoo: the classic networks of the notes and more.",
     ["striate.models"]),
    ("train", "striate.train", "The Trainer, its callbacks, metrics and plots.",
     ["striate.train"]),
    ("io", "striate.io and striate.onnx", "Weights, model files and checkpoints; ONNX export "
     "and import.", ["striate.io", "striate.onnx"]),
    ("utils", "striate.utils and striate.viz", "Image grids and network pictures.",
     ["striate.utils", "striate.viz"]),
    ("distributed", "striate.distributed", "Data-parallel training across processes (MPI).",
     ["striate.distributed"]),
    ("cuda", "striate.cuda, accelerator and backends", "Devices, streams, memory, and the "
     "backends' switches.",
     ["striate.cuda", "striate.accelerator", "striate.amp", "striate.backends",
      "striate.backends.cpu", "striate.backends.cuda", "striate.backends.cudnn",
      "striate.backends.mps"]),
    ("profiler", "striate.profiler", "Where the time goes.", ["striate.profiler"]),
    ("diagnostics", "striate.diagnostics", "Seeing inside training: memory planning, feature "
     "maps, saliency and class activation maps.", ["striate.diagnostics"]),
    ("autograd", "striate.autograd", "Gradient modes and custom autograd functions.",
     ["striate.autograd"]),
]

# The classic networks of the notes, at the input size each was designed for.
NETWORKS = [
    ("LeNet-5", "lenet5", {}, (1, 28, 28),
     "LeCun et al. 1998: two convolutions with average-pooling subsampling, then three fully "
     "connected layers; the first network of the notes, trained by ``striate train``."),
    ("AlexNet", "alexnet", {}, (3, 224, 224),
     "Krizhevsky et al. 2012: five convolutions, ReLU, overlapping max pooling, dropout."),
    ("VGG-11", "vgg11", {}, (3, 224, 224),
     "Simonyan and Zisserman 2014: only 3x3 convolutions, stacked (``vgg13``, ``vgg16`` and "
     "``vgg19`` are deeper)."),
    ("Network in Network", "nin", {}, (3, 32, 32),
     "Lin et al. 2013: 1x1 convolutions as per-pixel MLPs and global average pooling."),
    ("GoogLeNet", "googlenet", {}, (3, 224, 224),
     "Szegedy et al. 2014: Inception blocks, four branches concatenated along the channels."),
    ("ResNet-20", "resnet20", {}, (3, 32, 32),
     "He et al. 2015, the CIFAR form: residual blocks, each output = F(x) + x (the sum merge)."),
    ("DenseNet-121", "densenet121", {}, (3, 224, 224),
     "Huang et al. 2016: each layer of a dense block reads the concatenation of all before it."),
]
# Graphviz takes minutes to lay out DenseNet-121's graph (hundreds of concatenations): its
# picture is that of the same design at CIFAR size with three layers per dense block.
PICTURES = {"densenet121": ("densenet_bc", {"depth": 22}, (3, 32, 32),
                            "DenseNet-BC, depth 22 (three layers per dense block), 32x32 input")}


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _heading(text, char):
    return f"{text}\n{char * len(text)}\n"


def api_pages(entries=None):
    """{page: rst text} for every reference page."""
    entries = doc_inventory.inventory() if entries is None else entries
    modules = [name for name, _ in doc_inventory.public_modules()]
    placed = {m for _, _, _, page_modules in API_PAGES for m in page_modules}
    unplaced = [m for m in modules if m not in placed]
    if unplaced:
        raise RuntimeError(f"docs/site/generate.py: public modules on no page: {unplaced}")
    # top-level names in inventory order, each with the members listed after it
    tops, members = [], {}
    for e in entries:
        parent = e.name.rsplit(".", 1)[0]
        if parent in members:
            members[parent].append(e.name.rsplit(".", 1)[1])
        else:
            tops.append(e)
            if isinstance(e.obj, type):
                members[e.name] = []
    by_module = {}
    for e in tops:
        by_module.setdefault(doc_inventory.module_of(e.name, modules), []).append(e)
    pages = {}
    for page, title, intro, page_modules in API_PAGES:
        out = [_heading(title, "="), "", intro, ""]
        for module in page_modules:
            if module not in by_module:
                continue
            out += ["", _heading(module, "-"), f".. currentmodule:: {module}", ""]
            for e in by_module[module]:
                short = e.name[len(module) + 1:]
                if isinstance(e.obj, type):
                    out.append(f".. autoclass:: {short}")
                    if members[e.name]:
                        out.append(f"   :members: {', '.join(members[e.name])}")
                        out.append("   :undoc-members:")
                else:
                    out.append(f".. autofunction:: {short}")
                out.append("")
        pages[page] = "\n".join(out) + "\n"
    return pages


def cli_page():
    from striate import cli

    parser = cli.build_parser()
    out = ["# The `striate` command", "",
           "Installed with the package (`python -m striate` is the same). Bad input prints one "
           "line `striate: error: ...` and exits with status 2. The text below is the command's "
           "own `--help`, generated when the site is built.", ""]

    def block(text):
        return ["```text", text.rstrip(), "```", ""]

    out += block(parser.format_help())
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in commands.choices.items():
        out += [f"## striate {name}", ""] + block(sub.format_help())
    return "\n".join(out)


def networks_page(folder):
    """The Markdown of the classic networks' summaries; pictures written into folder."""
    import striate

    dot = shutil.which("dot") is not None
    out = []
    for title, name, kwargs, shape, text in NETWORKS:
        striate.manual_seed(0)
        model = getattr(striate.models, name)(**kwargs)
        summary = striate.summary(model, shape, print_table=False)
        out += [f"# {title}", "", text, "",
                f"`striate.models.{name}()`, input {'x'.join(map(str, shape))}:", "",
                "```text", str(summary).rstrip(), "```", ""]
        if dot:
            caption = f"{title}: striate.viz.graph"
            if name in PICTURES:
                small, small_kwargs, shape, caption = PICTURES[name]
                model = getattr(striate.models, small)(**small_kwargs)
            picture = os.path.join(folder, f"{name}.svg")
            with redirect_stdout(io.StringIO()):
                striate.viz.graph(model, shape, picture)
            out += [f"![{caption}]({name}.svg)", ""]
    if not dot:
        out += ["(The pictures are drawn when Graphviz's `dot` is installed: "
                "`apt-get install graphviz`.)", ""]
    return "\n".join(out)


def _code_language(code):
    """cpp, or text when Pygments' C++ lexer cannot read the sample (a formula among the code)."""
    from pygments.lexers import CppLexer
    from pygments.token import Error

    tokens = CppLexer().get_tokens("\n".join(code))
    return "text" if any(kind is Error for kind, _ in tokens) else "cpp"


def cpp_api_page(include_dir):
    """Every public C++ header with its opening comment (what it offers, a short example)."""
    out = ["# The C++ API", "",
           "The public headers are the specification: each opens with what it offers and a short "
           "example, shown here for every header under `cpp/include/striate/` (this page is "
           "generated from them when the site is built; Doxygen is not needed). "
           "`#include <striate/striate.h>` brings in everything; the names match the Python "
           "API's (`striate::nn::Conv2d`, `striate::optim::SGD`, `striate::io::load_model`). "
           "[C++ embedding](cpp.md) shows how to build a program against the library.", ""]
    headers = []
    for folder, _, files in os.walk(include_dir):
        headers += [os.path.join(folder, f) for f in files if f.endswith(".h")]
    headers.sort(key=lambda p: (os.path.relpath(p, include_dir).count(os.sep), p))
    section = None
    for path in headers:
        relative = os.path.relpath(path, include_dir)
        folder = os.path.dirname(relative) or "striate"
        if folder != section:
            section = folder
            out += [f"## `{folder}/`" if folder != "striate" else "## `striate/`", ""]
        prose, code = [], []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.startswith("//"):
                    break
                text = line[2:].rstrip("\n")
                if text.startswith("   "):
                    code.append(text[3:])
                elif not code:
                    prose.append(text.strip())
        text = re.sub(r"([*_<>\[\]])", r"\\\1", " ".join(prose))  # plain text, not Markdown
        out += [f"### `<{relative}>`", "", text or "(no opening comment)", ""]
        if code:
            out += [f"```{_code_language(code)}", *code, "```", ""]
    return "\n".join(out)


def write_all(site):
    for page, text in api_pages().items():
        _write(os.path.join(site, "api", f"{page}.rst"), text)
    _write(os.path.join(site, "cli.md"), cli_page())
    root = os.path.dirname(os.path.dirname(site))
    _write(os.path.join(site, "cpp_api.md"), cpp_api_page(os.path.join(root, "cpp", "include")))
    generated = os.path.join(site, "_generated")
    os.makedirs(generated, exist_ok=True)
    if os.environ.get("STRIATE_DOCS_SKIP_NETWORKS"):
        text = "(Built with STRIATE_DOCS_SKIP_NETWORKS set: the summaries were left out.)\n"
    else:
        text = networks_page(generated)
    _write(os.path.join(generated, "networks.md"), text)
