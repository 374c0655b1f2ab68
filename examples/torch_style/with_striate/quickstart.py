"""PyTorch's "Quickstart" workflow, written out: a fully connected network on Fashion-MNIST with
torchvision datasets, a target transform, DataLoaders with workers, train(dataloader, model,
loss_fn, optimizer) and test(dataloader, model, loss_fn) loops, per-class accuracy from a
confusion matrix, a checkpoint (model, optimizer, epoch) that --resume continues from, and the
saved model loaded back for a prediction.

    python quickstart.py --data-root DATA [--epochs 2] [--out DIR] [--resume]

DATA holds torchvision's layout (DATA/FashionMNIST/raw/*-ubyte). The striate twin of this file
differs only in its import lines.
"""

import argparse
import os

import striate as torch
from striate import nn
from striate.data import DataLoader, Subset
from striate import data as datasets
from striate.data.transforms import Lambda, ToTensor

classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 256),
            nn.ReLU(),
            nn.Linear(256, 256),
            nn.ReLU(),
            nn.Linear(256, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def one_hot(y):
    return torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)


def train(dataloader, model, loss_fn, optimizer, device):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 4 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn, device):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    confusion = torch.zeros(len(classes), len(classes), dtype=torch.int64)
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y.argmax(1)).type(torch.float).sum().item()
            for t, p in zip(y.argmax(1).tolist(), pred.argmax(1).tolist()):
                confusion[t, p] += 1
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    per_class = confusion.diag().float() / confusion.sum(1).clamp(min=1).float()
    for name, accuracy in zip(classes, per_class.tolist()):
        print(f"  {name:>12s}: {100 * accuracy:5.1f}%")
    return correct


def main():
    parser = argparse.ArgumentParser(description="Quickstart")
    parser.add_argument("--data-root", default="data")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=".")
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()

    device = (torch.accelerator.current_accelerator().type
              if torch.accelerator.is_available() else "cpu")
    print(f"Using {device} device")
    torch.manual_seed(0)

    training_data = datasets.FashionMNIST(root=args.data_root, train=True, download=True,
                                          transform=ToTensor(), target_transform=Lambda(one_hot))
    test_data = datasets.FashionMNIST(root=args.data_root, train=False, download=True,
                                      transform=ToTensor(), target_transform=Lambda(one_hot))
    if args.limit:
        training_data = Subset(training_data, range(args.limit))
        test_data = Subset(test_data, range(args.limit))
    train_dataloader = DataLoader(training_data, batch_size=args.batch_size, shuffle=True,
                                  num_workers=args.workers,
                                  prefetch_factor=2 if args.workers else None)
    test_dataloader = DataLoader(test_data, batch_size=args.batch_size, num_workers=args.workers)
    for X, y in test_dataloader:
        print(f"Shape of X [N, C, H, W]: {X.shape}")
        print(f"Shape of y: {y.shape} {y.dtype}")
        break

    model = NeuralNetwork().to(device)
    print(model)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    checkpoint_path = os.path.join(args.out, "quickstart_checkpoint.pth")
    first_epoch = 0
    if args.resume and os.path.exists(checkpoint_path):
        checkpoint = torch.load(checkpoint_path, weights_only=True)
        model.load_state_dict(checkpoint["model_state_dict"])
        optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
        first_epoch = checkpoint["epoch"]
        print(f"Resumed at epoch {first_epoch}")

    accuracy = 0.0
    for t in range(first_epoch, args.epochs):
        print(f"Epoch {t + 1}\n-------------------------------")
        train(train_dataloader, model, loss_fn, optimizer, device)
        accuracy = test(test_dataloader, model, loss_fn, device)
        torch.save({"epoch": t + 1, "model_state_dict": model.state_dict(),
                    "optimizer_state_dict": optimizer.state_dict()}, checkpoint_path)
    print("Done!")

    model_path = os.path.join(args.out, "model.pth")
    torch.save(model.state_dict(), model_path)
    print(f"Saved PyTorch Model State to {model_path}")
    model = NeuralNetwork().to(device)
    model.load_state_dict(torch.load(model_path, weights_only=True))
    model.eval()
    x, y = test_data[0][0], test_data[0][1]
    with torch.no_grad():
        x = x.to(device)
        pred = model(x)
        predicted, actual = classes[pred[0].argmax(0)], classes[y.argmax(0)]
        print(f'Predicted: "{predicted}", Actual: "{actual}"')
    print(f"final accuracy {100 * accuracy:.2f}")


if __name__ == "__main__":
    main()
