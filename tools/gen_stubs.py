#!/usr/bin/env python3
"""Writes type stubs (.pyi) for the compiled module striate._C with pybind11-stubgen, so editors
complete and type-check it. Called by CMake after each link of _C (and so in every wheel build):
    gen_stubs.py MODULE_DIR OUT_DIR  ->  OUT_DIR/_C/__init__.pyi, OUT_DIR/_C/_nn/__init__.pyi, ...
A failure is reported and leaves no stubs, but never fails the build: the stubs are a convenience
for editors, not part of what runs."""

import os
import shutil
import subprocess
import sys


def main(module_dir, out_dir):
    target = os.path.join(out_dir, "_C")
    shutil.rmtree(target, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=module_dir + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        proc = subprocess.run([sys.executable, "-m", "pybind11_stubgen", "_C", "-o", out_dir,
                               "--ignore-all-errors"], env=env, capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"gen_stubs: no type stubs for striate._C ({error})")
        return 0
    if proc.returncode != 0 or not os.path.isfile(os.path.join(target, "__init__.pyi")):
        shutil.rmtree(target, ignore_errors=True)
        print("gen_stubs: no type stubs for striate._C (pybind11-stubgen failed):\n"
              + proc.stderr[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
