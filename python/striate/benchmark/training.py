"""Training throughput: images/s of one SGD step (forward, cross-entropy, backward, SGD with
momentum) on the same weights and data in striate and its PyTorch twin."""

from . import nets as bench_nets
from .report import make_row
from .timing import interleaved

__all__ = ["run"]

LEARNING_RATE = 0.01
MOMENTUM = 0.9
# A twin whose logits differ more than this from striate's is not the same net.
PARITY_TOLERANCE = 1e-3


def check_twin(model, twin, images, what):
    """Relative difference of the logits of ``model`` and its torch ``twin`` in eval mode on a few
    images; raises RuntimeError past PARITY_TOLERANCE (the comparison would be meaningless)."""
    import torch

    from .. import no_grad, tensor

    model.eval()
    twin.eval()
    few = images[:4]
    with no_grad():
        ours = model(tensor(few)).numpy()
    with torch.no_grad():
        theirs = twin(torch.tensor(few)).numpy()
    difference = bench_nets.max_relative_difference(ours, theirs)
    if not difference <= PARITY_TOLERANCE:
        raise RuntimeError(f"benchmark: the PyTorch twin of {what} disagrees with striate's model "
                           f"(max relative difference {difference:.2e} > {PARITY_TOLERANCE})")
    return difference


def _steps(model, twin, images, labels):
    import torch

    from .. import optim, tensor
    from ..nn import functional as F

    model.train()
    twin.train()
    x, y = tensor(images), tensor(labels)
    x_torch, y_torch = torch.tensor(images), torch.tensor(labels)
    ours = optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    theirs = torch.optim.SGD(twin.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)

    def striate_step():
        ours.zero_grad()
        F.cross_entropy(model(x), y).backward()
        ours.step()

    def torch_step():
        theirs.zero_grad()
        torch.nn.functional.cross_entropy(twin(x_torch), y_torch).backward()
        theirs.step()

    return {"striate": striate_step, "torch": torch_step}


def run(context):
    rows = []
    for net in context.nets:
        for batch in context.train_batches(net):
            for threads in context.threads:
                context.set_threads(threads)
                context.log(f"train {net.name} batch {batch}, {threads} thread(s)")
                model = context.build(net)
                twin = net.build_twin(model)
                images, labels = bench_nets.make_batch(net, batch)
                parity = check_twin(model, twin, images, net.label)
                flops = 3 * net.forward_flops(model) * batch
                samples = interleaved(_steps(model, twin, images, labels), context.timing)
                rows.append(make_row(
                    "train", f"{net.label} b{batch}", threads, "img/s", samples, work=batch,
                    flops=flops, peak=context.peaks[threads],
                    details={"net": net.name, "batch": batch, "twin_parity": parity,
                             "flops_rule": "3 x forward (2 x multiply-adds per image)"}))
                del model, twin
    return rows
