"""The benchmark suite in one command: striate beside PyTorch 2.13 and ONNX Runtime, in one
process, interleaved, same threads, weights and data; prints the table and writes
bench/results/<date>-<host>.json. The harness is the package striate.benchmark (`striate bench`
runs the same code from an installed wheel); this script only points its results here.

    python bench/run.py                          # every suite at 1 and 2 threads
    python bench/run.py --suite train --nets resnet20 --threads 1
    python bench/run.py --quick                  # a fast smoke run
    python bench/run.py --help                   # every option

Needs: pip install 'striate[bench]' (torch==2.13.0, onnxruntime, onnx, onnxscript).
"""

import argparse
import os
import sys


def main(argv=None):
    from striate.benchmark import BenchUsageError, add_arguments, command

    results = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser, default_out=results)
    args = parser.parse_args(argv)
    try:
        return command(args)
    except BenchUsageError as error:
        print(f"bench/run.py: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
