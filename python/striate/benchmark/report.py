"""Benchmark rows, the printed table and the results file.

A row holds one measurement at one thread count for every library that ran it: the medians
(seconds per call, or bytes for memory), the shown values (images/s, ms, us or MiB), GFLOP/s and
the fraction of the machine's peak where the FLOPs are known, and the ratio of striate to each
peer, oriented so that higher is better for striate (peer time / striate time).
"""

import json
import os

from .timing import median

__all__ = ["LIBRARIES", "format_table", "make_row", "write_results"]

# The column order of the libraries; a row carries those that ran it.
LIBRARIES = ("striate", "torch", "torch.compile", "onnxruntime")
_SHORT = {"striate": "striate", "torch": "torch", "torch.compile": "compile", "onnxruntime": "ORT"}

# unit -> how the median cost becomes the shown value ("work" is images per call).
_UNITS = {
    "img/s": lambda cost, work: work / cost,
    "ms": lambda cost, work: cost * 1e3,
    "us": lambda cost, work: cost * 1e6,
    "MiB": lambda cost, work: cost / 2**20,
}


def make_row(suite, name, threads, unit, samples, work=1, flops=None, peak=None, details=None):
    """One row. ``samples``: library -> list of costs (seconds per call; bytes for "MiB"), of
    which the median counts; ``flops`` per call; ``peak`` the machine's GFLOP/s at ``threads``."""
    if unit not in _UNITS:
        raise ValueError(f"make_row: expected unit in {sorted(_UNITS)}, got {unit!r}")
    medians = {lib: median(values) for lib, values in samples.items()}
    row = {
        "suite": suite,
        "name": name,
        "threads": threads,
        "unit": unit,
        "work": work,
        "flops": flops,
        "median": medians,
        "value": {lib: _UNITS[unit](cost, work) for lib, cost in medians.items()},
        "samples": {lib: list(values) for lib, values in samples.items()},
        "ratio": {},
        "gflops": {},
        "peak_fraction": {},
        "details": dict(details or {}),
    }
    if "striate" in medians:
        for lib, cost in medians.items():
            if lib != "striate":
                row["ratio"][lib] = cost / medians["striate"]
    if flops is not None and unit != "MiB":
        for lib, cost in medians.items():
            row["gflops"][lib] = flops / cost * 1e-9
            if peak:
                row["peak_fraction"][lib] = row["gflops"][lib] / peak
    return row


def _number(value):
    if value is None:
        return ""
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cells(row, libraries):
    cells = [row["name"], str(row["threads"]), row["unit"]]
    cells += [_number(row["value"].get(lib)) for lib in libraries]
    cells += [_number(row["gflops"].get(lib)) for lib in libraries]
    cells += [f"{100 * row['peak_fraction'][lib]:.0f}%" if lib in row["peak_fraction"] else ""
              for lib in libraries]
    cells += [f"{row['ratio'][lib]:.2f}x" if lib in row["ratio"] else ""
              for lib in libraries if lib != "striate"]
    return cells


def format_table(results, markdown=False):
    """The results as text: one table per suite with, per library, the shown value, GFLOP/s and
    % of peak, then striate/peer ratios (higher is better for striate)."""
    rows = results["rows"]
    present = [lib for lib in LIBRARIES if any(lib in row["value"] for row in rows)]
    header = ["benchmark", "thr", "unit"]
    header += [_SHORT[lib] for lib in present]
    header += [f"GF/s {_SHORT[lib]}" for lib in present]
    header += [f"%peak {_SHORT[lib]}" for lib in present]
    header += [f"st/{_SHORT[lib]}" for lib in present if lib != "striate"]
    machine = results["machine"]
    peaks = ", ".join(f"{threads} thread{'s' if threads != '1' else ''} {peak:.0f}"
                      for threads, peak in machine["peak_gflops_float32"].items())
    lines = [
        (f"striate bench on {machine['cpu_model']} ({machine['isa']}), {results['date']}; "
         f"FP32 peak GFLOP/s: {peaks}"),
        ("GF/s: GFLOP/s; %peak: share of the FMA peak at that thread count; st/peer: higher is "
         "better for striate (peer time / striate time; for MiB, peer / striate memory)"),
    ]
    for suite in results["suites"]:
        suite_rows = [row for row in rows if row["suite"] == suite]
        if not suite_rows:
            continue
        table = [header] + [_cells(row, present) for row in suite_rows]
        keep = [i for i in range(len(header)) if any(line[i] for line in table[1:])]
        table = [[line[i] for i in keep] for line in table]
        lines.append("")
        lines.append(f"## {suite}" if markdown else f"[{suite}]")
        if markdown:
            lines.append("| " + " | ".join(table[0]) + " |")
            aligns = ["---" if i == 0 else "---:" for i in range(len(keep))]
            lines.append("|" + "|".join(aligns) + "|")
            lines += ["| " + " | ".join(line) + " |" for line in table[1:]]
        else:
            widths = [max(len(line[i]) for line in table) for i in range(len(keep))]
            for line in table:
                lines.append("  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                       for i, cell in enumerate(line)).rstrip())
    for note in results.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines)


def write_results(results, out_dir, quick=False):
    """Writes ``<out_dir>/<date>-<host>.json`` (``-quick`` before .json for a --quick run) and
    returns its path."""
    os.makedirs(out_dir, exist_ok=True)
    suffix = "-quick" if quick else ""
    path = os.path.join(out_dir, f"{results['date']}-{results['machine']['host']}{suffix}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    return path
