"""A faust App whose consumers long-poll briefly and whose table recovery reads to the true end.

faust fixes the consumer's `fetch_max_wait_ms` at 1500 ms. A broker that answers a fetch only when
that wait is over (the embedded Tansu does, measured: 0-750 ms per hop, 0-10 ms at 100 ms) then
adds up to 1.5 s to every stage hop. `FRONTWIRE_FETCH_MAX_WAIT_MS` sets it; on Apache Kafka, which
answers as soon as data arrives, a short wait only means more idle fetch requests.

faust recovers a table by reading its changelog up to the end offsets it gets from ListOffsets.
The embedded Tansu answers ListOffsets with the last record batch's base offset + 1, so recovery
stopped short of the last batch's other records and a restarted worker held stale state (a
settlement's status from before its last shift; the soak test found it). Here the recovery end is
the larger of ListOffsets and the high watermark a fetch reports (`workers.kafka.reading`); on
Apache Kafka both agree.

faust can also hand a stage records fetched before a seek: a fetch that was under way while a
rebalance's recovery sought the stream partitions back to their committed offsets returns records
from the old position (faust-streaming issues 216 and 221). faust takes the first of them as the
next record, marks the offsets it skipped as a gap (committed as if done), and then drops the
re-fetched records as already read: measured here, a restarted alerts worker lost or never
committed the claims published while it joined (tests/integration/test_table_recovery.py). The
consumer below keeps each input partition in offset order: a record past the next expected offset
is set aside, the partition is sought back to that offset and read again. A real hole (records
deleted by retention before they were read) shows up twice at the same offset within one assignment
and is then accepted.

A partition nothing was committed on needs one more step: faust drops a fetched batch when the flow
stops or the generation changes while it fetches, then calls `perform_seek`, and aiokafka's
`seek_to_committed` leaves such a partition where its fetcher is, past the dropped records (the soak
test saw a claims partition of a new group start at offset 39). Those partitions are sought to
their log start (tests/integration/test_table_recovery.py drops a batch on purpose).
"""

from __future__ import annotations

import logging
from typing import Any, AsyncIterator, Mapping

import faust
from aiokafka import TopicPartition
from faust.tables import TableManager
from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread, Consumer, Transport

from workers.kafka.reading import fetch_highwaters

log = logging.getLogger(__name__)


def frontwire_app_class(fetch_max_wait_ms: int, client_kwargs: dict[str, Any]) -> type[faust.App]:
    """A faust.App subclass whose worker consumers use `fetch_max_wait_ms`.

    `client_kwargs` (see `workers.kafka.connection.aiokafka_kwargs`) connect the short-lived consumer
    that reads true end offsets for table recovery.
    """

    class _ConsumerThread(AIOKafkaConsumerThread):
        def _create_worker_consumer(self, transport: Any) -> Any:
            consumer = super()._create_worker_consumer(transport)
            consumer._fetch_max_wait_ms = fetch_max_wait_ms  # read by the fetcher when the consumer starts
            return consumer

        async def _highwaters(self, partitions: list[Any]) -> Mapping[Any, int]:
            listed = await super()._highwaters(partitions)
            if self.consumer.in_transaction or not partitions:
                return listed
            fetched = await fetch_highwaters(client_kwargs, [TopicPartition(tp.topic, tp.partition) for tp in partitions])
            return {tp: max(int(listed.get(tp) or 0), int(fetched.get(TopicPartition(tp.topic, tp.partition), 0)))
                    for tp in partitions}

    class _Consumer(InOrderConsumer):
        def _new_consumer_thread(self) -> AIOKafkaConsumerThread:
            return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    class _Transport(Transport):
        Consumer = _Consumer

    class FrontwireApp(faust.App):
        def _new_transport(self) -> Any:
            return _Transport(self.conf.broker_consumer, self)

    return FrontwireApp


class PromptTableManager(TableManager):
    """faust's table manager without the one-second pause before it starts (measured: a second of every start).

    faust waits a second for tables to be added; frontwire adds every table while building the app,
    before the worker starts, so there is nothing to wait for.
    """

    async def on_start(self) -> None:
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()


class InOrderConsumer(Consumer):
    """A faust aiokafka Consumer that never lets an input partition skip ahead (see the module doc).

    Two guards, both for topics whose offsets faust commits (stage inputs):
    - a record past the next expected offset (fetched before a seek) is set aside and the partition
      is sought back to the expected offset, so the stage sees every offset, in order;
    - when a seek runs while faust's drain loop holds a record, the loop afterwards records that
      record's offset as read over the sought position, and would drop the re-fetched records
      before it as already read (never processed, never committed: a stalled partition). The
      sought position is put back.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._next_offsets: dict[Any, int] = {}  # tp -> the next offset the stage should see
        self._sought: dict[Any, int | None] = {}  # tp -> read offset the last seek set
        self._rewound: set[tuple[Any, int]] = set()  # (tp, offset) sought back to since the last rebalance
        self._seeks = 0

    async def seek(self, partition: Any, offset: int) -> None:
        await super().seek(partition, offset)
        self._next_offsets[partition] = offset
        self._sought[partition] = self._read_offset.get(partition)
        self._seeks += 1

    async def perform_seek(self) -> None:
        """Seek every partition to its committed offset, or its log start if none; expect reading to go on from there.

        aiokafka's `seek_to_committed` leaves a partition with no committed offset (or offset 0) where
        its fetcher is. Records fetched before this seek and discarded by faust (a batch cut short
        when the flow stopped or the generation changed) then never come back, and the stage starts
        that partition past its first records. Stage inputs without a committed offset are therefore
        sought to their first offset, and the stage expects that offset next.
        """
        await super().perform_seek()
        self._rewound.clear()
        assigned = self.assignment()
        uncommitted = [tp for tp, offset in self._read_offset.items()
                       if not offset and tp in assigned and self._is_stage_input(tp)]
        starts = await self._log_starts(uncommitted)
        for tp in uncommitted:
            await super().seek(tp, starts[tp])
        for tp, offset in list(self._read_offset.items()):
            self._sought[tp] = offset
            if tp in starts:
                self._next_offsets[tp] = starts[tp]
            elif offset is None:
                self._next_offsets.pop(tp, None)  # a changelog: table recovery seeks it itself
            else:
                self._next_offsets[tp] = offset
        self._seeks += 1

    def _is_stage_input(self, tp: Any) -> bool:
        """A partition of a topic an agent reads and faust commits; not a table changelog (recovery seeks those)."""
        return self.app.topics.acks_enabled_for(tp.topic) and not self._is_changelog_tp(tp)

    async def _log_starts(self, partitions: list[Any]) -> dict[Any, int]:
        """First offset of each partition (ListOffsets earliest; 0 on a topic nothing was deleted from)."""
        if not partitions:
            return {}
        found = await self.earliest_offsets(*partitions)
        return {tp: max(int(found.get(tp) or 0), 0) for tp in partitions}

    async def on_partitions_revoked(self, revoked: set[Any]) -> None:
        for tp in revoked:
            self._next_offsets.pop(tp, None)
            self._sought.pop(tp, None)
        await super().on_partitions_revoked(revoked)

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[Any, Any]]:
        expected, sought, rewound = self._next_offsets, self._sought, self._rewound
        set_aside: set[Any] = set()  # partitions sought back during this batch: the rest of it is stale
        acks_enabled_for = self.app.topics.acks_enabled_for
        async for tp, message in super().getmany(timeout):
            if tp in set_aside:
                continue
            if not acks_enabled_for(message.topic):  # a topic faust never commits (faust counts table changelogs as acked)
                yield tp, message
                continue
            want = expected.get(tp)
            if want is not None and message.offset > want:
                if (tp, want) not in rewound:
                    rewound.add((tp, want))
                    log.info("record past the next expected offset; reading the partition again from there",
                             extra={"topic": tp.topic, "partition": tp.partition, "offset": message.offset,
                                    "expected": want})
                    set_aside.add(tp)
                    await self.seek(tp, want)
                    continue
                log.warning("offsets missing from the partition (deleted before they were read?); going on",
                            extra={"topic": tp.topic, "partition": tp.partition, "from": want, "to": message.offset})
            if want is None or message.offset >= want:
                expected[tp] = message.offset + 1
            seeks = self._seeks
            yield tp, message
            if self._seeks != seeks and tp in sought:
                # the drain loop has just set this record's offset as read, over the position sought meanwhile
                self._read_offset[tp] = sought[tp]
