"""The LR range test on the bundled Fashion-MNIST sample: LeNet-5, SGD with momentum, and the plot
docs/diagnostics.md shows (docs/images/lr_find.png).

    python3 examples/python/lr_find_plot.py [--out docs/images/lr_find.png]
"""

import argparse
import os

import striate as st
from striate import cli, data, models, optim
from striate.data import transforms as T


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", default=os.path.join(root, "docs", "images", "lr_find.png"))
    args = parser.parse_args()
    st.manual_seed(0)
    transform = T.Compose([T.ToTensor(), T.Normalize((0.2860,), (0.3530,))])
    train = data.FashionMNIST(cli.BUNDLED_FASHION_MNIST, train=True, transform=transform)
    loader = data.DataLoader(train, batch_size=64, shuffle=True, seed=0)
    model = models.lenet5()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    result = st.train.lr_find(model, loader, optimizer=optimizer, plot=args.out)
    print(f"suggested lr {result.suggested_lr:.3g} after {len(result.lrs)} steps; plot in "
          f"{args.out}")


if __name__ == "__main__":
    main()
