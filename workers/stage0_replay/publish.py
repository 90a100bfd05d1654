"""Publish a replay directory to the raw topic, paced, with progress and a final count."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import orjson
from aiokafka import AIOKafkaProducer

from workers.binder import Incoming, dead_letter_for
from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.records import DeadLetter, Rejection
from workers.render import safe
from workers.settings import Settings
from workers.stage0_replay.core import REPLAY_STAGE, ReplayItem, Skipped, read_replay_dir
from workers.timeutil import utc_now_iso
from workers.topics import load_topics

log = logging.getLogger(__name__)


@dataclass
class ReplayReport:
    """What a replay did."""

    published: list[str] = field(default_factory=list)  # article keys, in publish order
    skipped: list[Skipped] = field(default_factory=list)  # each logged once and dead-lettered (stage replay)

    def summary(self) -> str:
        """One line: what was published and skipped (each skip was logged once when it happened)."""
        line = f"published {len(self.published)} article(s), skipped {len(self.skipped)}"
        if self.skipped:
            codes = Counter(s.code for s in self.skipped)
            line += (" (" + ", ".join(f"{code} {n}" for code, n in sorted(codes.items())) + "; dead-lettered: "
                     "`frontwire dlq list --stage replay`)")
        return line


def dead_letter_of(skipped: Skipped) -> DeadLetter:
    """The dead letter of a file or line replay rejected: stage `replay`, its reason, and its content if read.

    The key is where it came from (file name, or `file.jsonl:LINE`); it came from no topic.
    """
    record = dead_letter_for(REPLAY_STAGE, Incoming(None, None, None, skipped.origin.encode("utf-8"),
                                                    skipped.content or b""),
                             Rejection(skipped.code, skipped.reason))
    if skipped.content is None:  # not read: a link, an oversize or unreadable file
        record = replace(record, payload=None, payload_base64=None, payload_truncated=skipped.oversize)
    return record


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
    follow_symlinks: bool = False,
) -> ReplayReport:
    """Publish every article of `directory` to `topic` in lexical order.

    `rate` paces articles per second; `after_each` (if given) is awaited after each article is
    acknowledged, e.g. to wait until the pipeline has consumed it. Every file or line rejected is
    logged once and sent to the dead-letter topic (stage `replay`).
    """
    report = ReplayReport()
    deadletter = load_topics(settings.topics_file, settings.topic_prefix)["deadletter"].name
    items = list(read_replay_dir(directory, settings.max_message_bytes, follow_symlinks=follow_symlinks))
    async with started(make_producer(settings, bootstrap)) as producer:
        started_at = time.monotonic()
        for item in items:
            if isinstance(item, Skipped):
                report.skipped.append(item)
                record = dead_letter_of(item)
                await producer.send_and_wait(deadletter, orjson.dumps(record.to_dict()),
                                             key=item.origin.encode("utf-8"))
                log.warning(f"skipped {safe(item.origin, 200)}: {item.reason}",
                            extra={"stage": REPLAY_STAGE, "file": item.origin, "reason": item.code,
                                   "detail": item.reason})
            else:
                if rate:
                    due = started_at + len(report.published) / rate
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
    return report
