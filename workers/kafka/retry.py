"""Waiting out a broker that blinked: backoff delays, and which client errors are worth another try."""

from __future__ import annotations

from typing import Iterator

from aiokafka.errors import KafkaError, KafkaTimeoutError

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 5.0


def backoff_delays(first_s: float = FIRST_DELAY_S, cap_s: float = MAX_DELAY_S) -> Iterator[float]:
    """0.5, 1, 2, 4, 5, 5, … seconds: doubling from `first_s`, capped at `cap_s`."""
    delay = first_s
    while True:
        yield min(delay, cap_s)
        delay = min(delay * 2.0, cap_s)


def is_transient(exc: BaseException) -> bool:
    """True for a client error that the same request may not meet again: the broker, not the message.

    aiokafka marks those `retriable` (a leader moving, a request or connection timing out); its
    KafkaTimeoutError (no metadata or buffer space in time: the broker is away) is not marked so,
    yet it says nothing about the message either.
    """
    return isinstance(exc, KafkaError) and (bool(exc.retriable) or isinstance(exc, KafkaTimeoutError))
