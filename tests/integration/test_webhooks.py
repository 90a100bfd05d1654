"""Webhooks on a real broker: local receivers that fail twice, never answer, or answer at once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import replace
from typing import Any

import orjson
import pytest
from aiohttp import web

from workers.operations.deadletters import read_dead_letters, select
from workers.settings import Settings
from workers.stage0_replay.publish import make_producer
from workers.topics import TopicSpec
from workers.webhooks.dispatch import run_webhooks, subscriber_id
from workers.webhooks.replay import replay_webhooks
from workers.webhooks.signing import HEADER, verify

pytestmark = pytest.mark.integration

SECRET = "test-secret"


class Receiver:
    """A local webhook endpoint: `mode` is flaky (503 twice per alert, then 200), dead (never answers in
    time) or ok; records every request and the time each alert was first accepted."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.tries: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.accepted_at: dict[str, float] = {}
        self.bad_signatures = 0
        self.url = ""
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if not verify(SECRET, body, request.headers.get(HEADER, ""), time.time()):
            self.bad_signatures += 1
        alert_id = orjson.loads(body)["alert_id"]
        assert request.headers["X-Frontwire-Alert-Id"] == alert_id
        self.tries[alert_id] += 1
        if self.mode == "dead":
            await asyncio.sleep(30)
        if self.mode == "flaky" and self.tries[alert_id] <= 2:
            return web.Response(status=503)
        self.accepted[alert_id] += 1
        self.accepted_at.setdefault(alert_id, time.monotonic())
        return web.Response(status=204)

    async def start(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hook/{token}", self.handle)
        self.runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/hook/{self.mode}-token"  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


def alert(i: int) -> dict[str, Any]:
    return {"alert_id": f"alert-{i}", "settlement": {"id": 707292 + i, "name": f"Place {i}", "oblast": "Kharkiv",
                                                     "lat": 49.2, "lon": 37.3},
            "previous_status": "unknown", "new_status": "ukrainian_control", "event": "withdrawal",
            "confidence": 0.6, "emitted_at": "2026-01-01T00:00:00Z", "effective_at": "2022-09-10T14:00:00Z",
            "evidence": [{"article_id": f"a{i}", "source": "wire", "url": None,
                          "published_at": "2022-09-10T14:00:00Z", "quote": "Russian forces left.",
                          "attribution": None}]}


async def publish(settings: Settings, bootstrap: str, spec: TopicSpec, alerts: list[dict[str, Any]]) -> None:
    producer = make_producer(settings, bootstrap)
    await producer.start()
    try:
        for a in alerts:
            await producer.send_and_wait(spec.name, orjson.dumps(a), key=str(a["settlement"]["id"]).encode())
    finally:
        await producer.stop()


async def wait_for(condition: Any, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def test_flaky_dead_and_healthy_subscribers(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec]) -> None:
    async def scenario() -> None:
        flaky, dead, ok = [await Receiver(m).start() for m in ("flaky", "dead", "ok")]
        s = replace(settings, webhooks=(flaky.url, dead.url, ok.url), webhook_secret=SECRET, webhook_attempts=3,
                    webhook_backoff_s=0.2, webhook_timeout_s=1.0)
        alerts = [alert(i) for i in range(3)]
        ids = {a["alert_id"] for a in alerts}
        task = asyncio.create_task(run_webhooks(s, bootstrap))
        try:
            await asyncio.sleep(1.0)  # the subscribers' consumers are assigned
            published = time.monotonic()
            await publish(s, bootstrap, topics["alerts"], alerts)
            # the healthy receiver has every alert long before the dead one's first try even times out (1 s)
            await wait_for(lambda: set(ok.accepted) == ids, 10)
            assert max(ok.accepted_at.values()) - published < 1.0
            assert dead.accepted == Counter()
            # the flaky one gets each alert once, on the third try; the dead one is tried 3 times per alert
            await wait_for(lambda: set(flaky.accepted) == ids, 15)
            await wait_for(lambda: all(dead.tries[i] == 3 for i in ids), 20)
            entries: list[Any] = []

            async def dead_letters() -> None:
                nonlocal entries
                while len(entries) < 3:
                    entries = select(await read_dead_letters(s, bootstrap, topics["deadletter"]), "webhook")
                    await asyncio.sleep(0.2)
            await asyncio.wait_for(dead_letters(), 15)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert flaky.accepted == Counter({i: 1 for i in ids}) and flaky.tries == Counter({i: 3 for i in ids})
        assert ok.accepted == Counter({i: 1 for i in ids}) and ok.tries == Counter({i: 1 for i in ids})
        assert flaky.bad_signatures == dead.bad_signatures == ok.bad_signatures == 0
        assert {orjson.loads(e.record["payload"])["alert_id"] for e in entries} == ids
        assert {e.record["webhook_id"] for e in entries} == {subscriber_id(dead.url)}
        assert all(e.record["reason"] == "webhook_failed" and "dead-token" not in e.record["detail"] for e in entries)

        # restarted, the dispatcher resumes where each subscriber left off: nothing is sent twice
        task = asyncio.create_task(run_webhooks(s, bootstrap))
        await asyncio.sleep(2.0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert ok.tries == Counter({i: 1 for i in ids}) and flaky.tries == Counter({i: 3 for i in ids})

        # the subscriber is back: dlq replay sends it the alerts it missed, each once, to it alone
        dead.mode = "ok"
        report = await replay_webhooks(s, bootstrap, entries)
        assert len(report.replayed) == 3 and not report.skipped
        assert dead.accepted == Counter({i: 1 for i in ids}) and dead.bad_signatures == 0
        assert ok.tries == Counter({i: 1 for i in ids})
        for r in (flaky, dead, ok):
            await r.stop()

    asyncio.run(scenario())
