"""Draws the example pictures of docs/diagnostics.md: LeNet-5 trained for two epochs on the
bundled Fashion-MNIST sample with `LayerHealth` recording every 5 steps (health.png), then
`striate.diagnostics.explain` on one test image (feature maps, first-layer filters, saliency and
class activation map), and prints the `striate.plan` tables the page quotes.

    python3 tools/diagnostics_gallery.py [--out docs/images/diagnostics]
"""

import argparse
import os
import sys

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "docs",
                                                      "images", "diagnostics"))
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()

    import striate as st
    from striate import cli, data
    from striate.nn import functional as F

    st.manual_seed(0)
    root = cli.BUNDLED_FASHION_MNIST
    mean, std = (0.2860,), (0.3530,)
    transform = data.transforms.Compose([data.transforms.ToTensor(),
                                         data.transforms.Normalize(mean, std)])
    train = data.FashionMNIST(root, train=True, transform=transform)
    test = data.FashionMNIST(root, train=False, transform=transform)
    model = st.models.lenet5()
    optimizer = st.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    health = st.diagnostics.LayerHealth(every=5, out_dir=args.out, warn=False)
    trainer = st.train.Trainer(model, optimizer, F.cross_entropy, progress="none",
                               callbacks=[health])
    trainer.fit(data.DataLoader(train, batch_size=64, shuffle=True, seed=0), epochs=args.epochs)
    os.remove(os.path.join(args.out, "health.csv"))  # the page shows the picture only
    classes = list(test.classes)
    image, label = next(i for i in (test[k] for k in range(len(test))) if i[1] == 9)  # a boot
    result = st.diagnostics.explain(model, image, args.out, classes=classes, mean=mean, std=std)
    print(f"true class {classes[label]}, predicted {classes[result['prediction']]}")
    for key in ("features", "filters", "saliency", "cam"):
        print(f"  {key}: {os.path.relpath(result[key])}")
    print(f"  health: {os.path.relpath(os.path.join(args.out, 'health.png'))} "
          f"({len(health.records)} records, {len(health.warnings)} warnings)")
    for name, shape, batch in (("lenet5", (1, 28, 28), 256), ("resnet20", (3, 32, 32), 128)):
        print(f"\nst.plan(st.models.{name}(), {shape}, {batch}, optimizer='sgd_momentum')")
        print(st.plan(getattr(st.models, name)(), shape, batch, optimizer="sgd_momentum"))
    return 0

if __name__ == "__main__":
    sys.exit(main())
