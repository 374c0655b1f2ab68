"""The ONNX ops striate.onnx.load runs beyond the zoo's core set: convolution and pooling of any
rank, ConvTranspose, the other normalizations and activations, Resize, DepthToSpace, padding
modes and the recurrent RNN op. A mixin of _import._Runner: each op_<Name>(module, node, attrs,
*inputs) returns the node's output (a tuple for several)."""

import numpy as np


def _error(node, what):
    from ._import import OnnxImportError

    return OnnxImportError(f"onnx load: node '{node.name}' ({node.op_type}): {what}")


def _tensor(value, like=None):
    from ._import import _tensor as as_tensor

    return as_tensor(value, like)


def _symmetric_pads(node, attrs, rank):
    if attrs.get("auto_pad", b"NOTSET") not in (b"NOTSET", "NOTSET"):
        raise _error(node, "auto_pad is not supported; export with explicit pads")
    pads = list(attrs.get("pads", [0] * 2 * rank))
    begin, end = pads[:rank], pads[rank:]
    return begin, end


def _torch_pad_order(begin, end):
    """F.pad's amounts (last dim first) for the spatial dims' begin/end pads."""
    amounts = []
    for b, e in zip(reversed(begin), reversed(end)):
        amounts += [b, e]
    return amounts


def _scalar(value):
    return float(np.asarray(np.array(value) if hasattr(value, "numpy") else value).reshape(-1)[0])


class MoreOps:
    """Ops mixed into _Runner (see _import.py)."""

    # convolution and pooling of any rank
    def op_Conv(self, m, node, a, x, w, b=None):
        from ..nn import functional as F

        w = _tensor(w, x)
        rank = w.dim() - 2
        if rank not in (1, 2, 3):
            raise _error(node, f"only 1-d, 2-d and 3-d convolutions are supported, got {rank}-d")
        begin, end = _symmetric_pads(node, a, rank)
        if begin != end:
            x = F.pad(x, _torch_pad_order(begin, end))
            begin = [0] * rank
        conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[rank]
        return conv(x, w, _tensor(b, x) if b is not None else None,
                    stride=tuple(a.get("strides", [1] * rank)), padding=tuple(begin),
                    dilation=tuple(a.get("dilations", [1] * rank)), groups=a.get("group", 1))

    def op_ConvTranspose(self, m, node, a, x, w, b=None):
        from ..nn import functional as F

        w = _tensor(w, x)
        rank = w.dim() - 2
        if rank not in (1, 2, 3):
            raise _error(node, f"only 1-d, 2-d and 3-d transposed convolutions are supported, "
                               f"got a {rank}-d kernel")
        if "output_shape" in a:
            raise _error(node, "output_shape is not supported; export with pads and "
                               "output_padding")
        begin, end = _symmetric_pads(node, a, rank)
        if begin != end:
            raise _error(node, "asymmetric pads are not supported")
        conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[rank]
        return conv(x, w, _tensor(b, x) if b is not None else None,
                    stride=tuple(a.get("strides", [1] * rank)), padding=tuple(begin),
                    output_padding=tuple(a.get("output_padding", [0] * rank)),
                    groups=a.get("group", 1), dilation=tuple(a.get("dilations", [1] * rank)))

    def _pool(self, node, a, x, kind):
        from ..nn import functional as F

        kernel = list(a["kernel_shape"])
        rank = len(kernel)
        if rank not in (1, 2, 3):
            raise _error(node, f"only 1-d, 2-d and 3-d pooling is supported, got {rank}-d")
        begin, end = _symmetric_pads(node, a, rank)
        if begin != end:
            raise _error(node, "asymmetric pads are not supported")
        stride = tuple(a.get("strides", [1] * rank))
        ceil = bool(a.get("ceil_mode", 0))
        if kind == "max":
            pool = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[rank]
            return pool(x, tuple(kernel), stride, tuple(begin),
                        tuple(a.get("dilations", [1] * rank)), ceil)
        pool = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[rank]
        return pool(x, tuple(kernel), stride, tuple(begin), ceil,
                    bool(a.get("count_include_pad", 0)))

    # normalization
    def op_InstanceNormalization(self, m, node, a, x, scale, bias):
        from ..nn import functional as F

        return F.instance_norm(x, weight=_tensor(scale, x), bias=_tensor(bias, x),
                               eps=a.get("epsilon", 1e-5))

    def op_LayerNormalization(self, m, node, a, x, scale, bias=None):
        from ..nn import functional as F

        axis = a.get("axis", -1)
        axis = axis + x.dim() if axis < 0 else axis
        if a.get("stash_type", 1) != 1:
            raise _error(node, "only stash_type 1 (float) is supported")
        return F.layer_norm(x, tuple(x.shape[axis:]), _tensor(scale, x),
                            _tensor(bias, x) if bias is not None else None,
                            a.get("epsilon", 1e-5))

    # activations
    def op_PRelu(self, m, node, a, x, slope):
        from ..nn import functional as F

        slope = _tensor(slope, x)
        return F.prelu(x, slope.reshape(-1))

    def op_Celu(self, m, node, a, x):
        from ..nn import functional as F

        return F.celu(x, a.get("alpha", 1.0))

    def op_HardSigmoid(self, m, node, a, x):
        from .. import clamp

        return clamp(x * a.get("alpha", 0.2) + a.get("beta", 0.5), 0.0, 1.0)

    def op_Softsign(self, m, node, a, x):
        from ..nn import functional as F

        return F.softsign(x)

    def op_Abs(self, m, node, a, x):
        from .. import abs as absolute

        return absolute(x)

    def op_Neg(self, m, node, a, x):
        return -x if hasattr(x, "dim") else np.negative(x)

    def op_Exp(self, m, node, a, x):
        from .. import exp

        return exp(x)

    def op_Log(self, m, node, a, x):
        from .. import log

        return log(x)

    def op_Sqrt(self, m, node, a, x):
        from .. import sqrt

        return sqrt(x)

    def op_Shrink(self, m, node, a, x):
        from .. import where

        lambd, bias = a.get("lambd", 0.5), a.get("bias", 0.0)
        zero = x * 0.0
        return where(x < -lambd, x + bias, where(x > lambd, x - bias, zero))

    def op_Greater(self, m, node, a, x, y):
        if hasattr(x, "dim"):
            return x > (_tensor(y, x) if hasattr(y, "dim") or np.ndim(y) else _scalar(y))
        return np.greater(x, y)

    def op_Less(self, m, node, a, x, y):
        if hasattr(x, "dim"):
            return x < (_tensor(y, x) if hasattr(y, "dim") or np.ndim(y) else _scalar(y))
        return np.less(x, y)

    def op_Where(self, m, node, a, condition, x, y):
        from .. import where

        like = x if hasattr(x, "dim") else y
        return where(_tensor(condition), _tensor(x, like), _tensor(y, like))

    # shapes
    def op_DepthToSpace(self, m, node, a, x):
        from ..nn import functional as F

        r = int(a["blocksize"])
        mode = a.get("mode", b"DCR")
        mode = mode.decode() if isinstance(mode, bytes) else mode
        if mode == "CRD":
            return F.pixel_shuffle(x, r)
        n, c, h, w = x.shape
        moved = x.reshape(n, r, r, c // (r * r), h, w).permute(0, 3, 4, 1, 5, 2)
        return moved.reshape(n, c // (r * r), h * r, w * r)

    def op_SpaceToDepth(self, m, node, a, x):
        r = int(a["blocksize"])
        n, c, h, w = x.shape
        moved = x.reshape(n, c, h // r, r, w // r, r).permute(0, 3, 5, 1, 2, 4)
        return moved.reshape(n, c * r * r, h // r, w // r)

    def op_Resize(self, m, node, a, x, roi=None, scales=None, sizes=None):
        from ..nn import functional as F

        def text(key, default):
            value = a.get(key, default)
            return value.decode() if isinstance(value, bytes) else value

        mode = text("mode", "nearest")
        transform = text("coordinate_transformation_mode", "half_pixel")
        if x.dim() != 4:
            raise _error(node, f"only 4-d inputs are resized, got {x.dim()}-d")
        size, scale = None, None
        if sizes is not None and np.size(np.array(sizes) if hasattr(sizes, "dim") else sizes):
            size = tuple(int(s) for s in np.asarray(np.array(sizes) if hasattr(sizes, "dim")
                                                    else sizes).reshape(-1)[2:])
        elif scales is not None:
            values = np.asarray(np.array(scales) if hasattr(scales, "dim") else scales)
            values = values.reshape(-1)
            if values[0] != 1 or values[1] != 1:
                raise _error(node, "only the spatial dims may be scaled")
            scale = (float(values[2]), float(values[3]))
        if mode == "nearest":
            if transform != "asymmetric" or text("nearest_mode", "round_prefer_floor") != "floor":
                raise _error(node, "nearest resizing is supported with "
                                   "coordinate_transformation_mode 'asymmetric' and nearest_mode "
                                   "'floor' (torch's)")
            return F.interpolate(x, size=size, scale_factor=scale, mode="nearest")
        if mode == "linear":
            if transform not in ("align_corners", "pytorch_half_pixel", "half_pixel"):
                raise _error(node, f"linear resizing with coordinate_transformation_mode "
                                   f"{transform!r} is not supported")
            return F.interpolate(x, size=size, scale_factor=scale, mode="bilinear",
                                 align_corners=transform == "align_corners")
        raise _error(node, f"resize mode {mode!r} is not supported (nearest, linear)")

    # recurrent
    def op_RNN(self, m, node, a, x, w, r, b=None, sequence_lens=None, initial_h=None):
        """h_t = f(x_t W^T + Wb + h_{t-1} R^T + Rb) per direction; Y (L, D, N, H), Y_h (D, N, H)."""
        from .. import matmul, stack, zeros

        if sequence_lens is not None:
            raise _error(node, "sequence_lens is not supported")
        if a.get("layout", 0) != 0:
            raise _error(node, "only layout 0 (sequence first) is supported")
        if "clip" in a:
            raise _error(node, "clip is not supported")
        hidden = int(a["hidden_size"])
        direction = a.get("direction", b"forward")
        direction = direction.decode() if isinstance(direction, bytes) else direction
        dirs = 2 if direction == "bidirectional" else 1
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in a.get("activations", [b"Tanh"] * dirs)]
        acts = {"Tanh": lambda v: v.tanh(), "Relu": lambda v: v.relu()}
        if any(name not in acts for name in names):
            raise _error(node, f"activations {names} are not supported (Tanh, Relu)")
        w, r = _tensor(w, x), _tensor(r, x)
        b = _tensor(b, x) if b is not None else None
        length, batch = x.shape[0], x.shape[1]
        outputs, finals = [], []
        for d in range(dirs):
            reverse = direction == "reverse" or d == 1
            h = (_tensor(initial_h, x)[d] if initial_h is not None
                 else zeros(batch, hidden, dtype=x.dtype))
            projected = matmul(x, w[d].t())  # (L, N, H) for every step at once
            if b is not None:
                projected = projected + (b[d][:hidden] + b[d][hidden:])
            steps = [None] * length
            for t in (reversed(range(length)) if reverse else range(length)):
                h = acts[names[d]](projected[t] + matmul(h, r[d].t()))
                steps[t] = h
            outputs.append(stack(steps, 0))
            finals.append(h)
        return stack(outputs, 1), stack(finals, 0)
