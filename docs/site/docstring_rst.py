"""Makes striate's docstrings valid reStructuredText before napoleon and docutils read them.

The docstrings are written to be read in a terminal (help(), IDEs) as much as on the site, so
they use plain-text habits that reStructuredText gives a meaning to: a formula's `*` or `|`
(emphasis, substitution), an in-place method's name `zero_` (a hyperlink reference), and a code
sample indented under a line ending in ':' (a block quote, whose nested indentation docutils
rejects). This hook, run on every docstring before napoleon, turns those into what the writer
meant: an indented block after a paragraph becomes a literal block ('::'), and
outside literal blocks, doctest lines and inline literals, `*`, `|` and a trailing `_` are
escaped. Google-style section headers (Args:, Example:, ...) are left to napoleon.
"""

import re

SECTIONS = {"args", "arguments", "parameters", "params", "keyword args", "keyword arguments",
            "other parameters", "returns", "return", "yields", "yield", "raises", "raise",
            "shape", "example", "examples", "note", "notes", "warning", "warnings", "see also",
            "references", "todo", "attributes", "methods", "warns", "tip", "hint", "important",
            "caution", "danger", "error", "attention", "admonition"}

_SHAPE_ITEM = re.compile(r"^(\s*)(?:[-*]\s+)?([A-Z][\w ()/,'*-]*?:\s.*)$")
_INLINE_LITERAL = re.compile(r"(``.+?``|`[^`]+`)")
_TRAILING_UNDERSCORE = re.compile(r"(\w)_(?=[\s.,;:!?)\]'\"]|$)")
_PARAM_STAR = re.compile(r"^(\s*)(\*{1,2}(?=\w)|\*\s+)")  # *args, **kwargs, a '* ' bullet


def _indent(line):
    return len(line) - len(line.lstrip())


def _is_section_header(line):
    text = line.strip()
    return text.endswith(":") and text[:-1].strip().lower() in SECTIONS


def _escape_prose(line):
    match = _PARAM_STAR.match(line)
    prefix = ""
    if match:  # `*args (tuple): ...` (napoleon escapes the stars itself) or a bullet
        prefix = match.group(0)
        line = line[len(prefix):]
    parts = _INLINE_LITERAL.split(line)
    for i in range(0, len(parts), 2):  # even parts are outside inline literals
        text = parts[i].replace("\\", "\\\\").replace("*", "\\*").replace("|", "\\|")
        parts[i] = _TRAILING_UNDERSCORE.sub(r"\1\\_", text)
    return prefix + "".join(parts)


def _shape_items(lines):
    """A Shape: section's lines ("Input: (N, C, H, W)", with or without a leading '- ') as a
    bullet list, continuation lines aligned under the item's text."""
    out = []
    i = 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].strip().lower() != "shape:":
            i += 1
            continue
        header = _indent(lines[i])
        i += 1
        item = None
        while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > header):
            line = lines[i]
            match = _SHAPE_ITEM.match(line)
            if not line.strip():
                out.append(line)
            elif match and (item is None or _indent(line) <= item):
                item = _indent(line)
                out.append(f"{match.group(1)}- {match.group(2)}")
            elif item is not None:
                out.append(" " * (item + 2) + line.strip())
            else:
                out.append(line)
            i += 1
    return out


def to_rst(lines):
    """The docstring's lines (already dedented by autodoc), made valid reStructuredText."""
    lines = _shape_items(list(lines))
    # "Summary line:" + blank + a code block: the dedent of the docstring put the block at the
    # summary's level (PEP 257 leaves the first line out of the common indentation); indent it.
    if (len(lines) > 2 and lines[0].rstrip().endswith(":") and not lines[1].strip()
            and lines[2].strip() and _indent(lines[2]) == 0 and not _is_section_header(lines[0])
            and not _is_section_header(lines[2])):
        k = 2
        while k < len(lines) and lines[k].strip():
            lines[k] = "    " + lines[k]
            k += 1
    out = []
    literal_indent = None  # inside a literal block: the indentation of the line that opened it
    in_doctest = False
    in_example = None  # inside an Example: section: the header's indentation
    for i, line in enumerate(lines):
        stripped = line.strip()
        if literal_indent is not None:
            if stripped and _indent(line) <= literal_indent:
                literal_indent = None
            else:
                out.append(line)
                continue
        if in_example is not None:
            if stripped and _indent(line) <= in_example:
                in_example = None
            else:
                out.append(line)
                continue
        if stripped.startswith(">>>"):
            in_doctest = True
        elif not stripped:
            in_doctest = False
        if in_doctest:
            out.append(line)
            continue
        if _is_section_header(line):
            if stripped[:-1].strip().lower() in ("example", "examples"):
                in_example = _indent(line)
            out.append(line)
            continue
        opens_literal = stripped.endswith("::")
        if not opens_literal and _block_follows(lines, i):
            # plain text's code sample: an indented block after a paragraph
            line = line.rstrip()[:-1] + "::" if stripped.endswith(":") else line.rstrip() + " ::"
            opens_literal = True
        out.append(_escape_prose(line) if not stripped.endswith("::") else
                   _escape_prose(line[:-2]) + "::")
        if opens_literal:
            literal_indent = _indent(line)
    return out


def _block_follows(lines, i):
    """True when line i is followed by a blank line and then a more indented line."""
    j = i + 1
    if j >= len(lines) or lines[j].strip():
        return False
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j < len(lines) and _indent(lines[j]) > _indent(lines[i])


def process_docstring(app, what, name, obj, options, lines):
    lines[:] = to_rst(lines)
