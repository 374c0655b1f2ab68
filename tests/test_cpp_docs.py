"""The C++ reference: every public declaration under cpp/include carries a Doxygen comment.

docs/doxygen/Doxyfile runs Doxygen on the public headers with WARN_IF_UNDOCUMENTED,
WARN_NO_PARAMDOC and WARN_AS_ERROR=FAIL_ON_WARNINGS. These tests run that configuration (man
pages instead of HTML, output in a temporary folder) and require zero warnings; the negative
cases run it on a copy of the headers with one comment (or one @param line) removed and require
it to fail, naming the declaration. They need the `doxygen` program (apt-get install doxygen)
and are skipped, with that reason, where it is missing. About 2 s of CPU per Doxygen run.
"""

import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOXYFILE = os.path.join(ROOT, "docs", "doxygen", "Doxyfile")
MAINPAGE = os.path.join(ROOT, "docs", "doxygen", "mainpage.dox")
INCLUDE = os.path.join(ROOT, "cpp", "include")

needs_doxygen = pytest.mark.skipif(shutil.which("doxygen") is None,
                                   reason="doxygen is not installed (apt-get install doxygen)")


def run_doxygen(tmp_path, include_dir):
    """The project's Doxyfile on `include_dir`, man pages for HTML; (return code, warnings)."""
    out = tmp_path / "doxygen-out"
    out.mkdir()
    warnings_file = tmp_path / "warnings.txt"
    config = tmp_path / "Doxyfile"
    # Later assignments override the included file's.
    config.write_text("\n".join([
        f'@INCLUDE = "{DOXYFILE}"',
        f'INPUT = "{include_dir}" "{MAINPAGE}"',
        f'STRIP_FROM_PATH = "{include_dir}"',
        f'STRIP_FROM_INC_PATH = "{include_dir}"',
        f'OUTPUT_DIRECTORY = "{out}"',
        "GENERATE_HTML = NO",
        "GENERATE_MAN = YES",  # the cheapest output (Doxygen needs one to run its checks)
        f'WARN_LOGFILE = "{warnings_file}"',
        "",
    ]))
    result = subprocess.run(["doxygen", str(config)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    text = warnings_file.read_text() if warnings_file.exists() else ""
    # FAIL_ON_WARNINGS prints each warning as "error:"
    warnings = [line for line in (text + result.stderr).splitlines()
                if "warning:" in line or "error:" in line]
    return result.returncode, warnings


def test_doxyfile_is_strict():
    settings = {}
    with open(DOXYFILE) as f:
        for line in f:
            if "=" in line and not line.lstrip().startswith("#"):
                key, value = line.split("=", 1)
                settings[key.strip()] = value.strip()
    assert settings["WARN_IF_UNDOCUMENTED"] == "YES"
    assert settings["WARN_NO_PARAMDOC"] == "YES"
    assert settings["WARN_AS_ERROR"] == "FAIL_ON_WARNINGS"
    assert settings["EXTRACT_ALL"] == "NO"  # YES would hide undocumented declarations
    assert settings["INPUT"].split()[0] == "cpp/include"


@needs_doxygen
def test_every_public_declaration_is_documented(tmp_path):
    code, warnings = run_doxygen(tmp_path, INCLUDE)
    assert warnings == [], f"{len(warnings)} Doxygen warnings, first:\n" + "\n".join(warnings[:20])
    assert code == 0


def _copy_with_edit(tmp_path, header, old, new):
    copy = tmp_path / "include"
    shutil.copytree(INCLUDE, copy)
    path = copy / "striate" / header
    text = path.read_text()
    assert text.count(old) == 1, f"{header}: the text to edit is not there once: {old!r}"
    path.write_text(text.replace(old, new))
    return copy


@needs_doxygen
def test_fails_on_a_declaration_without_comment(tmp_path):
    # grad_mode_enabled's whole comment removed: the declaration is undocumented.
    copy = _copy_with_edit(
        tmp_path, "autograd.h",
        "/// Whether ops record autograd history on this thread (grad mode is per thread, on by "
        "default).\n/// @return the flag.\nbool grad_mode_enabled();",
        "bool grad_mode_enabled();")
    code, warnings = run_doxygen(tmp_path, copy)
    assert code != 0
    assert any("grad_mode_enabled()" in w and "not documented" in w for w in warnings), warnings
    assert len(warnings) == 1, warnings


@needs_doxygen
def test_fails_on_a_parameter_without_param(tmp_path):
    # Device's constructor keeps its comment but loses one @param line.
    copy = _copy_with_edit(
        tmp_path, "core/device.h",
        "  /// @param t the device type.\n  /// @param i the index (default 0).\n"
        "  Device(DeviceType t, int i = 0)",
        "  /// @param t the device type.\n  Device(DeviceType t, int i = 0)")
    code, warnings = run_doxygen(tmp_path, copy)
    assert code != 0
    assert any("parameter of striate::Device::Device" in w and "not documented" in w
               for w in warnings), warnings


def test_docs_command_says_where_the_cpp_reference_is(capsys, monkeypatch):
    from striate import cli

    monkeypatch.chdir(ROOT)
    assert cli.main(["docs"]) == 0
    out = capsys.readouterr().out
    assert os.path.join("cpp-api", "index.html") in out and "docs/doxygen/Doxyfile" in out
