"""Read topics by explicit partitions: end offsets, and the messages between two offset snapshots."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.kafka.connection import aiokafka_kwargs
from workers.settings import Settings
from workers.topics import TopicSpec


async def stop_consumer(consumer: AIOKafkaConsumer) -> None:
    """Stop a consumer; aiokafka raises CancelledError when one is stopped right after it started."""
    try:
        await consumer.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


async def true_end_offsets(consumer: AIOKafkaConsumer, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """End offsets that are right even where ListOffsets is not.

    The embedded Tansu 0.6 answers ListOffsets(latest) with the base offset of the last record
    batch plus one, so a batch of ten records reads as one (measured). The records are all there
    and a fetch reports the true high watermark, so: start from the listed end minus one, read
    to the end, and take the position. On Apache Kafka this reads at most one record per partition.
    """
    listed = await consumer.end_offsets(partitions)
    consumer.assign(partitions)
    for tp in partitions:
        consumer.seek(tp, max(int(listed[tp]) - 1, 0))
    ends: dict[TopicPartition, int] = {}
    pending = {tp for tp in partitions if int(listed[tp]) > 0}
    for tp in partitions:
        if tp not in pending:
            ends[tp] = 0
    while pending:
        await consumer.getmany(*pending, timeout_ms=50, max_records=10_000)
        for tp in list(pending):
            highwater = consumer.highwater(tp)
            position = await consumer.position(tp)
            if highwater is not None and position >= highwater:
                ends[tp] = position
                pending.discard(tp)
    return ends


async def end_offsets(settings: Settings, bootstrap: str, spec: TopicSpec) -> dict[int, int]:
    """End offset of every partition of a topic."""
    consumer = AIOKafkaConsumer(**aiokafka_kwargs(settings, bootstrap), enable_auto_commit=False,
                                fetch_max_wait_ms=50)
    await consumer.start()
    try:
        parts = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
        ends = await true_end_offsets(consumer, parts)
        return {tp.partition: off for tp, off in ends.items()}
    finally:
        await stop_consumer(consumer)


async def read_range(settings: Settings, bootstrap: str, spec: TopicSpec, start: dict[int, int],
                     end: dict[int, int]) -> list[tuple[bytes | None, bytes]]:
    """Messages of `spec` from `start` (inclusive) to `end` (exclusive) offsets, partition by partition."""
    todo = {p: (start.get(p, 0), e) for p, e in end.items() if e > start.get(p, 0)}
    if not todo:
        return []
    out: list[tuple[bytes | None, bytes]] = []
    consumer = AIOKafkaConsumer(**aiokafka_kwargs(settings, bootstrap), enable_auto_commit=False,
                                fetch_max_wait_ms=50)
    await consumer.start()
    try:
        parts = [TopicPartition(spec.name, p) for p in todo]
        consumer.assign(parts)
        for tp in parts:
            consumer.seek(tp, todo[tp.partition][0])
        remaining = set(parts)
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for tp, messages in batch.items():
                out.extend((m.key, m.value) for m in messages if m.offset < todo[tp.partition][1])
            for tp in list(remaining):
                if await consumer.position(tp) >= todo[tp.partition][1]:
                    remaining.discard(tp)
    finally:
        await stop_consumer(consumer)
    return out
