"""striate.summary(model, input_shape): a per-layer table of a model (placeholder until written)."""


def summary(model, input_shape, batch_size=1):
    raise NotImplementedError("summary: not written yet")
