"""nn.from_spec: the declarative layer_defs form of the convnetjs demos (placeholder until written)."""


def from_spec(layer_defs, input_shape):
    raise NotImplementedError("from_spec: not written yet")
