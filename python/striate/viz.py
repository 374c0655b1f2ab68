"""striate.viz: drawing networks (placeholder until written)."""


def graph(model, input_shape, path):
    raise NotImplementedError("viz.graph: not written yet")
