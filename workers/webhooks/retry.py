"""When to try a webhook delivery again: exponential backoff, bounded."""

from __future__ import annotations

from itertools import islice

from workers.kafka.retry import backoff_delays as doubling_delays

MAX_BACKOFF_S = 60.0


def backoff_delays(attempts: int, first_s: float, cap_s: float = MAX_BACKOFF_S) -> list[float]:
    """The waits before the 2nd, 3rd, ... try of `attempts` tries: first_s, then doubled each time, at most cap_s."""
    return list(islice(doubling_delays(first_s, cap_s), max(0, attempts - 1)))

