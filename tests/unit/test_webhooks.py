"""Webhook signing, the retry schedule, one delivery against a local receiver, and the replay plan (no Kafka)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from aiohttp import web

from workers.operations.deadletters import DeadLetterEntry
from workers.webhooks.dispatch import Outcome, dead_letter, deliver, subscriber_id
from workers.webhooks.replay import plan_webhook_replay
from workers.webhooks.retry import backoff_delays
from workers.webhooks.signing import HEADER, signature, verify

SECRET = "s3cret"
BODY = b'{"alert_id":"abc","new_status":"ukrainian_control"}'


def test_signature_verifies_and_rejects_tampering_wrong_key_and_old_timestamps() -> None:
    now = 1_700_000_000
    header = signature(SECRET, BODY, now)
    assert header.startswith(f"t={now},sha256=") and len(header.split("sha256=")[1]) == 64
    assert verify(SECRET, BODY, header, now + 10)
    assert not verify(SECRET, BODY + b" ", header, now)
    assert not verify("other", BODY, header, now)
    assert not verify(SECRET, BODY, header, now + 301)
    assert not verify(SECRET, BODY, "garbage", now)
    assert not verify(SECRET, BODY, header.replace(f"t={now}", f"t={now + 1}"), now)


def test_backoff_doubles_and_is_capped() -> None:
    assert backoff_delays(5, 1.0) == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delays(1, 1.0) == []
    assert backoff_delays(9, 10.0)[-3:] == [60.0, 60.0, 60.0]


async def _deliver_to(handler: Any, attempts: int) -> tuple[Outcome, list[float], list[dict[str, str]]]:
    seen: list[dict[str, str]] = []

    async def endpoint(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append({**request.headers, "body": body.decode()})
        return await handler(len(seen))

    app = web.Application()
    app.router.add_post("/hook", endpoint)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)

    try:
        async with aiohttp.ClientSession() as session:
            outcome = await deliver(session, f"http://127.0.0.1:{port}/hook", BODY, SECRET, "abc", attempts,
                                    0.5, 2.0, sleep=sleep)
    finally:
        await runner.cleanup()
    return outcome, slept, seen


def test_delivery_retries_with_backoff_until_a_2xx_and_signs_every_try() -> None:
    async def flaky(n: int) -> web.Response:
        return web.Response(status=503 if n <= 2 else 204)

    outcome, slept, seen = asyncio.run(_deliver_to(flaky, 5))
    assert outcome.delivered and outcome.attempts == 3 and outcome.statuses == [503, 503, 204]
    assert slept == [0.5, 1.0]
    assert [h["X-Frontwire-Attempt"] for h in seen] == ["1", "2", "3"]
    for headers in seen:
        assert headers["body"] == BODY.decode() and headers["X-Frontwire-Alert-Id"] == "abc"
        assert verify(SECRET, BODY, headers[HEADER], time.time())


def test_delivery_gives_up_after_the_last_try() -> None:
    async def broken(n: int) -> web.Response:
        return web.Response(status=500)

    outcome, slept, seen = asyncio.run(_deliver_to(broken, 3))
    assert not outcome.delivered and outcome.attempts == 3 and outcome.last_error == "HTTP 500"
    assert slept == [0.5, 1.0] and len(seen) == 3


def test_dead_letter_names_the_subscriber_by_id_not_url_and_replay_finds_it() -> None:
    url = "https://hooks.example.net/T0K3N/abc"
    record = dead_letter("frontwire.alerts", 2, 7, b"707292", BODY, url, Outcome(False, 5, "HTTP 500"))
    assert record["stage"] == "webhook" and record["reason"] == "webhook_failed"
    assert record["payload"] == BODY.decode() and record["webhook_id"] == subscriber_id(url)
    assert "T0K3N" not in record["detail"] and "hooks.example.net" in record["detail"]
    entries = [DeadLetterEntry(0, i, record) for i in range(2)]
    todo, report = plan_webhook_replay(entries, ("https://other.example/", url))
    assert [(u, b) for _, u, b in todo] == [(url, BODY)] and len(report.repeated) == 1
    todo, report = plan_webhook_replay(entries, ("https://other.example/",))
    assert todo == [] and len(report.skipped) == 2
