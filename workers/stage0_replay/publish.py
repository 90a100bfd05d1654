"""Publish a replay directory to the raw topic, paced, with progress and a final count."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import orjson
from aiokafka import AIOKafkaProducer

from workers.kafka.connection import aiokafka_kwargs
from workers.settings import Settings
from workers.stage0_replay.core import ReplayItem, Skipped, read_replay_dir
from workers.timeutil import utc_now_iso

log = logging.getLogger(__name__)


@dataclass
class ReplayReport:
    """What a replay did."""

    published: list[str] = field(default_factory=list)  # article keys, in publish order
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"published {len(self.published)} article(s), skipped {len(self.skipped)}"]
        lines += [f"  skipped {s.origin}: {s.reason}" for s in self.skipped]
        return "\n".join(lines)


def make_producer(settings: Settings, bootstrap: str) -> AIOKafkaProducer:
    """A producer for raw articles: acks=all, no idempotence (the embedded broker lacks it)."""
    return AIOKafkaProducer(
        **aiokafka_kwargs(settings, bootstrap),
        acks="all",
        enable_idempotence=False,
        max_request_size=settings.max_message_bytes,
        linger_ms=5,
    )


async def send_raw(producer: AIOKafkaProducer, topic: str, key: bytes, value: dict[str, Any]) -> Any:
    """Send one raw article (stamped with `ingested_at` unless it has one) and wait for the broker's ack."""
    message = dict(value)
    message.setdefault("ingested_at", utc_now_iso())
    return await producer.send_and_wait(topic, orjson.dumps(message), key=key)


async def replay_directory(
    settings: Settings,
    bootstrap: str,
    topic: str,
    directory: Path,
    *,
    rate: float | None = None,
    on_item: Callable[[ReplayItem | Skipped], None] | None = None,
    after_each: Callable[[ReplayItem], "asyncio.Future[None] | None"] | None = None,
) -> ReplayReport:
    """Publish every article of `directory` to `topic` in lexical order.

    `rate` paces articles per second; `after_each` (if given) is awaited after each article is
    acknowledged, e.g. to wait until the pipeline has consumed it.
    """
    report = ReplayReport()
    items = list(read_replay_dir(directory, settings.max_message_bytes))
    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        started = time.monotonic()
        for item in items:
            if isinstance(item, Skipped):
                report.skipped.append(item)
                if item.warn:
                    log.warning("replay skipped a file", extra={"file": item.origin, "reason": item.reason})
            else:
                if rate:
                    due = started + len(report.published) / rate
                    delay = due - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                await send_raw(producer, topic, item.key, item.value)
                report.published.append(item.key.decode())
                if after_each is not None:
                    waiting = after_each(item)
                    if waiting is not None:
                        await waiting
            if on_item is not None:
                on_item(item)
    finally:
        await producer.stop()
    return report
