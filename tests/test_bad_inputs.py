"""The bad-input matrix: every public op and module, fed what a hostile or careless user would feed
it (wrong rank, wrong dtype, mismatched devices, zero-size dims, negative and overflowing sizes,
non-contiguous and overlapping views, NaN/Inf, zero kernel/stride/groups, labels out of range),
must either return PyTorch's result or raise a typed exception (ValueError, TypeError, IndexError,
RuntimeError, NotImplementedError, MemoryError, OverflowError) whose message names the op (an op
given tensors on two devices must raise). Where PyTorch raises,
striate must raise too; where PyTorch works on zero-size, NaN/Inf or non-contiguous input, striate
must give the same result (NaN and Inf propagate the same way).

Every striate case runs in a child process (all in one, restarted after a crash), so a crash fails
the case by name instead of taking pytest down. PyTorch runs in this process on the same arrays."""

import json
import math
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as TF  # noqa: E402

# PyTorch warns on some degenerate inputs (std/var of one element); the cases expect them.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TYPED = {"ValueError", "TypeError", "IndexError", "RuntimeError", "NotImplementedError",
         "MemoryError", "OverflowError", "KeyError"}

# ---- the op table ------------------------------------------------------------------------------
# Each op: (names its errors may use, code over the namespaces m (st / torch), F (functional),
# nn and the inputs x0, x1, ..., the valid inputs as (shape, kind), flags). kind: "f" float,
# "p" float in (0, 1), "l<n>" integer labels in [0, n), "b" bool. Flags: "torch" (compare values
# with PyTorch; otherwise shapes only, for random or striate-only ops), "unary" (x0 may take any
# shape), "nonan" (skip NaN cases: striate-only ops without a reference), params: extra code
# variants that must be refused as PyTorch refuses them.

F32 = "f"


def op(names, code, inputs, compare="torch", free_rank=False, params=(), inplace=False):
    if isinstance(names, str):
        names = (names,)
    return {"names": names, "code": code, "inputs": inputs, "compare": compare,
            "free_rank": free_rank, "params": params, "inplace": inplace}


X34 = [((3, 4), F32)]
OPS = {}
for name in ["abs", "exp", "log", "sqrt", "neg", "sign", "sigmoid", "tanh"]:
    OPS[name] = op(name, f"m.{name}(x0)", X34, free_rank=True)
for name in ["relu", "relu6", "elu", "gelu", "selu", "silu", "softplus", "hardswish", "hardtanh"]:
    OPS[name] = op(name, f"F.{name}(x0)", X34, free_rank=True)
OPS["leaky_relu"] = op("leaky_relu", "F.leaky_relu(x0, 0.1)", X34, free_rank=True)
OPS["relu_"] = op("relu_", "F.relu_(x0)", X34, free_rank=True, inplace=True)
OPS["clamp"] = op("clamp", "m.clamp(x0, -0.5, 0.5)", X34, free_rank=True)
OPS["pow"] = op("pow", "m.pow(x0, 2.0)", X34, free_rank=True)
for name in ["softmax", "log_softmax", "softmin"]:
    OPS[name] = op(name, f"F.{name}(x0, dim=1)", X34, params=[f"F.{name}(x0, dim=2)",
                                                              f"F.{name}(x0, dim=-3)"])
OPS["prelu"] = op("prelu", "F.prelu(x0, x1)", [((2, 3, 4), F32), ((3,), F32)],
                  params=["F.prelu(x0, m.ones(5))"])
for name in ["add", "sub", "mul", "div", "maximum", "minimum", "eq"]:
    OPS[name] = op(name, f"m.{name}(x0, x1)", [((3, 4), F32), ((3, 4), F32)],
                   params=[f"m.{name}(x0, m.ones(5))", f"m.{name}(x0, m.ones(2, 3, 5))"])
for name in ["logical_and", "logical_or"]:
    OPS[name] = op(name, f"m.{name}(x0, x1)", [((3, 4), "b"), ((3, 4), "b")],
                   params=[f"m.{name}(x0, m.ones(5))"])
OPS["where"] = op("where", "m.where(x0, x1, x2)", [((3, 4), "b"), ((3, 4), F32), ((3, 4), F32)],
                  params=["m.where(x0, x1, m.ones(5))"])
for name in ["sum", "mean", "std", "var"]:
    OPS[name] = op(name, f"m.{name}(x0, 1)", X34, params=[f"m.{name}(x0, 2)", f"m.{name}(x0, -3)"])
for name in ["max", "min"]:
    OPS[name] = op(name, f"m.{name}(x0, 1)[0]", X34,
                   params=[f"m.{name}(x0, 2)", f"m.{name}(x0, -3)"])
for name in ["argmax", "argmin"]:
    OPS[name] = op(name, f"m.{name}(x0, 1)", X34, params=[f"m.{name}(x0, 2)", f"m.{name}(x0, -3)"])
OPS["matmul"] = op("matmul", "m.matmul(x0, x1)", [((3, 4), F32), ((4, 5), F32)],
                   params=["m.matmul(x0, m.ones(5, 2))", "m.matmul(x0, m.ones(()))"])
OPS["linear"] = op("linear", "F.linear(x0, x1, x2)", [((2, 5), F32), ((3, 5), F32), ((3,), F32)],
                   params=["F.linear(x0, m.ones(3, 4))", "F.linear(x0, x1, m.ones(4))"])

CONV_PARAMS = ["stride=0", "stride=-1", "padding=-1", "dilation=0", "dilation=-2", "groups=0",
               "groups=-1", "groups=3"]
for name, x, w in [("conv1d", (1, 2, 8), (3, 2, 3)), ("conv2d", (1, 2, 6, 6), (3, 2, 3, 3)),
                   ("conv3d", (1, 2, 4, 4, 4), (3, 2, 2, 2, 2))]:
    OPS[name] = op(name, f"F.{name}(x0, x1, x2)", [(x, F32), (w, F32), ((3,), F32)],
                   params=[f"F.{name}(x0, x1, x2, {p})" for p in CONV_PARAMS]
                   + [f"F.{name}(x0, x1, m.ones(4))",
                      f"F.{name}(x0, m.ones({(3, 5) + w[2:]}))",
                      f"F.{name}(x0, x1, x2, padding=7)",
                      f"F.{name}(x0, m.ones({w[:2] + (20,) * (len(w) - 2)}))"])
OPS["conv_transpose2d"] = op(
    "conv_transpose2d", "F.conv_transpose2d(x0, x1, x2)",
    [((1, 2, 4, 4), F32), ((2, 3, 3, 3), F32), ((3,), F32)],
    params=[f"F.conv_transpose2d(x0, x1, x2, {p})" for p in CONV_PARAMS + ["output_padding=-1",
                                                                          "output_padding=5"]])
POOL_PARAMS = ["0", "-1", "2, stride=0", "2, stride=-1", "2, padding=-1", "2, padding=2",
               "100", "2, dilation=0"]
for name, x in [("max_pool1d", (1, 2, 8)), ("max_pool2d", (1, 2, 6, 6)),
                ("max_pool3d", (1, 2, 4, 4, 4)), ("avg_pool1d", (1, 2, 8)),
                ("avg_pool2d", (1, 2, 6, 6)), ("avg_pool3d", (1, 2, 4, 4, 4))]:
    params = [p for p in POOL_PARAMS if "dilation" not in p or "max" in name]
    OPS[name] = op(name, f"F.{name}(x0, 2)", [(x, F32)],
                   params=[f"F.{name}(x0, {p})" for p in params])
for name in ["adaptive_avg_pool2d", "adaptive_max_pool2d"]:
    OPS[name] = op(name, f"F.{name}(x0, 3)", [((1, 2, 6, 6), F32)],
                   params=[f"F.{name}(x0, 0)", f"F.{name}(x0, -1)", f"F.{name}(x0, (2, 2, 2))"])
OPS["max_unpool2d"] = op(("max_unpool2d", "max_pool2d"),
                         "F.max_unpool2d(*F.max_pool2d(x0, 2, return_indices=True), 2)",
                         [((1, 2, 4, 4), F32)],
                         params=["F.max_unpool2d(x0, m.zeros(1, 2, 4, 4).long() + 1000, 2)",
                                 "F.max_unpool2d(x0, m.zeros(1, 2, 4, 4).long() - 5, 2)",
                                 "F.max_unpool2d(x0, m.zeros(1, 2, 4, 4).long(), 0)"])
OPS["batch_norm"] = op("batch_norm", "F.batch_norm(x0, m.zeros(3), m.ones(3), x1, x2, True)",
                       [((2, 3, 4, 4), F32), ((3,), F32), ((3,), F32)],
                       params=["F.batch_norm(x0, m.zeros(4), m.ones(4), training=True)",
                               "F.batch_norm(x0, m.zeros(3), m.ones(3), m.ones(5), training=True)",
                               "F.batch_norm(x0, m.zeros(3), m.ones(3), eps=-1.0)"])
OPS["layer_norm"] = op("layer_norm", "F.layer_norm(x0, (4,), x1, x2)",
                       [((2, 3, 4), F32), ((4,), F32), ((4,), F32)],
                       params=["F.layer_norm(x0, (5,))", "F.layer_norm(x0, (4,), m.ones(3))",
                               "F.layer_norm(x0, (2, 2, 3, 4))"])
OPS["group_norm"] = op("group_norm", "F.group_norm(x0, 2, x1, x2)",
                       [((2, 4, 3, 3), F32), ((4,), F32), ((4,), F32)],
                       params=["F.group_norm(x0, 3)", "F.group_norm(x0, 0)",
                               "F.group_norm(x0, -2)", "F.group_norm(x0, 2, m.ones(3))"])
OPS["instance_norm"] = op("instance_norm", "F.instance_norm(x0)", [((2, 3, 4, 4), F32)],
                          params=["F.instance_norm(x0, weight=m.ones(5))"])
OPS["local_response_norm"] = op("local_response_norm", "F.local_response_norm(x0, 2)",
                                [((2, 4, 3, 3), F32)],
                                params=["F.local_response_norm(x0, 0)",
                                        "F.local_response_norm(x0, -1)"])
LOGITS = [((4, 5), F32), ((4,), "l5")]
OPS["cross_entropy"] = op("cross_entropy", "F.cross_entropy(x0, x1)", LOGITS,
                          params=["F.cross_entropy(x0, x1 + 5)", "F.cross_entropy(x0, x1 - 6)",
                                  "F.cross_entropy(x0, x1 * 0 + 2**40)",
                                  "F.cross_entropy(x0, m.zeros(3).long())",
                                  "F.cross_entropy(x0, x1, weight=m.ones(3))",
                                  "F.cross_entropy(x0, x1, label_smoothing=-0.5)",
                                  "F.cross_entropy(x0, x1, reduction='bogus')"])
OPS["nll_loss"] = op("nll_loss", "F.nll_loss(x0, x1)", LOGITS,
                     params=["F.nll_loss(x0, x1 + 5)", "F.nll_loss(x0, x1 - 6)",
                             "F.nll_loss(x0, x1 * 0 - 2**40)", "F.nll_loss(x0, m.zeros(3).long())",
                             "F.nll_loss(x0, x1, reduction='bogus')"])
OPS["multi_margin_loss"] = op("multi_margin_loss", "F.multi_margin_loss(x0, x1)", LOGITS,
                              params=["F.multi_margin_loss(x0, x1 + 5)",
                                      "F.multi_margin_loss(x0, x1 - 6)",
                                      "F.multi_margin_loss(x0, x1, p=3)"])
for name in ["mse_loss", "smooth_l1_loss", "huber_loss", "l1_loss"]:
    OPS[name] = op(name, f"F.{name}(x0, x1)", [((3, 4), F32), ((3, 4), F32)], free_rank=True,
                   params=[f"F.{name}(x0, x1, reduction='bogus')"])
OPS["binary_cross_entropy"] = op("binary_cross_entropy", "F.binary_cross_entropy(x0, x1)",
                                 [((3, 4), "p"), ((3, 4), "p")], free_rank=True,
                                 params=["F.binary_cross_entropy(x0, m.ones(5))",
                                         "F.binary_cross_entropy(x0 + 2, x1)"])
OPS["binary_cross_entropy_with_logits"] = op(
    "binary_cross_entropy_with_logits", "F.binary_cross_entropy_with_logits(x0, x1)",
    [((3, 4), F32), ((3, 4), "p")], free_rank=True,
    params=["F.binary_cross_entropy_with_logits(x0, m.ones(5))"])
OPS["kl_div"] = op("kl_div", "F.kl_div(x0, x1, reduction='batchmean')",
                   [((3, 4), F32), ((3, 4), "p")],
                   params=["F.kl_div(x0, m.ones(5))", "F.kl_div(x0, x1, reduction='bogus')"])
OPS["cosine_embedding_loss"] = op(
    "cosine_embedding_loss", "F.cosine_embedding_loss(x0, x1, x2 * 2 - 1)",
    [((3, 4), F32), ((3, 4), F32), ((3,), "l2")],
    params=["F.cosine_embedding_loss(x0, x1, m.ones(5))",
            "F.cosine_embedding_loss(x0, m.ones(3, 5), m.ones(3))"])
OPS["one_hot"] = op("one_hot", "F.one_hot(x0, 5)", [((4,), "l5")], free_rank=True,
                    params=["F.one_hot(x0 + 5, 5)", "F.one_hot(x0 - 6, 5)", "F.one_hot(x0, 0)",
                            "F.one_hot(x0, -2)", "F.one_hot(x0.float(), 5)"])
OPS["pad"] = op("pad", "F.pad(x0, (1, 2))", X34, free_rank=True,
                params=["F.pad(x0, (1,))", "F.pad(x0, (-5, -5))", "F.pad(x0, (1, 1), mode='bogus')",
                        "F.pad(x0, (10, 10), mode='reflect')", "F.pad(x0, (1, 1, 1, 1, 1, 1))"])
OPS["pad_reflect"] = op("pad", "F.pad(x0, (1, 2), mode='reflect')", [((2, 3, 5), F32)])
OPS["pad_replicate"] = op("pad", "F.pad(x0, (1, 2), mode='replicate')", [((2, 3, 5), F32)])
OPS["interpolate"] = op("interpolate", "F.interpolate(x0, scale_factor=2)", [((1, 2, 3, 3), F32)],
                        params=["F.interpolate(x0, scale_factor=0)",
                                "F.interpolate(x0, scale_factor=-1)", "F.interpolate(x0, size=0)",
                                "F.interpolate(x0, size=-3)", "F.interpolate(x0)",
                                "F.interpolate(x0, size=4, scale_factor=2)",
                                "F.interpolate(x0, size=4, mode='bogus')"])
OPS["interpolate_bilinear"] = op(
    "interpolate", "F.interpolate(x0, size=(5, 4), mode='bilinear', align_corners=False)",
    [((1, 2, 3, 3), F32)])
OPS["pixel_shuffle"] = op("pixel_shuffle", "F.pixel_shuffle(x0, 2)", [((1, 8, 2, 3), F32)],
                          params=["F.pixel_shuffle(x0, 3)", "F.pixel_shuffle(x0, 0)",
                                  "F.pixel_shuffle(x0, -2)"])
OPS["pixel_unshuffle"] = op("pixel_unshuffle", "F.pixel_unshuffle(x0, 2)", [((1, 2, 4, 6), F32)],
                            params=["F.pixel_unshuffle(x0, 3)", "F.pixel_unshuffle(x0, 0)"])
OPS["dropout_eval"] = op("dropout", "F.dropout(x0, 0.5, training=False)", X34, free_rank=True,
                         params=["F.dropout(x0, 1.5)", "F.dropout(x0, -0.1)"])
OPS["dropout2d_eval"] = op("dropout2d", "F.dropout2d(x0, 0.5, training=False)",
                           [((2, 3, 4, 4), F32)], params=["F.dropout2d(x0, 2.0)"])
OPS["alpha_dropout_eval"] = op("alpha_dropout", "F.alpha_dropout(x0, 0.5, training=False)", X34,
                               free_rank=True, params=["F.alpha_dropout(x0, -1.0)"])
OPS["cat"] = op("cat", "m.cat([x0, x1], 1)", [((3, 4), F32), ((3, 2), F32)],
                params=["m.cat([x0, x1], 0)", "m.cat([x0, x1], 2)", "m.cat([])",
                        "m.cat([x0, m.ones(3)], 1)"])
OPS["stack"] = op("stack", "m.stack([x0, x1], 1)", [((3, 4), F32), ((3, 4), F32)],
                  params=["m.stack([x0, m.ones(3, 5)])", "m.stack([x0, x1], 3)", "m.stack([])"])
OPS["gather"] = op("gather", "m.gather(x0, 1, x1)", [((3, 4), F32), ((3, 2), "l4")],
                   params=["m.gather(x0, 1, x1 + 4)", "m.gather(x0, 1, x1 - 5)",
                           "m.gather(x0, 2, x1)", "m.gather(x0, 1, x1.float())"])
OPS["index_select"] = op("index_select", "m.index_select(x0, 0, x1)", [((3, 4), F32), ((5,), "l3")],
                         params=["m.index_select(x0, 0, x1 + 3)", "m.index_select(x0, 0, x1 - 4)",
                                 "m.index_select(x0, 2, x1)", "m.index_select(x0, 0, x1.float())"])
OPS["masked_select"] = op("masked_select", "m.masked_select(x0, x1)",
                          [((3, 4), F32), ((3, 4), "b")],
                          params=["m.masked_select(x0, m.ones(5).bool())"])
OPS["masked_fill_"] = op("masked_fill_", "x0.masked_fill_(x1, 2.0)", [((3, 4), F32), ((3, 4), "b")],
                         inplace=True, params=["x0.masked_fill_(m.ones(5).bool(), 1.0)"])
OPS["index"] = op(("index", "select", "getitem", "indices"), "x0[1]", X34,
                  params=["x0[3]", "x0[-4]", "x0[:, 4]", "x0[2**62]", "x0[0, 0, 0]",
                          "x0[m.tensor([0, 5])]"])
OPS["slice"] = op(("slice", "getitem", "indices"), "x0[1:, ::2]", X34,
                  params=["x0[::0]", "x0[::-1]"])
OPS["reshape"] = op("reshape", "x0.reshape(2, -1)", X34,
                    params=["x0.reshape(5, -1)", "x0.reshape(-1, -1)", "x0.reshape(-2, 6)",
                            "x0.reshape(2**62, 2**62)", "x0.reshape(0, -1)"])
OPS["view"] = op("view", "x0.view(-1)", X34,
                 params=["x0.view(5)", "x0.t().view(-1)", "x0.view(-1, -1)", "x0.view(-3, 4)"])
OPS["permute"] = op("permute", "x0.permute(1, 0)", X34,
                    params=["x0.permute(0, 0)", "x0.permute(0)", "x0.permute(0, 2)"])
OPS["transpose"] = op("transpose", "x0.transpose(0, 1)", X34,
                      params=["x0.transpose(0, 2)", "x0.transpose(-3, 0)"])
OPS["narrow"] = op("narrow", "x0.narrow(1, 1, 2)", X34,
                   params=["x0.narrow(1, 3, 2)", "x0.narrow(1, -1, 2)", "x0.narrow(1, 0, -1)",
                           "x0.narrow(2, 0, 1)", "x0.narrow(1, 2**62, 2**62)"])
OPS["select"] = op("select", "x0.select(1, 2)", X34,
                   params=["x0.select(1, 4)", "x0.select(1, -5)", "x0.select(2, 0)"])
OPS["expand"] = op("expand", "x0.expand(2, 3, 4)", X34,
                   params=["x0.expand(3, 5)", "x0.expand(4)", "x0.expand(-2, 4)",
                           "x0.expand(2**62, 2**62, 4)"])
OPS["squeeze"] = op("squeeze", "x0.squeeze(0)", [((1, 3), F32)], params=["x0.squeeze(2)"])
OPS["unsqueeze"] = op("unsqueeze", "x0.unsqueeze(2)", X34,
                      params=["x0.unsqueeze(3)", "x0.unsqueeze(-4)"])
OPS["flatten"] = op("flatten", "x0.flatten()", X34, free_rank=True,
                    params=["x0.flatten(1, 0)", "x0.flatten(0, 5)"])
OPS["unflatten"] = op("unflatten", "x0.unflatten(1, (2, 2))", X34,
                      params=["x0.unflatten(1, (3, 2))", "x0.unflatten(1, (-1, -1))",
                              "x0.unflatten(2, (2, 2))"])
OPS["copy_"] = op("copy_", "x0.copy_(x1)", [((3, 4), F32), ((3, 4), F32)], inplace=True,
                  params=["x0.copy_(m.ones(5))", "x0.copy_(m.ones(2, 3, 4))"])
OPS["fill_"] = op("fill_", "x0.fill_(3.0)", X34, inplace=True, free_rank=True)

# Striate-only ops: no PyTorch reference; bad inputs must still raise, good ones return a tensor.
OPS["abs_tanh"] = op("abs_tanh", "F.abs_tanh(x0)", X34, compare="none", free_rank=True)
OPS["channel_max_pool"] = op("channel_max_pool", "F.channel_max_pool(x0, 2)", [((1, 4, 3, 3), F32)],
                             compare="none", params=["F.channel_max_pool(x0, 0)",
                                                     "F.channel_max_pool(x0, 3)",
                                                     "F.channel_max_pool(x0, -1)"])
OPS["locally_connected2d"] = op(
    "locally_connected2d", "F.locally_connected2d(x0, x1)", [((1, 2, 4, 4), F32),
                                                             ((4, 3, 2 * 3 * 3), F32)],
    compare="none", params=["F.locally_connected2d(x0, m.ones(4, 3, 5))"])
OPS["stochastic_depth"] = op("stochastic_depth", "F.stochastic_depth(x0, 0.5, 'row', False)",
                             [((2, 3), F32)], compare="none",
                             params=["F.stochastic_depth(x0, 1.5, 'row', True)",
                                     "F.stochastic_depth(x0, 0.5, 'bogus', True)"])
OPS["fractional_max_pool2d"] = op("fractional_max_pool2d",
                                  "F.fractional_max_pool2d(x0, 2, output_size=3)",
                                  [((1, 2, 6, 6), F32)], compare="shape",
                                  params=["F.fractional_max_pool2d(x0, 2, output_size=10)",
                                          "F.fractional_max_pool2d(x0, 0, output_size=3)"])

# Modules: random weights, so outputs are compared by shape; their bad inputs must raise.
MODULES = {
    "Conv2d": ("conv2d", "nn.Conv2d(2, 3, 3)(x0)", (1, 2, 6, 6),
               ["nn.Conv2d(2, 3, 0)", "nn.Conv2d(2, 3, 3, stride=0)",
                "nn.Conv2d(2, 3, 3, groups=0)",
                "nn.Conv2d(2, 3, 3, groups=2)", "nn.Conv2d(0, 3, 3)", "nn.Conv2d(-1, 3, 3)",
                "nn.Conv2d(2, -3, 3)", "nn.Conv2d(2, 3, 3)(m.ones(1, 5, 6, 6))",
                "nn.Conv2d(2, 3, 7)(m.ones(1, 2, 6, 6))", "nn.Conv2d(2, 3, 3, padding=-1)"]),
    "Conv1d": ("conv1d", "nn.Conv1d(2, 3, 3)(x0)", (1, 2, 8),
               ["nn.Conv1d(2, 3, 0)", "nn.Conv1d(2, 3, 3, dilation=0)"]),
    "Conv3d": ("conv3d", "nn.Conv3d(2, 3, 2)(x0)", (1, 2, 4, 4, 4), ["nn.Conv3d(2, 3, 0)"]),
    "ConvTranspose2d": ("conv_transpose2d", "nn.ConvTranspose2d(2, 3, 3)(x0)", (1, 2, 4, 4),
                        ["nn.ConvTranspose2d(2, 3, 0)", "nn.ConvTranspose2d(2, 3, 3, stride=0)"]),
    "Linear": ("linear", "nn.Linear(4, 3)(x0)", (2, 4),
               ["nn.Linear(-1, 3)", "nn.Linear(4, -3)", "nn.Linear(4, 3)(m.ones(2, 5))"]),
    "BatchNorm2d": ("batch_norm", "nn.BatchNorm2d(2)(x0)", (3, 2, 4, 4),
                    ["nn.BatchNorm2d(-1)", "nn.BatchNorm2d(2)(m.ones(3, 5, 4, 4))",
                     "nn.BatchNorm2d(2)(m.ones(3, 2))"]),
    "BatchNorm1d": ("batch_norm", "nn.BatchNorm1d(4)(x0)", (3, 4),
                    ["nn.BatchNorm1d(4)(m.ones(1, 4))", "nn.BatchNorm1d(4)(m.ones(3, 5))"]),
    "LayerNorm": ("layer_norm", "nn.LayerNorm(4)(x0)", (2, 3, 4),
                  ["nn.LayerNorm(4)(m.ones(2, 5))"]),
    "GroupNorm": ("group_norm", "nn.GroupNorm(2, 4)(x0)", (2, 4, 3, 3),
                  ["nn.GroupNorm(3, 4)", "nn.GroupNorm(0, 4)",
                   "nn.GroupNorm(2, 4)(m.ones(2, 6, 3))"]),
    "MaxPool2d": ("max_pool2d", "nn.MaxPool2d(2)(x0)", (1, 2, 6, 6),
                  ["nn.MaxPool2d(0)(m.ones(1, 2, 6, 6))",
                   "nn.MaxPool2d(2, stride=0)(m.ones(1, 2, 6, 6))"]),
    "AvgPool2d": ("avg_pool2d", "nn.AvgPool2d(2)(x0)", (1, 2, 6, 6),
                  ["nn.AvgPool2d(0)(m.ones(1, 2, 6, 6))",
                   "nn.AvgPool2d(2, padding=2)(m.ones(1, 2, 6, 6))"]),
    "AdaptiveAvgPool2d": ("adaptive_avg_pool2d", "nn.AdaptiveAvgPool2d(2)(x0)", (1, 2, 6, 6),
                          ["nn.AdaptiveAvgPool2d(0)(m.ones(1, 2, 6, 6))"]),
    "Dropout": ("dropout", "nn.Dropout(0.5).eval()(x0)", (3, 4),
                ["nn.Dropout(1.5)", "nn.Dropout(-1)"]),
    "Flatten": ("flatten", "nn.Flatten()(x0)", (2, 3, 4), ["nn.Flatten(3)(m.ones(2, 3))"]),
    "CrossEntropyLoss": ("cross_entropy", "nn.CrossEntropyLoss()(x0, m.zeros(x0.shape[0]).long())",
                         (4, 5), ["nn.CrossEntropyLoss()(m.ones(4, 5), m.zeros(4).long() + 5)",
                                  "nn.CrossEntropyLoss()(m.ones(4, 5), m.zeros(4).long() - 3)"]),
    "MSELoss": ("mse_loss", "nn.MSELoss()(x0, x0)", (3, 4), ["nn.MSELoss(reduction='bogus')"]),
    "PixelShuffle": ("pixel_shuffle", "nn.PixelShuffle(2)(x0)", (1, 8, 2, 2),
                     ["nn.PixelShuffle(3)(m.ones(1, 8, 2, 2))"]),
    "PReLU": ("prelu", "nn.PReLU(3)(x0)", (2, 3, 4), ["nn.PReLU(3)(m.ones(2, 5, 4))"]),
    "Softmax": ("softmax", "nn.Softmax(1)(x0)", (3, 4), ["nn.Softmax(3)(m.ones(3, 4))"]),
    "Upsample": ("interpolate", "nn.Upsample(scale_factor=2)(x0)", (1, 2, 3, 3),
                 ["nn.Upsample(scale_factor=-2)(m.ones(1, 2, 3, 3))"]),
}

# Creation ops with sizes no tensor can have.
CREATION = {
    "zeros": ["m.zeros(-1)", "m.zeros(2, -3)", "m.zeros(2**63)", "m.zeros(2**40, 2**40)",
              "m.zeros(0, 5)",
              "m.zeros(())", "m.zeros(2.5)"],
    "ones": ["m.ones(-1)", "m.ones(2**62, 4)", "m.ones(0)"],
    "empty": ["m.empty(-1)", "m.empty(2**62, 2**62)", "m.empty(0, 0).shape"],
    "full": ["m.full((-1,), 1.0)", "m.full((2**40, 2**40), 1.0)", "m.full((0, 3), float('nan'))",
             "m.full((2,), float('inf'))"],
    "arange": ["m.arange(0, 10, 0)", "m.arange(10, 0, 1)", "m.arange(0, 10, -1)",
               "m.arange(float('nan'))", "m.arange(0, 2**62)", "m.arange(5, 5)"],
    "linspace": ["m.linspace(0, 1, -1)", "m.linspace(0, 1, 0)", "m.linspace(0, 1, 1)",
                 "m.linspace(0, float('nan'), 3)"],
    "eye": ["m.eye(-1)", "m.eye(0)", "m.eye(2**40)", "m.eye(3, -1)"],
    "randn": ["m.randn(-1)", "m.randn(2**40, 2**40)", "m.randn(0, 3).shape"],
    "rand": ["m.rand(-2)", "m.rand(0).shape"],
    "randint": ["m.randint(0, 10, (-1,))", "m.randint(5, 5, (3,))", "m.randint(10, 0, (3,))",
                "m.randint(0, 10, (0,)).shape"],
    "randperm": ["m.randperm(-1)", "m.randperm(0)"],
    "tensor": ["m.tensor([[1, 2], [3]])", "m.tensor([])", "m.tensor([float('nan'), float('inf')])"],
}


# Modules without parameters or buffers: an input on another device is not a device mismatch.
PARAMETERLESS = {"AdaptiveAvgPool2d", "AvgPool2d", "Dropout", "Flatten", "MSELoss", "MaxPool2d",
                 "PixelShuffle", "Softmax", "Upsample"}

# Where striate deliberately differs from PyTorch (checked only not to crash and, if it raises, to
# raise a typed error naming the op): case -> why.
KNOWN_DIFFERENCES = {
    **{f"dtype_bool-{name}": "striate computes on bool where PyTorch has no bool kernel"
       for name in ["abs", "argmax", "argmin", "pad_reflect", "pad_replicate", "sub"]},
    **{f"zero_size-pixel_unshuffle-dim{d}": "PyTorch returns an empty input unshuffled's shape "
       "unchanged; striate gives the unshuffled shape" for d in range(4)},
    "zero_size-multi_margin_loss-dim0": "PyTorch's mean over an empty batch reads uninitialized "
    "memory (a different value each run); striate gives NaN, as mse_loss's empty mean does",
    "inf-gelu": "gelu(+inf) is +inf (the limit); PyTorch gives NaN",
}

# ---- case generation ---------------------------------------------------------------------------

def make_array(rng, shape, kind):
    if kind == F32:
        return rng.standard_normal(shape).astype(np.float32)
    if kind == "p":
        return rng.uniform(0.05, 0.95, shape).astype(np.float32)
    if kind == "b":
        return rng.random(shape) > 0.5
    if kind.startswith("l"):
        return rng.integers(0, int(kind[1:]), shape).astype(np.int64)
    raise AssertionError(kind)


def planted_nan(array, value):
    out = array.copy().reshape(-1)
    out[:: max(1, out.size // 3)] = value
    return out.reshape(array.shape)


def build_cases():
    """name -> {"code", "names", "inputs": [arrays], "views": [code per input], "expect"}.
    expect: "torch" (striate must equal PyTorch, or raise where it raises), "torch_or_raise"
    (PyTorch's result or a typed error; a typed error wherever PyTorch raises), "shape" and
    "shape_or_raise" (the same on output shapes only: random weights), "run" (no reference: a
    result or a typed error), "raise" (a typed error naming the op: mismatched devices)."""
    rng = np.random.default_rng(2026)
    cases = {}

    def add(name, code, names, arrays, views=None, expect="torch"):
        assert name not in cases, name
        cases[name] = {"code": code, "names": list(names), "inputs": arrays,
                       "views": views or ["x"] * len(arrays), "expect": expect}

    for opname, spec in OPS.items():
        base = [make_array(rng, shape, kind) for shape, kind in spec["inputs"]]
        compare = spec["compare"]
        exact = "torch" if compare == "torch" else ("shape" if compare == "shape" else "run")
        loose = {"torch": "torch_or_raise", "shape": "shape_or_raise"}.get(exact, exact)
        names, code = spec["names"], spec["code"]
        add(f"valid-{opname}", code, names, base, expect=exact)
        # Zero-size dims, one per dimension of every float input (labels follow the batch dim).
        shape0 = base[0].shape
        for d in range(len(shape0)):
            arrays = []
            for i, (shape, kind) in enumerate(spec["inputs"]):
                shape = list(shape)
                if i == 0 or (len(shape) > d and d == 0 and shape[0] == shape0[0]):
                    shape[d] = 0
                arrays.append(make_array(rng, tuple(shape), kind))
            add(f"zero_size-{opname}-dim{d}", code, names, arrays, expect=exact)
        # NaN, +Inf, -Inf planted in the first float input.
        if spec["inputs"][0][1] in (F32, "p"):
            for label, value in (("nan", np.nan), ("inf", np.inf), ("neg_inf", -np.inf)):
                arrays = [planted_nan(base[0], value)] + base[1:]
                add(f"{label}-{opname}", code, names, arrays, expect=exact)
        # Non-contiguous (transposed storage) and overlapping (expanded) views of every input.
        if len(shape0) >= 2:
            views = ["x.transpose(-1, -2)"] + ["x"] * (len(base) - 1)
            arrays = [np.ascontiguousarray(np.swapaxes(base[0], -1, -2))] + base[1:]
            add(f"noncontiguous-{opname}", code, names, arrays, views=views, expect=exact)
            views = ["x[..., ::2]"] + ["x"] * (len(base) - 1)
            arrays = [np.repeat(base[0], 2, axis=-1)] + base[1:]
            add(f"strided-{opname}", code, names, arrays, views=views, expect=exact)
        if shape0 and shape0[0] > 1:
            row = base[0][:1]
            views = [f"x.expand({', '.join(str(s) for s in shape0)})"] + ["x"] * (len(base) - 1)
            add(f"overlapping-{opname}", code, names, [row] + base[1:], views=views,
                expect="torch_or_raise" if spec["inplace"] else exact)
        # Wrong rank: one more and one fewer dimension (ops that take any rank are compared).
        if not spec["free_rank"]:
            add(f"rank_plus-{opname}", code, names, [base[0][None]] + base[1:], expect=loose)
            if base[0].ndim >= 1:
                add(f"rank_minus-{opname}", code, names, [base[0][0]] + base[1:], expect=loose)
        # Wrong dtype: integers where floats go, float64 beside float32, bool.
        if spec["inputs"][0][1] in (F32, "p"):
            add(f"dtype_int64-{opname}", code, names, [(base[0] * 3).astype(np.int64)] + base[1:],
                expect=loose)
            add(f"dtype_float64-{opname}", code, names, [base[0].astype(np.float64)] + base[1:],
                expect=loose)
            add(f"dtype_bool-{opname}", code, names, [base[0] > 0] + base[1:], expect=loose)
        # Mismatched devices: each input in turn on cuda:0, the others on the CPU (ops with two
        # or more tensor inputs). Without a GPU the cuda:0 tensor's memory is unreadable (see D in
        # CHILD), so an op that reached a kernel instead of refusing would crash the child.
        if len(base) >= 2:
            for i in range(len(base)):
                if not re.search(rf"[(\[,] ?x{i}[,)\]]", code):
                    continue  # computed on before the op (x2 * 2 - 1): that op would refuse it
                views = ["x"] * len(base)
                views[i] = "D(x)"
                add(f"mismatched_device-{opname}-input{i}", code, names, base, views=views,
                    expect="raise")
        # Parameters that PyTorch refuses (zero or negative kernel/stride/groups, bad dims,
        # labels out of range, mismatched shapes).
        for k, variant in enumerate(spec["params"]):
            add(f"param-{opname}-{k}", variant, names, base, expect=loose)
    for module, (opname, code, shape, bad) in MODULES.items():
        names = (opname, module.lower(), module.lower())
        x = make_array(rng, shape, F32)
        add(f"module-{module}", code, names, [x], expect="shape")
        zero = list(shape)
        zero[0] = 0
        add(f"module_zero_batch-{module}", code, names, [make_array(rng, tuple(zero), F32)],
            expect="shape")
        add(f"module_nan-{module}", code, names, [planted_nan(x, np.nan)], expect="shape")
        add(f"module_rank_minus-{module}", code, names, [x[0]], expect="shape_or_raise")
        add(f"module_dtype_int64-{module}", code, names, [x.astype(np.int64)],
            expect="shape_or_raise")
        if module not in PARAMETERLESS:  # the input on cuda:0, the parameters on the CPU
            add(f"module_mismatched_device-{module}", code, names, [x], views=["D(x)"],
                expect="raise")
        for k, variant in enumerate(bad):
            add(f"module_param-{module}-{k}", variant, names, [x], expect="shape_or_raise")
    for opname, variants in CREATION.items():
        for k, variant in enumerate(variants):
            add(f"creation-{opname}-{k}", variant, [opname], [], expect="torch")
    for name in KNOWN_DIFFERENCES:
        cases[name]["expect"] = "run"
    return cases


CASES = build_cases()

# ---- running -----------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import json, math, sys, time
    import numpy as np
    import striate as st
    import striate.nn.functional as F
    from striate import nn

    def encode(out):
        if isinstance(out, (tuple, list)):  # striate.Size is a tuple subclass
            if all(isinstance(v, int) for v in out):
                return {"shape_tuple": list(out)}
            return {"tuple": [encode(v) for v in out]}
        if isinstance(out, st.Tensor):
            array = np.array(out.detach().contiguous().numpy())
            return {"shape": list(array.shape), "kind": array.dtype.kind,
                    "values": array.astype(np.float64).reshape(-1).tolist()}
        if isinstance(out, (int, float, bool)):
            return {"scalar": float(out)}
        return {"object": type(out).__name__}

    def D(x):
        # x on cuda:0: the real device when there is one, else a tensor that claims cuda:0 and
        # whose memory is unreadable (PROT_NONE), so reading it kills the child.
        if st.cuda.is_available():
            return x.to("cuda")
        dtype = str(x.dtype).split(".")[-1]
        return st.backends._registry._poisoned_device_tensor(list(x.shape), dtype, "cuda:0")

    cases = json.load(open(sys.argv[1]))
    arrays = dict(np.load(sys.argv[2]))
    for name, case in cases.items():
        print(json.dumps({"begin": name}), flush=True)
        env = {"st": st, "m": st, "F": F, "nn": nn}
        start = time.perf_counter()
        try:
            for i, view in enumerate(case["views"]):
                x = st.from_numpy(arrays[f"{name}/{i}"].copy())
                env[f"x{i}"] = eval(view, {"x": x, "D": D})
            st.manual_seed(0)
            result = {"out": encode(eval(case["code"], env))}
        except Exception as error:
            result = {"type": type(error).__name__, "message": str(error)[:500],
                      "bases": [c.__name__ for c in type(error).__mro__]}
        result["case"] = name
        result["seconds"] = time.perf_counter() - start
        print(json.dumps(result), flush=True)
""")


@pytest.fixture(scope="module")
def striate_results(tmp_path_factory):
    """Runs every case through striate in child processes; a case that kills its child is
    recorded as a crash and the next child resumes after it."""
    folder = tmp_path_factory.mktemp("bad_inputs")
    np.savez(folder / "arrays.npz", **{f"{name}/{i}": a for name, case in CASES.items()
                                       for i, a in enumerate(case["inputs"])})
    remaining = list(CASES)
    results = {}
    while remaining:
        spec = {name: {k: CASES[name][k] for k in ("code", "views")} for name in remaining}
        (folder / "cases.json").write_text(json.dumps(spec))
        child = subprocess.run([sys.executable, "-c", CHILD, str(folder / "cases.json"),
                                str(folder / "arrays.npz")], check=False, capture_output=True,
                               text=True, timeout=900)
        current = None
        for line in child.stdout.splitlines():
            record = json.loads(line)
            if "begin" in record:
                current = record["begin"]
            else:
                results[record["case"]] = record
                current = None
        if current is None:
            missing = [name for name in remaining if name not in results]
            for name in missing:
                results[name] = {"crash": f"not run (child exit {child.returncode}): "
                                          f"{child.stderr[-1500:]}"}
            break
        results[current] = {"crash": f"exit {child.returncode}: {child.stderr[-1500:]}"}
        remaining = remaining[remaining.index(current) + 1:]
    return results


def torch_result(case):
    env = {"m": torch, "F": TF, "nn": torch.nn, "torch": torch}
    try:
        for i, (array, view) in enumerate(zip(case["inputs"], case["views"])):
            env[f"x{i}"] = eval(view, {"x": torch.from_numpy(array.copy())})
        torch.manual_seed(0)
        out = eval(case["code"], env)
    except Exception as error:
        return {"type": type(error).__name__, "message": str(error)}
    return {"out": encode_torch(out)}


def encode_torch(out):
    if isinstance(out, torch.Size):
        return {"shape_tuple": list(out)}
    if isinstance(out, (tuple, list)):
        return {"tuple": [encode_torch(v) for v in out]}
    if isinstance(out, torch.Tensor):
        array = out.detach().contiguous().numpy()
        return {"shape": list(array.shape), "kind": array.dtype.kind,
                "values": array.astype(np.float64).reshape(-1).tolist()}
    if isinstance(out, (int, float, bool)):
        return {"scalar": float(out)}
    return {"object": type(out).__name__}


def same(ours, theirs, values=True):
    if "tuple" in theirs:
        theirs_items = theirs["tuple"]
        if "tuple" not in ours:
            return len(theirs_items) >= 1 and same(ours, theirs_items[0], values)
        return len(ours["tuple"]) >= 1 and all(
            same(a, b, values) for a, b in zip(ours["tuple"], theirs_items))
    if "shape_tuple" in theirs:
        return ours.get("shape_tuple", ours.get("shape")) == theirs["shape_tuple"]
    if "scalar" in theirs:
        return "scalar" in ours and (not values or math.isclose(
            ours["scalar"], theirs["scalar"], rel_tol=1e-4, abs_tol=1e-5) or (
            math.isnan(ours["scalar"]) and math.isnan(theirs["scalar"])))
    if "object" in theirs:
        return "object" in ours
    if ours.get("shape") != theirs["shape"]:
        return False
    if not values:
        return True
    a, b = np.array(ours["values"]), np.array(theirs["values"])
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-4, atol=1e-5, equal_nan=True))


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input(striate_results, name):
    case = CASES[name]
    ours = striate_results[name]
    assert "crash" not in ours, f"{case['code']} crashed the process: {ours['crash']}"
    expect = case["expect"]
    raised = "type" in ours
    if raised:
        assert TYPED & set(ours["bases"]), (
            f"{case['code']}: untyped {ours['type']}: {ours['message']}")
        message = ours["message"].lower()
        assert any(n.lower() in message for n in case["names"]), (
            f"{case['code']}: the message does not name {case['names']}: {ours['message']}")
    if expect == "run":
        return
    if expect == "raise":
        assert raised, f"{case['code']} with {case['views']} returned {str(ours['out'])[:200]}"
        return
    theirs = torch_result(case)
    if "type" in theirs:
        if name.startswith("zero_size"):
            return  # an empty tensor where PyTorch refuses one: striate may be more permissive
        assert raised, (f"{case['code']}: PyTorch raises ({theirs['type']}: "
                        f"{theirs['message'][:200]}) but striate returned {str(ours['out'])[:200]}")
        return
    if raised and expect in ("torch", "shape"):
        pytest.fail(f"{case['code']}: PyTorch returns a result but striate raised "
                    f"{ours['type']}: {ours['message']}")
    if not raised:
        assert same(ours["out"], theirs["out"], values=expect.startswith("torch")), (
            f"{case['code']}: striate {str(ours['out'])[:300]} != "
            f"PyTorch {str(theirs['out'])[:300]}")


def test_matrix_is_large_enough():
    assert len(CASES) >= 500, len(CASES)


# Issue 14's categories, each as a predicate over (case name, code): every one must have cases.
CATEGORIES = {
    "wrong rank": lambda n, c: n.startswith(("rank_", "module_rank_")),
    "wrong dtype": lambda n, c: n.startswith(("dtype_", "module_dtype_")),
    "mismatched devices": lambda n, c: "mismatched_device" in n,
    "zero-size dimensions": lambda n, c: n.startswith(("zero_size", "module_zero_batch")),
    "negative sizes": lambda n, c: bool(re.search(r"[(,] ?-[1-9]", c)) and n.startswith(
        ("creation", "param-reshape", "param-view", "param-expand", "param-narrow",
         "param-unflatten")),
    "overflowing sizes": lambda n, c: "2**6" in c or "2**40" in c,
    "non-contiguous views": lambda n, c: n.startswith(("noncontiguous", "strided")),
    "overlapping views": lambda n, c: n.startswith("overlapping"),
    "NaN/Inf": lambda n, c: n.startswith(("nan", "inf", "neg_inf", "module_nan")),
    "zero kernel/stride/groups": lambda n, c: any(
        p in c for p in ("stride=0", "groups=0", "dilation=0", ", 0)", "d(2, 3, 0)")),
    "labels out of range": lambda n, c: any(
        n.startswith(f"param-{loss}") for loss in ("cross_entropy", "nll_loss", "one_hot")),
}


@pytest.mark.parametrize("category", sorted(CATEGORIES))
def test_matrix_covers_each_category(category):
    count = sum(CATEGORIES[category](name, case["code"]) for name, case in CASES.items())
    assert count >= 5, f"{category}: {count} cases"
