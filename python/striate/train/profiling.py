"""ProfileSteps: profiles a few training steps of a Trainer run (what `striate train --profile N`
does) and writes the Chrome trace and the top-ops table into a folder; training goes on.

    trainer = Trainer(model, optimizer, loss, callbacks=[ProfileSteps("runs/a", steps=5)])
    trainer.fit(loader, epochs=1)      # runs/a/profile.json and runs/a/profile.txt
"""

import os
import warnings

from .. import profiler
from ..serialization import atomic_write
from .callbacks import Callback

__all__ = ["ProfileSteps"]


class ProfileSteps(Callback):
    """Profiles `steps` optimizer steps after `warmup` steps (the first steps pay for allocations
    and lazy set-up), pausing while validation runs, then writes ``profile.json`` (open it in
    https://ui.perfetto.dev or chrome://tracing) and ``profile.txt`` (the ops by self time, alone
    and per module) into `out_dir`. A window cut short by the end of training is written as it is.
    It keeps no state in checkpoints, so a run resumes with or without it.

    Args:
        out_dir (str or PathLike): Where ``profile.json`` and ``profile.txt`` go.
        steps (int): Optimizer steps to profile.
        warmup (int): Steps to skip first. Default: 2.

    Example:
        >>> data = st.data.TensorDataset(st.randn(32, 4), st.randint(0, 2, (32,)))
        >>> loader = st.data.DataLoader(data, batch_size=16)
        >>> model = nn.Linear(4, 2)
        >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
        ...                            callbacks=[st.train.ProfileSteps(folder, steps=1, warmup=0)])
        >>> _ = trainer.fit(loader, epochs=1)
        profiled 1 training steps: ...profile.txt, ...profile.json
        >>> sorted(os.listdir(folder))
        ['profile.json', 'profile.txt']
    """

    checkpointed = False

    def __init__(self, out_dir, steps, warmup=2):
        for name, value, least in (("steps", steps, 1), ("warmup", warmup, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"ProfileSteps: {name} should be an int >= {least}, got {value!r}")
        self.out_dir = os.fspath(out_dir)
        self.steps = steps
        self.warmup = warmup
        self._profile = None
        self._seen = 0       # training steps since fit began
        self._profiled = 0   # steps inside the profile
        self._done = False

    def on_fit_begin(self, trainer):
        """Resets the step count; starts profiling at once when ``warmup`` is 0.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import tempfile
            >>> folder = tempfile.mkdtemp()
            >>> profile = st.train.ProfileSteps(folder, steps=2, warmup=0)  # from the 1st step
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[profile])
            >>> _ = trainer.fit(loader, epochs=1)
            profiled 2 training steps: ...profile.txt, ...profile.json
        """
        self._seen = 0
        if self.warmup == 0:
            self._start()

    def on_batch_end(self, trainer, batch, logs):
        """Counts the step; starts profiling after ``warmup`` steps, writes it ``steps`` later.

        Args:
            trainer (Trainer): The running trainer.
            batch (int): The batch's index.
            logs (dict): The batch's loss and lr.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import tempfile
            >>> folder = tempfile.mkdtemp()
            >>> profile = st.train.ProfileSteps(folder, steps=1, warmup=3)  # the 4th step
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[profile])
            >>> _ = trainer.fit(loader, epochs=2)
            profiled 1 training steps: ...profile.txt, ...profile.json
        """
        self._seen += 1
        if self._profile is not None:
            self._profiled += 1
            if self._profiled == self.steps:
                self._finish(trainer)
        elif self._seen == self.warmup:
            self._start()

    def on_validation_begin(self, trainer):
        """Pauses the profile during validation.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import os, tempfile
            >>> folder = tempfile.mkdtemp()
            >>> profile = st.train.ProfileSteps(folder, steps=3, warmup=1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[profile])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=2)
            profiled 3 training steps: ...profile.txt, ...profile.json
            >>> sorted(os.listdir(folder))
            ['profile.json', 'profile.txt']
        """
        if self._profile is not None:
            self._profile.pause()

    def on_validation_end(self, trainer):
        """Resumes the profile after validation.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import os, tempfile
            >>> folder = tempfile.mkdtemp()
            >>> profile = st.train.ProfileSteps(folder, steps=2, warmup=1)
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[profile])
            >>> _ = trainer.fit(loader, val_loader=loader, epochs=2)
            profiled 2 training steps: ...profile.txt, ...profile.json
            >>> open(os.path.join(folder, "profile.txt")).readline().split(";")[0]
            'striate profile: 2 training steps, after 1 warm-up steps'
        """
        if self._profile is not None:
            self._profile.resume()

    def on_fit_end(self, trainer):
        """Writes the profile if the run ended inside it.

        Args:
            trainer (Trainer): The running trainer.

        Example:
            >>> data = st.data.TensorDataset(st.randn(8, 4), st.randint(0, 2, (8,)))
            >>> loader = st.data.DataLoader(data, batch_size=4)
            >>> model = nn.Linear(4, 2)
            >>> opt = st.optim.SGD(model.parameters(), lr=0.1)
            >>> import os, tempfile
            >>> folder = tempfile.mkdtemp()
            >>> profile = st.train.ProfileSteps(folder, steps=10, warmup=0)  # more than the run has
            >>> trainer = st.train.Trainer(model, opt, F.cross_entropy, progress="none",
            ...                            callbacks=[profile])
            >>> _ = trainer.fit(loader, epochs=1)
            profiled 2 training steps: ...profile.txt, ...profile.json
            >>> open(os.path.join(folder, "profile.txt")).readline().split(",")[0]
            'striate profile: 10 training steps (training ended after 2)'
        """
        if self._profile is not None:
            self._finish(trainer)

    def _start(self):
        if self._done:
            return
        try:
            self._profile = profiler.profile().start()
        except RuntimeError as error:  # the caller is profiling the whole run already
            warnings.warn(f"ProfileSteps: not profiling ({error})", RuntimeWarning, stacklevel=2)
            self._done = True
            return
        self._profiled = 0

    def _finish(self, trainer):
        prof, self._profile, self._done = self._profile, None, True
        prof.stop()
        os.makedirs(self.out_dir, exist_ok=True)
        trace = os.path.join(self.out_dir, "profile.json")
        table = os.path.join(self.out_dir, "profile.txt")
        prof.export_chrome_trace(trace)
        cut = "" if self._profiled == self.steps else f" (training ended after {self._profiled})"
        text = (f"striate profile: {self.steps} training steps{cut}, after {self.warmup} warm-up "
                f"steps; the Chrome trace is {os.path.basename(trace)}\n\n"
                f"ops by self time:\n{prof.table(sort_by='self_time', row_limit=25)}\n"
                f"ops per module by self time:\n"
                f"{prof.table(sort_by='self_time', row_limit=25, group_by_module=True)}")
        atomic_write(table, lambda f: f.write(text.encode()))
        trainer._print(f"profiled {self._profiled} training steps: {table}, {trace}")
