"""Consumer lag with explicit partitions: end offset minus committed offset, per group and partition."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reading import stop_consumer, true_end_offsets
from workers.settings import Settings
from workers.topics import TopicSpec


@dataclass(frozen=True)
class PartitionLag:
    """Lag of one consumer group on one partition."""

    group: str
    topic: str
    partition: int
    end: int
    committed: int

    @property
    def lag(self) -> int:
        return max(self.end - self.committed, 0)


class LagProbe:
    """Reads end offsets and committed offsets for a fixed set of (group, topic) pairs."""

    def __init__(self, settings: Settings, bootstrap: str, reads: list[tuple[str, TopicSpec]]) -> None:
        self._kwargs = aiokafka_kwargs(settings, bootstrap)
        self._reads = reads
        self._consumers: dict[str, AIOKafkaConsumer] = {}
        self._ends: AIOKafkaConsumer | None = None

    async def start(self) -> "LagProbe":
        """Start one consumer per group and one for end offsets; on failure, close every one and re-raise."""
        try:
            for group in {g for g, _ in self._reads}:
                consumer = AIOKafkaConsumer(**self._kwargs, group_id=group, enable_auto_commit=False)
                self._consumers[group] = consumer
                await consumer.start()
            self._ends = AIOKafkaConsumer(**self._kwargs, enable_auto_commit=False, fetch_max_wait_ms=50)
            await self._ends.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def stop(self) -> None:
        consumers, self._consumers = self._consumers, {}
        if self._ends is not None:
            consumers["(end offsets)"], self._ends = self._ends, None
        for consumer in consumers.values():
            await stop_consumer(consumer)

    async def __aenter__(self) -> "LagProbe":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def lags(self) -> list[PartitionLag]:
        """Lag of every declared (group, topic) pair on every partition."""
        if self._ends is None:
            raise RuntimeError("LagProbe.lags() before start()")
        out: list[PartitionLag] = []
        all_partitions = sorted({TopicPartition(spec.name, p) for _, spec in self._reads for p in range(spec.partitions)})
        ends = await true_end_offsets(self._ends, all_partitions)
        for group, spec in self._reads:
            consumer = self._consumers[group]
            partitions = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
            for tp in partitions:
                committed = await consumer.committed(tp)
                out.append(PartitionLag(group, tp.topic, tp.partition, int(ends.get(tp, 0)), int(committed or 0)))
        return out

    async def total(self) -> int:
        return sum(p.lag for p in await self.lags())

    async def wait_drained(self, timeout_s: float, poll_s: float = 0.05, settle_polls: int = 2,
                           alive: Callable[[], bool] | None = None) -> bool:
        """Wait until total lag is zero on `settle_polls` consecutive polls.

        False on timeout, or as soon as `alive()` says the consumers being waited for are gone.
        """
        deadline = time.monotonic() + timeout_s
        zero_in_a_row = 0
        while time.monotonic() < deadline:
            if alive is not None and not alive():
                return False
            if await self.total() == 0:
                zero_in_a_row += 1
                if zero_in_a_row >= settle_polls:
                    return True
            else:
                zero_in_a_row = 0
            await asyncio.sleep(poll_s)
        return False
