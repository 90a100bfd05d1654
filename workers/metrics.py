"""Prometheus metrics of a worker process, labelled by stage (several stages may share a process)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from prometheus_client import CollectorRegistry, Counter, Histogram


@dataclass(frozen=True)
class StageMetrics:
    """The counters and histogram every stage updates."""

    registry: CollectorRegistry
    messages_in: Counter
    messages_out: Counter
    dead_lettered: Counter
    processing_seconds: Histogram


@lru_cache(maxsize=1)
def stage_metrics() -> StageMetrics:
    """This process's metrics (created on first use, not at import)."""
    registry = CollectorRegistry()
    return StageMetrics(
        registry=registry,
        messages_in=Counter("frontwire_messages_in", "Messages consumed", ["stage"], registry=registry),
        messages_out=Counter("frontwire_messages_out", "Messages produced", ["stage", "topic"], registry=registry),
        dead_lettered=Counter("frontwire_dead_lettered", "Messages sent to the dead-letter topic",
                              ["stage", "reason"], registry=registry),
        processing_seconds=Histogram("frontwire_processing_seconds", "Time to process one message",
                                     ["stage"], registry=registry,
                                     buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)),
    )
