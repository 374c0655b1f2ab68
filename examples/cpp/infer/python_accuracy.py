"""The same evaluation as infer.cpp, from Python on the same model file: the two must print the
same line (CI compares them).

    python3 examples/cpp/infer/python_accuracy.py runs/lenet5/model.striate [fashion-mnist folder]
"""

import json
import sys

import striate as st
from striate import _C


def main(model_path, root="/usr/share/datasets/fashion-mnist"):
    model = st.load(model_path)
    model.eval()
    mean, std = 0.2860, 0.3530
    run = st.io.load_metadata(model_path).get("run")
    if run is not None:
        record = json.loads(run)
        if len(record.get("mean", [])) == 1 and len(record.get("std", [])) == 1:
            mean, std = record["mean"][0], record["std"][0]
    image_file, label_file = _C._data.find_mnist_files(root, False, "FashionMNIST")
    images = _C._data.load_mnist_images(image_file)
    labels = _C._data.load_mnist_labels(label_file)
    count, batch, correct = images.shape[0], 500, 0
    with st.no_grad():
        for start in range(0, count, batch):
            x = (images[start:start + batch] - mean) / std
            predicted = st.argmax(model(x), 1)
            correct += int(st.eq(predicted, labels[start:start + batch]).sum().item())
    print(f"accuracy {correct / count:.4f} ({correct}/{count})")


if __name__ == "__main__":
    main(*sys.argv[1:])
