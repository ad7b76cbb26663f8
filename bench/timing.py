"""What every benchmark prints with and times with."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def say(text: str) -> None:
    print(text, flush=True)


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` calls of ``fn``, in seconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
