"""Inference: images/s at a large batch and latency at batch 1, eval mode without autograd, in
striate, its PyTorch twin and ONNX Runtime running the twin exported with torch.onnx.export (the
same weights, intra-op threads equal to the others' thread count)."""

import contextlib
import io
import logging
import os
import sys
import warnings

from . import nets as bench_nets
from .report import make_row
from .timing import interleaved
from .training import PARITY_TOLERANCE, check_twin

__all__ = ["export_onnx", "ort_session", "run"]


@contextlib.contextmanager
def _silenced_output():
    """Sends this process's stdout and stderr to /dev/null at the file-descriptor level: the
    TorchScript exporter prints its whole graph from C++ when it gives up on a layer."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        os.dup2(devnull.fileno(), 2)
        try:
            quiet_out, quiet_err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(quiet_out), contextlib.redirect_stderr(quiet_err):
                yield
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)


def export_onnx(twin, images):
    """The ONNX bytes of ``twin`` for inputs shaped like ``images``, and the exporter used. The
    TorchScript exporter (dynamo=False) needs only the ``onnx`` package and is fast; where it
    cannot export a layer (VGG's 7x7 adaptive pool of a 1x1 map) or a torch release has dropped
    it, the torch.export-based exporter (which needs ``onnxscript``) takes over."""
    import torch

    example = (torch.tensor(images),)
    twin.eval()
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), _silenced_output():
            warnings.simplefilter("ignore")
            try:
                buffer = io.BytesIO()
                torch.onnx.export(twin, example, buffer, dynamo=False, input_names=["input"],
                                  output_names=["logits"])
                return buffer.getvalue(), "torchscript"
            except Exception as error:  # noqa: BLE001 (any failure: try the other exporter)
                legacy_error = error
            try:
                program = torch.onnx.export(twin, example, dynamo=True, verbose=False)
                return program.model_proto.SerializeToString(), "dynamo"
            except Exception as dynamo_error:  # noqa: BLE001
                raise RuntimeError(
                    f"benchmark: torch.onnx.export failed (TorchScript exporter: "
                    f"{str(legacy_error)[:300]}; dynamo exporter: {str(dynamo_error)[:300]}; "
                    "the dynamo exporter needs onnxscript: pip install onnxscript)") from None
    finally:
        exporter_log.setLevel(level)


def ort_session(model_bytes, threads):
    """An ONNX Runtime CPU session with ``threads`` intra-op threads and full graph
    optimization."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3
    return ort.InferenceSession(model_bytes, options, providers=["CPUExecutionProvider"])


def _check_session(session, twin, images, what):
    """Relative difference of ONNX Runtime's logits and the twin's on ``images`` (the export
    has a fixed batch size); raises RuntimeError past PARITY_TOLERANCE."""
    import torch

    with torch.no_grad():
        reference = twin(torch.tensor(images)).numpy()
    got = session.run(None, {session.get_inputs()[0].name: images})[0]
    difference = bench_nets.max_relative_difference(got, reference)
    if not difference <= PARITY_TOLERANCE:
        raise RuntimeError(f"benchmark: ONNX Runtime's logits for {what} disagree with PyTorch's "
                           f"(max relative difference {difference:.2e} > {PARITY_TOLERANCE})")
    return difference


def _no_grad_contexts():
    import torch

    import striate

    # striate.inference_mode (BatchNorm folding, fused activations) where the build has it.
    ours = getattr(striate, "inference_mode", striate.no_grad)
    return ours(), torch.inference_mode()


def _forwards(model, twin, images, session):
    import torch

    from .. import tensor

    x, x_torch = tensor(images), torch.tensor(images)
    cases = {"striate": lambda: model(x), "torch": lambda: twin(x_torch)}
    if session is not None:
        feed = {session.get_inputs()[0].name: images}
        cases["onnxruntime"] = lambda: session.run(None, feed)
    return cases


def run(context):
    rows = []
    for net in context.nets:
        model = context.build(net)
        twin = net.build_twin(model)
        forward_flops = net.forward_flops(model)
        model.eval()
        twin.eval()
        for batch in context.infer_batches:
            images, _ = bench_nets.make_batch(net, batch)
            parity = {"torch": check_twin(model, twin, images, net.label)}
            exported, exporter = (export_onnx(twin, images) if context.onnx else (None, None))
            unit = "ms" if batch == 1 else "img/s"
            for threads in context.threads:
                context.set_threads(threads)
                context.log(f"infer {net.name} batch {batch}, {threads} thread(s)")
                session = ort_session(exported, threads) if exported is not None else None
                if session is not None and "onnxruntime" not in parity:
                    parity["onnxruntime"] = _check_session(session, twin, images, net.label)
                ours, theirs = _no_grad_contexts()
                with ours, theirs:
                    samples = interleaved(_forwards(model, twin, images, session), context.timing)
                rows.append(make_row(
                    "infer", f"{net.label} b{batch}", threads, unit, samples, work=batch,
                    flops=forward_flops * batch, peak=context.peaks[threads],
                    details={"net": net.name, "batch": batch, "parity": dict(parity),
                             "onnx_exporter": exporter}))
                del session
        del model, twin
    return rows
