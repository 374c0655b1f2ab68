"""The RSS soak as a test: 10,000 LeNet-5 training steps (batch 4, the bundled Fashion-MNIST
sample through a DataLoader) in a child process, whose resident set size (VmRSS of
/proc/self/status) may grow less than 5% from the end of a 1,000-step warm-up to the end. A leak of
one small tensor per step (a 28x28 image: 3 KiB) would add about 30 MB, well past 5% of the
process. The child is tests/stress/soak_rss.py (runnable by hand with other step counts)."""

import json
import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).with_name("soak_rss.py")


def test_rss_stays_flat_over_ten_thousand_lenet5_steps():
    child = subprocess.run([sys.executable, str(SOAK), "--steps", "10000", "--batch", "4",
                            "--warmup", "1000"], capture_output=True, text=True, timeout=1800,
                           check=False)
    assert child.returncode == 0, child.stderr[-3000:]
    result = json.loads(child.stdout.splitlines()[-1])
    assert result["steps"] == 10000
    warm, final = result["warm_kib"], result["final_kib"]
    growth = (final - warm) / warm
    print(f"RSS after warm-up {warm / 1024:.1f} MiB, after 10,000 steps {final / 1024:.1f} MiB "
          f"({growth:+.2%}); samples {result['samples']}")
    assert growth < 0.05, f"RSS grew {growth:.2%}: {result['samples']}"
    # The steps trained (a soak of a model that did nothing would prove less).
    assert result["last_loss"] < result["first_loss"]
