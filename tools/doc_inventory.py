#!/usr/bin/env python3
"""The one definition of striate's public names, shared by tests/test_docstrings.py,
tests/test_doc_examples.py and the reference site (docs/site).

Public = for each module in PUBLIC_MODULES that imports, every name in its ``__all__`` (or, without
``__all__``, every name not starting with ``_`` whose object comes from striate) that is a class
or a function; for a class also every method and property whose name does not start with ``_``,
defined on the class itself or on a base class that is neither public nor built in (a bound C++
base such as ``_C._nn.Module``: its methods are what the user calls on the public class). A class's
``__init__`` counts as the class. Constants (dtypes, ``IMG_EXTENSIONS``, version strings) are not
names to document here: they are described where they are defined.

Each object is counted once (de-duplicated by identity): its name is the first one met in
PUBLIC_MODULES order, which lists the specific modules before the package ``striate`` itself,
so ``striate.relu`` is documented as ``striate.nn.functional.relu`` and
``striate.data.loader.DataLoader`` as ``striate.data.DataLoader``.

A docstring counts when it has text beyond pybind11's generated signature lines; an example counts
when the docstring has an ``Example:`` (or ``Examples:``) section with at least one ``>>>`` line.

    python3 tools/doc_inventory.py                      # per-module coverage table
    python3 tools/doc_inventory.py --missing striate.nn  # public names under striate.nn lacking one
    python3 tools/doc_inventory.py --missing-example striate.optim
"""

import argparse
import importlib
import inspect
import re
import sys
import types
from typing import NamedTuple

# Specific modules first, the package last; a name is documented under the first module holding it.
PUBLIC_MODULES = [
    "striate.nn",
    "striate.nn.functional",
    "striate.nn.init",
    "striate.nn.utils",
    "striate.nn.parallel",
    "striate.optim",
    "striate.optim.lr_scheduler",
    "striate.optim.swa_utils",
    "striate.data",
    "striate.data.transforms",
    "striate.data.dataset",
    "striate.data.loader",
    "striate.data.sampler",
    "striate.data.vision",
    "striate.data.datasets",
    "striate.models",
    "striate.train",
    "striate.io",
    "striate.onnx",
    "striate.utils",
    "striate.distributed",
    "striate.cuda",
    "striate.autograd",
    "striate.profiler",
    "striate.diagnostics",
    "striate.backends",
    "striate.backends.cpu",
    "striate.backends.cuda",
    "striate.backends.cudnn",
    "striate.backends.mps",
    "striate.accelerator",
    "striate.amp",
    "striate.viz",
    "striate",
]

# Members inherited from these modules are Python's, not ours (e.g. ParamGroup's dict methods from
# collections.abc.MutableMapping).
_BUILTIN_MODULES = {"builtins", "pybind11_builtins", "collections.abc", "_collections_abc"}


class Entry(NamedTuple):
    name: str  # qualified: "striate.nn.Conv2d", "striate.nn.Module.parameters"
    obj: object
    has_docstring: bool
    has_example: bool


# pybind11 writes "name(arg: type, ...) -> type" (one per overload, numbered) before any text.
_SIGNATURE_LINE = re.compile(
    r"^\s*(\d+\.\s+)?([A-Za-z_][\w.]*\s*\(.*\)\s*(->\s*.*)?|\(.*\)\s*->\s*.*)$")
_EXAMPLE_HEADER = re.compile(r"^\s*Examples?:\s*$", re.MULTILINE)


def raw_docstring(obj):
    """The object's own docstring (a class's is never inherited), or ''."""
    if isinstance(obj, type):
        doc = obj.__dict__.get("__doc__")
    elif isinstance(obj, property):
        doc = obj.__doc__ or (obj.fget.__doc__ if obj.fget is not None else None)
    elif isinstance(obj, (staticmethod, classmethod)):
        doc = obj.__func__.__doc__
    else:
        doc = getattr(obj, "__doc__", None)
    return doc if isinstance(doc, str) else ""


def docstring_text(obj):
    """The docstring without pybind11's generated signature lines ('' when nothing else)."""
    lines = inspect.cleandoc(raw_docstring(obj)).splitlines()
    kept = []
    for i, line in enumerate(lines):
        if line.strip() == "Overloaded function.":
            continue
        # a signature line opens the docstring or an overload ("1. f(...)"), after a blank line
        starts_block = i == 0 or not lines[i - 1].strip()
        if starts_block and _SIGNATURE_LINE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def has_docstring(obj):
    return bool(docstring_text(obj))


def example_text(obj):
    """The ``Example:`` sections of the docstring (dedented), '' when there is none."""
    text = docstring_text(obj)
    out = []
    for match in _EXAMPLE_HEADER.finditer(text):
        indent = len(match.group(0)) - len(match.group(0).lstrip())
        body = []
        for line in text[match.end():].splitlines()[1:]:
            if line.strip() and len(line) - len(line.lstrip()) <= indent:
                break  # the next section (or the end of the indented block)
            body.append(line)
        out.append(inspect.cleandoc("\n".join(body)))
    return "\n\n".join(part for part in out if part)


def has_example(obj):
    return ">>>" in example_text(obj)


def _is_documentable(obj):
    if isinstance(obj, type):
        return True
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return True
    # pybind11 functions are builtin functions; functools.partial etc. are not documented names
    return False


def _from_striate(obj):
    module = getattr(obj, "__module__", None) or ""
    return module == "striate" or module.startswith("striate.")


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is not None:
        return [(n, getattr(module, n, None)) for n in names if hasattr(module, n)]
    out = []
    for n, obj in sorted(vars(module).items()):
        if n.startswith("_") or not _from_striate(obj):
            continue
        out.append((n, obj))
    return out


def _member_kind(value):
    """The member itself when it is a method or property worth documenting, else None."""
    if isinstance(value, property):
        return value
    if isinstance(value, (staticmethod, classmethod)):
        return value
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        return value
    # pybind11 instance methods (instancemethod), pybind11 static properties, slot wrappers
    kind = type(value).__name__
    if kind in ("instancemethod", "method_descriptor", "getset_descriptor"):
        return value
    if isinstance(value, property.__class__) or kind == "pybind11_static_property":
        return value
    return None


def _unwrap(member):
    if isinstance(member, (staticmethod, classmethod)):
        return member.__func__
    if type(member).__name__ == "instancemethod":
        return getattr(member, "__func__", member)
    return member


def _class_members(cls, public_classes):
    """(name, member) for the methods/properties a user reaches on cls, in definition order."""
    seen = set()
    out = []
    for base in cls.__mro__:
        if base is not cls:
            if base.__module__ in _BUILTIN_MODULES or base is object:
                continue
            if id(base) in public_classes:
                continue  # documented on its own page
        for name, value in base.__dict__.items():
            if name.startswith("_") or name in seen:
                continue
            member = _member_kind(value)
            if member is None:
                continue
            seen.add(name)
            out.append((name, member))
    return out


def public_modules():
    """(name, module) for every public module that imports (amp and datasets may not exist)."""
    mods = []
    for name in PUBLIC_MODULES:
        try:
            mods.append((name, importlib.import_module(name)))
        except ModuleNotFoundError as error:
            if error.name != name:  # only a module that does not exist is left out
                raise
    return mods


def inventory():
    """Every public name as Entry(qualified name, object, has_docstring, has_example), each object
    once, in PUBLIC_MODULES order with each class's members right after it."""
    modules = public_modules()
    top = []  # (qualified name, object) of modules' names, first holder wins
    seen = set()
    for mod_name, module in modules:
        for name, obj in _public_names(module):
            if isinstance(obj, types.ModuleType) or not _is_documentable(obj):
                continue
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            top.append((f"{mod_name}.{name}", obj))
    public_classes = {id(obj) for _, obj in top if isinstance(obj, type)}
    entries = []
    for qualname, obj in top:
        entries.append(Entry(qualname, obj, has_docstring(obj), has_example(obj)))
        if not isinstance(obj, type):
            continue
        for name, member in _class_members(obj, public_classes):
            target = _unwrap(member)
            if id(target) in seen:
                continue
            seen.add(id(target))
            entries.append(Entry(f"{qualname}.{name}", member, has_docstring(member),
                                 has_example(member)))
    return entries


def module_of(entry_name, modules=None):
    """The public module an entry is documented under (its longest public-module prefix)."""
    names = modules if modules is not None else [n for n, _ in public_modules()]
    best = ""
    for m in names:
        if entry_name.startswith(m + ".") and len(m) > len(best):
            best = m
    return best


def coverage(entries=None):
    """{module: (names, with docstring, with example)} over the inventory."""
    entries = inventory() if entries is None else entries
    modules = [n for n, _ in public_modules()]
    table = {m: [0, 0, 0] for m in modules}
    for e in entries:
        row = table[module_of(e.name, modules)]
        row[0] += 1
        row[1] += e.has_docstring
        row[2] += e.has_example
    return {m: tuple(v) for m, v in table.items() if v[0]}


def _under(name, prefix):
    return name == prefix or name.startswith(prefix + ".")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--missing", metavar="PREFIX",
                        help="list the public names under PREFIX that have no docstring")
    parser.add_argument("--missing-example", metavar="PREFIX",
                        help="list the public names under PREFIX whose docstring has no example")
    parser.add_argument("--all", action="store_true", help="list every public name with its marks")
    args = parser.parse_args(argv)
    entries = inventory()
    if args.missing or args.missing_example:
        prefix = args.missing or args.missing_example
        for e in entries:
            if not _under(e.name, prefix):
                continue
            lacking = not e.has_docstring if args.missing else not e.has_example
            if lacking:
                print(e.name)
        return 0
    if args.all:
        for e in entries:
            marks = ("D" if e.has_docstring else "-") + ("E" if e.has_example else "-")
            print(f"{marks} {e.name}")
        return 0
    table = coverage(entries)
    width = max(len(m) for m in table)
    print(f"{'module':<{width}}  names  docstring  example")
    totals = [0, 0, 0]
    for m, (n, d, x) in table.items():
        print(f"{m:<{width}}  {n:5d}  {d:5d} {d / n:4.0%}  {x:5d} {x / n:4.0%}")
        totals = [totals[0] + n, totals[1] + d, totals[2] + x]
    n, d, x = totals
    print(f"{'total':<{width}}  {n:5d}  {d:5d} {d / n:4.0%}  {x:5d} {x / n:4.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
