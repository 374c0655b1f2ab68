"""Sphinx configuration of striate's reference site.

    sphinx-build -W --keep-going -b html docs/site build/site   # or: striate docs --build

The site documents the installed striate (autodoc imports it). Before Sphinx reads the sources,
this file writes the generated pages (git-ignored): api/*.rst, one per reference page, listing
every public name of tools/doc_inventory.py exactly once (the same list the docstring tests use),
cli.md from the `striate` command's argparse parser, and _generated/networks.md, the summaries and
graph pictures of the classic networks (striate.summary, striate.viz.graph when Graphviz's dot
is installed).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, HERE)

import striate  # noqa: E402

import generate  # noqa: E402  (docs/site/generate.py)

project = "striate"
author = "the striate developers"
copyright = "2026, the striate developers"
release = striate.__version__
version = release

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_generated"]  # _generated: included by pages
templates_path = []

html_theme = "alabaster"
html_title = f"striate {release}"
html_theme_options = {"description": "convolutional networks: a C++17 core, a PyTorch-like API",
                      "page_width": "1100px", "sidebar_width": "240px"}
html_static_path = []

# Google-style docstrings (docs/site/contributing.md): Args, Returns, Raises, Shape, Example.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Shape: lines ("Input: (N, C, H, W)") become a bullet list (docstring_rst.py) under a heading
napoleon_custom_sections = [("Shape", "Notes")]
napoleon_use_rtype = False
# Attributes: as fields of the class, not as attribute entries (the inventory's members list the
# properties themselves; two entries for one name would be duplicates)
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_docstring_signature = True
autoclass_content = "class"
autodoc_typehints = "signature"

myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]

# The pages of docs/ are included as they are (one source for the repository and the site); their
# links to files of the repository (`../cpp/...`) are not pages of the site.
# "ref.python": a type named in an Args entry ("device") matches several documented objects
# (striate.device and striate.cuda.device); the text stays plain, which is what it says.
suppress_warnings = ["myst.xref_missing", "ref.python"]

generate.write_all(HERE)

# The C++ reference: Doxygen's HTML of cpp/include (docs/doxygen/Doxyfile), generated here when
# doxygen is installed and copied into the site as cpp-api/ (the C++ API page links to it). Its
# warnings are CI's business (.ci/run runs the Doxyfile, which fails on any), not the site's.
if generate.cpp_reference_built:
    html_extra_path = [generate.cpp_reference_root(ROOT)]


def setup(app):
    import docstring_rst  # noqa: E402  (docs/site/docstring_rst.py)

    # before napoleon (priority 500): plain-text habits of the docstrings made valid RST
    app.connect("autodoc-process-docstring", docstring_rst.process_docstring, priority=400)
