"""striate.einsum: torch's equation syntax (``...``, implicit output, repeated subscripts, the
sublist form), composed of registered ops so autograd and devices come from the parts.

How it runs: each operand first gives up its repeated subscripts (the diagonal, by
``index_select`` on the flattened pair) and the subscripts no one else needs (``sum``); then the
operands are contracted pairwise, left to right, each pair as ONE batched matrix product (permute
to (batch, free, contracted) x (batch, contracted, free), reshape, ``matmul``); the last operand
is summed and permuted into the output's order. Sizes of 1 broadcast against the other
operands' sizes, as in torch.
"""

import builtins

__all__ = ["einsum"]

_LETTERS = 52  # a-z and A-Z; the ellipsis' dimensions get the labels after them


def _st():
    import striate

    return striate


def _label(char, position):
    if "A" <= char <= "Z":
        return ord(char) - ord("A")
    if "a" <= char <= "z":
        return 26 + ord(char) - ord("a")
    raise ValueError(
        f"einsum(): invalid subscript {char!r} at index {position} of the equation; expected "
        "letters in [a-zA-Z], '...', ',' or '->'"
    )


def _parse_term(term, offset):
    """A term's subscripts: a list of letter labels with None where '...' stands."""
    labels = []
    i = 0
    while i < len(term):
        if term[i] == ".":
            if term[i : i + 3] != "..." or None in labels:
                raise ValueError(
                    f"einsum(): expected at most one '...' per term, written with three dots, "
                    f"got {term!r}"
                )
            labels.append(None)
            i += 3
            continue
        labels.append(_label(term[i], offset + i))
        i += 1
    return labels


def _sublist_equation(args):
    """torch's sublist form: (op0, [0, 1], op1, [1, 2], [0, 2]) -> ('AB,BC->AC', operands)."""

    def subscripts(sublist):
        out = []
        for item in sublist:
            if item is Ellipsis:
                out.append("...")
            elif isinstance(item, int) and not isinstance(item, bool) and 0 <= item < _LETTERS:
                out.append(chr(ord("A") + item) if item < 26 else chr(ord("a") + item - 26))
            else:
                raise ValueError(
                    f"einsum(): expected sublist entries in [0, 52) or Ellipsis, got {item!r}"
                )
        return "".join(out)

    operands, terms = list(args[0::2]), []
    for sublist in args[1::2]:
        terms.append(subscripts(sublist))
    if len(args) % 2 == 1:  # the output sublist comes last
        return ",".join(terms) + "->" + subscripts(args[-1]), operands[:-1]
    return ",".join(terms), operands


def _take_diagonals(x, labels):
    """Merges repeated labels of one operand into one dimension (the diagonal), last."""
    while True:
        repeated = next((lab for lab in labels if labels.count(lab) > 1), None)
        if repeated is None:
            return x, labels
        first = labels.index(repeated)
        second = labels.index(repeated, first + 1)
        n = x.shape[first]
        if x.shape[second] != n:
            raise ValueError(
                f"einsum(): subscript {_name(repeated)} is repeated for one operand, so its sizes "
                f"must match; got {n} and {x.shape[second]}"
            )
        rest = [d for d in range(x.dim()) if d not in (first, second)]
        x = x.permute(rest + [first, second]).reshape([x.shape[d] for d in rest] + [n * n])
        index = _st().arange(0, n * n, n + 1, device=x.device) if n > 0 else _empty_index(x)
        x = x.index_select(x.dim() - 1, index)
        labels = [labels[d] for d in rest] + [repeated]


def _empty_index(x):
    return _st().zeros(0, dtype=_st().int64, device=x.device)


def _name(label):
    if label < 26:
        return chr(ord("A") + label)
    if label < _LETTERS:
        return chr(ord("a") + label - 26)
    return "'...'"


def _sum_out(x, labels, drop):
    dims = [d for d, lab in enumerate(labels) if lab in drop]
    if not dims:
        return x, labels
    return x.sum(dim=dims), [lab for lab in labels if lab not in drop]


def _contract(a, la, b, lb, keep):
    """One batched matrix product of two operands; keeps the labels in `keep`."""
    shared = [lab for lab in la if lab in lb]
    # Sizes of 1 broadcast: summed away where the label is contracted, expanded where kept.
    for lab in shared:
        sa, sb = a.shape[la.index(lab)], b.shape[lb.index(lab)]
        if sa == sb:
            continue
        if lab not in keep:
            if sa != 1:
                a = a.sum(dim=la.index(lab), keepdim=True)
            else:
                b = b.sum(dim=lb.index(lab), keepdim=True)
        elif sa == 1:
            a = a.expand([sb if lab2 == lab else -1 for lab2 in la])
        else:
            b = b.expand([sa if lab2 == lab else -1 for lab2 in lb])
    batch = [lab for lab in shared if lab in keep]
    summed = [lab for lab in shared if lab not in keep]
    a_free = [lab for lab in la if lab not in lb]
    b_free = [lab for lab in lb if lab not in la]
    size = {lab: a.shape[la.index(lab)] for lab in la}
    size.update({lab: b.shape[lb.index(lab)] for lab in b_free})

    def prod(labs):
        out = 1
        for lab in labs:
            out *= size[lab]
        return out

    a3 = a.permute([la.index(lab) for lab in batch + a_free + summed])
    a3 = a3.reshape([prod(batch), prod(a_free), prod(summed)])
    b3 = b.permute([lb.index(lab) for lab in batch + summed + b_free])
    b3 = b3.reshape([prod(batch), prod(summed), prod(b_free)])
    out = a3.matmul(b3).reshape([size[lab] for lab in batch + a_free + b_free])
    return out, batch + a_free + b_free


def einsum(*args):
    """Sums products of operands' elements over subscripts, as written in Einstein's notation.

    The equation names each operand's dimensions by letters (``[a-zA-Z]``), separated by commas;
    ``->`` is followed by the output's subscripts. Without ``->`` the output holds the subscripts
    that appear exactly once, in alphabetical order (capitals first). A subscript repeated within
    one operand takes its diagonal; ``...`` stands for the dimensions not named (broadcast across
    operands). Subscripts missing from the output are summed over. torch's sublist form,
    ``einsum(op1, [0, 1], op2, [1, 2], [0, 2])``, is taken too (0-25 are A-Z, 26-51 a-z).

    Args:
        equation (str): The subscripts, e.g. ``"bij,bjk->bik"``.
        *operands (Tensor): The tensors (or one list of them), all of one dtype and device.

    Returns:
        Tensor: The result; each pair of operands is contracted by one batched matrix product.

    Example:
        >>> a, b = st.ones(2, 3), st.ones(3, 4)
        >>> st.einsum("ij,jk->ik", a, b).shape
        striate.Size([2, 4])
        >>> st.einsum("ii", st.eye(3)).item()
        3.0
        >>> st.einsum("...ij->...ji", st.ones(5, 2, 3)).shape
        striate.Size([5, 3, 2])
    """
    st = _st()
    if not args:
        raise TypeError("einsum(): expected an equation and operands, got no arguments")
    if isinstance(args[0], st.Tensor):
        equation, operands = _sublist_equation(args)
    else:
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    if not isinstance(equation, str):
        raise TypeError(
            f"einsum(): expected the equation as a str, got {type(equation).__name__}"
        )
    for i, op in enumerate(operands):
        if not isinstance(op, st.Tensor):
            raise TypeError(
                f"einsum(): expected operand {i} to be a Tensor, got {type(op).__name__}"
            )
    if not operands:
        raise ValueError("einsum(): expected at least one operand, got none")
    for i, op in enumerate(operands[1:], 1):
        if op.dtype != operands[0].dtype:
            raise TypeError(
                f"einsum(): expected all operands of dtype {operands[0].dtype}, got {op.dtype} "
                f"for operand {i}"
            )
        if op.device != operands[0].device:
            raise ValueError(
                f"einsum(): expected all operands on {operands[0].device}, got {op.device} "
                f"for operand {i}"
            )

    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise ValueError(
            f"einsum(): the equation has {len(terms)} operand term(s) ({lhs!r}) but "
            f"{len(operands)} operand(s) were given"
        )
    parsed, offset = [], 0
    for term in terms:
        parsed.append(_parse_term(term, offset))
        offset += len(term) + 1

    # Every operand's labels, the ellipsis expanded into labels _LETTERS + k (right-aligned).
    ellipsis_dims = 0
    for i, (labels, op) in enumerate(zip(parsed, operands)):
        named = len([lab for lab in labels if lab is not None])
        if None in labels:
            if op.dim() < named:
                raise ValueError(
                    f"einsum(): operand {i} has {op.dim()} dimension(s), fewer than the {named} "
                    f"subscripts of its term {terms[i]!r}"
                )
            ellipsis_dims = builtins.max(ellipsis_dims, op.dim() - named)
        elif op.dim() != named:
            raise ValueError(
                f"einsum(): the term {terms[i]!r} names {named} dimension(s) but operand {i} has "
                f"{op.dim()} and no '...' was given"
            )
    expanded = []
    for labels, op in zip(parsed, operands):
        if None in labels:
            k = op.dim() - (len(labels) - 1)
            at = labels.index(None)
            fill = [_LETTERS + ellipsis_dims - k + j for j in range(k)]
            labels = labels[:at] + fill + labels[at + 1 :]
        expanded.append(labels)
    ellipsis_labels = [_LETTERS + j for j in range(ellipsis_dims)]

    if arrow:
        out_terms = _parse_term(rhs, len(lhs) + 2)
        output = []
        for lab in out_terms:
            if lab is None:
                output.extend(ellipsis_labels)
                continue
            if lab in output:
                raise ValueError(
                    f"einsum(): output subscript {_name(lab)} appears more than once in the output"
                )
            if not any(lab in labels for labels in expanded):
                raise ValueError(
                    f"einsum(): output subscript {_name(lab)} does not appear in any operand's term"
                )
            output.append(lab)
    else:
        counts = {}
        for labels in expanded:
            for lab in labels:
                counts[lab] = counts.get(lab, 0) + 1
        letters = sorted(lab for lab, n in counts.items() if n == 1 and lab < _LETTERS)
        output = ellipsis_labels + letters

    # Sizes agree or broadcast from 1.
    sizes = {}
    for i, (labels, op) in enumerate(zip(expanded, operands)):
        for lab, n in zip(labels, op.shape):
            seen = sizes.get(lab, 1)
            if n != seen and 1 not in (n, seen) and labels.count(lab) == 1:
                raise ValueError(
                    f"einsum(): subscript {_name(lab)} has size {n} for operand {i}, which does "
                    f"not broadcast with size {seen} of an earlier operand"
                )
            if seen == 1:
                sizes[lab] = n

    tensors = []
    for op, labels in zip(operands, expanded):
        x, labels = _take_diagonals(op, labels)
        tensors.append((x, labels))

    def needed_after(index):
        later = set(output)
        for _, labels in tensors[index + 1 :]:
            later.update(labels)
        return later

    x, labels = tensors[0]
    for index in range(1, len(tensors)):
        y, ylabels = tensors[index]
        keep = needed_after(index)
        y, ylabels = _sum_out(y, ylabels, set(ylabels) - keep - set(labels))
        x, labels = _sum_out(x, labels, set(labels) - keep - set(ylabels))
        x, labels = _contract(x, labels, y, ylabels, keep)
    x, labels = _sum_out(x, labels, set(labels) - set(output))
    # A label of size 1 here that broadcast to a larger size elsewhere cannot remain: every
    # operand holding it was contracted above, so the sizes already agree.
    return x.permute([labels.index(lab) for lab in output]) if output else x.reshape([])
