"""Which alerts stand on the alerts topic: the topic itself is the record of what was sent.

Without transactions an alert can reach the alerts topic while the status-table write and the
offset commit that follow it are lost to a crash; the redelivered claim then gives the same alerts
again, with the same `alert_id`s. Before sending, the alerts stage asks this ledger, which reads the
alerts topic by explicit partitions from where it last stopped to the current end, whether an id
stands there: sent, and not withdrawn since by a message that `retracts` it. A shift withdrawn by a
late report and found again later is sent again; a withdrawal of an alert that does not stand is
not sent. Reading back a topic after a crash is the only check that does not depend on the lost
writes. If the topic cannot be read, the ledger answers "not published" (at least once wins over at
most once) and logs why.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition

from workers.kafka.reading import read_to_end, reader, stop_consumer
from workers.settings import Settings

log = logging.getLogger(__name__)


class PublishedLedger:
    """The ids (field `id_field` of each JSON message) that stand on one topic, caught up on demand.

    A message with a `retracts` field withdraws the id it names.
    """

    def __init__(self, settings: Settings, bootstrap: str, topic: str, partitions: int,
                 id_field: str = "alert_id") -> None:
        self._settings = settings
        self._bootstrap = bootstrap
        self._parts = [TopicPartition(topic, p) for p in range(partitions)]
        self._field = id_field
        self._ids: set[str] = set()
        self._consumer: AIOKafkaConsumer | None = None

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = reader(self._settings, self._bootstrap)
            await consumer.start()
            consumer.assign(self._parts)
            await consumer.seek_to_beginning(*self._parts)
            self._consumer = consumer
        return self._consumer

    async def catch_up(self) -> None:
        """Read every message published since the last catch-up (to the true end, see `workers.kafka.reading`)."""
        consumer = await self._started()
        consumer.resume(*self._parts)
        try:
            await read_to_end(consumer, self._parts, lambda message: self._remember(message.value), idle_ms=100,
                              timeout_s=30.0)
        finally:
            consumer.pause(*self._parts)  # no background fetching between two alerts

    def _remember(self, value: bytes | None) -> None:
        try:
            doc = orjson.loads(value or b"null")
        except orjson.JSONDecodeError:
            return
        if not isinstance(doc, dict):
            return
        if isinstance(doc.get("retracts"), str):
            self._ids.discard(doc["retracts"])
        elif isinstance(doc.get(self._field), str):
            self._ids.add(doc[self._field])

    async def published(self, message_id: str) -> bool:
        """True if a message with this id stands on the topic (read back from the broker)."""
        if message_id in self._ids:
            return True
        try:
            await self.catch_up()
        except Exception as exc:  # noqa: BLE001 - never block or drop an alert because the check failed
            log.warning("could not read back the published ids; sending anyway",
                        extra={"error": f"{type(exc).__name__}: {exc}"[:300]})
            await self.close()
            return False
        return message_id in self._ids

    def known(self, message_id: str) -> bool:
        """True if this id stands as read back or sent by this process; no broker round trip."""
        return message_id in self._ids

    def add(self, message_id: str) -> None:
        """Record an id this process has just sent."""
        self._ids.add(message_id)

    def withdraw(self, message_id: str) -> None:
        """Record that this process has just sent the withdrawal of an id."""
        self._ids.discard(message_id)

    async def close(self) -> None:
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            await stop_consumer(consumer)


def ledger_for(topic: Any, settings: Settings, partitions: int) -> PublishedLedger:
    """A ledger of the faust `topic`, on the broker its app is connected to."""
    bootstrap = ",".join(f"{url.host}:{url.port or 9092}" for url in topic.app.conf.broker)
    return PublishedLedger(settings, bootstrap, topic.get_topic_name(), partitions)


class AssignmentLedger:
    """A `PublishedLedger` read back once per partition assignment, then kept by this worker's own sends.

    Only messages sent by an earlier owner of the partitions can be unknown to this worker (the stage
    and its output are keyed alike, so while it holds the partitions it is their only writer, and it
    records every id it sends). A read-back costs at least one idle fetch (100 ms or more), so doing
    it per message was most of the alerts stage's latency (measured with bench/pipeline.py).
    """

    def __init__(self, ledger: PublishedLedger) -> None:
        self.ledger = ledger
        self.caught_up = False  # since the last (re)assignment
        self.assignments = 0

    def reassigned(self) -> None:
        """Partitions changed hands: the next check reads the topic back again."""
        self.caught_up = False
        self.assignments += 1

    async def published(self, message_id: str) -> bool:
        """True if the id stands on the topic; reads it back only on the first check after an assignment."""
        if self.caught_up:
            return self.ledger.known(message_id)
        assignment = self.assignments
        found = await self.ledger.published(message_id)
        self.caught_up = assignment == self.assignments  # a rebalance during the read-back: read again next time
        return found

    def add(self, message_id: str) -> None:
        self.ledger.add(message_id)

    def withdraw(self, message_id: str) -> None:
        self.ledger.withdraw(message_id)

    async def close(self) -> None:
        await self.ledger.close()
