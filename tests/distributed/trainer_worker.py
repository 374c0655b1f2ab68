"""Run under mpirun by tests/test_distributed.py: Trainer(distributed=True) on a small synthetic
problem; rank 0 alone prints and writes; the checkpoint it writes loads into one process."""

import os
import sys

import numpy as np
import striate as st
import striate.distributed as dist
from striate.train import CSVLogger, ModelCheckpoint, Trainer

out = sys.argv[1]
dist.init_process_group("mpi")
rank, world = dist.get_rank(), dist.get_world_size()
st.manual_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((96, 8)).astype(np.float32)
y = (x[:, 0] > 0).astype(np.int64)
train = st.data.TensorDataset(st.tensor(x), st.tensor(y))
loader = st.data.DataLoader(
    train, batch_size=8, sampler=st.data.DistributedSampler(train, shuffle=True, seed=1)
)
model = st.nn.Sequential(st.nn.Linear(8, 16), st.nn.ReLU(), st.nn.Linear(16, 2))
trainer = Trainer(
    model,
    st.optim.SGD(model.parameters(), lr=0.1),
    st.nn.CrossEntropyLoss(),
    callbacks=[
        ModelCheckpoint(out, monitor="val_accuracy"),
        CSVLogger(os.path.join(out, f"history{rank}.csv")),
    ],
    progress="log",
    distributed=True,
)
history = trainer.fit(loader, st.data.DataLoader(train, batch_size=32), epochs=3)
# Each rank's final metrics go to a file of its own (beside the run folder, which only rank 0
# writes): on the shared stdout a rank's line could land inside rank 0's log lines, which print()
# writes as text and newline apart.
with open(f"{out}.final{rank}", "w") as f:
    f.write(
        f"{len(loader)} batches, val_accuracy {history[-1]['val_accuracy']:.4f}, "
        f"count-weighted train_loss {history[-1]['train_loss']:.6f}\n"
    )
dist.destroy_process_group()
