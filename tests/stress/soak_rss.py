"""The RSS soak: trains LeNet-5 for STEPS steps (batch BATCH, the bundled Fashion-MNIST sample
through a DataLoader, SGD with momentum) and prints one JSON line: the resident set size
(VmRSS from /proc/self/status, in KiB) after the warm-up and at the end, and samples between.
A leak of one tensor per step (a 28x28 float image: 3 KiB) would add 30 MB over 10,000 steps.

    python3 tests/stress/soak_rss.py --steps 10000 --batch 4
tests/stress/test_rss_soak.py runs it in a child process and requires < 5% growth."""

import argparse
import json


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import striate as st
    from striate import nn, optim
    from striate.cli import BUNDLED_FASHION_MNIST

    st.set_num_threads(args.threads)
    st.manual_seed(0)
    data = st.data.FashionMNIST(BUNDLED_FASHION_MNIST, train=True)
    loader = st.data.DataLoader(data, batch_size=args.batch, shuffle=True, drop_last=True)
    model = st.models.lenet5()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    step, warm, samples, losses = 0, None, [], []
    while step < args.steps:
        for x, y in loader:
            loss = nn.functional.cross_entropy(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            if step % 10 == 0:
                losses.append(loss.item())
            if step == args.warmup:
                warm = rss_kib()
            if step % (args.steps // 10) == 0:
                samples.append([step, rss_kib()])
            if step == args.steps:
                break
    print(json.dumps({"steps": step, "batch": args.batch, "warm_kib": warm, "final_kib": rss_kib(),
                      "samples": samples, "first_loss": sum(losses[:50]) / len(losses[:50]),
                      "last_loss": sum(losses[-50:]) / len(losses[-50:])}))


if __name__ == "__main__":
    main()
