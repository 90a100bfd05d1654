"""The ingester's memory on Kafka: the compacted `ingest_state` topic, read whole at start and then
followed, so that every ingest process sees what the others claimed and published (state.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer, TopicPartition

from workers.kafka.reading import read_to_end, reader, stop_consumer
from workers.settings import Settings
from workers.stage0_ingest.state import ArticleState, IngestState, SourceState
from workers.topics import TopicSpec

log = logging.getLogger(__name__)

READ_BACK_TIMEOUT_S = 15.0


class StateStore:
    """Folded state of the topic, kept current by a background reader; writes go through the producer."""

    def __init__(self, settings: Settings, bootstrap: str, spec: TopicSpec, producer: AIOKafkaProducer) -> None:
        self.settings = settings
        self.bootstrap = bootstrap
        self.spec = spec
        self.producer = producer
        self.state = IngestState(settings.ingest_lease_s)
        self._consumer: Any = None
        self._parts = [TopicPartition(spec.name, p) for p in range(spec.partitions)]
        self._seen: dict[int, int] = {p: -1 for p in range(spec.partitions)}  # last offset folded per partition
        self._changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Read the topic to its end (the state at start), then follow it."""
        self._consumer = reader(self.settings, self.bootstrap)
        await self._consumer.start()
        self._consumer.assign(self._parts)
        await self._consumer.seek_to_beginning(*self._parts)
        await read_to_end(self._consumer, self._parts, self._fold, timeout_s=120.0)
        self._task = asyncio.create_task(self._follow(), name="ingest-state-follow")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._consumer is not None:
            await stop_consumer(self._consumer)
            self._consumer = None

    def _fold(self, message: Any) -> None:
        key = (message.key or b"").decode("utf-8", "replace")
        try:
            value = orjson.loads(message.value) if message.value is not None else None
            self.state.apply(key, value)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            log.warning("unreadable ingest state record skipped",
                        extra={"partition": message.partition, "offset": message.offset, "key": key,
                               "error": f"{type(exc).__name__}: {exc}"[:200]})
        self._seen[message.partition] = max(self._seen[message.partition], message.offset)

    async def _follow(self) -> None:
        while True:
            try:
                batch = await self._consumer.getmany(*self._parts, timeout_ms=100)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the broker away for a while: keep following
                log.warning("reading the ingest state failed; retrying", extra={"error": str(exc)[:200]})
                await asyncio.sleep(1.0)
                continue
            if not batch:
                continue
            for messages in batch.values():
                for message in messages:
                    self._fold(message)
            async with self._changed:
                self._changed.notify_all()

    async def write(self, key: str, record: dict[str, Any]) -> Any:
        """Write one record and wait for the broker's ack; returns its metadata (partition, offset)."""
        return await self.producer.send_and_wait(self.spec.name, orjson.dumps(record), key=key.encode("utf-8"))

    async def _read_back(self, partition: int, offset: int) -> bool:
        async def seen() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._seen[partition] >= offset)

        try:
            await asyncio.wait_for(seen(), READ_BACK_TIMEOUT_S)
            return True
        except asyncio.TimeoutError:
            return False

    async def claim(self, article_id: str, claim: ArticleState) -> bool:
        """Write a claim and read it back: True if it holds the article (only then fetch it)."""
        meta = await self.write(article_id, claim.to_record())
        if not await self._read_back(meta.partition, meta.offset):
            log.warning("a claim was not read back in time; the article is left for the next poll",
                        extra={"key": article_id})
            return False
        if self.state.won(article_id, claim.owner, claim.at):
            return True
        current = self.state.articles.get(article_id)
        if current is not None and current.final:
            # our losing claim now follows the final record: write it again, so compaction keeps it
            await self.write(article_id, current.to_record())
        return False

    async def settle(self, key: str, record: ArticleState | SourceState) -> None:
        """Write an article's outcome (published, failed, dead) or a source's state after a poll, and wait
        until it is folded, in log order (the next poll starts from it)."""
        meta = await self.write(key, record.to_record())
        await self._read_back(meta.partition, meta.offset)
