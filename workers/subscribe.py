"""Alert subscribers: read the alerts topic from a chosen start, follow it or stop at its end, print each alert.

The tail assigns every partition of the alerts topic itself (no consumer group, nothing committed).
It starts at the oldest retained alert, at the end, at an offset, or at the first alert sent at or
after a time, and `exit_at_end` stops once every partition has been read to the end it had when the
tail started. That end is the true one: the embedded broker's ListOffsets can be short by the tail of
the last record batch, so the high watermark a fetch reports counts too (`workers.kafka.reading`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, TextIO

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.kafka.reading import FETCH_WAIT_MS, true_end_offsets
from workers.render import alert_block
from workers.settings import Settings
from workers.timeutil import parse_time
from workers.topics import load_topics


@dataclass(frozen=True)
class StartAt:
    """Where a tail starts on each partition: `beginning`, `end`, an `offset`, or the first alert at or after `since`."""

    where: str = "end"  # beginning | end | offset | since
    offset: int = 0
    since_ms: int = 0


def parse_offset(text: str) -> StartAt:
    """`--offset N|beginning|end` as a start; ValueError for anything else."""
    if text in ("beginning", "end"):
        return StartAt(text)
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"--offset takes a number, beginning or end, not {text!r}") from None
    if value < 0:
        raise ValueError(f"--offset takes an offset of 0 or more, not {value}")
    return StartAt("offset", offset=value)


def parse_since(text: str) -> StartAt:
    """`--since TIME` (ISO 8601, e.g. 2022-09-10T18:00:00Z or 2022-09-10) as a start; ValueError otherwise."""
    try:
        moment = parse_time(text)
    except ValueError:
        raise ValueError(f"--since takes an ISO 8601 time such as 2022-09-10T18:00:00Z, not {text!r}") from None
    return StartAt("since", since_ms=int(moment.timestamp() * 1000))


def matches(key: bytes | None, value: bytes, settlement: int | None) -> bool:
    """Whether an alert message is about `settlement` (None: every alert); keys are settlement ids."""
    if settlement is None:
        return True
    if key is not None and key.decode("utf-8", "replace") == str(settlement):
        return True
    try:
        doc = orjson.loads(value)
        return int(doc["settlement"]["id"]) == settlement
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return False


def render(message: Any, json_out: bool) -> str:
    """One alert as printed: the topic's message verbatim (`json_out`) or a block for a person."""
    if json_out:
        return message.value.decode("utf-8", "replace") + "\n"
    try:
        return alert_block(orjson.loads(message.value)) + "\n\n"
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        return f"(unreadable alert at partition {message.partition} offset {message.offset}: {exc})\n"


async def _positions(consumer: AIOKafkaConsumer, parts: list[TopicPartition], start: StartAt,
                     ends: dict[TopicPartition, int]) -> dict[TopicPartition, int]:
    if start.where == "beginning":
        firsts = await consumer.beginning_offsets(parts)
        return {tp: int(firsts[tp]) for tp in parts}
    if start.where == "offset":
        return {tp: min(start.offset, ends[tp]) for tp in parts}
    if start.where == "since":
        try:
            found = await consumer.offsets_for_times({tp: start.since_ms for tp in parts})
        except Exception:  # noqa: BLE001 - a broker without the lookup: read from the start, filter by time
            firsts = await consumer.beginning_offsets(parts)
            return {tp: int(firsts[tp]) for tp in parts}
        return {tp: (found[tp].offset if found.get(tp) is not None else ends[tp]) for tp in parts}
    return dict(ends)


async def tail_alerts(settings: Settings, bootstrap: str, *, json_out: bool, start: StartAt = StartAt(),
                      exit_at_end: bool = False, settlement: int | None = None, out: TextIO | None = None) -> int:
    """Print alerts from `start`; follow the topic until cancelled, or stop at its end (`exit_at_end`).

    Returns how many alerts were printed.
    """
    out = out or sys.stdout
    spec = load_topics(settings.topics_file, settings.topic_prefix)["alerts"]
    parts = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
    consumer = AIOKafkaConsumer(**aiokafka_kwargs(settings, bootstrap), group_id=None, enable_auto_commit=False,
                                fetch_max_wait_ms=FETCH_WAIT_MS if exit_at_end else 500,
                                max_partition_fetch_bytes=settings.max_message_bytes + 1024 * 1024)
    printed = 0
    async with started(consumer):
        ends = await true_end_offsets(consumer, parts)  # assigns every partition
        for tp, offset in (await _positions(consumer, parts, start, ends)).items():
            consumer.seek(tp, offset)
        todo = {tp for tp in parts if not exit_at_end or await consumer.position(tp) < ends[tp]}
        while todo:
            batch = await consumer.getmany(*todo, timeout_ms=1000)
            for tp, messages in batch.items():
                for message in messages:
                    if exit_at_end and message.offset >= ends[tp]:
                        continue
                    if start.where == "since" and message.timestamp < start.since_ms:
                        continue
                    if not matches(message.key, message.value, settlement):
                        continue
                    out.write(render(message, json_out))
                    printed += 1
                out.flush()
            if exit_at_end:
                todo = {tp for tp in todo if await consumer.position(tp) < ends[tp]}
    return printed
