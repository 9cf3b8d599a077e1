"""Kill a child process with SIGKILL at random moments of its work, again and again (the kill -9
tests of the conversion to encryption, the backup and the restore)."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from collections.abc import Callable

#: Kills each loop must reach (the issue asks for at least 20).
KILLS = 20


def kill_loop(
    argv: list[str], reset: Callable[[], None], check: Callable[[], None], seed: int
) -> int:
    """Run ``argv`` until it was killed ``KILLS`` times at uniform random moments of one run's time
    (the first run is timed, not killed; a run that ends before its kill times the next ones,
    as the machine's load changes; at most 60 runs); ``check`` after each."""
    rng = random.Random(seed)
    took: float | None = None
    kills = 0
    for _ in range(3 * KILLS):
        if kills == KILLS:
            break
        reset()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout is not None and proc.stdout.readline() == b"ready\n"
        started = time.perf_counter()
        if took is None:  # the first run is timed, not killed
            assert proc.wait() == 0
            took = time.perf_counter() - started
        else:
            time.sleep(rng.uniform(0.0, 0.95) * took)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        elif took is not None:  # it was quicker than the kill: this run's time is the new scale
            took = min(took, time.perf_counter() - started)
        proc.wait()
        check()
    return kills
