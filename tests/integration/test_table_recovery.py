"""A restarted alerts worker recovers every status and reads every claim published while it joins.

Two defects this catches (both fixed in workers.kafka.faust_transport; before, about every second
run failed):
- Many table writes in a burst reach the changelog in multi-record batches; on the embedded broker
  ListOffsets then under-reports the changelog's end. A worker that recovered only up to that end
  held a stale or empty status for some settlements, and a report repeating their status alerted
  again as a shift from `unknown`.
- Claims published while the new worker joins its group were fetched across the recovery's seek:
  faust processed some out of order, marked the ones skipped as a gap and dropped the re-fetched
  ones as already read, so they were never applied (a status without the second report) or never
  committed (the partition's lag never drained).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.conftest import read_json, worker_env
from workers.app import group_id
from workers.kafka.connection import aiokafka_kwargs
from workers.kafka.lag import LagProbe
from workers.pipeline import spawn_worker, stop_worker

pytestmark = pytest.mark.integration

SETTLEMENTS = 60
DISCARDING_WORKER = Path(__file__).with_name("discarding_worker.py")


def claim(settlement_id: int, article: str, minute: int) -> dict[str, Any]:
    """A counted claim that `article` puts settlement `settlement_id` under Ukrainian control."""
    return {"claim_id": f"{article}-{settlement_id}", "article_id": article, "source": f"wire-{article}",
            "url": None, "published_at": f"2024-03-01T10:{minute:02d}:00Z",
            "settlement": {"id": settlement_id, "name": f"Place {settlement_id}", "oblast": "Kharkiv",
                           "lat": 49.0, "lon": 36.0},
            "event": "liberation", "actor": "ukraine", "implies": "ukrainian_control",
            "quote": "Ukrainian forces liberated the place.", "attribution": None, "counted": True,
            "reason": "rule: liberation", "hedged": False, "span": None, "duplicate_of": None}


async def publish_burst(settings, bootstrap: str, topic: str, claims: list[dict[str, Any]]) -> None:
    """Send without waiting between messages, so they travel in multi-record batches."""
    producer = AIOKafkaProducer(**aiokafka_kwargs(settings, bootstrap), linger_ms=50)
    await producer.start()
    try:
        futures = [await producer.send(topic, orjson.dumps(c), key=str(c["settlement"]["id"]).encode())
                   for c in claims]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


@pytest.mark.parametrize("stop", ["sigterm", "sigkill"])
def test_restarted_alerts_worker_recovers_every_status(settings, bootstrap, topics, stop):
    env = worker_env(settings)
    reads = [(group_id(settings, ["alerts"]), topics["claims"])]
    ids = list(range(1_000_001, 1_000_001 + SETTLEMENTS))

    async def publish_and_drain(claims: list[dict[str, Any]]) -> None:
        async with LagProbe(settings, bootstrap, reads) as probe:
            await publish_burst(settings, bootstrap, topics["claims"].name, claims)
            assert await probe.wait_drained(120, alive=lambda: worker.poll() is None), await probe.lags()
        assert worker.poll() is None, "the alerts worker died"

    worker = spawn_worker(settings, bootstrap, ["alerts"], env)
    try:
        asyncio.run(publish_and_drain([claim(i, "first", 1) for i in ids]))
        first = read_json(settings, bootstrap, topics["alerts"])
        assert sorted(a["settlement"]["id"] for a in first) == ids
        if stop == "sigkill":
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
        else:
            stop_worker(worker)
        worker = spawn_worker(settings, bootstrap, ["alerts"], env)
        asyncio.run(publish_and_drain([claim(i, "second", 2) for i in ids]))
    finally:
        stop_worker(worker)
    alerts = read_json(settings, bootstrap, topics["alerts"])
    again = sorted({a["settlement"]["id"] for a in alerts if a["evidence"][0]["article_id"] == "second"})
    assert not again, f"{len(again)} of {SETTLEMENTS} statuses were not recovered after the restart: {again[:5]}"
    latest = {s["settlement"]["id"]: s for s in read_json(settings, bootstrap, topics["status"])}
    stale = {i: (latest[i]["corroboration"], latest[i]["article_ids"]) for i in ids if latest[i]["corroboration"] != 2}
    assert not stale, f"statuses not corroborated by the second report: {stale}"



def test_records_discarded_before_any_commit_are_read_again(settings, bootstrap, topics):
    """A batch faust fetched and dropped, on partitions with no committed offset, is read again.

    The soak test once saw a claims partition start at offset 39 in a new consumer group: faust had
    dropped a fetched batch (the flow stopped or the generation changed while it fetched), and
    aiokafka's `seek_to_committed` leaves a partition with nothing committed where its fetcher is.
    The helper worker drops one batch that way on purpose; `InOrderConsumer.perform_seek` must seek
    those partitions back to their log start, so every claim is still applied.
    """
    env = dict(os.environ, KAFKA_BOOTSTRAP_SERVERS=bootstrap, **worker_env(settings))
    reads = [(group_id(settings, ["alerts"]), topics["claims"])]
    ids = list(range(2_000_001, 2_000_001 + SETTLEMENTS))
    worker = subprocess.Popen([sys.executable, str(DISCARDING_WORKER), "alerts", str(SETTLEMENTS)], env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=sys.stderr, text=True)

    async def drained() -> bool:
        async with LagProbe(settings, bootstrap, reads) as probe:
            return await probe.wait_drained(60, alive=lambda: worker.poll() is None)

    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "READY", "the helper worker did not get ready"
        asyncio.run(publish_burst(settings, bootstrap, topics["claims"].name, [claim(i, "only", 1) for i in ids]))
        assert worker.stdout.readline().strip() == f"DISCARDED {SETTLEMENTS}"
        assert asyncio.run(drained()), "the discarded claims were never processed (their partitions did not drain)"
    finally:
        stop_worker(worker)
        if worker.stdout is not None:
            worker.stdout.close()
    latest = {s["settlement"]["id"]: s for s in read_json(settings, bootstrap, topics["status"])}
    missing = [i for i in ids if i not in latest]
    assert not missing, f"{len(missing)} of {SETTLEMENTS} claims were never applied: {missing[:5]}"
    assert sorted(a["settlement"]["id"] for a in read_json(settings, bootstrap, topics["alerts"])) == ids
