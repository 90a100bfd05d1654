"""Consumer lag with explicit partitions: end offset minus committed offset, per group and partition."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.kafka.connection import aiokafka_kwargs
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

    async def start(self) -> "LagProbe":
        for group in {g for g, _ in self._reads}:
            consumer = AIOKafkaConsumer(**self._kwargs, group_id=group, enable_auto_commit=False)
            await consumer.start()
            self._consumers[group] = consumer
        return self

    async def stop(self) -> None:
        consumers, self._consumers = self._consumers, {}
        for consumer in consumers.values():
            await consumer.stop()

    async def __aenter__(self) -> "LagProbe":
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def lags(self) -> list[PartitionLag]:
        """Lag of every declared (group, topic) pair on every partition."""
        out: list[PartitionLag] = []
        for group, spec in self._reads:
            consumer = self._consumers[group]
            partitions = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
            ends = await consumer.end_offsets(partitions)
            for tp in partitions:
                committed = await consumer.committed(tp)
                out.append(PartitionLag(group, tp.topic, tp.partition, int(ends.get(tp, 0)), int(committed or 0)))
        return out

    async def total(self) -> int:
        return sum(p.lag for p in await self.lags())

    async def wait_drained(self, timeout_s: float, poll_s: float = 0.05, settle_polls: int = 2) -> bool:
        """Wait until total lag is zero on `settle_polls` consecutive polls; False on timeout."""
        deadline = time.monotonic() + timeout_s
        zero_in_a_row = 0
        while time.monotonic() < deadline:
            if await self.total() == 0:
                zero_in_a_row += 1
                if zero_in_a_row >= settle_polls:
                    return True
            else:
                zero_in_a_row = 0
            await asyncio.sleep(poll_s)
        return False
