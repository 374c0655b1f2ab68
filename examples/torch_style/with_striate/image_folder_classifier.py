"""An image classifier trained from a folder of images, in the idiom of PyTorch's "Training a
classifier" tutorial: torchvision's ImageFolder with augmenting transforms, DataLoaders with
workers, a small LeNet-style network on RGB input, SGD with momentum and cross-entropy, per-class
accuracy, a checkpoint each epoch that --resume continues from, and the trained weights saved
alone, loaded into a fresh network and evaluated again.

    python image_folder_classifier.py --data-root DATA [--epochs 2] [--out DIR] [--resume]

DATA holds DATA/train/<class>/*.png and DATA/val/<class>/*.png. The striate twin of this file
differs only in its import lines.
"""

import argparse
import os
import time

import striate as torch
import striate.nn as nn
import striate.nn.functional as F
import striate.optim as optim
from striate.data import DataLoader
from striate import data as datasets
from striate.data import transforms


class Net(nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, num_classes)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def evaluate(net, loader, classes, device):
    net.eval()
    correct_pred = {name: 0 for name in classes}
    total_pred = {name: 0 for name in classes}
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            outputs = net(images)
            _, predictions = torch.max(outputs, 1)
            for label, prediction in zip(labels, predictions):
                if label == prediction:
                    correct_pred[classes[label]] += 1
                total_pred[classes[label]] += 1
    for name in classes:
        accuracy = 100 * float(correct_pred[name]) / max(total_pred[name], 1)
        print(f"Accuracy for class: {name:5s} is {accuracy:.1f} %")
    total = sum(correct_pred.values()) / max(sum(total_pred.values()), 1)
    print(f"Accuracy of the network on the {sum(total_pred.values())} test images: "
          f"{100 * total:.1f} %")
    return total


def main():
    parser = argparse.ArgumentParser(description="ImageFolder classifier")
    parser.add_argument("--data-root", required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=".")
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()

    torch.manual_seed(0)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if torch.backends.mps.is_available():
        device = torch.device("mps")
    torch.backends.cudnn.benchmark = True
    print(f"Using {device} device")

    mean, std = (0.5, 0.5, 0.5), (0.5, 0.5, 0.5)
    train_transform = transforms.Compose([
        transforms.Resize(36),
        transforms.RandomCrop(32),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize(mean, std),
    ])
    val_transform = transforms.Compose([
        transforms.Resize(36),
        transforms.CenterCrop(32),
        transforms.ToTensor(),
        transforms.Normalize(mean, std),
    ])
    train_set = datasets.ImageFolder(os.path.join(args.data_root, "train"),
                                     transform=train_transform)
    val_set = datasets.ImageFolder(os.path.join(args.data_root, "val"), transform=val_transform)
    classes = train_set.classes
    print(f"{len(train_set)} training images, {len(val_set)} validation images, classes {classes}")
    generator = torch.Generator().manual_seed(0)
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=True,
                              num_workers=args.workers, generator=generator)
    val_loader = DataLoader(val_set, batch_size=args.batch_size, shuffle=False,
                            num_workers=args.workers)

    net = Net(len(classes)).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr=args.lr, momentum=0.9)
    checkpoint_path = os.path.join(args.out, "checkpoint.pth")
    start_epoch = 0
    if args.resume and os.path.exists(checkpoint_path):
        checkpoint = torch.load(checkpoint_path, weights_only=True)
        net.load_state_dict(checkpoint["net"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        start_epoch = checkpoint["epoch"]
        print(f"resuming after epoch {start_epoch}")

    for epoch in range(start_epoch, args.epochs):
        net.train()
        running_loss = 0.0
        started = time.time()
        for i, (inputs, labels) in enumerate(train_loader):
            inputs, labels = inputs.to(device), labels.to(device)
            optimizer.zero_grad()
            outputs = net(inputs)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        print(f"[epoch {epoch + 1}] loss: {running_loss / (i + 1):.3f} "
              f"({time.time() - started:.1f} s)")
        torch.save({"epoch": epoch + 1, "net": net.state_dict(),
                    "optimizer": optimizer.state_dict()}, checkpoint_path)
    print("Finished Training")

    weights_path = os.path.join(args.out, "image_folder_net.pth")
    torch.save(net.state_dict(), weights_path)
    fresh = Net(len(classes)).to(device)
    fresh.load_state_dict(torch.load(weights_path, weights_only=True))
    accuracy = evaluate(fresh, val_loader, classes, device)
    print(f"final accuracy {100 * accuracy:.2f}")


if __name__ == "__main__":
    main()
