"""The board's HTTP API on the embedded broker: the seeds through the whole pipeline, then every endpoint,
and a new article replayed while a stream client listens."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest

from workers.board.run import start_board
from workers.pipeline import RunResult, run_pipeline
from workers.settings import PROJECT_ROOT, Settings
from workers.stage0_replay.publish import replay_directory
from workers.topics import TopicSpec

pytestmark = pytest.mark.integration

SEEDS = PROJECT_ROOT / "seeds"
NEW_ARTICLE = Path(__file__).resolve().parent / "board_articles"
IZIUM, KUPIANSK, BALAKLIIA = 707292, 703656, 712926


async def get(session: aiohttp.ClientSession, url: str, status: int = 200) -> Any:
    async with session.get(url) as response:
        assert response.status == status, await response.text()
        return await response.json()


async def next_alert(response: aiohttp.ClientResponse) -> dict[str, Any]:
    """The data of the next `alert` event on a server-sent-events stream."""
    event: dict[str, str] = {}
    async for raw in response.content:
        line = raw.decode().rstrip("\n")
        if not line:
            if event.get("event") == "alert":
                return orjson.loads(event["data"])
            event = {}
        elif not line.startswith(":") and ":" in line:
            name, value = line.split(":", 1)
            event[name] = value.strip()
    raise AssertionError("stream ended")


def test_board_api_on_the_seeds(settings: Settings, bootstrap: str, topics: dict[str, TopicSpec]) -> None:
    checked: dict[str, Any] = {}

    async def check(result: RunResult) -> None:
        board = await start_board(settings, bootstrap, port=0)
        base = board.url.rstrip("/")
        try:
            await asyncio.wait_for(board.ready.wait(), 30)
            async with aiohttp.ClientSession() as session:
                health = await get(session, f"{base}/healthz")
                assert health["status"] == "ok" and health["settlements"] == 3

                current = await get(session, f"{base}/api/settlements")
                assert {v["settlement"]["id"]: v["status"] for v in current} == {
                    IZIUM: "ukrainian_control", KUPIANSK: "contested", BALAKLIIA: "ukrainian_control"}
                assert all(v["history"] for v in current)
                assert [v["settlement"]["id"] for v in await get(session, f"{base}/api/settlements?status=contested")] \
                    == [KUPIANSK]
                assert await get(session, f"{base}/api/settlements?oblast=Kherson") == []
                await get(session, f"{base}/api/settlements?status=won", 400)
                # before the second seed (21:30) only Izium had a status
                early = await get(session, f"{base}/api/settlements?as_of=2022-09-10T15:00:00Z")
                assert [(v["settlement"]["id"], v["status"]) for v in early] == [(IZIUM, "ukrainian_control")]
                await get(session, f"{base}/api/settlements?as_of=yesterday", 400)

                izium = await get(session, f"{base}/api/settlements/{IZIUM}")
                quotes = [e["quote"] for shift in izium["history"] for e in shift["evidence"]]
                assert any("the city's mayor has announced" in q for q in quotes), quotes
                assert sorted(izium["current"]["sources"]) == ["battleswarm", "nextbigfuture"]
                await get(session, f"{base}/api/settlements/703448", 404)
                await get(session, f"{base}/api/settlements/kyiv", 400)

                every = await get(session, f"{base}/api/alerts")
                assert len(every) == len(result.messages)
                live = {a["alert_id"] for a in every if not a.get("retracts")} - {
                    a["retracts"] for a in every if a.get("retracts")}
                assert live == {a["alert_id"] for a in result.alerts}
                assert await get(session, f"{base}/api/alerts?since=2100-01-01T00:00:00Z") == []
                assert len(await get(session, f"{base}/api/alerts?since=2000-01-01")) == len(every)

                for spelling in ("Izyum", "Ізюм", "Изюм"):
                    found = await get(session, f"{base}/api/search?q={spelling}")
                    assert found[0]["id"] == IZIUM and found[0]["on_board"], spelling

                async with session.get(f"{base}/api/alerts/stream") as stream:
                    assert stream.headers["Content-Type"].startswith("text/event-stream")
                    started = time.monotonic()
                    await replay_directory(settings, bootstrap, topics["raw"].name, NEW_ARTICLE)
                    new = await asyncio.wait_for(next_alert(stream), 20)
                    checked["stream_latency_s"] = time.monotonic() - started
                assert new["settlement"]["id"] == KUPIANSK and new["new_status"] == "ukrainian_control"
                assert (await get(session, f"{base}/api/settlements/{KUPIANSK}"))["current"]["status"] \
                    == "ukrainian_control"

                async with session.get(f"{base}/") as page:
                    html = await page.text()
                    assert page.status == 200 and "/static/vendor/leaflet/leaflet.js" in html
                    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
                async with session.get(f"{base}/openapi.yaml") as spec:
                    assert spec.status == 200 and "/api/alerts/stream" in await spec.text()
            checked["done"] = True
        finally:
            await board.close()

    asyncio.run(run_pipeline(settings, bootstrap, SEEDS, on_drained=check))
    assert checked.get("done")
    print(f"new article to stream client: {checked['stream_latency_s']:.2f}s")
