"""A small CNN on Fashion-MNIST in the idiom of PyTorch's official MNIST example: argparse
settings, device selection, torchvision datasets and transforms, DataLoaders with workers, a
train and a test function, a step learning-rate schedule, per-class accuracy, and a checkpoint
that a later run resumes from (--resume).

    python fashion_mnist_cnn.py --data-root DATA [--epochs 2] [--checkpoint cnn.pt] [--resume]

DATA holds torchvision's layout (DATA/FashionMNIST/raw/*-ubyte); nothing is downloaded when the
files are there. The striate twin of this file differs only in its import lines.
"""

import argparse
import os

import striate as torch
import striate.nn as nn
import striate.nn.functional as F
import striate.optim as optim
from striate.optim.lr_scheduler import StepLR
from striate.data import DataLoader, Subset
from striate import data as datasets
from striate.data import transforms

CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, 1)
        self.conv2 = nn.Conv2d(16, 32, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(32 * 12 * 12, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(f"Train Epoch: {epoch} [{batch_idx * len(data)}/{len(train_loader.dataset)}]"
                  f"\tLoss: {loss.item():.6f}")


def test(model, device, test_loader):
    model.eval()
    test_loss = 0.0
    correct = 0
    class_correct = [0] * len(CLASSES)
    class_total = [0] * len(CLASSES)
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            hits = pred.eq(target.view_as(pred)).squeeze(1)
            correct += hits.sum().item()
            for label, hit in zip(target.tolist(), hits.tolist()):
                class_correct[label] += int(hit)
                class_total[label] += 1
    test_loss /= len(test_loader.dataset)
    accuracy = 100.0 * correct / len(test_loader.dataset)
    print(f"Test set: Average loss: {test_loss:.4f}, "
          f"Accuracy: {correct}/{len(test_loader.dataset)} ({accuracy:.0f}%)")
    for name, hit, total in zip(CLASSES, class_correct, class_total):
        if total:
            print(f"  accuracy of {name:12s}: {100.0 * hit / total:5.1f}% ({total} images)")
    return accuracy


def main():
    parser = argparse.ArgumentParser(description="Fashion-MNIST CNN")
    parser.add_argument("--data-root", default="../data")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--test-batch-size", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--lr", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log-interval", type=int, default=10)
    parser.add_argument("--limit", type=int, default=0, help="use only this many training images")
    parser.add_argument("--test-limit", type=int, default=0, help="test on only this many images")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkpoint", default="fashion_mnist_cnn.pt")
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    if torch.accelerator.is_available():
        device = torch.accelerator.current_accelerator()
    else:
        device = torch.device("cpu")
    print(f"Using {device} device")

    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.2860,), (0.3530,)),
    ])
    train_set = datasets.FashionMNIST(args.data_root, train=True, download=True,
                                      transform=transform)
    test_set = datasets.FashionMNIST(args.data_root, train=False, download=True,
                                     transform=transform)
    if args.limit:
        train_set = Subset(train_set, range(args.limit))
    if args.test_limit:
        test_set = Subset(test_set, range(args.test_limit))
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.workers, persistent_workers=args.workers > 0)
    test_loader = DataLoader(test_set, batch_size=args.test_batch_size, num_workers=args.workers)

    model = Net().to(device)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    start_epoch = 1
    accuracy = 0.0
    if args.resume and os.path.exists(args.checkpoint):
        checkpoint = torch.load(args.checkpoint, weights_only=True)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        scheduler.load_state_dict(checkpoint["scheduler"])
        start_epoch = checkpoint["epoch"] + 1
        accuracy = checkpoint["accuracy"]
        print(f"Resumed from {args.checkpoint} after epoch {checkpoint['epoch']}")

    for epoch in range(start_epoch, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        accuracy = test(model, device, test_loader)
        scheduler.step()
        torch.save({"epoch": epoch, "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
                    "accuracy": accuracy}, args.checkpoint)
    print(f"final accuracy {accuracy:.2f}")


if __name__ == "__main__":
    main()
