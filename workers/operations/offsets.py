"""Lag and whole-topic reads for operator commands, to the true end of each partition.

End offsets come from `workers.kafka.reading.true_end_offsets`: ListOffsets on the embedded Tansu
can be short by the tail of the last record batch, so a lag of zero could hide unprocessed records
and a read up to it could miss the last messages.
"""

from __future__ import annotations

from typing import Callable

from aiokafka import TopicPartition
from aiokafka.structs import ConsumerRecord

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.lag import LagProbe, PartitionLag
from workers.kafka.reach import started
from workers.kafka.reading import fetch_highwaters, read_to_end, reader
from workers.settings import Settings
from workers.topics import TopicSpec


async def true_end_offsets(settings: Settings, bootstrap: str, specs: list[TopicSpec],
                           timeout_s: float = 5.0) -> dict[tuple[str, int], int]:
    """(topic, partition) -> end offset, counting the last batch's records (see the module doc)."""
    parts = [TopicPartition(s.name, p) for s in specs for p in range(s.partitions)]
    ends = await fetch_highwaters(aiokafka_kwargs(settings, bootstrap), parts, timeout_s)
    return {(tp.topic, tp.partition): end for tp, end in ends.items()}


async def true_lags(settings: Settings, bootstrap: str, reads: list[tuple[str, TopicSpec]]) -> list[PartitionLag]:
    """Lag of each (group, topic) pair per partition: true end offset minus committed offset."""
    async with LagProbe(settings, bootstrap, reads) as probe:
        return await probe.lags()


async def wait_drained(settings: Settings, bootstrap: str, reads: list[tuple[str, TopicSpec]], timeout_s: float,
                       settle_polls: int = 2, poll_s: float = 0.2,
                       alive: Callable[[], bool] | None = None) -> bool:
    """Wait until every group has committed every record (true ends) on `settle_polls` polls in a row.

    False on timeout or once `alive()` is false; `alive` may also raise to say why it stopped.
    """
    async with LagProbe(settings, bootstrap, reads) as probe:
        return await probe.wait_drained(timeout_s, poll_s=poll_s, settle_polls=settle_polls, alive=alive)


async def read_topic(settings: Settings, bootstrap: str, spec: TopicSpec) -> list[ConsumerRecord]:
    """Every retained message of a topic, to its true end, partition by partition in offset order."""
    out: list[ConsumerRecord] = []
    async with started(reader(settings, bootstrap)) as consumer:
        parts = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        await read_to_end(consumer, parts, out.append)
    out.sort(key=lambda m: (m.partition, m.offset))
    return out
