"""The board's event stream without Kafka: what a client is sent before the live events."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from tests.unit.test_board_state import IZIUM, KUPIANSK, status
from workers.board.server import Hub, make_app
from workers.board.state import BoardState


async def _no_search(_query: str) -> list[dict[str, Any]]:
    return []


async def _events(state: BoardState, headers: dict[str, str], then: Any = None, wait_s: float = 1.0
                  ) -> list[tuple[str, Any]]:
    """(event, data) of the stream for `wait_s` seconds; `then(hub)` runs once the client is connected."""
    hub, ready = Hub(), asyncio.Event()
    ready.set()
    runner = web.AppRunner(make_app(state, hub, ready, _no_search), shutdown_timeout=0.2)  # the stream never ends
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    events: list[tuple[str, Any]] = []
    try:
        port = runner.addresses[0][1]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/api/alerts/stream", headers=headers) as response:
                assert response.status == 200
                if then is not None:
                    then(hub)

                async def read() -> None:
                    event = None
                    async for raw in response.content:
                        line = raw.decode().rstrip("\n")
                        if line.startswith("event: "):
                            event = line[len("event: "):]
                        elif line.startswith("data: ") and event:
                            events.append((event, orjson.loads(line[len("data: "):])))

                try:
                    await asyncio.wait_for(read(), wait_s)
                except asyncio.TimeoutError:
                    pass
    finally:
        await runner.cleanup()
    return events


def _board() -> BoardState:
    state = BoardState()
    state.apply_status(b"707292", status(IZIUM, [("ua-izium", "unknown", "ukrainian_control",
                                                  "2022-09-10T14:00:00Z", "a2")]))
    state.apply_status(b"703656", status(KUPIANSK, [("co-kup", "unknown", "contested",
                                                     "2022-09-10T21:30:00Z", "a3")]))
    return state


@pytest.mark.parametrize("headers", [{}, {"Last-Event-ID": "0"}], ids=["first connection", "reconnection"])
def test_a_client_gets_every_current_status_then_the_live_ones(headers):
    # a page may connect while the board still catches up, or come back after being cut off: either way
    # the stream itself brings it up to date, with no gap between a snapshot and the live events
    later = status(KUPIANSK, [("co-kup", "unknown", "contested", "2022-09-10T21:30:00Z", "a3"),
                              ("ua-kup", "contested", "ukrainian_control", "2022-09-20T10:00:00Z", "a4")])
    events = asyncio.run(_events(_board(), headers, then=lambda hub: hub.status(later)))
    statuses = [(data["settlement"]["id"], data["status"]) for event, data in events if event == "status"]
    assert sorted(statuses[:2]) == [(703656, "contested"), (707292, "ukrainian_control")]  # the snapshot
    assert statuses[-1] == (703656, "ukrainian_control")  # a change after it comes after it
