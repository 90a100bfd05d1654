"""Follow the status and alerts topics into a BoardState: read both from their start, then keep reading."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.board.state import BoardState, FeedItem
from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.reach import started
from workers.kafka.reading import true_end_offsets
from workers.settings import Settings
from workers.topics import TopicSpec

log = logging.getLogger(__name__)


def _decode(value: bytes | None) -> dict[str, Any] | None:
    if value is None:
        return None
    doc = orjson.loads(value)
    return doc if isinstance(doc, dict) else None


class Follower:
    """Reads the status topic (compacted: every settlement's current status) and the alerts topic from
    their start, applies every record to `state`, and calls `on_alert` / `on_status` for each one.

    `ready` is set once everything that was on both topics when it started has been applied.
    """

    def __init__(self, settings: Settings, bootstrap: str, status: TopicSpec, alerts: TopicSpec,
                 state: BoardState, on_alert: Callable[[FeedItem], None] | None = None,
                 on_status: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.settings, self.bootstrap = settings, bootstrap
        self.status, self.alerts = status, alerts
        self.state = state
        self.on_alert, self.on_status = on_alert, on_status
        self.ready = asyncio.Event()
        self.skipped = 0  # records that were not JSON objects of the expected shape

    def _partitions(self) -> list[TopicPartition]:
        return ([TopicPartition(self.status.name, p) for p in range(self.status.partitions)]
                + [TopicPartition(self.alerts.name, p) for p in range(self.alerts.partitions)])

    def _apply(self, tp: TopicPartition, key: bytes | None, value: bytes | None) -> None:
        try:
            doc = _decode(value)
            if tp.topic == self.status.name:
                self.state.apply_status(key, doc)
                if doc is not None and self.on_status:
                    self.on_status(doc)
            elif doc is not None:
                item = self.state.apply_alert(doc)
                if self.on_alert:
                    self.on_alert(item)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            self.skipped += 1
            log.warning("board skipped an unreadable record", extra={"topic": tp.topic, "partition": tp.partition,
                                                                     "error": str(exc)})

    async def run(self) -> None:
        """Follow until cancelled."""
        parts = self._partitions()
        consumer = AIOKafkaConsumer(**aiokafka_kwargs(self.settings, self.bootstrap), group_id=None,
                                    enable_auto_commit=False, fetch_max_wait_ms=self.settings.fetch_max_wait_ms)
        async with started(consumer):
            ends = await true_end_offsets(consumer, parts)  # assigns every partition
            await consumer.seek_to_beginning(*parts)
            behind = {tp for tp in parts if ends.get(tp, 0) > 0}
            if not behind:
                self.ready.set()
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=2000)
                for tp, records in batches.items():
                    for record in records:
                        self._apply(tp, record.key, record.value)
                if behind:
                    for tp in list(behind):
                        if await consumer.position(tp) >= ends[tp]:
                            behind.discard(tp)
                    if not behind:
                        log.info("board caught up", extra={"settlements": len(self.state.statuses),
                                                           "alerts": len(self.state.feed)})
                        self.ready.set()
