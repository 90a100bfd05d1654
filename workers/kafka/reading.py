"""Read topics by explicit partitions: end offsets, reads to the true end, and the messages between two offset snapshots."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.structs import ConsumerRecord

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.settings import Settings
from workers.topics import TopicSpec

FETCH_WAIT_MS = 50  # how long the broker may hold a fetch that finds nothing (reads here are short)


async def stop_consumer(consumer: AIOKafkaConsumer) -> None:
    """Stop a consumer; aiokafka raises CancelledError when one is stopped right after it started."""
    try:
        await consumer.stop()
    except asyncio.CancelledError:
        task = asyncio.current_task()
        if task is not None and task.cancelling():
            raise


def reader(settings: Settings, bootstrap: str) -> AIOKafkaConsumer:
    """A group-less consumer for reading by explicit partitions, with short fetch waits."""
    return AIOKafkaConsumer(**aiokafka_kwargs(settings, bootstrap), group_id=None, enable_auto_commit=False,
                            fetch_max_wait_ms=FETCH_WAIT_MS,
                            max_partition_fetch_bytes=settings.max_message_bytes + 1024 * 1024)


async def read_to_end(consumer: AIOKafkaConsumer, parts: list[TopicPartition],
                      on_message: Callable[[ConsumerRecord], None], idle_ms: int = 200,
                      timeout_s: float = 60.0) -> None:
    """Read `parts` (already assigned and positioned) until a fetch finds nothing more on any of them.

    Raises asyncio.TimeoutError after `timeout_s` without getting there, rather than wait forever.
    """
    deadline = time.monotonic() + timeout_s
    listed = await consumer.end_offsets(parts)
    while time.monotonic() < deadline:
        batch = await consumer.getmany(*parts, timeout_ms=idle_ms)
        for messages in batch.values():
            for message in messages:
                on_message(message)
        if batch:
            continue
        positions = {tp: await consumer.position(tp) for tp in parts}
        if all(positions[tp] >= max(listed[tp], consumer.highwater(tp) or 0) for tp in parts):
            return
    raise asyncio.TimeoutError(f"could not read {len(parts)} partition(s) to their end in {timeout_s:.0f}s")


async def true_end_offsets(consumer: AIOKafkaConsumer, partitions: list[TopicPartition],
                           timeout_s: float = 5.0) -> dict[TopicPartition, int]:
    """End offsets that are right even where ListOffsets is not; `consumer` is assigned to `partitions`.

    The embedded Tansu 0.6 answers ListOffsets(latest) with the base offset of the last record
    batch plus one, so a batch of ten records reads as one (measured); a fetch reports the true high
    watermark. So: fetch one record from the listed end of each partition and take the larger of the
    two. On Apache Kafka the fetch finds nothing and confirms the listed end. A partition whose fetch
    does not answer within `timeout_s` keeps its listed end.
    """
    if not partitions:
        return {}
    listed = await consumer.end_offsets(partitions)
    consumer.assign(partitions)
    for tp in partitions:
        consumer.seek(tp, listed[tp])
    ends = {tp: int(listed[tp]) for tp in partitions}
    unknown = set(partitions)
    deadline = time.monotonic() + timeout_s
    while unknown and time.monotonic() < deadline:
        await consumer.getmany(*unknown, timeout_ms=FETCH_WAIT_MS * 2, max_records=1)
        for tp in list(unknown):
            high = consumer.highwater(tp)
            if high is not None:
                ends[tp] = max(ends[tp], int(high))
                unknown.discard(tp)
    return ends


async def fetch_highwaters(kwargs: dict[str, Any], partitions: list[TopicPartition],
                           timeout_s: float = 5.0) -> dict[TopicPartition, int]:
    """`true_end_offsets` with a throw-away consumer built from aiokafka client arguments."""
    if not partitions:
        return {}
    consumer = AIOKafkaConsumer(**kwargs, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=FETCH_WAIT_MS)
    async with started(consumer):
        return await true_end_offsets(consumer, partitions, timeout_s)


async def end_offsets(settings: Settings, bootstrap: str, spec: TopicSpec) -> dict[int, int]:
    """End offset of every partition of a topic."""
    parts = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
    ends = await fetch_highwaters(aiokafka_kwargs(settings, bootstrap), parts)
    return {tp.partition: off for tp, off in ends.items()}


async def read_range(settings: Settings, bootstrap: str, spec: TopicSpec, start: dict[int, int],
                     end: dict[int, int]) -> list[tuple[bytes | None, bytes]]:
    """Messages of `spec` from `start` (inclusive) to `end` (exclusive) offsets, partition by partition."""
    todo = {p: (start.get(p, 0), e) for p, e in end.items() if e > start.get(p, 0)}
    if not todo:
        return []
    out: list[tuple[bytes | None, bytes]] = []
    consumer = AIOKafkaConsumer(**aiokafka_kwargs(settings, bootstrap), enable_auto_commit=False,
                                fetch_max_wait_ms=FETCH_WAIT_MS)
    async with started(consumer):
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
    return out
