"""The alerts agent reads the alerts topic back once per partition assignment, not once per alert."""

from __future__ import annotations

import asyncio

import orjson

from workers.kafka.ledger import AssignmentLedger, PublishedLedger


class FakeLedger(PublishedLedger):
    """The real ledger with the broker read-back replaced: `on_topic` is what it finds; counts read-backs."""

    def __init__(self, on_topic: set[str]) -> None:
        super().__init__(settings=None, bootstrap="", topic="alerts", partitions=1)  # type: ignore[arg-type]
        self.on_topic = on_topic
        self.read_backs = 0

    async def catch_up(self) -> None:
        self.read_backs += 1
        self._ids |= self.on_topic


def test_one_read_back_per_assignment_and_earlier_alerts_are_still_found() -> None:
    async def run() -> None:
        fake = FakeLedger({"a1", "a2"})  # sent by an earlier owner before it crashed
        gate = AssignmentLedger(fake)
        assert await gate.published("a1") is True
        assert await gate.published("a2") is True  # known from the first read-back
        assert await gate.published("b1") is False
        gate.add("b1")
        assert await gate.published("b1") is True
        assert await gate.published("b2") is False
        assert fake.read_backs == 1
        fake.on_topic.add("c1")  # another owner sent it while the partitions were elsewhere
        gate.reassigned()
        assert await gate.published("c1") is True
        assert fake.read_backs == 2

    asyncio.run(run())


def test_a_rebalance_during_the_read_back_means_another_read_back() -> None:
    async def run() -> None:
        fake = FakeLedger(set())
        gate = AssignmentLedger(fake)
        original = fake.published

        async def slow(message_id: str) -> bool:
            gate.reassigned()  # partitions move while the topic is being read
            return await original(message_id)

        fake.published = slow  # type: ignore[method-assign]
        assert await gate.published("x") is False
        fake.published = original  # type: ignore[method-assign]
        assert await gate.published("y") is False
        assert fake.read_backs == 2

    asyncio.run(run())


def test_a_withdrawal_read_back_means_the_alert_no_longer_stands() -> None:
    async def run() -> None:
        fake = FakeLedger(set())
        for message in ({"alert_id": "s1"}, {"alert_id": "w1", "retracts": "s1"}, {"alert_id": "s2"}):
            fake._remember(orjson.dumps(message))
        gate = AssignmentLedger(fake)
        assert await gate.published("s1") is False  # withdrawn: found again, it is sent again
        assert await gate.published("s2") is True
        gate.withdraw("s2")
        assert await gate.published("s2") is False

    asyncio.run(run())
