"""Every example in the documentation runs.

- Each public name's docstring (tools/doc_inventory.py) with an ``Example:`` section: its ``>>>``
  lines run as a doctest (ELLIPSIS and NORMALIZE_WHITESPACE on), one test per name, with
  ``striate``, ``st``, ``nn``, ``F`` (striate.nn.functional) and ``np`` already imported.
- Each page of the reference site (docs/site/**.md and the docs/*.md pages it includes): its
  ```python blocks run in order in one namespace per page (a page is a tutorial: later blocks use
  earlier names), one test per page. A block preceded by the line ``<!-- skip-example -->`` is a
  fragment shown, not run (the test lists how many there are).

Both run in a fresh temporary folder holding ``fashion-mnist/``, the sample of Fashion-MNIST
bundled with the package (4,000 training and 1,000 test images), so an example loads data with
``st.data.FashionMNIST("fashion-mnist", train=False)``; the default generator is seeded with 0
before each. Examples stay small: the whole file runs in well under a minute.
"""

import doctest
import io
import os
import re
import sys
import traceback

import numpy as np
import pytest

import striate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SITE = os.path.join(ROOT, "docs", "site")
sys.path.insert(0, os.path.join(ROOT, "tools"))

import doc_inventory  # noqa: E402

sys.path.insert(0, SITE)
from generate import GENERATED  # noqa: E402  (docs/site/generate.py)

SAMPLE = os.path.join(os.path.dirname(os.path.abspath(striate.__file__)), "_sample_data",
                      "fashion-mnist")
SKIP_MARK = "<!-- skip-example -->"
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(\S*)")
_INCLUDE = re.compile(r"^```\{include\}\s+(\S+)", re.MULTILINE)

EXAMPLES = [e for e in doc_inventory.inventory() if doc_inventory.example_text(e.obj)]


def python_blocks(path):
    """(line number, source, skipped) of every ```python block of a Markdown page."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        fence, language = match.group(2), match.group(3)
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if language in ("python", "python3", "py"):
            previous = next((ln for ln in reversed(lines[:start]) if ln.strip()), "")
            blocks.append((start + 1, "\n".join(body) + "\n", previous.strip() == SKIP_MARK))
    return blocks


def site_pages():
    """The site's written Markdown pages (not those generate.py writes at build time) and the
    docs/*.md pages they include, each once."""
    generated = {os.path.join(SITE, name) for name in GENERATED}
    pages = []
    for folder, subfolders, files in os.walk(SITE):
        subfolders[:] = sorted(d for d in subfolders if os.path.join(folder, d) not in generated)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if name.endswith(".md") and path not in generated:
                pages.append(path)
    included = []
    for page in pages:
        with open(page, encoding="utf-8") as f:
            for target in _INCLUDE.findall(f.read()):
                path = os.path.normpath(os.path.join(os.path.dirname(page), target))
                generated_page = any(path == g or path.startswith(g + os.sep) for g in generated)
                if path.endswith(".md") and path not in pages + included and not generated_page:
                    included.append(path)
    return pages + included


PAGES = site_pages()


@pytest.fixture
def sample_cwd(tmp_path, monkeypatch):
    os.symlink(SAMPLE, tmp_path / "fashion-mnist")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    striate.manual_seed(0)
    np.random.seed(0)
    return tmp_path


def test_site_has_pages():
    assert len(PAGES) >= 10
    assert sum(len(python_blocks(p)) for p in PAGES) > 0


def test_skip_marks_are_few():
    # A skipped block is a fragment (it names objects the page does not build); keep them rare.
    skipped = [(os.path.relpath(p, ROOT), line) for p in PAGES
               for line, _, skip in python_blocks(p) if skip]
    ran = sum(1 for p in PAGES for _, _, skip in python_blocks(p) if not skip)
    assert len(skipped) <= ran, f"more skipped than running blocks: {skipped}"


def test_block_parser():
    import tempfile

    text = "# t\n\n```python\nx = 1\n```\n\n<!-- skip-example -->\n```python\ny\n```\n" \
           "```bash\nls\n```\n"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False) as f:
        f.write(text)
    try:
        assert python_blocks(f.name) == [(3, "x = 1\n", False), (8, "y\n", True)]
    finally:
        os.unlink(f.name)


@pytest.mark.parametrize("page", [os.path.relpath(p, ROOT) for p in PAGES])
def test_page_examples_run(page, sample_cwd):
    namespace = {"__name__": "__doc_page__"}
    for line, source, skipped in python_blocks(os.path.join(ROOT, page)):
        if skipped:
            continue
        try:
            exec(compile(source, f"{page}:{line}", "exec"), namespace)
        except Exception:
            pytest.fail(f"{page}, the python block at line {line} failed:\n"
                        f"{traceback.format_exc()}")


def run_example(name, text):
    """Runs an Example: section as a doctest; returns (failed, attempted, report)."""
    globs = {"striate": striate, "st": striate, "nn": striate.nn, "F": striate.nn.functional,
             "np": np, "__name__": "__doc_example__"}
    test = doctest.DocTestParser().get_doctest(text, globs, name, None, 0)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    report = io.StringIO()
    result = runner.run(test, out=report.write, clear_globs=True)
    return result.failed, result.attempted, report.getvalue()


@pytest.mark.parametrize("name", [e.name for e in EXAMPLES] or ["<no Example: section yet>"])
def test_docstring_example_runs(name, sample_cwd):
    entries = {e.name: e for e in EXAMPLES}
    if name not in entries:
        assert not EXAMPLES  # the placeholder runs only while no docstring has an example
        return
    failed, attempted, report = run_example(name, doc_inventory.example_text(entries[name].obj))
    assert attempted > 0, f"{name}: the Example: section has no '>>>' line"
    assert failed == 0, f"{name}: {failed} of {attempted} example lines failed:\n{report}"


def test_the_runner_checks_outputs(sample_cwd):
    def documented():
        """Ones.

        Example:
            >>> x = st.ones(2, 3)
            >>> x.shape
            striate.Size([2, 3])
            >>> F.relu(st.tensor([-1.0, 2.0])).numpy()
            array([0., 2.], dtype=float32)
            >>> len(st.data.FashionMNIST("fashion-mnist", train=False))
            1000
            >>> x.sum().item()   # output checked with NORMALIZE_WHITESPACE and ELLIPSIS
            6.0...
        """

    assert run_example("documented", doc_inventory.example_text(documented))[:2] == (0, 5)
    failed, _, report = run_example("wrong", ">>> 1 + 1\n3\n")
    assert failed == 1 and "Expected:" in report


def test_docs_command_says_how_to_build_the_site(capsys, monkeypatch):
    from striate import cli

    monkeypatch.chdir(ROOT)
    assert cli.main(["docs"]) == 0
    out = capsys.readouterr().out
    assert f"-b html {os.path.join(ROOT, 'docs', 'site')}" in out
    assert os.path.join(ROOT, "build", "site", "index.html") in out


def test_docs_command_builds_with_sphinx(monkeypatch, tmp_path, capsys):
    import importlib.util
    import subprocess

    from striate import cli

    calls = []
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(subprocess, "run", lambda command: calls.append(command) or
                        subprocess.CompletedProcess(command, 0))
    assert cli.main(["docs", "--build", "--out", str(tmp_path)]) == 0
    assert calls[0][1:] == ["-m", "sphinx", "-W", "--keep-going", "-b", "html",
                            os.path.join(ROOT, "docs", "site"), str(tmp_path)]
    assert "index.html" in capsys.readouterr().out


def test_api_pages_list_every_public_name_once():
    import generate

    entries = doc_inventory.inventory()
    listed = []
    for text in generate.api_pages(entries).values():
        module = None
        for line in text.splitlines():
            if line.startswith(".. currentmodule:: "):
                module = line.split()[-1]
            elif line.startswith((".. autoclass:: ", ".. autofunction:: ")):
                owner = f"{module}.{line.split()[-1]}"
                listed.append(owner)
            elif line.startswith("   :members: "):
                listed += [f"{owner}.{m.strip()}" for m in line[len("   :members: "):].split(",")]
    assert sorted(listed) == sorted(e.name for e in entries)


def test_plain_text_docstrings_become_rst():
    import docstring_rst

    lines = ["Update rule:", "", "p = p - lr * g", "    nested", "", "Args:",
             "    *tensors (Tensor): a*b, ``a*b`` and zero_ calls.", "", "Shape:",
             "    Input: (N, C, H, W)", "    Output: (N, K, P, Q), where", "        P = H - R + 1",
             "", "Example:", "    >>> 2 * 3", "    6"]
    assert docstring_rst.to_rst(lines) == [
        "Update rule::", "", "    p = p - lr * g", "        nested", "", "Args:",
        "    *tensors (Tensor): a\\*b, ``a*b`` and zero\\_ calls.", "", "Shape:",
        "    - Input: (N, C, H, W)", "    - Output: (N, K, P, Q), where", "      P = H - R + 1",
        "", "Example:", "    >>> 2 * 3", "    6"]
