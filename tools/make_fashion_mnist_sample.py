"""Builds the Fashion-MNIST sample bundled in the package (python/striate/_sample_data/):
the first 400 training and the first 100 test images of each class, in the original IDX .gz
format, so `striate train` works offline when the full dataset is not installed.

    python tools/make_fashion_mnist_sample.py [/usr/share/datasets/fashion-mnist]
"""

import gzip
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "python", "striate", "_sample_data", "fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    shape = struct.unpack(">" + "I" * ndim, raw[4:4 + 4 * ndim])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def write_idx(path, array):
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim,
                                                                        *array.shape)
    # mtime=0: the same input gives byte-identical files.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        f.write(header + array.astype(np.uint8).tobytes())


def main(root):
    os.makedirs(OUT, exist_ok=True)
    for split, per_class in (("train", 400), ("t10k", 100)):
        images = read_idx(os.path.join(root, f"{split}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(root, f"{split}-labels-idx1-ubyte.gz"))
        keep = np.sort(np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in range(10)]))
        write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), images[keep])
        write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), labels[keep])
        print(f"{split}: {len(keep)} images")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
